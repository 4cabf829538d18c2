"""Judged "as of D" is the books as they stood at the end of day D, for every rule.

An entry dated after D did not exist yet: it is not judged, counts toward no total,
balance or deadline, and neither rescues nor condemns an entry dated on or before D.
Each rule family below has an entry dated ``DAY`` that breaks a rule: judged the day
before, it is not there (and the books say one entry is left out); judged on ``DAY``
itself, it is reported; and its clean twin, judged on ``DAY``, is not. Judging on the
day itself is what tells ``<=`` from ``<``: an entry dated the as-of day is in the books.
"""

from __future__ import annotations

import datetime
import textwrap

import pytest

from plugins import engine
from tests.conftest import check_text
from tests.conftest import load_text

DAY = datetime.date(2015, 8, 10)
BEFORE = DAY - datetime.timedelta(days=1)

# 嘉鱼县驻汉办 (XN-JY-WH, a county office) abolished on 2015-07-30 and the city's office
# (XN-WH) retained with approval; before dispose-by (2015-08-31), so no deadline rule is
# judged on DAY or the day before.
BASE = """
2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
  preset: "capital-2015"
  reception-per-person: 150 CNY

2015-01-01 custom "government" "HB" "湖北省人民政府"
  level: "province"
2015-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
  province: "湖北"
  parent: "HB"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
  province: "湖北"
  parent: "XN"

2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
  government: "XN"
  host: "武汉"
  program: "HB-2015"
2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  host: "武汉"
  program: "HB-2015"

2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:V0001 CNY
  asset-id: "JY-V-0001"
  name: "别克GL8 鄂L12345"
2015-01-01 open Assets:Office:XN-JY-WH:Equipment:E0001 CNY
2015-01-01 open Assets:Office:XN-JY-WH:Receivables CNY
2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:DueToTreasury CNY
2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
2015-01-01 open Expenses:Office:XN-JY-WH:Other CNY
2015-01-01 open Income:Office:XN-JY-WH:Other CNY
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-01 open Assets:Office:XN-WH:Cash CNY
2015-01-01 open Assets:Office:XN-WH:Vehicles:V0101 CNY
2015-01-01 open Assets:Office:XN-WH:Buildings:B0101 CNY
2015-01-01 open Assets:Office:XN-WH:Equipment:E0101 CNY
2015-01-01 open Expenses:Office:XN-WH:Reception CNY
2015-01-01 open Equity:Office:XN-WH:NetAssets CNY
2015-01-01 open Equity:Transfers:XN-JGSW CNY
2015-01-01 open Assets:Treasury:XN CNY
2015-01-01 open Assets:Treasury:XN-JY CNY

2015-01-01 * "期初" "嘉鱼县驻汉办资产登记"
  Assets:Office:XN-JY-WH:Vehicles:V0001     150000.00 CNY
  Assets:Office:XN-JY-WH:Receivables         20000.00 CNY
  Assets:Office:XN-JY-WH:Cash                50000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets         -220000.00 CNY

2015-01-01 * "期初" "市驻汉办资产登记"
  Assets:Office:XN-WH:Vehicles:V0101        80000.00 CNY
  Assets:Office:XN-WH:Cash                 500000.00 CNY
  Equity:Office:XN-WH:NetAssets           -580000.00 CNY

2015-07-25 custom "registration" "XN-WH"
  staff: 12
  established: 1990-05-01
2015-07-25 custom "registration" "XN-JY-WH"
  staff: 6
  established: 1998-03-01

2015-07-28 custom "decision" "XN-WH" "retain"
  approval: "鄂政办函〔2015〕60号"
2015-07-30 custom "decision" "XN-JY-WH" "abolish"
  approval: "咸政办函〔2015〕58号"
"""


def auction(appraisal: str = "120000.00", proceeds: str = "121000.00", **meta: str) -> str:
    """XN-JY-WH auctions its car on DAY; ``meta`` replaces or adds metadata lines."""
    lines = {
        "disposal": '"auction"',
        "approval": '"咸机管〔2015〕21号"',
        "appraisal": f"{appraisal} CNY",
        "appraisal-date": "2015-07-28",
        **meta,
    }
    head = "".join(f"  {key}: {value}\n" for key, value in lines.items() if value)
    return (
        f'{DAY} * "咸宁市公共资源交易中心" "拍卖 鄂L12345"\n{head}'
        "  Assets:Office:XN-JY-WH:Vehicles:V0001        -150000.00 CNY\n"
        "  Expenses:Office:XN-JY-WH:Disposal             150000.00 CNY\n"
        f"  Assets:Office:XN-JY-WH:Cash                   {proceeds} CNY\n"
        f"  Liabilities:Office:XN-JY-WH:DueToTreasury    -{proceeds} CNY\n"
    )


