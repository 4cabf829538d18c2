"""The columnar path writes exactly what the exact path writes, or declines.

``columnar.import_inventory`` either returns True, having written the bytes the exact
path (``rows.typed_rows`` → ``convert.inventory_entries`` → ``convert.render``) would
write for the file with no problem at all, or returns False. Every test here runs both
and compares: on random files that mix plain cells with every kind of cell the exact
path folds, trims, reads or refuses; on files crossing many blocks; and on each reason
to decline, one at a time.
"""

from __future__ import annotations

import codecs
import datetime
import io
import random
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from importers import columnar
from importers import command
from importers import convert
from importers import rows as rows_lib
from tests.importers.conftest import INVENTORY_HEADER
from tests.importers.conftest import LEDGER
from tests.importers.conftest import csv_bytes
from tests.importers.conftest import load_together
from tests.importers.conftest import run_cli

DAY = datetime.date(2015, 7, 25)

PLAIN: dict[str, list[str]] = {
    "office": ["XN-JY-WH", "XN-WH"],
    "name": ["别克GL8 鄂L12345", "复印机", "柜子\\A", "Name", "接待 用房", "办公楼,附楼"]
    + ['说"明"', '"引号"开头', '末尾"'],
    "category": [
        "车辆",
        "设备",
        "房屋",
        "土地",
        "债权",
        "债务",
        "资金",
        "企业",
        "Vehicles",
    ],
    "acquired": ["2011-05-01", "", "1999-12-31", "2100-01-01", "2011/5/1", "2011年5月1日"]
    + ["2011-5-1", "2011/05/01 0:00", "20110501", "2011.5.1", "2011-05-01T00:00:00"],
    "money": [
        "280000.00",
        "30000",
        "12000.5",
        "0",
        "0.00",
        "007.50",
        "",
        "999999999999999.99",
        "1,234.50",
        "12,000",
        "1,234,567.5",
    ],
    "book": ["150000.00", "8000", "0", "12.5", "0.00", "1,000"],
    "use": ["办公", "", "经营 用"],
    "date": ["2015-07-25", "", "2016-01-02", "2015/7/25", "2015年7月25日"],
}
"""Cells the columnar path takes: each one exactly what the exact path makes of it."""

ODD: dict[str, list[str]] = {
    "office": [" XN-WH", "ＸＮ-WH", "xn-wh", "XN-BJ", "", "XN\tWH"],
    "asset_id": ["A/1", " C-1", "ＣＣ-1", "c-lower", "", "C--1", "资产1"],
    "name": [" 复印机", "复印机\u3000", "", "a\x07b", "\u3000", '"说明" '],
    "category": ["飞机", " 车辆", "VEHICLES", "vehicles", "土地使用权", ""],
    "acquired": ["2011/2/30", "2011-02-30", "1899-12-31", "2011-5/1", "2011/5/1 12:00"]
    + [" ", "２０１１-05-01", "2011/5/1 ", "201151", "2011年5月1"],
    "money": [
        "1,234.567",
        "12,34.5",
        "1,2345",
        "１００",
        "¥100",
        "2.001",
        "-2",
        "1e3",
        ".5",
        "5.",
        " 7",
        "9" * 16,
    ],
    "book": ["", "1,00", "-5", "abc"],
    "use": [" 办公", "a\x03", " "],
    "date": ["2015/7/32", "2014-12-31", "2015-02-30", "x", "2015/7/25 0:00 0:00"],
}
"""Cells that are read, folded, trimmed or refused by the exact path: all decline."""


def _row(rng: random.Random, i: int, odd: float) -> list[str]:
    def cell(kind: str) -> str:
        if kind in ODD and rng.random() < odd:
            return rng.choice(ODD[kind])
        return rng.choice(PLAIN[kind])

    asset_id = f"C-{i:05d}"
    if rng.random() < odd:
        asset_id = rng.choice(ODD["asset_id"] + [f"C-{max(i - 1, 0):05d}"])
    return [
        cell("office"),
        asset_id,
        cell("name"),
        cell("category"),
        cell("acquired"),
        cell("money"),
        cell("book"),
        cell("money"),
        cell("use"),
        cell("date"),
    ]


