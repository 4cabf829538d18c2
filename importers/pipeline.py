"""One import, from a file to ledger entries: the command line, beangulp and the 清理规范
page all run it.

``extract`` reads every sheet of the file (``importers.sheets``) and finds the form
around each register (``importers.forms``), which is the file's part
(``importers.reading``); then it types the data rows and checks the totals
(``importers.rows``) and converts them against the ledger (``importers.convert``),
filling a ``Report`` with what it read, per sheet and per office and category.
``run`` is ``liaison import``: it indexes the ledger (the command line reads the file in
a child process meanwhile), writes the new entries after the output's text to a
temporary file beside it and moves that into place only when the whole file imported
without a problem (``--dry-run``: never), then prints the report.

Sheets that hold no register (a cover, the notes) are named as skipped; ``sheet`` picks
one. A register without an office column takes its office from its fill line
(``填报单位``) or its group titles (``一、通城县人民政府驻武汉办事处``), matched against the
offices' names in the ledger, and is refused where that names none or several.

Writing the output is safe against a second import and against a kill:

* An import that writes holds an exclusive lock (``fcntl.flock``) on the output's folder
  from before the ledger index reads the output until the new file is in place, so two
  imports into one output (two terminals, the 清理规范 page and the command line) run one
  after the other, the second deduplicating against what the first wrote. The folder
  itself is locked, not a file in it: nothing is left beside the books, and the lock
  goes with the process however it ends; imports into other files of the same folder
  wait their turn too (an import holds it for seconds). The second import waits
  ``LOCK_TIMEOUT`` (60 s), then gives up (exit 2) with 另一个导入正在写入 <output>. (On
  Windows, where a folder cannot be locked, the lock is a file in the system's temporary
  folder named after the output's path.)
* The new text is written to ``.<output>.<pid>.tmp`` beside the output, flushed to disk
  (``fsync``), and moved over the output by ``os.replace``, an atomic rename: a killed
  import leaves the output exactly as it was or exactly as after, never cut short (the
  folder is synced too, on POSIX). Under the lock no other import writes that output, so
  every ``.<output>.*.tmp`` found then is a killed one's leftover, and is deleted. An
  import to stdout or a ``--dry-run`` keeps its text in an unnamed temporary file, which
  the system removes however the process ends.

What a file may hold is bounded by ``importers.limits`` (its size, rows, columns, cells,
text); at most ``MAX_LISTED`` (200) problems are printed, then how many more there are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO
from typing import Any

from beancount.core import data

from importers import convert
from importers import forms
from importers import rows as rows_lib
from importers.problems import Problem
from importers.problems import column_letter
from importers.reading import FileForms
from importers.reading import Reading
from importers.reading import read_forms
from plugins import model

EXIT_OK = 0
EXIT_BAD_INPUT = 2

LOCK_TIMEOUT = 60.0
"""Seconds an import waits while another writes the same output, before giving up."""
MAX_LISTED = 200
"""Problems printed at most; the rest are counted (``listed``)."""

CATEGORY_WORDS = {
    "Land": "土地",
    "Buildings": "房屋",
    "Vehicles": "车辆",
    "Equipment": "设备",
    "Enterprises": "企业",
    "Receivables": "债权",
    "Payables": "债务",
    "Cash": "资金",
    **convert.METHOD_WORDS,
}
"""How the summary names a category or method."""


@dataclasses.dataclass
class SheetReport:
    """What was read from one sheet."""

    name: str
    rows: int = 0
    unit: str = "元"
    office: str = ""
    """How the sheet's office was told, where there is no office column."""
    totals: list[str] = dataclasses.field(default_factory=list)
    unused: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Report:
    """What an import read and would book: the summary the accountant sees first."""

    file: str
    kind: str
    sheets: list[SheetReport] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)
    stats: convert.Stats = dataclasses.field(default_factory=convert.Stats)

    def lines(self, names: dict[str, str] | None = None) -> list[str]:
        """The summary, line by line, in Chinese."""
        out = []
        for sheet in self.sheets:
            where = f"工作表「{sheet.name}」" if sheet.name else "表格"
            unit = (
                f"金额单位：{sheet.unit}（已换算为元）"
                if sheet.unit != "元"
                else "金额单位：元"
            )
            office = f"；{sheet.office}" if sheet.office else ""
            out.append(f"  {where}：数据 {sheet.rows} 行，{unit}{office}")
            out.extend(f"    {line}" for line in sheet.totals)
            if sheet.unused:
                out.append(f"    未使用的列：{'、'.join(sheet.unused)}")
        if self.skipped:
            out.append(f"  跳过的工作表（没有登记表）：{'、'.join(self.skipped)}")
        groups = self.stats.groups
        if groups:
            out.append("  机构 / 类别：新增行数 新增金额（元）；账本中已有行数 金额（元）")
            for (office, kind), group in sorted(groups.items()):
                name = f" {names[office]}" if names and office in names else ""
                out.append(
                    f"    {office}{name} {CATEGORY_WORDS.get(kind, kind)}："
                    f"新增 {group.new} 行 {group.new_amount:,.2f}；"
                    f"已有 {group.skipped} 行 {group.skipped_amount:,.2f}"
                )
            new = sum((g.new_amount for g in groups.values()), Decimal(0))
            held = sum((g.skipped_amount for g in groups.values()), Decimal(0))
            out.append(f"    合计：新增 {new:,.2f}；已有 {held:,.2f}")
        return out


