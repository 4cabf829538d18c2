"""The guide (``docs/guide/README.md``) and the README stay true to the code: the
entries the guide teaches make a ledger that checks clean, each import message it
explains is one the importers give, and every link and picture leads into the
repository."""

from __future__ import annotations

import ast
import datetime
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from beancount import loader

from plugins import engine
from tests.test_catalogue import anchors

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide" / "README.md"
README = ROOT / "README.md"
TEXT = GUIDE.read_text(encoding="utf-8")


def section(start: str, end: str) -> str:
    return TEXT[TEXT.index(start) : TEXT.index(end)]


def beancount_blocks(text: str) -> list[str]:
    return re.findall(r"```beancount\n(.*?)```", text, re.S)


# --- each kind of entry ----------------------------------------------------------------

ENTRIES = section("### 3. 每种分录怎么记", "### 4. ")


def test_the_entries_of_section_3_make_a_ledger_that_checks_clean():
    blocks = beancount_blocks(ENTRIES)
    assert len(blocks) >= 10
    text = "\n".join(blocks)
    entries, errors, options = loader.load_string(text)
    assert [e.message for e in errors] == []
    _, violations = engine.run(entries, options, None, as_of=datetime.date(2015, 12, 31))
    assert [v.message for v in violations] == []
    # every kind of entry the issue asks for is there, each decision and each form
    for needle in (
        'custom "program"',
        'custom "government"',
        'custom "office"',
        'custom "registration"',
        '"retain"',
        '"abolish"',
        '"merge"',
        'disposal: "auction"',
        'disposal: "sale"',
        'disposal: "transfer"',
        "DueToTreasury",  # the 政府会计制度 form
        "Assets:Treasury:XN-CB                          61000.00 CNY",  # the short form
        'custom "window"',
        'custom "audit"',
        "guests:",
        " close ",
    ):
        assert needle in text, needle


def test_the_guides_reception_over_the_standard_is_flagged():
    """The guide's own counter-example: 6 guests instead of 8 is LO-110, and only it."""
    text = "\n".join(beancount_blocks(ENTRIES)).replace("guests: 8", "guests: 6")
    entries, errors, options = loader.load_string(text)
    assert [e.code for e in errors] == ["LO-110"]  # the ledger's own plugin line
    _, violations = engine.run(entries, options, None, as_of=datetime.date(2015, 12, 31))
    assert [v.code for v in violations] == ["LO-110"]
    assert "960.00 CNY，超过标准 150.00 CNY × 6 = 900.00 CNY" in violations[0].message


# --- the import messages ---------------------------------------------------------------

MESSAGES = section("### 5. 导入时的每一条消息", "### 6. ")


def importer_texts() -> list[str]:
    """Every string the importers write, an f-string's fields as ``…``."""
    texts = []
    for path in sorted((ROOT / "importers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                texts.append(
                    "".join(
                        v.value
                        if isinstance(v, ast.Constant) and isinstance(v.value, str)
                        else "…"
                        for v in node.values
                    )
                )
    return texts


def quoted_messages() -> list[str]:
    """The messages in the guide's tables: the first cell's `…`, in order."""
    found = []
    for line in MESSAGES.splitlines():
        match = re.match(r"\| `([^`]+)` \|", line)
        if match:
            found.append(match.group(1))
    return found


def test_each_import_message_the_guide_explains_is_one_the_importers_give():
    texts = importer_texts()
    messages = quoted_messages()
    assert len(messages) >= 60
    missing = []
    for message in messages:
        pieces = [p for p in re.split(r"…|\.\.\.", message) if p.strip()]
        if not any(all(piece in text for piece in pieces) for text in texts):
            missing.append(message)
    assert missing == []


def test_a_message_the_importers_do_not_give_is_caught():
    texts = importer_texts()
    for made_up in ("合计行不存在…", "金额单位…是美元"):
        pieces = [p for p in made_up.split("…") if p]
        assert not any(all(piece in text for piece in pieces) for text in texts)


@pytest.mark.parametrize(
    "needle",
    [
        # one of each family, so no family of messages is left out of the guide
        "是必填项，但单元格为空",
        "不是金额",
        "不是日期",
        "不是资产类别",
        "不是处置方式",
        "不是清理规范允许的处置方式",
        "金额单位矛盾",
        "缺少必填的列",
        "无法识别的列名",
        "合并单元格",
        "没有保存它的计算结果",
        "签字栏",
        "二者不符",
        "只有表头，没有数据行",
        "与本文件",
        "填报单位「",
        "没有机构代码列",
        "没有找到登记表的表头",
        "没有这个工作表",
        "未在账本中声明",
        "已在账本中",
        "不在账本中；请先导入资产清查登记表",
        "不能重复处置",
        "须填写成交金额",
        "须填写受让方",
        "文件不存在",
        "文件为空",
        "密码保护",
        "既不是 UTF-8",
        "超过导入文件",
        "另一个导入正在写入",
        "账本没有 include",
        "个 Beancount 错误",
    ],
)
def test_the_guide_explains_every_family_of_import_messages(needle):
    assert needle in MESSAGES


# --- links and pictures ----------------------------------------------------------------


@pytest.mark.parametrize("document", [GUIDE, README], ids=["guide", "README"])
def test_links_and_pictures_lead_into_the_repository(document):
    text = re.sub(r"```.*?```", "", document.read_text(encoding="utf-8"), flags=re.S)
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    assert targets
    for target in targets:
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = unquote(target).partition("#")
        file = (document.parent / path).resolve() if path else document
        assert file.is_relative_to(ROOT), target
        assert file.exists(), target
        if anchor:
            assert anchor in anchors(file), target


def test_the_guide_shows_every_screenshot_its_script_makes():
    script = (GUIDE.parent / "make_screenshots.py").read_text(encoding="utf-8")
    made = set(re.findall(r'IMAGES / "([^"]+\.png)"', script))
    kinds = re.search(r"for kind, height in \((.*?)\):", script)
    assert kinds and 'IMAGES / f"report-{kind}.png"' in script
    made |= {f"report-{kind}.png" for kind in re.findall(r'\("(\w+)", \d+\)', kinds[1])}
    shown = set(re.findall(r"\]\(images/([^)]+\.png)\)", TEXT))
    assert made and made == shown
    for name in made:
        assert (GUIDE.parent / "images" / name).stat().st_size > 10_000, name
