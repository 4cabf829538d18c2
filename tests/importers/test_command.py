"""``liaison import``: end to end through the command line."""

from __future__ import annotations

import datetime
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from importers import convert
from importers import pipeline
from plugins import reader
from tests.importers.conftest import DISPOSAL_HEADER
from tests.importers.conftest import INVENTORY_HEADER
from tests.importers.conftest import INVENTORY_ROWS
from tests.importers.conftest import load_together
from tests.importers.conftest import run_cli
from tests.importers.conftest import write_csv
from tests.importers.conftest import write_xlsx


def _opens(entries):
    return {e.account: e for e in entries if isinstance(e, data.Open)}


def _balance(entries, account):
    total = Decimal(0)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for p in entry.postings:
                if p.account == account:
                    total += p.units.number
    return total


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_inventory_csv_loads_with_the_ledger(tmp_path, capsys, ledger, encoding):
    register = write_csv(
        tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS], encoding
    )
    out = tmp_path / "imported.beancount"
    code, stdout, err = run_cli(
        capsys,
        "import",
        "inventory",
        register,
        "--ledger",
        ledger,
        "--output",
        out,
        "--date",
        "2015-07-31",
    )
    assert code == 0, err
    assert stdout == ""
    assert "新增 5 行" in err
    entries, errors = load_together(ledger, out)
    assert errors == []
    opens = _opens(entries)
    car = opens["Assets:Office:XN-JY-WH:Vehicles:JY-V-0001"]
    assert car.meta["asset-id"] == "JY-V-0001"
    assert car.meta["name"] == "别克GL8 鄂L12345"
    assert car.meta["acquired"] == datetime.date(2011, 5, 1)
    assert car.meta["original-cost"].number == Decimal("280000.00")
    assert car.meta["appraisal"].number == Decimal("120000.00")
    assert car.meta["use"] == "办公"
    assert car.date == datetime.date(2015, 7, 25)
    # --date is the booking date of rows without 登记日期
    assert opens["Assets:Office:XN-JY-WH:Equipment:JY-E-0007"].date == datetime.date(
        2015, 7, 31
    )
    assert _balance(entries, "Assets:Office:XN-JY-WH:Equipment:JY-E-0007") == Decimal(
        "12000.50"
    )
    # a debt entered positive becomes a negative balance
    assert _balance(entries, "Liabilities:Office:XN-JY-WH:Payables:JY-P-0001") == -8000
    assert _balance(entries, "Assets:Office:XN-JY-WH:Receivables:JY-R-0001") == 50000
    # NetAssets of XN-WH is opened by the import; XN-JY-WH's by the ledger already
    text = out.read_text(encoding="utf-8")
    assert "open Equity:Office:XN-WH:NetAssets" in text
    assert "open Equity:Office:XN-JY-WH:NetAssets" not in text


def test_xlsx_register_with_typed_cells(tmp_path, capsys, ledger):
    rows = [
        INVENTORY_HEADER,
        [
            "XN-JY-WH",
            "JY-V-0002",
            "桑塔纳",
            "车辆",
            datetime.datetime(2012, 1, 5),
            150000,
            80000.5,
            None,
            "办公",
            datetime.date(2015, 7, 25),
        ],
    ]
    register = write_xlsx(tmp_path / "reg.xlsx", rows, title="资产清查登记表")
    out = tmp_path / "imported.beancount"
    code, _, err = run_cli(
        capsys, "import", "inventory", register, "--ledger", ledger, "--output", out
    )
    assert code == 0, err
    entries, errors = load_together(ledger, out)
    assert errors == []
    car = _opens(entries)["Assets:Office:XN-JY-WH:Vehicles:JY-V-0002"]
    assert car.meta["acquired"] == datetime.date(2012, 1, 5)
    assert car.meta["original-cost"].number == Decimal("150000.00")
    assert _balance(entries, car.account) == Decimal("80000.50")


def test_same_file_twice_adds_nothing(tmp_path, capsys, ledger):
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS], "gbk")
    out = tmp_path / "imported.beancount"
    args = ["import", "inventory", register, "--ledger", ledger, "--output", out]
    args += ["--date", "2015-07-31"]
    assert run_cli(capsys, *args)[0] == 0
    first = out.read_bytes()
    code, _, err = run_cli(capsys, *args)
    assert code == 0
    assert "新增 0 行，账本中已有 5 行" in err
    assert out.read_bytes() == first