def transfer(**meta: str) -> str:
    """XN-JY-WH transfers its car to 市机关事务管理局 on DAY."""
    lines = {
        "disposal": '"transfer"',
        "approval": '"咸国资〔2015〕9号"',
        "recipient": '"咸宁市机关事务管理局"',
        **meta,
    }
    head = "".join(f"  {key}: {value}\n" for key, value in lines.items() if value)
    return (
        f'{DAY} * "无偿划转" "车辆划转市机关事务管理局"\n{head}'
        "  Assets:Office:XN-JY-WH:Vehicles:V0001  -150000.00 CNY\n"
        "  Equity:Transfers:XN-JGSW                150000.00 CNY\n"
    )


# (the rule or rules, the entry dated DAY that breaks it, its clean twin)
CASES = [
    # --- the office rules ---
    pytest.param(
        "LO-105",
        f'{DAY} * "县财政" "拨付经费"\n'
        "  Assets:Treasury:XN-JY            -10000.00 CNY\n"
        "  Assets:Office:XN-JY-WH:Cash       10000.00 CNY\n",
        f'{DAY} * "市财政" "拨付经费"\n'
        "  Assets:Treasury:XN               -10000.00 CNY\n"
        "  Assets:Office:XN-WH:Cash          10000.00 CNY\n",
        id="LO-105 funding an abolished office",
    ),
    pytest.param(
        "LO-107",
        f'{DAY} custom "window" "XN-WH" "XN-JY"\n  staff: 4\n',
        f'{DAY} custom "window" "XN-WH" "XN-JY"\n  staff: 3\n',
        id="LO-107 window overstaffed",
    ),
    pytest.param(
        "LO-109",
        f'{DAY} * "购置" "接待用房"\n'
        "  Assets:Office:XN-WH:Buildings:B0101   300000.00 CNY\n"
        '    use: "reception"\n'
        "  Assets:Office:XN-WH:Cash             -300000.00 CNY\n",
        f'{DAY} * "购置" "办公用房"\n'
        "  Assets:Office:XN-WH:Buildings:B0101   300000.00 CNY\n"
        '    use: "office"\n'
        "  Assets:Office:XN-WH:Cash             -300000.00 CNY\n",
        id="LO-109 a reception venue bought",
    ),
    pytest.param(
        "LO-110",
        f'{DAY} * "某酒店" "公务接待"\n'
        "  guests: 2\n"
        "  Expenses:Office:XN-WH:Reception   301.00 CNY\n"
        "  Assets:Office:XN-WH:Cash         -301.00 CNY\n",
        f'{DAY} * "某酒店" "公务接待"\n'
        "  guests: 2\n"
        "  Expenses:Office:XN-WH:Reception   300.00 CNY\n"
        "  Assets:Office:XN-WH:Cash         -300.00 CNY\n",
        id="LO-110 reception over the standard",
    ),
    # --- the disposal rules ---
    pytest.param(
        "LD-201",
        f'{DAY} * "转出" "车辆"\n'
        "  Assets:Office:XN-JY-WH:Vehicles:V0001  -150000.00 CNY\n"
        "  Equity:Office:XN-JY-WH:NetAssets        150000.00 CNY\n",
        transfer(),
        id="LD-201 an asset leaves with no method",
    ),
    pytest.param(
        "LD-202",
        auction(proceeds="100000.00"),
        auction(),
        id="LD-202 below appraisal",
    ),
    pytest.param(
        "LD-203",
        transfer(recipient=""),
        transfer(),
        id="LD-203 a transfer with no recipient",
    ),
    pytest.param(
        "LD-204",
        transfer(approval=""),
        transfer(),
        id="LD-204 a disposal with no approval",
    ),
    pytest.param(
        ("LD-206", "LD-207"),  # cash to another's treasury is also misappropriated
        f'{DAY} * "上缴" "上缴国库"\n'
        "  Assets:Office:XN-JY-WH:Cash   -50000.00 CNY\n"
        "  Assets:Treasury:XN             50000.00 CNY\n",
        f'{DAY} * "上缴" "上缴国库"\n'
        "  Assets:Office:XN-JY-WH:Cash   -50000.00 CNY\n"
        "  Assets:Treasury:XN-JY          50000.00 CNY\n",
        id="LD-206 remitted to another government's treasury",
    ),
    pytest.param(
        "LD-207",
        f'{DAY} * "支出" "清理费用"\n'
        "  Expenses:Office:XN-JY-WH:Other    2000.00 CNY\n"
        "  Assets:Office:XN-JY-WH:Cash      -2000.00 CNY\n",
        f'{DAY} * "支出" "清理费用"\n'
        '  approval: "咸财〔2015〕7号"\n'
        "  Expenses:Office:XN-JY-WH:Other    2000.00 CNY\n"
        "  Assets:Office:XN-JY-WH:Cash      -2000.00 CNY\n",
        id="LD-207 cash spent after abolition",
    ),
    pytest.param(
        "LD-208",
        f'{DAY} * "核销" "应收款项"\n'
        "  Assets:Office:XN-JY-WH:Receivables   -20000.00 CNY\n"
        "  Expenses:Office:XN-JY-WH:Other        20000.00 CNY\n",
        f'{DAY} * "核销" "应收款项"\n'
        '  approval: "咸财〔2015〕8号"\n'
        "  Assets:Office:XN-JY-WH:Receivables   -20000.00 CNY\n"
        "  Expenses:Office:XN-JY-WH:Other        20000.00 CNY\n",
        id="LD-208 a claim written off without approval",
    ),
    pytest.param(
        "LD-209",
        f'{DAY} * "购置" "电脑"\n'
        "  Assets:Office:XN-JY-WH:Equipment:E0001   8000.00 CNY\n"
        "  Assets:Office:XN-WH:Cash                -8000.00 CNY\n",
        f'{DAY} * "购置" "电脑"\n'
        "  Assets:Office:XN-WH:Equipment:E0101      8000.00 CNY\n"
        "  Assets:Office:XN-WH:Cash                -8000.00 CNY\n",
        id="LD-209 an abolished office acquires",
    ),
    pytest.param(
        "LD-211",
        f'{DAY} * "咸宁市公共资源交易中心" "拍卖 鄂L12345"\n'
        '  disposal: "auction"\n'
        '  approval: "咸机管〔2015〕21号"\n'
        "  appraisal: 120000.00 CNY\n"
        "  appraisal-date: 2015-07-28\n"
        "  Assets:Office:XN-JY-WH:Vehicles:V0001   -150000.00 CNY\n"
        "  Expenses:Office:XN-JY-WH:Disposal        150000.00 CNY\n"
        "  Assets:Office:XN-JY-WH:Cash              121000.00 CNY\n"
        "  Income:Office:XN-JY-WH:Other            -121000.00 CNY\n",
        auction(),
        id="LD-211 proceeds booked as income",
    ),
    pytest.param(
        "LD-213",
        auction(**{"appraisal-date": "2014-08-09"}),
        auction(**{"appraisal-date": "2014-08-10"}),
        id="LD-213 a stale appraisal",
    ),
    # --- what the reader itself reports ---
    pytest.param(
        "LI-301",
        f'{DAY} custom "window" "XN-WH" "XN-XX"\n  staff: 2\n',
        f'{DAY} custom "window" "XN-WH" "XN-JY"\n  staff: 2\n',
        id="LI-301 a window of an undeclared government",
    ),
    pytest.param(
        "LI-302",
        f'{DAY} * "无偿划转" "车辆"\n'
        '  disposal: "gift"\n'
        '  approval: "咸国资〔2015〕9号"\n'
        '  recipient: "咸宁市机关事务管理局"\n'
        "  Assets:Office:XN-WH:Vehicles:V0101   -80000.00 CNY\n"
        "  Equity:Transfers:XN-JGSW              80000.00 CNY\n",
        f'{DAY} * "无偿划转" "车辆"\n'
        '  disposal: "transfer"\n'
        '  approval: "咸国资〔2015〕9号"\n'
        '  recipient: "咸宁市机关事务管理局"\n'
        "  Assets:Office:XN-WH:Vehicles:V0101   -80000.00 CNY\n"
        "  Equity:Transfers:XN-JGSW              80000.00 CNY\n",
        id="LI-302 an unreadable disposal method",
    ),
]


