"""The file's part of an import: its sheets read and their forms found, before and
without the books; from the command line, in a child process while the books load.

``read_forms`` is everything an import learns from the file alone: the sheets
(``sheets.read_sheets``), the one ``--sheet`` names, and each sheet's form
(``forms.read_layout``: title, fill line, header, units, rows, totals, footer), with the
sheets that hold no register named as skipped. Typing the rows needs the books (an
office named by 填报单位 is matched against the ledger's offices), and so does every step
after it.

``liaison import`` has three pieces of work before it can make a single entry: import
its modules, load the books and read the file. python-calamine holds the GIL while it
reads a workbook, and the csv module and the forms are Python, so on a thread the reading
takes turns with the other two instead of running beside them (measured with
``benchmarks/import_bench.py``: a 5,000-row xlsx read on a thread cost as much wall time
as read in line). A second process does run beside them, on a second core: the command
forks at its start, while it is small and has no thread; the child runs ``read_forms``
and sends its result and problems back, pickled, through a pipe; the parent meanwhile
imports the rest of itself and loads the books.

Only the command line forks. A server (Fava, with its import page and upload) has
threads, and a fork there may copy a lock another thread holds: it reads in line
(``Reading(..., fork=False)``). Where there is no fork (Windows), or the child did not
deliver (killed, out of memory), the file is read in line when the result is asked for:
the same forms and the same problems, only not meanwhile.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path
from typing import Any

from importers import forms
from importers.problems import Problem


@dataclasses.dataclass
class FileForms:
    """What a file holds, as far as the file alone tells."""

    layouts: list[forms.Layout]
    """The registers' sheets, each with its header found, in workbook order."""
    skipped: list[str]
    """The sheets that hold no register, as the summary names them."""
    named: bool
    """Problems name each sheet (the file has more than one)."""


def read_forms(
    kind: str,
    path: str | os.PathLike[str],
    problems: list[Problem],
    *,
    label: str | None = None,
    sheet: str | None = None,
) -> FileForms:
    """The forms of an import file; whatever is wrong with it, to ``problems``.

    Args:
        kind: ``inventory`` or ``disposals``.
        path: The file: xlsx, xls, ods, CSV/TSV, or an HTML or XML table.
        problems: Receives every problem.
        label: How problems name the file (default: the path).
        sheet: Read this worksheet only (hidden ones too).
    """
    # deferred: the command line's parent process reads nothing itself (``Reading``)
    from importers import sheets

    label = label or str(path)
    schema = forms.SCHEMAS[kind]
    found = sheets.read_sheets(path, problems, label)
    result = FileForms([], [], False)
    if not found:
        return result
    if sheet is not None:
        chosen = [s for s in found if s.name == sheet]
        if not chosen:
            names = "、".join(s.name for s in found if s.name) or "（无）"
            problems.append(
                Problem(
                    label, None, None, None, sheet, f"没有这个工作表；工作表有：{names}"
                )
            )
            return result
        found = chosen
    result.named = len(found) > 1
    for raw in found:
        if raw.hidden and sheet is None:
            # a hidden sheet is no part of the register its reader sees: never booked
            # unseen; ``--sheet`` imports it
            result.skipped.append(
                f"{raw.name}（隐藏的工作表；如需导入，请用 --sheet 指定）"
            )
            continue
        before = len(problems)
        layout = forms.read_layout(raw, schema, problems, label, result.named)
        if layout.header is not None:
            result.layouts.append(layout)
        elif len(problems) == before:
            why = "（汇总表：没有资产编号和资产名称列）" if layout.summary else ""
            result.skipped.append((raw.name or label) + why)
    if not result.layouts and not problems:
        problems.append(_no_register(label, schema, found))
    return result


def _no_register(label: str, schema: forms.Schema, found: list[Any]) -> Problem:
    required = "、".join(schema.names(f) for f in schema.fields if f in schema.required)
    listed = "、".join(s.name for s in found if s.name and not s.hidden)
    hidden = "、".join(s.name for s in found if s.hidden)
    where = f"（已查看的工作表：{listed}）" if listed else ""
    if hidden:
        where += f"（未读取隐藏的工作表：{hidden}；如需导入，请用 --sheet 指定）"
    return Problem(
        label,
        None,
        None,
        None,
        None,
        f"没有找到登记表的表头{where}：表头应有这些列：{required}；"
        "是空工作表，或不是资产清查登记表吗？",
    )


class Reading:
    """``read_forms(kind, path, ..., label=label, sheet=sheet)``, started now, its
    result later."""

    def __init__(
        self,
        kind: str,
        path: str | os.PathLike[str],
        *,
        label: str | None = None,
        sheet: str | None = None,
        fork: bool = True,
    ) -> None:
        self.kind = kind
        self.path = Path(path)
        self.label = label
        self.sheet = sheet
        self._child: tuple[int, int] | None = None  # (pid, the pipe's read end)
        if fork and hasattr(os, "fork"):
            self._child = self._start()

    def _read(self, problems: list[Problem]) -> FileForms:
        return read_forms(
            self.kind, self.path, problems, label=self.label, sheet=self.sheet
        )

    def _start(self) -> tuple[int, int] | None:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: read in line
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the child: read, send, and leave without running the parent's exit
            status = 1
            try:
                os.close(read_end)
                problems: list[Problem] = []
                found = self._read(problems)
                payload = pickle.dumps((found, problems), pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        return pid, read_end

    def result(self, problems: list[Problem]) -> FileForms:
        """The file's forms; the reading's problems are added to ``problems``."""
        child, self._child = self._child, None
        if child is not None:
            pid, read_end = child
            with os.fdopen(read_end, "rb") as pipe:
                payload = pipe.read()
            _, status = os.waitpid(pid, 0)
            if status == 0 and payload:
                found, theirs = pickle.loads(payload)  # from our own child: trusted
                problems.extend(theirs)
                return found
        return self._read(problems)
