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

Every file is bounded before it can cost much time or memory, and refused whole, in
Chinese, when it is past one of the limits of ``importers.limits``:

* ``MAX_FILE_BYTES`` (200 MB): the file's size, checked before anything of it is read.
* ``MAX_ZIP_MEMBERS`` (10,000 parts), ``MAX_UNZIPPED_BYTES`` (500 MB in all) and
  ``MAX_ZIP_RATIO`` (100 times, for a part of 1 MB or more): an xlsx or ods, from the
  zip's directory before any part is expanded; a part compressed otherwise than stored
  or deflated (as Excel, WPS and LibreOffice write them) is refused too.
* ``MAX_ROWS`` (200,000), ``MAX_COLUMNS`` (16,384) and ``MAX_CELLS`` (10,000,000 rows ×
  columns): a sheet. A workbook's sheets are measured in the file before calamine reads
  them, since calamine makes a full grid of a sheet in one allocation, and a cell at
  XFD1048576 in a file of 1 KB asks it for half a terabyte (the process aborts); CSV,
  HTML and SpreadsheetML are counted as they are read.
* ``MAX_CELL_CHARS`` (10,000 characters): a cell's text, or a sheet's name, refused naming
  its row and column: Beancount's lexer is quadratic in a string's length, so nothing that
  long may reach the books.

Merged ranges are cut to the rows the sheet has, and may cover at most ``MAX_CELLS``
cells in all. CSV is read in time linear in the file, one line in memory at a time.
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
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path
from typing import IO
from typing import Any

from importers import limits
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


# --- Bounds ----------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _check_zip_directory(path: Path) -> None:
    """Refuse a zip of more than ``MAX_ZIP_MEMBERS`` parts, from its end record alone.

    zipfile makes an object of every entry of the directory, some 4 µs each: a file of
    200 MB can hold two million empty entries. The count is read from the end of central
    directory record (or its zip64 form) before zipfile reads anything.
    """
    with open(path, "rb") as handle:
        if handle.read(4) != ZIP_MAGIC:
            return
        size = handle.seek(0, os.SEEK_END)
        start = max(0, size - (0xFFFF + 22))  # the record, and a comment of 64 KiB
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            return  # no directory: calamine says the file is damaged
        count = struct.unpack_from("<H", tail, at + 10)[0]
        locator = at - 20
        if locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
            handle.seek(struct.unpack_from("<Q", tail, locator + 8)[0])
            record = handle.read(56)
            if record[:4] == _ZIP64_EOCD and len(record) == 56:
                count = max(count, struct.unpack_from("<Q", record, 32)[0])
    if count > limits.MAX_ZIP_MEMBERS:
        raise limits.TooLarge(
            f"工作簿由 {count} 个部件组成，超过 {limits.MAX_ZIP_MEMBERS} 个的上限，"
            "不是 Excel、WPS 或 LibreOffice 保存的工作簿；请另存为 .xlsx 后再导入"
        )


def _check_zip(path: Path) -> None:
    """Refuse a workbook whose parts expand too far, from the zip's directory.

    What calamine (and the scans here) would expand is bounded before anything is: in
    all by ``MAX_UNZIPPED_BYTES``, each part of a megabyte or more by ``MAX_ZIP_RATIO``.
    A part compressed otherwise than stored or deflated is refused: Python's zipfile
    could not read it, nor so check what it holds.
    """
    try:
        with zipfile.ZipFile(path, metadata_encoding=_NAMES) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        return  # calamine says what is wrong with it
    total = 0
    for member in members:
        total += member.file_size
        if member.compress_type not in _ZIP_METHODS:
            raise limits.TooLarge(
                f"工作簿中的 {member.filename} 使用了不支持的压缩方式；"
                "请在 Excel 或 WPS 中另存为 .xlsx 后再导入"
            )
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size >= limits.ZIP_RATIO_FROM and ratio > limits.MAX_ZIP_RATIO:
            raise limits.TooLarge(
                f"工作簿中的 {member.filename} 解压后是压缩时的 {ratio} 倍，"
                f"超过 {limits.MAX_ZIP_RATIO} 倍的上限（可能是恶意构造的文件），未读取"
            )
    if total > limits.MAX_UNZIPPED_BYTES:
        raise limits.TooLarge(
            f"工作簿解压后有 {limits.megabytes(total)} MB，"
            f"超过 {limits.MAX_UNZIPPED_BYTES // limits.MB} MB 的上限；请拆分后再导入"
        )


