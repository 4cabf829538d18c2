"""Write the committed workbook fixtures: register.xls, register.ods and errors.xls.

Kept for the record; the tests only read the files it wrote. It needs packages the
project does not (the tests must not either): ``pip install xlwt odfpy``, then run
``python tests/importers/forms/make_fixtures.py`` from the repository's root.

The register is a 资产清查登记表 as a county office keeps it: a merged title, the
reporting unit, unit of amount and date, a header, three assets, a total row and the
signatures; amounts in 万元. The .xls also has a cover sheet before it and a sheet of
instructions after it, as offices' workbooks do. errors.xls holds the error values an
xls can carry: a BOOLERR cell (a value pasted over a failed lookup) and formulas whose
stored result is an error.
"""

from __future__ import annotations

import datetime
import struct
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

TITLE = "通城县人民政府驻武汉办事处资产清查登记表"
UNIT = "填报单位：通城县人民政府驻武汉办事处"
AMOUNT_UNIT = "金额单位：万元"
REPORTED = "填报日期：2015年7月25日"
HEADER = [
    "序号",
    "机构代码",
    "资产编号",
    "资产名称",
    "资产类别",
    "取得日期",
    "原值",
    "账面净值",
    "评估价值",
    "备注",
]
ASSETS: list[list[Any]] = [
    [1, "XN-TC-WH", "TC-V-0101", "别克GL8 鄂L55501", "交通运输设备"]
    + [datetime.date(2012, 3, 15), 28.5, 16.2, 15, None],
    [2, "XN-TC-WH", "TC-E-0101", "联想台式计算机", "通用设备"]
    + [datetime.date(2014, 6, 1), 0.65, 0.26, None, None],
    [3, "XN-TC-WH", "TC-B-0101", "办事处办公用房", "房屋及构筑物"]
    + [datetime.date(2003, 9, 1), 265, 180.5, 240, "鄂房权证字第0088号"],
]
TOTALS = (294.15, 196.96, 255)  # 原值, 账面净值, 评估价值: G7, H7, I7
SIGNATURES = "单位负责人：张三    财务负责人：李四    填表人：王五"
COVER = "资产清查登记表（封面）"
INSTRUCTIONS = (
    "一、本表金额单位为万元，保留两位小数。",
    "二、资产类别按《固定资产分类与代码》填写；房屋须注明产权证号。",
)


def write_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    title = xlwt.easyxf("font: bold on, height 320; align: horiz center")
    borders = "borders: left thin, right thin, top thin, bottom thin"
    bold = xlwt.easyxf(f"font: bold on; align: horiz center; {borders}")
    cell = xlwt.easyxf(borders)
    day = xlwt.easyxf(borders, num_format_str="yyyy-mm-dd")
    money = xlwt.easyxf(borders, num_format_str="0.00")

    cover = book.add_sheet("封面")
    cover.write(0, 0, COVER, title)

    sheet = book.add_sheet("通城县")
    sheet.write_merge(0, 0, 0, 9, TITLE, title)
    sheet.write(1, 0, UNIT)
    sheet.write(1, 7, AMOUNT_UNIT)
    sheet.write(1, 9, REPORTED)
    for col, name in enumerate(HEADER):
        sheet.write(2, col, name, bold)
    for offset, asset in enumerate(ASSETS):
        for col, value in enumerate(asset):
            style = day if col == 5 else money if col in (6, 7, 8) else cell
            if value is None:
                sheet.write(3 + offset, col, None, style)  # a bordered blank cell
            else:
                sheet.write(3 + offset, col, value, style)
    sheet.write(6, 0, "合计", bold)
    for col, total in zip((6, 7, 8), TOTALS, strict=True):
        sheet.write(6, col, total, money)
    sheet.write(8, 0, SIGNATURES)
    for col, width in enumerate((6, 12, 12, 20, 14, 12, 10, 10, 10, 22)):
        sheet.col(col).width = width * 256

    notes = book.add_sheet("填表说明")
    for row, line in enumerate(INSTRUCTIONS):
        notes.write(row, 0, line)
    book.save(str(path))


