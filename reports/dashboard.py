"""清理规范 — the Fava extension of SPEC section 6: one page for the finance bureau.

Write in the ledger::

    2010-01-01 custom "fava-extension" "reports.dashboard"

or, to send uploaded inventory registers into another file than the main ledger (a path
relative to the main ledger's folder)::

    2010-01-01 custom "fava-extension" "reports.dashboard" "{'import-into': 'reg.bean'}"

The page (``/<slug>/extension/Dashboard/``, "清理规范" in the sidebar) shows, at the
as-of date:

- every program's phases on a timeline with a marker at the as-of date, and its
  deadlines (ban-from, register-by, decide-by, dispose-by, delink-by) with days left or
  past;
- every office: dispatcher, level and kind, what the program requires, the decision and
  its date, the registration, physical assets at the start / disposed / left (count and
  value) with a progress bar, Cash and 应缴财政款 still held, its violations;
- the violations grouped by rule (code, name, clause, count, the catalogue's
  explanation as ``liaison explain`` prints it: in Chinese, the English beneath it) and
  then by office, each linked to its entry in Fava's editor;
- a form to upload an inventory register (xlsx or CSV): ``import_register`` runs
  ``liaison import inventory`` on it against the ledger and appends the new entries to
  the target file. Fava's own Import page cannot do this: it saves only transactions,
  balances and notes, never the ``open`` directives a register is made of.

The as-of date is the ledger's ``plugin "plugins.rules"`` config's ``as-of``, else
today; ``?as_of=YYYY-MM-DD`` on the page's address overrides it. The rules run as the
plugin runs them in Fava (the config's ``disable`` and ``only`` are honoured, so the page
agrees with Fava's Errors page; ``liaison check`` runs every rule). The page ignores
Fava's time, account and filter selection: the program is judged on the whole ledger.

Everything the page shows is computed by :func:`build_page`, a pure function of the
loaded entries (the figures come from ``reports.builders``); only :class:`Dashboard`
reads Flask's request and Fava's ledger. Pages are cached per load of the ledger and
as-of date.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import io
import os
import re
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from fava.ext import FavaExtensionBase
from fava.ext import extension_endpoint
from markupsafe import Markup

from plugins import engine
from plugins import model
from plugins import policy
from plugins.rules import RULES
from plugins.rules import PolicyViolation
from reports import builders

ZERO = Decimal(0)

DEADLINES = (
    ("ban_from", "禁止新设机构"),
    ("register_by", "核实登记截止"),
    ("decide_by", "撤并决定截止"),
    ("dispose_by", "资产处置截止"),
    ("delink_by", "企业脱钩截止"),
)

AS_OF_SOURCES = {
    "request": "页面指定",
    "config": "账本 plugin 设置 as-of",
    "today": "今天",
}

CONFIG_KEYS = frozenset({"import-into"})


# --- the page's contents (pure) ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PhaseView:
    """A phase of a program, placed on its timeline (``left`` and ``width`` in %)."""

    name: str
    start: datetime.date
    end: datetime.date
    state: str
    progress: str
    left: float
    width: float
    current: bool
    done: bool
    lane: int = 0  # 0 the main row; overlapping shorter phases go to rows below


@dataclasses.dataclass(frozen=True)
class Deadline:
    """A program's deadline and how far the as-of date is from it."""

    label: str
    key: str
    date: datetime.date
    days: int  # as-of minus the deadline: > 0 passed, < 0 still to come
    position: float

    @property
    def passed(self) -> bool:
        return self.days > 0

    @property
    def state(self) -> str:
        if self.days > 0:
            return f"已过 {self.days} 天"
        if self.days == 0:
            return "当日截止"
        return f"还有 {-self.days} 天"


@dataclasses.dataclass(frozen=True)
class ProgramView:
    code: str
    title: str
    document: str
    preset: str
    start: datetime.date
    end: datetime.date
    phases: tuple[PhaseView, ...]
    deadlines: tuple[Deadline, ...]
    marker: float  # the as-of date on the timeline, in %
    marker_outside: str  # "" on the timeline, else "before" or "after"
    ticks: tuple[tuple[float, str], ...]

    @property
    def lanes(self) -> int:
        return 1 + max((p.lane for p in self.phases), default=0)


