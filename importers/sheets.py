"""Read every kind of file a county office sends into raw grids of cells.

No Beancount and no interpretation here: a file becomes a list of ``Sheet``, each a list
of rows numbered as the spreadsheet shows them, holding the cells as written. Finding
titles, headers, totals and columns is the next layer's work.

What is read, and how:

* xlsx/xlsm, xls (Excel 97-2003, BIFF8) and ods through python-calamine, by content
  whatever the extension. calamine reads dates in every built-in and custom date format
  (East Asian ids 27-36 and 50-58, ``yyyy"年"m"月"d"日"``), but gives ``""`` both for an
  empty cell and for an error value (``#DIV/0!``, ``#N/A`` ...), and ``""`` for a formula
  that has no stored result. Those are found here: in xlsx by scanning the sheet's XML
  bytes (errors and formulas without a stored value), in ods by streaming content.xml
  (errors, formulas without a value and merged ranges, which calamine does not give for
  ods), in xls by walking the BIFF records of the Workbook stream (errors).
* CSV and tab-separated text (also ``.xls``/``.txt`` files that are really text, as web
  systems export them) in UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16 with BOM.
* HTML tables named ``.xls`` (one sheet per ``<table>``), through ``html.parser``.
* SpreadsheetML 2003 XML ("XML 电子表格 2003"), through ``xml.etree``.

Whatever keeps a file from being read becomes a ``Problem``; nothing raises on bad input.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import io
import os
import posixpath
import re
import struct
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path
from typing import IO
from typing import Any

from importers.grid import CellError
from importers.grid import FileReading
from importers.grid import Sheet
from importers.problems import Problem
from importers.problems import column_letter

__all__ = [
    "CellError",
    "Sheet",
    "column_letter",
    "detect_encoding",
    "read_sheets",
    "sniff",
]


# --- Sniffing --------------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_NAMES = "utf-8"
"""How the zip members of a workbook are named (ASCII): read so, zipfile does not load
its cp437 table, which cost more than the rest of the scan."""
_CHUNK = 1 << 20
_DECODE_CHUNK = 1 << 16
"""Bytes decoded at a time while detecting the encoding: 1 MiB blocks of GBK made a
peak of 6 MiB (the block, its text, its GB2312 encoding), more than the rows."""


def sniff(path: str | os.PathLike[str]) -> str:
    """``xlsx`` (a zip), ``ods``, ``xls`` (an OLE file), ``empty`` or ``text``, by content.

    A zip is ``ods`` when its ``mimetype`` member says so (ODF puts it first, stored,
    so the first bytes show it; a zip written otherwise is opened to look), else
    ``xlsx``, whatever it holds.
    """
    with open(path, "rb") as handle:
        head = handle.read(128)
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        if head[30:38] == b"mimetype":
            return "ods" if head[38:].startswith(_ODS_MIME) else "xlsx"
        try:
            with zipfile.ZipFile(path, metadata_encoding=_NAMES) as archive:
                if archive.read("mimetype").strip() == _ODS_MIME:
                    return "ods"
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            pass
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    return "text"


# --- Reading ---------------------------------------------------------------------------


class Reading:
    """``read_sheets`` on a thread of its own, started at once.

    python-calamine reads a workbook outside the GIL: ``liaison import`` starts the
    reading first and loads the rest of itself and the books meanwhile, so on two cores
    a workbook costs little more than the books' own load.
    """

    def __init__(self, path: str | os.PathLike[str], label: str | None = None) -> None:
        import threading

        self.problems: list[Problem] = []
        self.sheets: list[Sheet] = []
        self.thread = threading.Thread(target=self._read, args=(path, label), daemon=True)
        self.thread.start()

    def _read(self, path: str | os.PathLike[str], label: str | None) -> None:
        self.sheets = read_sheets(path, self.problems, label)

    def result(self, problems: list[Problem]) -> list[Sheet]:
        """The sheets; the reader's problems are added to ``problems``."""
        self.thread.join()
        problems.extend(self.problems)
        return self.sheets


