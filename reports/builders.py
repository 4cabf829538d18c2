"""The reports' contents: pure functions from the books to tables (SPEC section 6).

``build(kind, books, violations)`` returns a :class:`Report`: its title, one or more
:class:`Table` (a pandas DataFrame with Chinese column headers, the column to subtotal
by, and whether it has a total row) and the charts worth drawing. Money stays
``Decimal`` here; the writers (``reports.writers``) convert it. Nothing in this module
reads or writes a file, so the Fava dashboard can call the same builders.

Everything is judged at ``books.as_of``: entries dated after it are ignored, balances
are taken at the end of that day.

The kinds:

- ``disposal`` — 资产处置明细表: a row per disposed asset, subtotals by office, a
  summary by office and method and one by method.
- ``progress`` — 清理规范工作进度: a row per office, the program's phases with their
  state on the as-of date, and the violations.
- ``registration`` — 附表一 核实登记表: a row per office with its registration.
- ``reconciliation`` — 资金、往来款项和债权债务专项报告: per abolished office, cash,
  receivables, payables and 应缴财政款 at the decision, the movements since, what is
  left; the physical assets disposed of.
- ``reception`` — 公务接待信息公开: per office and year, spending, events, guests and the
  average per person against the standard; the events over it.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Any
from typing import cast

import pandas as pd

from plugins import model
from plugins.model import Category
from plugins.rules import RULES
from plugins.rules import PolicyViolation

ZERO = Decimal(0)
CENT = Decimal("0.01")

KINDS = ("disposal", "progress", "registration", "reconciliation", "reception")

# --- vocabulary ----------------------------------------------------------------------

METHOD_ZH = model.METHOD_WORDS  # 划转 拍卖 有偿转让: one table with the rule messages
NO_METHOD = "未注明"

CATEGORY_ZH = {
    Category.LAND: "土地",
    Category.BUILDINGS: "房屋",
    Category.VEHICLES: "车辆",
    Category.EQUIPMENT: "设备",
    Category.ENTERPRISES: "企业",
    Category.RECEIVABLES: "债权",
    Category.CASH: "资金",
    Category.PAYABLES: "债务",
    Category.DUE_TO_TREASURY: "应缴财政款",
}

ACCOUNT_CODES: dict[Category, tuple[str, str]] = {
    Category.LAND: ("1701", "无形资产"),  # land-use rights (政府会计准则第4号)
    Category.BUILDINGS: ("1601", "固定资产"),
    Category.VEHICLES: ("1601", "固定资产"),
    Category.EQUIPMENT: ("1601", "固定资产"),
    Category.ENTERPRISES: ("1501", "长期股权投资"),
    Category.CASH: ("1002", "银行存款"),
    Category.RECEIVABLES: ("1218", "其他应收款"),
    Category.PAYABLES: ("2307", "其他应付款"),
    Category.DUE_TO_TREASURY: ("2103", "应缴财政款"),
}
"""Accounts of 政府会计制度 (财会〔2017〕25号) for what the ledger's categories hold."""

LEVEL_ZH = {
    "province": "省级",
    "sub-provincial": "副省级市",
    "planned-city": "计划单列市",
    "sez": "经济特区",
    "xpcc": "新疆生产建设兵团",
    "prefecture": "地市级",
    "county": "县级",
}
KIND_ZH = {
    "government": "政府",
    "department": "政府部门",
    "devzone": "开发区",
    "aid": "对口援助",
}
ACTION_ZH = {"retain": "保留", "abolish": "撤销", "merge": "整合"}
CLASS_ZH = {"keep": "保留", "approve": "经批准可保留", "abolish": "应撤销"}

PHYSICAL_ORDER = (
    Category.LAND,
    Category.BUILDINGS,
    Category.VEHICLES,
    Category.EQUIPMENT,
    Category.ENTERPRISES,
)
CLAIM_ORDER = (
    Category.CASH,
    Category.RECEIVABLES,
    Category.PAYABLES,
    Category.DUE_TO_TREASURY,
)
LIABILITIES = frozenset({Category.PAYABLES, Category.DUE_TO_TREASURY})


