"""Tables in markup, as web systems export them with an ``.xls`` name.

* HTML tables: one sheet per ``<table>``, through ``html.parser``; ``rowspan`` and
  ``colspan`` become merged ranges, ``<br>`` a newline, cells stay text as displayed.
* SpreadsheetML 2003 XML ("XML 电子表格 2003"), through ``xml.etree``: worksheets by
  name, typed cells, merged ranges.

``importers.sheets`` sends a file here when its first bytes are markup; nothing here
raises on bad input: what keeps a file from being read is a problem of the reading.

Both readers keep to the limits of ``importers.limits`` as they read (``MAX_ROWS``; the
cells a file's grids hold, spanned slots of HTML too, by ``MAX_CELLS``), and read in
time linear in the file: ``html.parser`` (of CPython 3.11.7, as measured) takes
quadratic time over constructs that never end (200 KB of ``<!--`` cost 22 s, 400 KB
82 s), which are made text before it sees them (``_defuse``).
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import html.parser
import re
import xml.etree.ElementTree as ET
from typing import Any
from typing import cast

from importers import limits
from importers.grid import CellError
from importers.grid import FileReading
from importers.grid import Sheet

_CHUNK = 1 << 20
"""Characters fed to the XML parser at a time."""

_SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"
_EXCEL_NS = "urn:schemas-microsoft-com:office:excel"
_XML_WORKBOOK = re.compile(rb"<(?:\w+:)?Workbook\b")
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|table)\b", re.I)
_TABLE_TAG = re.compile(rb"<table\b", re.I)


def markup_kind(head: bytes) -> str | None:
    """``xml2003``, ``html``, ``xml`` or None (not markup), from a file's first bytes."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", "replace").encode("utf-8")
    elif head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    head = head.lstrip()
    if not head.startswith(b"<"):
        return None
    if _SPREADSHEET_NS.encode() in head and _XML_WORKBOOK.search(head):
        return "xml2003"
    if _HTML_START.search(head) or _TABLE_TAG.search(head):
        return "html"
    if head.startswith(b"<?xml"):
        return "xml"
    return None


_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([-\w.:]+)["']""")
_GB = frozenset(("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn"))


def _decode_markup(data: bytes) -> tuple[str | None, str | None]:
    """The text of an HTML or XML file: by its BOM, its declared charset, or by trial.

    A declared GB2312 or GBK is read as GB18030, a superset (pages declared GB2312
    hold GBK characters). A declaration the bytes do not follow (web systems declare
    UTF-8 and write GBK) is passed over for UTF-8, then GB18030.

    Returns:
        ``(text, None)`` or ``(None, why not)``.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = []
        declared = _XML_ENCODING.search(data, 0, 4096) or _CHARSET.search(data, 0, 8192)
        if declared:
            name = declared.group(1).decode("ascii", "replace").lower()
            with contextlib.suppress(LookupError):
                candidates.append("gb18030" if name in _GB else codecs.lookup(name).name)
        candidates += ["utf-8", "gb18030"]
    for encoding in dict.fromkeys(candidates):
        try:
            return data.decode(encoding), None
        except UnicodeDecodeError:
            continue
    return None, "既不是 UTF-8，也不是 GBK/GB18030 编码的网页；请从系统中重新导出后再导入"


class _Budget:
    """The grid slots a file's tables have taken so far, held to ``MAX_CELLS``."""

    def __init__(self) -> None:
        self.cells = 0

    def take(self, slots: int) -> None:
        self.cells += slots
        if self.cells > limits.MAX_CELLS:
            raise limits.too_many_cells()


