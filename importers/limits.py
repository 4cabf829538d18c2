"""What an import file may hold: every file is bounded before it can cost much time or
memory, and refused whole, in Chinese, when it is past one of these limits.

The limits are module constants, read when they are used, so a caller or a test can
lower them (``monkeypatch.setattr(limits, "MAX_ROWS", 5)``). ``importers.sheets`` holds
workbooks and delimited text to them, ``importers.markup`` HTML and SpreadsheetML:

* ``MAX_FILE_BYTES`` (200 MB): the file's size, checked before anything of it is read.
* ``MAX_ZIP_MEMBERS`` (10,000 parts), ``MAX_UNZIPPED_BYTES`` (500 MB in all) and
  ``MAX_ZIP_RATIO`` (100 times, for a part of 1 MB or more): an xlsx or ods, from the
  zip's directory before any part is expanded.
* ``MAX_ROWS`` (200,000), ``MAX_COLUMNS`` (16,384) and ``MAX_CELLS`` (10,000,000 rows ×
  columns): a sheet, and the cells of a file's sheets together.
* ``MAX_CELL_CHARS`` (10,000 characters): a cell's text, or a sheet's name.

A file past one is refused with ``TooLarge``, which says where, where that is known.
"""

from __future__ import annotations

from importers.problems import Problem
from importers.problems import column_letter

MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB
"""An import file larger than this is refused before anything of it is read."""
MAX_ZIP_MEMBERS = 10_000
"""A workbook (zip) of more parts than this is none Excel, WPS or LibreOffice wrote."""
MAX_UNZIPPED_BYTES = 500 * MB
"""What a workbook's parts may expand to, in all (the zip's directory says)."""
MAX_ZIP_RATIO = 100
"""How many times its compressed size a part may expand to: sheets expand 10 to 20
times; a zip bomb some 1,000 times."""
ZIP_RATIO_FROM = MB
"""Parts smaller than this are not held to ``MAX_ZIP_RATIO`` (they cost nothing)."""
MAX_ROWS = 200_000
"""Rows of one sheet (a register of 200,000 assets is ten times the largest seen)."""
MAX_COLUMNS = 16_384
"""Columns of one sheet: Excel's own limit (XFD)."""
MAX_CELLS = 10_000_000
"""Rows × columns of one sheet, and of a file's sheets together: some 400 MB of grid."""
MAX_CELL_CHARS = 10_000
"""Characters of one cell, or of a sheet's name."""


class TooLarge(Exception):
    """A file past one of the limits: refused whole, with where it is where known."""

    def __init__(
        self,
        message: str,
        row: int | None = None,
        column: int | None = None,
        sheet: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.sheet = sheet

    def problem(self, label: str) -> Problem:
        letter = column_letter(self.column) if self.column is not None else None
        return Problem(label, self.row, letter, None, None, self.message, self.sheet)


def megabytes(size: int) -> str:
    return f"{size / MB:.1f}"


def too_many_rows(sheet: str | None = None) -> TooLarge:
    return TooLarge(f"表格超过 {MAX_ROWS} 行的上限；请按机构拆分后再导入", sheet=sheet)


def too_many_columns(row: int | None = None, sheet: str | None = None) -> TooLarge:
    return TooLarge(f"表格超过 {MAX_COLUMNS} 列的上限", row, sheet=sheet)


def too_many_cells(sheet: str | None = None) -> TooLarge:
    return TooLarge(
        f"表格超过 {MAX_CELLS} 个单元格（行数 × 列数）的上限；请拆分后再导入", sheet=sheet
    )


def too_long(row: int, column: int | None, sheet: str | None = None) -> TooLarge:
    return TooLarge(
        f"单元格超过 {MAX_CELL_CHARS} 个字符的上限；请缩短后再导入", row, column, sheet
    )
