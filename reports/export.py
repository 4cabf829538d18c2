"""``liaison export`` (parquet) and ``liaison consolidate`` (DuckDB) — SPEC section 6.

``export`` writes one locality's books, as of a date, to
``DIR/{offices,assets,disposals,remittances,violations}.parquet``; every row carries the
ledger's path, SHA-256, as-of date and locality, so files from many localities can be
read together. Money is ``decimal128(20, 2)`` (yuan to the fen), never a float.

``consolidate`` reads many such folders with DuckDB and summarises them in one report
(a row per locality; violations by rule; the sources), written by ``reports.writers``.

``tables(...)`` and ``build_consolidated(...)`` are pure; only ``export`` and
``consolidate`` touch files.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from collections.abc import Sequence
from decimal import ROUND_HALF_UP
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from plugins import model
from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation
from plugins.vocabulary import Category
from reports import builders
from reports import files
from reports.builders import Column
from reports.builders import Report
from reports.builders import Table

NAMES = ("offices", "assets", "disposals", "remittances", "violations")
MONEY = pa.decimal128(20, 2)
CENT = Decimal("0.01")


class ExportError(Exception):
    """A folder is not a liaison export, or the exports cannot be read together."""


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, ROUND_HALF_UP)


SOURCE_FIELDS = [
    pa.field("ledger", pa.string()),
    pa.field("ledger_sha256", pa.string()),
    pa.field("as_of", pa.date32()),
    pa.field("locality", pa.string()),
]

SCHEMAS: dict[str, pa.Schema] = {
    "offices": pa.schema(
        [
            *SOURCE_FIELDS,
            pa.field("office", pa.string()),
            pa.field("office_name", pa.string()),
            pa.field("government", pa.string()),
            pa.field("government_name", pa.string()),
            pa.field("level", pa.string()),
            pa.field("kind", pa.string()),
            pa.field("host", pa.string()),
            pa.field("program", pa.string()),
            pa.field("class", pa.string()),
            pa.field("decision", pa.string()),
            pa.field("decision_date", pa.date32()),
            pa.field("approval", pa.string()),
            pa.field("into", pa.string()),
            pa.field("registered", pa.date32()),
            pa.field("staff", pa.int64()),
            pa.field("established", pa.date32()),
            pa.field("start_count", pa.int64()),
            pa.field("start_value", MONEY),
            pa.field("disposed_count", pa.int64()),
            pa.field("disposed_value", MONEY),
            pa.field("left_count", pa.int64()),
            pa.field("left_value", MONEY),
            pa.field("cash", MONEY),
            pa.field("receivables", MONEY),
            pa.field("payables", MONEY),
            pa.field("due_to_treasury", MONEY),
            pa.field("violations", pa.int64()),
        ]
    ),
    "assets": pa.schema(
        [
            *SOURCE_FIELDS,
            pa.field("office", pa.string()),
            pa.field("account", pa.string()),
            pa.field("asset_id", pa.string()),
            pa.field("name", pa.string()),
            pa.field("category", pa.string()),
            pa.field("account_code", pa.string()),
            pa.field("acquired", pa.date32()),
            pa.field("original_cost", MONEY),
            pa.field("start_value", MONEY),
            pa.field("disposed_value", MONEY),
            pa.field("balance", MONEY),
            pa.field("use", pa.string()),
        ]
    ),
    "disposals": pa.schema(
        [
            *SOURCE_FIELDS,
            pa.field("office", pa.string()),
            pa.field("account", pa.string()),
            pa.field("asset_id", pa.string()),
            pa.field("asset_name", pa.string()),
            pa.field("category", pa.string()),
            pa.field("account_code", pa.string()),
            pa.field("date", pa.date32()),
            pa.field("method", pa.string()),
            pa.field("carrying", MONEY),
            pa.field("appraisal", MONEY),
            pa.field("appraisal_date", pa.date32()),
            pa.field("counterparty", pa.string()),
            pa.field("proceeds", MONEY),
            pa.field("below_appraisal", pa.string()),
            pa.field("approval", pa.string()),
            pa.field("price_approval", pa.string()),
            pa.field("remitted", MONEY),
            pa.field("outstanding", MONEY),
        ]
    ),
    "remittances": pa.schema(
        [
            *SOURCE_FIELDS,
            pa.field("office", pa.string()),
            pa.field("date", pa.date32()),
            pa.field("amount", MONEY),
            pa.field("via", pa.string()),
            pa.field("payee", pa.string()),
            pa.field("narration", pa.string()),
        ]
    ),
    "violations": pa.schema(
        [
            *SOURCE_FIELDS,
            pa.field("code", pa.string()),
            pa.field("name", pa.string()),
            pa.field("clause", pa.string()),
            pa.field("office", pa.string()),
            pa.field("account", pa.string()),
            pa.field("date", pa.date32()),
            pa.field("filename", pa.string()),
            pa.field("lineno", pa.int64()),
            pa.field("message", pa.string()),
        ]
    ),
}


def locality_of(books: model.Books, options: dict[str, Any] | None = None) -> str:
    """The locality a ledger keeps: its ``title`` option, else its top government."""
    title = (options or {}).get("title")
    if title and title != "Beancount":
        return str(title)
    for government in books.governments.values():
        if not government.parent or government.parent not in books.governments:
            return government.name
    return ""


def _table(name: str, rows: list[dict[str, Any]], source: dict[str, Any]) -> pa.Table:
    schema = SCHEMAS[name]
    full = [{**source, **row} for row in rows]
    columns = {f.name: [r.get(f.name) for r in full] for f in schema}
    return pa.table(columns, schema=schema)


def tables(
    books: model.Books,
    violations: Sequence[PolicyViolation],
    *,
    ledger: str,
    sha256: str,
    locality: str,
) -> dict[str, pa.Table]:
    """The five export tables of one ledger at ``books.as_of`` (pure)."""
    source = {
        "ledger": ledger,
        "ledger_sha256": sha256,
        "as_of": books.as_of,
        "locality": locality,
    }
    as_of = books.as_of
    disposed = builders.disposed_assets(books)
    holdings = builders.holdings(books, disposed)
    by_office = builders.violations_by_office(violations)

    offices = []
    for code in sorted(books.offices):
        office = books.offices[code]
        decision = books.decision_on(code, as_of)
        registration = next(
            (r for r in books.registrations.get(code, ()) if r.date <= as_of), None
        )
        h = holdings[code]
        government = books.governments.get(office.government or "")

        def balance(category: Category, office_code: str = code) -> Decimal:
            return builders.category_balance(books, office_code, category, as_of)

        offices.append(
            {
                "office": code,
                "office_name": office.name,
                "government": office.government,
                "government_name": government.name if government else None,
                "level": government.level if government else None,
                "kind": office.kind,
                "host": office.host,
                "program": office.program,
                "class": books.office_class(code),
                "decision": decision.action if decision else None,
                "decision_date": decision.date if decision else None,
                "approval": decision.approval if decision else None,
                "into": decision.into if decision else None,
                "registered": registration.date if registration else None,
                "staff": registration.staff if registration else None,
                "established": registration.established if registration else None,
                "start_count": h.start_count,
                "start_value": _money(h.start_value),
                "disposed_count": h.disposed_count,
                "disposed_value": _money(h.disposed_value),
                "left_count": h.left_count,
                "left_value": _money(h.left_value),
                "cash": _money(balance(Category.CASH)),
                "receivables": _money(balance(Category.RECEIVABLES)),
                "payables": _money(-balance(Category.PAYABLES)),
                "due_to_treasury": _money(-balance(Category.DUE_TO_TREASURY)),
                "violations": len(by_office.get(code, ())),
            }
        )

    out_by_account: dict[str, Decimal] = {}
    for item in disposed:
        out_by_account[item.account] = out_by_account.get(item.account, Decimal(0)) + (
            item.carrying
        )
    assets = []
    for _office, accounts in sorted(books.office_accounts.items()):
        for account in accounts:
            role = books.role(account)
            if role is None or not role.physical:
                continue
            asset = books.assets.get(account)
            asset_id, name = builders.asset_label(books, account)
            left = books.balance(account, as_of)
            out = out_by_account.get(account, Decimal(0))
            assets.append(
                {
                    "office": role.code,
                    "account": account,
                    "asset_id": asset_id,
                    "name": name,
                    "category": role.category.value if role.category else None,
                    "account_code": builders.account_code(role.category),
                    "acquired": asset.acquired if asset else None,
                    "original_cost": _money(asset.original_cost) if asset else None,
                    "start_value": _money(left + out),
                    "disposed_value": _money(out),
                    "balance": _money(left),
                    "use": asset.use if asset else None,
                }
            )

    disposals = []
    for item in disposed:
        asset_id, name = builders.asset_label(books, item.account)
        txn = item.txn
        disposals.append(
            {
                "office": item.office,
                "account": item.account,
                "asset_id": asset_id,
                "asset_name": name,
                "category": item.category.value if item.category else None,
                "account_code": builders.account_code(item.category),
                "date": txn.date,
                "method": item.method,
                "carrying": _money(item.carrying),
                "appraisal": _money(item.appraisal),
                "appraisal_date": txn.appraisal_date,
                "counterparty": txn.recipient or txn.entry.payee,
                "proceeds": _money(item.proceeds),
                "below_appraisal": item.below or None,
                "approval": txn.approval,
                "price_approval": txn.price_approval,
                "remitted": _money(item.remitted_total)
                if item.proceeds is not None
                else None,
                "outstanding": _money(item.outstanding),
            }
        )

    remitted = [
        {
            "office": r.office,
            "date": r.date,
            "amount": _money(r.amount),
            "via": r.via,
            "payee": r.txn.entry.payee,
            "narration": r.txn.entry.narration,
        }
        for items in builders.remittances(books).values()
        for r in items
    ]
    remitted.sort(key=lambda r: (r["office"], r["date"]))

    found = []
    for v in violations:
        rule = RULES.get(v.code)
        date = getattr(v.entry, "date", None)
        found.append(
            {
                "code": v.code,
                "name": rule.name if rule else None,
                "clause": rule.clause if rule else None,
                "office": v.office,
                "account": v.account,
                "date": date if isinstance(date, datetime.date) else None,
                "filename": v.source.get("filename"),
                "lineno": v.source.get("lineno"),
                "message": v.message,
            }
        )

    return {
        "offices": _table("offices", offices, source),
        "assets": _table("assets", assets, source),
        "disposals": _table("disposals", disposals, source),
        "remittances": _table("remittances", remitted, source),
        "violations": _table("violations", found, source),
    }


def _parquet_writer(table: pa.Table) -> Callable[[str], None]:
    def fill(temp: str) -> None:
        pq.write_table(table, temp)

    return fill


def export(tables_: dict[str, pa.Table], directory: str | os.PathLike[str]) -> list[Path]:
    """Write the tables as ``DIR/<name>.parquet`` (the folder is created if missing).

    Each file is written beside its destination and renamed into place.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in NAMES:
        path = directory / f"{name}.parquet"
        written.append(files.write_atomic(path, _parquet_writer(tables_[name])))
    return written