@dataclasses.dataclass(frozen=True)
class OfficeRow:
    """One office's row: figures of the progress report plus its status."""

    government: str
    office: str
    name: str
    level: str
    required: str
    decision: str
    decision_date: datetime.date | None
    approval: str
    registered: datetime.date | None
    start_count: int
    start_value: Decimal
    disposed_count: int
    disposed_value: Decimal
    left_count: int
    left_value: Decimal
    cash: Decimal
    due: Decimal
    violation_count: int
    violations: str
    status: str
    tone: str  # "done", "busy", "kept", "late": the colour of the status
    abolished: bool
    account: str = ""  # the office's account to link to in Fava, if it has one

    @property
    def percent(self) -> float | None:
        """Share of the value disposed of, in % (None without physical assets)."""
        if not self.start_value:
            return None
        return float(self.disposed_value / self.start_value * 100)

    @property
    def percent_text(self) -> str:
        return builders._percent_text(self.disposed_value, self.start_value)


@dataclasses.dataclass(frozen=True)
class Item:
    """One violation, where it is."""

    code: str
    office: str
    date: datetime.date | None
    message: str
    filename: str
    lineno: int | None

    @property
    def where(self) -> str:
        if not self.filename:
            return ""
        base = os.path.basename(self.filename)
        return f"{base}:{self.lineno}" if self.lineno else base

    @property
    def linkable(self) -> bool:
        return bool(self.filename) and os.path.isabs(self.filename)


@dataclasses.dataclass(frozen=True)
class OfficeGroup:
    office: str
    name: str
    items: tuple[Item, ...]


@dataclasses.dataclass(frozen=True)
class RuleGroup:
    code: str
    name: str
    clause: str
    title: str
    explanation: str
    explanation_zh: str
    count: int
    offices: tuple[OfficeGroup, ...]
    quotes: tuple[policy.Clause, ...] = ()
    """The words of the policy clauses the rule cites (``policy.quoted``)."""
    quote_note: str | None = None


@dataclasses.dataclass(frozen=True)
class Page:
    """Everything the dashboard shows."""

    as_of: datetime.date
    as_of_source: str
    title: str
    subtitle: str
    programs: tuple[ProgramView, ...]
    offices: tuple[OfficeRow, ...]
    total: OfficeRow | None
    rules: tuple[RuleGroup, ...]
    violation_count: int
    beancount_errors: int
    disabled: tuple[str, ...]
    only: tuple[str, ...]

    @property
    def must_abolish(self) -> int:
        return sum(1 for r in self.offices if r.required == builders.CLASS_ZH["abolish"])

    @property
    def abolished(self) -> tuple[OfficeRow, ...]:
        return tuple(r for r in self.offices if r.abolished)

    @property
    def disposal_percent(self) -> float | None:
        """The abolished offices' physical assets disposed of, by value, in %."""
        start = sum((r.start_value for r in self.abolished), ZERO)
        if not start:
            return None
        return float(sum((r.disposed_value for r in self.abolished), ZERO) / start * 100)

    @property
    def abolished_left(self) -> tuple[int, Decimal, Decimal]:
        """Assets left at abolished offices: count, value, and money held or owed."""
        rows = self.abolished
        return (
            sum(r.left_count for r in rows),
            sum((r.left_value for r in rows), ZERO),
            sum((r.cash + r.due for r in rows), ZERO),
        )


def build_page(
    entries: Sequence[Any],
    options: Mapping[str, Any],
    *,
    as_of: datetime.date | None = None,
    beancount_errors: int = 0,
) -> Page:
    """The dashboard of a loaded ledger at ``as_of`` (else its plugin config's, else today).

    Args:
        entries: The loaded entries (Fava's ``all_entries``).
        options: Beancount's options map.
        as_of: The as-of date asked for, overriding the ledger's config.
        beancount_errors: How many of the load's errors are not rule violations.
    """
    config = engine.Config.parse(engine.plugin_config(options))
    books, violations = engine.run(list(entries), dict(options), config, as_of=as_of)
    if as_of is not None:
        source = "request"
    elif config.as_of is not None:
        source = "config"
    else:
        source = "today"
    progress = builders.build_progress(books, violations)
    offices = tuple(office_rows(books, progress.main.frame.to_dict("records")))
    timelines = [c for c in progress.charts if isinstance(c, builders.Timeline)]
    programs = tuple(
        program_view(program, timeline.phases, books.as_of)
        for program, timeline in zip(books.programs.values(), timelines, strict=True)
    )
    return Page(
        as_of=books.as_of,
        as_of_source=AS_OF_SOURCES[source],
        title=options.get("title") or "",
        subtitle=builders.program_note(books),
        programs=programs,
        offices=offices,
        total=total_row(offices) if offices else None,
        rules=tuple(group_violations(books, violations)),
        violation_count=len(violations),
        beancount_errors=beancount_errors,
        disabled=tuple(sorted(config.disabled)),
        only=tuple(sorted(config.only or ())),
    )


