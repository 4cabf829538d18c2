"""What the 清理规范 page shows, as values: built by pure functions from the books and the
rules' violations.

:func:`build_page` takes the books the rules read and what they found (one run of
``plugins.engine`` at the books' as-of date; ``reports.dashboard_run`` says which run)
and returns a :class:`Page`: the programs' phases and deadlines on their timelines, a row
for each office with its figures (those of ``reports.progress``) and status, the
violations by rule and office, and the cards' totals. Nothing here reads a file, a
request or Fava: the page's templates (``reports/templates/Dashboard.html``) only lay it
out, in the page's language (``reports.dashboard_texts``).
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from plugins import model
from plugins import policy
from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation
from reports import labels
from reports import progress
from reports import queries
from reports import tables

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
        return labels.percent_text(self.disposed_value, self.start_value)


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
        return sum(1 for r in self.offices if r.required == labels.CLASS_ZH["abolish"])

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
    books: model.Books,
    violations: Sequence[PolicyViolation],
    *,
    title: str = "",
    as_of_source: str = "today",
    disabled: Iterable[str] = (),
    only: Iterable[str] | None = None,
    beancount_errors: int = 0,
) -> Page:
    """The page for ``books`` and the rules' ``violations`` in them, at ``books.as_of``.

    Nothing is read or run here: the books and the violations are one run of the rules
    (``plugins.engine.run``, or the plugin's run in Fava's load).

    Args:
        books: The books the rules read.
        violations: What the rules found, as they return it.
        title: The ledger's ``option "title"``.
        as_of_source: Where the as-of date comes from: a key of ``AS_OF_SOURCES``.
        disabled: The rules the ledger's plugin config disables.
        only: The only rules the ledger's plugin config enables, if it names them.
        beancount_errors: How many of the load's errors are not rule violations.
    """
    report = progress.build(books, violations)
    offices = tuple(office_rows(books, report.main.frame.to_dict("records")))
    timelines = [c for c in report.charts if isinstance(c, tables.Timeline)]
    programs = tuple(
        program_view(program, timeline.phases, books.as_of)
        for program, timeline in zip(books.programs.values(), timelines, strict=True)
    )
    return Page(
        as_of=books.as_of,
        as_of_source=AS_OF_SOURCES[as_of_source],
        title=title,
        subtitle=queries.program_note(books),
        programs=programs,
        offices=offices,
        total=total_row(offices) if offices else None,
        rules=tuple(group_violations(books, violations)),
        violation_count=len(violations),
        beancount_errors=beancount_errors,
        disabled=tuple(sorted(disabled)),
        only=tuple(sorted(only or ())),
    )


def _position(date: datetime.date, start: datetime.date, days: int) -> float:
    return round(min(max((date - start).days / days * 100, 0.0), 100.0), 3)


def program_view(
    program: model.Program, phases: Iterable[tables.Phase], as_of: datetime.date
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


def _lanes(phases: Sequence[tables.Phase]) -> list[int]:
    """A row for each phase so that none hides another: longest phases first, each in
    the first row where it overlaps nothing (the capital-2015 plan's one-day 动员部署
    shares its day with 核实登记)."""
    rows: list[list[tables.Phase]] = []
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
    return ZERO if tables.is_blank(value) else Decimal(value)


def _count(value: Any) -> int:
    return 0 if tables.is_blank(value) else int(value)


def _date(value: Any) -> datetime.date | None:
    return None if tables.is_blank(value) else value


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
    """The progress report's rows (``reports.progress.build``) as the page's rows."""
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
            name = queries.office_name(books, office) if office else "（不属于某一机构）"
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