def _index(tmp_path: Path, extra: str = "") -> convert.LedgerIndex:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(LEDGER + extra, encoding="utf-8")
    return command.build_index(ledger, None, sys.stderr)


def _exact(
    path: Path, index: convert.LedgerIndex, day: datetime.date | None
) -> tuple[bytes, convert.Stats, list[str]]:
    problems: list[rows_lib.Problem] = []
    out = io.StringIO()
    stats = command.convert_exact(out, "inventory", path, index, problems, default_date=day)
    return out.getvalue().encode("utf-8"), stats, [str(p) for p in problems]


def _columnar(
    path: Path, index: convert.LedgerIndex, day: datetime.date | None
) -> tuple[bool, bytes, convert.Stats]:
    out = io.BytesIO()
    stats = convert.Stats()
    taken = columnar.import_inventory(path, index, out, stats=stats, default_date=day)
    return taken, out.getvalue(), stats


def _compare(
    path: Path, index: convert.LedgerIndex, day: datetime.date | None = DAY
) -> tuple[bool, list[str]]:
    """Run both paths; where the columnar one takes the file, they must agree."""
    exact, exact_stats, problems = _exact(path, index, day)
    taken, text, stats = _columnar(path, index, day)
    if taken:
        assert not problems, problems[:3]
        assert text == exact
        assert stats == exact_stats
    return taken, problems


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes([INVENTORY_HEADER, *rows], encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig"])
def test_random_files_agree(tmp_path, encoding):
    """Many small files, some all plain (taken), some with an odd cell (declined)."""
    rng = random.Random(f"columnar-{encoding}")
    index = _index(tmp_path)
    taken = declined = 0
    for trial in range(60):
        odd = 0 if trial % 3 == 0 else 0.02
        rows = [_row(rng, i, odd) for i in range(rng.randint(1, 60))]
        path = _write(tmp_path / f"t{trial}.csv", rows, encoding)
        ok, problems = _compare(path, index)
        taken += ok
        declined += not ok
        if not ok and odd == 0:
            pytest.fail(f"a plain file was declined: {path.read_text(encoding)[:400]}")
    assert taken >= 20 and declined >= 10


def test_many_blocks_agree(tmp_path, monkeypatch):
    """Blocks of a few lines each: rows, held rows, equity opens across blocks."""
    monkeypatch.setattr(columnar, "BLOCK", 700)
    rng = random.Random(5)
    index = _index(tmp_path)
    rows = [_row(rng, i, 0) for i in range(400)]
    held = ["XN-JY-WH", "JY-B-0001", "办公楼", "房屋", "2001-03-01", "3000000.00"]
    rows.insert(250, [*held, "2400000.00", "", "", ""])
    rows[300][0] = "XN-WH"  # XN-WH's equity account is opened by the import
    rows[300][6] = "5.00"
    path = _write(tmp_path / "long.csv", rows)
    taken, _ = _compare(path, index)
    assert taken
    _, _, stats = _columnar(path, index, DAY)
    assert stats.rows == 401 and stats.skipped == 1


def test_a_large_register_agrees(tmp_path):
    """Past BLOCK, so the blocks are converted side by side."""
    rng = random.Random(9)
    rows = [_row(rng, i, 0) for i in range(30_000)]
    path = _write(tmp_path / "large.csv", rows, "gb18030")
    assert path.stat().st_size > 2 * columnar.BLOCK
    taken, _ = _compare(path, _index(tmp_path))
    assert taken


PLAIN_ROW = ["XN-JY-WH", "JY-V-0001", "别克GL8", "车辆", "2011-05-01"] + [
    "280000.00",
    "150000.00",
    "120000.00",
    "办公",
    "2015-07-25",
]


def _plain(n: int = 5) -> list[list[str]]:
    return [[*PLAIN_ROW[:1], f"JY-V-{i:04d}", *PLAIN_ROW[2:]] for i in range(n)]


def _quoted_row(name: bytes) -> bytes:
    """A plain file whose last row's name is the given bytes, as written."""
    row = ["XN-WH", "Q-1", "NAME", "车辆", "", "", "1.00", "", "", ""]
    line = ",".join(row).encode().replace(b"NAME", name)
    return csv_bytes([INVENTORY_HEADER, *_plain()]) + line + b"\r\n"


def _changed(column: int, value: str, row: int = 2) -> list[list[str]]:
    rows = _plain()
    rows[row][column] = value
    return rows


DECLINED = {
    "office to trim": _changed(0, " XN-WH"),
    "office not declared": _changed(0, "XN-BJ"),
    "id to fold": _changed(1, "ＪＹ-1"),
    "id not its own leaf": _changed(1, "JY/1"),
    "id twice": _changed(1, "JY-V-0000", row=4),
    "name to trim": _changed(2, "别克 "),
    "name with a control character": _changed(2, "别\x07克"),
    "unknown category": _changed(3, "飞机"),
    "impossible date": _changed(4, "2011-02-30"),
    "mixed separators in a date": _changed(4, "2011-5/1"),
    "a date with a time of day": _changed(4, "2011/5/1 8:00"),
    "grouped amount with three decimals": _changed(5, "1,280,000.001"),
    "grouped amount grouped wrong": _changed(6, "15,0000.00"),
    "over-precise amount": _changed(6, "1.001"),
    "negative amount": _changed(7, "-5"),
    "missing book value": _changed(6, ""),
    "use to trim": _changed(8, " 办公"),
    "booked before the equity opens": _changed(9, "2014-12-31"),
    "held with other values": [
        ["XN-JY-WH", "JY-B-0001", "办公楼", "房屋", "2001-03-01", "1.00", "2400000.00"]
        + ["", "", ""]
    ],
}


HELD_LEDGER = """
2015-01-01 open Liabilities:Office:XN-WH:Payables:WH-P-1 CNY
  asset-id: "WH-P-1"
  name: "欠物业费"
  use: "物业"
2015-01-01 open Equity:Office:XN-WH:NetAssets CNY
2015-01-01 * "期初" "欠物业费"
  asset-id: "WH-P-1"
  Liabilities:Office:XN-WH:Payables:WH-P-1   -8000.00 CNY
  Equity:Office:XN-WH:NetAssets
"""
HELD_ROWS = [
    ["XN-JY-WH", "JY-B-0001", "办公楼", "房屋", "2001-03-01", "3000000", "2400000.00"]
    + ["", "", "2015-07-25"],
    ["XN-WH", "WH-P-1", "欠物业费", "债务", "", "", "8000", "", "物业", ""],
]
HELD_CHANGES = [
    (0, 0, "XN-WH"),
    (0, 2, "办公楼二"),
    (0, 3, "土地"),
    (0, 4, "2001-03-02"),
    (0, 4, ""),
    (0, 5, "3000000.01"),
    (0, 5, ""),
    (0, 7, "1.00"),
    (0, 8, "办公"),
    (1, 6, "8000.01"),
    (1, 8, ""),
    (1, 3, "债权"),
]


def test_rows_the_ledger_holds_identically_are_skipped(tmp_path):
    index = _index(tmp_path, HELD_LEDGER)
    path = _write(tmp_path / "held.csv", [*HELD_ROWS, *_plain(3)])
    taken, _ = _compare(path, index)
    assert taken
    assert _columnar(path, index, DAY)[2].skipped == 2


@pytest.mark.parametrize("row, column, value", HELD_CHANGES)
def test_rows_the_ledger_holds_otherwise_decline(tmp_path, row, column, value):
    index = _index(tmp_path, HELD_LEDGER)
    rows = [list(r) for r in HELD_ROWS] + _plain(3)
    rows[row][column] = value
    taken, problems = _compare(_write(tmp_path / "held.csv", rows), index)
    assert not taken
    assert any("已在账本中" in p for p in problems), problems


@pytest.mark.parametrize("case", sorted(DECLINED))
def test_declines_what_the_exact_path_handles(tmp_path, case):
    path = _write(tmp_path / "case.csv", DECLINED[case])
    taken, _ = _compare(path, _index(tmp_path))
    assert not taken


def test_the_plain_file_is_taken(tmp_path):
    """The control for the cases above: the same file unchanged is taken."""
    path = _write(tmp_path / "plain.csv", _plain())
    taken, _ = _compare(path, _index(tmp_path))
    assert taken


def test_an_account_the_ledger_opens_declines(tmp_path):
    """The exact path names the account ``…-2``; the columnar path leaves it to it."""
    index = _index(tmp_path, "2015-01-01 open Assets:Office:XN-WH:Cash:WH-C-1 CNY\n")
    rows = [["XN-WH", "WH-C-1", "现金", "资金", "", "", "100.00", "", "", ""]]
    path = _write(tmp_path / "clash.csv", rows)
    taken, _ = _compare(path, index)
    assert not taken
    rows[0][1] = "WH-C-2"
    taken, _ = _compare(_write(tmp_path / "clean.csv", rows), index)
    assert taken


@pytest.mark.parametrize(
    "name, content",
    [
        ("crlf", csv_bytes([INVENTORY_HEADER, *_plain()])),
        ("lf", csv_bytes([INVENTORY_HEADER, *_plain()]).replace(b"\r\n", b"\n")),
        ("no final newline", csv_bytes([INVENTORY_HEADER, *_plain()]).rstrip()),
        ("bom", codecs.BOM_UTF8 + csv_bytes([INVENTORY_HEADER, *_plain()])),
        ("blank line at the end", csv_bytes([INVENTORY_HEADER, *_plain()]) + b"\r\n"),
        (
            "empty rows at the end, as Excel writes them",
            csv_bytes([INVENTORY_HEADER, *_plain()]) + b",,,,,,,,,\r\n" * 3 + b" ,\t,",
        ),
        (
            "quoted cells",
            csv_bytes(
                [INVENTORY_HEADER]
                + [
                    [*r[:2], "办公楼,附楼", *r[3:5], "3,000,000.00", "2,400,000", *r[7:]]
                    for r in _plain()
                ]
            ),
        ),
        ("gbk", csv_bytes([INVENTORY_HEADER, *_plain()], "gbk")),
        (
            "title row",
            "资产清查登记表,,,\r\n".encode()
            + csv_bytes([INVENTORY_HEADER])
            + csv_bytes(_plain()),
        ),
        (
            "ignored column",
            csv_bytes(
                [["序号", *INVENTORY_HEADER]]
                + [[str(i), *r] for i, r in enumerate(_plain())]
            ),
        ),
        (
            "english header",
            csv_bytes(
                [
                    [
                        "office",
                        "asset-id",
                        "name",
                        "category",
                        "acquired",
                        "original-cost",
                        "book-value",
                        "appraisal",
                        "use",
                        "date",
                    ]
                ]
                + _plain()
            ),
        ),
        (
            "fewer columns",
            csv_bytes(
                [[INVENTORY_HEADER[k] for k in (0, 1, 2, 3, 6)]]
                + [[r[k] for k in (0, 1, 2, 3, 6)] for r in _plain()]
            ),
        ),
    ],
)
def test_takes_plain_files_in_every_form(tmp_path, name, content):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    taken, _ = _compare(path, _index(tmp_path))
    assert taken, name


@pytest.mark.parametrize(
    "name, content",
    [
        (
            "blank line in the middle",
            csv_bytes([INVENTORY_HEADER, *_plain()]).replace(b"\r\n", b"\r\n\r\n", 3),
        ),
        (
            "lone carriage returns",
            csv_bytes([INVENTORY_HEADER, *_plain()]).replace(b"\r\n", b"\r"),
        ),
        ("header only", csv_bytes([INVENTORY_HEADER])),
        ("misspelt header", csv_bytes([["机构代号", *INVENTORY_HEADER[1:]], *_plain()])),
        (
            "latin-1",
            b"office,asset-id,name,category,book-value\r\n"
            + "XN-WH,A-1,Café é è ê ë,Cash,1.00\r\n".encode("latin-1") * 3,
        ),
        ("utf-16", csv_bytes([INVENTORY_HEADER, *_plain()]).decode().encode("utf-16")),
        ("nul byte", csv_bytes([INVENTORY_HEADER, *_plain()]) + b"\x00"),
        (
            "extra field",
            csv_bytes([INVENTORY_HEADER, *_plain()]) + b"a,b,c,d,e,f,g,h,i,j,k\r\n",
        ),
        ("short row", csv_bytes([INVENTORY_HEADER, *_plain()]) + b"XN-WH,A-1\r\n"),
        ("text after a closing quote", _quoted_row(b'"\xe5\x88\xab\xe5\x85\x8b"GL8')),
        ("a quote left open", _quoted_row(b'"\xe5\x88\xab\xe5\x85\x8b')),
        ("a quote inside a cell", _quoted_row(b'\xe5\x88\xab"\xe5\x85\x8b')),
        ("a space before a quote", _quoted_row(b' "\xe5\x88\xab\xe5\x85\x8b"')),
        (
            "a quoted header",
            csv_bytes([INVENTORY_HEADER, *_plain()]).replace(
                "机构代码".encode(), '"机构代码"'.encode(), 1
            ),
        ),
    ],
)
def test_declines_files_only_the_exact_path_reads(tmp_path, name, content):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    taken, _ = _compare(path, _index(tmp_path))
    assert not taken, name


def test_booking_dates_from_the_ledger_and_the_command_line(tmp_path):
    registered = '2015-07-20 custom "registration" "XN-JY-WH"\n  form: "附表一"\n'
    index = _index(tmp_path, registered)
    rows = _plain()
    rows[1][9] = ""  # XN-JY-WH is registered: that date
    path = _write(tmp_path / "dates.csv", rows)
    assert _compare(path, index, None)[0]
    assert _compare(path, index, datetime.date(2015, 8, 1))[0]
    rows[1][0] = "XN-WH"  # not registered, no --date: the exact path's problem
    assert not _compare(_write(tmp_path / "undated.csv", rows), index, None)[0]


def test_whitespace_is_what_python_strips():
    """TRIMMED refuses, at either end, every character str.strip() removes."""
    spaces = [chr(i) for i in range(0x110000) if chr(i).isspace()]
    values = [f"a{c}" for c in spaces] + [f"{c}a" for c in spaces] + ["a", "a b", "资产"]
    matched = pc.match_substring_regex(pa.array(values), columnar.TRIMMED).to_pylist()
    assert matched == [v.strip() == v and v.isprintable() for v in values]


def test_a_declined_import_leaves_the_output_as_it_was(tmp_path, capsys, monkeypatch):
    """A problem found after rows were written: the CLI reports it, writes nothing."""
    monkeypatch.setattr(command, "COLUMNAR_FROM", 0)
    monkeypatch.setattr(columnar, "BLOCK", 300)
    ledger = tmp_path / "main.beancount"
    ledger.write_text(LEDGER, encoding="utf-8")
    output = tmp_path / "assets.beancount"
    output.write_text("; kept\n", encoding="utf-8")
    rows = _plain(40)
    rows[39][1] = "JY-V-0000"  # the first row's id, in the last block
    path = _write(tmp_path / "dup.csv", rows)
    code, _, err = run_cli(
        capsys, "import", "inventory", path, "--ledger", ledger, "--output", output
    )
    assert code == 2
    assert "资产编号 JY-V-0000 与本文件第 2 行重复" in err
    assert output.read_text(encoding="utf-8") == "; kept\n"
    rows[39][1] = "JY-V-0039"
    path = _write(tmp_path / "dup.csv", rows)
    code, _, err = run_cli(
        capsys, "import", "inventory", path, "--ledger", ledger, "--output", output
    )
    assert code == 0, err
    assert "新增 40 行" in err
    text = output.read_text(encoding="utf-8")
    assert text.startswith("; kept\n") and text.count(" open Assets:") == 40


def test_empty_columns_in_gbk(tmp_path):
    """A column with no value in a block: decoded, and its lines not written."""
    rows = _plain()
    for row in rows:
        row[7] = row[8] = ""
    path = _write(tmp_path / "empty.csv", rows, "gbk")
    taken, _ = _compare(path, _index(tmp_path))
    assert taken


def test_a_fault_of_the_columnar_path_falls_back(tmp_path, monkeypatch):
    """Not a decline but a bug: warned about, and the exact path still imports."""

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(columnar, "_convert", broken)
    path = _write(tmp_path / "plain.csv", _plain())
    with pytest.warns(UserWarning, match="the columnar path failed"):
        taken, _, _ = _columnar(path, _index(tmp_path), DAY)
    assert not taken
    monkeypatch.setattr(command, "COLUMNAR_FROM", 0)
    problems: list[rows_lib.Problem] = []
    with (
        open(tmp_path / "out.beancount", "w", encoding="utf-8") as out,
        pytest.warns(UserWarning),
    ):
        stats = command.convert_file(
            out, "inventory", path, _index(tmp_path), problems, default_date=DAY
        )
    assert not problems and stats.new == 5
    assert (tmp_path / "out.beancount").read_bytes() == _exact(path, _index(tmp_path), DAY)[
        0
    ]


def test_progress_is_reported_a_block_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "BLOCK", 4096)
    path = _write(tmp_path / "p.csv", _plain(400))
    seen: list[float] = []
    out = io.BytesIO()
    stats = convert.Stats()
    assert columnar.import_inventory(
        path, _index(tmp_path), out, stats=stats, default_date=DAY, progress=seen.append
    )
    assert len(seen) >= 5 and seen == sorted(seen) and 0 < seen[0] < seen[-1] <= 1


