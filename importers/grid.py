"""The raw grid every reader makes of a file, and where its problems go.

``importers.sheets`` reads workbooks and delimited text into ``Sheet``; the markup
readers (``importers.markup``) read HTML tables and SpreadsheetML into the same.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from pathlib import Path
from typing import Any

from importers.problems import Problem


@dataclasses.dataclass(frozen=True, slots=True)
class CellError:
    """An Excel error value in a cell (#DIV/0!, #N/A, #REF!, #VALUE!, ...)."""

    text: str


@dataclasses.dataclass
class Sheet:
    """One worksheet (or CSV file, or HTML table) as a grid of raw cells.

    Attributes:
        name: The worksheet's name; "" for CSV/TSV and for a file of one HTML table.
        kind: "xlsx", "xls", "ods", "csv", "tsv", "html" or "xml2003".
        rows: ``rows[i]`` is the row the spreadsheet shows as ``i + 1`` (in CSV, record
            ``i + 1``). Rows differ in length; a missing cell is None. Spreadsheet rows
            have their trailing Nones trimmed; CSV rows keep every field as written.
        merged: ``(first_row, first_col, last_row, last_col)``, rows 1-based as shown,
            columns 0-based.
        uncached: ``(row, col)`` (row 1-based, column 0-based) of formula cells that have
            no stored value (files written by programs and never opened in Excel or WPS):
            their cell is None, but it is not empty.
        hidden: The worksheet is hidden (or "very hidden").
    """

    name: str
    kind: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncached: frozenset[tuple[int, int]] = frozenset()
    hidden: bool = False


class FileReading:
    """One file being read: where its problems go and how they name it."""

    def __init__(self, path: Path, label: str, problems: list[Problem]) -> None:
        self.path = path
        self.label = label
        self.problems = problems

    def problem(self, message: str, sheet: str | None = None) -> None:
        self.problems.append(Problem(self.label, None, None, None, None, message, sheet))