def _position(date: datetime.date, start: datetime.date, days: int) -> float:
    return round(min(max((date - start).days / days * 100, 0.0), 100.0), 3)


def program_view(
    program: model.Program, phases: Iterable[builders.Phase], as_of: datetime.date
) -> ProgramView:
    """A program's phases and deadlines on one timeline, with the as-of date marked.

    The timeline spans the phases and the deadlines; an as-of date outside it is shown
    at the edge it lies beyond.
    """
    settings = program.settings
    phases = list(phases)
    dates = [getattr(settings, key) for key, _ in DEADLINES]
    start = min([program.date, *dates, *(p.start for p in phases)])
    end = max([*dates, *(p.end for p in phases)])
    end = max(end, start + datetime.timedelta(days=1))
    days = (end - start).days + 1  # a phase covers its end day too
    lanes = _lanes(phases)
    views = []
    for phase, lane in zip(phases, lanes, strict=True):
        left = _position(phase.start, start, days)
        right = _position(phase.end + datetime.timedelta(days=1), start, days)
        views.append(
            PhaseView(
                name=phase.name,
                start=phase.start,
                end=phase.end,
                state=phase.state,
                progress=phase.progress,
                left=left,
                width=max(right - left, 0.4),
                current=phase.start <= as_of <= phase.end,
                done=as_of > phase.end,
                lane=lane,
            )
        )
    deadlines = tuple(
        Deadline(
            label=label,
            key=key.replace("_", "-"),
            date=getattr(settings, key),
            days=(as_of - getattr(settings, key)).days,
            position=_position(getattr(settings, key), start, days),
        )
        for key, label in DEADLINES
    )
    outside = "before" if as_of < start else "after" if as_of > end else ""
    return ProgramView(
        code=program.code,
        title=program.title,
        document=program.document or "",
        preset=program.preset,
        start=start,
        end=end,
        phases=tuple(views),
        deadlines=deadlines,
        marker=_position(as_of, start, days),
        marker_outside=outside,
        ticks=_ticks(start, end, days),
    )


def _lanes(phases: Sequence[builders.Phase]) -> list[int]:
    """A row for each phase so that none hides another: longest phases first, each in
    the first row where it overlaps nothing (the capital-2015 plan's one-day 动员部署
    shares its day with 核实登记)."""
    rows: list[list[builders.Phase]] = []
    lane_of: dict[int, int] = {}
    by_length = sorted(range(len(phases)), key=lambda i: phases[i].start - phases[i].end)
    for index in by_length:
        phase = phases[index]
        for lane, taken in enumerate(rows):
            if all(phase.end < p.start or phase.start > p.end for p in taken):
                taken.append(phase)
                lane_of[index] = lane
                break
        else:
            rows.append([phase])
            lane_of[index] = len(rows) - 1
    return [lane_of[i] for i in range(len(phases))]


def _ticks(
    start: datetime.date, end: datetime.date, days: int
) -> tuple[tuple[float, str], ...]:
    """Labels under the timeline: the first of each month, or of each year if long."""
    ticks = []
    if days > 400:
        for year in range(start.year + 1, end.year + 1):
            ticks.append((_position(datetime.date(year, 1, 1), start, days), str(year)))
    else:
        year, month = start.year, start.month
        while True:
            month += 1
            if month > 12:
                year, month = year + 1, 1
            first = datetime.date(year, month, 1)
            if first > end:
                break
            label = f"{year}-{month:02d}" if month == 1 or not ticks else f"{month}月"
            ticks.append((_position(first, start, days), label))
    return tuple(ticks)


def _money(value: Any) -> Decimal:
    return ZERO if builders.is_blank(value) else Decimal(value)


def _count(value: Any) -> int:
    return 0 if builders.is_blank(value) else int(value)


def _date(value: Any) -> datetime.date | None:
    return None if builders.is_blank(value) else value


