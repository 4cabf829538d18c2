"""The national roll-up: exports placed in the hierarchy, summed at every level, kept
in a store keyed on SHA-256, and bad exports refused (issue 11)."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reports import cli
from reports import export as export_lib
from reports import hierarchy
from reports import rollup
from reports import writers
from reports.exportformat import SOURCE_KEY
from tests.reports.conftest import SAMPLE
from tests.reports.conftest import books_of

LOCALITIES = {
    # directory: (code, city, county, province, host)
    "xn": ("XN", "咸宁市", "嘉鱼县", "湖北", "武汉"),
    "yc": ("YC", "宜昌市", "远安县", "湖北", "武汉"),
    "yy": ("YY", "岳阳市", "华容县", "湖南", "长沙"),
}


def ledger_text(code: str, city: str, county: str, province: str, host: str) -> str:
    """The sample ledger for another city and county (codes, names, province, host)."""
    return (
        SAMPLE.replace("XN", code)
        .replace("咸宁市", city)
        .replace("嘉鱼县", county)
        .replace("湖北", province)
        .replace("武汉", host)
    )


def export_text(text: str, folder: Path, as_of: str = "2015-09-15") -> Path:
    """Export a ledger given as text to ``folder``, as ``liaison export`` does."""
    books, violations = books_of(text, as_of)
    tables = export_lib.tables(
        books,
        violations,
        ledger=f"{folder.name}.beancount",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        locality=export_lib.locality_of(books, {}),
    )
    export_lib.export(tables, folder)
    return folder


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("exports")
    return {
        name: export_text(ledger_text(*spec), root / name)
        for name, spec in LOCALITIES.items()
    }


FIGURES = ("groups", "offices", "methods", "rules")
SUMMED = (
    "offices",
    "abolished",
    "retained",
    "undecided",
    "registered",
    "violations",
    *rollup.MONEY_KEYS,
)


def totals(result: dict[str, Any]) -> dict[str, Any]:
    """Every figure of a result summed over its groups, keyed by what it counts."""
    out: dict[Any, Any] = {}
    for g in result["groups"]:
        for key in SUMMED:
            out[key] = out.get(key, 0) + g[key]
    for r in result["offices"]:
        key = ("offices", r["decision"], r["status"])
        out[key] = out.get(key, 0) + r["count"]
    for r in result["methods"]:
        for what in ("items", "carrying", "proceeds", "remitted", "outstanding"):
            key = ("methods", r["method"], what)
            out[key] = out.get(key, 0) + r[what]
    for r in result["rules"]:
        out["rules", r["code"]] = out.get(("rules", r["code"]), 0) + r["count"]
    return out


def add(*parts: dict[str, Any]) -> dict[str, Any]:
    out: dict[Any, Any] = {}
    for part in parts:
        for key, value in part.items():
            out[key] = out.get(key, 0) + value
    return out


# --- 1. the hierarchy travels with the facts -----------------------------------------


def test_every_exported_row_is_placed_county_prefecture_province(exports):
    folder = exports["xn"]
    for name in export_lib.NAMES:
        table = pq.read_table(folder / f"{name}.parquet")
        assert set(hierarchy.FIELDS) <= set(table.column_names), name
        meta = table.schema.metadata
        assert meta[export_lib.SCHEMA_KEY] == export_lib.SCHEMA_VERSION.encode()
        assert meta[export_lib.TABLE_KEY] == name.encode()
        for row in table.to_pylist():
            assert row["province"] == "湖北", (name, row)
            assert row["prefecture"] == "XN", (name, row)
            assert row["prefecture_name"] == "咸宁市人民政府", (name, row)
    offices = {
        r["office"]: r for r in pq.read_table(folder / "offices.parquet").to_pylist()
    }
    county = offices["XN-JY-WH"]
    assert (county["government"], county["level"], county["parent"]) == (
        "XN-JY",
        "county",
        "XN",
    )
    assert (county["host"], county["host_province"]) == ("武汉", "湖北")
    assert county["status"] == "winding-down"  # 350,000 of proceeds still owed
    assert offices["XN-WH"]["status"] == "retained"
    assert offices["XN-WH"]["parent"] is None


def test_rollup_rows_sum_to_the_detail_tables(exports):
    folder = exports["xn"]
    rows = pq.read_table(folder / "rollup.parquet").to_pylist()
    disposals = pq.read_table(folder / "disposals.parquet").to_pylist()
    offices = pq.read_table(folder / "offices.parquet").to_pylist()
    violations = pq.read_table(folder / "violations.parquet").to_pylist()

    def total(measure: str) -> Decimal:
        return sum((r["amount"] for r in rows if r["measure"] == measure), Decimal(0))

    assert total("disposals") == sum(d["carrying"] for d in disposals)
    assert total("proceeds") == sum(d["proceeds"] for d in disposals if d["proceeds"])
    assert sum(r["items"] for r in rows if r["measure"] == "offices") == len(offices)
    assert sum(r["items"] for r in rows if r["measure"] == "violations") == len(violations)
    assert len(violations) > 0


def test_rollup_parquet_is_plain_and_without_statistics_the_rest_as_pyarrow_writes(
    exports,
):
    """rollup.parquet, read by the thousand, is written to parse fast; its columns,
    types and metadata are those of any other table of the export."""
    folder = exports["xn"]
    rollup_file = pq.ParquetFile(folder / "rollup.parquet")
    offices = pq.ParquetFile(folder / "offices.parquet")
    for parquet, plain in ((rollup_file, True), (offices, False)):
        chunks = [
            parquet.metadata.row_group(g).column(c)
            for g in range(parquet.metadata.num_row_groups)
            for c in range(parquet.metadata.num_columns)
        ]
        assert chunks
        dictionary = any(chunk.has_dictionary_page for chunk in chunks)
        statistics = any(chunk.is_stats_set for chunk in chunks)
        assert (dictionary, statistics) == (not plain, not plain), parquet
    schema = rollup_file.schema_arrow
    assert schema.metadata[export_lib.TABLE_KEY] == b"rollup"
    assert schema.field("amount").type == pa.decimal128(20, 2)
    assert schema == export_lib.SCHEMAS["rollup"].with_metadata(schema.metadata)


def place_of(text: str, code: str) -> hierarchy.Place:
    books, _ = books_of(text, "2015-09-15")
    return hierarchy.place_government(books, code)


GOVERNMENTS = """
2015-01-01 custom "government" "HB" "湖北省人民政府"
  level: "province"