def account_code(category: Category | None) -> str:
    """``1601 固定资产`` for a category, or empty text."""
    if category is None or category not in ACCOUNT_CODES:
        return ""
    code, name = ACCOUNT_CODES[category]
    return f"{code} {name}"


def is_blank(value: Any) -> bool:
    """None, NaN or pandas' NA: a cell with nothing in it."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


# --- the report's shape --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of a table.

    Attributes:
        key: The DataFrame column.
        header: The Chinese header.
        kind: ``text``, ``money`` (Decimal yuan), ``count``, ``date``, ``percent`` (a
            Decimal fraction) or ``number``.
        summed: Whether subtotals and totals add it up (money and counts by default).
    """

    key: str
    header: str
    kind: str = "text"
    summed: bool | None = None

    @property
    def adds_up(self) -> bool:
        if self.summed is not None:
            return self.summed
        return self.kind in ("money", "count")


@dataclasses.dataclass
class Table:
    """One table of a report: its rows, and how they add up.

    Attributes:
        name: A short name (the xlsx sheet).
        title: The table's heading.
        columns: The columns, in order.
        frame: One row per item, its columns named by ``Column.key``.
        group: A column key: a subtotal row follows every run of equal values.
        group_label: The column whose value names the group in its subtotal row.
        total: Whether a total row closes the table.
        notes: Lines printed under the table.
        ratios: Columns that subtotals and totals compute as one sum over another,
            e.g. ``{"per_person": ("counted", "guests")}``.
    """

    name: str
    title: str
    columns: list[Column]
    frame: pd.DataFrame
    group: str | None = None
    group_label: str | None = None
    total: bool = True
    notes: list[str] = dataclasses.field(default_factory=list)
    ratios: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)

    def sums(self, frame: pd.DataFrame) -> dict[str, Any]:
        """The sums of the columns that add up, over ``frame``'s rows."""
        result: dict[str, Any] = {}
        for column in self.columns:
            if not column.adds_up:
                continue
            values = [v for v in frame[column.key] if not is_blank(v)]
            if column.kind == "money":
                result[column.key] = sum((Decimal(v) for v in values), ZERO)
            else:
                result[column.key] = sum(values, 0)
        kinds = {c.key: c.kind for c in self.columns}
        for key, (numerator, denominator) in self.ratios.items():
            top, bottom = result.get(numerator), result.get(denominator)
            if top is None or not bottom:
                continue
            ratio = Decimal(top) / Decimal(bottom)
            result[key] = (
                ratio.quantize(CENT, ROUND_HALF_UP) if kinds[key] == "money" else ratio
            )
        return result

    @property
    def label_key(self) -> str:
        """The column where "小计"/"合计" is written: the first text column."""
        for column in self.columns:
            if column.kind == "text":
                return column.key
        return self.columns[0].key

    def rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every line to print: ``("row", …)``, ``("subtotal", …)``, ``("total", …)``."""
        records = self.frame.to_dict("records")
        if self.group is not None and records:
            start = 0
            for index in range(1, len(records) + 1):
                if (
                    index == len(records)
                    or records[index][self.group] != records[start][self.group]
                ):
                    run = records[start:index]
                    yield from (("row", r) for r in run)
                    if len(run) == 1:  # a subtotal of one row repeats it
                        start = index
                        continue
                    sub = self.sums(self.frame.iloc[start:index])
                    name = run[0].get(self.group_label or self.group)
                    sub[self.label_key] = f"小计：{'' if is_blank(name) else name}"
                    yield "subtotal", sub
                    start = index
        else:
            yield from (("row", r) for r in records)
        if self.total and any(c.adds_up for c in self.columns):
            total = self.sums(self.frame)
            total[self.label_key] = "合计"
            yield "total", total


@dataclasses.dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal, ...]


@dataclasses.dataclass(frozen=True)
class BarChart:
    """Grouped bars, one group per category, one bar per series."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "元"
    reference: Decimal | None = None
    reference_label: str = ""
    stacked: bool = False


