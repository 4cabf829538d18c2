"""``liaison import inventory|disposals`` (SPEC section 6).

::

    liaison import inventory FILE [--ledger LEDGER] [--output FILE] [--date DATE]
    liaison import disposals FILE --ledger LEDGER [--output FILE]

The new entries are appended to ``--output`` (created if missing) or printed to stdout.
Whatever the ledger already holds is skipped; when ``--output`` exists and the ledger
does not include it, its entries count as held too, so running the same import twice
adds nothing either way. Every problem in the file is reported in one run, each naming
file, row, column and value; then the exit status is 2 and no file is touched: the
output is written to a temporary file beside it and moved into place (``os.replace``)
only when the whole import succeeded.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO
from typing import Any
from typing import cast

from importers import convert
from importers import rows as rows_lib
from plugins import model

EXIT_OK = 0
EXIT_BAD_INPUT = 2

PROGRESS_FROM = 1 << 20
"""Files at least this large show a progress bar (when stderr is a terminal)."""


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"日期应写作 2015-07-25 这样的格式：{text!r}"
        ) from exc


def register(sub: Any) -> None:
    """Add the ``import`` command to the ``liaison`` parser."""
    parser = sub.add_parser(
        "import",
        help="import inventory registers or disposal results (xlsx, CSV)",
        description="Turn an inventory register (资产清查登记表) or a disposal result "
        "file into ledger entries (SPEC sections 5 and 6).",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)

    inventory = kinds.add_parser(
        "inventory",
        help="asset registers: one asset, claim or debt a row",
        description="Each row becomes an `open` with the asset's metadata and an opening "
        "transaction against Equity:Office:<OFFICE>:NetAssets.",
    )
    inventory.add_argument(
        "file", type=Path, metavar="FILE", help="xlsx or CSV (UTF-8/GBK)"
    )
    inventory.add_argument(
        "--ledger",
        type=Path,
        metavar="LEDGER",
        help="check offices and asset ids against this ledger (else rows are not "
        "checked against any ledger)",
    )
    inventory.add_argument(
        "--output", type=Path, metavar="FILE", help="append to this file (else stdout)"
    )
    inventory.add_argument(
        "--date",
        type=_iso_date,
        metavar="DATE",
        help="booking date of rows without 登记日期 (default: the office's registration "
        "date in the ledger)",
    )
    inventory.set_defaults(func=cmd_import)

    disposals = kinds.add_parser(
        "disposals",
        help="auction, sale and transfer results",
        description="Each row becomes a disposal transaction in the 政府会计制度 form.",
    )
    disposals.add_argument(
        "file", type=Path, metavar="FILE", help="xlsx or CSV (UTF-8/GBK)"
    )
    disposals.add_argument(
        "--ledger",
        type=Path,
        metavar="LEDGER",
        required=True,
        help="the ledger holding the assets (their carrying amounts come from it)",
    )
    disposals.add_argument(
        "--output", type=Path, metavar="FILE", help="append to this file (else stdout)"
    )
    disposals.set_defaults(func=cmd_import, date=None)


# --- Progress --------------------------------------------------------------------------


class Progress:
    """A one-line bar on a terminal: ``reg.csv  42% [########............]``."""

    def __init__(self, stream: IO[str], label: str) -> None:
        self.stream = stream
        self.label = label
        self.shown = -1

    def __call__(self, fraction: float) -> None:
        percent = max(0, min(100, int(fraction * 100)))
        if percent == self.shown:
            return
        self.shown = percent
        filled = percent // 5
        self.stream.write(
            f"\r{self.label} {percent:3d}% [{'#' * filled}{'.' * (20 - filled)}]"
        )
        self.stream.flush()

    def done(self) -> None:
        if self.shown >= 0:
            self(1.0)
            self.stream.write("\n")
            self.stream.flush()


def progress_for(path: Path, stream: IO[str]) -> Progress | None:
    """A progress bar for a large file when ``stream`` is a terminal; else None."""
    try:
        large = path.stat().st_size >= PROGRESS_FROM
    except OSError:
        return None
    isatty = getattr(stream, "isatty", None)
    if large and isatty is not None and isatty():
        return Progress(stream, path.name)
    return None


# --- The ledger ------------------------------------------------------------------------


class Unusable(Exception):
    """The ledger or the output cannot be used at all."""


def _ledger_entries(ledger: Path, stderr: IO[str]) -> tuple[list[Any], set[str]]:
    """The ledger's entries and the files it includes (absolute paths)."""
    if not ledger.is_file():
        raise Unusable(f"{ledger}：账本文件不存在")
    from beancount import loader

    from plugins.rules import PolicyViolation

    entries, errors, options = loader.load_file(str(ledger))
    own = [e for e in errors if not isinstance(e, PolicyViolation)]
    if own:
        print(
            f"liaison import: warning: 账本 {ledger} 有 {len(own)} 个 Beancount 错误"
            f"（`liaison check {ledger}` 可列出）；只对照已载入的内容检查",
            file=stderr,
        )
    included = {os.path.realpath(f) for f in options.get("include") or ()}
    return entries, included


def _output_entries(output: Path, included: set[str]) -> list[Any]:
    """The entries of an existing output file that the ledger does not include."""
    if not output.is_file() or os.path.realpath(output) in included:
        return []
    from beancount.parser import parser

    entries, _, _ = parser.parse_file(str(output))
    return entries


def build_index(
    ledger: Path | None, output: Path | None, stderr: IO[str]
) -> convert.LedgerIndex:
    """What the import checks against: the ledger, and the output where it is not in it.

    Parsed and indexed with the garbage collector paused (``model.no_gc``).
    """
    with model.no_gc():
        return _build_index(ledger, output, stderr)


def _build_index(
    ledger: Path | None, output: Path | None, stderr: IO[str]
) -> convert.LedgerIndex:
    entries: list[Any] = []
    included: set[str] = set()
    if ledger is not None:
        entries, included = _ledger_entries(ledger, stderr)
    if output is not None:
        entries = entries + _output_entries(output, included)
    if ledger is None and not entries:
        return convert.LedgerIndex.empty()
    return convert.LedgerIndex.from_entries(entries, check_offices=ledger is not None)


# --- The command -----------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    return run(
        args.kind,
        args.file,
        ledger=args.ledger,
        output=args.output,
        default_date=args.date,
    )


