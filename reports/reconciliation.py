"""资金、往来款项和债权债务专项报告 (``liaison report reconciliation``): per abolished
office, cash, receivables, payables and 应缴财政款 at the decision, the movements since,
what is left; the physical assets disposed of."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from plugins import model
from plugins.catalogue import PolicyViolation
from plugins.vocabulary import Category
from reports.labels import CATEGORY_ZH
from reports.labels import CLAIM_ORDER
from reports.labels import LIABILITIES
from reports.labels import PHYSICAL_ORDER
from reports.labels import account_code
from reports.queries import day_before
from reports.queries import disposed_assets
from reports.queries import office_name
from reports.queries import program_note
from reports.queries import sorted_offices
from reports.queries import txns_until
from reports.tables import ZERO
from reports.tables import BarChart
from reports.tables import Chart
from reports.tables import Column
from reports.tables import Report
from reports.tables import Series
from reports.tables import Table
from reports.tables import frame

RECONCILIATION_COLUMNS = [
    Column("office", "机构代码"),
    Column("office_name", "机构名称"),
    Column("decision_date", "撤销决定日", "date"),
    Column("subject", "会计科目"),
    Column("opening", "决定时余额", "money"),
    Column("increase", "此后增加", "money"),
    Column("decrease", "此后减少", "money"),
    Column("closing", "截至日余额", "money"),
    Column("state", "状态"),
]

RECON_ASSET_COLUMNS = [
    Column("office", "机构代码"),
    Column("office_name", "机构名称"),
    Column("category", "资产类别"),
    Column("subject", "会计科目"),
    Column("opening_count", "决定时数量", "count"),
    Column("opening", "决定时账面价值", "money"),
    Column("disposed_count", "已处置数量", "count"),
    Column("disposed", "已处置账面价值", "money"),
    Column("proceeds", "处置收入", "money"),
    Column("left_count", "剩余数量", "count"),
    Column("left", "剩余账面价值", "money"),
]

MOVEMENT_COLUMNS = [
    Column("office", "机构代码"),
    Column("date", "日期", "date"),
    Column("subject", "会计科目"),
    Column("account", "账户"),
    Column("payee", "对方"),
    Column("narration", "摘要"),
    Column("amount", "金额（借+/贷-）", "money", summed=False),
]


def build(
    books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """专项工作报告：资金、往来款项和债权债务 — for every abolished office.

    "At the decision" is the balance at the end of the day before the abolish or merge
    decision; the movements are those from the decision's date to the as-of date.
    Liabilities are shown as positive balances.
    """
    as_of = books.as_of
    disposed = disposed_assets(books)
    abolished = [
        (office, decision)
        for office in sorted_offices(books)
        if (decision := books.abolished_on(office)) is not None
    ]
    rows: list[dict] = []
    asset_rows: list[dict] = []
    movements: list[dict] = []
    upto = txns_until(books)
    for office, decision in abolished:
        before = day_before(decision.date)
        accounts_by_category: dict[Category, list[str]] = defaultdict(list)
        for account in books.accounts_of(office):
            role = books.role(account)
            if role is not None and role.category is not None:
                accounts_by_category[role.category].append(account)
        for category in CLAIM_ORDER:
            accounts = accounts_by_category.get(category, [])
            sign = -1 if category in LIABILITIES else 1
            opening = sum((books.balance(a, before) for a in accounts), ZERO) * sign + ZERO
            closing = sum((books.balance(a, as_of) for a in accounts), ZERO) * sign + ZERO
            increase = decrease = ZERO
            for txn in upto:
                if txn.date < decision.date:
                    continue
                for leg in txn.office_legs(office):
                    if leg.account in accounts:
                        n = leg.number * sign
                        if n > 0:
                            increase += n
                        else:
                            decrease -= n
                        movements.append(
                            {
                                "office": office,
                                "date": txn.date,
                                "subject": account_code(category),
                                "account": leg.account,
                                "payee": txn.entry.payee or "",
                                "narration": txn.entry.narration or "",
                                "amount": leg.number,
                            }
                        )
            rows.append(
                {
                    "office": office,
                    "office_name": office_name(books, office),
                    "decision_date": decision.date,
                    "subject": account_code(category),
                    "opening": opening,
                    "increase": increase,
                    "decrease": decrease,
                    "closing": closing,
                    "state": "已结清" if closing == ZERO else "未结清",
                }
            )
        for category in PHYSICAL_ORDER:
            accounts = accounts_by_category.get(category, [])
            opening_count = sum(1 for a in accounts if books.balance(a, before) != ZERO)
            opening = sum((books.balance(a, before) for a in accounts), ZERO)
            items = [
                d
                for d in disposed
                if d.office == office
                and d.account in accounts
                and d.txn.date >= decision.date
            ]
            left_count = sum(1 for a in accounts if books.balance(a, as_of) != ZERO)
            left = sum((books.balance(a, as_of) for a in accounts), ZERO)
            if not (opening_count or items or left_count):
                continue
            asset_rows.append(
                {
                    "office": office,
                    "office_name": office_name(books, office),
                    "category": CATEGORY_ZH[category],
                    "subject": account_code(category),
                    "opening_count": opening_count,
                    "opening": opening,
                    "disposed_count": len({d.account for d in items}),
                    "disposed": sum((d.carrying for d in items), ZERO),
                    "proceeds": sum((d.proceeds or ZERO for d in items), ZERO),
                    "left_count": left_count,
                    "left": left,
                }
            )
    movements.sort(key=lambda r: (r["office"], r["date"]))
    claims = Table(
        "资金往来",
        "资金、往来款项和债权债务",
        RECONCILIATION_COLUMNS,
        frame(RECONCILIATION_COLUMNS, rows),
        total=False,
        notes=[
            "决定时余额为撤销（整合）决定日前一日终了的余额；此后增加、减少为决定日至截至日的"
            "发生额；负债（2307 其他应付款、2103 应缴财政款）以正数列示。",
            "资产与负债不宜相加，故不设小计、合计；截至日余额应为零。",
        ],
    )
    assets = Table(
        "资产处置",
        "土地、房屋、车辆等资产处置情况",
        RECON_ASSET_COLUMNS,
        frame(RECON_ASSET_COLUMNS, asset_rows),
        group="office",
        group_label="office_name",
    )
    movement_table = Table(
        "往来明细",
        "决定后的资金和往来款项明细",
        MOVEMENT_COLUMNS,
        frame(MOVEMENT_COLUMNS, movements),
        total=False,
    )
    charts: list[Chart] = []
    if rows:
        labels = tuple(
            f"{r['office']} {r['subject'][5:]}"
            for r in rows
            if r["opening"] or r["closing"]
        )
        shown = [r for r in rows if r["opening"] or r["closing"]]
        if shown:
            charts.append(
                BarChart(
                    "撤销机构资金和往来款项：决定时与截至日",
                    labels,
                    (
                        Series("决定时余额", tuple(r["opening"] for r in shown)),
                        Series("截至日余额", tuple(r["closing"] for r in shown)),
                    ),
                )
            )
    notes = [] if abolished else ["截至日没有撤销或整合的机构。"]
    return Report(
        "reconciliation",
        "专项工作报告：资金、往来款项和债权债务",
        program_note(books),
        as_of,
        [claims, assets, movement_table],
        charts,
        notes,
    )
