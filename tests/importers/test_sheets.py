"""Every kind of file an office sends, read into raw grids: cells exactly as written.

xlsx files are built here with openpyxl, and patched where openpyxl cannot write what
Excel or WPS writes (East Asian date formats, cached formula results, error values, a
float's 17 digits); CSV, TSV, HTML and SpreadsheetML files are written byte for byte.
The xls and ods fixtures in ``forms/`` were written by ``forms/make_fixtures.py``.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from importers import sheets
from importers.problems import Problem
from importers.sheets import CellError
from importers.sheets import Sheet
from importers.sheets import read_sheets

FORMS = Path(__file__).parent / "forms"
BAD = Path(__file__).parent / "bad"

TITLE = "通城县人民政府驻武汉办事处资产清查登记表"
HEADER = ["序号", "机构代码", "资产编号", "资产名称", "资产类别", "取得日期"]
HEADER += ["原值", "账面净值", "评估价值", "备注"]
SIGNATURES = "单位负责人：张三    财务负责人：李四    填表人：王五"


def read(path: Path, label: str | None = None) -> list[Sheet]:
    """Read a file that must read without a problem."""
    problems: list[Problem] = []
    found = read_sheets(path, problems, label)
    assert problems == []
    return found


def refused(path: Path) -> list[str]:
    """Read a file that must be refused: the messages, and no sheet."""
    problems: list[Problem] = []
    assert read_sheets(path, problems) == []
    assert problems
    for problem in problems:
        assert (problem.file, problem.row, problem.column) == (str(path), None, None)
    return [p.message for p in problems]


def patch_zip(path: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite one member of a zip (an xlsx) in place."""
    with zipfile.ZipFile(path) as source:
        items = [(item, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in items:
            target.writestr(item, change(data) if item.filename == member else data)
    return path


def replace_cell(ref: str, xml: str) -> Callable[[bytes], bytes]:
    """A change to a sheet's XML: the cell ``ref`` (which must exist) becomes ``xml``."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)

    def change(data: bytes) -> bytes:
        changed, count = pattern.subn(xml.encode(), data, count=1)
        assert count == 1, ref
        return changed

    return change


SHEET1 = "xl/worksheets/sheet1.xml"


# --- xlsx ------------------------------------------------------------------------------


def test_rows_are_numbered_as_shown_when_the_data_starts_at_b3(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "通城县"
    sheet["B3"] = "资产编号"
    sheet["C3"] = "资产名称"
    sheet["B4"] = "TC-V-0101"
    sheet["C4"] = " 别克GL8 鄂L55501 "
    sheet["D6"] = 28.5
    book.save(tmp_path / "b3.xlsx")
    (found,) = read(tmp_path / "b3.xlsx")
    assert (found.name, found.kind, found.hidden) == ("通城县", "xlsx", False)
    assert found.rows == [
        [],
        [],
        [None, "资产编号", "资产名称"],
        [None, "TC-V-0101", " 别克GL8 鄂L55501 "],  # text as written, not stripped
        [],
        [None, None, None, 28.5],
    ]
    assert (found.merged, found.uncached) == ([], frozenset())


def test_every_sheet_in_workbook_order_with_its_name_and_visibility(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "封面"
    book.active["A1"] = "资产清查登记表（封面）"
    for name, state in (("通城县", "visible"), ("旧表", "hidden"), ("底稿", "veryHidden")):
        sheet = book.create_sheet(name)
        sheet["A1"] = name
        sheet.sheet_state = state
    book.create_sheet("空表")
    book.save(tmp_path / "several.xlsx")
    found = read(tmp_path / "several.xlsx")
    assert [(s.name, s.hidden, s.rows) for s in found] == [
        ("封面", False, [["资产清查登记表（封面）"]]),
        ("通城县", False, [["通城县"]]),
        ("旧表", True, [["旧表"]]),
        ("底稿", True, [["底稿"]]),
        ("空表", False, []),
    ]


def test_a_chart_sheet_is_not_a_sheet_of_cells(tmp_path):
    from openpyxl.chart import BarChart
    from openpyxl.chart import Reference

    book = openpyxl.Workbook()
    book.active["A1"] = 1
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=1, min_row=1, max_row=1))
    book.create_chartsheet("图表").add_chart(chart)
    book.save(tmp_path / "chart.xlsx")
    assert [s.name for s in read(tmp_path / "chart.xlsx")] == ["Sheet"]


def test_merged_ranges_of_a_two_row_header(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:J1")
    for col, name in enumerate(HEADER[:6], start=1):
        sheet.cell(3, col, name)
        sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    sheet["G3"] = "价值"
    sheet.merge_cells("G3:I3")
    sheet["G4"], sheet["H4"], sheet["I4"] = "原值", "账面净值", "评估价值"
    sheet["J3"] = "备注"
    sheet.merge_cells("J3:J4")
    book.save(tmp_path / "header.xlsx")
    (found,) = read(tmp_path / "header.xlsx")
    assert found.merged == [
        (1, 0, 1, 9),
        (3, 0, 4, 0),
        (3, 1, 4, 1),
        (3, 2, 4, 2),
        (3, 3, 4, 3),
        (3, 4, 4, 4),
        (3, 5, 4, 5),
        (3, 6, 3, 8),
        (3, 9, 4, 9),
    ]
    assert found.rows == [
        [TITLE],
        [],
        [*HEADER[:6], "价值", None, None, "备注"],
        [None] * 6 + ["原值", "账面净值", "评估价值"],
    ]


def _styles_with_ids(data: bytes) -> bytes:
    """Make the cell formats that openpyxl wrote as 10 and 11 the ids 31 and 57.

    zh-CN Excel writes its date formats by id: 31 is ``yyyy"年"m"月"d"日"``, 57 is
    ``yyyy"年"m"月"``; openpyxl cannot write those ids, so two placeholder formats
    (``0.00%`` is id 10, ``0.00E+00`` id 11) stand in for them.
    """
    data = data.replace(b'numFmtId="10"', b'numFmtId="31"')
    return data.replace(b'numFmtId="11"', b'numFmtId="57"')


def test_dates_in_builtin_east_asian_and_custom_formats(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    serial = 40983  # 2012-03-15
    formats = ["mm-dd-yy", "0.00%", "0.00E+00", 'yyyy"年"m"月"d"日"', "General"]
    for col, number_format in enumerate(formats, start=1):
        cell = sheet.cell(1, col, serial)
        cell.number_format = number_format
    sheet.cell(
        2, 1, datetime.datetime(2015, 7, 25, 9, 30)
    ).number_format = "yyyy-mm-dd hh:mm"
    sheet.cell(2, 2, datetime.time(14, 5)).number_format = "hh:mm"
    book.save(tmp_path / "dates.xlsx")
    patch_zip(tmp_path / "dates.xlsx", "xl/styles.xml", _styles_with_ids)
    styles = zipfile.ZipFile(tmp_path / "dates.xlsx").read("xl/styles.xml")
    assert b'numFmtId="31"' in styles and b'numFmtId="57"' in styles
    (found,) = read(tmp_path / "dates.xlsx")
    day = datetime.date(2012, 3, 15)
    assert found.rows == [
        [day, day, day, day, 40983.0],  # ids 14, 31, 57, custom; General is a number
        [datetime.datetime(2015, 7, 25, 9, 30), datetime.time(14, 5)],
    ]


def test_numbers_come_back_as_stored(tmp_path):
    """Excel writes a float's 17 digits; openpyxl writes 15, so the XML is patched."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"] = 0, 42, True, "0042"
    book.save(tmp_path / "numbers.xlsx")
    patch_zip(
        tmp_path / "numbers.xlsx",
        SHEET1,
        replace_cell("A1", '<c r="A1"><v>11440.009999999998</v></c>'),
    )
    (found,) = read(tmp_path / "numbers.xlsx")
    assert found.rows == [[11440.009999999998, 42.0, True, "0042"]]
    assert isinstance(found.rows[0][1], float)  # xlsx stores every number as a double


def test_formulas_without_a_stored_value_are_uncached(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["资产名称", "原值"])
    sheet.append(["别克GL8", 28.5])
    sheet.append(["联想台式计算机", 0.65])
    sheet.append(["办事处办公用房", 265])
    sheet["B5"] = "=SUM(B2:B4)"  # openpyxl stores no result: <v></v>
    sheet["C5"] = "shared"
    sheet["D5"] = "cached"
    sheet["E5"] = "empty text"
    sheet["F5"] = "no value"
    sheet["G5"] = "shared, derived"
    book.save(tmp_path / "formulas.xlsx")
    for ref, xml in (
        ("C5", '<c r="C5"><f t="shared" ref="C5:C5" si="0">SUM(C2:C4)</f></c>'),
        ("D5", '<c r="D5"><f>SUM(D2:D4)</f><v>42</v></c>'),
        ("E5", '<c r="E5" t="str"><f>IF(A1="","","x")</f><v></v></c>'),
        ("F5", '<c r="F5"><f>B5*2</f><v/></c>'),
        ("G5", '<c r="G5"><f t="shared" si="0"/></c>'),
    ):
        patch_zip(tmp_path / "formulas.xlsx", SHEET1, replace_cell(ref, xml))
    (found,) = read(tmp_path / "formulas.xlsx")
    assert found.rows[4] == [None, None, None, 42.0]
    # Excel's t="str" with an empty <v></v> is a formula that yields "": a stored value
    assert found.uncached == frozenset({(5, 1), (5, 2), (5, 5), (5, 6)})


def test_error_values(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a", "b", "c", "d", "e", "f", "g"])
    book.save(tmp_path / "errors.xlsx")
    cells = (
        '<c r="A1" t="e"><v>#N/A</v></c>',
        '<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
        '<c r="C1" t="e"><v>#REF!</v></c>',
        '<c r="D1" t="e"><f>"a"+1</f><v>#VALUE!</v></c>',
        '<c r="E1" t="e"><v>#NAME?</v></c>',
        '<c r="F1" t="e"><v>#NUM!</v></c>',
        '<c r="G1" t="e"><v>#NULL!</v></c>',
    )
    for ref, xml in zip("ABCDEFG", cells, strict=True):
        patch_zip(tmp_path / "errors.xlsx", SHEET1, replace_cell(f"{ref}1", xml))
    (found,) = read(tmp_path / "errors.xlsx")
    assert found.rows == [
        [
            CellError("#N/A"),
            CellError("#DIV/0!"),
            CellError("#REF!"),
            CellError("#VALUE!"),
            CellError("#NAME?"),
            CellError("#NUM!"),
            CellError("#NULL!"),
        ]
    ]
    assert found.uncached == frozenset()  # an error is the formula's stored value


def test_an_error_value_calamine_does_not_know(tmp_path):
    """calamine refuses a whole sheet for Excel 365's #SPILL!; it is read all the same."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["资产编号", "原值"])
    sheet.append(["TC-V-0101", "x"])
    book.save(tmp_path / "spill.xlsx")
    patch_zip(
        tmp_path / "spill.xlsx",
        SHEET1,
        replace_cell("B2", '<c r="B2" t="e"><f>SORT(A2:A9)</f><v>#SPILL!</v></c>'),
    )
    (found,) = read(tmp_path / "spill.xlsx")
    assert found.rows == [["资产编号", "原值"], ["TC-V-0101", CellError("#SPILL!")]]


def test_an_xlsx_named_xls_is_read_as_what_it_is(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "资产编号"
    book.save(tmp_path / "book.xlsx")
    shutil.copy(tmp_path / "book.xlsx", tmp_path / "导出.xls")
    shutil.copy(tmp_path / "book.xlsx", tmp_path / "登记表.XLSX")
    for name in ("导出.xls", "登记表.XLSX"):
        (found,) = read(tmp_path / name)
        assert (found.kind, found.rows) == ("xlsx", [["资产编号"]])


# --- xls and ods fixtures --------------------------------------------------------------

REGISTER = [
    [TITLE],
    ["填报单位：通城县人民政府驻武汉办事处", None, None, None, None, None, None]
    + ["金额单位：万元", None, "填报日期：2015年7月25日"],
    HEADER,
    [1, "XN-TC-WH", "TC-V-0101", "别克GL8 鄂L55501", "交通运输设备"]
    + [datetime.date(2012, 3, 15), 28.5, 16.2, 15],
    [2, "XN-TC-WH", "TC-E-0101", "联想台式计算机", "通用设备"]
    + [datetime.date(2014, 6, 1), 0.65, 0.26],
    [3, "XN-TC-WH", "TC-B-0101", "办事处办公用房", "房屋及构筑物"]
    + [datetime.date(2003, 9, 1), 265, 180.5, 240, "鄂房权证字第0088号"],
    ["合计", None, None, None, None, None, 294.15, 196.96, 255],
    [],
    [SIGNATURES],
]


def _types(rows: list[list[Any]]) -> list[list[type]]:
    return [[type(cell) for cell in row] for row in rows]


def test_the_xls_register(tmp_path):
    found = read(FORMS / "register.xls")
    assert [(s.name, s.kind, s.hidden) for s in found] == [
        ("封面", "xls", False),
        ("通城县", "xls", False),
        ("填表说明", "xls", False),
    ]
    cover, register, notes = found
    assert cover.rows == [["资产清查登记表（封面）"]]
    assert register.rows == REGISTER
    # xls stores whole numbers as integers (RK records): 序号, 评估价值 15 and 240
    assert _types(register.rows) == _types(REGISTER)
    assert register.merged == [(1, 0, 1, 9)]
    assert register.uncached == frozenset()
    assert notes.rows == [
        ["一、本表金额单位为万元，保留两位小数。"],
        ["二、资产类别按《固定资产分类与代码》填写；房屋须注明产权证号。"],
    ]


def test_the_xls_register_named_otherwise(tmp_path):
    """Read by content: an xls named .xlsx, as some offices rename them, reads the same."""
    shutil.copy(FORMS / "register.xls", tmp_path / "register.xlsx")
    assert [s.rows for s in read(tmp_path / "register.xlsx")][1] == REGISTER


def test_error_values_in_an_xls():
    (found,) = read(FORMS / "errors.xls")
    assert found.name == "成新率"
    assert found.rows == [
        ["资产编号", "原值", "账面净值", "成新率", "评估价值"],
        ["TC-E-0102", 0, 0, CellError("#DIV/0!"), CellError("#N/A")],
        ["TC-E-0103", 1.2, 0.3, CellError("#REF!"), 0.25],
    ]


def test_a_workbook_stream_kept_in_the_mini_stream():
    """An OLE stream under 4096 bytes lives in the mini stream, in 64-byte sectors.

    Excel pads its Workbook stream to 4096 bytes, so the fixtures never take this path;
    a compound file of one small stream is built here: header, FAT, directory, mini
    FAT, and the mini stream in two sectors.
    """
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    payload = bytes(range(256)) * 3 + b"EOF"  # 771 bytes: 13 mini sectors
    mini = payload.ljust(13 * 64, b"\0")
    fat = [0xFFFFFFFD, end, end, 4, end] + [free] * 123  # the mini stream: 3 then 4

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        head = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
        return (
            head
            + struct.pack("<3I", free, free, child)
            + bytes(36)
            + struct.pack("<IQ", start, size)
        )

    header = bytearray(512)
    header[:8] = sheets.OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x2C, 1)
    struct.pack_into("<IIIIIII", header, 0x30, 1, 0, 4096, 2, 1, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *[free] * 108)
    directory = entry("Root Entry", 5, 3, len(mini), 1) + entry("Workbook", 2, 0, 771)
    minifat = [*range(1, 13), end] + [free] * 115
    data = b"".join(
        (
            bytes(header),
            struct.pack("<128I", *fat),
            directory.ljust(512, b"\0"),
            struct.pack("<128I", *minifat),
            mini.ljust(1024, b"\0"),
        )
    )
    assert sheets._ole_stream(data, ("Workbook",)) == payload
    assert sheets._ole_stream(data, ("Book",)) is None


def test_the_ods_register():
    (found,) = read(FORMS / "register.ods")
    assert (found.name, found.kind, found.hidden) == ("通城县", "ods", False)
    assert found.rows == REGISTER  # 1 == 1.0: ods stores every number as a float
    assert isinstance(found.rows[3][0], float)
    assert found.merged == [(1, 0, 1, 9)]  # calamine gives none for ods: found here
    assert found.uncached == frozenset()


def _ods_with(tmp_path: Path, cells: str) -> Path:
    """The ods fixture with one more row, written as LibreOffice writes it."""
    calcext = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"

    def change(data: bytes) -> bytes:
        data = data.replace(
            b"<office:document-content ",
            f'<office:document-content xmlns:calcext="{calcext}" '.encode(),
            1,
        )
        return data.replace(b"</table:table>", f"{cells}</table:table>".encode(), 1)

    path = tmp_path / "changed.ods"
    shutil.copy(FORMS / "register.ods", path)
    return patch_zip(path, "content.xml", change)


def test_error_values_and_uncomputed_formulas_in_an_ods(tmp_path):
    path = _ods_with(
        tmp_path,
        "<table:table-row>"
        '<table:table-cell table:formula="of:=[.H7]/0" office:value-type="string" '
        'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
        "</table:table-cell>"
        '<table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell table:formula="of:=SUM([.G4:.G6])"/>'
        '<table:table-cell table:formula="of:=1+1" office:value-type="float" '
        'office:value="2"><text:p>2</text:p></table:table-cell>'
        "</table:table-row>",
    )
    (found,) = read(path)
    assert found.rows[9] == [CellError("#DIV/0!"), None, None, None, 2.0]
    assert found.uncached == frozenset({(10, 3)})


# --- CSV and TSV -----------------------------------------------------------------------

CSV_ROWS = [
    ["资产清查登记表", "", ""],
    ["资产编号", "资产名称", "原值"],
    ["TC-V-0101", "别克GL8 鄂L55501", "28.5"],
    ["TC-E-0101", " 联想, 台式计算机 ", ""],
]
CSV_READ = [
    ["资产清查登记表", None, None],
    ["资产编号", "资产名称", "原值"],
    ["TC-V-0101", "别克GL8 鄂L55501", "28.5"],
    ["TC-E-0101", " 联想, 台式计算机 ", None],  # as written; an empty field is None
]


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "gbk", "gb18030"],
)
def test_csv_in_each_encoding(tmp_path, encoding):
    path = tmp_path / "register.csv"
    path.write_bytes(_csv_text(CSV_ROWS).encode(encoding))
    (found,) = read(path)
    assert (found.name, found.kind, found.rows) == ("", "csv", CSV_READ)
    assert (found.merged, found.uncached, found.hidden) == ([], frozenset(), False)


def test_csv_in_gb18030_with_a_character_gbk_lacks(tmp_path):
    rows = [["资产名称", "使用单位"], ["办公用房", "吉林省𠮷田县人民政府驻北京办事处"]]
    path = tmp_path / "register.csv"
    path.write_bytes(_csv_text(rows).encode("gb18030"))
    with pytest.raises(UnicodeEncodeError):
        "𠮷".encode("gbk")
    assert read(path)[0].rows == rows


def test_utf16_with_a_bom_is_read_as_excel_unicode_text(tmp_path):
    """Excel's "Unicode 文本" export: UTF-16 with a BOM, tab-separated."""
    path = tmp_path / "register.txt"
    path.write_bytes(_csv_text(CSV_ROWS, "\t").encode("utf-16"))
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    (found,) = read(path)
    assert (found.kind, found.rows) == ("tsv", CSV_READ)


def test_a_quoted_newline_is_one_record(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text('资产编号,备注\nTC-B-0101,"鄂房权证字\n第0088号"\nTC-V-0101,\n')
    assert read(path)[0].rows == [
        ["资产编号", "备注"],
        ["TC-B-0101", "鄂房权证字\n第0088号"],
        ["TC-V-0101", None],
    ]


def test_fields_are_kept_as_written(tmp_path):
    """CSV rows keep every field, trailing empty ones too: a short line is visible."""
    path = tmp_path / "register.csv"
    path.write_text("资产编号,资产名称,原值\nTC-V-0101,别克\n\nTC-E-0101,联想,,\n")
    assert read(path)[0].rows == [
        ["资产编号", "资产名称", "原值"],
        ["TC-V-0101", "别克"],
        [],
        ["TC-E-0101", "联想", None, None],
    ]


def test_tab_separated_text_named_xls(tmp_path):
    """What web systems export as .xls: GBK text, tabs, and commas inside the cells."""
    rows = [
        ["通城县资产清查登记表", "", "", ""],
        ["资产编号", "资产名称", "原值", "地址"],
        ["TC-B-0101", "办事处办公用房", "2,650,000.00", "武汉市武昌区,中南路"],
        ["TC-V-0101", "别克GL8", "285,000.00", ""],
    ]
    path = tmp_path / "导出.xls"
    path.write_bytes(_csv_text(rows, "\t").encode("gbk"))
    (found,) = read(path)
    assert found.kind == "tsv"
    assert found.rows == [[cell or None for cell in row] for row in rows]


def test_a_csv_with_a_few_tabs_in_its_cells_stays_a_csv(tmp_path):
    rows = [["资产编号", "资产名称"], ["TC-V-0101", "别克\tGL8"], ["TC-E-0101", "联想"]]
    path = tmp_path / "register.csv"
    path.write_text(_csv_text(rows))
    (found,) = read(path)
    assert (found.kind, found.rows) == ("csv", rows)


# --- HTML tables -----------------------------------------------------------------------

HTML = """<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<style>td {{ mso-number-format: "\\@"; }}</style>
</head>
<body>
<h1>资产清查登记表</h1>
<table border="1">
<tr><td colspan="6" align="center">{title}</td></tr>
<tr><th rowspan="2">序号</th><th rowspan=2>资产名称</th>
    <th colspan="3">价值</th><th rowspan="2">备注</th></tr>
<tr><th>原值</th><th>账面净值</th><th>评估价值</th></tr>
<tr><td>1</td><td>别克GL8
      鄂L55501</td><td>28.50</td><td>16.20</td><td>&nbsp;</td>
    <td>鄂房权证字<br>第0088号 &amp; 附图</td></tr>
<tr><td>2<td>  联想   台式计算机 <td>0.65</td></tr>
</table>
</body>
</html>
"""


def test_an_html_table_named_xls_in_gbk(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_bytes(HTML.format(title=TITLE).encode("gbk"))
    (found,) = read(path)
    assert (found.name, found.kind, found.hidden) == ("", "html", False)
    assert found.rows == [
        [TITLE],
        ["序号", "资产名称", "价值", None, None, "备注"],
        [None, None, "原值", "账面净值", "评估价值"],
        ["1", "别克GL8 鄂L55501", "28.50", "16.20", None, "鄂房权证字\n第0088号 & 附图"],
        ["2", "联想 台式计算机", "0.65"],  # closing tags left out, as HTML allows
    ]
    assert found.merged == [
        (1, 0, 1, 5),
        (2, 0, 3, 0),
        (2, 1, 3, 1),
        (2, 2, 2, 4),
        (2, 5, 3, 5),
    ]


def test_several_html_tables_are_several_sheets(tmp_path):
    path = tmp_path / "导出.xls"
    page = (
        "<html><body><table><tr><td>填报单位</td><td>通城县</td></tr></table>"
        "<table><tr><td>资产编号</td></tr><tr><td rowspan=9>TC-V-0101</td></tr></table>"
        "</body></html>"
    )
    path.write_text(page, encoding="utf-8")
    found = read(path)
    assert [(s.name, s.rows, s.merged) for s in found] == [
        ("表1", [["填报单位", "通城县"]], []),
        ("表2", [["资产编号"], ["TC-V-0101"]], []),  # a rowspan stops at the table's end
    ]


def test_html_declared_utf8_but_written_in_gbk(tmp_path):
    path = tmp_path / "导出.xls"
    page = '<html><head><meta charset="utf-8"></head><table><tr><td>通城县</td></table>'
    path.write_bytes(page.encode("gbk"))
    assert read(path)[0].rows == [["通城县"]]


# --- SpreadsheetML 2003 ----------------------------------------------------------------

XML2003 = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:html="http://www.w3.org/TR/REC-html40">
 <Styles><Style ss:ID="d"><NumberFormat ss:Format="Short Date"/></Style></Styles>
 <Worksheet ss:Name="通城县">
  <Table ss:ExpandedColumnCount="6" ss:ExpandedRowCount="8">
   <Row><Cell ss:MergeAcross="5"><Data ss:Type="String">{title}</Data></Cell></Row>
   <Row ss:Index="3">
    <Cell ss:MergeDown="1"><Data ss:Type="String">序号</Data></Cell>
    <Cell ss:Index="3"><Data ss:Type="String"> 资产名称 </Data></Cell>
    <Cell><Data ss:Type="String">取得日期</Data></Cell>
    <Cell><Data ss:Type="String">原值</Data></Cell>
   </Row>
   <Row ss:Index="5">
    <Cell><Data ss:Type="Number">1</Data></Cell>
    <Cell ss:Index="3"><ss:Data ss:Type="String"
      xmlns="http://www.w3.org/TR/REC-html40"><B>别克</B>GL8</ss:Data>
      <Comment ss:Author="王五"><ss:Data><Font>批注</Font></ss:Data></Comment></Cell>
    <Cell ss:StyleID="d"><Data ss:Type="DateTime">2012-03-15T00:00:00.000</Data></Cell>
    <Cell><Data ss:Type="Number">11440.009999999998</Data></Cell>
    <Cell ss:Formula="=1/0"><Data ss:Type="Error">#DIV/0!</Data></Cell>
    <Cell><Data ss:Type="Boolean">1</Data></Cell>
   </Row>
   <Row ss:Span="1"/>
   <Row><Cell><Data ss:Type="String">合计</Data></Cell></Row>
  </Table>
 </Worksheet>
 <Worksheet ss:Name="底稿">
  <Table><Row><Cell><Data ss:Type="String">旧数据</Data></Cell></Row></Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel">
   <Visible>SheetHidden</Visible>
  </WorksheetOptions>
 </Worksheet>
</Workbook>
"""


def test_spreadsheetml_2003(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text(XML2003.format(title=TITLE), encoding="utf-8")
    register, draft = read(path)
    assert (register.name, register.kind, register.hidden) == ("通城县", "xml2003", False)
    assert register.rows == [
        [TITLE],
        [],
        ["序号", None, " 资产名称 ", "取得日期", "原值"],
        [],
        [1, None, "别克GL8", datetime.datetime(2012, 3, 15), 11440.009999999998]
        + [CellError("#DIV/0!"), True],
        [],
        [],  # the row ss:Span="1" stands for
        ["合计"],
    ]
    assert register.merged == [(1, 0, 1, 5), (3, 0, 4, 0)]
    assert (draft.name, draft.hidden, draft.rows) == ("底稿", True, [["旧数据"]])


def test_spreadsheetml_2003_in_gbk(tmp_path):
    path = tmp_path / "导出.xml"
    text = XML2003.format(title=TITLE).replace('encoding="UTF-8"', 'encoding="GB2312"')
    path.write_bytes(text.encode("gbk"))
    assert read(path)[0].rows[0] == [TITLE]


# --- Refusals --------------------------------------------------------------------------


def test_a_missing_file(tmp_path):
    assert refused(tmp_path / "nowhere.xlsx") == ["文件不存在"]


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx", "empty.xls"])
def test_an_empty_file(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    assert refused(tmp_path / name) == ["文件为空"]


def test_text_named_xlsx():
    assert refused(BAD / "text-named.xlsx") == [
        "不是 xlsx 工作簿（文件开头不像 xlsx）；如果它是 CSV 文件，请把扩展名改为 .csv"
    ]


def test_a_truncated_xlsx(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "资产编号"
    book.save(tmp_path / "cut.xlsx")
    data = (tmp_path / "cut.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert refused(tmp_path / "cut.xlsx") == [
        "无法作为 xlsx 工作簿读取（文件可能不完整或已损坏）："
        "invalid Zip archive: Could not find EOCD"
    ]


def test_a_zip_that_is_no_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    assert refused(tmp_path / "other.xlsx") == [
        "无法作为 xlsx 工作簿读取（文件可能不完整或已损坏）：File not found '_rels/.rels'"
    ]


def test_the_old_excel_fixture_is_a_damaged_xls():
    """bad/old-excel.xls is an OLE signature followed by 504 zero bytes: no workbook."""
    data = (BAD / "old-excel.xls").read_bytes()
    assert data[:8] == sheets.OLE_MAGIC and set(data[8:]) == {0}
    assert refused(BAD / "old-excel.xls") == [
        "无法作为 xls 工作簿读取（文件可能不完整或已损坏）："
        "Cfb error: Invalid sector shift, expecting 0x09 or 0x0C found 0"
    ]


def test_a_truncated_xls(tmp_path):
    data = (FORMS / "register.xls").read_bytes()
    (tmp_path / "cut.xls").write_bytes(data[:2048])
    (message,) = refused(tmp_path / "cut.xls")
    assert message.startswith(
        "无法作为 xls 工作簿读取（文件可能不完整或已损坏）：Cfb error: "
    )


def test_a_truncated_ods(tmp_path):
    data = (FORMS / "register.ods").read_bytes()
    (tmp_path / "cut.ods").write_bytes(data[: len(data) // 2])
    assert refused(tmp_path / "cut.ods") == [
        "无法作为 ods 工作簿读取（文件可能不完整或已损坏）："
        "invalid Zip archive: Could not find EOCD"
    ]


def test_a_workbook_without_worksheets(tmp_path):
    book = openpyxl.Workbook()
    book.save(tmp_path / "none.xlsx")
    patch_zip(
        tmp_path / "none.xlsx",
        "xl/workbook.xml",
        lambda data: re.sub(rb"<sheet [^>]*/>", b"", data),
    )
    assert refused(tmp_path / "none.xlsx") == ["工作簿中没有工作表"]
    path = tmp_path / "none.xml"
    path.write_text(
        '<?xml version="1.0"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
    )
    assert refused(path) == ["工作簿中没有工作表"]


def test_an_encrypted_xlsx(tmp_path):
    """Excel keeps a password-protected xlsx in an OLE file, as ``EncryptedPackage``.

    Made here by renaming the xls fixture's ``Workbook`` stream in its directory.
    """
    data = bytearray((FORMS / "register.xls").read_bytes())
    old = "Workbook\0".encode("utf-16-le")
    new = "EncryptedPackage\0".encode("utf-16-le")
    at = data.find(old)
    data[at : at + len(new)] = new
    data[at + 64 : at + 66] = len(new).to_bytes(2, "little")
    (tmp_path / "protected.xlsx").write_bytes(bytes(data))
    assert refused(tmp_path / "protected.xlsx") == ["工作簿有密码保护；请去掉密码后再导入"]


def test_a_password_protected_xls(tmp_path):
    """An xls with a password has a FILEPASS record among its workbook globals.

    Made here from the xls fixture: its WRITEACCESS record (116 bytes with its header)
    becomes a FILEPASS record (RC4) and a shorter WRITEACCESS, so nothing moves.
    """
    data = bytearray((FORMS / "register.xls").read_bytes())
    at = data.find(struct.pack("<HH", 0x005C, 112))
    filepass = struct.pack("<HHHHH", 0x002F, 54, 1, 1, 1) + bytes(48)
    data[at : at + 116] = filepass + struct.pack("<HH", 0x005C, 54) + bytes(54)
    (tmp_path / "protected.xls").write_bytes(bytes(data))
    assert refused(tmp_path / "protected.xls") == ["工作簿有密码保护；请去掉密码后再导入"]


def test_an_xlsb(tmp_path):
    with zipfile.ZipFile(tmp_path / "book.xlsb", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert refused(tmp_path / "book.xlsb") == [
        "是 Excel 二进制工作簿（.xlsb）；请在 Excel 中另存为 .xlsx 后再导入"
    ]


def test_utf16_without_a_bom(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(_csv_text(CSV_ROWS).encode("utf-16-le"))
    assert refused(path) == ["是 UTF-16 编码的文本；请另存为 CSV UTF-8（或 GBK）后再导入"]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("binary.csv", "含有 NUL 字节"),
        ("latin1.csv", "既不是 UTF-8，也不像 GBK"),
        ("quote-left-open.csv", "第 3 行不是格式正确的 CSV"),
    ],
)
def test_text_that_is_not_csv(name, fragment):
    (message,) = refused(BAD / name)
    assert fragment in message


def test_a_quote_left_open_at_the_end(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text('资产编号,资产名称\nTC-V-0101,"别克\n')
    assert refused(path) == [
        "第 2 行不是格式正确的 CSV：文件在引号内结束（可能有引号未闭合，或文件不完整）"
    ]


def test_a_web_page_without_a_table(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text("<html><body><p>会话已超时，请重新登录</p></body></html>")
    assert refused(path) == [
        "是网页（HTML）文件，但其中没有表格；请从系统中重新导出为 Excel 或 CSV 文件"
    ]


def test_xml_that_is_no_spreadsheet(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text('<?xml version="1.0"?><assets><asset id="TC-V-0101"/></assets>')
    assert refused(path) == [
        "是 XML 文件，但不是 Excel 的“XML 电子表格 2003”；请另存为 .xlsx 后再导入"
    ]


def test_spreadsheetml_declaring_entities(tmp_path):
    path = tmp_path / "导出.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE Workbook [<!ENTITY a "aaaaaaaaaa">]>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
    )
    assert refused(path) == [
        "XML 文件含有 DOCTYPE/ENTITY 声明，不是 Excel 导出的 XML 电子表格"
    ]


def test_damaged_spreadsheetml(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text(XML2003.format(title=TITLE)[:900], encoding="utf-8")
    (message,) = refused(path)
    assert message.startswith("无法作为 XML 电子表格读取（文件可能不完整或已损坏）：")


def test_spreadsheetml_beyond_excel_s_rows(tmp_path):
    path = tmp_path / "导出.xls"
    text = XML2003.format(title=TITLE).replace(
        '<Row ss:Index="5">', '<Row ss:Index="9999999">'
    )
    path.write_text(text, encoding="utf-8")
    assert refused(path) == [
        "无法作为 XML 电子表格读取（文件可能不完整或已损坏）：行号 9999999 超出范围"
    ]


def test_an_html_table_beyond_excel_s_columns(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text("<table><tr>" + '<td colspan="1000">x</td>' * 17 + "</tr></table>")
    assert refused(path) == ["无法作为网页表格读取：表格超过 16384 列"]


def test_problems_name_the_file_by_its_label(tmp_path):
    problems: list[Problem] = []
    assert read_sheets(tmp_path / "nowhere.csv", problems, label="上传的文件.csv") == []
    assert [str(p) for p in problems] == ["上传的文件.csv: 文件不存在"]


# --- Sniffing --------------------------------------------------------------------------


def test_sniff(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "text").write_text("资产编号\n")
    book = openpyxl.Workbook()
    book.save(tmp_path / "book")
    assert [sheets.sniff(tmp_path / name) for name in ("empty", "text", "book")] == [
        "empty",
        "text",
        "xlsx",
    ]
    assert sheets.sniff(FORMS / "register.xls") == "xls"
    assert sheets.sniff(FORMS / "register.ods") == "ods"