# --- Offices named on the form ----------------------------------------------------------

_STAMP = re.compile(r"[(（]?\s*(?:盖章|公章|签章)\s*[)）]?")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十百]+\s*[、.．]|[(（]\s*[一二三四五六七八九十]+\s*[)）]|\d+\s*[、.．])"
)
_SHORT = (("驻汉", "驻武汉"), ("驻京", "驻北京"), ("驻穗", "驻广州"), ("驻沪", "驻上海"))


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = _STAMP.sub("", text)
    text = re.sub(r"\s+", "", text).replace("人民政府", "")
    for short, full in _SHORT:
        text = text.replace(short, full)
    if text.endswith("办"):
        text += "事处"
    return text


def match_office(text: str, names: dict[str, str]) -> tuple[str | None, list[str]]:
    """The office a form's text names: ``(code, [])``, or ``(None, candidates)``.

    The text may be the code itself, the name as declared, or the name without 人民政府,
    shortened as offices write it (``通城县驻汉办``), or a part that names one office
    alone. Several candidates, or none, and it names no office.
    """
    text = _NUMBERING.sub("", text.strip())
    if text.strip().upper() in names:
        return text.strip().upper(), []
    wanted = _norm(text)
    if not wanted:
        return None, []
    exact = [code for code, name in names.items() if _norm(name) == wanted]
    if len(exact) == 1:
        return exact[0], []
    if exact:
        return None, exact
    near = [
        code
        for code, name in names.items()
        if wanted in _norm(name) or _norm(name) in wanted
    ]
    if len(near) == 1:
        return near[0], []
    return None, near


def _office_resolver(
    layout: forms.Layout,
    index: convert.LedgerIndex,
    problems: list[Problem],
    file: str,
    sheet: str | None,
    report: SheetReport,
) -> Callable[[forms.DataRow], str | None]:
    """The office of each row of a sheet without an office column, or one problem."""
    names = index.office_names if index.offices is not None else None
    header_row = layout.header[0] if layout.header else None

    def refuse(message: str, row: int | None) -> Callable[[forms.DataRow], str | None]:
        problems.append(Problem(file, row, None, None, None, message, sheet))
        return lambda data_row: None

    if names is None:
        return refuse(
            "没有机构代码列：要按填报单位确定机构，须用 --ledger 指定账本；"
            "或在表中加上机构代码（机构代码 列）",
            header_row,
        )
    groups: dict[str, str] = {}
    for _, title in layout.groups:
        code, _ = match_office(title, names)
        if code is not None:
            groups[title] = code
    fill_code = None
    if layout.office_text:
        fill_code, candidates = match_office(layout.office_text, names)
        if fill_code is None and not groups:
            if candidates:
                listed = "、".join(f"{c} {names[c]}" for c in candidates[:6])
                return refuse(
                    f"填报单位「{layout.office_text}」与账本中多个机构的名称相符（{listed}）；"
                    "请写明机构全称，或在表中加上机构代码列",
                    layout.office_row,
                )
            return refuse(
                f"填报单位「{layout.office_text}」与账本中任何机构的名称都不符；"
                "请写明账本中声明的机构名称，或在表中加上机构代码列",
                layout.office_row,
            )
    elif not groups:
        return refuse(
            "没有机构代码列，表格上方也没有填报单位：无法确定这些资产属于哪个机构；"
            "请加上机构代码列，或在表格上方写明“填报单位：机构名称”",
            header_row,
        )
    if fill_code is not None:
        report.office = f"机构由填报单位「{layout.office_text}」确定为 {fill_code}"
    if groups:
        told = "、".join(sorted(set(groups.values())))
        report.office = (report.office + "；" if report.office else "") + (
            f"分组标题确定的机构：{told}"
        )
    unplaced: set[str | None] = set()

    def office_of(data_row: forms.DataRow) -> str | None:
        code = groups.get(data_row.group or "", fill_code)
        if code is None and data_row.group not in unplaced:
            unplaced.add(data_row.group)
            problems.append(
                Problem(
                    file,
                    data_row.number,
                    None,
                    None,
                    data_row.group,
                    "无法确定本行属于哪个机构：所在分组的标题不是账本中的机构名称，"
                    "表格上方也没有可用的填报单位；请加上机构代码列",
                    sheet,
                )
            )
        return code

    return office_of


