"""清理规范工作进度 (``liaison report progress``, and the Fava page's figures): a row per
office, the program's phases with their state on the as-of date, and the violations."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import cast

from plugins import model
from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation
from plugins.vocabulary import Category
from reports.labels import CLASS_ZH
from reports.labels import code_summary
from reports.labels import decision_text
from reports.labels import percent_text
from reports.queries import Holdings
from reports.queries import category_balance
from reports.queries import disposed_assets
from reports.queries import government_name
from reports.queries import holdings
from reports.queries import level_text
from reports.queries import program_note
from reports.queries import registration_of
from reports.queries import sorted_offices
from reports.queries import violations_by_office
from reports.tables import ZERO
from reports.tables import BarChart
from reports.tables import Chart
from reports.tables import Column
from reports.tables import Phase
from reports.tables import Report
from reports.tables import Series
from reports.tables import Table
from reports.tables import Timeline
from reports.tables import frame

PROGRESS_COLUMNS = [
    Column("government", "派出地政府"),
    Column("office", "机构代码"),
    Column("office_name", "机构名称"),
    Column("level", "级别/类型"),
    Column("class", "方案要求"),
    Column("decision", "决定"),
    Column("decision_date", "决定日期", "date"),
    Column("approval", "批准文号"),
    Column("registered", "核实登记", "date"),
    Column("start_count", "清理前资产数", "count"),
    Column("start_value", "清理前资产价值", "money"),
    Column("disposed_count", "已处置数", "count"),
    Column("disposed_value", "已处置价值", "money"),
    Column("left_count", "剩余数", "count"),
    Column("left_value", "剩余价值", "money"),
    Column("done", "处置进度", "percent", summed=False),
    Column("cash", "银行存款余额", "money"),
    Column("due", "应缴财政款余额", "money"),
    Column("violation_count", "违规数", "count"),
    Column("violations", "违规规则"),
]

PHASE_COLUMNS = [
    Column("program", "方案"),
    Column("phase", "阶段"),
    Column("start", "开始", "date"),
    Column("end", "结束", "date"),
    Column("state", "截至日状态"),
    Column("progress", "完成情况"),
]

VIOLATION_COLUMNS = [
    Column("code", "规则"),
    Column("name", "名称"),
    Column("office", "机构"),
    Column("date", "日期", "date"),
    Column("message", "说明"),
    Column("where", "位置"),
]


def _state(start: datetime.date, end: datetime.date, as_of: datetime.date) -> str:
    if as_of < start:
        return "未开始"
    if as_of > end:
        return "已结束"
    day = (as_of - start).days + 1
    return f"进行中（第{day}天/共{(end - start).days + 1}天）"


def phases(
    books: model.Books,
    program: model.Program,
    holdings_of: dict[str, Holdings],
    violations: Sequence[PolicyViolation],
) -> list[Phase]:
    """The program's phases with their state and progress at the as-of date.

    capital-2015 follows the 2015 plan's steps (三): 动员部署 to ban-from, 核实登记 to
    register-by, 精简整合 to dispose-by, 建章立制 the 20 days after, 检查总结 to
    delink-by; with the preset's dates they are the plan's 7/20, 7/20–7/31, 8/1–8/31,
    9/1–9/20 and 9/21–10/20. beijing-2010 has one: the six months from 2010-01-19 in
    which (十八) has the abolition done.
    """
    s = program.settings
    as_of = books.as_of
    offices = [o for o in books.offices if books.program_of(o) is program]
    registered = [o for o in offices if registration_of(books, o) is not None]
    on_time = [
        o
        for o in offices
        if any(r.date <= s.register_by for r in books.registrations.get(o, ()))
    ]
    must = [o for o in offices if books.office_class(o) == "abolish"]
    abolished = [o for o in offices if books.abolished_on(o) is not None]
    decided_must = [o for o in must if o in abolished]
    start_value = sum((holdings_of[o].start_value for o in abolished), ZERO)
    disposed_value = sum((holdings_of[o].disposed_value for o in abolished), ZERO)
    start_count = sum(holdings_of[o].start_count for o in abolished)
    disposed_count = sum(holdings_of[o].disposed_count for o in abolished)
    enterprises = [
        a for o in offices for a in books.accounts_of(o, (Category.ENTERPRISES,))
    ]
    delinked = [a for a in enterprises if books.balance(a, as_of) == ZERO]
    retained = [o for o in offices if o not in abolished]
    audited = [o for o in retained if books.audits.get(o)]
    office_set = set(offices)
    open_violations = [v for v in violations if v.office in office_set]
    registration = (
        f"已核实登记 {len(registered)}/{len(offices)} 个机构（按期 {len(on_time)}）"
    )
    share = percent_text(disposed_value, start_value)
    disposal = (
        f"应撤销 {len(must)} 个，已决定撤销或整合 {len(decided_must)} 个"
        f"（共撤销 {len(abolished)} 个）；撤销机构资产已处置 "
        f"{disposed_count}/{start_count} 项，价值 {share}"
    )
    if program.preset == "capital-2015":
        plan_start = min(program.date, s.ban_from)
        rules_end = s.dispose_by + datetime.timedelta(days=20)
        spans = [
            ("动员部署", plan_start, s.ban_from, "清理规范工作专班成立"),
            ("核实登记", s.ban_from, s.register_by, registration),
            (
                "精简整合",
                s.register_by + datetime.timedelta(days=1),
                s.dispose_by,
                disposal,
            ),
            (
                "建章立制",
                s.dispose_by + datetime.timedelta(days=1),
                rules_end,
                f"保留机构 {len(retained)} 个",
            ),
            (
                "检查总结",
                rules_end + datetime.timedelta(days=1),
                max(s.delink_by, rules_end + datetime.timedelta(days=1)),
                f"企业脱钩 {len(delinked)}/{len(enterprises)} 户；"
                f"违规 {len(open_violations)} 项",
            ),
        ]
    else:
        spans = [
            (
                "清理撤销（印发后六个月内）",
                s.ban_from,
                s.dispose_by,
                f"{registration}；{disposal}",
            ),
            (
                "年度审计（保留机构）",
                s.dispose_by + datetime.timedelta(days=1),
                max(as_of, s.dispose_by + datetime.timedelta(days=1)),
                f"保留机构 {len(retained)} 个，有审计记录 {len(audited)} 个",
            ),
        ]
        # the audits have no end: a retained office is audited every year (十一)
        ongoing = spans[-1]
        phases = [Phase(n, a, b, _state(a, b, as_of), t) for n, a, b, t in spans[:-1]]
        name, start, end, text = ongoing
        state = "未开始" if as_of < start else "进行中（长期：每年审计）"
        return [*phases, Phase(name, start, end, state, text)]
    return [Phase(name, a, b, _state(a, b, as_of), text) for name, a, b, text in spans]


def build(
    books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """清理规范工作进度: a row per office; the program's phases; the violations."""
    disposed = disposed_assets(books)
    holdings_of = holdings(books, disposed)
    by_office = violations_by_office(violations)
    as_of = books.as_of
    rows = []
    for office in sorted_offices(books):
        declared = books.offices[office]
        decision = books.decision_on(office, as_of)
        registration = registration_of(books, office)
        h = holdings_of[office]
        codes = by_office.get(office, [])
        rows.append(
            {
                "government": government_name(books, declared.government),
                "office": office,
                "office_name": declared.name,
                "level": level_text(books, office),
                "class": CLASS_ZH.get(books.office_class(office) or "", ""),
                "decision": decision_text(decision),
                "decision_date": decision.date if decision is not None else None,
                "approval": (decision.approval or "") if decision is not None else "",
                "registered": registration.date if registration is not None else None,
                "start_count": h.start_count,
                "start_value": h.start_value,
                "disposed_count": h.disposed_count,
                "disposed_value": h.disposed_value,
                "left_count": h.left_count,
                "left_value": h.left_value,
                "done": (h.disposed_value / h.start_value) if h.start_value else None,
                "cash": category_balance(books, office, Category.CASH, as_of),
                "due": -category_balance(books, office, Category.DUE_TO_TREASURY, as_of),
                "violation_count": len(codes),
                "violations": code_summary(codes),
            }
        )
    offices_table = Table(
        "机构进度",
        "各机构清理规范进度",
        PROGRESS_COLUMNS,
        frame(PROGRESS_COLUMNS, rows),
        group="government",
        group_label="government",
        ratios={"done": ("disposed_value", "start_value")},
        notes=[
            "清理前资产 = 已处置 + 剩余（土地、房屋、车辆、设备、企业，按账面价值）；"
            "处置进度按价值计。",
            "应缴财政款余额为尚未上缴国库的处置收入（2103）。",
        ],
    )
    phase_rows = []
    timelines: list[Chart] = []
    for program in books.programs.values():
        program_phases = phases(books, program, holdings_of, violations)
        for phase in program_phases:
            phase_rows.append(
                {
                    "program": program.document or program.code,
                    "phase": phase.name,
                    "start": phase.start,
                    "end": phase.end,
                    "state": phase.state,
                    "progress": phase.progress,
                }
            )
        timelines.append(
            Timeline(
                f"{program.title} 工作阶段（截至 {as_of.isoformat()}）",
                tuple(program_phases),
                as_of,
            )
        )
    phase_table = Table(
        "工作阶段",
        "工作阶段及截至日状态",
        PHASE_COLUMNS,
        frame(PHASE_COLUMNS, phase_rows),
        total=False,
    )
    charts: list[Chart] = list(timelines)
    with_assets = [r for r in rows if r["start_value"]]
    if with_assets:
        charts.append(
            BarChart(
                "各机构资产处置进度（账面价值）",
                tuple(str(r["office"]) for r in with_assets),
                (
                    Series(
                        "已处置",
                        tuple(cast(Decimal, r["disposed_value"]) for r in with_assets),
                    ),
                    Series(
                        "剩余", tuple(cast(Decimal, r["left_value"]) for r in with_assets)
                    ),
                ),
                stacked=True,
            )
        )
    return Report(
        "progress",
        "清理规范工作进度",
        program_note(books),
        as_of,
        [offices_table, phase_table, violation_table(violations)],
        charts,
    )


def violation_table(violations: Sequence[PolicyViolation]) -> Table:
    rows = []
    for v in violations:
        rule = RULES.get(v.code)
        filename = v.source.get("filename") or ""
        lineno = v.source.get("lineno")
        rows.append(
            {
                "code": v.code,
                "name": rule.name if rule is not None else "",
                "office": v.office or "",
                "date": getattr(v.entry, "date", None),
                "message": v.message,
                "where": f"{filename.rsplit('/', 1)[-1]}:{lineno}" if filename else "",
            }
        )
    rows.sort(key=lambda r: (r["code"], r["office"], r["date"] or datetime.date.min))
    return Table(
        "违规事项",
        "违规事项（按规则）",
        VIOLATION_COLUMNS,
        frame(VIOLATION_COLUMNS, rows),
        total=False,
    )
