"""The corpus of bad import files: each is refused, clearly, and nothing is touched.

Forms that were refused here once and are imported now (a blank row between data rows,
an office code merged down, UTF-16 text with a byte-order mark) have their tests at the
end of this file, each asserting exactly what is booked.

CSV and other byte-exact files live in ``tests/importers/bad/``; xlsx files are built here
with openpyxl so they stay readable. Every case names where the problem is
(``file:row:column``) and a fragment of what is said about it. Full-width digits and
stray whitespace are accepted, not refused (the last tests).
"""

from __future__ import annotations

import codecs
import datetime
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from importers import convert
from importers import pipeline
from importers import sheets
from tests.importers.conftest import INVENTORY_HEADER
from tests.importers.conftest import run_cli
from tests.importers.conftest import write_csv
from tests.importers.conftest import write_xlsx

BAD = Path(__file__).parent / "bad"

GOOD_ROW = [
    "XN-JY-WH",
    "JY-V-0001",
    "别克GL8 鄂L12345",
    "车辆",
    datetime.date(2011, 5, 1),
    280000,
    150000,
    120000,
    "办公",
    datetime.date(2015, 7, 25),
]

# file name -> (kind, [(location suffix, message fragment), ...])
CORPUS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "missing-header.csv": ("inventory", [(":1:", "缺少必填的列：资产编号（asset-id）")]),
    "duplicate-header.csv": ("inventory", [(":1:K:", "列重复：资产名称/name 已在 C 列")]),
    "misspelt-header.csv": ("inventory", [(":1:B:", "是否应为 'asset-id'？")]),
    "non-numeric-amount.csv": ("inventory", [(":2:G:", "不是金额，应写成 120000.00")]),
    "negative-amount.csv": ("inventory", [(":2:G:", "是负数")]),
    "over-precise-amount.csv": ("inventory", [(":2:G:", "小数超过两位")]),
    "impossible-date.csv": (
        "inventory",
        [(":2:J:", "不是真实存在的日期（2015年2月只有28天）")],
    ),
    "not-a-date.csv": ("inventory", [(":2:E:", "不是日期，应写作 2015-07-25")]),
    "unknown-office.csv": ("inventory", [(":2:A:", "机构 XN-ZZ-WH 未在账本中声明")]),
    "bad-office-code.csv": ("inventory", [(":2:A:", "不是机构代码")]),
    "unknown-category.csv": ("inventory", [(":2:D:", "不是资产类别")]),
    "duplicate-id-in-file.csv": ("inventory", [(":3:B:", "JY-V-0001 与本文件第 2 行重复")]),
    "duplicate-id-against-ledger.csv": (
        "inventory",
        [(":2:B:", "JY-B-0001 已在账本中")],
    ),
    "empty.csv": ("inventory", [(": ", "文件为空")]),
    "header-only.csv": ("inventory", [(":1: ", "没有数据行")]),
    "truncated.csv": ("inventory", [(":3: ", "只有 5 个字段，而表头有 10 列")]),
    "quote-left-open.csv": ("inventory", [(": ", "第 3 行不是格式正确的 CSV")]),
    "utf16-no-bom.csv": ("inventory", [(": ", "是 UTF-16 编码的文本")]),
    "latin1.csv": ("inventory", [(": ", "既不是 UTF-8，也不像 GBK")]),
    "binary.csv": ("inventory", [(": ", "含有 NUL 字节")]),
    "extra-fields.csv": ("inventory", [(":2:K:", "最后一列之后还有值")]),
    "missing-value.csv": ("inventory", [(":2:C:", "是必填项，但单元格为空")]),
    "old-excel.xls": ("inventory", [(": ", "无法作为 xls 工作簿读取")]),
    "text-named.xlsx": ("inventory", [(": ", "不是 xlsx 工作簿")]),
    "disposals-unknown-asset.csv": ("disposals", [(":2:A:", "JY-X-9999 不在账本中")]),
    "disposals-unknown-method.csv": (
        "disposals",
        [(":2:B:", "捐赠不是清理规范允许的处置方式")],
    ),
    "disposals-transfer-without-recipient.csv": (
        "disposals",
        [(":2:G:", "须填写受让方")],
    ),
    "disposals-auction-without-proceeds.csv": (
        "disposals",
        [(":2:F:", "须填写成交金额")],
    ),
    "disposals-missing-date.csv": ("disposals", [(":2:C:", "是必填项，但单元格为空")]),
}