# --- Extracting -------------------------------------------------------------------------


def extract(
    kind: str,
    path: Path,
    index: convert.LedgerIndex,
    problems: list[Problem],
    *,
    label: str | None = None,
    sheet: str | None = None,
    default_date: datetime.date | None = None,
    keep_duplicates: bool = False,
    report: Report | None = None,
    progress: Callable[[float], None] | None = None,
    found: FileForms | None = None,
) -> Iterator[data.Directive]:
    """The entries an import file makes against ``index``; problems to ``problems``.

    Args:
        kind: ``inventory`` or ``disposals``.
        path: The file: xlsx, xls, ods, CSV/TSV, or an HTML or XML table.
        index: The ledger the entries are added to.
        problems: Receives every problem; the caller writes nothing if there is any.
        label: How problems name the file (default: the path).
        sheet: Read this worksheet only.
        default_date: The booking date of register rows without 登记日期.
        keep_duplicates: Also yield, marked ``__duplicate__``, what the ledger holds.
        report: Receives what was read, per sheet, office and category.
        progress: Called now and then with the fraction of the data rows done.
        found: The file's forms, already read (``importers.reading``); else read here.
    """
    label = label or str(path)
    report = report if report is not None else Report(label, kind)
    typed = read_rows(
        kind,
        path,
        index,
        problems,
        label=label,
        sheet=sheet,
        report=report,
        progress=progress,
        found=found,
    )
    common: dict[str, Any] = {
        "filename": label,
        "stats": report.stats,
        "keep_duplicates": keep_duplicates,
    }
    if kind == "inventory":
        yield from convert.inventory_entries(
            typed, index, problems, default_date=default_date, **common
        )
    else:
        yield from convert.disposal_entries(typed, index, problems, **common)


def read_rows(
    kind: str,
    path: Path,
    index: convert.LedgerIndex,
    problems: list[Problem],
    *,
    label: str | None = None,
    sheet: str | None = None,
    report: Report | None = None,
    progress: Callable[[float], None] | None = None,
    found: FileForms | None = None,
) -> Iterator[tuple[rows_lib.Where, Any]]:
    """The typed rows of every register in the file, before any ledger entry is made.

    Arguments as ``extract``'s; the ledger (``index``) gives the offices' names.
    """
    label = label or str(path)
    report = report if report is not None else Report(label, kind)
    if found is None:
        found = read_forms(kind, path, problems, label=label, sheet=sheet)
    report.skipped.extend(found.skipped)
    if found.layouts:
        schema = forms.SCHEMAS[kind]
        yield from _typed(
            found.layouts, schema, index, problems, label, found.named, report, progress
        )


