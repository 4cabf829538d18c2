"""Rows to directives: account names, rendering, dedup keys, and beangulp's CLI."""

from __future__ import annotations

import datetime
from decimal import Decimal

import beangulp
import pytest
from beancount.core import account as account_lib
from beancount.core import data
from beancount.parser import parser
from beancount.parser import printer
from click.testing import CliRunner
from pydantic_core import PydanticCustomError

from importers import convert
from importers import pipeline
from importers import rows as rows_lib
from importers.beangulp_importers import identify
from importers.config import CONFIG
from tests.importers.conftest import INVENTORY_HEADER
from tests.importers.conftest import INVENTORY_ROWS
from tests.importers.conftest import write_csv


@pytest.mark.parametrize(
    ("asset_id", "leaf"),
    [
        ("JY-V-0001", "JY-V-0001"),
        ("0001", "0001"),
        ("jy-v-1", "A-jy-v-1"),
        ("JY/V 0001", "JY-V-0001"),
        ("JY_V_1", "JY-V-1"),
        ("房-001", "A-房-001"),
        ("-x-", "A-x"),
        ("//", "A"),
    ],
)
def test_leaf_is_a_valid_account_component(asset_id, leaf):
    assert convert.leaf_for(asset_id) == leaf
    assert account_lib.is_valid(f"Assets:Office:XN-WH:Vehicles:{leaf}")


def test_two_ids_making_the_same_leaf_get_two_accounts():
    rows = [
        (
            rows_lib.Where("f", None, 2),
            rows_lib.InventoryRow(
                office="XN-WH",
                asset_id="A/1",
                name="甲",
                category="设备",
                book_value="1",
                date="2015-07-25",
            ),
        ),
        (
            rows_lib.Where("f", None, 3),
            rows_lib.InventoryRow(
                office="XN-WH",
                asset_id="A-1",
                name="乙",
                category="设备",
                book_value="1",
                date="2015-07-25",
            ),
        ),
    ]
    problems: list = []
    entries = list(
        convert.inventory_entries(rows, convert.LedgerIndex.empty(), problems, filename="f")
    )
    opens = [e.account for e in entries if isinstance(e, data.Open)]
    assert problems == []
    assert opens[:2] == [
        "Assets:Office:XN-WH:Equipment:A-1",
        "Assets:Office:XN-WH:Equipment:A-1-2",
    ]


def test_zero_book_value_opens_without_a_transaction():
    row = rows_lib.InventoryRow(
        office="XN-WH",
        asset_id="E-1",
        name="旧桌",
        category="设备",
        book_value="0",
        date="2015-07-25",
    )
    entries = list(
        convert.inventory_entries(
            [(rows_lib.Where("f", None, 2), row)],
            convert.LedgerIndex.empty(),
            [],
            filename="f",
        )
    )
    assert [type(e).__name__ for e in entries] == ["Open"]


def test_render_reads_back_as_the_printer_would_write_it(tmp_path):
    path = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS])
    problems: list = []
    typed = pipeline.read_rows("inventory", path, convert.LedgerIndex.empty(), problems)
    entries = list(
        convert.inventory_entries(
            typed,
            convert.LedgerIndex.empty(),
            problems,
            filename=str(path),
            default_date=datetime.date(2015, 7, 31),
        )
    )
    assert problems == []
    ours = "\n".join(convert.render(e) for e in entries)
    theirs = "\n".join(printer.format_entry(e) for e in entries)
    ours_parsed, errors, _ = parser.parse_string(ours)
    assert errors == []
    theirs_parsed, _, _ = parser.parse_string(theirs)

    def strip(entries):
        out = []
        for e in entries:
            meta = {k: v for k, v in e.meta.items() if k not in ("filename", "lineno")}
            if isinstance(e, data.Transaction):
                postings = [(p.account, p.units) for p in e.postings]
                out.append((e.date, e.narration, meta, postings))
            else:
                out.append((e.date, e.account, meta, e.currencies))
        return out

    assert strip(ours_parsed) == strip(theirs_parsed)


def test_render_quotes_and_backslashes():
    meta = data.new_metadata("f", 1)
    meta["name"] = 'say "hi" \\ there'
    entry = data.Open(
        meta, datetime.date(2015, 1, 1), "Assets:Office:X:Cash", ["CNY"], None
    )
    parsed, errors, _ = parser.parse_string(convert.render(entry))
    assert errors == []
    assert parsed[0].meta["name"] == 'say "hi" \\ there'