def test_the_base_ledger_is_clean_on_the_day_and_the_day_before():
    check_text(BASE, BEFORE)
    check_text(BASE, DAY)


@pytest.mark.parametrize(("code", "bad", "good"), CASES)
def test_an_entry_after_the_as_of_date_is_not_judged(code, bad, good):
    """Judged the day before, the entry is not in the books; judged on its day, it is."""
    text = BASE + "\n" + bad
    assert check_text(text, BEFORE) == []
    found = check_text(text, DAY, expect=code)
    assert all(v.entry.date == DAY for v in found), [v.message for v in found]
    check_text(BASE + "\n" + good, DAY)  # the clean twin: nothing


def test_the_books_count_what_they_leave_out():
    entries, _, options = load_text(BASE + "\n" + CASES[0].values[1] + CASES[1].values[1])
    books, _ = engine.run(entries, options, as_of=BEFORE)
    assert (books.later, books.first_later) == (2, DAY)
    assert books.treasury_txns == [] and books.windows == []
    books, _ = engine.run(entries, options, as_of=DAY)
    assert (books.later, books.first_later) == (0, None)


def test_a_later_entry_counts_toward_no_balance():
    """The car auctioned after the as-of date is still held at the as-of date: its
    balance, and the office's cash, are as they stood that day."""
    entries, _, options = load_text(BASE + "\n" + auction())
    account = "Assets:Office:XN-JY-WH:Vehicles:V0001"
    books, _ = engine.run(entries, options, as_of=BEFORE)
    assert books.balance(account, datetime.date.max) == 150000
    assert books.disposals == [] and books.txns_of("XN-JY-WH")[-1].date < DAY
    books, _ = engine.run(entries, options, as_of=DAY)
    assert books.balance(account, datetime.date.max) == 0