def _check_extent(rows: int, width: int, sheet: str | None) -> int:
    """Refuse a sheet of more rows, columns or cells than the limits; its cells."""
    if rows > limits.MAX_ROWS:
        raise limits.too_many_rows(sheet)
    if width > limits.MAX_COLUMNS:
        raise limits.too_many_columns(sheet=sheet)
    if rows * width > limits.MAX_CELLS:
        raise limits.too_many_cells(sheet)
    return rows * width


def _check_grid(reading: FileReading, found: list[Sheet]) -> bool:
    """Whether the sheets read are within the limits; else the problems, every one.

    Every reader bounds what it reads as it reads it; this is the last word on the grids
    themselves, in one pass: their size, each cell's length, each sheet's name. Merged
    ranges are cut to the sheet's rows (below them there is nothing to show).
    """
    limit = limits.MAX_CELL_CHARS
    total = 0
    ok = True
    for sheet in found:
        name = sheet.name if sheet.name else None
        if name is not None and len(name) > limit:
            reading.problem(
                f"工作表名称超过 {limit} 个字符的上限（开头为 {name[:20]!r}）；"
                "请改短后再导入"
            )
            ok = False
            name = name[:20] + "…"
        rows = sheet.rows
        width = max(map(len, rows), default=0)
        total += _check_extent(len(rows), width, name)
        if total > limits.MAX_CELLS:
            raise limits.too_many_cells()
        if sheet.kind in ("csv", "tsv"):
            rows = []  # their text was measured as it was read (_read_csv)
        for number, cells in enumerate(rows, start=1):
            for column, cell in enumerate(cells):
                kind = cell.__class__
                if (kind is str and len(cell) > limit) or (
                    kind is CellError and len(cell.text) > limit
                ):
                    reading.problems.append(
                        limits.too_long(number, column, name).problem(reading.label)
                    )
                    ok = False
        if sheet.merged:
            sheet.merged = _clip_merged(sheet.merged, len(sheet.rows), name)
    return ok