def test_money_and_dates_unit():
    assert rows_lib.yuan("1,234,567.8") == Decimal("1234567.80")
    assert rows_lib.yuan("¥12") == Decimal("12.00")
    assert rows_lib.yuan(0.1) == Decimal("0.10")
    for bad in ("1,23", "1e5", "NaN", "12.345", "-1", "(5)", "壹万"):
        with pytest.raises(PydanticCustomError):
            rows_lib.yuan(bad)
    assert rows_lib.date("2015年7月25日") == datetime.date(2015, 7, 25)
    assert rows_lib.date("20150725") == datetime.date(2015, 7, 25)
    assert rows_lib.date("2015-07-25 00:00:00") == datetime.date(2015, 7, 25)
    assert rows_lib.date("2015.7.5") == datetime.date(2015, 7, 5)
    for bad in ("2015-02-29", "25/07/2015", "1850-01-01"):
        with pytest.raises(PydanticCustomError):
            rows_lib.date(bad)


@pytest.mark.parametrize(
    ("read", "value", "expected"),
    [
        (rows_lib.text, " 办公楼 ", "办公楼"),
        (rows_lib.text, "办公\u3000楼", "办公\u3000楼"),  # not printable, but no control
        (rows_lib.text, "办公\x07楼", None),
        (rows_lib.text, "   ", None),
        (rows_lib.code, "XN-JY-WH", "XN-JY-WH"),
        (rows_lib.code, " XN-JY-WH ", "XN-JY-WH"),
        (rows_lib.code, "ＸＮ－ＪＹ－ＷＨ", "XN-JY-WH"),
        (rows_lib.code, "XN JY", None),
        (rows_lib.identifier, " JY-E-0001 ", "JY-E-0001"),
        (rows_lib.identifier, "ＪＹ－Ｅ－０００１", "JY-E-0001"),
        (rows_lib.identifier, "JY\tE", None),
        (rows_lib.category, "通用设备", "Equipment"),
        (rows_lib.category, " 通 用 设 备 ", "Equipment"),
        (rows_lib.category, "无形资产", None),
        (rows_lib.date, "2015/7/25", datetime.date(2015, 7, 25)),
        (rows_lib.date, "２０１５－０７－２５", datetime.date(2015, 7, 25)),
        (rows_lib.date, "2015-02-29", None),
    ],
)
def test_cell_values_read_alike_every_time(read, value, expected):
    """The second reading of a value (a register repeats its categories and dates)
    gives what the first gave, a refusal included."""
    for _ in range(2):
        if expected is None:
            with pytest.raises(PydanticCustomError):
                read(value)
        else:
            assert read(value) == expected


def test_english_headers_case_and_ignored_columns(tmp_path):
    header = ["No.", "Office", "Asset ID", "NAME", "Category", "Book_Value", "Date", "备注"]
    row = ["1", "XN-WH", "E-1", "电脑", "equipment", "10", "2015-07-25", "旧"]
    path = write_csv(tmp_path / "en.csv", [header, row])
    problems: list = []
    parsed = list(
        pipeline.read_rows("inventory", path, convert.LedgerIndex.empty(), problems)
    )
    assert problems == []
    assert parsed[0][1].category == "Equipment"
    assert identify(str(path)) == "inventory"


def test_beangulp_cli_comments_out_what_the_ledger_holds(tmp_path, ledger):
    imports = tmp_path / "imports"
    imports.mkdir()
    held = [
        "XN-JY-WH",
        "JY-B-0001",
        "办公楼",
        "房屋",
        "2001-03-01",
        "3000000",
        "2400000",
        "",
        "",
        "2015-01-01",
    ]
    write_csv(imports / "reg.csv", [INVENTORY_HEADER, held, INVENTORY_ROWS[0]], "gbk")
    result = CliRunner().invoke(
        beangulp.Ingest(CONFIG).cli,
        ["extract", "-e", str(ledger), str(imports)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "open Assets:Office:XN-JY-WH:Vehicles:JY-V-0001" in result.output
    assert "; 2015-01-01 open Assets:Office:XN-JY-WH:Buildings:JY-B-0001" in result.output


@pytest.mark.parametrize("ids", [("A-1", "A/1"), ("A/1", "A-1")])
def test_ids_making_the_same_leaf_through_the_file(tmp_path, ids):
    rows = [INVENTORY_HEADER]
    for asset_id in ids:
        rows.append(["XN-WH", asset_id, "电脑", "设备", "", "", "1", "", "", "2015-07-25"])
    path = write_csv(tmp_path / "reg.csv", rows)
    problems: list = []
    index = convert.LedgerIndex.empty()
    entries = list(pipeline.extract("inventory", path, index, problems, label="f"))
    assert problems == []
    opens = {
        e.meta["asset-id"]: e.account
        for e in entries
        if isinstance(e, data.Open) and "asset-id" in e.meta
    }
    assert sorted(opens.values()) == [
        "Assets:Office:XN-WH:Equipment:A-1",
        "Assets:Office:XN-WH:Equipment:A-1-2",
    ]
    assert opens[ids[0]] == "Assets:Office:XN-WH:Equipment:A-1"