@dataclasses.dataclass(frozen=True)
class Phase:
    name: str
    start: datetime.date
    end: datetime.date
    state: str
    progress: str = ""


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Phases on a calendar, with a line at the as-of date."""

    title: str
    phases: tuple[Phase, ...]
    marker: datetime.date


Chart = BarChart | Timeline


@dataclasses.dataclass
class Report:
    """A report: title, tables and charts.

    Attributes:
        kind: One of ``KINDS`` (or ``consolidate``).
        title: The report's Chinese title.
        subtitle: What it covers (the programs' documents).
        as_of: The date it is made at.
        tables: The tables, the main one first.
        charts: Pictures for the html report.
        notes: Lines printed under the title block.
    """

    kind: str
    title: str
    subtitle: str
    as_of: datetime.date | None
    tables: list[Table]
    charts: list[Chart] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def main(self) -> Table:
        return self.tables[0]


def frame(
    columns: Sequence[Column], rows: Iterable[dict[str, Any]], extra: Sequence[str] = ()
) -> pd.DataFrame:
    """A DataFrame of ``columns`` (and ``extra`` keys not shown), object dtype.

    Object dtype keeps Decimal and date as they are.
    """
    keys = [c.key for c in columns] + list(extra)
    data = [[row.get(k) for k in keys] for row in rows]
    return pd.DataFrame(data, columns=keys, dtype=object)


# --- shared readings of the books ----------------------------------------------------


def txns_until(books: model.Books) -> list[model.Txn]:
    """The transactions dated on or before the as-of date."""
    return [t for t in books.txns if t.date <= books.as_of]


def office_name(books: model.Books, office: str) -> str:
    declared = books.offices.get(office)
    return declared.name if declared is not None else office


def government_name(books: model.Books, code: str | None) -> str:
    if not code:
        return ""
    government = books.governments.get(code)
    return government.name if government is not None else code


def asset_label(books: model.Books, account: str) -> tuple[str, str]:
    """The asset's id and name: from its ``open`` metadata, else its account."""
    asset = books.assets.get(account)
    leaf = account.rsplit(":", 1)[-1]
    asset_id = asset.asset_id if asset is not None and asset.asset_id else leaf
    name = asset.name if asset is not None and asset.name else account
    return asset_id, name


def day_before(date: datetime.date) -> datetime.date:
    return date - datetime.timedelta(days=1)


def split(total: Decimal | None, weights: Sequence[Decimal]) -> list[Decimal | None]:
    """``total`` shared in proportion to ``weights``, to the cent, adding up exactly."""
    if total is None:
        return [None] * len(weights)
    if len(weights) == 1:
        return [total]
    whole = sum(weights, ZERO)
    shares: list[Decimal | None] = []
    given = ZERO
    for index, weight in enumerate(weights):
        if index == len(weights) - 1:
            shares.append(total - given)
        else:
            share = (
                (total * weight / whole).quantize(CENT, ROUND_HALF_UP)
                if whole
                else (total / len(weights)).quantize(CENT, ROUND_HALF_UP)
            )
            shares.append(share)
            given += share
    return shares


def violations_by_office(violations: Iterable[PolicyViolation]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for v in violations:
        if v.office:
            result[v.office].append(v.code)
    return result


def violations_by_entry(violations: Iterable[PolicyViolation]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    for v in violations:
        if v.entry is not None:
            result[id(v.entry)].append(v.code)
    return result


def code_summary(codes: Iterable[str]) -> str:
    """``LD-205×2, LO-111`` for a list of codes."""
    counts = Counter(codes)
    return ", ".join(f"{code}×{n}" if n > 1 else code for code, n in sorted(counts.items()))


Remittance = model.Remittance


def remittances(books: model.Books) -> dict[str, list[Remittance]]:
    """Every office's remittances to its own treasury up to the as-of date, in order.

    The model's reading (``Books.remittances_of``), which LD-212 uses too.
    """
    result = {}
    for office in sorted(books.office_accounts):
        found = books.remittances_of(office)
        if found:
            result[office] = found
    return result


@dataclasses.dataclass
class Disposed:
    """One asset leaving an office's books: a row of the disposal report."""

    office: str
    account: str
    category: Category | None
    txn: model.Txn
    method: str | None
    carrying: Decimal
    appraisal: Decimal | None
    proceeds: Decimal | None
    below: str
    remitted: list[tuple[datetime.date, Decimal]] = dataclasses.field(default_factory=list)

    @property
    def remitted_total(self) -> Decimal:
        return sum((amount for _, amount in self.remitted), ZERO)

    @property
    def outstanding(self) -> Decimal | None:
        if self.proceeds is None:
            return None
        return self.proceeds - self.remitted_total


def disposed_assets(books: model.Books) -> list[Disposed]:
    """Every physical asset that left an office up to the as-of date, oldest first.

    A transaction with ``disposal`` gives a row per physical account it takes out; so
    does one without, where an abolished office's asset leaves on or after its
    abolition (its method is then 未注明: LD-201). Where one transaction disposes of
    several assets, its appraisal and proceeds are shared in proportion to their
    carrying amounts. Proceeds of auctions and sales are matched with the office's
    remittances oldest first.
    """
    rows: list[Disposed] = []
    for txn in txns_until(books):
        by_office: dict[str, list[model.Leg]] = defaultdict(list)
        for leg in txn.office_legs():
            if leg.role is not None and leg.role.physical and leg.number < 0:
                by_office[leg.role.code].append(leg)
        for office, legs in by_office.items():
            if not txn.disposal_given and not books.is_abolished(office, txn.date):
                continue
            method = txn.disposal
            weights = [-leg.number for leg in legs]
            sells = method in ("auction", "sale")
            proceeds = txn.proceeds(office) if sells else None
            appraisal_shares = split(txn.appraisal, weights)
            proceeds_shares = split(proceeds, weights)
            below = ""
            if sells:
                if txn.appraisal is None:
                    below = "无评估"
                else:
                    tolerance = books.settings_for(office).tolerance(txn.appraisal)
                    assert proceeds is not None
                    if proceeds < txn.appraisal - tolerance:
                        below = (
                            f"是（已批准 {txn.price_approval}）"
                            if txn.price_approval
                            else "是"
                        )
                    else:
                        below = "否"
            for leg, weight, appraisal, share in zip(
                legs, weights, appraisal_shares, proceeds_shares, strict=True
            ):
                rows.append(
                    Disposed(
                        office=office,
                        account=leg.account,
                        category=leg.role.category if leg.role is not None else None,
                        txn=txn,
                        method=method,
                        carrying=weight,
                        appraisal=appraisal,
                        proceeds=share,
                        below=below,
                    )
                )
    _match_remittances(rows, remittances(books))
    return rows


def _match_remittances(rows: list[Disposed], paid: dict[str, list[Remittance]]) -> None:
    """Give each row with proceeds its remittances, oldest proceeds first (FIFO), by the
    same allocation LD-212 judges with."""
    owed: dict[str, list[Disposed]] = defaultdict(list)
    for row in rows:  # rows are in date order
        if row.proceeds and row.proceeds > 0:
            owed[row.office].append(row)
    for office, items in owed.items():
        payments = [(r.date, r.amount) for r in paid.get(office, ())]
        settled = model.allocate_fifo(
            [(r.txn.date, r.proceeds or ZERO) for r in items], payments
        )
        for row, parts in zip(items, settled, strict=True):
            row.remitted = parts


def program_note(books: model.Books) -> str:
    """The programs' titles and documents, for the subtitle."""
    parts = []
    for program in books.programs.values():
        document = f"（{program.document}）" if program.document else ""
        parts.append(f"{program.title}{document}")
    return "；".join(parts)


def _sorted_offices(books: model.Books) -> list[str]:
    def key(code: str) -> tuple[str, str]:
        declared = books.offices[code]
        return (declared.government or "", code)

    return sorted(books.offices, key=key)


# --- disposal ------------------------------------------------------------------------

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


def build_disposal(
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


# --- progress ------------------------------------------------------------------------


@dataclasses.dataclass
class Holdings:
    """An office's physical assets: count and value at the start, disposed, left."""

    start_count: int = 0
    start_value: Decimal = ZERO
    disposed_count: int = 0
    disposed_value: Decimal = ZERO
    left_count: int = 0
    left_value: Decimal = ZERO


def holdings(books: model.Books, disposed: Sequence[Disposed]) -> dict[str, Holdings]:
    """Every office's physical assets up to the as-of date.

    An asset is a physical account. What it was worth at the start is what is left on
    it plus what was disposed of from it, so start = disposed + left holds for counts
    and values; an account emptied without a disposal row (written off) counts as
    neither.
    """
    out_by_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in disposed:
        out_by_account[item.account] += item.carrying
    result: dict[str, Holdings] = defaultdict(Holdings)
    for office in books.offices:
        result[office]  # every declared office has a row
    for office, accounts in books.office_accounts.items():
        h = result[office]
        for account in accounts:
            role = books.role(account)
            if role is None or not role.physical:
                continue
            left = books.balance(account, books.as_of)
            out = out_by_account.get(account, ZERO)
            if left == ZERO and out == ZERO:
                continue
            h.start_count += 1
            h.start_value += left + out
            h.disposed_value += out
            h.left_value += left
            if left != ZERO:
                h.left_count += 1
            else:
                h.disposed_count += 1
    return result


def category_balance(
    books: model.Books, office: str, category: Category, date: datetime.date
) -> Decimal:
    return sum(
        (books.balance(a, date) for a in books.accounts_of(office, (category,))), ZERO
    )


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


def _decision_text(decision: model.Decision | None) -> str:
    if decision is None:
        return "未决定"
    text = ACTION_ZH.get(decision.action, decision.action)
    if decision.action == "merge" and decision.into:
        text += f"（并入 {decision.into}）"
    return text


def _registration(books: model.Books, office: str) -> model.Registration | None:
    for registration in books.registrations.get(office, ()):
        if registration.date <= books.as_of:
            return registration
    return None


def _level_text(books: model.Books, office: str) -> str:
    declared = books.offices[office]
    government = books.governments.get(declared.government or "")
    level = LEVEL_ZH.get(government.level or "", "") if government is not None else ""
    kind = KIND_ZH.get(declared.kind, declared.kind)
    return f"{level}{kind}" if level else kind


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
    registered = [o for o in offices if _registration(books, o) is not None]
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
    share = _percent_text(disposed_value, start_value)
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


def _percent_text(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "—"
    return f"{(part / whole * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def build_progress(
    books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """清理规范工作进度: a row per office; the program's phases; the violations."""
    disposed = disposed_assets(books)
    holdings_of = holdings(books, disposed)
    by_office = violations_by_office(violations)
    as_of = books.as_of
    rows = []
    for office in _sorted_offices(books):
        declared = books.offices[office]
        decision = books.decision_on(office, as_of)
        registration = _registration(books, office)
        h = holdings_of[office]
        codes = by_office.get(office, [])
        rows.append(
            {
                "government": government_name(books, declared.government),
                "office": office,
                "office_name": declared.name,
                "level": _level_text(books, office),
                "class": CLASS_ZH.get(books.office_class(office) or "", ""),
                "decision": _decision_text(decision),
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


# --- registration --------------------------------------------------------------------

REGISTRATION_COLUMNS = [
    Column("seq", "序号", "number", summed=False),
    Column("government", "派出地政府"),
    Column("office", "机构代码"),
    Column("office_name", "机构名称"),
    Column("level", "级别/类型"),
    Column("host", "驻在城市"),
    Column("established", "设立时间", "date"),
    Column("staff", "工作人员", "count"),
    Column("registered", "登记日期", "date"),
    Column("land", "土地", "count"),
    Column("buildings", "房屋", "count"),
    Column("vehicles", "车辆", "count"),
    Column("equipment", "设备", "count"),
    Column("enterprises", "所属企业", "count"),
    Column("assets_value", "资产账面价值", "money"),
    Column("cash", "银行存款", "money"),
    Column("proposal", "精简整合意见"),
    Column("approval", "批准文号"),
    Column("remark", "备注"),
]

_REGISTRATION_KNOWN = frozenset({"filename", "lineno", "staff", "established"})


def build_registration(
    books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """附表一 核实登记表: a row per office with its registration fields.

    Assets are counted on the registration date (else the as-of date); metadata on the
    ``registration`` beyond staff and established become columns of their own.
    """
    as_of = books.as_of
    extra_keys: list[str] = []
    for office in books.offices:
        registration = _registration(books, office)
        if registration is None:
            continue
        for key in registration.entry.meta or {}:
            if key not in _REGISTRATION_KNOWN and key not in extra_keys:
                extra_keys.append(key)
    columns = list(REGISTRATION_COLUMNS)
    columns[-1:-1] = [Column(f"meta:{k}", k) for k in extra_keys]
    rows = []
    for index, office in enumerate(_sorted_offices(books), start=1):
        declared = books.offices[office]
        registration = _registration(books, office)
        date = registration.date if registration is not None else as_of
        counts: Counter[Category] = Counter()
        value = ZERO
        for account in books.accounts_of(office, model.PHYSICAL):
            balance = books.balance(account, date)
            if balance != ZERO:
                role = books.role(account)
                if role is not None and role.category is not None:
                    counts[role.category] += 1
                value += balance
        decision = books.decision_on(office, as_of)
        s = books.settings_for(office)
        if registration is None:
            remark = "未核实登记"
        elif registration.date > s.register_by:
            remark = f"逾期登记（应于 {s.register_by.isoformat()} 前）"
        else:
            remark = ""
        proposal = (
            _decision_text(decision)
            if decision is not None
            else CLASS_ZH.get(books.office_class(office) or "", "")
        )
        row = {
            "seq": index,
            "government": government_name(books, declared.government),
            "office": office,
            "office_name": declared.name,
            "level": _level_text(books, office),
            "host": declared.host or "",
            "established": registration.established if registration else None,
            "staff": registration.staff if registration else None,
            "registered": registration.date if registration else None,
            "land": counts[Category.LAND],
            "buildings": counts[Category.BUILDINGS],
            "vehicles": counts[Category.VEHICLES],
            "equipment": counts[Category.EQUIPMENT],
            "enterprises": counts[Category.ENTERPRISES],
            "assets_value": value,
            "cash": category_balance(books, office, Category.CASH, date),
            "proposal": proposal,
            "approval": (decision.approval or "") if decision is not None else "",
            "remark": remark,
        }
        meta = registration.entry.meta if registration is not None else {}
        for key in extra_keys:
            value_ = (meta or {}).get(key)
            row[f"meta:{key}"] = "" if value_ is None else str(value_)
        rows.append(row)
    table = Table(
        "核实登记表",
        "附表一 驻外办事机构核实登记表",
        columns,
        frame(columns, rows),
        notes=[
            "资产数与账面价值为登记日（未登记的为截至日）持有的实物资产；"
            "精简整合意见为截至日的决定，无决定的为方案对该级别机构的要求。",
        ],
    )
    return Report(
        "registration",
        "附表一 核实登记表",
        program_note(books),
        as_of,
        [table],
    )


# --- reconciliation ------------------------------------------------------------------

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


def build_reconciliation(
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
        for office in _sorted_offices(books)
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


# --- reception -----------------------------------------------------------------------

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


def build_reception(
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


# --- dispatch ------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[model.Books, Sequence[PolicyViolation]], Report]] = {
    "disposal": build_disposal,
    "progress": build_progress,
    "registration": build_registration,
    "reconciliation": build_reconciliation,
    "reception": build_reception,
}


def build(
    kind: str, books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """The report ``kind`` (one of ``KINDS``) of the books at ``books.as_of``."""
    try:
        builder = BUILDERS[kind]
    except KeyError:
        raise ValueError(f"unknown report {kind!r}; one of {', '.join(KINDS)}") from None
    return builder(books, violations)
