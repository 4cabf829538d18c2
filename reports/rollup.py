"""``liaison consolidate``: every locality's export summed by locality, prefecture,
province or the nation, on DuckDB here or on Spark at scale (SPEC section 6).

The roll-up reads one file of each export, ``rollup.parquet`` (``reports.export``): the
locality's facts summed per office, measure and key, every row placed in the chain
county → prefecture → province → nation. Measured on this 2-core machine, what a small
Parquet file costs to read is its footer and each column chunk (about 0.15 ms a file and
0.025 ms a column), not its rows, and five files with 31 columns cost no less than one
file with the same columns; the roll-up therefore reads one narrow file a locality and
only the nine columns it sums.

- ``open_exports`` checks every folder and refuses what cannot be summed (not an
  export, an older schema, money that is not decimal, one locality twice with different
  SHA-256), each with a Chinese message naming the folder, before anything is written.
  Each ``rollup.parquet`` is read once: its bytes are hashed (SHA-256, the export's key)
  and parsed from the same bytes.
- ``Store``: what was collected, in a DuckDB file keyed on each export's SHA-256, so a
  refresh after one locality sends a new export parses only that one.
- ``SQL``: the roll-up itself, one SQL text per level that DuckDB (over the store) and
  Spark SQL (over the same Parquet files) both run.
- ``build`` makes the report (``reports.writers`` writes it): per group and in total,
  offices by decision and status, assets disposed by method and value, proceeds owed
  and remitted, violations by code, and the sources with their SHA-256.
"""

from __future__ import annotations

import dataclasses
import datetime
import gc
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from plugins.vocabulary import METHOD_WORDS
from reports.exportformat import BY
from reports.exportformat import ENGINES
from reports.exportformat import NAMES
from reports.exportformat import SCHEMA_KEY
from reports.exportformat import SCHEMA_VERSION
from reports.exportformat import SOURCE_KEY
from reports.exportformat import STORE_NAME
from reports.exportformat import TABLE_KEY
from reports.exportformat import ExportError
from reports.tables import BarChart
from reports.tables import Chart
from reports.tables import Column
from reports.tables import Report
from reports.tables import Series
from reports.tables import Table
from reports.tables import frame

__all__ = [
    "BY",
    "ENGINES",
    "STORE_NAME",
    "ExportError",
    "build",
    "query",
    "sql",
    "title_block",
]

STORE_VERSION = "2"

READ_COLUMNS = (
    "locality",
    "prefecture",
    "prefecture_name",
    "province",
    "measure",
    "key",
    "subkey",
    "items",
    "amount",
)
"""The columns of ``rollup.parquet`` the roll-up reads."""

ZERO = Decimal("0.00")

GROUPS: dict[str, tuple[str, str, str]] = {
    "locality": ("coalesce(locality, '')", "max(locality)", "''"),
    "prefecture": (
        "coalesce(province, '') || '/' || coalesce(prefecture, '')",
        "max(prefecture_name)",
        "max(coalesce(province, ''))",
    ),
    "province": ("coalesce(province, '')", "max(province)", "''"),
    "nation": ("'全国'", "'全国'", "''"),
}
"""Per level: the group's key, its label and the group above it, as SQL over ``rollup``."""


def sql(by: str) -> str:
    """The roll-up at level ``by``: one text that DuckDB and Spark SQL both run."""
    key, label, parent = GROUPS[by]
    return (
        f"SELECT {key} AS grp, {label} AS label, {parent} AS parent,\n"
        "       measure, key, subkey, sum(items) AS items, sum(amount) AS amount\n"
        "FROM rollup\n"
        f"GROUP BY {key}, measure, key, subkey"
    )


# --- reading the exports -------------------------------------------------------------


@dataclasses.dataclass
class Export:
    """One export folder: its ``rollup.parquet``'s SHA-256, its source, its facts."""

    directory: Path
    sha256: str
    locality: str = ""
    ledger: str = ""
    ledger_sha256: str = ""
    as_of: datetime.date | None = None
    facts: pa.Table | None = None  # None when the store already holds them

    def source(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "locality": self.locality,
            "ledger": self.ledger,
            "ledger_sha256": self.ledger_sha256,
            "export_sha256": self.sha256,
            "as_of": self.as_of,
        }