def test_ascending_ids_need_no_hash_table():
    def blocks(*groups: list[str]) -> list[Any]:
        return [pa.array(g, pa.string()) for g in groups]

    assert columnar._ascending(blocks(["A-1", "A-2"], [], ["A-3"]))
    assert not columnar._ascending(blocks(["A-1", "A-2"], ["A-2", "A-3"]))  # a boundary
    assert not columnar._ascending(blocks(["A-1", "A-1"]))
    assert not columnar._ascending(blocks(["A-2", "A-1"]))


@pytest.mark.parametrize("at", [1, 17, 39])
def test_an_id_repeated_right_after_itself_declines(tmp_path, monkeypatch, at):
    monkeypatch.setattr(columnar, "BLOCK", 600)
    rows = _plain(40)
    rows[at][1] = rows[at - 1][1]
    taken, problems = _compare(_write(tmp_path / "again.csv", rows), _index(tmp_path))
    assert not taken and any("与本文件第" in p for p in problems)


@pytest.mark.parametrize("use, taken", [("堃", False), ("办公", True)])
def test_rare_characters_are_counted_as_the_exact_path_counts(tmp_path, use, taken):
    """A GBK file whose Chinese is mostly outside GB2312 is refused by the exact path
    (another encoding?); the columnar path, decoding few distinct values one by one,
    counts each as often as it occurs, and declines it too."""
    rows = [
        ["XN-WH", f"W-{i:04d}", "Name", "Vehicles", "", "", "1.00", "", use, ""]
        for i in range(400)
    ]
    path = _write(tmp_path / "rare.csv", rows, "gb18030")
    ok, problems = _compare(path, _index(tmp_path))
    assert ok is taken
    assert bool(problems) is not taken