def _xlsx_formula(path: Path) -> Path:
    return write_xlsx(path, [INVENTORY_HEADER, [*GOOD_ROW[:6], "=F2*0.5", *GOOD_ROW[7:]]])


def _xlsx_merged(path: Path) -> Path:
    second = [*GOOD_ROW]
    second[1] = "JY-V-0002"
    second[0] = None
    return write_xlsx(path, [INVENTORY_HEADER, GOOD_ROW, second], merges=["A2:A3"])


def _xlsx_merged_amount(path: Path) -> Path:
    second = [*GOOD_ROW]
    second[1] = "JY-V-0002"
    second[6] = None
    return write_xlsx(path, [INVENTORY_HEADER, GOOD_ROW, second], merges=["G2:G3"])


def _xlsx_header_only(path: Path) -> Path:
    return write_xlsx(path, [INVENTORY_HEADER])


def _xlsx_truncated(path: Path) -> Path:
    write_xlsx(path, [INVENTORY_HEADER, GOOD_ROW])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _xlsx_number_as_date(path: Path) -> Path:
    return write_xlsx(path, [INVENTORY_HEADER, [*GOOD_ROW[:9], 42210]])


def _xlsx_blank_row(path: Path) -> Path:
    second = [*GOOD_ROW]
    second[1] = "JY-V-0002"
    return write_xlsx(path, [INVENTORY_HEADER, GOOD_ROW, [None] * 10, second])


def _xlsx_empty_sheet(path: Path) -> Path:
    return write_xlsx(path, [])


def _xlsx_impossible_text_date(path: Path) -> Path:
    return write_xlsx(path, [INVENTORY_HEADER, [*GOOD_ROW[:9], "2015年13月1日"]])


def _xlsx_bool_amount(path: Path) -> Path:
    return write_xlsx(path, [INVENTORY_HEADER, [*GOOD_ROW[:6], True, *GOOD_ROW[7:]]])


BUILT = {
    "formula.xlsx": (_xlsx_formula, [(":2:G:", "是公式")]),
    "merged-amount.xlsx": (_xlsx_merged_amount, [(":2:G:", "合并单元格 G2:G3")]),
    "header-only.xlsx": (_xlsx_header_only, [(":1: ", "没有数据行")]),
    "truncated.xlsx": (_xlsx_truncated, [(": ", "无法作为 xlsx 工作簿读取")]),
    "number-as-date.xlsx": (_xlsx_number_as_date, [(":2:J:", "是数字而不是日期")]),
    "empty-sheet.xlsx": (_xlsx_empty_sheet, [(": ", "没有找到登记表的表头")]),
    "impossible-text-date.xlsx": (
        _xlsx_impossible_text_date,
        [(":2:J:", "不是真实存在的日期（没有 13 月）")],
    ),
    "bool-amount.xlsx": (_xlsx_bool_amount, [(":2:G:", "不是金额")]),
}


def test_the_corpus_is_complete():
    on_disk = {p.name for p in BAD.iterdir() if not p.name.startswith(".")}
    assert on_disk == set(CORPUS)
    assert len(CORPUS) + len(BUILT) >= 25


def _refused(capsys, ledger, tmp_path, path: Path, kind: str, expected) -> str:
    out = tmp_path / "imported.beancount"
    out.write_text("; before\n", encoding="utf-8")
    listing = sorted(p.name for p in tmp_path.iterdir())
    args = ["import", kind, path, "--ledger", ledger, "--output", out]
    if kind == "inventory":
        args += ["--date", "2015-07-25"]
    code, stdout, err = run_cli(capsys, *args)
    assert code == 2, err
    assert stdout == ""
    for where, fragment in expected:
        lines = [line for line in err.splitlines() if line.startswith(f"{path}{where}")]
        assert any(fragment in line for line in lines), (where, fragment, err)
    assert "未写入任何文件" in err
    assert out.read_text(encoding="utf-8") == "; before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no temp file left
    return err


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_is_refused(name, capsys, ledger, tmp_path):
    kind, expected = CORPUS[name]
    path = tmp_path / name
    shutil.copyfile(BAD / name, path)
    _refused(capsys, ledger, tmp_path, path, kind, expected)