def _typed(
    layouts: list[forms.Layout],
    schema: forms.Schema,
    index: convert.LedgerIndex,
    problems: list[Problem],
    label: str,
    named: bool,
    report: Report,
    progress: Callable[[float], None] | None,
) -> Iterator[tuple[rows_lib.Where, Any]]:
    ids: dict[str, rows_lib.Where] = {}
    total = sum(len(layout.data) for layout in layouts) or 1
    done = 0
    for layout in layouts:
        sheet = layout.sheet.name if named else None
        sheet_report = SheetReport(layout.sheet.name if named else "")
        report.sheets.append(sheet_report)
        sheet_report.rows = len(layout.data)
        units = {c.unit for c in layout.columns.values() if c.unit}
        sheet_report.unit = "、".join(sorted(units)) if units else "元"
        sheet_report.unused = [f"{w}（{column_letter(i)} 列）" for i, w in layout.unused]
        office_of = None
        if "office" in schema.fields and "office" not in layout.columns:
            office_of = _office_resolver(
                layout, index, problems, label, sheet, sheet_report
            )
        before = len(problems)
        for item in rows_lib.typed_rows(
            layout,
            schema,
            problems,
            file=label,
            sheet=sheet,
            ids=ids,
            office_of=office_of,
        ):
            done += 1
            if progress is not None and done % 2048 == 0:
                progress(done / total)
            yield item
        judged = len(problems) == before
        for t in layout.totals:
            rows = rows_lib.rows_closed(t.closes)
            verdict = "与" + rows + "之和相符" if judged else "未核对（表中有问题）"
            sheet_report.totals.append(f"第 {t.row} 行{t.word}：{verdict}")


# --- The command ------------------------------------------------------------------------


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


PROGRESS_FROM = 1 << 20
"""Files at least this large show a progress bar (when stderr is a terminal)."""


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


class Unusable(Exception):
    """The ledger or the output cannot be used at all."""