def run(
    kind: str,
    path: Path,
    *,
    ledger: Path | None = None,
    output: Path | None = None,
    default_date: datetime.date | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    stats: convert.Stats | None = None,
) -> int:
    """Import one file; the exit status (0 done, 2 bad input or unusable ledger).

    ``stats``, given, receives the counts of a successful import (what the summary line
    on ``stderr`` says), for callers that show them otherwise (the Fava page).
    """
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    name = f"liaison import {kind}"
    try:
        index = build_index(ledger, output, stderr)
    except Unusable as exc:
        print(f"{name}: {exc}", file=stderr)
        return EXIT_BAD_INPUT
    if output is not None and output.exists() and not output.is_file():
        print(f"{name}: {output} 不是文件，无法写入", file=stderr)
        return EXIT_BAD_INPUT

    problems: list[rows_lib.Problem] = []
    progress = progress_for(path, stderr)
    try:
        tmp = _temporary(output)
    except OSError as exc:
        print(f"{name}: 无法在 {output} 所在的文件夹中写入：{exc}", file=stderr)
        return EXIT_BAD_INPUT
    try:
        with tmp:
            if output is not None and output.is_file():
                _copy_existing(output, tmp)
            tmp.write(f"\n; {name} {path.name}\n")
            counted = convert_file(
                tmp,
                kind,
                path,
                index,
                problems,
                default_date=default_date,
                progress=progress,
            )
        if progress is not None:
            progress.done()
        if problems:
            _report(name, path, problems, stderr)
            return EXIT_BAD_INPUT
        if stats is not None:
            stats.rows, stats.new = counted.rows, counted.new
            stats.skipped, stats.entries = counted.skipped, counted.entries
        summary = (
            f"{path} 共 {counted.rows} 行：新增 {counted.new} 行，"
            f"账本中已有 {counted.skipped} 行"
        )
        if counted.new == 0:
            print(f"{name}: {summary}；没有需要追加的内容", file=stderr)
            return EXIT_OK
        if output is None:
            with open(tmp.name, encoding="utf-8") as handle:
                handle.readline()  # the blank line before the comment
                shutil.copyfileobj(handle, stdout)
            print(f"{name}: {summary}", file=stderr)
        else:
            _install(tmp.name, output)
            print(
                f"{name}: {summary}；已向 {output} 追加 {counted.entries} 条记录",
                file=stderr,
            )
        return EXIT_OK
    except OSError as exc:
        print(f"{name}: {exc}", file=stderr)
        return EXIT_BAD_INPUT
    finally:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)