def test_the_cli_takes_a_large_plain_register_on_the_columnar_path(
    tmp_path, capsys, monkeypatch
):
    """Not only equal when taken: a large plain register is taken, through the CLI."""
    taken: list[bool] = []
    real = columnar.import_inventory

    def spy(*args: Any, **kwargs: Any) -> bool:
        taken.append(real(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(columnar, "import_inventory", spy)
    ledger = tmp_path / "main.beancount"
    ledger.write_text(LEDGER, encoding="utf-8")
    rows = [_row(random.Random(i), i, 0) for i in range(2000)]
    path = _write(tmp_path / "large.csv", rows, "gbk")
    assert path.stat().st_size >= command.COLUMNAR_FROM
    output = tmp_path / "assets.beancount"
    code, _, err = run_cli(
        capsys,
        "import",
        "inventory",
        path,
        "--ledger",
        ledger,
        "--output",
        output,
        "--date",
        "2015-07-25",
    )
    assert code == 0, err
    assert taken == [True]
    assert "共 2000 行：新增 2000 行" in err
    assert output.read_text(encoding="utf-8").count(" open Assets:") >= 1500
    entries, errors = load_together(ledger, output)
    assert errors == []
    assert sum(1 for e in entries if "asset-id" in getattr(e, "meta", {})) >= 2000
