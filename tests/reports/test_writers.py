"""The files: xlsx read back with openpyxl, csv with its BOM, html rendered in Chromium."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports import builders
from reports import tables
from reports import writers
from tests.reports.conftest import ink
from tests.reports.conftest import keep_png
from tests.reports.conftest import screenshot

SHA = "ab" * 32
GENERATED = datetime.datetime(2016, 12, 31, 9, 30, tzinfo=datetime.UTC)


def block(as_of: str = "2015-09-15") -> list[tuple[str, str]]:
    return writers.title_block(
        "ledger/main.beancount", SHA, datetime.date.fromisoformat(as_of), GENERATED
    )


def header_row(sheet) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == "机构代码":
            return row[0].row
    raise AssertionError("no header row")


def test_xlsx_has_title_block_header_formats_and_totals(sample_books, tmp_path):
    books, violations = sample_books("2015-09-15")
    report = builders.build("disposal", books, violations)
    path = writers.write(report, tmp_path / "disposal.xlsx", block())
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["处置明细", "按机构和方式", "按处置方式"]
    sheet = workbook["处置明细"]
    assert sheet["A1"].value == "资产处置明细表"
    top = [
        (sheet.cell(r, 1).value, sheet.cell(r, 2).value)
        for r in range(1, header_row(sheet))
    ]
    assert ("账本文件", "ledger/main.beancount") in top
    assert ("SHA-256", SHA) in top
    assert ("截至日期", "2015-09-15") in top
    assert ("生成时间", "2016-12-31T09:30:00+00:00") in top

    head = header_row(sheet)
    headers = [c.value for c in sheet[head]]
    assert headers[:3] == ["机构代码", "资产编号", "资产名称"]
    assert "账面价值" in headers and "处置方式" in headers and "低于评估价" in headers
    assert sheet.freeze_panes == f"A{head + 1}"
    assert sheet.print_title_rows == f"${head}:${head}"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4

    carrying = headers.index("账面价值") + 1
    method = headers.index("处置方式") + 1
    rows = {
        sheet.cell(r, 2).value: r
        for r in range(head + 1, sheet.max_row + 1)
        if sheet.cell(r, 2).value
    }
    land = rows["JY-L-0001"]
    assert sheet.cell(land, carrying).value == 800000
    assert sheet.cell(land, carrying).number_format == "#,##0.00"
    assert sheet.cell(land, method).value == "有偿转让"
    assert sheet.cell(land, headers.index("处置日期") + 1).number_format == "yyyy-mm-dd"

    labels = {sheet.cell(r, 1).value: r for r in range(head + 1, sheet.max_row + 1)}
    total = labels["合计"]
    assert sheet.cell(total, carrying).value == 3350000
    assert sheet.cell(total, carrying).number_format == "#,##0.00"
    assert sheet.cell(total, carrying).font.bold
    assert sheet.cell(total, headers.index("未上缴") + 1).value == 350000
    subtotal = labels["小计：嘉鱼县人民政府驻武汉办事处"]
    assert subtotal < total
    assert sheet.cell(subtotal, carrying).value == 3350000

    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["C"] > 16  # 资产名称 fits its Chinese name
    assert 8 <= widths["A"] <= 48


def test_xlsx_cells_share_the_named_styles_of_their_line_and_column(sample_books, tmp_path):
    """Every header and body cell carries one of the workbook's named styles (a row, a
    subtotal or the total, by column kind), which Excel lists and shows as before."""
    books, violations = sample_books("2015-09-15")
    report = builders.build("disposal", books, violations)
    workbook = load_workbook(writers.write(report, tmp_path / "d.xlsx", block()))
    sheet = workbook["处置明细"]
    head = header_row(sheet)
    headers = [c.value for c in sheet[head]]
    carrying = headers.index("账面价值") + 1
    assert {c.style for c in sheet[head]} == {"表头"}
    labels = {sheet.cell(r, 1).value: r for r in range(head + 1, sheet.max_row + 1)}
    land = next(r for r in range(head + 1, sheet.max_row + 1) if sheet.cell(r, 2).value)
    assert sheet.cell(land, 2).style == "明细·文字"
    assert sheet.cell(land, carrying).style == "明细·金额"
    subtotal = next(r for label, r in labels.items() if str(label).startswith("小计："))
    assert sheet.cell(subtotal, carrying).style == "小计·金额"
    assert sheet.cell(labels["合计"], carrying).style == "合计·金额"
    assert not sheet.cell(land, carrying).font.bold
    assert sheet.cell(labels["合计"], carrying).fill.fgColor.rgb == "00E2EFDA"
    assert {"表头", "明细·金额", "小计·金额", "合计·金额"} <= set(workbook.named_styles)


def test_xlsx_percent_and_counts(sample_books, tmp_path):
    books, violations = sample_books("2015-08-21")
    report = builders.build("progress", books, violations)
    path = writers.write(report, tmp_path / "progress.xlsx", block("2015-08-21"))
    sheet = load_workbook(path)["机构进度"]
    head = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "派出地政府")
    headers = [c.value for c in sheet[head]]
    row = next(
        r
        for r in range(head + 1, sheet.max_row + 1)
        if sheet.cell(r, 2).value == "XN-JY-WH"
    )
    done = sheet.cell(row, headers.index("处置进度") + 1)
    assert done.number_format == "0.0%"
    assert abs(done.value - 2550000 / 3350000) < 1e-9
    assert sheet.cell(row, headers.index("剩余数") + 1).value == 1


def test_csv_is_utf8_with_bom_and_plain_numbers(sample_books, tmp_path):
    books, violations = sample_books("2015-09-15")
    report = builders.build("disposal", books, violations)
    path = writers.write(report, tmp_path / "disposal.csv", block())
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["资产处置明细表"]
    assert ["SHA-256", SHA] in rows
    assert ["截至日期", "2015-09-15"] in rows
    head = rows.index([c.header for c in report.main.columns])
    land = next(r for r in rows[head:] if len(r) > 2 and r[1] == "JY-L-0001")
    assert land[5] == "800000.00"  # no thousands separator: Excel reads a number
    assert "有偿转让" in land
    total = next(r for r in rows[head:] if r and r[0] == "合计")
    assert total[5] == "3350000.00"


def test_write_refuses_an_unknown_format_and_leaves_nothing(sample_books, tmp_path):
    books, violations = sample_books()
    report = builders.build("disposal", books, violations)
    with pytest.raises(ValueError, match="xlsx, .csv or .html"):
        writers.write(report, tmp_path / "disposal.pdf", block())
    assert list(tmp_path.iterdir()) == []


def test_html_is_self_contained_and_printable(sample_books, tmp_path):
    books, violations = sample_books("2015-09-15")
    report = builders.build("disposal", books, violations)
    text = writers.write(report, tmp_path / "d.html", block()).read_text("utf-8")
    assert "@page { size: A4 landscape" in text
    assert SHA in text and "2015-09-15" in text and "ledger/main.beancount" in text
    assert "<svg" in text
    # no network: nothing to fetch but the SVG namespace name
    assert re.findall(r"https?://[^\"' ]+", text) == ["http://www.w3.org/2000/svg"] * (
        text.count("<svg")
    )
    assert "<script" not in text
    assert "3,350,000.00" in text and "合计" in text and "小计：" in text


def test_bar_chart_draws_every_bar_and_the_standard():
    chart = tables.BarChart(
        "人均",
        ("A", "B"),
        (tables.Series("人均费用", (Decimal("120"), Decimal("-30"))),),
        reference=Decimal("150"),
        reference_label="标准 150 元/人",
    )
    svg = writers.chart_svg(chart)
    assert svg.count("<rect") == 2 + 1  # two bars and one legend key
    assert "stroke-dasharray" in svg and "标准 150 元/人" in svg


def test_compact_money_labels():
    assert writers.compact(Decimal("2400000")) == "240万"
    assert writers.compact(Decimal("350000000")) == "3.5亿"
    assert writers.compact(Decimal("164.44")) == "164.44"
    assert writers.compact(Decimal("960")) == "960"


@pytest.mark.parametrize(
    ("kind", "as_of"),
    [
        ("disposal", "2015-09-15"),
        ("progress", "2015-08-21"),
        ("registration", "2015-09-15"),
        ("reconciliation", "2015-09-15"),
        ("reception", "2016-12-31"),
    ],
)
def test_html_renders_in_chromium(sample_books, tmp_path, kind, as_of):
    books, violations = sample_books(as_of)
    report = builders.build(kind, books, violations)
    html = writers.write(report, tmp_path / f"{kind}.html", block(as_of))
    png = tmp_path / f"{kind}.png"
    screenshot(html, png, tmp_path)
    keep_png(png)
    assert ink(png) > 0.01  # the title, the source block and the table were drawn


def test_a_blank_page_has_no_ink(tmp_path):
    """What the rendering tests measure can fail: a page with nothing on it."""
    html = tmp_path / "blank.html"
    html.write_text("<!doctype html><html><body></body></html>", encoding="utf-8")
    png = tmp_path / "blank.png"
    screenshot(html, png, tmp_path, blank=True)
    assert ink(png) == 0.0


def test_consolidated_html_renders_in_chromium(sample_ledger, tmp_path):
    from reports import cli

    # two localities: one locality's exports at two dates are refused (issue 11)
    other = tmp_path / "other.beancount"
    other.write_text(
        sample_ledger.read_text("utf-8").replace('咸宁市人民政府"', '咸宁市（二）"'),
        encoding="utf-8",
    )
    for ledger, as_of in ((sample_ledger, "2015-08-21"), (other, "2016-12-31")):
        assert (
            cli.main(
                [
                    "export",
                    str(ledger),
                    "--output",
                    str(tmp_path / as_of),
                    "--as-of",
                    as_of,
                ]
            )
            == 0
        )
    out = tmp_path / "consolidate.html"
    dirs = [str(tmp_path / "2015-08-21"), str(tmp_path / "2016-12-31")]
    assert cli.main(["consolidate", *dirs, "--output", str(out)]) == 0
    png = tmp_path / "consolidate.png"
    screenshot(out, png, tmp_path)
    keep_png(png)
    assert ink(png) > 0.01


HOSTILE = {
    '"嘉鱼县人民政府驻武汉办事处"': "\"=cmd|' /C calc'!A0 驻武汉办事处\"",
    '"别克GL8 鄂L12345"': '"@SUM(1+1)*cmd|x"',
    '"武昌区办公楼"': '"-2+3+cmd|x"',
    '"武昌区土地使用权"': '"+咸政办函〔2015〕58号"',
}


def _hostile_books(as_of: str):
    from tests.reports.conftest import SAMPLE
    from tests.reports.conftest import books_of

    text = SAMPLE
    for plain, hostile in HOSTILE.items():
        assert plain in text
        text = text.replace(plain, hostile)
    return books_of(text, as_of)


@pytest.mark.parametrize("kind", builders.KINDS)
def test_names_are_never_formulas_in_xlsx_or_csv(tmp_path, kind):
    """Names are kept by many hands and imported from outside files: text that begins
    with =, +, - or @ is written as text, never as a formula (OWASP's CSV injection)."""
    books, violations = _hostile_books("2016-12-31")
    report = builders.build(kind, books, violations)
    xlsx = writers.write(report, tmp_path / f"{kind}.xlsx", block("2016-12-31"))
    cells = [
        cell
        for sheet in load_workbook(xlsx).worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    raw = writers.write(report, tmp_path / f"{kind}.csv", block("2016-12-31"))
    fields = [f for r in csv.reader(io.StringIO(raw.read_text("utf-8-sig"))) for f in r]
    dangerous = [f for f in fields if f.startswith(("=", "+", "@", "\t", "\r"))]
    assert dangerous == []
    assert not [f for f in fields if f.startswith("-") and not re.fullmatch(r"-[\d.]+", f)]
    if kind == "registration":  # the office's name is in the register, as text
        assert "=cmd|' /C calc'!A0 驻武汉办事处" in texts
        assert "'=cmd|' /C calc'!A0 驻武汉办事处" in fields


def test_numbers_stay_numbers_in_csv():
    column = tables.Column("amount", "金额", "money")
    assert writers._csv_cell(column, Decimal("-5.00")) == "-5.00"
    text = tables.Column("name", "名称", "text")
    assert writers._csv_cell(text, "-2+3") == "'-2+3"
