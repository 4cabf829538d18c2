"""Write a built report as xlsx, csv or html (SPEC section 6).

``write(report, path, block)`` picks the format by the file's extension. Every format
opens with the same title block (``title_block``): the ledger, its SHA-256, the as-of
date and when the file was made, so an auditor can tell which books it came from.

- xlsx (openpyxl): a sheet per table, Chinese headers, frozen header row, widths fitted
  to the contents, ``#,##0.00`` on money, subtotal and total rows, A4 landscape print
  setup with the header repeated on every page.
- html: one self-contained page printable on A4 landscape (``@page``), with inline SVG
  charts; no script, no font or image from the network.
- csv: UTF-8 with a BOM (Excel then reads the Chinese right); the title block, then
  each table with its title, header, rows, subtotals and total.

Money arrives as ``Decimal`` and is converted here only.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import math
import os
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from reports import files
from reports.tables import BarChart
from reports.tables import Chart
from reports.tables import Column
from reports.tables import Report
from reports.tables import Table
from reports.tables import Timeline
from reports.tables import is_blank

FORMATS = ("xlsx", "csv", "html")

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"

TitleBlock = list[tuple[str, str]]


def title_block(
    ledger: str,
    sha256: str,
    as_of: datetime.date | str | None,
    generated: datetime.datetime | None = None,
) -> TitleBlock:
    """The lines that head every report: ledger, SHA-256, as-of date, generation time."""
    generated = generated or datetime.datetime.now().astimezone()
    as_of_text = as_of.isoformat() if isinstance(as_of, datetime.date) else (as_of or "")
    return [
        ("账本文件", str(ledger)),
        (files.SHA_LABEL, sha256),
        (files.AS_OF_LABEL, as_of_text),
        ("生成时间", generated.isoformat(timespec="seconds")),
    ]


def format_of(path: str | os.PathLike[str]) -> str | None:
    """``xlsx``, ``csv`` or ``html`` by the file's extension (``.htm`` too); else None."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    return suffix if suffix in FORMATS else None


def write(report: Report, path: str | os.PathLike[str], block: TitleBlock) -> Path:
    """Write ``report`` to ``path`` in the format its extension names.

    The file is written next to its destination and renamed into place, so a failed
    write never leaves a partial report.

    Raises:
        ValueError: if the extension is not .xlsx, .csv or .html.
        OSError: if the file cannot be written.
    """
    path = Path(path)
    kind = format_of(path)
    if kind is None:
        raise ValueError(f"{path}: the output must end in .xlsx, .csv or .html")
    writer: Callable[[Report, TitleBlock], bytes] = {
        "xlsx": xlsx_bytes,
        "csv": csv_bytes,
        "html": html_bytes,
    }[kind]
    content = writer(report, block)
    return files.write_atomic(path, lambda temp: Path(temp).write_bytes(content))


# --- values --------------------------------------------------------------------------


def _money(value: Any) -> Decimal:
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return amount + 0  # -0.00 (a liability shown positive) prints as 0.00


def text_of(column: Column, value: Any, *, grouped: bool = True) -> str:
    """A cell as text: money ``1,234.50`` (``1234.50`` without grouping), dates ISO."""
    if is_blank(value) or value == "":
        return ""
    if column.kind == "money":
        amount = _money(value)
        return f"{amount:,.2f}" if grouped else f"{amount:.2f}"
    if column.kind == "percent":
        return f"{_money(value) * 100:.1f}%"
    if column.kind == "count":
        return f"{int(value):,}" if grouped else str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Widths(dict[str, int]):
    """Each character's columns, asked of ``unicodedata`` once."""

    def __missing__(self, char: str) -> int:
        width = self[char] = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        return width


_WIDTHS = _Widths()


