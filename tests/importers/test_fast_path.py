"""The fast path of ``rows.typed_rows`` gives what pydantic's validation gives.

A mixed file (valid rows and rows with every kind of bad cell, in CSV and in xlsx with
typed cells) is read twice, with ``fast=False`` (every row through ``model_validate``)
and with the fast path; the rows, their field sets, the problems, the collected ids and
the rendered ledger text must be identical.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import Any

import pytest

from importers import convert
from importers import rows as rows_lib
from tests.importers.conftest import DISPOSAL_HEADER
from tests.importers.conftest import INVENTORY_HEADER
from tests.importers.conftest import write_csv
from tests.importers.conftest import write_xlsx

OFFICES = ["XN-JY-WH", "XN-WH", " XN-WH", "ＸＮ-WH", "xn-wh", "XN WH", "", "XN\x01", None]
NAMES = ["别克", " 复印机 ", "", "a\x07b", "Name", "名\u3000", "\u3000", 12, 3.0, None]
CATEGORIES = ["车辆", "设备", "Vehicles", "vehicles", " 土地 ", "飞机", "", "LAND", "资金"]
DATES = [
    "2011-05-01",
    "2011/5/1",
    "2011年5月1日",
    "20110501",
    "2011-02-30",
    "1899-01-01",
    "",
    " ",
    "２０１１-05-01",
    "2011-05-01 00:00",
    "x",
    "2011-05-01 ",
    datetime.date(2012, 1, 2),
    datetime.datetime(2012, 1, 2, 0, 0),
    42210,
    None,
]
MONEY = [
    "280000.00",
    "30000",
    "12000.5",
    "",
    "-2",
    "2.001",
    "1,234.50",
    "¥100",
    "100元",
    "(5)",
    "１００",
    "abc",
    "0",
    " 7 ",
    "1e3",
    "9" * 16,
    "9" * 15 + ".99",
    "NaN",
    "00012.10",
    ".5",
    1500,
    1500.25,
    0.1,
    True,
    None,
]
USES = ["办公", "", " ", "经营", "a\x03", " 接待 ", None]
METHODS = ["划转", "拍卖", "有偿转让", "transfer", "Auction", "x", "", " 出售 ", None]


def _asset_id(rng: random.Random, i: int) -> Any:
    return rng.choice(
        [f"JY-{i}", f" JY-{i} ", f"ＪＹ-{i}", f"A/{i}", f"JY-{i % 40}", "", f"资产{i}"]
        + [f"JY\x02{i}", f"JY-{i}\u3000", i, None]
    )


def _inventory(rng: random.Random, n: int, typed: bool) -> list[list[Any]]:
    def pick(values: list[Any]) -> Any:
        value = rng.choice(values)
        return value if typed or value is None or isinstance(value, str) else str(value)

    rows: list[list[Any]] = [INVENTORY_HEADER]
    for i in range(n):
        good = rng.random() < 0.5  # half the rows valid: the fast path must take them
        row = [
            pick(OFFICES[:4] if good else OFFICES),
            f"G-{i}" if good else _asset_id(rng, i),
            pick(NAMES[:2] if good else NAMES),
            pick(CATEGORIES[:5] if good else CATEGORIES),
            pick(DATES[:4] if good else DATES),
            pick(MONEY[:4] if good else MONEY),
            pick(MONEY[:3] if good else MONEY),
            pick(MONEY[:4] if good else MONEY),
            pick(USES[:4] if good else USES),
            pick(["2015-07-25", "2016/1/2", ""] if good else DATES),
        ]
        if not typed:
            row = ["" if c is None else str(c) for c in row]
        rows.append(row)
    return rows


def _disposals(rng: random.Random, n: int) -> list[list[Any]]:
    rows: list[list[Any]] = [DISPOSAL_HEADER]
    for i in range(n):
        rows.append(
            [
                _asset_id(rng, i) if rng.random() < 0.5 else f"D-{i}",
                rng.choice(METHODS),
                rng.choice(DATES),
                rng.choice(["", "鄂财资〔2016〕12号", " a "]),
                rng.choice(MONEY),
                rng.choice(MONEY),
                rng.choice(["", "XN-JGSW", "咸宁市机关事务管理局", None]),
            ]
        )
    return rows


def _printable(cell: Any) -> Any:
    if isinstance(cell, str):
        return "".join(c if c >= " " else "?" for c in cell)
    return cell


def _read(path: Path, schema: rows_lib.Schema, fast: bool) -> tuple[Any, ...]:
    problems: list[rows_lib.Problem] = []
    table = rows_lib.open_table(path, problems)
    rows = list(rows_lib.typed_rows(table, schema, fast=fast))
    shown = [(n, repr(r), r.model_fields_set, r.model_dump()) for n, r in rows]
    text = ""
    if schema is rows_lib.INVENTORY:
        entries = convert.inventory_entries(
            rows,
            convert.LedgerIndex.empty(),
            [],
            filename="f",
            default_date=datetime.date(2015, 7, 25),
            file_ids=table.ids,
        )
        text = "".join(convert.render(e) for e in entries)
    return shown, list(problems), dict(table.ids), dict(table.columns), text


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_fast_path_is_the_slow_path_csv(tmp_path, encoding):
    rng = random.Random(20150725)
    rows = _inventory(rng, 600, typed=False)
    path = write_csv(tmp_path / "mixed.csv", rows, encoding)
    slow = _read(path, rows_lib.INVENTORY, fast=False)
    fast = _read(path, rows_lib.INVENTORY, fast=True)
    assert len(slow[0]) > 200 and len(slow[1]) > 200  # both kinds of row are there
    assert fast == slow


def test_fast_path_without_the_optional_columns(tmp_path):
    rng = random.Random(11)
    rows = _inventory(rng, 300, typed=False)
    keep = [0, 1, 2, 3, 6, 9]  # no 取得日期 原值 评估价值 用途: the model's defaults
    rows = [[row[i] for i in keep] for row in rows]
    path = write_csv(tmp_path / "narrow.csv", rows)
    slow = _read(path, rows_lib.INVENTORY, fast=False)
    fast = _read(path, rows_lib.INVENTORY, fast=True)
    assert len(slow[0]) > 100
    assert fast == slow


def test_fast_path_is_the_slow_path_xlsx(tmp_path):
    rng = random.Random(7)
    rows = _inventory(rng, 300, typed=True)
    # openpyxl refuses control characters in cells; the CSV tests have them
    rows = [[_printable(c) for c in row] for row in rows]
    rows[5][6] = "=F6*0.5"  # a formula row goes the slow way
    path = write_xlsx(tmp_path / "mixed.xlsx", rows)
    slow = _read(path, rows_lib.INVENTORY, fast=False)
    fast = _read(path, rows_lib.INVENTORY, fast=True)
    assert len(slow[0]) > 100 and len(slow[1]) > 100
    assert fast == slow


def test_fast_path_is_the_slow_path_disposals(tmp_path):
    rng = random.Random(3)
    rows = [["" if c is None else str(c) for c in row] for row in _disposals(rng, 400)]
    path = write_csv(tmp_path / "disposals.csv", rows)
    slow = _read(path, rows_lib.DISPOSALS, fast=False)
    fast = _read(path, rows_lib.DISPOSALS, fast=True)
    assert len(slow[0]) > 20 and len(slow[1]) > 100
    assert fast == slow


def test_memo_is_bounded(tmp_path):
    """Many distinct dates: the memo stops growing, the values stay right."""
    n = rows_lib._MEMO_SIZE + 500
    start = datetime.date(1990, 1, 1)
    rows: list[list[Any]] = [INVENTORY_HEADER]
    for i in range(n):
        day = (start + datetime.timedelta(days=i)).isoformat()
        rows.append(["XN-WH", f"M-{i}", "x", "设备", day, "", "1", "", "", day])
    path = write_csv(tmp_path / "dates.csv", rows)
    slow = _read(path, rows_lib.INVENTORY, fast=False)
    fast = _read(path, rows_lib.INVENTORY, fast=True)
    assert len(fast[0]) == n and not fast[1]
    assert fast == slow
