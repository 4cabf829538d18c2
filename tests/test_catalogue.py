"""The catalogue, SPEC's rule table and the tests stay in step."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

import pytest

from plugins import engine
from plugins import rules
from plugins.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "SPEC.md"
CODE = re.compile(r"\b(L[ODI]-\d{3})\b")


def spec_table() -> dict[str, tuple[str, str]]:
    """SPEC §3's table: code -> (name, clause)."""
    if not SPEC.is_file():
        pytest.skip(f"SPEC.md not beside the repository ({SPEC})")
    table = {}
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and CODE.fullmatch(cells[0]):
            table[cells[0]] = (cells[1], cells[3])
    return table


def test_every_spec_code_is_catalogued_with_its_name_and_clause():
    table = spec_table()
    assert len(table) == 26
    assert set(table) == set(RULES)
    for code, (name, clause) in table.items():
        assert RULES[code].name == name, code
        assert RULES[code].clause == clause, code


def test_every_rule_is_explained_and_documented_in_the_plugin_docstring():
    doc = rules.__doc__ or ""
    for rule in RULES.values():
        assert f"{rule.code} {rule.name}" in doc
        for part in ("What:", "Why:", "Fix:"):
            assert part in rule.explanation, (rule.code, part)
        assert rule.zh and not rule.zh.isascii(), rule.code


ZH_PARTS = ("含义：", "依据：", "改正：")
DOCUMENTS = {"2010": "国办发〔2010〕8号", "2015": "咸政办函〔2015〕58号"}
SETTINGS = re.compile(
    r"\b(?:ban-from|register-by|decide-by|dispose-by|delink-by|close-grace|audit-grace|"
    r"loss-tolerance|remit-within|appraisal-valid|reception-per-person|as-of)\b"
)
NUMERAL = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 to 99 in Chinese numerals: 25 -> 二十五."""
    tens, units = divmod(n, 10)
    head = "" if not tens else ("十" if tens == 1 else NUMERAL[tens - 1] + "十")
    return head + (NUMERAL[units - 1] if units else "")


def citations(clause: str) -> list[tuple[str, re.Pattern[str]]]:
    """Each reference of a rule's ``clause``, and the pattern that finds it in Chinese.

    ``2010(十八)`` is written 国办发〔2010〕8号第(十八)条, and several at once
    第(六)(七)条; ``2015 二(二)2`` is written 咸政办函〔2015〕58号 二(二)2, and a later
    reference of the same group just 二(二)4; ``条例 arts. 25–26`` is written
    《行政事业性国有资产管理条例》第二十五条、第二十六条.
    """
    section = rf"\([{NUMERAL}]+\)"
    found = []
    for group in clause.split(";"):
        group = group.strip()
        if group.startswith("2010"):
            for ref in re.findall(section, group):
                lead = re.escape(DOCUMENTS["2010"]) + "第"
                pattern = rf"{lead}(?:{section})*{re.escape(ref)}(?:{section})*条"
                found.append((f"2010{ref}", re.compile(pattern)))
        elif group.startswith("2015"):
            for i, ref in enumerate(r.strip() for r in group[4:].split(",")):
                lead = re.escape(DOCUMENTS["2015"]) + r"\s*" if i == 0 else ""
                pattern = rf"{lead}(?<![{NUMERAL})]){re.escape(ref)}(?![\d(])"
                found.append((f"2015 {ref}", re.compile(pattern)))
        elif group.startswith("条例"):
            numbers = [int(n) for n in re.findall(r"\d+", group)]
            articles = "、".join(f"第{chinese_number(n)}条" for n in numbers)
            found.append((group, re.compile(f"行政事业性国有资产管理条例》?{articles}")))
    return found


def cjk(text: str) -> int:
    return sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


def chinese_problems(rule: rules.Rule) -> list[str]:
    """What is wrong with a rule's Chinese explanation; nothing, for a good one."""
    text = rule.explanation_zh
    paragraphs = text.split("\n")
    if len(paragraphs) != 3 or any(
        not p.startswith(part) for p, part in zip(paragraphs, ZH_PARTS, strict=False)
    ):
        return [f"not three lines {'、'.join(ZH_PARTS)}: {text!r}"]
    problems = []
    for paragraph in paragraphs:
        if cjk(paragraph[3:]) < 5:
            problems.append(f"trivial: {paragraph!r}")
        if paragraph.count("`") % 2:
            problems.append(f"unpaired backtick: {paragraph!r}")
    # what the ledger must say is written as the English writes it
    english = rule.explanation
    for snippet in dict.fromkeys(
        re.findall(r"`[^`]+`", english) + SETTINGS.findall(english)
    ):
        if snippet not in text:
            problems.append(f"lost {snippet}")
    for label, pattern in citations(rule.clause):
        if not pattern.search(paragraphs[1]):
            problems.append(f"依据 does not cite {label}")
    return problems