def status_of(
    books: model.Books, office: str, left_count: int, cash: Decimal, due: Decimal
) -> tuple[str, str]:
    """The office's status in a few words, and its tone (for the colour)."""
    abolished = books.abolished_on(office)
    if abolished is not None and abolished.date <= books.as_of:
        if left_count or cash or due:
            waiting = []
            if left_count:
                waiting.append(f"资产 {left_count} 项")
            if cash:
                waiting.append("资金")
            if due:
                waiting.append("应缴财政款")
            return "待处置：" + "、".join(waiting), "busy"
        return "处置完毕", "done"
    decision = books.decision_on(office, books.as_of)
    if books.office_class(office) == "abolish":
        if decision is not None and decision.action == "retain":
            return "应撤销而决定保留", "late"
        return "应撤销，尚未决定", "late"
    if decision is None:
        return "未决定", "kept"
    return "保留", "kept"


def office_rows(books: model.Books, records: Iterable[dict[str, Any]]) -> list[OfficeRow]:
    """The progress report's rows (``builders.build_progress``) as the page's rows."""
    rows = []
    for record in records:
        office = record["office"]
        cash = _money(record["cash"])
        due = _money(record["due"])
        left_count = _count(record["left_count"])
        status, tone = status_of(books, office, left_count, cash, due)
        rows.append(
            OfficeRow(
                government=record["government"] or "",
                office=office,
                name=record["office_name"] or "",
                level=record["level"] or "",
                required=record["class"] or "",
                decision=record["decision"] or "",
                decision_date=_date(record["decision_date"]),
                approval=record["approval"] or "",
                registered=_date(record["registered"]),
                start_count=_count(record["start_count"]),
                start_value=_money(record["start_value"]),
                disposed_count=_count(record["disposed_count"]),
                disposed_value=_money(record["disposed_value"]),
                left_count=left_count,
                left_value=_money(record["left_value"]),
                cash=cash,
                due=due,
                violation_count=_count(record["violation_count"]),
                violations=record["violations"] or "",
                status=status,
                tone=tone,
                abolished=tone in ("done", "busy"),
                account=_office_account(books, office),
            )
        )
    return rows


def _office_account(books: model.Books, office: str) -> str:
    """``Assets:Office:<OFFICE>`` where the office holds an account under it."""
    prefix = f"Assets:Office:{office}"
    for account in books.office_accounts.get(office, ()):
        if account == prefix or account.startswith(prefix + ":"):
            return prefix
    return ""


def total_row(rows: Sequence[OfficeRow]) -> OfficeRow:
    """The sums over every office."""
    return OfficeRow(
        government="",
        office="合计",
        name=f"{len(rows)} 个机构",
        level="",
        required="",
        decision="",
        decision_date=None,
        approval="",
        registered=None,
        start_count=sum(r.start_count for r in rows),
        start_value=sum((r.start_value for r in rows), ZERO),
        disposed_count=sum(r.disposed_count for r in rows),
        disposed_value=sum((r.disposed_value for r in rows), ZERO),
        left_count=sum(r.left_count for r in rows),
        left_value=sum((r.left_value for r in rows), ZERO),
        cash=sum((r.cash for r in rows), ZERO),
        due=sum((r.due for r in rows), ZERO),
        violation_count=sum(r.violation_count for r in rows),
        violations="",
        status="",
        tone="",
        abolished=False,
    )


_PREFIX = re.compile(r"^\[[A-Z]{2}-\d{3} [a-z-]+\]\s*")


def group_violations(
    books: model.Books, violations: Iterable[PolicyViolation]
) -> list[RuleGroup]:
    """The violations by rule (in code order), then by office, then by date and line."""
    by_rule: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for v in violations:
        source = v.source or {}
        lineno = source.get("lineno")
        item = Item(
            code=v.code,
            office=v.office or "",
            date=getattr(v.entry, "date", None),
            message=_PREFIX.sub("", v.message),
            filename=source.get("filename") or "",
            lineno=int(lineno) if lineno else None,
        )
        by_rule[v.code][item.office].append(item)
    groups = []
    for code in sorted(by_rule):
        rule = RULES.get(code)
        offices = []
        for office in sorted(by_rule[code], key=lambda o: (o == "", o)):
            items = sorted(
                by_rule[code][office],
                key=lambda i: (i.date or datetime.date.min, i.filename, i.lineno or 0),
            )
            name = builders.office_name(books, office) if office else "（不属于某一机构）"
            offices.append(OfficeGroup(office, name, tuple(items)))
        quotes, note = policy.quoted(code, rule.clause) if rule else ([], None)
        groups.append(
            RuleGroup(
                code=code,
                name=f"{rule.zh}（{rule.name}）" if rule else "",
                clause=rule.clause if rule else "",
                title=rule.title if rule else "",
                explanation=rule.explanation if rule else "",
                explanation_zh=rule.explanation_zh if rule else "",
                count=sum(len(o.items) for o in offices),
                offices=tuple(offices),
                quotes=tuple(quotes),
                quote_note=note,
            )
        )
    return groups