# --- consolidate ---------------------------------------------------------------------

LOCALITY_COLUMNS = [
    Column("locality", "地区"),
    Column("as_of", "截至日期", "date"),
    Column("offices", "机构数", "count"),
    Column("abolished", "已撤销/整合", "count"),
    Column("retained", "保留", "count"),
    Column("registered", "已核实登记", "count"),
    Column("start_value", "清理前资产价值", "money"),
    Column("disposed_value", "已处置价值", "money"),
    Column("left_value", "剩余资产价值", "money"),
    Column("proceeds", "处置收入", "money"),
    Column("remitted", "已上缴", "money"),
    Column("due_to_treasury", "应缴财政款余额", "money"),
    Column("cash", "银行存款余额", "money"),
    Column("violations", "违规数", "count"),
]

RULE_COLUMNS = [
    Column("code", "规则"),
    Column("name", "名称"),
    Column("locality", "地区"),
    Column("count", "违规数", "count"),
]

SOURCE_COLUMNS = [
    Column("directory", "导出目录"),
    Column("locality", "地区"),
    Column("ledger", "账本文件"),
    Column("ledger_sha256", "SHA-256"),
    Column("as_of", "截至日期", "date"),
]


def _check_folder(directory: Path) -> None:
    if not directory.is_dir():
        raise ExportError(f"{directory}：文件夹不存在（no such folder）")
    missing = [n for n in NAMES if not (directory / f"{n}.parquet").is_file()]
    if missing:
        raise ExportError(
            f"{directory}：不是 `liaison export` 导出的文件夹"
            f"（缺少 {'、'.join(m + '.parquet' for m in missing)}）；"
            "请指定 liaison export 写出的文件夹"
        )