def test_every_rule_is_explained_in_chinese_what_why_and_how_to_fix():
    for rule in RULES.values():
        assert chinese_problems(rule) == [], rule.code


def test_a_chinese_explanation_that_lacks_something_is_caught():
    rule = RULES["LD-202"]
    zh = rule.explanation_zh

    def problems(text: str) -> list[str]:
        return chinese_problems(dataclasses.replace(rule, explanation_zh=text))

    assert problems(zh) == []
    assert problems(zh.replace("\n改正：", "改正："))  # two lines
    assert problems(zh.replace("依据：", "理由："))
    assert problems(zh.split("\n改正：")[0] + "\n改正：见上。")  # trivial, snippets lost
    assert problems(zh.replace("`price-approval:`", "价格批准")) == [
        "lost `price-approval:`"
    ]
    assert problems(zh.replace("loss-tolerance", "容差")) == ["lost loss-tolerance"]
    assert problems(zh.replace("第(十八)条", "第十八条")) == [
        "依据 does not cite 2010(十八)"
    ]
    assert problems(zh.replace(" 二(二)2", " 二(二)3")) == [
        "依据 does not cite 2015 二(二)2"
    ]
    assert problems(zh.replace("咸政办函〔2015〕58号", "该方案")) == [
        "依据 does not cite 2015 二(二)2"
    ]


def test_citations_are_found_as_written_and_not_inside_others():
    def cited(text: str, clause: str) -> list[str]:
        return [label for label, pattern in citations(clause) if pattern.search(text)]

    both = "2010(六)(七); 2015 二(一)1-2"
    assert cited("国办发〔2010〕8号第(六)(七)条；咸政办函〔2015〕58号 二(一)1-2", both) == [
        "2010(六)",
        "2010(七)",
        "2015 二(一)1-2",
    ]
    assert cited("国办发〔2010〕8号第(七)条", both) == ["2010(七)"]
    assert cited("咸政办函〔2015〕58号 二(四)2、三(三) 要求", "2015 二(四)2, 三(三)") == [
        "2015 二(四)2",
        "2015 三(三)",
    ]
    assert cited("咸政办函〔2015〕58号 二(四)2、三(三)2", "2015 二(四)2, 三(三)") == [
        "2015 二(四)2"
    ]
    assert cited("咸政办函〔2015〕58号 二(二)12", "2015 二(二)1") == []
    assert chinese_number(25) == "二十五" and chinese_number(10) == "十"
    assert cited("《行政事业性国有资产管理条例》第二十五条、第二十六条", "条例 arts. 25–26")
    assert citations("—") == []


@pytest.mark.parametrize("code", ["LD-201", "LD-202", "LD-203", "LD-204", "LD-213"])
def test_disposal_rules_point_from_the_cited_clause_to_the_one_that_words_it(code):
    """SPEC cites 2015 二(二)2 (consolidating offices); the plan states the duty to
    dispose of assets, and to get it approved, in 三(二)2 (docs/readings.md)."""
    rule = RULES[code]
    assert "2015 二(二)2" in rule.clause
    assert "worded in 三(二)2" in rule.explanation.split("\n")[1]
    assert "原文见 三(二)2" in rule.explanation_zh.split("\n")[1]


def test_messages_carry_the_code_the_name_and_the_chinese_name():
    error = rules.violation("LD-202", None, "below")
    assert error.message == "[LD-202 below-appraisal] 低于评估价处置：below"


def test_every_rule_has_a_finder_or_is_raised_by_the_model():
    found = set(engine.finders())
    assert found | {"LI-301", "LI-302"} == set(RULES)


def _test_sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in (ROOT / "tests").rglob("test_*.py")
        if path.name != "test_catalogue.py"
    }


def test_every_code_is_expected_by_some_test_and_no_test_expects_an_unknown_code():
    sources = _test_sources()
    mentioned = set()
    for text in sources.values():
        mentioned |= set(CODE.findall(text))
    assert mentioned - set(RULES) == set(), "tests expect codes the catalogue lacks"
    assert set(RULES) - mentioned == set(), "codes no test raises"