_LABEL = re.compile(r"^(?:含义|依据|改正)：|^(?:What|Why|Fix):")


def explanation_html(text: str) -> Markup:
    """A catalogue explanation as html: a paragraph for each line, its label (``含义：``,
    ``What:``) in bold, what stands between backticks (metadata, ledger snippets) as
    code, and everything else escaped."""
    paragraphs = []
    for line in text.split("\n"):
        match = _LABEL.match(line)
        label = match.group(0) if match else ""
        parts = line[len(label) :].split("`")
        if len(parts) % 2 == 0:  # an unpaired backtick: shown as written
            parts = [line[len(label) :]]
        body = Markup("").join(
            Markup("<code>{}</code>").format(part) if i % 2 else part
            for i, part in enumerate(parts)
        )
        head = Markup("<b>{}</b>").format(label) if label else ""
        paragraphs.append(Markup("<p>{}{}</p>").format(head, body))
    return Markup("").join(paragraphs)


def money_text(value: Decimal | None) -> str:
    """``1,234,567.00``; empty for None."""
    if value is None:
        return ""
    return f"{value:,.2f}"


# --- importing a register (the upload) -----------------------------------------------


@dataclasses.dataclass
class ImportResult:
    """What an upload did: the numbers on success, else every problem."""

    ok: bool
    file: str
    target: str
    rows: int = 0
    new: int = 0
    skipped: int = 0
    entries: int = 0
    message: str = ""
    errors: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    summary: list[str] = dataclasses.field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def import_inventory(
    upload: Path,
    *,
    ledger: Path,
    target: Path,
    shown_target: str,
    default_date: datetime.date | None = None,
) -> ImportResult:
    """Run ``liaison import inventory`` on ``upload`` against ``ledger`` into ``target``.

    The import itself is ``importers.pipeline.run``: it appends atomically, skips what
    the ledger (and the target) already hold, and writes nothing when any row is bad.
    Its messages name the uploaded file by its own name, not the temporary path.
    """
    from importers import pipeline

    out, err = io.StringIO(), io.StringIO()
    report = pipeline.Report(upload.name, "inventory")
    problems: list[Any] = []
    status = pipeline.run(
        "inventory",
        upload,
        ledger=ledger,
        output=target,
        default_date=default_date,
        stdout=out,
        stderr=err,
        label=upload.name,
        report=report,
        problems=problems,
    )
    shown = upload.name
    lines = [
        line.replace(str(target), shown_target)
        for line in err.getvalue().splitlines()
        if line.strip()
    ]
    result = ImportResult(ok=status == pipeline.EXIT_OK, file=shown, target=shown_target)
    # the page says itself, in its own words, when the target is not in the books
    result.warnings = [
        line for line in lines if ": 提醒：" in line and "没有 include" not in line
    ]
    lines = [line for line in lines if ": 提醒：" not in line]
    if not result.ok:
        result.errors = [str(p) for p in problems] or [
            line for line in lines if not line.startswith("liaison import")
        ]
        result.message = lines[-1] if lines else "导入失败"
        return result
    result.message = lines[-1] if lines else ""
    result.summary = report.lines()
    stats = report.stats
    result.rows, result.new = stats.rows, stats.new
    result.skipped, result.entries = stats.skipped, stats.entries
    return result


# --- the Fava extension --------------------------------------------------------------