def _ledger_entries(
    ledger: Path, stderr: IO[str]
) -> tuple[list[Any], set[str], model.Books | None]:
    """The ledger's entries, the files it includes (absolute paths), and the books the
    rules' plugin read in the load, where it ran once (else None: read them again)."""
    if not ledger.is_file():
        raise Unusable(f"{ledger}：账本文件不存在")
    from beancount import loader

    from plugins import engine
    from plugins.catalogue import PolicyViolation

    with engine.plugin_runs() as runs:  # one reading of the books: see plugin_runs
        entries, errors, options = loader.load_file(str(ledger))
    own = [e for e in errors if not isinstance(e, PolicyViolation)]
    if own:
        print(
            f"liaison import: 提醒：账本 {ledger} 有 {len(own)} 个 Beancount 错误"
            f"（`liaison check {ledger}` 可列出）；只对照已载入的内容检查",
            file=stderr,
        )
    included = {os.path.realpath(f) for f in options.get("include") or ()}
    # the plugin's books, where they are the whole books: a plugin judging at an as-of
    # date before the ledger's last entries read the books only up to it
    books = runs[0].books if len(runs) == 1 and not runs[0].books.later else None
    return entries, included, books


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

    Parsed and indexed with the garbage collector paused (``reader.no_gc``). Where the
    ledger declares the rules' plugin, the books it read in the load are the index's:
    the books are read once.
    """
    from plugins import reader

    with reader.no_gc():
        entries: list[Any] = []
        included: set[str] = set()
        books = None
        if ledger is not None:
            entries, included, books = _ledger_entries(ledger, stderr)
        if output is not None:
            outside = _output_entries(output, included)
            if outside:  # the books the plugin read lack them: read again, with them
                entries, books = entries + outside, None
        if ledger is None and not entries:
            return convert.LedgerIndex.empty()
        index = convert.LedgerIndex.from_entries(
            entries, check_offices=ledger is not None, books=books
        )
        index.files = included
        return index


def run(
    kind: str,
    path: Path,
    *,
    ledger: Path | None = None,
    output: Path | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    default_date: datetime.date | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    label: str | None = None,
    report: Report | None = None,
    problems: list[Problem] | None = None,
    reading: Reading | None = None,
) -> int:
    """Import one file; the exit status (0 done, 2 bad input or unusable ledger).

    Args:
        kind: ``inventory`` or ``disposals``.
        path: The file to import.
        ledger: The books the entries are added to (offices, ids, balances).
        output: Append the new entries to this file (created if missing); else stdout.
        sheet: Import this worksheet only.
        dry_run: Print what would be booked and write nothing.
        default_date: The booking date of register rows without 登记日期.
        stdout, stderr: Where the entries (without ``output``) and messages go.
        label: How messages name the file (an upload's own name, not its temporary path).
        report: Receives what was read (the summary), for callers that show it otherwise.
        problems: Receives every problem, for callers that show them otherwise.
        reading: The file's reading, already started (``importers.reading``).
    """
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    label = label or str(path)
    name = f"liaison import {kind}"
    report = report if report is not None else Report(label, kind)
    problems = problems if problems is not None else []
    # a server forks no child: see importers.reading
    reading = reading or Reading(kind, path, label=label, sheet=sheet, fork=False)
    target = Path(os.path.realpath(output)) if output is not None else None
    writing = target is not None and not dry_run
    with contextlib.ExitStack() as held:
        try:
            if output is not None and output.exists() and not output.is_file():
                raise Unusable(f"{output} 不是文件，无法写入")
            if writing:
                assert target is not None
                # before the index reads the output: what it holds then is what the
                # new entries are appended to, and deduplicated against
                try:
                    held.enter_context(_locked(target))
                except OSError as exc:
                    raise Unusable(f"无法在 {output} 所在的文件夹中写入：{exc}") from exc
            index = build_index(ledger, output, stderr)
        except Unusable as exc:
            print(f"{name}: {exc}", file=stderr)
            return EXIT_BAD_INPUT
        except Busy:
            print(f"{name}: 另一个导入正在写入 {output}；请稍后再试", file=stderr)
            return EXIT_BAD_INPUT
        finally:
            found = reading.result(problems)
        return _write(
            name,
            kind,
            path,
            index,
            problems,
            target if writing else None,
            output,
            stdout=stdout,
            stderr=stderr,
            label=label,
            sheet=sheet,
            dry_run=dry_run,
            default_date=default_date,
            report=report,
            found=found,
        )


def _write(
    name: str,
    kind: str,
    path: Path,
    index: convert.LedgerIndex,
    problems: list[Problem],
    target: Path | None,
    output: Path | None,
    *,
    stdout: IO[str],
    stderr: IO[str],
    label: str,
    sheet: str | None,
    dry_run: bool,
    default_date: datetime.date | None,
    report: Report,
    found: FileForms,
) -> int:
    """The import's entries after the output's text (``target``, the output's real path,
    under the lock), or to ``stdout``; the report; the exit status."""
    progress = progress_for(path, stderr)
    try:
        tmp = _temporary(target)
    except OSError as exc:
        print(f"{name}: 无法在 {output} 所在的文件夹中写入：{exc}", file=stderr)
        return EXIT_BAD_INPUT
    from plugins import reader

    try:
        with reader.no_gc():  # rows and entries make no cycles: see no_gc
            if target is not None and target.is_file():
                _copy_existing(target, tmp)
            tmp.write(f"\n; {name} {path.name}\n")
            entries = extract(
                kind,
                path,
                index,
                problems,
                label=label,
                sheet=sheet,
                default_date=default_date,
                report=report,
                progress=progress,
                found=found,
            )
            write_entries(tmp, entries)
        if progress is not None:
            progress.done()
        if problems:
            _report_problems(name, label, problems, stderr)
            return EXIT_BAD_INPUT
        counted = report.stats
        print(f"{name}: {label}", file=stderr)
        for line in report.lines(index.office_names):
            print(line, file=stderr)
        summary = (
            f"{label} 共 {counted.rows} 行：新增 {counted.new} 行，"
            f"账本中已有 {counted.skipped} 行"
        )
        if dry_run:
            print(f"{name}: {summary}；试算（--dry-run），未写入任何文件", file=stderr)
            return EXIT_OK
        if counted.new == 0:
            print(f"{name}: {summary}；没有需要追加的内容", file=stderr)
            return EXIT_OK
        if target is None:
            tmp.seek(0)
            tmp.readline()  # the blank line before the comment
            shutil.copyfileobj(tmp, stdout)
            print(f"{name}: {summary}", file=stderr)
        else:
            _install(tmp, target)
            print(
                f"{name}: {summary}；已向 {output} 追加 {counted.entries} 条记录",
                file=stderr,
            )
            if index.files is not None and str(target) not in index.files:
                print(
                    f"{name}: 提醒：账本没有 include {output}，导入的条目还不在账本中；"
                    f'请在账本主文件中加上 include "{output}"（按相对于主文件的路径写）',
                    file=stderr,
                )
        return EXIT_OK
    except OSError as exc:
        print(f"{name}: {exc}", file=stderr)
        return EXIT_BAD_INPUT
    finally:
        tmp.close()
        if target is not None and os.path.exists(tmp.name):
            os.unlink(tmp.name)


class Busy(Exception):
    """Another import holds the output's lock, past ``LOCK_TIMEOUT``."""


def _leftover(target: Path) -> re.Pattern[str]:
    """The temporary files of imports into ``target``: ``.<name>.<pid>.tmp``, and
    ``.<name>.<8 characters>.tmp`` as earlier versions named them."""
    return re.compile(rf"\.{re.escape(target.name)}\.(?:\d+|[a-z0-9_]{{8}})\.tmp")


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold the output's lock (``Busy`` after ``LOCK_TIMEOUT``); delete what killed
    imports left beside it."""
    folder = target.parent
    if not folder.is_dir():
        raise OSError(f"{folder}：文件夹不存在")
    handle = _lock_handle(target)
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise Busy
            time.sleep(0.05)
        leftover = _leftover(target)
        with os.scandir(folder) as found:
            for entry in found:
                if leftover.fullmatch(entry.name):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
        yield
    finally:
        os.close(handle)  # which releases the lock


def _lock_handle(target: Path) -> int:
    """What is locked: the output's folder, opened to read (POSIX); on Windows a file in
    the temporary folder, named after the output's path."""
    if sys.platform == "win32":
        import hashlib

        digest = hashlib.sha1(str(target).lower().encode("utf-8")).hexdigest()[:16]
        lock = Path(tempfile.gettempdir()) / f"liaison-import-{digest}.lock"
        return os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    return os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)