def test_same_file_twice_when_the_ledger_includes_the_output(tmp_path, capsys, ledger):
    out = tmp_path / "imported.beancount"
    with open(ledger, "a", encoding="utf-8") as handle:
        handle.write(f'\ninclude "{out.name}"\n')
    out.write_text("", encoding="utf-8")
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS])
    args = ["import", "inventory", register, "--ledger", ledger, "--output", out]
    args += ["--date", "2015-07-31"]
    assert run_cli(capsys, *args)[0] == 0
    first = out.read_bytes()
    code, _, err = run_cli(capsys, *args)
    assert (code, out.read_bytes()) == (0, first)
    assert "账本中已有 5 行" in err


def test_ledger_holding_the_id_with_other_values_is_refused(tmp_path, capsys, ledger):
    row = ["XN-JY-WH", "JY-B-0001", "办公大楼", "房屋", "2001-03-01", "3000000", "2400000"]
    register = write_csv(
        tmp_path / "reg.csv", [INVENTORY_HEADER[:7] + ["登记日期"], row + ["2015-07-25"]]
    )
    code, out, err = run_cli(capsys, "import", "inventory", register, "--ledger", ledger)
    assert code == 2
    assert out == ""
    assert "reg.csv:2:B" in err
    held = "Assets:Office:XN-JY-WH:Buildings:JY-B-0001"
    assert f"资产编号 JY-B-0001 已在账本中（{held}，{ledger}:19）" in err
    assert "资产名称（name）本文件为 '办公大楼'，账本为 '办公楼'" in err


def test_ledger_holding_the_same_values_is_skipped(tmp_path, capsys, ledger):
    row = ["XN-JY-WH", "JY-B-0001", "办公楼", "房屋", "2001-03-01", "3000000", "2400000"]
    register = write_csv(
        tmp_path / "reg.csv", [INVENTORY_HEADER[:7] + ["登记日期"], row + ["2015-07-25"]]
    )
    code, out, err = run_cli(capsys, "import", "inventory", register, "--ledger", ledger)
    assert (code, out) == (0, "")
    assert "没有需要追加的内容" in err


def test_without_ledger_any_office_is_accepted_and_stdout_gets_it(tmp_path, capsys):
    rows = [
        INVENTORY_HEADER,
        ["XX-NEW", "N-1", "电脑", "Equipment", "", "", "10", "", "", ""],
    ]
    register = write_csv(tmp_path / "reg.csv", rows)
    code, out, err = run_cli(
        capsys, "import", "inventory", register, "--date", "2016-01-02"
    )
    assert code == 0, err
    assert "2016-01-02 open Assets:Office:XX-NEW:Equipment:N-1 CNY" in out
    assert "open Equity:Office:XX-NEW:NetAssets" in out


def test_unknown_office_with_ledger(tmp_path, capsys, ledger):
    rows = [
        INVENTORY_HEADER,
        ["XX-NEW", "N-1", "电脑", "设备", "", "", "10", "", "", "2016-01-02"],
    ]
    register = write_csv(tmp_path / "reg.csv", rows)
    code, _, err = run_cli(capsys, "import", "inventory", register, "--ledger", ledger)
    assert code == 2
    assert "reg.csv:2:A: [机构代码] 机构 XX-NEW 未在账本中声明" in err


def test_booking_date_falls_back_to_registration(tmp_path, capsys, ledger):
    with open(ledger, "a", encoding="utf-8") as handle:
        handle.write('\n2015-07-25 custom "registration" "XN-WH"\n  staff: 4\n')
    rows = [INVENTORY_HEADER, ["XN-WH", "WH-1", "电脑", "设备", "", "", "10", "", "", ""]]
    register = write_csv(tmp_path / "reg.csv", rows)
    code, out, err = run_cli(capsys, "import", "inventory", register, "--ledger", ledger)
    assert code == 0, err
    assert "2015-07-25 open Assets:Office:XN-WH:Equipment:WH-1" in out