class _HtmlTable:
    """One ``<table>`` being laid out as browsers do: spans fill the slots they cover."""

    def __init__(self, budget: _Budget) -> None:
        self.rows: list[list[Any]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.below: list[int] = []
        """By column, the last row (0-based) a rowspan from a row above reaches."""
        self.row = -1
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.pieces: list[str] = []
        self.budget = budget

    def start_row(self) -> None:
        self.end_cell()
        self.row += 1
        if self.row >= limits.MAX_ROWS:
            raise limits.too_many_rows()
        self.col = 0
        self.rows.append([])

    def start_cell(self, rowspan: int, colspan: int) -> None:
        self.end_cell()
        if self.row < 0:
            self.start_row()
        below, row, col = self.below, self.row, self.col
        while col < len(below) and below[col] >= row:
            col += 1  # past a slot a cell of a row above reaches down into
        # every slot passed or taken is counted: a row of spans costs what it covers
        self.budget.take(col - self.col + colspan)
        self.col = col
        if self.col + colspan > limits.MAX_COLUMNS:
            raise ValueError(f"表格超过 {limits.MAX_COLUMNS} 列")
        self.cell = (self.row, self.col)
        if rowspan > 1 or colspan > 1:
            last_row, last_col = self.row + rowspan - 1, self.col + colspan - 1
            self.merged.append((self.row + 1, self.col, last_row + 1, last_col))
            if rowspan > 1:
                if len(below) <= last_col:
                    below.extend([-1] * (last_col + 1 - len(below)))
                for covered in range(self.col, last_col + 1):
                    below[covered] = max(below[covered], last_row)
        self.col += colspan

    def data(self, text: str) -> None:
        if self.cell is not None:
            self.pieces.append(text)

    def end_cell(self) -> None:
        if self.cell is None:
            return
        row, col = self.cell
        lines = "".join(self.pieces).split("\0")  # "\0": where a <br> was
        text = "\n".join(_WHITESPACE.sub(" ", line).strip(" ") for line in lines)
        text = text.strip("\n")
        cells = self.rows[row]
        if text:
            if len(cells) <= col:
                cells.extend([None] * (col + 1 - len(cells)))
            cells[col] = text
        self.cell = None
        self.pieces = []

    def finish(self, name: str) -> Sheet:
        self.end_cell()
        last = len(self.rows)  # a rowspan reaching past the table stops at its end
        merged = [(r1, c1, min(r2, last), c2) for r1, c1, r2, c2 in self.merged]
        merged = [m for m in merged if m[2] > m[0] or m[3] > m[1]]
        return Sheet(name, "html", self.rows, merged)


_WHITESPACE = re.compile(r"[ \t\n\r\f\xa0]+")
"""HTML's whitespace, collapsed as a browser shows it; &nbsp; too (an "empty" cell)."""
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
_MAX_COLUMNS = 16384
"""Excel's limits: a grid wider or longer is no register, and would only eat memory."""
_MAX_ROWS = 1048576


def _span(value: str | None, limit: int) -> int:
    try:
        return min(max(1, int(value or "1")), limit)
    except ValueError:
        return 1


class _TableParser(html.parser.HTMLParser):
    """Every ``<table>`` of a page, in the order they open; inner tables apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_HtmlTable] = []
        self.open: list[_HtmlTable] = []
        self.skip = 0  # inside <script> or <style>
        self.budget = _Budget()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            if self.open:
                self.open[-1].data(" ")
            table = _HtmlTable(self.budget)
            self.tables.append(table)
            self.open.append(table)
        elif not self.open:
            return
        elif tag == "tr":
            self.open[-1].start_row()
        elif tag in ("td", "th"):
            spans = dict(attrs)
            self.open[-1].start_cell(
                _span(spans.get("rowspan"), _MAX_ROWSPAN),
                _span(spans.get("colspan"), _MAX_COLSPAN),
            )
        elif tag == "br":
            self.open[-1].data("\0")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif not self.open:
            return
        elif tag == "table":
            self.open.pop().end_cell()
        elif tag in ("td", "th", "tr"):
            self.open[-1].end_cell()

    def handle_data(self, data: str) -> None:
        if self.open and not self.skip:
            self.open[-1].data(data.replace("\0", " "))


_COMMENT_CLOSE = re.compile(r"--\s*>")
_SECTION_CLOSE = re.compile(r"\]\s*>")
_SECTION_CLOSE_2 = re.compile(r"\]\s*\]\s*>")
_CONDITIONAL = re.compile(r"<!\[(?=\s*(?:if|else|endif)\b)", re.I)
_SECTION = re.compile(r"<!\[(?!\s*(?:if|else|endif)\b)", re.I)


def _last_end(pattern: re.Pattern[str], text: str) -> int:
    end = 0
    for match in pattern.finditer(text):
        end = match.end()
    return end


def _defuse(text: str) -> str:
    """The page with every construct that could never end made text, as a browser shows
    it: ``<`` after the last ``>``, ``<!--`` after the last ``-->``, ``<![`` after the
    last ``]]>`` (``<![if ...]>``, Excel's, after the last ``]>``).

    ``html.parser`` looks for the end of each such construct to the end of the page,
    then moves one tag on and looks again: quadratic time. Anything that does end, it
    reads as before: a page as systems export it is unchanged.
    """
    last = text.rfind(">") + 1
    head, tail = text[:last], text[last:].replace("<", "&lt;")
    for close, opening, made in (
        (_COMMENT_CLOSE, re.compile("<!--"), "&lt;!--"),
        (_SECTION_CLOSE_2, _SECTION, "&lt;!["),
        (_SECTION_CLOSE, _CONDITIONAL, "&lt;!["),
    ):
        at = _last_end(close, head)
        head = head[:at] + opening.sub(made, head[at:])
    return head + tail


def read_html(reading: FileReading) -> list[Sheet]:
    data = reading.path.read_bytes()
    text, failure = _decode_markup(data)
    if text is None:
        reading.problem(failure or "无法读取")
        return []
    parser = _TableParser()
    try:
        parser.feed(_defuse(text))
        parser.close()
    except ValueError as exc:
        reading.problem(f"无法作为网页表格读取：{exc}")
        return []
    if not parser.tables:
        reading.problem(
            "是网页（HTML）文件，但其中没有表格；请从系统中重新导出为 Excel 或 CSV 文件"
        )
        return []
    several = len(parser.tables) > 1
    return [
        table.finish(f"表{number}" if several else "")
        for number, table in enumerate(parser.tables, start=1)
    ]


_SS = f"{{{_SPREADSHEET_NS}}}"
_X = f"{{{_EXCEL_NS}}}"
_INTEGER = re.compile(r"[-+]?\d+")


def _ss(element: ET.Element, name: str) -> str | None:
    """An ``ss:`` attribute (some writers leave the prefix off)."""
    value = element.get(_SS + name)
    return value if value is not None else element.get(name)


def _xml_value(data: ET.Element) -> Any:
    kind = _ss(data, "Type") or "String"
    text = "".join(data.itertext())
    try:
        if kind == "Number":
            stripped = text.strip()
            return int(stripped) if _INTEGER.fullmatch(stripped) else float(stripped)
        if kind == "DateTime":
            return datetime.datetime.fromisoformat(text.strip())
        if kind == "Boolean":
            return text.strip().lower() in ("1", "true")
        if kind == "Error":
            return CellError(text.strip())
    except ValueError:
        pass  # a value its type does not fit: kept as written
    return text or None


def read_xml2003(reading: FileReading) -> list[Sheet]:
    data = reading.path.read_bytes()
    text, failure = _decode_markup(data)
    if text is None:
        reading.problem(failure or "无法读取")
        return []
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        # SpreadsheetML never declares entities; a file that does is not one to expand
        reading.problem("XML 文件含有 DOCTYPE/ENTITY 声明，不是 Excel 导出的 XML 电子表格")
        return []
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start", "end"))
    sheets: list[Sheet] = []
    sheet: Sheet | None = None
    row = cells = 0
    try:
        for at in range(0, len(text), _CHUNK):
            parser.feed(text[at : at + _CHUNK])
            for item in parser.read_events():
                event, element = cast(tuple[str, Any], item)
                if not isinstance(element, ET.Element):
                    continue  # namespace events, which are not asked for
                tag = element.tag
                if event == "start":
                    if tag == _SS + "Worksheet":
                        sheet = Sheet(_ss(element, "Name") or "", "xml2003", [])
                        sheets.append(sheet)
                        row = 0
                    continue
                if sheet is None:
                    continue
                if tag == _SS + "Row":
                    index = _ss(element, "Index")
                    row = int(index) if index else row + 1
                    if not 0 < row <= _MAX_ROWS:
                        raise ValueError(f"行号 {row} 超出范围")
                    if row > limits.MAX_ROWS:
                        raise limits.too_many_rows(sheet.name or None)
                    _xml_row(sheet, row, element)
                    cells += len(sheet.rows[row - 1])
                    if cells > limits.MAX_CELLS:
                        raise limits.too_many_cells()
                    row += int(_ss(element, "Span") or 0)
                    element.clear()
                elif tag == _X + "Visible":
                    sheet.hidden = (element.text or "").strip() in (
                        "SheetHidden",
                        "SheetVeryHidden",
                    )
                elif tag == _SS + "Worksheet":
                    sheet.merged.sort()
                    element.clear()
                    sheet = None
        parser.close()
    except (ET.ParseError, ValueError) as exc:
        reading.problem(f"无法作为 XML 电子表格读取（文件可能不完整或已损坏）：{exc}")
        return []
    if not sheets:
        reading.problem("工作簿中没有工作表")
    return sheets


def _xml_row(sheet: Sheet, row: int, element: ET.Element) -> None:
    cells: list[Any] = []
    column = 0  # 0-based position of the next cell
    for cell in element.iterfind(_SS + "Cell"):
        index = _ss(cell, "Index")
        if index:
            column = int(index) - 1
        if not 0 <= column < _MAX_COLUMNS:
            raise ValueError(f"列号 {column + 1} 超出范围")
        data = cell.find(_SS + "Data")
        if data is not None:
            value = _xml_value(data)
            if value is not None:
                if len(cells) <= column:
                    cells.extend([None] * (column + 1 - len(cells)))
                cells[column] = value
        across = int(_ss(cell, "MergeAcross") or 0)
        down = int(_ss(cell, "MergeDown") or 0)
        if across or down:
            sheet.merged.append((row, column, row + down, column + across))
        column += across + 1
    while len(sheet.rows) < row - 1:
        sheet.rows.append([])
    if len(sheet.rows) < row:
        sheet.rows.append(cells)
    else:
        sheet.rows[row - 1] = cells