def _clip_merged(
    merged: list[tuple[int, int, int, int]], rows: int, sheet: str | None
) -> list[tuple[int, int, int, int]]:
    """Merged ranges cut to the sheet's rows and columns, each once, in order."""
    last_column = limits.MAX_COLUMNS - 1
    clipped = set()
    area = 0
    for r1, c1, r2, c2 in merged:
        r1, c1 = max(r1, 1), max(c1, 0)
        r2, c2 = min(r2, rows), min(c2, last_column)
        if r1 > r2 or c1 > c2 or (r1 == r2 and c1 == c2):
            continue
        if (r1, c1, r2, c2) not in clipped:
            clipped.add((r1, c1, r2, c2))
            area += (r2 - r1 + 1) * (c2 - c1 + 1)
    if area > limits.MAX_CELLS:
        raise limits.TooLarge(
            f"合并单元格共覆盖 {area} 个单元格，超过 {limits.MAX_CELLS} 个的上限",
            sheet=sheet,
        )
    return sorted(clipped)


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
        size = path.stat().st_size
        if size > limits.MAX_FILE_BYTES:
            reading.problem(
                f"文件有 {limits.megabytes(size)} MB，"
                f"超过导入文件 {limits.MAX_FILE_BYTES // limits.MB} MB 的上限；"
                "请按机构或工作表拆分后再导入"
            )
            return []
        _check_zip_directory(path)  # before sniff, whose zipfile reads the directory
        kind = sniff(path)
        if kind == "empty":
            reading.problem("文件为空")
            return []
        if kind in ("xlsx", "ods", "xls"):
            found = _read_workbook(reading, kind)
        else:
            found = _read_text(reading)
        return found if _check_grid(reading, found) else []
    except limits.TooLarge as exc:
        problems.append(exc.problem(reading.label))
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

    if kind in ("xlsx", "ods"):
        _check_zip(reading.path)
    if kind == "xlsx" and _is_xlsb(reading.path):
        reading.problem(
            "是 Excel 二进制工作簿（.xlsb）；请在 Excel 中另存为 .xlsx 后再导入"
        )
        return []
    sheets: list[Sheet] = []
    not_cells = (calamine.SheetTypeEnum.ChartSheet, calamine.SheetTypeEnum.Vba)
    try:
        with (
            _Extras.of(reading.path, kind) as extra,
            _open_book(reading.path, kind) as book,
        ):
            worksheets = [m for m in book.sheets_metadata if m.typ not in not_cells]
            if not worksheets:
                reading.problem("工作簿中没有工作表")
                return []
            if kind == "xlsx":  # read sheet by sheet: each is measured first
                total = 0
                for meta in worksheets:
                    extent = extra.measure(meta.name)
                    if extent is not None:
                        total += _check_extent(*extent, meta.name)
                        if total > limits.MAX_CELLS:
                            raise limits.too_many_cells()
            total = 0
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
                # the grid as read, before the next sheet adds its own
                total += _check_extent(len(raw), max(map(len, raw), default=0), meta.name)
                if total > limits.MAX_CELLS:
                    raise limits.too_many_cells()
                sheet = _calamine_sheet(raw, ranges, kind, meta.name, extra)
                sheet.hidden = meta.visible != calamine.SheetVisibleEnum.Visible
                sheets.append(sheet)
    except limits.TooLarge:
        raise
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
    if kind == "xlsx" and name in extra.xlsx:
        uncached, errors = extra.xlsx[name].uncached, extra.xlsx[name].errors
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
    """What calamine does not give, found in the file itself, by sheet name; and how
    large each sheet is, found before calamine reads it."""

    archive: zipfile.ZipFile | None = None
    members: dict[str, str] = field(default_factory=dict)
    xlsx: dict[str, _XlsxScan] = field(default_factory=dict)
    ods: dict[str, _OdsFound] = field(default_factory=dict)
    xls: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    extents: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Rows and columns of each sheet of an ods or xls, as the scans found them."""
    kind: str = ""

    @classmethod
    def of(cls, path: Path, kind: str) -> _Extras:
        """Never fails on a damaged file: a file calamine could open but this cannot
        read gets no extras. An ods or xls is measured here, before calamine opens it
        (and reads all its sheets at once): one past the limits is refused."""
        extras = cls(kind=kind)
        try:
            if kind == "xlsx":
                extras.archive = zipfile.ZipFile(path, metadata_encoding=_NAMES)
                extras.members = _xlsx_sheet_members(extras.archive)
            elif kind == "ods":
                extras.ods, extras.extents = _scan_ods(path)
            elif kind == "xls":
                extras.xls, extras.extents = _scan_xls(path)
        except limits.TooLarge:
            raise
        except Exception:  # damaged parts: calamine says what it cannot read
            pass
        total = 0
        for name, (rows, width) in extras.extents.items():
            total += _check_extent(rows, width, name or None)
            if total > limits.MAX_CELLS:
                raise limits.too_many_cells()
        return extras

    def measure(self, name: str) -> tuple[int, int] | None:
        """The rows and columns of an xlsx sheet, or None when it is small
        (``_XlsxScan``); refused (``TooLarge``) when it cannot be measured at all."""
        scan = None
        if self.archive is not None and name in self.members:
            try:
                scan = _scan_xlsx_sheet(self.archive, self.members[name])
            except limits.TooLarge:
                raise
            except Exception:  # a part this cannot read: not measured
                scan = None
        if scan is None:
            raise _unmeasured(name)
        self.xlsx[name] = scan
        return scan.extent

    def __enter__(self) -> _Extras:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.archive is not None:
            self.archive.close()


def _unmeasured(sheet: str) -> limits.TooLarge:
    return limits.TooLarge(
        "无法确定工作表的大小（文件结构异常）；请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
        sheet=sheet,
    )


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


_CELL_PLACED = re.compile(rb'<c r="([A-Za-z]+)(\d+)"[^>]*(?<!/)>')
"""A cell holding something, as every writer writes one: its reference first."""
_CELL_NOT_SMALL = re.compile(rb'<c(?! r="[A-Za-z]\d{1,5}")')
"""A cell past column Z or row 99,999, or not written ``<c r="B7"``."""
_CELL_UNPLACED = re.compile(rb'<c(?! r=")')
_OTHER_R = re.compile(rb" r\s*=(?<!<c r=)(?<!<row r=)")
"""An ``r`` attribute after a cell's first (calamine takes the last), or elsewhere."""


