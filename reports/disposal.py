"""资产处置明细表 (``liaison report disposal``): a row per disposed asset, subtotals by
office, a summary by office and method and one by method."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from decimal import Decimal

from plugins import model
from plugins.catalogue import PolicyViolation
from reports.labels import CATEGORY_ZH
from reports.labels import METHOD_ZH
from reports.labels import NO_METHOD
from reports.labels import account_code
from reports.labels import code_summary
from reports.queries import asset_label
from reports.queries import disposed_assets
from reports.queries import office_name
from reports.queries import program_note
from reports.queries import violations_by_entry
from reports.tables import ZERO
from reports.tables import BarChart
from reports.tables import Chart
from reports.tables import Column
from reports.tables import Report
from reports.tables import Series
from reports.tables import Table
from reports.tables import frame
from reports.tables import is_blank

DISPOSAL_COLUMNS = [  # the office's name heads its subtotal: A4 has no room for it twice
    Column("office", "机构代码"),
    Column("asset_id", "资产编号"),
    Column("asset_name", "资产名称"),
    Column("category", "资产类别"),
    Column("account_code", "会计科目"),
    Column("carrying", "账面价值", "money"),
    Column("appraisal", "评估价值", "money"),
    Column("appraisal_date", "评估基准日", "date"),
    Column("method", "处置方式"),
    Column("date", "处置日期", "date"),
    Column("counterparty", "受让方/接收方"),
    Column("proceeds", "成交金额", "money"),
    Column("below", "低于评估价"),
    Column("approval", "批准文号"),
    Column("remitted", "已上缴", "money"),
    Column("remitted_on", "上缴日期（先收先缴）"),
    Column("outstanding", "未上缴", "money"),
    Column("violations", "违规"),
]

SUMMARY_COLUMNS = [
    Column("office", "机构代码"),
    Column("office_name", "机构名称"),
    Column("method", "处置方式"),
    Column("count", "资产数", "count"),
    Column("carrying", "账面价值", "money"),
    Column("appraisal", "评估价值", "money"),
    Column("proceeds", "成交金额", "money"),
    Column("remitted", "已上缴", "money"),
    Column("outstanding", "未上缴", "money"),
]


def disposal_rows(books: model.Books, violations: Sequence[PolicyViolation]) -> list[dict]:
    """The rows of the disposal report, one per disposed asset."""
    by_entry = violations_by_entry(violations)
    rows = []
    for item in disposed_assets(books):
        txn = item.txn
        asset_id, name = asset_label(books, item.account)
        counterparty = txn.recipient or txn.entry.payee or ""
        remitted_on = "；".join(
            f"{d.isoformat()} {amount:,.2f}" for d, amount in item.remitted
        )
        rows.append(
            {
                "office": item.office,
                "office_name": office_name(books, item.office),
                "asset_id": asset_id,
                "asset_name": name,
                "category": CATEGORY_ZH.get(item.category, "") if item.category else "",
                "account_code": account_code(item.category),
                "carrying": item.carrying,
                "appraisal": item.appraisal,
                "appraisal_date": txn.appraisal_date,
                "method": METHOD_ZH.get(item.method or "", NO_METHOD),
                "method_key": item.method or "",
                "date": txn.date,
                "counterparty": counterparty,
                "proceeds": item.proceeds,
                "below": item.below,
                "approval": txn.approval or "",
                "remitted": item.remitted_total if item.proceeds is not None else None,
                "remitted_on": remitted_on,
                "outstanding": item.outstanding,
                "violations": code_summary(by_entry.get(id(txn.entry), ())),
            }
        )
    rows.sort(key=lambda r: (r["office"], r["date"], r["asset_id"]))
    return rows


def _summarise(rows: list[dict], keys: tuple[str, ...]) -> list[dict]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[k] for k in keys)].append(row)
    result = []
    for _key, items in sorted(groups.items(), key=lambda kv: kv[0]):
        first = items[0]
        result.append(
            {
                "office": first["office"] if "office" in keys else "",
                "office_name": first["office_name"] if "office" in keys else "",
                "method": first["method"],
                "count": len(items),
                "carrying": _add(items, "carrying"),
                "appraisal": _add(items, "appraisal"),
                "proceeds": _add(items, "proceeds"),
                "remitted": _add(items, "remitted"),
                "outstanding": _add(items, "outstanding"),
            }
        )
    return result


def _add(rows: Iterable[dict], key: str) -> Decimal:
    return sum((r[key] for r in rows if not is_blank(r[key])), ZERO)


def build(
    books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """资产处置明细表: a row per disposed asset, subtotals by office and method."""
    rows = disposal_rows(books, violations)
    detail = Table(
        "处置明细",
        "资产处置明细表",
        DISPOSAL_COLUMNS,
        frame(DISPOSAL_COLUMNS, rows, extra=("office_name", "method_key")),
        group="office",
        group_label="office_name",
        notes=[
            "会计科目按《政府会计制度》：1601 固定资产（房屋、车辆、设备），"
            "1701 无形资产（土地使用权），1501 长期股权投资（企业）。",
            "成交金额为处置收入计入资金（1002 银行存款）与债权（1218 其他应收款）之数；"
            "划转无成交金额。一笔处置多项资产时，评估价值与成交金额按账面价值比例分摊。",
            "已上缴按先收先缴逐笔匹配上缴本级国库或冲减应缴财政款（2103）的款项。",
            "处置方式“未注明”：撤销机构的实物资产未经划转、拍卖、有偿转让而转出（LD-201）。",
        ],
    )
    summary_columns = SUMMARY_COLUMNS
    by_office_method = Table(
        "按机构和方式",
        "按机构和处置方式汇总",
        summary_columns,
        frame(summary_columns, _summarise(rows, ("office", "method"))),
        group="office",
        group_label="office_name",
    )
    method_columns = [c for c in SUMMARY_COLUMNS if c.key not in ("office", "office_name")]
    by_method = Table(
        "按处置方式",
        "按处置方式汇总",
        method_columns,
        frame(method_columns, _summarise(rows, ("method",))),
    )
    charts: list[Chart] = []
    if rows:
        offices = sorted({r["office"] for r in rows})
        per = {o: [r for r in rows if r["office"] == o] for o in offices}
        charts.append(
            BarChart(
                "各机构处置资产账面价值、成交金额与已上缴",
                tuple(offices),
                (
                    Series("账面价值", tuple(_add(per[o], "carrying") for o in offices)),
                    Series("成交金额", tuple(_add(per[o], "proceeds") for o in offices)),
                    Series("已上缴", tuple(_add(per[o], "remitted") for o in offices)),
                ),
            )
        )
    return Report(
        "disposal",
        "资产处置明细表",
        program_note(books),
        books.as_of,
        [detail, by_office_method, by_method],
        charts,
    )