@pytest.mark.parametrize("name", sorted(BUILT))
def test_bad_xlsx_is_refused(name, capsys, ledger, tmp_path):
    build, expected = BUILT[name]
    path = build(tmp_path / name)
    _refused(capsys, ledger, tmp_path, path, "inventory", expected)


def test_every_problem_in_one_run(capsys, ledger, tmp_path):
    rows = [
        INVENTORY_HEADER,
        ["XN-JY-WH", "A-1", "甲", "车辆", "2011-05-01", "1", "-2", "", "", "2015-07-25"],
        ["XN-JY-WH", "A-2", "乙", "飞机", "2011-05-01", "1", "2", "", "", "2015-07-25"],
        ["XN-QQ", "A-3", "丙", "车辆", "2011-02-30", "1", "2.001", "", "", "2015-07-25"],
        ["XN-JY-WH", "A-1", "丁", "轮船", "", "", "2", "", "", "2015-07-25"],
    ]
    path = write_csv(tmp_path / "many.csv", rows, "gbk")
    err = _refused(
        capsys,
        ledger,
        tmp_path,
        path,
        "inventory",
        [
            (":2:G:", "是负数"),
            (":3:D:", "不是资产类别"),
            (":4:E:", "不是真实存在的日期（2011年2月只有28天）"),
            (":4:G:", "小数超过两位"),
            (":5:B:", "资产编号 A-1 与本文件第 2 行重复"),
            (":5:D:", "不是资产类别"),  # a duplicate's other cells are checked too
        ],
    )
    assert "中有 6 个问题" in err
    assert "（值：'2011-02-30'）" in err


def test_merged_title_above_the_header_is_fine(tmp_path, capsys, ledger):
    path = write_xlsx(
        tmp_path / "titled.xlsx",
        [[None] * 10, INVENTORY_HEADER, GOOD_ROW],
        merges=["A1:J1"],
        title=None,
    )
    code, out, err = run_cli(capsys, "import", "inventory", path, "--ledger", ledger)
    assert code == 0, err
    assert "JY-V-0001" in out


# --- accepted, not refused ----------------------------------------------------------------


def _only_row(path: Path):
    problems: list = []
    index = convert.LedgerIndex.empty()
    result = list(pipeline.read_rows("inventory", path, index, problems))
    assert problems == []
    assert len(result) == 1
    return result[0][1]


def test_full_width_digits_and_stray_whitespace_csv(tmp_path):
    header = [f" {h}\u3000" for h in INVENTORY_HEADER]
    row = [
        " XN-JY-WH ",
        "ＪＹ－Ｖ－０００１",
        "\u3000别克GL8 鄂L12345 ",
        " 车辆",
        "２０１１年５月１日",
        "２８０，０００．００",
        " １５００００ ",
        "\t120000\t",
        " 办公 ",
        "２０１５－０７－２５",
    ]
    path = write_csv(tmp_path / "wide.csv", [header, row], "gb18030")
    parsed = _only_row(path)
    assert parsed.office == "XN-JY-WH"
    assert parsed.asset_id == "JY-V-0001"
    assert parsed.name == "别克GL8 鄂L12345"
    assert parsed.acquired == datetime.date(2011, 5, 1)
    assert parsed.original_cost == Decimal("280000.00")
    assert parsed.book_value == Decimal("150000.00")
    assert parsed.appraisal == Decimal("120000.00")
    assert parsed.use == "办公"
    assert parsed.date == datetime.date(2015, 7, 25)