def read_sheets(
    path: str | os.PathLike[str], problems: list[Problem], label: str | None = None
) -> list[Sheet]:
    """Every sheet of an import file, in workbook order.

    Args:
        path: The file: xlsx/xlsm, xls, ods, CSV/TSV, an HTML table or SpreadsheetML 2003,
            recognised by content whatever its extension.
        problems: Receives whatever keeps the file (or one of its sheets) from being read.
        label: How to name the file in problems (default: the path as given).

    Returns:
        The sheets read; ``[]`` (or the sheets read before the one that failed) when
        there is a problem. Never raises on bad input.
    """
    path = Path(path)
    reading = FileReading(path, label or str(path), problems)
    try:
        if not path.is_file():
            reading.problem("文件不存在")
            return []
        kind = sniff(path)
        if kind == "empty":
            reading.problem("文件为空")
            return []
        if kind in ("xlsx", "ods", "xls"):
            return _read_workbook(reading, kind)
        return _read_text(reading)
    except OSError as exc:
        reading.problem(f"无法读取文件：{exc.strerror or exc}")
    except Exception as exc:  # the last resort: a reader's bug must not stop the caller
        reading.problem(f"无法读取：{type(exc).__name__}: {exc}")
    return []


def _read_text(reading: FileReading) -> list[Sheet]:
    """A file that is neither a zip nor an OLE file: markup, or delimited text."""
    with open(reading.path, "rb") as handle:
        head = handle.read(1 << 16)
    from importers import markup as markup_lib  # only web systems' files need it

    markup = markup_lib.markup_kind(head)
    if markup == "xml2003":
        return markup_lib.read_xml2003(reading)
    if markup == "html":
        return markup_lib.read_html(reading)
    if markup == "xml":
        reading.problem(
            "是 XML 文件，但不是 Excel 的“XML 电子表格 2003”；请另存为 .xlsx 后再导入"
        )
        return []
    if reading.path.suffix.lower() in (".xlsx", ".xlsm"):
        reading.problem(
            "不是 xlsx 工作簿（文件开头不像 xlsx）；如果它是 CSV 文件，请把扩展名改为 .csv"
        )
        return []
    return _read_csv(reading)


# --- Workbooks through calamine --------------------------------------------------------

_SUFFIXES = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods"}
_CALAMINE_NAMES = {
    "xlsx": (".xlsx", ".xlsm", ".xlam"),
    "xls": (".xls", ".xla"),
    "ods": (".ods",),
}
"""The extensions by which calamine picks each reader (lower case only)."""


@contextlib.contextmanager
def _open_book(path: Path, kind: str) -> Iterator[Any]:
    """The workbook through calamine, read as ``kind`` whatever the file is named.

    calamine picks its reader by the extension, and tries each reader in turn for any
    other name (``.XLS`` too), failing with "Cannot detect file format" instead of what
    is wrong; a link named as the content is gives the right reader and its own message.
    """
    from python_calamine import CalamineWorkbook

    with contextlib.ExitStack() as stack:
        target: str | None = str(path)
        if not path.name.endswith(_CALAMINE_NAMES[kind]):
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="liaison-"))
            target = os.path.join(folder, "book" + _SUFFIXES[kind])
            try:
                os.symlink(path.resolve(), target)
            except (OSError, NotImplementedError):  # no symlinks here: read it whole
                target = None
        if target is None:
            book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        else:
            book = CalamineWorkbook.from_path(target)
        stack.callback(book.close)
        yield book