def _display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced sense: CJK characters count two."""
    if text.isascii():  # digests, paths, codes and numbers: one column a character
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


def label_span(table: Table, record: dict[str, Any]) -> tuple[int, int]:
    """Where a subtotal or total row's label goes: (column index, columns it spans).

    The label runs over the empty columns after it, so "小计：嘉鱼县…" is not squeezed
    into one narrow cell.
    """
    keys = [c.key for c in table.columns]
    first = keys.index(table.label_key)
    span = 1
    for key in keys[first + 1 :]:
        if not is_blank(record.get(key)) and record.get(key) != "":
            break
        span += 1
    return first, span


# --- xlsx ----------------------------------------------------------------------------

_FONT = "等线"
_HEADER_FILL = "D9E1F2"
_LINE_FILL = {"subtotal": "F2F2F2", "total": "E2EFDA"}
_NUMBER_FORMATS = {
    "money": MONEY_FORMAT,
    "count": COUNT_FORMAT,
    "date": DATE_FORMAT,
    "percent": PERCENT_FORMAT,
}
_LINE_ZH = {"row": "明细", "subtotal": "小计", "total": "合计"}
_KIND_ZH = {
    "text": "文字",
    "money": "金额",
    "count": "计数",
    "date": "日期",
    "percent": "百分比",
    "number": "数值",
}


class _Styles:
    """The workbook's named styles for the header and the body cells, registered on
    first use.

    A table's cells share a handful of looks (a line kind by a column kind). Given its
    own Font, Border, Fill and Alignment objects, each cell makes openpyxl hash and look
    up every one of them: 7 s for a sheet of 10,000 rows. A body cell is made with its
    named style's array of style ids instead, as openpyxl's own ``Cell(style_array=…)``
    takes it; the looks are those of a cell styled one attribute at a time.
    """

    def __init__(self, workbook: Any) -> None:
        from openpyxl.styles import Border
        from openpyxl.styles import Side

        self.workbook = workbook
        self.styles: dict[tuple[str, str], Any] = {}
        thin = Side(style="thin", color="999999")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def _add(self, key: tuple[str, str], name: str, **looks: Any) -> Any:
        from openpyxl.styles import NamedStyle

        style = NamedStyle(name=name, border=self.border, **looks)
        self.workbook.add_named_style(style)
        self.styles[key] = style
        return style

    def header(self) -> Any:
        """A column header: bold, shaded, centred and wrapped (a NamedStyle)."""
        from openpyxl.styles import Alignment
        from openpyxl.styles import Font
        from openpyxl.styles import PatternFill

        style = self.styles.get(("header", ""))
        if style is not None:
            return style
        return self._add(
            ("header", ""),
            "表头",
            font=Font(name=_FONT, bold=True),
            fill=PatternFill("solid", fgColor=_HEADER_FILL),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )

    def body(self, line_kind: str, kind: str) -> Any:
        """A cell of a row, subtotal or total in a column of ``kind`` (a NamedStyle)."""
        from openpyxl.styles import Alignment
        from openpyxl.styles import Font
        from openpyxl.styles import PatternFill

        style = self.styles.get((line_kind, kind))
        if style is not None:
            return style
        looks: dict[str, Any] = {
            "font": Font(name=_FONT, bold=line_kind != "row"),
            "alignment": Alignment(vertical="top", wrap_text=True)
            if kind == "text"
            else Alignment(vertical="top"),
        }
        if line_kind in _LINE_FILL:
            looks["fill"] = PatternFill("solid", fgColor=_LINE_FILL[line_kind])
        if kind in _NUMBER_FORMATS:
            looks["number_format"] = _NUMBER_FORMATS[kind]
        label = f"{_LINE_ZH.get(line_kind, line_kind)}·{_KIND_ZH.get(kind, kind)}"
        return self._add((line_kind, kind), label, **looks)


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        candidate = f"{clean[:28]}_{n}"
        n += 1
    used.add(candidate)
    return candidate


def xlsx_bytes(report: Report, block: TitleBlock) -> bytes:
    """The report as an xlsx workbook: a sheet per table."""
    from openpyxl import Workbook  # here, not at the top: csv and html never need it

    workbook = Workbook()
    workbook.remove(workbook.active)
    styles = _Styles(workbook)
    used: set[str] = set()
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_name(table.name, used))
        _xlsx_table(sheet, report, table, block, styles)
    workbook.properties.title = report.title
    workbook.properties.creator = "liaison-ledger"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_table(
    sheet: Any, report: Report, table: Table, block: TitleBlock, styles: _Styles
) -> None:
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = table.columns
    last = max(len(columns), 2)
    _text_cell(sheet.cell(1, 1, report.title)).font = Font(name=_FONT, size=16, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    row = 2
    _text_cell(sheet.cell(row, 1, table.title)).font = Font(name=_FONT, size=12, bold=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    sheet.cell(row, 1).alignment = Alignment(horizontal="center")
    if report.subtitle:
        row += 1
        _text_cell(sheet.cell(row, 1, report.subtitle)).font = Font(
            name=_FONT, size=10, italic=True
        )
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        sheet.cell(row, 1).alignment = Alignment(horizontal="center")
    for label, text in block:
        row += 1
        _text_cell(sheet.cell(row, 1, label)).font = Font(name=_FONT, size=9, bold=True)
        _text_cell(sheet.cell(row, 2, text)).font = Font(name=_FONT, size=9)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
    for note in report.notes:
        row += 1
        _text_cell(sheet.cell(row, 1, note)).font = Font(name=_FONT, size=9, color="C00000")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    row += 2
    header_row = row
    header = styles.header().name
    for index, column in enumerate(columns, start=1):
        _text_cell(sheet.cell(header_row, index, column.header)).style = header
    widths = [_display_width(c.header) for c in columns]
    looks: dict[str, list[Any]] = {}
    keyed = [(c.key, c) for c in columns]
    for line_kind, record in table.rows():
        row += 1  # appended below the header: the sheet's next row
        if line_kind not in looks:
            looks[line_kind] = [styles.body(line_kind, c.kind).as_tuple() for c in columns]
        cells = []
        for (key, column), look in zip(keyed, looks[line_kind], strict=True):
            value = _xlsx_value(column, record.get(key))
            cells.append(_text_cell(Cell(sheet, value=value, style_array=look)))
        sheet.append(cells)
        if line_kind == "row":
            for index, (key, column) in enumerate(keyed):
                width = _display_width(text_of(column, record.get(key)))
                if width > widths[index]:
                    widths[index] = width
        if line_kind != "row":
            first, span = label_span(table, record)
            if span > 1:
                sheet.merge_cells(
                    start_row=row,
                    start_column=first + 1,
                    end_row=row,
                    end_column=first + span,
                )
    if header_row == row:  # no rows at all
        row += 1
        sheet.cell(row, 1, "（无）").font = Font(name=_FONT, italic=True)
    for note in table.notes:
        row += 2 if note is table.notes[0] else 1
        _text_cell(sheet.cell(row, 1, note)).font = Font(name=_FONT, size=9, italic=True)
    for index, width in enumerate(widths, start=1):
        kind = columns[index - 1].kind
        limit = 48 if kind == "text" else 22
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, 8), limit
        )
    sheet.row_dimensions[header_row].height = 30
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sha = dict(block).get(files.SHA_LABEL, "")
    sheet.oddFooter.left.text = f"SHA-256 {sha[:16]}…" if sha else ""


def _text_cell(cell: Any) -> Any:
    """Keep a text cell text: openpyxl stores any string that begins with ``=`` as a
    formula, which Excel and WPS would run. Office and asset names come from many hands
    and from outside files; they are never formulas."""
    value = cell.value
    if isinstance(value, str) and files.formula_like(value):
        cell.data_type = "s"
    return cell


def _xlsx_value(column: Column, value: Any) -> Any:
    if is_blank(value):
        return None
    if column.kind in ("money", "percent"):
        return float(_money(value)) if column.kind == "percent" else _money(value)
    if column.kind == "count":
        return int(value)
    return value


# --- csv -----------------------------------------------------------------------------


def csv_bytes(report: Report, block: TitleBlock) -> bytes:
    """The report as csv in UTF-8 with a BOM: title block, then every table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([files.csv_text(report.title)])
    if report.subtitle:
        writer.writerow([files.csv_text(report.subtitle)])
    for label, value in block:
        writer.writerow([label, files.csv_text(value)])
    for note in report.notes:
        writer.writerow([files.csv_text(note)])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([files.csv_text(table.title)])
        writer.writerow([files.csv_text(c.header) for c in table.columns])
        for _, record in table.rows():
            writer.writerow([_csv_cell(c, record.get(c.key)) for c in table.columns])
        for note in table.notes:
            writer.writerow([files.csv_text(note)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(column: Column, value: Any) -> str:
    text = text_of(column, value, grouped=False)
    # a number (a negative amount is "-5.00") stays a number; any text is guarded
    return (
        text
        if column.kind in _NUMERIC and not isinstance(value, str)
        else files.csv_text(text)
    )


_NUMERIC = frozenset({"money", "count", "percent"})


# --- html ----------------------------------------------------------------------------

_CSS = """
@page { size: A4 landscape; margin: 10mm 10mm 12mm 10mm; }
* { box-sizing: border-box; }
html { background: #ffffff; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
  "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif; font-size: 9pt; color: #111;
  margin: 0 auto; padding: 6mm 0; width: 277mm; }
@media print { body { width: auto; padding: 0; } }
h1 { font-size: 17pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.1em; }
.subtitle { text-align: center; margin: 0 0 3mm; color: #333; }
table.block { border-collapse: collapse; margin: 0 auto 3mm; font-size: 8.5pt; }
table.block th { text-align: right; padding: 0 3mm 0 0; color: #444; font-weight: 600; }
table.block td { font-family: "DejaVu Sans Mono", monospace, sans-serif; }
.notes { color: #a00; margin: 1mm 0; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; border-bottom: 1.5pt solid #335;
  padding-bottom: 1mm; break-after: avoid; }
table.data { border-collapse: collapse; width: 100%; font-size: 7.5pt; }
table.data th, table.data td { border: 0.5pt solid #888; padding: 1mm 1.2mm;
  vertical-align: top; }
table.data thead th { background: #d9e1f2; text-align: center; font-weight: 700; }
table.data thead { display: table-header-group; }
table.data tr { break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.date, .nowrap { white-space: nowrap; }
table.data.wide { font-size: 6.8pt; }
table.data.wide th, table.data.wide td { padding: 0.8mm 0.7mm; }
tr.subtotal td { background: #f2f2f2; font-weight: 700; }
tr.total td { background: #e2efda; font-weight: 700; border-top: 1.5pt double #333; }
td.empty { text-align: center; color: #777; font-style: italic; }
p.note { font-size: 7.5pt; color: #444; margin: 1mm 0; }
figure { margin: 3mm 0; break-inside: avoid; text-align: center; }
figcaption { font-weight: 700; margin-bottom: 1mm; }
svg text { font-family: inherit; }
"""

_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948")


def html_bytes(report: Report, block: TitleBlock) -> bytes:
    """The report as one self-contained html page, printable on A4 landscape."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{e(report.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
    ]
    if report.subtitle:
        parts.append(f'<p class="subtitle">{e(report.subtitle)}</p>')
    parts.append('<table class="block">')
    for label, value in block:
        parts.append(f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>")
    parts.append("</table>")
    for note in report.notes:
        parts.append(f'<p class="notes">{e(note)}</p>')
    for chart in report.charts:
        parts.append(chart_svg(chart))
    for table in report.tables:
        parts.append(_html_table(table))
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def _html_table(table: Table) -> str:
    e = html.escape
    wide = " wide" if len(table.columns) > 15 else ""
    out = [f"<section><h2>{e(table.title)}</h2>", f'<table class="data{wide}"><thead><tr>']
    header_at = len(out)
    out.append("</tr></thead><tbody>")
    empty = True
    lines = list(table.rows())
    columns = table.columns
    texts = [[text_of(c, record.get(c.key)) for c in columns] for _, record in lines]
    shown = [line for (kind, _), line in zip(lines, texts, strict=True) if kind == "row"]
    narrow = set()
    min_width: dict[str, float] = {}
    for index, column in enumerate(columns):
        widest = max([0, *(_display_width(line[index]) for line in shown)])
        if widest <= 10:
            narrow.add(column.key)
        elif column.kind == "text":  # long text wraps, but not one character a line
            min_width[column.key] = min(widest, 14) / 2
        if column.kind in ("count", "percent"):  # short numbers under long headers
            min_width[column.key] = max(min_width.get(column.key, 0), 2.6)
    cell_class = []
    for column in columns:
        classes = []
        if column.kind in ("money", "count", "percent", "number"):
            classes.append("num")
        elif column.kind == "date":
            classes.append("date")
        if column.key in narrow:
            classes.append("nowrap")
        cell_class.append(f' class="{" ".join(classes)}"' if classes else "")
    for (line_kind, record), line in zip(lines, texts, strict=True):
        if line_kind == "row":
            empty = False
        css = "" if line_kind == "row" else f' class="{line_kind}"'
        out.append(f"<tr{css}>")
        first, span = label_span(table, record) if line_kind != "row" else (-1, 1)
        skip = 0
        for index, text in enumerate(line):
            if skip:
                skip -= 1
                continue
            if index == first and span > 1:
                out.append(f'<td colspan="{span}">{e(text)}</td>')
                skip = span - 1
                continue
            out.append(f"<td{cell_class[index]}>{e(text)}</td>")
        out.append("</tr>")
    out[header_at:header_at] = [
        f'<th style="min-width:{min_width[c.key]:.1f}em">{e(c.header)}</th>'
        if c.key in min_width
        else f"<th>{e(c.header)}</th>"
        for c in table.columns
    ]
    if empty and table.frame.empty:
        out.append(f'<tr><td class="empty" colspan="{len(table.columns)}">（无）</td></tr>')
    out.append("</tbody></table>")
    out.extend(f'<p class="note">{e(note)}</p>' for note in table.notes)
    out.append("</section>")
    return "".join(out)


# --- charts --------------------------------------------------------------------------


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" role="img" '
        f'aria-label="{html.escape(title)}">'
    )


def chart_svg(chart: Chart) -> str:
    """An inline SVG figure for a chart of the report."""
    if isinstance(chart, Timeline):
        return _timeline_svg(chart)
    return _bars_svg(chart)


def compact(value: Decimal | float) -> str:
    """Short Chinese money labels: 2.4亿, 240万, 9,600."""
    number = float(value)
    size = abs(number)
    if size >= 1e8:
        return f"{number / 1e8:.4g}亿"
    if size >= 1e4:
        return f"{number / 1e4:.4g}万"
    if number == int(number):
        return f"{number:,.0f}"
    return f"{number:,.2f}"


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) for ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _bars_svg(chart: BarChart) -> str:
    e = html.escape
    n_series = max(len(chart.series), 1)
    n_cat = max(len(chart.categories), 1)
    width, height = 1000, 260
    left, right, top, bottom = 70, 20, 24, 52
    widest = max([0, *(_display_width(c) for c in chart.categories)])
    rotate = widest * 6.5 > (width - left - right) / n_cat  # labels would collide
    if rotate:  # slanted labels need room below the axis
        bottom += min(widest, 24) * 4
        height += min(widest, 24) * 4
    plot_w, plot_h = width - left - right, height - top - bottom
    if chart.stacked:
        values = [
            sum(float(s.values[i]) for s in chart.series if float(s.values[i]) > 0)
            for i in range(len(chart.categories))
        ]
        values += [
            sum(float(s.values[i]) for s in chart.series if float(s.values[i]) < 0)
            for i in range(len(chart.categories))
        ]
    else:
        values = [float(v) for s in chart.series for v in s.values]
    if chart.reference is not None:
        values.append(float(chart.reference))
    high = max([0.0, *values])
    low = min([0.0, *values])
    step = _nice_step(high - low if high - low > 0 else 1.0)
    y_max = step * math.ceil(high / step) if high > 0 else step
    y_min = -step * math.ceil(-low / step) if low < 0 else 0.0
    span = (y_max - y_min) or 1.0

    def y(v: float) -> float:
        return top + plot_h * (y_max - v) / span

    out = [
        f"<figure><figcaption>{e(chart.title)}（{e(chart.unit)}）</figcaption>",
        _svg_open(width, height, chart.title),
    ]
    tick = y_min
    while tick <= y_max + step / 2:
        ty = y(tick)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#444">{e(compact(tick))}</text>'
        )
        tick += step
    group_w = plot_w / n_cat
    per_group = 1 if chart.stacked else n_series
    bar_w = min(56.0, group_w * 0.8 / per_group)
    for ci, category in enumerate(chart.categories):
        gx = left + group_w * ci + (group_w - bar_w * per_group) / 2
        base_up = base_down = 0.0
        for si, series in enumerate(chart.series):
            v = float(series.values[ci])
            color = _PALETTE[si % len(_PALETTE)]
            if chart.stacked:
                x = gx
                if v >= 0:
                    y0, y1 = y(base_up + v), y(base_up)
                    base_up += v
                else:
                    y0, y1 = y(base_down), y(base_down + v)
                    base_down += v
            else:
                x = gx + bar_w * si
                y0, y1 = y(max(v, 0.0)), y(min(v, 0.0))
            out.append(
                f'<rect x="{x:.1f}" y="{y0:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{max(y1 - y0, 0.5):.1f}" fill="{color}">'
                f"<title>{e(category)} {e(series.name)}: {v:,.2f}</title></rect>"
            )
            if not v or bar_w < 34:  # labels on thin bars run into each other
                continue
            if chart.stacked:
                if y1 - y0 >= 14:
                    out.append(
                        f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{(y0 + y1) / 2 + 4:.1f}" '
                        f'font-size="9.5" text-anchor="middle" fill="#fff">'
                        f"{e(compact(v))}</text>"
                    )
            else:
                out.append(
                    f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y0 - 3:.1f}" '
                    f'font-size="9.5" text-anchor="middle" fill="#333">'
                    f"{e(compact(v))}</text>"
                )
        label = category if len(category) <= 18 else category[:17] + "…"
        lx, ly = left + group_w * (ci + 0.5), top + plot_h + 16
        if rotate:
            out.append(
                f'<text x="{lx:.1f}" y="{ly}" font-size="10" text-anchor="end" '
                f'transform="rotate(-40 {lx:.1f} {ly})">{e(label)}</text>'
            )
        else:
            out.append(
                f'<text x="{lx:.1f}" y="{ly}" font-size="11" text-anchor="middle">'
                f"{e(label)}</text>"
            )
    out.append(
        f'<line x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        f'stroke="#333" stroke-width="1.2"/>'
    )
    if chart.reference is not None:
        ry = y(float(chart.reference))
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ry:.1f}" y2="{ry:.1f}" '
            f'stroke="#c00" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{width - right - 4}" y="{ry - 5:.1f}" font-size="11" '
            f'text-anchor="end" fill="#c00">{e(chart.reference_label)}</text>'
        )
    lx = left
    ly = height - 10
    for si, series in enumerate(chart.series):
        color = _PALETTE[si % len(_PALETTE)]
        out.append(
            f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{color}"/>'
            f'<text x="{lx + 16}" y="{ly}" font-size="11">{e(series.name)}</text>'
        )
        lx += 28 + 13 * len(series.name)
    out.append("</svg></figure>")
    return "".join(out)


def _timeline_svg(chart: Timeline) -> str:
    e = html.escape
    phases = chart.phases
    width = 1000
    left, right, top = 190, 40, 34
    row_h = 30
    height = top + row_h * max(len(phases), 1) + 34
    start = min([p.start for p in phases] + [chart.marker])
    end = max(p.end for p in phases) if phases else chart.marker
    # An as-of date far past the program would squeeze the phases into a sliver: the
    # axis then stops a little after the last phase and the marker points off it.
    beyond = chart.marker > end + datetime.timedelta(days=30)
    if not beyond:
        end = max(end, chart.marker)
    start -= datetime.timedelta(days=3)
    end += datetime.timedelta(days=6)
    days = max((end - start).days, 1)
    plot_w = width - left - right

    def x(date: datetime.date) -> float:
        return left + plot_w * (date - start).days / days

    out = [
        f"<figure><figcaption>{e(chart.title)}</figcaption>",
        _svg_open(width, height, chart.title),
    ]
    weekly = days <= 200
    tick = datetime.date(start.year, start.month, 1)
    while tick <= end:
        if tick >= start:
            tx = x(tick)
            label = f"{tick.year}-{tick.month:02d}" if days <= 800 else str(tick.year)
            out.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top - 6}" y2="{height - 28}" '
                f'stroke="#ccc"/>'
            )
            if tx < width - right - 40:
                out.append(
                    f'<text x="{tx + 2:.1f}" y="{top - 10}" font-size="10" fill="#555">'
                    f"{label}</text>"
                )
        if days <= 800:
            tick = datetime.date(tick.year + tick.month // 12, tick.month % 12 + 1, 1)
        else:
            tick = datetime.date(tick.year + 1, 1, 1)
    if weekly:  # light lines on the 10th and 20th help read the plan's dates
        day = start
        while day <= end:
            if day.day in (10, 20):
                tx = x(day)
                out.append(
                    f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{height - 28}" '
                    f'stroke="#eee"/>'
                )
            day += datetime.timedelta(days=1)
    for index, phase in enumerate(phases):
        py = top + row_h * index
        x0 = x(phase.start)
        x1 = x(phase.end + datetime.timedelta(days=1))
        if phase.state.startswith("已结束"):
            color = "#9bb59b"
        elif phase.state.startswith("进行中"):
            color = "#4e79a7"
        else:
            color = "#d0d7e2"
        fill = "#333"
        if x1 + 230 <= width:
            label_x, anchor = x1 + 4, "start"
        elif x0 - 230 >= left:
            label_x, anchor = x0 - 4, "end"
        else:  # a long phase: write on the bar itself
            label_x, anchor, fill = x0 + 6, "start", "#fff"
        out.append(
            f'<text x="{left - 8}" y="{py + 19}" font-size="12" text-anchor="end">'
            f"{e(phase.name)}</text>"
            f'<rect x="{x0:.1f}" y="{py + 6}" width="{max(x1 - x0, 2):.1f}" height="18" '
            f'rx="3" fill="{color}"><title>{e(phase.name)} {phase.start}–{phase.end} '
            f"{e(phase.state)}</title></rect>"
            f'<text x="{label_x:.1f}" y="{py + 19}" font-size="10" fill="{fill}" '
            f'text-anchor="{anchor}">'
            f"{phase.start.month}/{phase.start.day}–{phase.end.month}/{phase.end.day} "
            f"{e(phase.state)}</text>"
        )
    label = f"截至 {chart.marker.isoformat()}"
    if beyond:
        mx: float = width - right + 4
        out.append(
            f'<path d="M{mx - 14},{top - 2} l14,8 l-14,8 z" fill="#c00"/>'
            f'<text x="{mx}" y="{height - 8}" font-size="11" text-anchor="end" '
            f'fill="#c00">{label} ▶（在图外）</text>'
        )
    else:
        mx = x(chart.marker + datetime.timedelta(days=1))  # the end of the as-of day
        anchor = "end" if mx > width - 90 else "middle"
        out.append(
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{top - 4}" y2="{height - 24}" '
            f'stroke="#c00" stroke-width="2"/>'
            f'<text x="{mx:.1f}" y="{height - 8}" font-size="11" text-anchor="{anchor}" '
            f'fill="#c00">{label}</text>'
        )
    legend = (("#9bb59b", "已结束"), ("#4e79a7", "进行中"), ("#d0d7e2", "未开始"))
    lx = 10
    for color, name in legend:
        out.append(
            f'<rect x="{lx}" y="{height - 18}" width="12" height="12" fill="{color}"/>'
            f'<text x="{lx + 16}" y="{height - 8}" font-size="11">{name}</text>'
        )
        lx += 60
    out.append("</svg></figure>")
    return "".join(out)