def write_errors_xls(path: Path) -> None:
    """An xls whose cells hold error values, as Excel stores them.

    xlwt stores no result for a formula (it asks for recalculation); the FORMULA
    records here are given the cached error results Excel would have stored.
    """
    import xlwt
    from xlwt import BIFFRecords

    results = iter((0x07, 0x17))  # #DIV/0!, #REF!, for the formulas in order

    class Formula(BIFFRecords.FormulaRecord):
        """xlwt's FORMULA record, with an error as its cached result."""

        def __init__(self, row: int, col: int, xf: int, rpn: bytes, flags: int = 0) -> None:
            cached = 0xFFFF000000000002 | next(results) << 16  # type 2: an error, its code
            self._rec_data = struct.pack("<3HQHL", row, col, xf, cached, flags & 3, 0) + rpn

    BIFFRecords.FormulaRecord = Formula
    try:
        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("成新率")
        for col, name in enumerate(("资产编号", "原值", "账面净值", "成新率", "评估价值")):
            sheet.write(0, col, name)
        sheet.write(1, 0, "TC-E-0102")
        sheet.write(1, 1, 0)
        sheet.write(1, 2, 0)
        sheet.write(1, 3, xlwt.Formula("C2/B2"))  # 0/0: #DIV/0!
        sheet.row(1).set_cell_error(4, 0x2A)  # #N/A, pasted as a value
        sheet.write(2, 0, "TC-E-0103")
        sheet.write(2, 1, 1.2)
        sheet.write(2, 2, 0.3)
        sheet.write(2, 3, xlwt.Formula("C3/B3+D1"))  # stored as #REF!, as after a deletion
        sheet.write(2, 4, 0.25)
        book.save(str(path))
    finally:
        BIFFRecords.FormulaRecord = Formula.__mro__[1]


def write_ods(path: Path) -> None:
    from odf.number import DateStyle
    from odf.number import Day
    from odf.number import Month
    from odf.number import Text as NumberText
    from odf.number import Year
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import CoveredTableCell
    from odf.table import Table
    from odf.table import TableCell
    from odf.table import TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    date_style = DateStyle(name="N37")
    date_style.addElement(Year(style="long"))
    date_style.addElement(NumberText(text="-"))
    date_style.addElement(Month(style="long"))
    date_style.addElement(NumberText(text="-"))
    date_style.addElement(Day(style="long"))
    document.automaticstyles.addElement(date_style)
    date_cell = Style(name="ce1", family="table-cell", datastylename="N37")
    document.automaticstyles.addElement(date_cell)

    def text(value: str, **attributes: Any) -> TableCell:
        made = TableCell(valuetype="string", **attributes)
        made.addElement(P(text=value))
        return made

    def value(item: Any) -> TableCell:
        if item is None:
            return TableCell()
        if isinstance(item, datetime.date):
            made = TableCell(
                valuetype="date", datevalue=item.isoformat(), stylename=date_cell
            )
            made.addElement(P(text=item.isoformat()))
            return made
        if isinstance(item, int | float):
            made = TableCell(valuetype="float", value=repr(item))
            made.addElement(P(text=str(item)))
            return made
        return text(item)

    def row(cells: list[TableCell]) -> TableRow:
        made = TableRow()
        for cell in cells:
            made.addElement(cell)
        return made

    table = Table(name="通城县")
    table.addElement(
        row([text(TITLE, numbercolumnsspanned=10)] + [CoveredTableCell() for _ in range(9)])
    )
    table.addElement(
        row(
            [text(UNIT), TableCell(numbercolumnsrepeated=6), text(AMOUNT_UNIT)]
            + [TableCell(), text(REPORTED)]
        )
    )
    table.addElement(row([text(name) for name in HEADER]))
    for asset in ASSETS:
        table.addElement(row([value(item) for item in asset]))
    table.addElement(
        row([text("合计"), TableCell(numbercolumnsrepeated=5)] + [value(t) for t in TOTALS])
    )
    table.addElement(TableRow())
    table.addElement(row([text(SIGNATURES)]))
    document.spreadsheet.addElement(table)
    document.save(str(path))


def main() -> None:
    write_xls(HERE / "register.xls")
    write_errors_xls(HERE / "errors.xls")
    write_ods(HERE / "register.ods")


if __name__ == "__main__":
    main()