def test_no_booking_date_at_all_is_refused(tmp_path, capsys, ledger):
    rows = [INVENTORY_HEADER, ["XN-WH", "WH-1", "电脑", "设备", "", "", "10", "", "", ""]]
    register = write_csv(tmp_path / "reg.csv", rows)
    code, _, err = run_cli(capsys, "import", "inventory", register, "--ledger", ledger)
    assert code == 2
    assert "reg.csv:2:J: [登记日期] 没有记账日期" in err


# --- disposals -------------------------------------------------------------------------


def _import_register(tmp_path, capsys, ledger) -> Path:
    out = tmp_path / "imported.beancount"
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS])
    args = ["import", "inventory", register, "--ledger", ledger, "--output", out]
    assert run_cli(capsys, *args, "--date", "2015-07-25")[0] == 0
    with open(ledger, "a", encoding="utf-8") as handle:
        handle.write(f'\ninclude "{out.name}"\n')
    return out


def test_disposals_in_the_government_accounting_form(tmp_path, capsys, ledger):
    out = _import_register(tmp_path, capsys, ledger)
    rows = [
        DISPOSAL_HEADER,
        [
            "JY-V-0001",
            "拍卖",
            "2015-08-20",
            "咸机管〔2015〕21号",
            "120000",
            "121000",
            "咸宁市公共资源交易中心",
        ],
        [
            "JY-B-0001",
            "划转",
            "2015-08-15",
            "咸国资〔2015〕9号",
            "",
            "",
            "咸宁市机关事务管理局",
        ],
        [
            "JY-E-0007",
            "有偿转让",
            "2015-08-21",
            "咸机管〔2015〕22号",
            "10000",
            "10000",
            "张三",
        ],
        ["WH-L-0001", "transfer", "2015-08-22", "咸国资〔2015〕10号", "", "", "某国有公司"],
    ]
    results = write_csv(tmp_path / "results.csv", rows, "gbk")
    code, _, err = run_cli(
        capsys, "import", "disposals", results, "--ledger", ledger, "--output", out
    )
    assert code == 0, err
    entries, errors = load_together(ledger)
    assert errors == []
    by_id = {
        e.meta["asset-id"]: e
        for e in entries
        if isinstance(e, data.Transaction) and "disposal" in e.meta
    }
    auction = by_id["JY-V-0001"]
    assert auction.meta["disposal"] == "auction"
    assert auction.meta["approval"] == "咸机管〔2015〕21号"
    assert auction.meta["appraisal"].number == Decimal("120000.00")
    assert auction.payee == "咸宁市公共资源交易中心"
    legs = {p.account: p.units.number for p in auction.postings}
    assert legs == {
        "Assets:Office:XN-JY-WH:Vehicles:JY-V-0001": Decimal("-150000.00"),
        "Expenses:Office:XN-JY-WH:Disposal": Decimal("150000.00"),
        "Assets:Office:XN-JY-WH:Cash": Decimal("121000.00"),
        "Liabilities:Office:XN-JY-WH:DueToTreasury": Decimal("-121000.00"),
    }
    transfer = by_id["JY-B-0001"]
    assert transfer.meta["recipient"] == "咸宁市机关事务管理局"
    assert {p.account: p.units.number for p in transfer.postings} == {
        "Assets:Office:XN-JY-WH:Buildings:JY-B-0001": Decimal("-2400000.00"),
        "Equity:Transfers:XN-JGSW": Decimal("2400000.00"),
    }
    # a recipient without its own account goes to Equity:Transfers
    other = by_id["WH-L-0001"]
    assert {p.account for p in other.postings} == {
        "Assets:Office:XN-WH:Land:WH-L-0001",
        "Equity:Transfers",
    }
    # the assets are gone
    for asset in (
        "Assets:Office:XN-JY-WH:Vehicles:JY-V-0001",
        "Assets:Office:XN-WH:Land:WH-L-0001",
    ):
        assert _balance(entries, asset) == 0
    # importing again adds nothing
    before = out.read_bytes()
    code, _, err = run_cli(
        capsys, "import", "disposals", results, "--ledger", ledger, "--output", out
    )
    assert code == 0
    assert "账本中已有 4 行" in err
    assert out.read_bytes() == before