def _read_workbook(reading: FileReading, kind: str) -> list[Sheet]:
    import python_calamine as calamine

    if kind == "xlsx" and _is_xlsb(reading.path):
        reading.problem(
            "是 Excel 二进制工作簿（.xlsb）；请在 Excel 中另存为 .xlsx 后再导入"
        )
        return []
    sheets: list[Sheet] = []
    not_cells = (calamine.SheetTypeEnum.ChartSheet, calamine.SheetTypeEnum.Vba)
    try:
        with (
            _open_book(reading.path, kind) as book,
            _Extras.of(reading.path, kind) as extra,
        ):
            worksheets = [m for m in book.sheets_metadata if m.typ not in not_cells]
            if not worksheets:
                reading.problem("工作簿中没有工作表")
                return []
            for meta in worksheets:
                try:
                    raw, ranges = _sheet_cells(book, reading.path, kind, meta.name, extra)
                except calamine.PasswordError:
                    raise
                except calamine.CalamineError as exc:
                    reading.problem(
                        f"无法读取工作表（文件可能不完整或已损坏）：{exc}", sheet=meta.name
                    )
                    return sheets
                sheet = _calamine_sheet(raw, ranges, kind, meta.name, extra)
                sheet.hidden = meta.visible != calamine.SheetVisibleEnum.Visible
                sheets.append(sheet)
    except calamine.PasswordError:
        reading.problem("工作簿有密码保护；请去掉密码后再导入")
    except calamine.CalamineError as exc:
        if kind == "xls" and _is_encrypted_package(reading.path):
            # a password-protected xlsx is an OLE file holding the encrypted zip
            reading.problem("工作簿有密码保护；请去掉密码后再导入")
        else:
            reading.problem(f"无法作为 {kind} 工作簿读取（文件可能不完整或已损坏）：{exc}")
    except Exception as exc:  # whatever else calamine raises on a damaged file
        reading.problem(f"无法作为 {kind} 工作簿读取：{type(exc).__name__}: {exc}")
    return sheets


_Ranges = list[tuple[tuple[int, int], tuple[int, int]]]


def _sheet_cells(
    book: Any, path: Path, kind: str, name: str, extra: _Extras
) -> tuple[list[list[Any]], _Ranges]:
    """A sheet's cells from A1 on and its merged ranges (calamine's, 0-based).

    calamine knows the seven classic error values and refuses a whole xlsx sheet for a
    newer one (#SPILL!, #CALC!, #BLOCKED! ...): it is then read again from a copy where
    those say #N/A, and the scan of the original XML puts the real text back.
    """
    import python_calamine as calamine

    try:
        sheet = book.get_sheet_by_name(name)
        return sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []
    except calamine.CalamineError as exc:
        if kind != "xlsx" or "error value" not in str(exc) or name not in extra.members:
            raise
    member = extra.members[name]
    copy = io.BytesIO()
    with (
        zipfile.ZipFile(path, metadata_encoding=_NAMES) as archive,
        zipfile.ZipFile(copy, "w") as out,
    ):
        for item in archive.infolist():
            data = archive.read(item.filename)
            if item.filename == member:
                data = _ERROR_VALUE.sub(rb"\1#N/A\3", data)
            out.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    copy.seek(0)
    with calamine.CalamineWorkbook.from_filelike(copy) as patched:
        sheet = patched.get_sheet_by_name(name)
        return sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []


def _calamine_sheet(
    raw: list[list[Any]], ranges: _Ranges, kind: str, name: str, extra: _Extras
) -> Sheet:
    """calamine's cells with "" as None, and with what it does not give put back."""
    rows = [[None if c.__class__ is str and not c else c for c in row] for row in raw]
    merged = [(r1 + 1, c1, r2 + 1, c2) for (r1, c1), (r2, c2) in ranges]
    uncached: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    if kind == "xlsx" and extra.archive is not None and name in extra.members:
        try:
            uncached, errors = _scan_xlsx_sheet(extra.archive, extra.members[name])
        except Exception:  # a part calamine could read and this cannot: no extras
            pass
    elif kind == "ods" and name in extra.ods:
        merged, uncached, errors = extra.ods[name]
    elif kind == "xls":
        errors = extra.xls.get(name, {})
    for (row, col), text in errors.items():
        while len(rows) < row:
            rows.append([])
        cells = rows[row - 1]
        if len(cells) <= col:
            cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = CellError(text)
    for cells in rows:
        while cells and cells[-1] is None:
            cells.pop()
    return Sheet(name, kind, rows, sorted(set(merged)), frozenset(uncached))