2015-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
  parent: "HB"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
  parent: "XN"
2015-01-01 custom "government" "WH-JA" "江岸区人民政府"
  level: "county"
  parent: "WH"
2015-01-01 custom "government" "LONE" "某县人民政府"
  level: "county"
  province: "湖南省"
"""


def test_the_province_and_prefecture_come_up_the_parent_chain():
    # the county names no province: its prefecture's parent is the province
    assert place_of(GOVERNMENTS, "XN-JY") == hierarchy.Place(
        government="XN-JY",
        government_name="嘉鱼县人民政府",
        level="county",
        parent="XN",
        prefecture="XN",
        prefecture_name="咸宁市人民政府",
        province="湖北",
    )
    province = place_of(GOVERNMENTS, "HB")
    assert (province.prefecture, province.prefecture_name, province.province) == (
        "HB",
        "湖北省人民政府（省本级）",
        "湖北",
    )
    # a parent these books do not declare: placed under its code, province unknown
    district = place_of(GOVERNMENTS, "WH-JA")
    assert (district.prefecture, district.province) == ("WH", None)
    # no parent at all: no prefecture guessed; 湖南省 is 湖南
    lone = place_of(GOVERNMENTS, "LONE")
    assert (lone.prefecture, lone.province) == (None, "湖南")


def test_province_names_and_host_provinces():
    assert hierarchy.province_name("湖北省") == "湖北"
    assert hierarchy.province_name("广西壮族自治区") == "广西"
    assert hierarchy.province_name("北京市") == "北京"
    assert hierarchy.province_name(" 湖北 ") == "湖北"
    assert hierarchy.province_name(None) is None
    assert hierarchy.CAPITALS["武汉"] == "湖北"
    assert hierarchy.host_city("武汉市") == "武汉"
    assert len(set(hierarchy.CAPITALS.values())) == 31


# --- 2. the sums at every level ------------------------------------------------------


def test_two_localities_consolidated_equal_the_sum_of_each(exports):
    a, b = exports["xn"], exports["yc"]
    both = rollup.query([a, b], by="nation")
    assert totals(both) == add(
        totals(rollup.query([a], by="nation")), totals(rollup.query([b], by="nation"))
    )
    assert both["groups"][0]["offices"] == 4
    assert both["groups"][0]["proceeds"] == Decimal("1942000.00")
    assert both["groups"][0]["remitted"] == Decimal("1242000.00")


@pytest.mark.parametrize(
    ("lower", "upper"),
    [("locality", "nation"), ("prefecture", "province"), ("province", "nation")],
)
def test_every_level_is_the_sum_of_the_level_below(exports, lower, upper):
    folders = list(exports.values())
    below = rollup.query(folders, by=lower)
    above = rollup.query(folders, by=upper)
    assert len(below["groups"]) > len(above["groups"])
    assert totals(below) == totals(above)


def test_a_province_is_the_sum_of_its_prefectures(exports):
    folders = list(exports.values())
    prefectures = rollup.query(folders, by="prefecture")["groups"]
    provinces = {g["group"]: g for g in rollup.query(folders, by="province")["groups"]}
    assert [(g["parent"], g["group"]) for g in prefectures] == [
        ("湖北", "咸宁市人民政府"),
        ("湖北", "宜昌市人民政府"),
        ("湖南", "岳阳市人民政府"),
    ]
    for name, province in provinces.items():
        members = [g for g in prefectures if g["parent"] == name]
        for key in SUMMED:
            assert province[key] == sum(g[key] for g in members), (name, key)
    assert provinces["湖北"]["offices"] == 4 and provinces["湖南"]["offices"] == 2


def test_by_locality_keeps_a_row_per_locality_with_its_date(exports):
    result = rollup.query(list(exports.values()))
    assert [g["locality"] for g in result["groups"]] == [
        "咸宁市人民政府",
        "宜昌市人民政府",
        "岳阳市人民政府",
    ]
    assert {g["as_of"] for g in result["groups"]} == {datetime.date(2015, 9, 15)}
    last = [r for r in result["offices"] if r["group"] == "岳阳市人民政府"]
    assert [(r["decision"], r["status"], r["count"]) for r in last] == [
        ("保留", "保留", 1),
        ("撤销", "处置中", 1),  # its county's office still owes 350,000 of proceeds
    ]
    assert result["notes"] == []


@pytest.mark.parametrize("suffix", writers.FORMATS)
def test_the_report_lists_every_source_and_charts_every_measure(exports, tmp_path, suffix):
    result = rollup.query(list(exports.values()), by="province")
    report = rollup.build(result)
    out = tmp_path / f"all.{suffix}"
    writers.write(report, out, rollup.title_block(result))
    text = (
        out.read_text("utf-8-sig")
        if suffix != "xlsx"
        else " ".join(
            str(c.value)
            for sheet in __import__("openpyxl").load_workbook(out).worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        )
    )
    for source in result["sources"]:
        assert source["ledger_sha256"] in text
        assert source["export_sha256"] in text
    assert "清理规范驻外办事机构工作汇总表" in text
    assert "湖北" in text and "湖南" in text
    if suffix == "html":
        assert text.count("<svg") == 4
        for title in ("按决定和状态", "按处置方式", "已上缴与未上缴", "违规事项：按规则"):
            assert title in text


# --- 3. the store: what was collected is kept, keyed on SHA-256 ----------------------


def test_a_refresh_parses_only_the_export_that_changed(exports, tmp_path, monkeypatch):
    store = tmp_path / "store.duckdb"
    folders = {name: tmp_path / name for name in exports}
    for name, spec in LOCALITIES.items():
        export_text(ledger_text(*spec), folders[name])
    first = rollup.query(list(folders.values()), by="nation", store=store)

    parsed: list[Path] = []
    real = rollup._parse

    def counting(folder: Path, data: bytes, sha: str) -> rollup.Export:
        parsed.append(folder)
        return real(folder, data, sha)

    monkeypatch.setattr(rollup, "_parse", counting)
    again = rollup.query(list(folders.values()), by="nation", store=store)
    assert parsed == [] and totals(again) == totals(first)

    # 宜昌 sends a new export, as of an earlier date: other figures, another SHA-256
    export_text(ledger_text(*LOCALITIES["yc"]), folders["yc"], as_of="2015-08-21")
    refreshed = rollup.query(list(folders.values()), by="nation", store=store)
    assert parsed == [folders["yc"]]
    fresh = rollup.query(list(folders.values()), by="nation")  # from scratch, in memory
    assert totals(refreshed) == totals(fresh) != totals(first)
    # the superseded export of 宜昌 is gone from the store
    con = rollup.Store(store)
    try:
        assert len(con.known()) == 3
    finally:
        con.close()


def test_a_store_of_an_older_layout_is_collected_again(exports, tmp_path, monkeypatch):
    """A store written by the version before (facts keyed on the SHA-256 text) is
    emptied and filled again, never read as if it were of this layout."""
    import duckdb

    store = tmp_path / "old.duckdb"
    con = duckdb.connect(str(store))
    con.execute("CREATE TABLE meta (name VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('version', '1')")
    con.execute(
        "CREATE TABLE exports (sha256 VARCHAR PRIMARY KEY, locality VARCHAR, "
        "ledger VARCHAR, ledger_sha256 VARCHAR, as_of DATE)"
    )
    con.execute("CREATE TABLE facts (export VARCHAR, amount DECIMAL(38, 2))")
    con.close()
    parsed: list[Path] = []
    real = rollup._parse

    def counting(folder: Path, data: bytes, sha: str) -> rollup.Export:
        parsed.append(folder)
        return real(folder, data, sha)

    monkeypatch.setattr(rollup, "_parse", counting)
    folders = list(exports.values())
    result = rollup.query(folders, by="nation", store=store)
    assert parsed == folders
    assert totals(result) == totals(rollup.query(folders, by="nation"))
    again = rollup.Store(store)
    try:
        assert len(again.known()) == 3 and sorted(again.ids.values()) == [0, 1, 2]
    finally:
        again.close()


def test_the_same_export_given_twice_counts_once(exports, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for part in exports["xn"].iterdir():
        (copy / part.name).write_bytes(part.read_bytes())
    result = rollup.query([exports["xn"], copy], by="nation")
    assert totals(result) == totals(rollup.query([exports["xn"]], by="nation"))
    assert len(result["sources"]) == 1
    assert "同一份导出" in result["notes"][0] and str(copy) in result["notes"][0]


# --- 5. bad exports refused ----------------------------------------------------------


def copy_export(source: Path, folder: Path) -> Path:
    folder.mkdir()
    for part in source.iterdir():
        (folder / part.name).write_bytes(part.read_bytes())
    return folder


def not_an_export(good: Path, tmp: Path) -> tuple[Path, str]:
    folder = tmp / "photos"
    folder.mkdir()
    (folder / "readme.txt").write_text("不是导出", encoding="utf-8")
    return folder, "不是 `liaison export` 导出的文件夹"


def older_version(good: Path, tmp: Path) -> tuple[Path, str]:
    folder = copy_export(good, tmp / "v1")
    (folder / "rollup.parquet").unlink()  # version 1 wrote the five tables only
    return folder, "旧版本"


def older_rollup(good: Path, tmp: Path) -> tuple[Path, str]:
    folder = copy_export(good, tmp / "v0")
    table = pq.read_table(folder / "rollup.parquet")
    pq.write_table(table.replace_schema_metadata(None), folder / "rollup.parquet")
    return folder, "旧版本"


def float_money(good: Path, tmp: Path) -> tuple[Path, str]:
    folder = copy_export(good, tmp / "float")
    table = pq.read_table(folder / "rollup.parquet")
    index = table.schema.get_field_index("amount")
    floats = table.set_column(index, "amount", table.column("amount").cast(pa.float64()))
    pq.write_table(
        floats.replace_schema_metadata(table.schema.metadata), folder / "rollup.parquet"
    )
    return folder, "不是十进制数"


def not_parquet(good: Path, tmp: Path) -> tuple[Path, str]:
    folder = copy_export(good, tmp / "garbled")
    (folder / "rollup.parquet").write_bytes(b"PAR1 not really")
    return folder, "不是可读的 Parquet 文件"


def _restated(folder: Path, source: object) -> None:
    table = pq.read_table(folder / "rollup.parquet")
    meta = dict(table.schema.metadata)
    meta[SOURCE_KEY] = json.dumps(source).encode()
    pq.write_table(table.replace_schema_metadata(meta), folder / "rollup.parquet")


def bad_as_of(good: Path, tmp: Path) -> tuple[Path, str]:
    folder = copy_export(good, tmp / "bad-date")
    _restated(folder, {"locality": "某地", "as_of": "2015-13-45"})
    return folder, "截至日期 '2015-13-45' 不是日期"


def source_not_an_object(good: Path, tmp: Path) -> tuple[Path, str]:
    folder = copy_export(good, tmp / "bad-source")
    _restated(folder, ["某地"])
    return folder, "来源说明不是 JSON 对象"


@pytest.mark.parametrize(
    "spoil",
    [
        not_an_export,
        older_version,
        older_rollup,
        float_money,
        not_parquet,
        bad_as_of,
        source_not_an_object,
    ],
)
def test_a_bad_export_is_refused_naming_its_folder(exports, tmp_path, capsys, spoil):
    bad, message = spoil(exports["xn"], tmp_path)
    out = tmp_path / "all.xlsx"
    code = cli.main(["consolidate", str(exports["yc"]), str(bad), "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and str(bad) in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]  # nothing written


def test_one_locality_twice_with_different_digests_is_refused_naming_both(
    exports, tmp_path, capsys
):
    later = export_text(ledger_text(*LOCALITIES["xn"]), tmp_path / "xn-later", "2016-12-31")
    out = tmp_path / "all.csv"
    code = cli.main(["consolidate", str(exports["xn"]), str(later), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "同一地区“咸宁市人民政府”有两份不同的导出" in err
    assert str(exports["xn"]) in err and str(later) in err
    stated = {
        json.loads(pq.read_schema(f / "rollup.parquet").metadata[export_lib.SOURCE_KEY])[
            "as_of"
        ]
        for f in (exports["xn"], later)
    }
    assert stated == {"2015-09-15", "2016-12-31"}
    assert "2015-09-15" in err and "2016-12-31" in err
    assert not out.exists()


def test_good_exports_consolidate_with_no_complaint(exports, tmp_path, capsys):
    out = tmp_path / "all.csv"
    code = cli.main(["consolidate", *map(str, exports.values()), "--output", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    assert out.exists()


# --- the command line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "heading", "row"),
    [
        ("locality", "清理规范工作汇总（按地区）", "岳阳市人民政府,2015-09-15,2,"),
        ("prefecture", "清理规范工作汇总（按地级市）", "小计：湖北,,4,"),
        ("province", "清理规范工作汇总（按省份）", "湖南,2,"),
        ("nation", "清理规范工作汇总（按全国）", "全国,6,"),
    ],
)
def test_consolidate_by_every_level(exports, tmp_path, capsys, by, heading, row):
    out = tmp_path / f"{by}.csv"
    argv = ["consolidate", *map(str, exports.values()), "-o", str(out), "--by", by]
    assert cli.main(argv) == 0, capsys.readouterr().err
    text = out.read_text("utf-8-sig")
    assert heading in text
    assert row in text
    assert f"by {by} on duckdb" in capsys.readouterr().out


def test_consolidate_keeps_its_store_beside_the_output(exports, tmp_path, monkeypatch):
    out = tmp_path / "all.xlsx"
    argv = ["consolidate", *map(str, exports.values()), "-o", str(out)]
    assert cli.main(argv) == 0
    assert (tmp_path / rollup.STORE_NAME).is_file()
    parsed: list[Path] = []
    real = rollup._parse

    def counting(folder: Path, data: bytes, sha: str) -> rollup.Export:
        parsed.append(folder)
        return real(folder, data, sha)

    monkeypatch.setattr(rollup, "_parse", counting)
    assert cli.main(argv) == 0
    assert parsed == []
    other = tmp_path / "elsewhere.duckdb"
    assert cli.main([*argv, "--store", str(other)]) == 0
    assert other.is_file() and len(parsed) == len(exports)


def test_consolidate_rejects_an_unknown_level_or_engine(exports, tmp_path, capsys):
    out = tmp_path / "all.csv"
    for option, value in (("--by", "county"), ("--engine", "hive")):
        argv = ["consolidate", str(exports["xn"]), "-o", str(out), option, value]
        assert cli.main(argv) == 2
        assert f"参数 {option} 的值 '{value}' 不可用" in capsys.readouterr().err
    assert not out.exists()