@dataclasses.dataclass
class _XlsxScan:
    """What one scan of a worksheet's XML found: what calamine gives as "", and the
    sheet's extent (rows, columns), or None when it is small (99,999 rows of columns A
    to Z at most: 2.6 million cells, which calamine reads safely)."""

    uncached: set[tuple[int, int]]
    errors: dict[tuple[int, int], str]
    extent: tuple[int, int] | None


class _Measure:
    """How large a worksheet is, from its XML as written, before calamine reads it.

    calamine reads the cells holding a value inside the first ``<sheetData>``, wherever
    they are in it, and makes one grid from A1 to the last. Excel, WPS, LibreOffice and
    openpyxl write each cell ``<c r="B7" ...>``: where all of ``<sheetData>`` is so
    written (``plain``: no tab or line break, no prefixed tag, no other ``r``
    attribute), a regex finds every cell. A plain sheet without a cell past column Z or
    row 99,999 is ``small``, the usual case, and costs a few searches of each block;
    any other is measured exactly (``_exact_extent``): by the same regex, or by expat
    where the XML is written otherwise.
    """

    def __init__(self) -> None:
        self.state = "before"  # the first <sheetData>, "inside" it, or "after" it
        self.plain = True
        self.small = True

    def block(self, block: bytes) -> None:
        """One stretch of the XML, cut between tags (``_scan_xlsx_sheet``)."""
        if not self.plain or self.state == "after":
            return
        at = 0
        if self.state == "before":
            found = block.find(b"sheetData")
            if found < 0:
                return
            if found == 0 or not block.startswith(b"<sheetData", found - 1):
                self.plain = False  # prefixed (<x:sheetData>), or not a tag at all
                return
            if block.startswith(b"<sheetData/>", found - 1):
                self.state = "after"
                return
            self.state, at = "inside", found
        end = block.find(b"</sheetData>", at)
        self.part(block[at : end if end >= 0 else len(block)])
        if end >= 0:
            self.state = "after"

    def part(self, part: bytes) -> None:
        if (
            b"\t" in part
            or b"\n" in part
            or b"\r" in part
            or (b":" in part and b":c" in part)  # a byte is found ten times faster
            or _OTHER_R.search(part) is not None
        ):
            self.plain = False
            return
        if self.small:
            if _CELL_NOT_SMALL.search(part) is None:
                return
            self.small = False
        if _CELL_UNPLACED.search(part) is not None:
            self.plain = False


def _exact_extent(archive: zipfile.ZipFile, member: str, plain: bool) -> tuple[int, int]:
    """The rows and columns of a worksheet as calamine would make them: from A1 to its
    last cell holding a value (or, for a cell written otherwise, any cell)."""
    rows = width = 0
    if plain:  # every cell is <c r="B7": found by the regex, block by block
        with archive.open(member) as stream:
            tail = b""
            while True:
                block = stream.read(_CHUNK)
                chunk = tail + block
                cut = chunk.rfind(b">") + 1 if block else len(chunk)
                found = _CELL_PLACED.findall(chunk, 0, cut)
                if found:
                    letters, digits = zip(*found, strict=True)
                    rows = max(rows, max(map(int, set(digits))))
                    columns = {_column_index(c.upper()) for c in set(letters)}
                    width = max(width, max(columns) + 1)
                tail = chunk[cut:]
                if not block:
                    return rows, width
    from xml.parsers import expat

    inside = 0
    row = col = -1
    cell: tuple[int, int] | None = None

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal inside, row, col, cell, rows, width
        local = name.rpartition(":")[2]
        if local == "sheetData":
            inside += 1
        elif not inside:
            return
        elif local == "row":
            number = attributes.get("r", "")
            row = int(number) - 1 if number.isdigit() else row + 1
            col = -1
        elif local == "c":
            ref = _A1.match(attributes.get("r", ""))
            if ref is not None:
                cell = (int(ref.group(2)) - 1, _column_index(ref.group(1).upper().encode()))
            else:
                cell = (row, col + 1)
            col = cell[1]
        elif local in ("v", "is") and cell is not None:
            rows, width = max(rows, cell[0] + 1), max(width, cell[1] + 1)

    def end(name: str) -> None:
        nonlocal inside, cell
        local = name.rpartition(":")[2]
        if local == "sheetData":
            inside -= 1
        elif local == "c":
            cell = None

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with archive.open(member) as stream:
        parser.ParseFile(stream)
    return rows, width