def _sql_list(paths: Sequence[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def query(directories: Sequence[str | os.PathLike[str]]) -> dict[str, list[dict]]:
    """Read the exports in ``directories`` with DuckDB: localities, rules, sources."""
    import duckdb

    folders = [Path(d) for d in directories]
    for folder in folders:
        _check_folder(folder)

    def files(name: str) -> str:
        return (
            f"read_parquet({_sql_list([f / (name + '.parquet') for f in folders])}, "
            "union_by_name = true)"
        )

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"CREATE VIEW offices AS SELECT * FROM {files('offices')}")
        con.execute(f"CREATE VIEW disposals AS SELECT * FROM {files('disposals')}")
        con.execute(f"CREATE VIEW violations AS SELECT * FROM {files('violations')}")
        localities = _records(
            con,
            """
            WITH o AS (
              SELECT ledger_sha256, any_value(locality) AS locality,
                     any_value(as_of) AS as_of, count(*) AS offices,
                     count(*) FILTER (WHERE decision IN ('abolish', 'merge')) AS abolished,
                     count(*) FILTER (WHERE decision IS NULL
                                      OR decision NOT IN ('abolish', 'merge'))
                       AS retained,
                     count(registered) AS registered,
                     sum(start_value) AS start_value, sum(disposed_value) AS disposed_value,
                     sum(left_value) AS left_value, sum(due_to_treasury) AS due_to_treasury,
                     sum(cash) AS cash
              FROM offices GROUP BY ledger_sha256, as_of),
            d AS (
              SELECT ledger_sha256, as_of, sum(proceeds) AS proceeds,
                     sum(remitted) AS remitted
              FROM disposals GROUP BY ledger_sha256, as_of),
            v AS (
              SELECT ledger_sha256, as_of, count(*) AS violations
              FROM violations GROUP BY ledger_sha256, as_of)
            SELECT o.locality, o.as_of, o.offices, o.abolished, o.retained, o.registered,
                   o.start_value, o.disposed_value, o.left_value,
                   coalesce(d.proceeds, 0) AS proceeds, coalesce(d.remitted, 0) AS remitted,
                   o.due_to_treasury, o.cash, coalesce(v.violations, 0) AS violations
            FROM o
            LEFT JOIN d USING (ledger_sha256, as_of)
            LEFT JOIN v USING (ledger_sha256, as_of)
            ORDER BY o.locality, o.as_of
            """,
        )
        rules = _records(
            con,
            """
            SELECT code, any_value(name) AS name, locality, count(*) AS count
            FROM violations GROUP BY code, locality ORDER BY code, locality
            """,
        )
        sources = []
        for folder in folders:
            path = _sql_list([folder / "offices.parquet"])
            row = con.execute(
                f"SELECT any_value(locality), any_value(ledger), any_value(ledger_sha256), "
                f"any_value(as_of) FROM read_parquet({path})"
            ).fetchone()
            locality, ledger, sha, as_of = row if row else (None, None, None, None)
            sources.append(
                {
                    "directory": str(folder),
                    "locality": locality or "",
                    "ledger": ledger or "",
                    "ledger_sha256": sha or "",
                    "as_of": as_of,
                }
            )
    except duckdb.Error as exc:
        raise ExportError(f"无法一起读取这些导出文件：{exc}") from exc
    finally:
        con.close()
    return {"localities": localities, "rules": rules, "sources": sources}


def _records(con: Any, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        for key, value in row.items():
            if isinstance(value, float):  # DuckDB sums of decimals stay Decimal
                row[key] = Decimal(str(value))
        rows.append(row)
    return rows


def build_consolidated(result: dict[str, list[dict]]) -> Report:
    """The consolidated report from ``query``'s rows (pure)."""
    localities = Table(
        "各地汇总",
        "各地清理规范工作汇总",
        LOCALITY_COLUMNS,
        builders.frame(LOCALITY_COLUMNS, result["localities"]),
        notes=["每行为一个地区一个截至日的导出；金额为元。"],
    )
    rules = Table(
        "违规按规则",
        "违规事项按规则和地区",
        RULE_COLUMNS,
        builders.frame(RULE_COLUMNS, result["rules"]),
        group="code",
        group_label="code",
    )
    sources = Table(
        "来源",
        "汇总来源（账本及其 SHA-256）",
        SOURCE_COLUMNS,
        builders.frame(SOURCE_COLUMNS, result["sources"]),
        total=False,
    )
    rows = result["localities"]
    charts: list[builders.Chart] = []
    if rows:
        charts.append(
            builders.BarChart(
                "各地资产处置情况",
                tuple(str(r["locality"] or "?") for r in rows),
                (
                    builders.Series(
                        "已处置价值", tuple(Decimal(r["disposed_value"] or 0) for r in rows)
                    ),
                    builders.Series(
                        "剩余资产价值", tuple(Decimal(r["left_value"] or 0) for r in rows)
                    ),
                    builders.Series(
                        "应缴财政款余额",
                        tuple(Decimal(r["due_to_treasury"] or 0) for r in rows),
                    ),
                ),
            )
        )
    as_ofs = sorted({r["as_of"] for r in result["sources"] if r["as_of"]})
    return Report(
        "consolidate",
        "清理规范驻外办事机构工作汇总表",
        f"汇总 {len(result['sources'])} 个地区的导出",
        as_ofs[-1] if len(as_ofs) == 1 else None,
        [localities, rules, sources],
        charts,
    )


def consolidate_block(
    result: dict[str, list[dict]], generated: datetime.datetime | None = None
) -> list[tuple[str, str]]:
    """The title block of a consolidated report: every source's ledger, SHA-256, date."""
    generated = generated or datetime.datetime.now().astimezone()
    block = []
    for index, source in enumerate(result["sources"], start=1):
        as_of = source["as_of"].isoformat() if source["as_of"] else ""
        block.append(
            (
                f"来源 {index}",
                f"{source['locality']} · {source['ledger']} · SHA-256 "
                f"{source['ledger_sha256']} · 截至 {as_of}",
            )
        )
    block.append(("生成时间", generated.isoformat(timespec="seconds")))
    return block
