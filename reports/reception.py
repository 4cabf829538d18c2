"""公务接待信息公开 (``liaison report reception``): per office and year, spending, events,
guests and the average per person against the standard; the events over it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Any

from plugins import model
from plugins.catalogue import PolicyViolation
from plugins.vocabulary import Category
from reports.queries import office_name
from reports.queries import program_note
from reports.queries import txns_until
from reports.tables import CENT
from reports.tables import ZERO
from reports.tables import BarChart
from reports.tables import Chart
from reports.tables import Column
from reports.tables import Report
from reports.tables import Series
from reports.tables import Table
from reports.tables import frame

RECEPTION_COLUMNS = [
    Column("office", "机构代码"),
    Column("office_name", "机构名称"),
    Column("year", "年度", "number", summed=False),
    Column("spending", "接待费用", "money"),
    Column("events", "接待批次", "count"),
    Column("guests", "接待人次", "count"),
    Column("counted", "注明人数的费用", "money"),
    Column("per_person", "人均费用", "money", summed=False),
    Column("standard", "人均标准", "money", summed=False),
    Column("over_events", "超标准批次", "count"),
    Column("over_amount", "超标准金额", "money"),
    Column("no_guests", "未注明人数批次", "count"),
]

EVENT_COLUMNS = [
    Column("office", "机构代码"),
    Column("date", "日期", "date"),
    Column("payee", "接待场所/收款方"),
    Column("narration", "摘要"),
    Column("amount", "费用", "money"),
    Column("guests", "人数", "count"),
    Column("per_person", "人均", "money", summed=False),
    Column("standard", "人均标准", "money", summed=False),
    Column("over", "超出金额", "money"),
    Column("reason", "问题"),
]


def build(
    books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """公务接待信息公开: per office and year, and the events over the standard.

    An event is a transaction posting to ``Expenses:Office:<O>:Reception``; its amount
    is the sum of those postings (as LO-110 reads it). The average per person is over
    the events that state their guests; an event is over the standard when its amount
    exceeds standard × guests, or when it gives no guests.
    """
    per_year: dict[tuple[str, int], dict[str, Any]] = {}
    events: list[dict] = []
    for txn in txns_until(books):
        amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for leg in txn.office_legs():
            if leg.role is not None and leg.role.category is Category.RECEPTION:
                amounts[leg.role.code] += leg.number
        for office, amount in amounts.items():
            standard = books.settings_for(office).reception_per_person
            key = (office, txn.date.year)
            row = per_year.setdefault(
                key,
                {
                    "office": office,
                    "office_name": office_name(books, office),
                    "year": txn.date.year,
                    "spending": ZERO,
                    "events": 0,
                    "guests": 0,
                    "counted": ZERO,
                    "standard": standard,
                    "over_events": 0,
                    "over_amount": ZERO,
                    "no_guests": 0,
                },
            )
            row["spending"] += amount
            row["events"] += 1
            guests = txn.guests
            over = None
            reason = ""
            per_person = None
            if guests:
                row["guests"] += guests
                row["counted"] += amount
                per_person = (amount / guests).quantize(CENT, ROUND_HALF_UP)
                if standard is not None and amount > standard * guests:
                    over = amount - standard * guests
                    reason = "超过标准"
            else:
                row["no_guests"] += 1
                reason = "未注明人数" if guests is None else "人数为零"
            if reason:
                row["over_events"] += 1
                row["over_amount"] += over or ZERO
                events.append(
                    {
                        "office": office,
                        "date": txn.date,
                        "payee": txn.entry.payee or "",
                        "narration": txn.entry.narration or "",
                        "amount": amount,
                        "guests": guests,
                        "per_person": per_person,
                        "standard": standard,
                        "over": over,
                        "reason": reason,
                    }
                )
    rows = []
    for key in sorted(per_year):
        row = per_year[key]
        counted = row["counted"]
        row["per_person"] = (
            (counted / row["guests"]).quantize(CENT, ROUND_HALF_UP)
            if row["guests"]
            else None
        )
        rows.append(row)
    events.sort(key=lambda r: (r["office"], r["date"]))
    standards = {
        p.settings.reception_per_person
        for p in books.programs.values()
        if p.settings.reception_per_person is not None
    }
    summary = Table(
        "接待统计",
        "公务接待费用统计（按机构、年度）",
        RECEPTION_COLUMNS,
        frame(RECEPTION_COLUMNS, rows),
        group="office",
        group_label="office_name",
        ratios={"per_person": ("counted", "guests")},
        notes=[
            "人均费用 = 注明人数的接待费用 ÷ 接待人次；超标准指费用超过人均标准 × 人数，"
            "或未注明人数（LO-110）。",
            "人均标准取自方案的 reception-per-person；未设定的，只查是否注明人数。",
        ],
    )
    over_table = Table(
        "超标准接待",
        "超标准或未注明人数的接待",
        EVENT_COLUMNS,
        frame(EVENT_COLUMNS, events),
    )
    charts: list[Chart] = []
    with_average = [r for r in rows if r["per_person"] is not None]
    if with_average:
        reference = next(iter(standards)) if len(standards) == 1 else None
        charts.append(
            BarChart(
                "人均接待费用与标准",
                tuple(f"{r['office']} {r['year']}" for r in with_average),
                (Series("人均费用", tuple(r["per_person"] for r in with_average)),),
                reference=reference,
                reference_label=f"标准 {reference} 元/人" if reference is not None else "",
            )
        )
    return Report(
        "reception",
        "公务接待信息公开",
        program_note(books),
        books.as_of,
        [summary, over_table],
        charts,
    )