class Dashboard(FavaExtensionBase):
    """清理规范: the program's phases, the offices' progress, the violations, an upload."""

    report_title = "清理规范"
    has_js_module = True
    money_text = staticmethod(money_text)
    explanation_html = staticmethod(explanation_html)

    def __init__(self, ledger: Any, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self._cache: dict[datetime.date | None, Page] = {}
        self._cache_key: object = None
        self._lock = threading.Lock()

    # -- config --

    def config_problems(self) -> list[str]:
        """What is wrong with the extension's config string (shown on the page)."""
        config = self.config
        if config is None:
            return []
        if not isinstance(config, dict):
            example = "{'import-into': 'registers.beancount'}"
            return [f"配置应为字典，例如 {example}：{config!r}"]
        problems = [
            f"未知配置项 {key!r}（可用：{', '.join(sorted(CONFIG_KEYS))}）"
            for key in config
            if key not in CONFIG_KEYS
        ]
        into = config.get("import-into")
        if into is not None and (not isinstance(into, str) or not into.strip()):
            problems.append(f"'import-into' 应为文件路径：{into!r}")
        return problems

    def import_target(self) -> Path:
        """The file uploads are appended to: ``import-into``, else the main ledger."""
        config = self.config if isinstance(self.config, dict) else {}
        into = config.get("import-into")
        if isinstance(into, str) and into.strip():
            return self.ledger.join_path(into.strip())
        return Path(self.ledger.beancount_file_path).resolve()

    def shown_path(self, path: Path) -> str:
        """``path`` relative to the main ledger's folder where it lies inside it."""
        base = Path(self.ledger.beancount_file_path).resolve().parent
        try:
            return str(path.relative_to(base))
        except ValueError:
            return str(path)

    def target_included(self) -> bool:
        included = {os.path.realpath(f) for f in self.ledger.options.get("include") or ()}
        return os.path.realpath(self.import_target()) in included

    # -- the page --

    def after_load_file(self) -> None:
        with self._lock:
            self._cache.clear()

    def requested_as_of(self) -> tuple[datetime.date | None, str]:
        """The ``?as_of=`` of the request, and a problem with it if any."""
        from flask import request

        text = (request.args.get("as_of") or "").strip()
        if not text:
            return None, ""
        try:
            return datetime.date.fromisoformat(text), ""
        except ValueError:
            return None, f"as_of 应为 YYYY-MM-DD 格式的日期：{text!r}，已改用默认日期"

    def page(self, as_of: datetime.date | None = None) -> Page:
        """The page at ``as_of``; computed once per load of the ledger and date."""
        key = (id(self.ledger.all_entries), self.ledger.mtime)
        with self._lock:
            if key != self._cache_key:
                self._cache.clear()
                self._cache_key = key
            cached = self._cache.get(as_of)
        if cached is not None:
            return cached
        errors = [e for e in self.ledger.load_errors if not isinstance(e, PolicyViolation)]
        page = build_page(
            self.ledger.all_entries,
            self.ledger.options,
            as_of=as_of,
            beancount_errors=len(errors),
        )
        with self._lock:
            if self._cache_key == key:
                self._cache[as_of] = page
        return page

    def source_url(self, item: Item) -> str:
        """Where Fava shows the violation's entry: its editor at the line (as the
        Errors page links), or the external editor if the ledger asks for one."""
        from fava.application import url_for

        line = str(item.lineno or 1)
        if self.ledger.fava_options.use_external_editor:
            return f"beancount://{item.filename}?lineno={line}"
        return url_for("report", report_name="editor", file_path=item.filename, line=line)

    def endpoint_url(self, endpoint: str) -> str:
        """The address of one of this extension's endpoints.

        Flask's ``url_for`` cannot be given the route's ``endpoint`` argument (it is the
        name of its own first parameter), so it is put after the page's address.
        """
        from fava.application import url_for

        page = url_for("extension_report", extension_name=self.name).split("?", 1)[0]
        return f"{page}{endpoint}"

    def read_only(self) -> bool:
        """Whether Fava runs with ``--read-only`` (it then refuses every POST itself)."""
        from flask import current_app

        funcs = current_app.before_request_funcs.get(None, [])
        return any(getattr(f, "__name__", "") == "_read_only" for f in funcs)

    # -- the upload --

    # Fava types the decorator's factory form with an unbound TypeVar (mypy: Never).
    @extension_endpoint("import_register", ["POST"])  # type: ignore[arg-type]
    def import_register(self) -> Any:
        """Append an uploaded inventory register's entries to the target file.

        Answers JSON (HTTP 200 with the counts, or 400 with every problem and nothing
        written); a browser posting the form without script gets a page instead.
        """
        from flask import jsonify
        from flask import request
        from werkzeug.exceptions import RequestEntityTooLarge

        target = self.import_target()
        shown_target = self.shown_path(target)
        # before the body is read: a page of another site may post to this one (the
        # browser sends the user's Fava its form), and a body is bounded by its size
        refused = _refused(request)
        if refused is None:
            # a body of no stated length is cut off by the form parser at the limit
            with contextlib.suppress(AttributeError):  # Flask before 3.1: no setter
                request.max_content_length = MAX_UPLOAD_BYTES
            try:
                upload = request.files.get("file")
                date_text = (request.form.get("date") or "").strip()
            except RequestEntityTooLarge:
                refused = 413, _too_large()
        if refused is not None:
            status, why = refused
            result = ImportResult(
                ok=False, file="", target=shown_target, message=why, errors=[why]
            )
            if _wants_html(request):
                return self._result_page(result), status
            return jsonify(result.as_json()), status
        name = _upload_name(upload.filename if upload is not None else None)
        result = ImportResult(ok=False, file=name or "", target=shown_target)
        problems = self.config_problems()
        default_date = None
        if upload is None or not name:
            problems.append("没有收到文件：请选择资产清查登记表（xlsx 或 csv）")
        if date_text:
            try:
                default_date = datetime.date.fromisoformat(date_text)
            except ValueError:
                problems.append(f"登记日期应为 YYYY-MM-DD：{date_text!r}")
        if not problems and upload is not None and name:
            with tempfile.TemporaryDirectory(prefix="liaison-upload-") as folder:
                path = Path(folder) / name
                upload.save(path)
                result = import_inventory(
                    path,
                    ledger=Path(self.ledger.beancount_file_path),
                    target=target,
                    shown_target=shown_target,
                    default_date=default_date,
                )
        else:
            result.errors = problems
            result.message = "导入失败，未写入任何内容"
        from importers import pipeline

        result.errors = pipeline.listed(result.errors)  # as many as the command prints
        if result.ok and not self.target_included():
            result.warnings.append(
                f"{shown_target} 未被账本 include：新条目已写入该文件，但不会出现在 Fava 中"
            )
        status = 200 if result.ok else 400
        if _wants_html(request):
            return self._result_page(result), status
        return jsonify(result.as_json()), status

    def _result_page(self, result: ImportResult) -> str:
        from flask import render_template

        template = self.jinja_env.get_template("DashboardImport.html")
        content = Markup(template.render(result=result, extension=self))  # noqa: S704
        return render_template(
            "_layout.html", content=content, page_title="导入资产清查登记表"
        )


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The largest upload (the whole request) the page takes: a register of 20 MB is some
100,000 rows; a larger one is imported with ``liaison import``."""


def _too_large() -> str:
    return (
        f"上传的内容超过 {MAX_UPLOAD_BYTES / (1024 * 1024):g} MB 的上限，未写入任何内容；"
        "请拆分后再上传，或用 liaison import 导入"
    )


def _refused(request: Any) -> tuple[int, str] | None:
    """Why the upload is refused before its body is read: (HTTP status, message).

    403 for a request another site's page made (its ``Origin`` is not this server's,
    or the browser says ``Sec-Fetch-Site: cross-site``): Fava has no login, so any page
    the user opens could post a register to it. A request without ``Origin`` (curl, a
    script, an old browser's same-origin form) is taken. 413 for a body larger than
    ``MAX_UPLOAD_BYTES``, by its ``Content-Length``.
    """
    site = (request.headers.get("Sec-Fetch-Site") or "").strip().lower()
    origin = request.headers.get("Origin")
    if site == "cross-site" or (
        origin is not None and _origin(origin) != _origin(request.host_url)
    ):
        return 403, (
            f"拒绝来自其他网站的上传请求（{origin or site}），未写入任何内容；"
            "请在本 Fava 的清理规范页面上传"
        )
    length = request.content_length
    if length is not None and length > MAX_UPLOAD_BYTES:
        return 413, _too_large()
    return None


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    """A URL's origin: scheme, host and port (the scheme's default made explicit)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # not a URL at all ("null", a bad port)
        return ("", url, None)
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme))


def _upload_name(filename: str | None) -> str:
    """The uploaded file's own name, without any folder (Chinese names kept)."""
    if not filename:
        return ""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return "" if name in ("", ".", "..") else name


def _wants_html(request: Any) -> bool:
    """A plain browser form post (no script) prefers html; fetch and tests, JSON."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"