_OdsFound = tuple[
    list[tuple[int, int, int, int]], set[tuple[int, int]], dict[tuple[int, int], str]
]
"""An ods table's merged ranges, formulas without a value, and errors."""


@dataclasses.dataclass
class _Extras:
    """What calamine does not give, found in the file itself, by sheet name."""

    archive: zipfile.ZipFile | None = None
    members: dict[str, str] = field(default_factory=dict)
    ods: dict[str, _OdsFound] = field(default_factory=dict)
    xls: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)

    @classmethod
    def of(cls, path: Path, kind: str) -> _Extras:
        """Never fails: a file calamine could open but this cannot read gets no extras."""
        extras = cls()
        try:
            if kind == "xlsx":
                extras.archive = zipfile.ZipFile(path, metadata_encoding=_NAMES)
                extras.members = _xlsx_sheet_members(extras.archive)
            elif kind == "ods":
                extras.ods = _scan_ods(path)
            elif kind == "xls":
                extras.xls = _scan_xls(path)
        except Exception:  # damaged parts: calamine says what it cannot read
            pass
        return extras

    def __enter__(self) -> _Extras:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.archive is not None:
            self.archive.close()


def _is_xlsb(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path, metadata_encoding=_NAMES) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        return False
    return "xl/workbook.bin" in names and "xl/workbook.xml" not in names