def _not_export(folder: Path, why: str) -> ExportError:
    return ExportError(
        f"{folder}：不是 `liaison export` 导出的文件夹（{why}）；请指定 liaison export "
        "写出的文件夹"
    )


def _older(folder: Path, found: str) -> ExportError:
    return ExportError(
        f"{folder}：导出文件出自旧版本的 liaison（导出格式版本 {found}，本版本为 "
        f"{SCHEMA_VERSION}），缺少层级（省、地级市）等列；请用本版本的 "
        "`liaison export` 重新导出"
    )


def _check_folder(folder: Path) -> Path:
    """The folder's ``rollup.parquet``, or ExportError saying why it is none."""
    if not folder.is_dir():
        raise ExportError(f"{folder}：文件夹不存在（no such folder）")
    rollup = folder / "rollup.parquet"
    if rollup.is_file():
        return rollup
    present = [n for n in NAMES if (folder / f"{n}.parquet").is_file()]
    if present:  # the five tables of version 1, without rollup.parquet
        raise _older(folder, "1")
    missing = "、".join(f"{n}.parquet" for n in NAMES)
    raise _not_export(folder, f"缺少 {missing}")


def _read(folder: Path) -> bytes:
    """The bytes of the folder's ``rollup.parquet``, or ExportError saying why not.

    The file is opened straight away: what ``_check_folder`` asks of the folder costs
    two more system calls, paid only when the file cannot be opened.
    """
    try:
        with open(os.path.join(folder, "rollup.parquet"), "rb") as file:
            return file.read()
    except OSError as exc:
        _check_folder(folder)  # not a folder, or no export: says which
        raise ExportError(
            f"{folder}：无法读取 rollup.parquet：{exc.strerror or exc}"
        ) from exc