def test_disposal_conflicting_with_the_ledger_is_refused(tmp_path, capsys, ledger):
    out = _import_register(tmp_path, capsys, ledger)
    good = [
        "JY-V-0001",
        "拍卖",
        "2015-08-20",
        "咸机管〔2015〕21号",
        "120000",
        "121000",
        "中心",
    ]
    results = write_csv(tmp_path / "results.csv", [DISPOSAL_HEADER, good])
    assert (
        run_cli(
            capsys, "import", "disposals", results, "--ledger", ledger, "--output", out
        )[0]
        == 0
    )
    before = out.read_bytes()
    changed = [*good[:5], "125000", good[6]]
    results = write_csv(tmp_path / "results2.csv", [DISPOSAL_HEADER, changed])
    code, _, err = run_cli(
        capsys, "import", "disposals", results, "--ledger", ledger, "--output", out
    )
    assert code == 2
    assert "results2.csv:2:A" in err
    assert "成交金额（proceeds）本文件为 125000.00，账本为 121000.00" in err
    assert out.read_bytes() == before


def test_disposals_needs_a_ledger(tmp_path, capsys):
    results = write_csv(tmp_path / "results.csv", [DISPOSAL_HEADER])
    code, _, err = run_cli(capsys, "import", "disposals", results)
    assert code == 2
    assert "--ledger" in err


def test_missing_ledger_file(tmp_path, capsys):
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS])
    code, _, err = run_cli(
        capsys, "import", "inventory", register, "--ledger", tmp_path / "nope.beancount"
    )
    assert code == 2
    assert "账本文件不存在" in err


# --- atomic output ---------------------------------------------------------------------


def test_bad_input_leaves_the_output_as_it_was(tmp_path, capsys, ledger):
    out = tmp_path / "imported.beancount"
    out.write_text("; kept as it is\n", encoding="utf-8")
    os.chmod(out, 0o640)
    rows = [
        *INVENTORY_ROWS,
        ["XN-WH", "X-1", "坏", "车辆", "", "", "-1", "", "", "2015-01-01"],
    ]
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *rows])
    code, _, err = run_cli(
        capsys, "import", "inventory", register, "--ledger", ledger, "--output", out
    )
    assert code == 2
    assert "未写入任何文件" in err
    assert out.read_text(encoding="utf-8") == "; kept as it is\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "imported.beancount",
        "main.beancount",
        "reg.csv",
    ]


def test_append_keeps_the_existing_text_and_mode(tmp_path, capsys, ledger):
    out = tmp_path / "imported.beancount"
    out.write_text("; earlier imports", encoding="utf-8")  # no final newline
    os.chmod(out, 0o640)
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS])
    code, _, _ = run_cli(
        capsys,
        "import",
        "inventory",
        register,
        "--ledger",
        ledger,
        "--output",
        out,
        "--date",
        "2015-07-31",
    )
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("; earlier imports\n")
    assert oct(out.stat().st_mode & 0o777) == oct(0o640)
    assert load_together(ledger, out)[1] == []


def test_output_in_a_missing_folder_is_refused(tmp_path, capsys, ledger):
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS])
    code, _, err = run_cli(
        capsys,
        "import",
        "inventory",
        register,
        "--ledger",
        ledger,
        "--output",
        tmp_path / "no" / "out.beancount",
        "--date",
        "2015-07-31",
    )
    assert code == 2
    assert "文件夹不存在" in err


# --- progress --------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _big_register(tmp_path, n=3000) -> Path:
    rows = [INVENTORY_HEADER]
    for i in range(n):
        rows.append(
            ["XN-WH", f"E-{i:05d}", "电脑", "设备", "", "", "10", "", "", "2015-07-25"]
        )
    return write_csv(tmp_path / "big.csv", rows)


def test_progress_bar_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "PROGRESS_FROM", 1)
    register = _big_register(tmp_path)
    err = _Terminal()
    code = pipeline.run("inventory", register, stdout=io.StringIO(), stderr=err)
    assert code == 0
    assert "\rbig.csv 100% [####################]" in err.getvalue()