def _is_encrypted_package(path: Path) -> bool:
    """An OLE file holding an ``EncryptedPackage`` stream: an encrypted xlsx."""
    with open(path, "rb") as handle:
        data = handle.read(64 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data


# --- xlsx: what calamine gives as "" ---------------------------------------------------

_OFFICE_DOCUMENT = "/officeDocument"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xlsx_sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name to the zip member holding its XML, as the workbook's rels say."""
    workbook = "xl/workbook.xml"
    with contextlib.suppress(KeyError):
        for rel in ET.fromstring(archive.read("_rels/.rels")):
            if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
                workbook = rel.get("Target", workbook).lstrip("/")
    folder = posixpath.dirname(workbook)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
    targets: dict[str, str] = {}
    for rel in ET.fromstring(archive.read(rels_name)):
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        targets[rel.get("Id", "")] = target
    members: dict[str, str] = {}
    for element in ET.fromstring(archive.read(workbook)).iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        name = element.get("name")
        if name is not None and rid in targets:
            members[name] = targets[rid]
    return members


_ERROR_TYPE = re.compile(rb"""t=(?:"e"|'e')""")
"""An error-typed cell (Excel writes double quotes; single ones are XML too). Led by a
literal, so searched fast; a hit in another attribute is sorted out with the cell."""
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_CELL_OPEN = re.compile(rb"<(?:\w+:)?c\s")
_REF = re.compile(rb"\br=[\"']([A-Z]{1,3})(\d+)[\"']")
_TYPE = re.compile(rb"\bt=[\"'](\w+)[\"']")
_FORMULA = re.compile(rb"<f[\s/>]")
_PREFIX = re.compile(rb"<(\w+):worksheet\b")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?(?:/>|>([^<]*)</)")
_ERROR_VALUE = re.compile(
    rb"(<(?:\w+:)?c\s[^>]*\bt=[\"']e[\"'][^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?v>)"
    rb"(#[^<]*)(</(?:\w+:)?v>)",
    re.DOTALL,
)
_CARRY = 512
"""Bytes carried from one block to the next, so that a marker cut in two is seen."""


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _scan_xlsx_sheet(
    archive: zipfile.ZipFile, member: str
) -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
    """Formula cells without a stored value, and error cells, of one worksheet's XML.

    The XML is streamed in blocks and searched for ``<f`` and ``t="e"`` only; a cell is
    looked at closely only there. No DOM: a sheet of a million cells costs two regex
    passes (0.1 s for 47 MB of XML), and each formula some 3 µs.

    A formula without a stored value is one with no ``<v>``, or an empty ``<v></v>``
    that is not a text result (Excel writes ``t="str"`` and ``<v></v>`` for a formula
    that yields "", such as ``=IF(A1="","",A1)``: a cached value). Cells without an
    ``r`` attribute (no known writer omits it) are not located, so not reported.

    Returns:
        ``(uncached, errors)``: positions as ``(row 1-based, col 0-based)``, errors with
        their text (``#DIV/0!``).
    """
    uncached: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    tail = b""
    formula = _FORMULA
    with archive.open(member) as stream:
        while True:
            block = stream.read(_CHUNK)
            chunk = tail + block
            if formula is _FORMULA and not tail:
                # the sheet's own prefix (<x:c>, from .NET writers), found at its start
                prefix = _PREFIX.search(chunk, 0, 4096)
                if prefix:
                    formula = re.compile(b"<" + re.escape(prefix.group(1)) + rb":f[\s/>]")
            keep = max(0, len(chunk) - _CARRY)
            # two passes, each led by a literal, cost a tenth of one alternation
            hits = [m.start() for m in formula.finditer(chunk)]
            hits += [m.start() for m in _ERROR_TYPE.finditer(chunk)]
            hits.sort()
            for hit in hits:
                start = chunk.rfind(b"<", 0, hit)
                cell = _CELL.match(chunk, start) if start >= 0 else None
                if cell is None:  # not inside a cell, or the cell is not finished
                    if block and start >= 0 and _CELL_OPEN.match(chunk, start):
                        keep = min(keep, start)  # look again in the next block
                        break
                    continue
                attributes, body = cell.group(1), cell.group(2)
                ref = _REF.search(attributes)
                if ref is None or body is None:  # not located, or <c .../>
                    continue
                at = (int(ref.group(2)), _column_index(ref.group(1)))
                value = _VALUE.search(body)
                stored = value.group(1) if value else None
                typed = _TYPE.search(attributes) if b"t=" in attributes else None
                cell_type = typed.group(1) if typed else b"n"
                if cell_type == b"e" and stored:
                    errors[at] = stored.decode("utf-8", "replace")
                elif not stored and formula.search(body):
                    if value is None or cell_type not in (b"str", b"inlineStr"):
                        uncached.add(at)
            if not block:
                break
            tail = chunk[keep:]
    return uncached, errors


# --- ods: merged ranges, errors and formulas without a value ---------------------------

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_CALCEXT_NS = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_T_TABLE = f"{{{_TABLE_NS}}}table"
_T_ROW = f"{{{_TABLE_NS}}}table-row"
_T_CELL = f"{{{_TABLE_NS}}}table-cell"
_T_COVERED = f"{{{_TABLE_NS}}}covered-table-cell"
_T_P = f"{{{_TEXT_NS}}}p"
_A_NAME = f"{{{_TABLE_NS}}}name"
_A_ROWS_REPEATED = f"{{{_TABLE_NS}}}number-rows-repeated"
_A_COLS_REPEATED = f"{{{_TABLE_NS}}}number-columns-repeated"
_A_ROWS_SPANNED = f"{{{_TABLE_NS}}}number-rows-spanned"
_A_COLS_SPANNED = f"{{{_TABLE_NS}}}number-columns-spanned"
_A_FORMULA = f"{{{_TABLE_NS}}}formula"
_A_VALUE_TYPE = f"{{{_OFFICE_NS}}}value-type"
_A_CALC_TYPE = f"{{{_CALCEXT_NS}}}value-type"
_ODS_MARKERS = (b"-spanned=", b":formula=", b'value-type="error"')


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def _scan_ods(path: Path) -> dict[str, _OdsFound]:
    """Merged ranges, formulas without a value and error cells of each ods table.

    calamine gives no merged ranges for ods, and ``""`` for an error cell (LibreOffice
    writes ``calcext:value-type="error"`` and the error's text) and for a formula whose
    value was never computed (no ``office:value-type``). content.xml is streamed, and
    only when it holds one of those at all.
    """
    found: dict[str, _OdsFound] = {}
    with zipfile.ZipFile(path, metadata_encoding=_NAMES) as archive:
        with archive.open("content.xml") as stream:
            if not _contains_any(stream, _ODS_MARKERS):
                return found
        with archive.open("content.xml") as stream:
            current: _OdsFound | None = None
            row = col = 0
            for event, element in ET.iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == _T_TABLE:
                        current = ([], set(), {})
                        found[element.get(_A_NAME, "")] = current
                        row = 0
                    elif tag == _T_ROW:
                        col = 0
                    continue
                if tag in (_T_CELL, _T_COVERED):
                    if current is not None and tag == _T_CELL:
                        _ods_cell(element, current, row, col)
                    col += _count(element.get(_A_COLS_REPEATED))
                    element.clear()
                elif tag == _T_ROW:
                    row += _count(element.get(_A_ROWS_REPEATED))
                    element.clear()
    return found


def _ods_cell(element: ET.Element, found: _OdsFound, row: int, col: int) -> None:
    merged, uncached, errors = found
    across = _count(element.get(_A_COLS_SPANNED))
    down = _count(element.get(_A_ROWS_SPANNED))
    if across > 1 or down > 1:
        merged.append((row + 1, col, row + down, col + across - 1))
    if element.get(_A_CALC_TYPE) == "error":
        text = "\n".join("".join(p.itertext()) for p in element.iter(_T_P))
        errors[(row + 1, col)] = text
    elif element.get(_A_FORMULA) is not None and element.get(_A_VALUE_TYPE) is None:
        uncached.add((row + 1, col))


def _contains_any(stream: IO[bytes], markers: tuple[bytes, ...]) -> bool:
    tail = b""
    while block := stream.read(_CHUNK):
        chunk = tail + block
        if any(marker in chunk for marker in markers):
            return True
        tail = chunk[-32:]
    return False


# --- xls: error values in the BIFF records ---------------------------------------------

_BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_XLS_LIMIT = 256 << 20


def _scan_xls(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Error cells of each worksheet of an xls, by walking its BIFF8 records.

    calamine gives ``""`` for an error value, as for an empty cell. An error is a
    BOOLERR record with its error flag set, or a FORMULA record whose cached result is
    an error; the worksheets are found through the BOUNDSHEET records.
    """
    with open(path, "rb") as handle:
        data = handle.read(_XLS_LIMIT)
    stream = _ole_stream(data, ("Workbook", "Book"))
    found: dict[str, dict[tuple[int, int], str]] = {}
    if stream is None:
        return found
    sheets: list[tuple[str, int]] = []
    for kind, body in _biff_records(stream, 0):
        if kind == 0x0085 and len(body) >= 8:  # BOUNDSHEET8
            offset = struct.unpack_from("<I", body)[0]
            length, high = body[6], body[7] & 1
            raw = body[8 : 8 + length * (2 if high else 1)]
            name = raw.decode("utf-16-le" if high else "latin-1", "replace")
            sheets.append((name, offset))
        elif kind == 0x000A:  # EOF of the workbook globals
            break
    for name, offset in sheets:
        errors: dict[tuple[int, int], str] = {}
        for kind, body in _biff_records(stream, offset):
            if kind == 0x000A:
                break
            if kind == 0x0205 and len(body) >= 8 and body[7] == 1:  # BOOLERR, an error
                row, col = struct.unpack_from("<HH", body)
                errors[(row + 1, col)] = _BIFF_ERRORS.get(body[6], f"#ERR{body[6]}")
            elif kind == 0x0006 and len(body) >= 14 and body[12:14] == b"\xff\xff":
                if body[6] == 2:  # FORMULA whose cached result is an error
                    row, col = struct.unpack_from("<HH", body)
                    errors[(row + 1, col)] = _BIFF_ERRORS.get(body[8], f"#ERR{body[8]}")
        found[name] = errors
    return found


def _biff_records(stream: bytes, offset: int) -> Iterator[tuple[int, bytes]]:
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        yield kind, stream[offset + 4 : offset + 4 + length]
        offset += 4 + length


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first of ``names`` found as a stream of an OLE compound file, or None."""
    if not data.startswith(OLE_MAGIC) or len(data) < 512:
        return None
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        return None
    size = 1 << shift
    (directory, cutoff, mini_fat, _, difat_start, difat_count) = struct.unpack_from(
        "<I4xIIIII", data, 0x30
    )

    def sector(index: int) -> bytes:
        start = (index + 1) * size
        return data[start : start + size]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s != _FREE]
    next_difat = difat_start
    for _ in range(difat_count):
        if next_difat in (_END_OF_CHAIN, _FREE):
            break
        pointers = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors.extend(s for s in pointers[:-1] if s != _FREE)
        next_difat = pointers[-1]
    fat_bytes = b"".join(sector(s) for s in fat_sectors)
    fat = struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes)

    def chain(start: int, table: tuple[int, ...]) -> Iterator[int]:
        seen = 0
        while start < len(table) and seen <= len(table):
            yield start
            start = table[start]
            seen += 1

    entries = b"".join(sector(s) for s in chain(directory, fat))
    root_start = root_size = 0
    for at in range(0, len(entries) - 127, 128):
        entry = entries[at : at + 128]
        length = struct.unpack_from("<H", entry, 64)[0]
        name = entry[: max(0, length - 2)].decode("utf-16-le", "replace")
        kind = entry[66]
        start, stream_size = struct.unpack_from("<IQ", entry, 116)
        if kind == 5:
            root_start, root_size = start, stream_size
        elif kind == 2 and name in names:
            if size == 512:  # version 3: the high half is undefined
                stream_size &= 0xFFFFFFFF
            if stream_size >= cutoff:
                return b"".join(sector(s) for s in chain(start, fat))[:stream_size]
            mini_stream = b"".join(sector(s) for s in chain(root_start, fat))[:root_size]
            table_bytes = b"".join(sector(s) for s in chain(mini_fat, fat))
            mini_table = struct.unpack(f"<{len(table_bytes) // 4}I", table_bytes)
            parts = (mini_stream[s * 64 : s * 64 + 64] for s in chain(start, mini_table))
            return b"".join(parts)[:stream_size]
    return None


