"""Fixtures for the importer tests: a small ledger, file writers, the CLI."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from beancount import loader

from plugins.catalogue import PolicyViolation
from reports import cli

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

LEDGER = """\
option "title" "咸宁市驻外机构清理"
option "operating_currency" "CNY"

2015-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
  parent: "XN"
2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
  government: "XN"
  host: "武汉"
2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  host: "武汉"

2015-01-01 open Equity:Transfers:XN-JGSW CNY
  name: "咸宁市机关事务管理局"
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-01 open Assets:Office:XN-JY-WH:Buildings:JY-B-0001 CNY
  asset-id: "JY-B-0001"
  name: "办公楼"
  acquired: 2001-03-01
  original-cost: 3000000.00 CNY
2015-01-01 * "期初" "办公楼"
  Assets:Office:XN-JY-WH:Buildings:JY-B-0001   2400000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets
"""

INVENTORY_HEADER = [
    "机构代码",
    "资产编号",
    "资产名称",
    "资产类别",
    "取得日期",
    "原值",
    "账面净值",
    "评估价值",
    "用途",
    "登记日期",
]
INVENTORY_ROWS = [
    [
        "XN-JY-WH",
        "JY-V-0001",
        "别克GL8 鄂L12345",
        "车辆",
        "2011-05-01",
        "280000.00",
        "150000.00",
        "120000.00",
        "办公",
        "2015-07-25",
    ],
    [
        "XN-JY-WH",
        "JY-E-0007",
        "复印机",
        "设备",
        "2013-02-01",
        "30000",
        "12000.5",
        "",
        "",
        "",
    ],
    ["XN-JY-WH", "JY-R-0001", "应收房租", "债权", "", "", "50000", "", "", "2015-07-25"],
    ["XN-JY-WH", "JY-P-0001", "欠物业费", "债务", "", "", "8000", "", "", "2015-07-25"],
    [
        "XN-WH",
        "WH-L-0001",
        "办事处用地",
        "土地",
        "1995-01-01",
        "900000",
        "900000",
        "",
        "",
        "",
    ],
]

DISPOSAL_HEADER = [
    "资产编号",
    "处置方式",
    "处置日期",
    "批准文号",
    "评估价值",
    "成交金额",
    "受让方",
]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER, encoding="utf-8")
    return path


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(rows, encoding))
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    merges: Sequence[str] = (),
    title: str | None = None,
) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "附表一"
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    workbook.save(path)
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def load_together(ledger: Path, *extra: Path | str) -> tuple[list[Any], list[Any]]:
    """Load the ledger with extra files included; Beancount's own errors only."""
    text = ledger.read_text(encoding="utf-8")
    combined = ledger.parent / "combined.beancount"
    includes = "".join(
        f'include "{Path(p).resolve()}"\n' for p in extra if isinstance(p, Path)
    )
    inline = "".join(p for p in extra if isinstance(p, str))
    combined.write_text(text + "\n" + includes + inline, encoding="utf-8")
    entries, errors, _ = loader.load_file(str(combined))
    return entries, [e for e in errors if not isinstance(e, PolicyViolation)]