def _parse(folder: Path, data: bytes, sha: str) -> Export:
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _not_export(folder, f"rollup.parquet 不是可读的 Parquet 文件：{exc}") from exc
    meta = schema.metadata or {}
    version = meta.get(SCHEMA_KEY)
    if version is None or meta.get(TABLE_KEY) != b"rollup":
        raise _older(folder, "1") if version is None else _not_export(folder, "表名不符")
    if version.decode() != SCHEMA_VERSION:
        raise _older(folder, version.decode(errors="replace"))
    names = set(schema.names)
    missing = [c for c in READ_COLUMNS if c not in names]
    if missing:
        raise _not_export(folder, f"rollup.parquet 缺少列 {'、'.join(missing)}")
    amount = schema.field("amount").type
    if not pa.types.is_decimal(amount):
        raise ExportError(
            f"{folder}：rollup.parquet 的金额列 amount 是 {amount}，不是十进制数"
            "（decimal）；金额必须以十进制记到分，不能是浮点数；"
            "请用 liaison export 重新导出"
        )
    if not pa.types.is_integer(schema.field("items").type):
        raise _not_export(folder, "rollup.parquet 的 items 列不是整数")
    try:
        stated = json.loads(meta.get(SOURCE_KEY, b"{}"))
        facts = parquet.read(columns=list(READ_COLUMNS), use_threads=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _not_export(folder, f"rollup.parquet 无法读取：{exc}") from exc
    if not isinstance(stated, dict):
        raise _not_export(folder, "rollup.parquet 的来源说明不是 JSON 对象")
    as_of = stated.get("as_of")
    try:
        stated_as_of = datetime.date.fromisoformat(as_of) if as_of else None
    except (TypeError, ValueError):
        raise _not_export(
            folder, f"rollup.parquet 的来源说明中截至日期 {as_of!r} 不是日期"
        ) from None
    return Export(
        directory=folder,
        sha256=sha,
        locality=str(stated.get("locality") or ""),
        ledger=str(stated.get("ledger") or ""),
        ledger_sha256=str(stated.get("ledger_sha256") or ""),
        as_of=stated_as_of,
        facts=facts,
    )


def open_exports(
    directories: Sequence[str | os.PathLike[str]],
    known: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[Export], list[str]]:
    """Every folder's export, checked; and notes on what was set aside.

    ``known`` maps the SHA-256 of exports already collected to their source: those are
    hashed, not parsed. The same export given twice (the same SHA-256) is summed once.

    Raises:
        ExportError: on the first folder that cannot be summed, naming it; or when one
            locality comes twice with different SHA-256, naming both.
    """
    collecting = gc.isenabled()
    gc.disable()  # thousands of small tables held: the collector's scans would grow
    try:  # with their number, the reading no longer linear
        return _open_exports(directories, known or {})
    finally:
        if collecting:
            gc.enable()


def _open_exports(
    directories: Sequence[str | os.PathLike[str]], known: dict[str, dict[str, Any]]
) -> tuple[list[Export], list[str]]:
    exports: list[Export] = []
    by_sha: dict[str, Export] = {}
    by_locality: dict[str, Export] = {}
    notes: list[str] = []
    for directory in directories:
        folder = directory if isinstance(directory, Path) else Path(directory)
        data = _read(folder)
        sha = hashlib.sha256(data).hexdigest()
        if sha in by_sha:
            notes.append(
                f"{folder} 与 {by_sha[sha].directory} 是同一份导出"
                f"（SHA-256 {sha}），只计一次"
            )
            continue
        if sha in known:
            export = Export(directory=folder, sha256=sha, **known[sha])
        else:
            export = _parse(folder, data, sha)
        twin = by_locality.get(export.locality)
        if twin is not None:
            raise ExportError(
                f"同一地区“{export.locality}”有两份不同的导出，无法判断以哪份为准："
                f"{twin.directory}（导出 SHA-256 {twin.sha256}，账本 SHA-256 "
                f"{twin.ledger_sha256}，截至 {twin.as_of}）与 {folder}（导出 SHA-256 "
                f"{sha}，账本 SHA-256 {export.ledger_sha256}，截至 {export.as_of}）；"
                "请只保留其中一份"
            )
        by_sha[sha] = by_locality[export.locality] = export
        exports.append(export)
    return exports, notes


# --- the collected store (DuckDB) ----------------------------------------------------


class Store:
    """Collected exports in a DuckDB file (or in memory), keyed on their SHA-256.

    Each export has a number in the store; its facts carry the number, not the 64
    characters of its SHA-256 (a third less to write and to scan at national size).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        import duckdb

        self.path = Path(path) if path is not None else None
        self.con = duckdb.connect(str(path) if path is not None else ":memory:")
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (name VARCHAR, value VARCHAR)")
        version = self.con.execute(
            "SELECT value FROM meta WHERE name = 'version'"
        ).fetchone()
        if version is None or version[0] != STORE_VERSION:
            self.con.execute("DROP TABLE IF EXISTS facts")
            self.con.execute("DROP TABLE IF EXISTS exports")
            self.con.execute("DELETE FROM meta")
            self.con.execute("INSERT INTO meta VALUES ('version', ?)", [STORE_VERSION])
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS exports (id INTEGER PRIMARY KEY, "
            "sha256 VARCHAR UNIQUE, locality VARCHAR, ledger VARCHAR, "
            "ledger_sha256 VARCHAR, as_of DATE)"
        )
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS facts (export INTEGER, locality VARCHAR, "
            "prefecture VARCHAR, prefecture_name VARCHAR, province VARCHAR, "
            "measure VARCHAR, key VARCHAR, subkey VARCHAR, items BIGINT, "
            "amount DECIMAL(38, 2))"
        )
        self.ids: dict[str, int] = {}

    def close(self) -> None:
        self.con.close()

    def numbers(self) -> dict[str, int]:
        """Each collected export's number, by its SHA-256."""
        rows = self.con.execute("SELECT sha256, id FROM exports").fetchall()
        self.ids = dict(rows)
        return self.ids

    def known(self) -> dict[str, dict[str, Any]]:
        rows = self.con.execute(
            "SELECT id, sha256, locality, ledger, ledger_sha256, as_of FROM exports"
        ).fetchall()
        self.ids = {sha: number for number, sha, *_ in rows}
        return {
            sha: {"locality": loc, "ledger": led, "ledger_sha256": lsha, "as_of": as_of}
            for _, sha, loc, led, lsha, as_of in rows
        }

    def collect(self, exports: Sequence[Export]) -> None:
        """Add the exports not yet collected; drop what they supersede (an older export
        of the same locality)."""
        import numpy as np

        if not self.ids:
            self.numbers()
        new = [e for e in exports if e.facts is not None and e.sha256 not in self.ids]
        first = max(self.ids.values(), default=-1) + 1
        numbers = {e.sha256: first + i for i, e in enumerate(new)}
        self.con.execute("BEGIN TRANSACTION")
        try:
            if new:
                parts = [e.facts for e in new if e.facts is not None]
                export = np.repeat(
                    np.arange(first, first + len(parts), dtype=np.int32),
                    [part.num_rows for part in parts],
                )
                # one chunk: DuckDB scans 10,000 small chunks several times slower
                facts = pa.concat_tables(parts).combine_chunks()
                facts = facts.add_column(0, "export", pa.array(export))
                self.con.register("incoming", facts)
                self.con.execute("INSERT INTO facts SELECT * FROM incoming")
                self.con.unregister("incoming")
                sources = pa.table(
                    {
                        "id": pa.array([numbers[e.sha256] for e in new], pa.int32()),
                        "sha256": [e.sha256 for e in new],
                        "locality": [e.locality for e in new],
                        "ledger": [e.ledger for e in new],
                        "ledger_sha256": [e.ledger_sha256 for e in new],
                        "as_of": pa.array([e.as_of for e in new], pa.date32()),
                    }
                )
                self.con.register("incoming_sources", sources)
                self.con.execute("INSERT INTO exports SELECT * FROM incoming_sources")
                self.con.unregister("incoming_sources")
            self.ids.update(numbers)
            wanted = pa.table(
                {"id": pa.array([self.ids[e.sha256] for e in exports], pa.int32())}
            )
            self.con.register("wanted_now", wanted)
            stale = (
                "SELECT id FROM exports WHERE id NOT IN (SELECT id FROM wanted_now) "
                "AND locality IN (SELECT e.locality FROM exports e JOIN wanted_now w "
                "USING (id))"
            )
            self.con.execute(f"DELETE FROM facts WHERE export IN ({stale})")
            self.con.execute(f"DELETE FROM exports WHERE id IN ({stale})")
            self.con.execute("DROP TABLE IF EXISTS wanted")
            self.con.execute("CREATE TEMP TABLE wanted AS SELECT * FROM wanted_now")
            self.con.unregister("wanted_now")
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            self.ids = {}  # read again from the store when next asked
            raise

    def rows(self, by: str) -> list[dict[str, Any]]:
        self.con.execute(
            "CREATE OR REPLACE TEMP VIEW rollup AS SELECT * FROM facts "
            "WHERE export IN (SELECT id FROM wanted)"
        )
        cursor = self.con.execute(sql(by))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _open_store(path: str | os.PathLike[str] | None, notes: list[str]) -> Store:
    import duckdb

    if path is None:
        return Store(None)
    try:
        return Store(path)
    except duckdb.Error as exc:
        notes.append(f"无法使用汇总缓存 {path}（{exc}），本次在内存中汇总")
        return Store(None)


def _peek(path: str | os.PathLike[str] | None) -> dict[str, dict[str, Any]]:
    """What a store holds, read without writing it (nothing is written before every
    export has been checked); empty when there is none or it cannot be read."""
    import duckdb

    if path is None or not Path(path).is_file():
        return {}
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return {}
    try:
        version = con.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        if version is None or version[0] != STORE_VERSION:
            return {}
        rows = con.execute(
            "SELECT sha256, locality, ledger, ledger_sha256, as_of FROM exports"
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {
        sha: {"locality": loc, "ledger": led, "ledger_sha256": lsha, "as_of": as_of}
        for sha, loc, led, lsha, as_of in rows
    }


# --- the engines ---------------------------------------------------------------------


def _duckdb_rows(
    directories: Sequence[str | os.PathLike[str]],
    by: str,
    store_path: str | os.PathLike[str] | None,
) -> tuple[list[dict[str, Any]], list[Export], list[str]]:
    exports, notes = open_exports(directories, _peek(store_path))
    store = _open_store(store_path, notes)
    try:
        held = store.numbers()
        for index, export in enumerate(exports):
            if export.facts is None and export.sha256 not in held:
                # the store changed since it was read (or could not be opened): read
                # this export again
                path = export.directory / "rollup.parquet"
                data = path.read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                if sha != export.sha256:
                    raise ExportError(
                        f"{export.directory}：导出文件在汇总过程中被改动，请重试"
                    )
                exports[index] = _parse(export.directory, data, sha)
        store.collect(exports)
        return store.rows(by), exports, notes
    finally:
        store.close()


def spark_session() -> Any:
    """The Spark session: the one ``spark-submit`` set up (its ``--master``), else a
    local one on this machine's cores."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ExportError(
            "--engine spark 需要 PySpark 和 Java 17：pip install 'liaison-ledger[spark]'，"
            "apt-get install openjdk-17-jre-headless"
        ) from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    return (
        SparkSession.builder.appName("liaison consolidate")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def _spark_rows(
    directories: Sequence[str | os.PathLike[str]], by: str
) -> tuple[list[dict[str, Any]], list[Export], list[str]]:
    exports, notes = open_exports(directories)
    for export in exports:
        export.facts = None  # Spark reads the files itself
    spark = spark_session()
    if not exports:
        return [], exports, notes
    paths = [str((e.directory / "rollup.parquet").resolve()) for e in exports]
    facts = spark.read.parquet(*paths)
    facts.createOrReplaceTempView("rollup")
    rows = [row.asDict() for row in spark.sql(sql(by)).collect()]
    return rows, exports, notes


def query(
    directories: Sequence[str | os.PathLike[str]],
    by: str = "locality",
    engine: str = "duckdb",
    store: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The exports in ``directories`` summed at level ``by`` on ``engine``.

    ``store``: the DuckDB file that keeps what was collected (DuckDB only; None: in
    memory). Returns the groups' rows, each measure's rows, the sources and notes.

    Raises:
        ExportError: an export that cannot be summed (nothing is written then).
    """
    if by not in BY:
        raise ValueError(f"by must be one of {BY}")
    if engine == "spark":
        rows, exports, notes = _spark_rows(directories, by)
    elif engine == "duckdb":
        rows, exports, notes = _duckdb_rows(directories, by, store)
    else:
        raise ValueError(f"engine must be one of {ENGINES}")
    return tabulate(rows, exports, by, engine, notes)


# --- from the rows to the figures ----------------------------------------------------

GROUP_HEADER = {
    "locality": "地区",
    "prefecture": "地级市",
    "province": "省份",
    "nation": "全国",
}
DECISION_ZH = {"retain": "保留", "abolish": "撤销", "merge": "整合", "none": "未决定"}
STATUS_ZH = {
    "retained": "保留",
    "undecided": "未决定",
    "winding-down": "处置中",
    "wound-up": "处置完毕",
}
METHOD_ZH = {**METHOD_WORDS, "none": "未注明"}  # the rules' words for the methods
UNPLACED = {
    "prefecture": "（未注明所属地级市）",
    "province": "（未注明省份）",
    "locality": "（未注明地区）",
}


def _label(by: str, row: dict[str, Any]) -> str:
    if by == "prefecture":
        return str(row["label"] or UNPLACED["prefecture"])
    if by == "nation":
        return "全国"
    return str(row["grp"] or UNPLACED[by])


def _money(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def tabulate(
    rows: Iterable[dict[str, Any]],
    exports: Sequence[Export],
    by: str,
    engine: str,
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """The figures of the roll-up's rows, per group (pure): the engines' rows in, the
    same tables out, so DuckDB's and Spark's can be compared cell for cell."""
    groups: dict[str, dict[str, Any]] = {}
    offices: dict[tuple[str, str, str], int] = defaultdict(int)
    methods: dict[tuple[str, str], dict[str, Any]] = {}
    rules: dict[tuple[str, str], dict[str, Any]] = {}
    as_of = {e.locality: e.as_of for e in exports}
    for row in rows:
        grp = str(row["grp"])
        group = groups.setdefault(
            grp,
            {
                "group": _label(by, row),
                "parent": str(row["parent"] or "")
                or (UNPLACED["province"] if by == "prefecture" else ""),
                "as_of": as_of.get(grp) if by == "locality" else None,
                **{k: 0 for k in ("offices", "abolished", "retained", "undecided")},
                "registered": 0,
                **{k: ZERO for k in MONEY_KEYS},
                "violations": 0,
            },
        )
        measure, key, sub = row["measure"], row["key"], row["subkey"]
        items, amount = int(row["items"] or 0), _money(row["amount"])
        if measure == "offices":
            group["offices"] += items
            if key in ("abolish", "merge"):
                group["abolished"] += items
            elif key == "retain":
                group["retained"] += items
            else:
                group["undecided"] += items
            offices[grp, key, sub] += items
        elif measure == "registered":
            group["registered"] += items
        elif measure == "holdings":
            group[f"{key}_value"] += amount
        elif measure == "balances":
            group[key] = group.get(key, ZERO) + amount
        elif measure in ("disposals", "proceeds", "remitted", "outstanding"):
            slot = methods.setdefault(
                (grp, key),
                {
                    "items": 0,
                    "carrying": ZERO,
                    "proceeds": ZERO,
                    "remitted": ZERO,
                    "outstanding": ZERO,
                },
            )
            if measure == "disposals":
                slot["items"] += items
                slot["carrying"] += amount
            else:
                slot[measure] += amount
                group[measure] += amount
        elif measure == "violations":
            group["violations"] += items
            slot = rules.setdefault((grp, key), {"name": sub, "count": 0})
            slot["count"] += items
    order = sorted(groups, key=lambda g: (groups[g]["parent"], groups[g]["group"], g))
    rank = {g: i for i, g in enumerate(order)}
    summary = []
    for grp in order:
        group = groups[grp]
        summary.append({**group, "locality": group["group"]})
    office_rows = [
        {
            "group": groups[g]["group"],
            "decision": DECISION_ZH.get(d, d),
            "status": STATUS_ZH.get(s, s),
            "count": n,
        }
        for (g, d, s), n in sorted(
            offices.items(),
            key=lambda i: (
                rank[i[0][0]],
                _order(DECISION_ZH, i[0][1]),
                _order(STATUS_ZH, i[0][2]),
            ),
        )
    ]
    method_rows = [
        {"group": groups[g]["group"], "method": METHOD_ZH.get(m, m), **v}
        for (g, m), v in sorted(
            methods.items(), key=lambda i: (rank[i[0][0]], _order(METHOD_ZH, i[0][1]))
        )
    ]
    rule_rows = [
        {"group": groups[g]["group"], "code": c, "zh": _rule_zh(c), **v}
        for (g, c), v in sorted(rules.items(), key=lambda i: (rank[i[0][0]], i[0][1]))
    ]
    return {
        "by": by,
        "engine": engine,
        "groups": summary,
        "localities": summary if by == "locality" else [],
        "offices": office_rows,
        "methods": method_rows,
        "rules": rule_rows,
        "sources": sorted((e.source() for e in exports), key=lambda s: s["locality"]),
        "notes": list(notes),
    }


MONEY_KEYS = (
    "start_value",
    "disposed_value",
    "left_value",
    "proceeds",
    "remitted",
    "outstanding",
    "due_to_treasury",
    "cash",
)


def _rule_zh(code: str) -> str:
    from plugins.catalogue import RULES

    rule = RULES.get(code)
    return rule.zh if rule is not None else ""


def _order(words: dict[str, str], key: str) -> tuple[int, str]:
    keys = list(words)
    return (keys.index(key), key) if key in keys else (len(keys), key)


# --- the report ----------------------------------------------------------------------

MAX_CHART_GROUPS = 30
"""Above this many groups, a chart shows the total (a bar per key), not every group."""


def _summary_columns(by: str) -> list[Column]:
    columns = [Column("group", GROUP_HEADER[by])]
    if by == "prefecture":
        columns.append(Column("parent", "省份"))
    if by == "locality":
        columns.append(Column("as_of", "截至日期", "date"))
    return columns + [
        Column("offices", "机构数", "count"),
        Column("abolished", "已撤销/整合", "count"),
        Column("retained", "保留", "count"),
        Column("undecided", "未决定", "count"),
        Column("registered", "已核实登记", "count"),
        Column("start_value", "清理前资产价值", "money"),
        Column("disposed_value", "已处置价值", "money"),
        Column("left_value", "剩余资产价值", "money"),
        Column("proceeds", "处置收入（应缴）", "money"),
        Column("remitted", "已上缴", "money"),
        Column("outstanding", "未上缴", "money"),
        Column("due_to_treasury", "应缴财政款余额", "money"),
        Column("cash", "银行存款余额", "money"),
        Column("violations", "违规数", "count"),
    ]


SOURCE_COLUMNS = [
    Column("directory", "导出目录"),
    Column("locality", "地区"),
    Column("ledger", "账本文件"),
    Column("ledger_sha256", "账本 SHA-256"),
    Column("export_sha256", "导出文件 SHA-256（rollup.parquet）"),
    Column("as_of", "截至日期", "date"),
]


def _bars(
    title: str,
    unit: str,
    result: dict[str, Any],
    rows: list[dict[str, Any]],
    series_key: str,
    value_key: str,
    stacked: bool = True,
) -> BarChart:
    """A chart of ``rows``: a bar per group (a bar in all when there are many groups),
    a series per value of ``series_key``."""
    names = list(dict.fromkeys(str(r[series_key]) for r in rows))
    if len(result["groups"]) <= MAX_CHART_GROUPS:
        categories = [g["group"] for g in result["groups"]]
    else:
        categories = ["合计"]
    index = {c: i for i, c in enumerate(categories)}
    values = {n: [Decimal(0)] * len(categories) for n in names}
    for r in rows:
        i = index.get(r["group"], 0) if len(categories) > 1 else 0
        values[str(r[series_key])][i] += Decimal(r[value_key] or 0)
    return BarChart(
        title,
        tuple(categories),
        tuple(Series(n, tuple(values[n])) for n in names),
        unit=unit,
        stacked=stacked,
    )


def build(result: dict[str, Any]) -> Report:
    """The consolidated report from ``query``'s result (pure)."""
    by = result["by"]
    header = GROUP_HEADER[by]
    summary_columns = _summary_columns(by)
    grouped = {"group": "parent", "group_label": "parent"} if by == "prefecture" else {}
    main = Table(
        {
            "locality": "各地汇总",
            "prefecture": "各地级市汇总",
            "province": "各省汇总",
            "nation": "全国汇总",
        }[by],
        f"清理规范工作汇总（按{header if by != 'nation' else '全国'}）",
        summary_columns,
        frame(summary_columns, result["groups"]),
        notes=[
            "金额为元。已撤销/整合、保留、未决定按截至日的决定计；处置收入为拍卖、"
            "有偿转让的成交收入（应缴国库），已上缴、未上缴按先收先缴核对。",
        ]
        + (["每个地级市按其省份分组，小计即该省之和。"] if by == "prefecture" else []),
        **grouped,  # type: ignore[arg-type]
    )
    office_columns = [
        Column("group", header),
        Column("decision", "决定"),
        Column("status", "状态"),
        Column("count", "机构数", "count"),
    ]
    method_columns = [
        Column("group", header),
        Column("method", "处置方式"),
        Column("items", "资产数", "count"),
        Column("carrying", "账面价值", "money"),
        Column("proceeds", "处置收入（应缴）", "money"),
        Column("remitted", "已上缴", "money"),
        Column("outstanding", "未上缴", "money"),
    ]
    rule_columns = [
        Column("group", header),
        Column("code", "规则"),
        Column("zh", "名称"),
        Column("name", "英文名"),
        Column("count", "违规数", "count"),
    ]
    many = by != "nation"
    tables = [
        main,
        Table(
            "机构按决定和状态",
            "办事机构：按决定和状态",
            office_columns,
            frame(office_columns, result["offices"]),
            group="group" if many else None,
            group_label="group",
            notes=[
                "状态：处置中 = 已撤销/整合而仍有资产、资金或应缴款；处置完毕 = 都已清零。"
            ],
        ),
        Table(
            "资产处置按方式",
            "资产处置：按处置方式和价值",
            method_columns,
            frame(method_columns, result["methods"]),
            group="group" if many else None,
            group_label="group",
        ),
        Table(
            "违规按规则",
            "违规事项：按规则",
            rule_columns,
            frame(rule_columns, result["rules"]),
            group="group" if many else None,
            group_label="group",
        ),
        Table(
            "来源",
            "汇总来源（账本及导出文件的 SHA-256）",
            SOURCE_COLUMNS,
            frame(SOURCE_COLUMNS, result["sources"]),
            total=False,
        ),
    ]
    money_rows = [
        {"group": g["group"], "what": what, "value": g[key]}
        for g in result["groups"]
        for what, key in (("已上缴", "remitted"), ("未上缴", "outstanding"))
    ]
    office_rows = [
        {**r, "series": f"{r['decision']}·{r['status']}"} for r in result["offices"]
    ]
    charts: list[Chart] = [
        _bars("办事机构：按决定和状态", "个", result, office_rows, "series", "count"),
        _bars(
            "资产处置：按处置方式（账面价值）",
            "元",
            result,
            result["methods"],
            "method",
            "carrying",
        ),
        _bars("处置收入：已上缴与未上缴", "元", result, money_rows, "what", "value"),
        _bars("违规事项：按规则", "项", result, result["rules"], "code", "count"),
    ]
    as_ofs = sorted({s["as_of"] for s in result["sources"] if s["as_of"]})
    return Report(
        "consolidate",
        "清理规范驻外办事机构工作汇总表",
        f"汇总 {len(result['sources'])} 个地区的导出，按{header}",
        as_ofs[-1] if len(as_ofs) == 1 else None,
        tables,
        charts,
        notes=list(result.get("notes", ())),
    )


def title_block(
    result: dict[str, Any], generated: datetime.datetime | None = None
) -> list[tuple[str, str]]:
    """The title block: every source's locality, ledger, SHA-256s and as-of date.

    With many sources the block lists the first and says where the rest are (the 来源
    table lists them all).
    """
    generated = generated or datetime.datetime.now().astimezone()
    block = [("汇总层级", GROUP_HEADER[result["by"]]), ("汇总引擎", result["engine"])]
    sources = result["sources"]
    for index, source in enumerate(sources[:20], start=1):
        as_of = source["as_of"].isoformat() if source["as_of"] else ""
        block.append(
            (
                f"来源 {index}",
                f"{source['locality']} · {source['ledger']} · 账本 SHA-256 "
                f"{source['ledger_sha256']} · 导出 SHA-256 {source['export_sha256']} · "
                f"截至 {as_of}",
            )
        )
    if len(sources) > 20:
        block.append(("其余来源", f"另有 {len(sources) - 20} 个，见“来源”表"))
    block.append(("生成时间", generated.isoformat(timespec="seconds")))
    return block