def test_no_progress_bar_when_not_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "PROGRESS_FROM", 1)
    register = _big_register(tmp_path)
    err = io.StringIO()
    assert pipeline.run("inventory", register, stdout=io.StringIO(), stderr=err) == 0
    assert "\r" not in err.getvalue()
    assert "%" not in err.getvalue()


def test_no_progress_bar_for_small_files(tmp_path):
    register = _big_register(tmp_path, 10)
    err = _Terminal()
    assert pipeline.run("inventory", register, stdout=io.StringIO(), stderr=err) == 0
    assert "\r" not in err.getvalue()


def test_titles_and_footer_in_the_asset_id_column(tmp_path, capsys, ledger):
    """A form whose first column is 资产编号 puts its group titles and its signature
    footer there too: they are read as what they are, not as assets without a name."""
    rows = [
        ["资产编号", "资产名称", "资产类别", "账面净值", "登记日期"],
        ["一、嘉鱼县人民政府驻武汉办事处"],
        ["JY-V-0009", "别克GL8 鄂L12399", "车辆", 150000, "2015-07-25"],
        ["二、咸宁市人民政府驻武汉办事处"],
        ["WH-E-0009", "复印机", "设备", 12000.5, "2015-07-25"],
        ["合计", None, None, 162000.5, None],
        ["单位负责人：张三", None, "填表人：王五"],
    ]
    register = write_xlsx(tmp_path / "分组.xlsx", rows)
    out = tmp_path / "imported.beancount"
    code, _, err = run_cli(
        capsys, "import", "inventory", register, "--ledger", ledger, "--output", out
    )
    assert code == 0, err
    entries, errors = load_together(ledger, out)
    assert errors == []
    assert _balance(entries, "Assets:Office:XN-JY-WH:Vehicles:JY-V-0009") == 150000
    assert _balance(entries, "Assets:Office:XN-WH:Equipment:WH-E-0009") == Decimal(
        "12000.50"
    )
    assert "第 6 行合计：与第 3–5 行中的 2 个数据行之和相符" in err


def test_two_units_above_the_header_are_refused(tmp_path, capsys, ledger):
    """A title that says 万元 over a fill line that says 元: which is it? Refused."""
    rows = [
        ["嘉鱼县驻汉办资产清查登记表（金额单位：万元）"],
        ["填报单位：嘉鱼县人民政府驻武汉办事处", None, "金额单位：元"],
        ["资产编号", "资产名称", "资产类别", "账面净值", "登记日期"],
        ["JY-V-0009", "别克GL8 鄂L12399", "车辆", 15, "2015-07-25"],
    ]
    register = write_xlsx(tmp_path / "两种单位.xlsx", rows)
    out = tmp_path / "imported.beancount"
    code, _, err = run_cli(
        capsys, "import", "inventory", register, "--ledger", ledger, "--output", out
    )
    assert code == 2, err
    assert f"{register}:2: 金额单位矛盾：上方已写明金额单位为万元，本行又写明为元" in err
    assert not out.exists()


def test_one_unit_stated_twice_is_no_conflict(tmp_path, capsys, ledger):
    rows = [
        ["嘉鱼县驻汉办资产清查登记表（单位：万元）"],
        ["填报单位：嘉鱼县人民政府驻武汉办事处", None, "金额单位：万元"],
        ["资产编号", "资产名称", "资产类别", "账面净值（万元）", "登记日期"],
        ["JY-V-0009", "别克GL8 鄂L12399", "车辆", 15, "2015-07-25"],
    ]
    register = write_xlsx(tmp_path / "一种单位.xlsx", rows)
    out = tmp_path / "imported.beancount"
    code, _, err = run_cli(
        capsys, "import", "inventory", register, "--ledger", ledger, "--output", out
    )
    assert code == 0, err
    entries, errors = load_together(ledger, out)
    assert errors == []
    assert _balance(entries, "Assets:Office:XN-JY-WH:Vehicles:JY-V-0009") == 150000


def test_an_output_the_ledger_does_not_include_is_pointed_out(tmp_path, capsys, ledger):
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, INVENTORY_ROWS[0]])
    out = tmp_path / "imported.beancount"
    code, _, err = run_cli(
        capsys, "import", "inventory", register, "--ledger", ledger, "--output", out
    )
    assert code == 0, err
    assert f"提醒：账本没有 include {out}，导入的条目还不在账本中" in err