def _try_lock(handle: int) -> bool:
    """Take the exclusive lock without waiting; whether it was free.

    ``flock`` locks belong to the open file, not the process: two threads of one Fava,
    each opening the folder, exclude each other as two processes do.
    """
    if sys.platform == "win32":  # no flock: a lock on the file's first byte
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


BATCH = 1024
"""Entries rendered before one write: a write per entry costs more than rendering it."""


def write_entries(out: IO[str], entries: Iterable[Any]) -> None:
    """Each entry after a blank line, written a batch at a time."""
    render = convert.render
    batch: list[str] = [""]  # joined with newlines: a blank line before every entry
    for entry in entries:
        batch.append(render(entry))
        if len(batch) > BATCH:
            out.write("\n".join(batch))
            batch = [""]
    if len(batch) > 1:
        out.write("\n".join(batch))


def _temporary(target: Path | None) -> IO[str]:
    """``.<output>.<pid>.tmp`` beside the output; without one, an unnamed file, which
    the system removes however the process ends."""
    if target is None:
        return tempfile.TemporaryFile("w+", encoding="utf-8")
    name = target.parent / f".{target.name}.{os.getpid()}.tmp"
    return open(name, "x", encoding="utf-8")  # "x": created here, or an error


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


def _install(tmp: IO[str], target: Path) -> None:
    """Move the finished file into place, with the mode the output had (or would have).

    On disk before it is renamed (``fsync``), so that a crash cannot leave an output cut
    short; the rename is atomic, and the folder is synced after it (POSIX).
    """
    if target.exists():
        mode = target.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp.flush()
    os.chmod(tmp.name, mode)
    os.fsync(tmp.fileno())
    tmp.close()
    os.replace(tmp.name, target)
    if sys.platform != "win32":  # a folder cannot be opened to be synced there
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def listed(lines: list[str]) -> list[str]:
    """At most ``MAX_LISTED`` lines, and then how many more there are."""
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], f"……另有 {len(lines) - MAX_LISTED} 个问题未列出"]


def _report_problems(
    name: str, label: str, problems: list[Problem], stderr: IO[str]
) -> None:
    sheets: dict[str | None, int] = {}
    for problem in problems:
        sheets.setdefault(problem.sheet, len(sheets))
    ordered = sorted(problems, key=lambda p: (sheets[p.sheet], p.row or 0))
    for problem in ordered[:MAX_LISTED]:
        print(problem, file=stderr)
    if len(ordered) > MAX_LISTED:
        print(f"……另有 {len(ordered) - MAX_LISTED} 个问题未列出", file=stderr)
    print(f"{name}: {label} 中有 {len(problems)} 个问题；未写入任何文件", file=stderr)
