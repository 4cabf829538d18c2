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

The page's own texts (headings, column names, buttons, statuses, the upload's messages)
follow Fava's language: the ledger's ``custom "fava-option" "language"``, else the
browser's as Fava chooses it; English for ``en``, Chinese otherwise and by default
(``Texts``, the table ``ENGLISH`` keyed by the Chinese). The rules' messages and
explanations stay as the catalogue writes them.

The as-of date is the ledger's ``plugin "plugins.rules"`` config's ``as-of``, else
today; ``?as_of=YYYY-MM-DD`` on the page's address overrides it. The rules run as the
plugin runs them in Fava (the config's ``disable`` and ``only`` are honoured, so the page
agrees with Fava's Errors page; ``liaison check`` runs every rule). The page ignores
Fava's time, account and filter selection: the program is judged on the whole ledger.

Everything the page shows is computed by :func:`build_page`, a pure function of the
loaded entries (the figures come from ``reports.progress``); only :class:`Dashboard`
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
    report = progress.build(books, violations)
    offices = tuple(office_rows(books, report.main.frame.to_dict("records")))
    timelines = [c for c in report.charts if isinstance(c, tables.Timeline)]
    programs = tuple(
        program_view(program, timeline.phases, books.as_of)
        for program, timeline in zip(books.programs.values(), timelines, strict=True)
    )
    return Page(
        as_of=books.as_of,
        as_of_source=AS_OF_SOURCES[source],
        title=options.get("title") or "",
        subtitle=queries.program_note(books),
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


# --- the page's texts, by language ---------------------------------------------------

LANGUAGES = ("zh", "en")
"""The page's languages; Chinese is the default and the key of every text."""

ENGLISH: dict[str, str] = {
    # the page
    "清理规范工作看板": "Liaison offices: the program at a glance",
    "截至日期": "As of",
    "重新判定": "Judge again",
    "按 {date} 判定各项期限（{source}）": "Deadlines judged at {date} ({source})",
    "恢复默认日期": "Back to the default date",
    "页面指定": "asked on the page",
    "账本 plugin 设置 as-of": "the ledger's plugin setting as-of",
    "今天": "today",
    "as_of 应为 YYYY-MM-DD 格式的日期：{text}，已改用默认日期": (
        "as_of must be a date written YYYY-MM-DD: {text}; the default date is used"
    ),
    "fava-extension 配置：{problem}": "fava-extension config: {problem}",
    "本账本的 plugin 设置": "This ledger's plugin setting ",
    "停用了规则 {codes}": "disables the rules {codes}",
    "只启用规则 {codes}": "enables only the rules {codes}",
    "；看板与 Fava 的 Errors 页一致，": "; the page agrees with Fava's Errors page, and ",
    "仍检查全部规则。": " still checks every rule.",
    "、": ", ",
    # the cards
    "驻外机构": "liaison offices",
    "已撤销 / 方案应撤销": "abolished / to abolish",
    "撤销机构资产处置进度（按价值）": "abolished offices' assets disposed of (by value)",
    "{n} 项": "{n}",
    "撤销机构剩余资产": "left at abolished offices:",
    "元": "yuan",
    "撤销机构资金与应缴财政款余额": "cash and proceeds due held by abolished offices",
    "违规事项": "violations",
    "Beancount 错误": "Beancount errors",
    # phases and deadlines
    "工作阶段与期限": "Phases and deadlines",
    "（{document}）": " ({document})",
    "{name} {start} — {end}：{state}": "{name} {start} — {end}: {state}",
    "截至 {date}": "as of {date}",
    "阶段": "Phase",
    "起止": "From — to",
    "截至日状态": "At the as-of date",
    "完成情况": "Progress",
    "期限": "Deadline",
    "日期": "Date",
    "禁止新设机构": "no new offices from",
    "核实登记截止": "registration by",
    "撤并决定截止": "decisions by",
    "资产处置截止": "disposals by",
    "企业脱钩截止": "enterprises delinked by",
    "已过 {n} 天": "{n} days past",
    "当日截止": "due today",
    "还有 {n} 天": "{n} days left",
    "账本没有声明清理规范方案（": "The ledger declares no program (",
    "）。": ").",
    # the offices
    "各机构清理规范进度": "The offices' progress",
    "机构代码": "Office",
    "机构名称 / 派出地政府": "Name / dispatching government",
    "级别/类型 / 方案要求": "Level, kind / the program requires",
    "决定": "Decision",
    "核实登记": "Registered",
    "状态": "Status",
    "项数 · 账面价值（元）": "count · book value (yuan)",
    "清理前资产": "Assets at the start",
    "已处置": "Disposed of",
    "剩余": "Left",
    "处置进度": "Disposal progress",
    "银行存款": "Cash",
    "应缴财政款": "Due to the treasury",
    "违规": "Violations",
    "批准文号 {approval}": "approval {approval}",
    "未登记": "not registered",
    "已处置 {percent}": "disposed of {percent}",
    "无实物资产": "no physical assets",
    "合计": "Total",
    "{n} 个机构": "{n} offices",
    "处置完毕": "all disposed of",
    "应撤销而决定保留": "to abolish, but retained",
    "应撤销，尚未决定": "to abolish: no decision yet",
    "未决定": "no decision",
    "保留": "retained",
    "待处置：": "to dispose of: ",
    "资产 {n} 项": "{n} assets",
    "资金": "cash",
    "offices-note": (
        "Asset columns give the count, then the book value; assets at the start ="
        " disposed of + left (land, buildings, vehicles, equipment, enterprises, at book"
        " value); progress is by value; a grey bar is a retained office. Due to the"
        " treasury is disposal proceeds not yet remitted. The page ignores Fava's time,"
        " account and filter selection."
    ),
    "账本没有声明驻外机构（": "The ledger declares no office (",
    # the violations
    "违规事项（按规则、机构）": "Violations (by rule, then office)",
    "：含义、依据与改正方法": ": what it means, why, and how to fix it",
    "中文": "Chinese",
    "政策原文": "The policy's words",
    "（原文未收录）": "(the text is not bundled)",
    "注：": "Note: ",
    "（不属于某一机构）": "(no office)",
    "在编辑器中打开 {where}": "open {where} in the editor",
    "截至 {date} 没有违规事项（no violations）。": "As of {date}: no violations.",
    # the upload
    "导入资产清查登记表": "Import an inventory register",
    "upload-help": (
        "Upload an inventory register as the office keeps it (xlsx, xls, ods, or csv in"
        " UTF-8 or GBK; a title, a fill line, 合计 rows, amounts in 万元 and one sheet"
        " per office are all fine; the column names are listed in the README's section"
        " on importing). Each row becomes an "
    ),
    "upload-help-2": " with the asset's metadata and an opening entry, appended to ",
    "upload-help-3": (
        ". Asset ids already in the books are skipped; every total row is checked; if"
        " any row is wrong nothing is written, and every problem is listed by file,"
        " sheet, row and column."
    ),
    "注意：该文件未被账本 include，导入的条目不会出现在 Fava 中。": (
        "Note: the ledger does not include this file; what is imported will not show"
        " in Fava."
    ),
    "Fava 以只读模式（--read-only）运行：不能导入。": (
        "Fava runs read-only (--read-only): nothing can be imported."
    ),
    "无登记日期的行记于": "Rows without a registration date are booked on",
    "（留空：该机构的核实登记日期）": "(empty: the office's registration date)",
    "导入": "Import",
    # the upload's answers
    "配置应为字典，例如 {example}：{config}": (
        "the config must be a dict, for example {example}: {config}"
    ),
    "未知配置项 {key}（可用：{keys}）": "unknown config key {key} (known: {keys})",
    "'import-into' 应为文件路径：{value}": "'import-into' must be a file path: {value}",
    "没有收到文件：请选择资产清查登记表（xlsx 或 csv）": (
        "No file received: choose an inventory register (xlsx or csv)"
    ),
    "登记日期应为 YYYY-MM-DD：{text}": "The registration date must be YYYY-MM-DD: {text}",
    "导入失败，未写入任何内容": "The import failed; nothing was written",
    "导入失败": "The import failed",
    "{target} 未被账本 include：新条目已写入该文件，但不会出现在 Fava 中": (
        "the ledger does not include {target}: the new entries were written to it, but"
        " will not show in Fava"
    ),
    "upload-too-large": (
        "The upload is over the {mb} MB limit; nothing was written. Split the register,"
        " or import it with liaison import"
    ),
    "upload-cross-site": (
        "An upload from another site ({origin}) is refused; nothing was written. Upload"
        " on this Fava's 清理规范 page"
    ),
    "{file}：{rows} 行，新增 {new} 项，账本已有 {skipped} 项（跳过）；": (
        "{file}: {rows} rows, {new} new, {skipped} already in the books (skipped); "
    ),
    "{entries} 条分录已追加到": "{entries} entries appended to",
    "。": ".",
    "{file} 未能导入，{target} 未作任何改动。": (
        "{file} was not imported; {target} is unchanged."
    ),
    "登记表": "The register",
    "返回清理规范看板": "Back to the 清理规范 page",
    # the page's script (Dashboard.js)
    "Fava 以只读模式运行：不能导入。": "Fava runs read-only: nothing can be imported.",
    "导入请求失败（HTTP {status}）。": "The import request failed (HTTP {status}).",
    "新增 {new} 项，{entries} 条分录已追加到 {target}": (
        "{new} new, {entries} entries appended to {target}"
    ),
    "没有新的条目": "nothing new",
    "{file}：{rows} 行；{added}；账本已有 {skipped} 项（跳过）。": (
        "{file}: {rows} rows; {added}; {skipped} already in the books (skipped)."
    ),
    "刷新看板": "Reload the page",
    "{file} 未能导入，{target} 未作任何改动：": (
        "{file} was not imported; {target} is unchanged:"
    ),
    "正在导入……": "Importing…",
    "导入请求失败：{error}": "The import request failed: {error}",
}
"""The page's own texts in English, keyed by the Chinese (the page's words, not the
rules' or the importer's: a violation, an explanation, a phase and an import's summary
read as the rules, the catalogue and the importer write them). A few long texts that
hold markup in Chinese are keyed by a name (``upload-help``), their Chinese in
``CHINESE``."""

CHINESE: dict[str, str] = {
    "offices-note": (
        "资产列为“项数 账面价值”；清理前资产 = 已处置 + 剩余（土地、房屋、车辆、设备、"
        "企业，按账面价值）；处置进度按价值计；灰色进度条为保留机构。应缴财政款为尚未上缴"
        "国库的处置收入。看板不受 Fava 的时间、账户和过滤条件影响。"
    ),
    "upload-too-large": (
        "上传的内容超过 {mb} MB 的上限，未写入任何内容；请拆分后再上传，"
        "或用 liaison import 导入"
    ),
    "upload-cross-site": (
        "拒绝来自其他网站的上传请求（{origin}），未写入任何内容；"
        "请在本 Fava 的清理规范页面上传"
    ),
    "upload-help": (
        "上传资产清查登记表：单位保存的原表即可（xlsx、xls、ods，或 UTF-8/GBK 编码的 csv；"
        "标题行、填报单位行、合计行、以万元为单位、每个机构一个工作表都可以；可用的列名见 "
        "README 的“导入”一节）。每行生成带资产元数据的 "
    ),
    "upload-help-2": " 和期初分录，追加到 ",
    "upload-help-3": (
        "。账本已有的资产编号跳过；合计行逐一核对；任何一行有误则整份不写入，并列出文件、"
        "工作表、行、列。"
    ),
}
"""The Chinese of the texts keyed by a name: those too long for a key, or holding
markup between their parts."""

SCRIPT_TEXTS = (
    "Fava 以只读模式运行：不能导入。",
    "导入请求失败（HTTP {status}）。",
    "新增 {new} 项，{entries} 条分录已追加到 {target}",
    "没有新的条目",
    "{file}：{rows} 行；{added}；账本已有 {skipped} 项（跳过）。",
    "刷新看板",
    "{file} 未能导入，{target} 未作任何改动：",
    "登记表",
    "正在导入……",
    "导入请求失败：{error}",
)
"""The texts ``Dashboard.js`` shows, handed to it on the page (``data-texts``)."""

_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def page_language(locale: str | None) -> str:
    """The page's language for a Fava locale: ``en`` for English (``en``, ``en_US``,
    ``en-GB``), else Chinese (``zh``), which is also the language of every other locale
    and of none."""
    primary = re.split(r"[-_]", (locale or "").strip(), maxsplit=1)[0].lower()
    return "en" if primary == "en" else "zh"


class Texts:
    """The page's own texts in one language: ``t("截至日期")``, ``t("{n} 项", n=3)``.

    The Chinese is the key; a text without an English translation stays Chinese (a
    test keeps every text the page uses translated).
    """

    def __init__(self, language: str = "zh") -> None:
        self.language = language if language in LANGUAGES else "zh"

    @property
    def html_lang(self) -> str:
        return "en" if self.language == "en" else "zh-CN"

    def __call__(self, text: str, /, **values: Any) -> str:
        table = ENGLISH if self.language == "en" else CHINESE
        text = table.get(text, text)
        return text.format(**values) if values else text

    def days(self, days: int) -> str:
        """How far the as-of date is from a deadline (``Deadline.days``)."""
        if days > 0:
            return self("已过 {n} 天", n=days)
        if days == 0:
            return self("当日截止")
        return self("还有 {n} 天", n=-days)

    def status(self, status: str) -> str:
        """An office's status (``status_of``) in the page's language."""
        if self.language == "zh":
            return status
        if status.startswith("待处置："):
            parts = []
            for part in status.removeprefix("待处置：").split("、"):
                match = re.fullmatch(r"资产 (\d+) 项", part)
                text = self("资产 {n} 项", n=match.group(1)) if match else self(part)
                parts.append(text[:1].lower() + text[1:])  # 应缴财政款 is also a heading
            return self("待处置：") + self("、").join(parts)
        return self(status)

    def tick(self, label: str) -> str:
        """A timeline label (``_ticks``): ``8月`` is ``Aug`` in English."""
        match = re.fullmatch(r"(\d{1,2})月", label)
        if self.language == "en" and match:
            return _MONTHS[int(match.group(1)) - 1]
        return label

    def script(self) -> dict[str, str]:
        """The texts of the page's script, by their Chinese."""
        return {text: self(text) for text in SCRIPT_TEXTS}


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
    t: Texts | None = None,
) -> ImportResult:
    """Run ``liaison import inventory`` on ``upload`` against ``ledger`` into ``target``.

    The import itself is ``importers.pipeline.run``: it appends atomically, skips what
    the ledger (and the target) already hold, and writes nothing when any row is bad.
    Its messages name the uploaded file by its own name, not the temporary path; they
    are the importer's, in Chinese (``t`` gives the page's own words).
    """
    t = t or Texts()
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
        result.message = lines[-1] if lines else t("导入失败")
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

    def config_problems(self, t: Texts | None = None) -> list[str]:
        """What is wrong with the extension's config string (shown on the page)."""
        t = t or Texts()
        config = self.config
        if config is None:
            return []
        if not isinstance(config, dict):
            example = "{'import-into': 'registers.beancount'}"
            return [
                t(
                    "配置应为字典，例如 {example}：{config}",
                    example=example,
                    config=repr(config),
                )
            ]
        problems = [
            t(
                "未知配置项 {key}（可用：{keys}）",
                key=repr(key),
                keys=", ".join(sorted(CONFIG_KEYS)),
            )
            for key in config
            if key not in CONFIG_KEYS
        ]
        into = config.get("import-into")
        if into is not None and (not isinstance(into, str) or not into.strip()):
            problems.append(t("'import-into' 应为文件路径：{value}", value=repr(into)))
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

    def texts(self) -> Texts:
        """The page's texts in Fava's language: the ledger's ``language`` option, else
        the request's locale as Fava chooses it, else Chinese."""
        from fava import LOCALES
        from flask import has_request_context
        from flask import request

        locale = self.ledger.fava_options.language
        if not locale and has_request_context():
            locale = request.accept_languages.best_match(["en", *LOCALES])
        return Texts(page_language(locale))

    def requested_as_of(self) -> tuple[datetime.date | None, str]:
        """The ``?as_of=`` of the request, and a problem with it if any."""
        from flask import request

        text = (request.args.get("as_of") or "").strip()
        if not text:
            return None, ""
        try:
            return datetime.date.fromisoformat(text), ""
        except ValueError:
            problem = "as_of 应为 YYYY-MM-DD 格式的日期：{text}，已改用默认日期"
            return None, self.texts()(problem, text=repr(text))

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

        t = self.texts()
        target = self.import_target()
        shown_target = self.shown_path(target)
        # before the body is read: a page of another site may post to this one (the
        # browser sends the user's Fava its form), and a body is bounded by its size
        refused = _refused(request, t)
        if refused is None:
            # a body of no stated length is cut off by the form parser at the limit
            with contextlib.suppress(AttributeError):  # Flask before 3.1: no setter
                request.max_content_length = MAX_UPLOAD_BYTES
            try:
                upload = request.files.get("file")
                date_text = (request.form.get("date") or "").strip()
            except RequestEntityTooLarge:
                refused = 413, _too_large(t)
        if refused is not None:
            status, why = refused
            result = ImportResult(
                ok=False, file="", target=shown_target, message=why, errors=[why]
            )
            if _wants_html(request):
                return self._result_page(result, t), status
            return jsonify(result.as_json()), status
        name = _upload_name(upload.filename if upload is not None else None)
        result = ImportResult(ok=False, file=name or "", target=shown_target)
        problems = self.config_problems(t)
        default_date = None
        if upload is None or not name:
            problems.append(t("没有收到文件：请选择资产清查登记表（xlsx 或 csv）"))
        if date_text:
            try:
                default_date = datetime.date.fromisoformat(date_text)
            except ValueError:
                problems.append(t("登记日期应为 YYYY-MM-DD：{text}", text=repr(date_text)))
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
                    t=t,
                )
        else:
            result.errors = problems
            result.message = t("导入失败，未写入任何内容")
        from importers import pipeline

        result.errors = pipeline.listed(result.errors)  # as many as the command prints
        if result.ok and not self.target_included():
            result.warnings.append(
                t(
                    "{target} 未被账本 include：新条目已写入该文件，但不会出现在 Fava 中",
                    target=shown_target,
                )
            )
        status = 200 if result.ok else 400
        if _wants_html(request):
            return self._result_page(result, t), status
        return jsonify(result.as_json()), status

    def _result_page(self, result: ImportResult, t: Texts) -> str:
        from flask import render_template

        template = self.jinja_env.get_template("DashboardImport.html")
        content = Markup(template.render(result=result, extension=self, t=t))  # noqa: S704
        return render_template(
            "_layout.html", content=content, page_title=t("导入资产清查登记表")
        )


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The largest upload (the whole request) the page takes: a register of 20 MB is some
100,000 rows; a larger one is imported with ``liaison import``."""


def _too_large(t: Texts | None = None) -> str:
    return (t or Texts())(
        "upload-too-large",
        mb=f"{MAX_UPLOAD_BYTES / (1024 * 1024):g}",
    )


def _refused(request: Any, t: Texts | None = None) -> tuple[int, str] | None:
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
        return 403, (t or Texts())(
            "upload-cross-site",
            origin=origin or site,
        )
    length = request.content_length
    if length is not None and length > MAX_UPLOAD_BYTES:
        return 413, _too_large(t)
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