COLUMNAR_FROM = 1 << 16
"""CSV registers at least this large are tried on the columnar path; smaller ones are
quick on the exact path, and Arrow costs its import."""


def columnar_suits(path: Path) -> bool:
    """Whether to try the columnar path: a CSV file (by content and name) of some size."""
    try:
        large = path.is_file() and path.stat().st_size >= COLUMNAR_FROM
    except OSError:
        return False
    return (
        large
        and path.suffix.lower() not in (".xlsx", ".xlsm")
        and rows_lib.sniff(path) == "text"
    )


def convert_file(
    out: io.TextIOWrapper,
    kind: str,
    path: Path,
    index: convert.LedgerIndex,
    problems: list[rows_lib.Problem],
    *,
    default_date: datetime.date | None = None,
    progress: Progress | None = None,
) -> convert.Stats:
    """Write an import file's new entries to ``out``; problems go to ``problems``.

    A large CSV register is tried on the columnar path first (``importers.columnar``);
    when it declines, what it wrote is cut off and the exact path runs from the start.
    ``out`` is a text file with a seekable ``buffer``, which the columnar path writes.
    """
    stats = convert.Stats()
    if kind == "inventory" and columnar_suits(path):
        from importers import columnar  # deferred: Arrow is for large CSV files only

        out.flush()
        raw = cast(IO[bytes], out.buffer)
        start = raw.tell()
        if columnar.import_inventory(
            path,
            index,
            raw,
            stats=stats,
            default_date=default_date,
            progress=progress,
            label=str(path),
        ):
            return stats
        raw.seek(start)
        raw.truncate()
    return convert_exact(
        out, kind, path, index, problems, default_date=default_date, progress=progress
    )


def convert_exact(
    out: IO[str],
    kind: str,
    path: Path,
    index: convert.LedgerIndex,
    problems: list[rows_lib.Problem],
    *,
    default_date: datetime.date | None = None,
    progress: Progress | None = None,
) -> convert.Stats:
    """The exact path: every file, every problem, a row at a time in Python."""
    stats = convert.Stats()
    table = rows_lib.open_table(path, problems, progress, str(path))
    typed = rows_lib.typed_rows(table, rows_lib.SCHEMAS[kind])
    common: dict[str, Any] = {
        "filename": str(path),
        "columns": table.columns,
        "file_ids": table.ids,
        "stats": stats,
    }
    if kind == "inventory":
        entries = convert.inventory_entries(
            typed, index, problems, default_date=default_date, **common
        )
    else:
        entries = convert.disposal_entries(typed, index, problems, **common)
    _write_entries(out, entries)
    return stats


BATCH = 1024
"""Entries rendered before one write: a write per entry costs more than rendering it."""


def _write_entries(tmp: IO[str], entries: Iterable[Any]) -> None:
    """Each entry after a blank line, written a batch at a time."""
    render = convert.render
    batch: list[str] = [""]  # joined with newlines: a blank line before every entry
    for entry in entries:
        batch.append(render(entry))
        if len(batch) > BATCH:
            tmp.write("\n".join(batch))
            batch = [""]
    if len(batch) > 1:
        tmp.write("\n".join(batch))


def _temporary(output: Path | None) -> Any:
    folder = output.resolve().parent if output is not None else None
    if folder is not None and not folder.is_dir():
        raise OSError(f"{folder}：文件夹不存在")
    return tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        dir=folder,
        prefix=f".{output.name}." if output is not None else "liaison-import.",
        suffix=".tmp",
        delete=False,
    )


def _copy_existing(output: Path, tmp: IO[str]) -> None:
    with open(output, encoding="utf-8", newline="") as handle:
        last = ""
        while True:
            block = handle.read(1 << 20)
            if not block:
                break
            tmp.write(block)
            last = block[-1]
    if last and last != "\n":
        tmp.write("\n")


def _install(tmp_name: str, output: Path) -> None:
    """Move the finished file into place, with the mode the output had (or would have)."""
    if output.exists():
        mode = output.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp_name, mode)
    os.replace(tmp_name, output)


def _report(
    name: str, path: Path, problems: list[rows_lib.Problem], stderr: IO[str]
) -> None:
    ordered = sorted(problems, key=lambda p: p.row or 0)
    for problem in ordered:
        print(problem, file=stderr)
    print(
        f"{name}: {path} 中有 {len(problems)} 个问题；未写入任何文件",
        file=stderr,
    )