def test_full_width_digits_and_stray_whitespace_xlsx(tmp_path):
    row = [
        " XN-JY-WH",
        "JY-V-0001 ",
        " 别克",
        "车辆 ",
        " 2011/5/1 ",
        "２８００００",
        150000.5,
        None,
        None,
        datetime.datetime(2015, 7, 25),
    ]
    parsed = _only_row(write_xlsx(tmp_path / "wide.xlsx", [INVENTORY_HEADER, row]))
    assert (parsed.office, parsed.asset_id, parsed.name) == (
        "XN-JY-WH",
        "JY-V-0001",
        "别克",
    )
    assert parsed.original_cost == Decimal("280000.00")
    assert parsed.book_value == Decimal("150000.50")
    assert parsed.acquired == datetime.date(2011, 5, 1)


def test_bad_bytes_after_a_character_cut_by_a_block_end(tmp_path):
    """The encoding is detected block by block; a character cut by a block's end is
    carried into the next, and the problem names its line and its bytes all the same."""
    line = b"a,b,c\n"
    data = codecs.BOM_UTF8 + line * ((sheets._DECODE_CHUNK - 3) // len(line))
    data += b"x" * (sheets._DECODE_CHUNK - len(data) - 2) + b"\xe8\xb5"  # 资, cut
    data += b"A\n" + line  # and not finished: A is no continuation byte
    path = tmp_path / "cut.csv"
    path.write_bytes(data)
    encoding, failure = sheets.detect_encoding(path)
    assert encoding is None
    expected = data[: sheets._DECODE_CHUNK].count(b"\n") + 1
    assert failure is not None
    assert failure.startswith(f"第 {expected} 行：字节 b'\\xe8\\xb5A\\n' ")


# --- once refused, imported now ------------------------------------------------------

FORMS = Path(__file__).parent / "forms"


def _booked(capsys, ledger, tmp_path, path: Path) -> dict[str, tuple[str, Decimal]]:
    """Import ``path``; every opened asset's account to (its office, its opening amount)."""
    from tests.importers.conftest import load_together

    out = tmp_path / "imported.beancount"
    code, _, err = run_cli(
        capsys, "import", "inventory", path, "--ledger", ledger, "--output", out
    )
    assert code == 0, err
    entries, errors = load_together(ledger, out)
    assert errors == []
    booked = {}
    for entry in entries:
        meta = getattr(entry, "meta", {}) or {}
        if meta.get("filename") == str(out) and hasattr(entry, "postings"):
            posting = entry.postings[0]
            booked[meta["asset-id"]] = (posting.account, posting.units.number)
    return booked


TWO_CARS = {
    "JY-V-0001": ("Assets:Office:XN-JY-WH:Vehicles:JY-V-0001", Decimal("150000.00")),
    "JY-V-0002": ("Assets:Office:XN-JY-WH:Vehicles:JY-V-0002", Decimal("150000.00")),
}


def test_blank_row_between_data_rows_is_a_separator_csv(capsys, ledger, tmp_path):
    """Was refused as 数据中间有空行; a blank separator row now imports both rows."""
    path = tmp_path / "blank-row-middle.csv"
    shutil.copyfile(FORMS / "blank-row-middle.csv", path)
    assert _booked(capsys, ledger, tmp_path, path) == TWO_CARS


def test_blank_row_between_data_rows_is_a_separator_xlsx(capsys, ledger, tmp_path):
    path = _xlsx_blank_row(tmp_path / "blank-row-middle.xlsx")
    assert _booked(capsys, ledger, tmp_path, path) == TWO_CARS


def test_office_code_merged_down_is_read_on_every_row(capsys, ledger, tmp_path):
    """Was refused as 合并单元格 A2:A3; Excel shows the merged office on both rows."""
    path = _xlsx_merged(tmp_path / "merged.xlsx")
    assert _booked(capsys, ledger, tmp_path, path) == TWO_CARS


def test_utf16_with_a_byte_order_mark_is_read(capsys, ledger, tmp_path):
    """Was refused as UTF-16; with its BOM (Excel's 'Unicode 文本') it is unambiguous."""
    path = tmp_path / "utf16-bom.csv"
    shutil.copyfile(FORMS / "utf16-bom.csv", path)
    assert _booked(capsys, ledger, tmp_path, path) == {
        "JY-V-0001": ("Assets:Office:XN-JY-WH:Vehicles:JY-V-0001", Decimal("150000.00"))
    }