_A1 = re.compile(r"([A-Za-z]+)(\d+)")


def _scan_xlsx_sheet(archive: zipfile.ZipFile, member: str) -> _XlsxScan:
    """Formula cells without a stored value, and error cells, of one worksheet's XML;
    and the sheet's extent, unless it is small (``_Measure``).

    The XML is streamed in blocks and searched for ``<f`` and ``t="e"`` only; a cell is
    looked at closely only there. No DOM: a sheet of a million cells costs two regex
    passes (0.1 s for 47 MB of XML), and each formula some 3 µs.

    A formula without a stored value is one with no ``<v>``, or an empty ``<v></v>``
    that is not a text result (Excel writes ``t="str"`` and ``<v></v>`` for a formula
    that yields "", such as ``=IF(A1="","",A1)``: a cached value). Cells without an
    ``r`` attribute (no known writer omits it) are not located, so not reported.

    Positions are ``(row 1-based, col 0-based)``, errors with their text (``#DIV/0!``).
    """
    uncached: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    measure = _Measure()
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
                measure.block(chunk)
                break
            # measured up to a tag's end, so that no tag is cut in two; the rest is
            # carried (and searched again for formulas: no harm)
            cut = chunk.rfind(b">", 0, keep) + 1
            if cut:
                keep = cut
            elif keep:  # a megabyte without a tag's end is no sheet a writer made
                measure.plain = False
            measure.block(chunk[:keep])
            tail = chunk[keep:]
    extent = None
    if not (measure.plain and measure.small):
        extent = _exact_extent(archive, member, measure.plain)
    return _XlsxScan(uncached, errors, extent)


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


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def _scan_ods(path: Path) -> tuple[dict[str, _OdsFound], dict[str, tuple[int, int]]]:
    """Merged ranges, formulas without a value and error cells of each ods table; and
    each table's extent (rows, columns).

    calamine gives no merged ranges for ods, and ``""`` for an error cell (LibreOffice
    writes ``calcext:value-type="error"`` and the error's text) and for a formula whose
    value was never computed (no ``office:value-type``). The extent counts what
    calamine makes of ``number-rows-repeated`` and ``number-columns-repeated`` over
    cells that hold something (LibreOffice repeats empty rows to row 1048576): a table
    past the limits is refused (``TooLarge``) as soon as it is seen to be. content.xml is
    streamed; one of more cell tags than ``MAX_CELLS`` allows is refused unparsed.
    """
    found: dict[str, _OdsFound] = {}
    extents: dict[str, tuple[int, int]] = {}
    with zipfile.ZipFile(path, metadata_encoding=_NAMES) as archive:
        with archive.open("content.xml") as stream:
            # "-cell" ends both cell tags, whatever their prefix, opening and closing
            if _count_all(stream, b"-cell") > 3 * limits.MAX_CELLS:
                raise limits.too_many_cells()
        with archive.open("content.xml") as stream:
            current: _OdsFound = ([], set(), {})
            name = ""
            row = col = 0
            rows = width = row_end = 0  # the table's extent; this row's last cell
            parents: list[ET.Element] = []
            for event, element in ET.iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == _T_TABLE:
                        current = ([], set(), {})
                        name = element.get(_A_NAME, "")
                        found[name] = current
                        extents[name] = (0, 0)
                        row = rows = width = 0
                    elif tag == _T_ROW:
                        col = row_end = 0
                    parents.append(element)
                    continue
                parents.pop()
                if tag in (_T_CELL, _T_COVERED):
                    repeated = _count(element.get(_A_COLS_REPEATED))
                    if tag == _T_CELL:
                        _ods_cell(element, current, row, col)
                    if (
                        len(element)
                        or element.get(_A_VALUE_TYPE)
                        or element.get(_A_CALC_TYPE)
                    ):
                        row_end = col + repeated
                    col += repeated
                    element.clear()
                elif tag == _T_ROW:
                    repeated = _count(element.get(_A_ROWS_REPEATED))
                    if row_end:
                        rows, width = row + repeated, max(width, row_end)
                        extents[name] = (rows, width)
                        _check_extent(rows, width, name or None)
                    row += repeated
                    element.clear()
                    if parents:  # the cleared row itself would stay, a million times
                        parents[-1].remove(element)
    return found, extents