def test_an_output_the_ledger_includes_is_not_pointed_out(tmp_path, capsys, ledger):
    out = tmp_path / "imported.beancount"
    out.write_text("", encoding="utf-8")
    ledger.write_text(
        ledger.read_text(encoding="utf-8") + '\ninclude "imported.beancount"\n',
        encoding="utf-8",
    )
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, INVENTORY_ROWS[0]])
    code, _, err = run_cli(
        capsys, "import", "inventory", register, "--ledger", ledger, "--output", out
    )
    assert code == 0, err
    assert "已向" in err
    assert "提醒" not in err


@pytest.mark.parametrize("plugin", [True, False])
def test_the_books_are_read_once(tmp_path, capsys, ledger, monkeypatch, plugin):
    """Where the ledger declares the rules' plugin, the import indexes the books the
    plugin read in the load; without it, the import reads them once itself."""
    if plugin:
        ledger.write_text('plugin "plugins.rules"\n' + ledger.read_text("utf-8"), "utf-8")
    readings = []
    real = reader.read

    def counted(entries, *args, **kwargs):
        readings.append(len(entries))
        return real(entries, *args, **kwargs)

    monkeypatch.setattr(reader, "read", counted)
    register = write_csv(tmp_path / "reg.csv", [INVENTORY_HEADER, *INVENTORY_ROWS])
    out = tmp_path / "imported.beancount"
    args = ["import", "inventory", register, "--ledger", ledger, "--output", out]
    args += ["--date", "2015-07-31"]
    code, _, err = run_cli(capsys, *args)
    assert code == 0, err
    assert len(readings) == 1
    assert "新增 5 行" in err

    # the output, not included by the ledger, holds what the plugin never read: the
    # books are read again with it, and the rows it holds are found there
    readings.clear()
    code, _, err = run_cli(capsys, *args)
    assert code == 0, err
    if plugin:
        assert len(readings) == 2 and readings[1] > readings[0]
    else:
        assert len(readings) == 1
    assert "新增 0 行，账本中已有 5 行" in err


def test_the_index_holds_entries_after_the_plugins_as_of_date(tmp_path, capsys, ledger):
    """A plugin that judges at a past date reads the books only up to it: the import
    indexes every entry still, an office declared later and an asset opened later."""
    text = ledger.read_text("utf-8")
    later = """
2016-01-05 custom "office" "XN-CB-WH" "崇阳县人民政府驻武汉办事处"
  government: "XN-JY"
  host: "武汉"
2016-01-05 open Assets:Office:XN-CB-WH:Vehicles:CB-V-0001 CNY
  asset-id: "CB-V-0001"
  name: "帕萨特"
"""
    ledger.write_text(
        "plugin \"plugins.rules\" \"{'as-of': '2015-12-31'}\"\n" + text + later, "utf-8"
    )
    rows = [
        INVENTORY_HEADER,
        ["XN-CB-WH", "CB-V-0002", "别克", "车辆", "", "", "90000", "", "", "2016-01-06"],
        ["XN-CB-WH", "CB-V-0001", "帕萨特", "车辆", "", "", "0", "", "", "2016-01-06"],
    ]
    register = write_csv(tmp_path / "reg.csv", rows)
    out = tmp_path / "imported.beancount"
    args = ["import", "inventory", register, "--ledger", ledger, "--output", out]
    code, _, err = run_cli(capsys, *args)
    assert code == 0, err
    assert "新增 1 行，账本中已有 1 行" in err
    assert "CB-V-0002" in out.read_text("utf-8")
    assert "CB-V-0001" not in out.read_text("utf-8")


def test_the_index_holds_entries_dated_after_today():
    soon = datetime.date.today() + datetime.timedelta(days=30)
    entries, errors, _ = loader.load_string(
        f"""
2015-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
{soon} custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
  government: "XN"
  host: "武汉"
{soon} open Assets:Office:XN-WH:Vehicles:WH-V-0001 CNY
  asset-id: "WH-V-0001"
"""
    )
    assert errors == []
    index = convert.LedgerIndex.from_entries(entries)
    assert index.offices == {"XN-WH"}
    assert index.held["WH-V-0001"].office == "XN-WH"
