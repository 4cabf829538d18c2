"""What is wrong with an import file, located as a spreadsheet user finds it.

A ``Problem`` names the file (and the sheet, in a workbook of several), the row as the
spreadsheet shows it, the column letter, the header as written and the offending value;
its text is the one line the command line, beangulp and the 清理规范 page print.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an import file, located as precisely as it can be.

    Attributes:
        file: The file's path as given.
        row: The row number as a spreadsheet shows it (1 = first line), if any.
        column: The column letter (A, B, …), if any.
        header: The column's header as written in the file, if any.
        value: The offending value as read, if any.
        message: What is wrong and, where it helps, what to do.
        sheet: The worksheet's name, in a workbook that holds several.
    """

    file: str
    row: int | None
    column: str | None
    header: str | None
    value: Any
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f"[{self.sheet}]"
        if self.row is not None:
            where += f":{self.row}"
            if self.column is not None:
                where += f":{self.column}"
        label = f" [{self.header}]" if self.header else ""
        shown = "" if self.value is None else f"（值：{_show(self.value)}）"
        return f"{where}:{label} {self.message}{shown}"


def _show(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, str):
        return repr(value)
    return str(value)


class ImportProblems(Exception):
    """Raised by the beangulp importers (and only there) to refuse a whole file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems]
        super().__init__(f"{len(problems)} 个问题，未导入任何内容：\n" + "\n".join(lines))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