# --- deadlines: a later entry does not rescue, nor name a date to come ----------------


CLOSED = """
2015-01-01 custom "program" "HB-2015" "方案"
  preset: "capital-2015"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  host: "武汉"
  program: "HB-2015"
2015-07-25 custom "registration" "XN-JY-WH"
  staff: 6
2015-07-30 custom "decision" "XN-JY-WH" "abolish"
  approval: "咸政办函〔2015〕58号"
2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
2016-01-15 close Assets:Office:XN-JY-WH:Cash
"""


def test_a_close_after_the_as_of_date_does_not_rescue_ld210():
    """dispose-by 2015-08-31 plus close-grace 90 days: the account must be closed by
    2015-11-29. Closed on 2016-01-15, it is late; judged on 2016-01-14 it is simply
    still open, and the message does not name a close that has not happened yet."""
    [before] = check_text(CLOSED, "2016-01-14", expect=["LD-210"])
    assert "至今仍未关闭" in before.message and "2016-01-15" not in before.message
    [after] = check_text(CLOSED, "2016-01-15", expect=["LD-210"])
    assert "直到 2016-01-15 才关闭" in after.message


def test_a_remittance_after_the_as_of_date_does_not_settle_proceeds():
    """Proceeds of DAY are due by DAY + 30; remitted after that, LD-212 says so; judged
    between the deadline and the remittance, they are simply still held."""
    remitted = "2015-09-20"
    remittance = (
        f'{remitted} * "上缴国库" "拍卖收入上缴"\n'
        "  Liabilities:Office:XN-JY-WH:DueToTreasury   121000.00 CNY\n"
        "  Assets:Office:XN-JY-WH:Cash                -121000.00 CNY\n"
    )
    text = BASE + "\n" + auction() + "\n" + remittance
    config = {"dispose-by": "2015-12-31"}  # keeps LD-205/206/208 out of the picture
    before = check_text(text, "2015-09-19", config, expect=["LD-212"])
    assert "截至 2015-09-19 仍未上缴" in before[0].message
    assert remitted not in before[0].message
    after = check_text(text, remitted, config, expect=["LD-212"])
    assert f"直到 {remitted} 才上缴" in after[0].message


# --- declarations -----------------------------------------------------------------------


def test_a_program_declared_after_the_as_of_date_is_not_declared_yet():
    """An office names a program dated after the as-of date: at that date the office
    names a program the books do not hold yet (LI-301), and the message says when it
    is declared instead of asking to declare it."""
    text = textwrap.dedent(
        """
        2015-07-20 custom "program" "HB-2015" "方案"
          preset: "capital-2015"
        2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
          level: "county"
        2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
          government: "XN-JY"
          host: "武汉"
          program: "HB-2015"
        2015-07-25 custom "registration" "XN-JY-WH"
          staff: 6
        2015-07-30 custom "decision" "XN-JY-WH" "abolish"
          approval: "咸政办函〔2015〕58号"
        """
    )
    [early] = check_text(text, "2015-07-19", expect=["LI-301"])
    assert "截至 2015-07-19 尚未声明（其声明日期 2015-07-20 晚于截至日期" in early.message
    check_text(text, "2015-07-20")
    check_text(text, "2015-07-31")  # decided and registered in time: nothing
