"""``liaison report|export|consolidate``: files written, exit codes, clear messages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from reports import cli
from reports import export as export_lib


@pytest.mark.parametrize(
    "kind", ["disposal", "progress", "registration", "reconciliation", "reception"]
)
@pytest.mark.parametrize("suffix", ["xlsx", "csv", "html"])
def test_report_writes_every_kind_in_every_format(
    sample_ledger, tmp_path, capsys, kind, suffix
):
    out = tmp_path / f"{kind}.{suffix}"
    code = cli.main(
        ["report", kind, str(sample_ledger), "--output", str(out), "--as-of", "2016-12-31"]
    )
    assert code == 0, capsys.readouterr().err
    assert out.stat().st_size > 500
    assert "as of 2016-12-31" in capsys.readouterr().out


def test_report_title_block_names_the_ledger_and_its_hash(sample_ledger, tmp_path):
    from reports.ledger import books_sha256

    out = tmp_path / "r.xlsx"
    assert (
        cli.main(
            [
                "report",
                "reception",
                str(sample_ledger),
                "-o",
                str(out),
                "--as-of",
                "2016-12-31",
            ]
        )
        == 0
    )
    sheet = load_workbook(out).worksheets[0]
    values = [sheet.cell(r, 2).value for r in range(1, 10)]
    assert books_sha256(sample_ledger, [sample_ledger]) in values
    assert str(sample_ledger) in values
    assert "2016-12-31" in values


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["report", "disposal", "{ledger}", "--output", "{tmp}/r.pdf"],
            "扩展名应为 .xlsx、.csv 或 .html",
        ),
        (
            ["report", "disposal", "{tmp}/missing.beancount", "--output", "{tmp}/r.xlsx"],
            "账本文件不存在",
        ),
        (
            ["report", "disposal", "{ledger}", "--output", "{tmp}/nofolder/r.xlsx"],
            "/nofolder 不存在",
        ),
        (
            ["report", "balance", "{ledger}", "--output", "{tmp}/r.xlsx"],
            "参数 KIND 的值 'balance' 不可用",
        ),
        (["report", "disposal", "{ledger}"], "缺少必需的参数：--output/-o"),
        (
            ["report", "disposal", "{ledger}", "-o", "{tmp}/r.csv", "--as-of", "soon"],
            "不是日期",
        ),
        (["export", "{tmp}/missing.beancount", "--output", "{tmp}/x"], "账本文件不存在"),
        (
            ["consolidate", "{tmp}", "--output", "{tmp}/c.xlsx"],
            "不是 `liaison export` 导出的文件夹",
        ),
        (["consolidate", "{tmp}/none", "--output", "{tmp}/c.xlsx"], "文件夹不存在"),
    ],
)
def test_bad_usage_exits_2_with_a_message(sample_ledger, tmp_path, capsys, argv, message):
    args = [a.format(ledger=sample_ledger, tmp=tmp_path) for a in argv]
    assert cli.main(args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "c.xlsx").exists()


def test_export_writes_five_parquet_files_with_decimal_money(sample_ledger, tmp_path):
    out = tmp_path / "xn"
    assert (
        cli.main(
            ["export", str(sample_ledger), "--output", str(out), "--as-of", "2015-09-15"]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{n}.parquet" for n in export_lib.NAMES
    )
    offices = pq.read_table(out / "offices.parquet")
    assert offices.schema.field("cash").type == pa.decimal128(20, 2)
    rows = {r["office"]: r for r in offices.to_pylist()}
    county = rows["XN-JY-WH"]
    assert county["decision"] == "abolish"
    assert county["due_to_treasury"] == Decimal("350000.00")
    assert county["as_of"] == datetime.date(2015, 9, 15)
    assert county["locality"] == "咸宁市人民政府"
    disposals = pq.read_table(out / "disposals.parquet").to_pylist()
    land = next(r for r in disposals if r["asset_id"] == "JY-L-0001")
    assert (land["method"], land["proceeds"], land["remitted"]) == (
        "sale",
        Decimal("850000.00"),
        Decimal("500000.00"),
    )
    remittances = pq.read_table(out / "remittances.parquet").to_pylist()
    assert [(r["date"], r["amount"]) for r in remittances] == [
        (datetime.date(2015, 8, 25), Decimal("121000.00")),
        (datetime.date(2015, 9, 10), Decimal("500000.00")),
    ]
    assets = pq.read_table(out / "assets.parquet").to_pylist()
    assert {a["asset_id"]: a["account_code"] for a in assets}[
        "JY-L-0001"
    ] == "1701 无形资产"
    violations = pq.read_table(out / "violations.parquet")
    assert set(violations.column_names) >= {"code", "office", "message", "ledger_sha256"}


def test_consolidate_sums_localities_with_duckdb(sample_ledger, tmp_path):
    other = tmp_path / "other.beancount"
    other.write_text(
        sample_ledger.read_text("utf-8").replace(
            '咸宁市人民政府"', '咸宁市人民政府（副本）"'
        ),
        encoding="utf-8",
    )
    for name, ledger in (("a", sample_ledger), ("b", other)):
        assert (
            cli.main(
                ["export", str(ledger), "-o", str(tmp_path / name), "--as-of", "2015-09-15"]
            )
            == 0
        )
    result = export_lib.query([tmp_path / "a", tmp_path / "b"])
    assert [r["locality"] for r in result["localities"]] == [
        "咸宁市人民政府",
        "咸宁市人民政府（副本）",
    ]
    first = result["localities"][0]
    assert (first["offices"], first["abolished"], first["retained"]) == (2, 1, 1)
    assert first["disposed_value"] == Decimal("3350000.00")
    assert first["proceeds"] == Decimal("971000.00")
    assert first["remitted"] == Decimal("621000.00")
    assert first["due_to_treasury"] == Decimal("350000.00")
    assert len(result["sources"]) == 2

    out = tmp_path / "all.xlsx"
    assert (
        cli.main(["consolidate", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out)])
        == 0
    )
    sheet = load_workbook(out)["各地汇总"]
    labels = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    head = labels["地区"]
    headers = [c.value for c in sheet[head]]
    assert sheet.cell(labels["合计"], headers.index("已处置价值") + 1).value == 6700000
    block = [sheet.cell(r, 2).value or "" for r in range(1, head)]
    assert any("SHA-256" in v for v in block)


def test_report_kinds_offered_are_the_builders_kinds():
    from reports import builders

    assert tuple(cli.KIND_HELP) == builders.KINDS


def test_reports_and_exports_get_the_mode_of_any_new_file(sample_ledger, tmp_path):
    """Written through a private temporary file, but shared like any file (umask)."""
    import os

    old = os.umask(0o022)
    try:
        report = tmp_path / "progress.xlsx"
        assert (
            cli.main(["report", "progress", str(sample_ledger), "--output", str(report)])
            == 0
        )
        assert (
            cli.main(["export", str(sample_ledger), "--output", str(tmp_path / "x")]) == 0
        )
    finally:
        os.umask(old)
    assert report.stat().st_mode & 0o777 == 0o644
    for path in (tmp_path / "x").iterdir():
        assert path.stat().st_mode & 0o777 == 0o644, path
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