def _count_all(stream: IO[bytes], marker: bytes) -> int:
    count = 0
    tail = b""
    while block := stream.read(_CHUNK):
        chunk = tail + block
        count += chunk.count(marker)
        tail = chunk[len(chunk) - len(marker) + 1 :]  # a marker cut by the block's end
    return count


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


_CELL_RECORDS = frozenset((0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E))
"""FORMULA, RSTRING, LABELSST, BLANK, NUMBER, LABEL, BOOLERR, RK: a cell at (row, col)."""
_MULTI_RECORDS = frozenset((0x00BD, 0x00BE))
"""MULRK, MULBLANK: cells of one row, from a first column to a last (the body's end)."""


def _scan_xls(
    path: Path,
) -> tuple[dict[str, dict[tuple[int, int], str]], dict[str, tuple[int, int]]]:
    """Error cells of each worksheet of an xls, by walking its BIFF8 records; and each
    worksheet's extent (rows, columns).

    calamine gives ``""`` for an error value, as for an empty cell. An error is a
    BOOLERR record with its error flag set, or a FORMULA record whose cached result is
    an error; the worksheets are found through the BOUNDSHEET records. The extent is
    that of every cell record, blank ones too: a row and a column are 16 bits in BIFF8,
    and calamine makes a grid to the last of them.
    """
    with open(path, "rb") as handle:
        data = handle.read(_XLS_LIMIT)
    stream = _ole_stream(data, ("Workbook", "Book"))
    found: dict[str, dict[tuple[int, int], str]] = {}
    extents: dict[str, tuple[int, int]] = {}
    if stream is None:
        return found, extents
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
    unpack = struct.unpack_from
    for name, offset in sheets:
        errors: dict[tuple[int, int], str] = {}
        rows = width = cells = 0
        for kind, body in _biff_records(stream, offset):
            if kind == 0x000A:
                break
            if kind in _CELL_RECORDS and len(body) >= 4:
                row, col = unpack("<HH", body)
                rows, width = max(rows, row + 1), max(width, col + 1)
                cells += 1
            elif kind in _MULTI_RECORDS and len(body) >= 6:
                row = unpack("<H", body)[0]
                last = unpack("<H", body, len(body) - 2)[0]
                rows, width = max(rows, row + 1), max(width, last + 1)
                cells += 1
            else:
                continue
            if cells > limits.MAX_CELLS:  # records enough: no need to walk a million more
                raise limits.too_many_cells(name)
            if kind == 0x0205 and len(body) >= 8 and body[7] == 1:  # BOOLERR, an error
                errors[(row + 1, col)] = _BIFF_ERRORS.get(body[6], f"#ERR{body[6]}")
            elif kind == 0x0006 and len(body) >= 14 and body[12:14] == b"\xff\xff":
                if body[6] == 2:  # FORMULA whose cached result is an error
                    errors[(row + 1, col)] = _BIFF_ERRORS.get(body[8], f"#ERR{body[8]}")
        found[name] = errors
        extents[name] = (rows, width)
    return found, extents


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


class _Wide(Exception):
    """A CSV record of more fields than ``MAX_COLUMNS``, found before it is split."""