# --- CSV and TSV -----------------------------------------------------------------------

_UTF16 = "是 UTF-16 编码的文本；请另存为 CSV UTF-8（或 GBK）后再导入"
_NUL = "含有 NUL 字节，不是 CSV 文本（可能是 UTF-16 编码或二进制文件）"

_FIELD_LIMIT = re.compile(r"field larger than field limit \((\d+)\)")
_EXPECTED = re.compile(r"'(.)' expected after '\"'", re.DOTALL)


def _csv_reason(exc: csv.Error) -> str:
    """The csv module's complaint in Chinese; one it has no words for, as it is."""
    said = str(exc)
    if said == "unexpected end of data":
        return "文件在引号内结束"
    expected = _EXPECTED.fullmatch(said)
    if expected:
        return "引号后面应紧跟" + ("制表符" if expected.group(1) == "\t" else "逗号")
    limit = _FIELD_LIMIT.fullmatch(said)
    if limit:
        return f"有字段超过 {limit.group(1)} 个字符"
    return said


def detect_encoding(path: str | os.PathLike[str]) -> tuple[str | None, str | None]:
    """The encoding of a text file: utf-16, utf-8-sig, utf-8 or gb18030 (which reads GBK).

    A UTF-16 file is read only with its byte order mark (Excel's "Unicode 文本" has one);
    without it, it is refused. UTF-8 is tried first: Chinese text in GBK is practically
    never valid UTF-8. GB18030 accepts most byte pairs, so text in another encoding
    (Latin-1, Big5) often decodes without error into rare characters; it is refused when
    more than a quarter of its non-ASCII characters fall outside GB2312, the set real
    registers are written in.

    Returns:
        ``(encoding, None)``, or ``(None, why not)``, naming the line where it can.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in head:
        return None, _UTF16 if _looks_utf16(head) else _NUL
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    failure = None
    for encoding in candidates:
        failure = _decode_all(path, encoding)
        if failure is None:
            return encoding, None
    assert failure is not None
    return None, failure


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 text without a BOM: NULs (the high bytes of ASCII) on one side only."""
    head = head[: len(head) // 2 * 2]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return min(even, odd) == 0 and max(even, odd) >= 4


def _decode_all(path: Path, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    wide = rare = 0
    with open(path, "rb") as handle:
        while True:
            block = handle.read(_DECODE_CHUNK)
            final = not block
            pending = decoder.getstate()[0]  # a character cut by the last block's end
            try:
                decoded = decoder.decode(block, final)
            except UnicodeDecodeError as exc:
                data = pending + block  # what exc.start counts in
                line += data[: max(exc.start, 0)].count(b"\n")
                bad = data[exc.start : exc.start + 4]
                if encoding == "utf-16":
                    return (
                        f"第 {line} 行：字节 {bad!r} 不是正确的 UTF-16 编码（文件不完整？）"
                    )
                return (
                    f"第 {line} 行：字节 {bad!r} 既不是 UTF-8 也不是 GBK/GB18030 编码；"
                    "请另存为 CSV UTF-8（或 GBK）后再导入"
                )
            if "\x00" in decoded:
                return _NUL
            if encoding == "gb18030" and not decoded.isascii():
                # counted in C: characters outside ASCII, and those outside GB2312
                wide += len(decoded) - len(decoded.encode("ascii", "ignore"))
                rare += decoded.encode("gb2312", "replace").count(b"?") - decoded.count("?")
            line += decoded.count("\n")
            if final:
                break
    if wide and rare * 4 > wide:
        return (
            f"既不是 UTF-8，也不像 GBK（{wide} 个非 ASCII 字符中有 {rare} 个是生僻字，"
            "可能是 Latin-1、Big5 等其他编码）；请另存为 CSV UTF-8 后再导入"
        )
    return None


_SAMPLE = 1 << 16
_SAMPLE_LINES = 50


def _delimiter(path: Path, encoding: str) -> str:
    """Comma, or tab when more of the first lines are split by tabs than by commas.

    Each of the first non-empty records (read as CSV, so quoted separators do not count)
    is counted as split or not by each candidate. A tab-separated export has a tab on
    nearly every line, and commas only in some cells (``1,234.00``, addresses); a CSV
    the other way round. A tie goes to the one used more often, and then to the comma.
    """
    with open(path, encoding=encoding, newline="", errors="replace") as handle:
        sample = handle.read(_SAMPLE)
        whole = not handle.read(1)
    scores: dict[str, tuple[int, int]] = {}
    for candidate in (",", "\t"):
        lines = total = 0
        records = list(csv.reader(io.StringIO(sample), delimiter=candidate))
        if not whole and len(records) > 1:
            records.pop()  # cut by the sample's end
        records = [r for r in records if any(r)][:_SAMPLE_LINES]
        for record in records:
            if len(record) > 1:
                lines += 1
                total += len(record) - 1
        scores[candidate] = (lines, total)
    return "\t" if scores["\t"] > scores[","] else ","


def _read_csv(reading: FileReading) -> list[Sheet]:
    encoding, failure = detect_encoding(reading.path)
    if encoding is None:
        reading.problem(failure or "无法读取")
        return []
    try:
        delimiter = _delimiter(reading.path, encoding)
    except csv.Error:
        delimiter = ","  # the strict read below says what is wrong, and where
    rows: list[list[Any]] = []
    with open(reading.path, "rb") as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        try:
            for record in reader:
                rows.append([cell or None for cell in record])
        except csv.Error as exc:
            reading.problem(
                f"第 {reader.line_num} 行不是格式正确的 CSV：{_csv_reason(exc)}"
                "（可能有引号未闭合，或文件不完整）"
            )
            return []
    return [Sheet("", "tsv" if delimiter == "\t" else "csv", rows)]