def _bounded_lines(lines: Iterable[str], delimiter: str) -> Iterator[str]:
    """The lines of a CSV file, stopped by ``_Wide`` at a record of too many fields.

    The csv module makes a whole record before it yields it: a line of 50 MB of commas
    would be a list of 25 million fields. The delimiters outside quotes are counted per
    record as the lines pass (a record may span lines, inside quotes), so no record of
    more than ``MAX_COLUMNS`` fields is ever made. A line without a quote, the usual
    kind, costs a search and a count.
    """
    limit = limits.MAX_COLUMNS
    inside = False  # the line starts inside a quoted field
    fields = 0  # delimiters outside quotes in the record so far
    for line in lines:
        if not inside:
            fields = 0
        if inside or '"' in line:
            parts = line.split('"')
            outside = parts[1::2] if inside else parts[0::2]
            fields += sum(part.count(delimiter) for part in outside)
            if len(parts) % 2 == 0:
                inside = not inside
        else:
            fields += line.count(delimiter)
        if fields >= limit:
            raise _Wide
        yield line


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
    max_rows, max_cells, max_chars = (
        limits.MAX_ROWS,
        limits.MAX_CELLS,
        limits.MAX_CELL_CHARS,
    )
    width = 0
    most = max_rows  # rows allowed at the widest row so far (MAX_ROWS, MAX_CELLS)
    long: list[int] = []  # rows with a field over MAX_CELL_CHARS
    with open(reading.path, "rb") as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.reader(
            _bounded_lines(stream, delimiter), delimiter=delimiter, strict=True
        )
        try:
            for record in reader:
                rows.append([cell or None for cell in record])
                if len(record) > width:
                    width = len(record)
                    most = min(max_rows, max_cells // width)
                if record and max(map(len, record)) > max_chars:
                    long.append(len(rows))
                if len(rows) > most:
                    if len(rows) > max_rows:
                        raise limits.too_many_rows()
                    raise limits.too_many_cells()
        except _Wide:
            raise limits.too_many_columns(len(rows) + 1) from None
        except csv.Error as exc:
            if _FIELD_LIMIT.fullmatch(str(exc)):
                # a field past the csv module's own limit (128 Ki characters) is past
                # MAX_CELL_CHARS too: refused as such, naming its column
                column = _long_field(
                    reading.path, encoding, delimiter, len(rows), reader.line_num
                )
                raise limits.too_long(len(rows) + 1, column) from None
            reading.problem(
                f"第 {reader.line_num} 行不是格式正确的 CSV：{_csv_reason(exc)}"
                "（可能有引号未闭合，或文件不完整）"
            )
            return []
    for number in long:
        for column, cell in enumerate(rows[number - 1]):
            if cell is not None and len(cell) > max_chars:
                reading.problems.append(
                    limits.too_long(number, column).problem(reading.label)
                )
    if long:
        return []
    return [Sheet("", "tsv" if delimiter == "\t" else "csv", rows)]


class _Counted:
    """The lines of a file, counted as they pass."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.count += 1
        return line


_QUOTED_FIELD = re.compile(r'"[^"]*(?:""[^"]*)*"?')


def _long_field(
    path: Path, encoding: str, delimiter: str, records: int, end: int
) -> int | None:
    """The column of the first field over ``MAX_CELL_CHARS`` in the record after the
    first ``records``, which ends by line ``end``; or None. Read again only when a
    record was refused so: the records before it are passed by the csv module again
    (they were read without error), and the record's lines searched field by field."""
    plain = re.compile(f'[^{re.escape(delimiter)}"\\r\\n]*')
    limit = limits.MAX_CELL_CHARS
    with open(path, encoding=encoding, newline="") as handle:
        lines = _Counted(handle)
        reader = csv.reader(lines, delimiter=delimiter)
        for _ in range(records):
            next(reader)
        start = lines.count
        text = "".join(line for _, line in zip(range(end - start), handle, strict=False))
    at = column = 0
    while column < limits.MAX_COLUMNS:
        field = (_QUOTED_FIELD if text.startswith('"', at) else plain).match(text, at)
        if field is None:
            return None
        if field.end() - field.start() > limit:  # not field.group(): a copy of it
            return column
        at = field.end()
        if not text.startswith(delimiter, at):
            return None
        at += len(delimiter)
        column += 1
    return None
