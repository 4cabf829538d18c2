"""LD-201 … LD-213: every rule broken once and passed by a near miss.

The base ledger is SPEC section 2.3's: 嘉鱼县驻武汉办事处 (XN-JY-WH, a county office the
capital-2015 program abolishes) holding a car and a building, beside the retained city
office XN-WH. Each test appends the entries it needs.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import pytest
from beancount import loader

from plugins import disposals
from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation
from tests.conftest import HEADER
from tests.conftest import assert_findings
from tests.conftest import check_text
from tests.conftest import only

BASE = """\
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
  kind: "government"
  host: "武汉"
  program: "HB-2015"

2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  kind: "government"
  host: "武汉"
  program: "HB-2015"

2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:V0001 CNY
  asset-id: "JY-V-0001"
  name: "别克GL8 鄂L12345"
  acquired: 2011-05-01
  original-cost: 280000.00 CNY
2015-01-01 open Assets:Office:XN-JY-WH:Buildings:B0001 CNY
  asset-id: "JY-B-0001"
  name: "办公楼"
2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:DueToTreasury CNY
2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-01 open Assets:Office:XN-WH:Cash CNY
2015-01-01 open Assets:Office:XN-WH:Vehicles:V0101 CNY
2015-01-01 open Equity:Office:XN-WH:NetAssets CNY
2015-01-01 open Equity:Transfers:XN-JGSW CNY
2015-01-01 open Assets:Treasury:XN CNY
2015-01-01 open Assets:Treasury:XN-JY CNY

2015-01-01 * "期初" "嘉鱼县驻汉办资产登记"
  Assets:Office:XN-JY-WH:Vehicles:V0001     150000.00 CNY
  Assets:Office:XN-JY-WH:Buildings:B0001   2400000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets        -2550000.00 CNY

2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
  preset: "capital-2015"
  document: "咸政办函〔2015〕58号"
@PROGRAM@

2015-07-25 custom "registration" "XN-WH"
  staff: 12
  established: 1990-05-01

2015-07-25 custom "registration" "XN-JY-WH"
  staff: 6
  established: 1998-03-01

2015-07-28 custom "decision" "XN-WH" "retain"
  approval: "鄂政办函〔2015〕60号"

2015-07-30 custom "decision" "XN-JY-WH" "@ACTION@"
  approval: "咸政办函〔2015〕58号"
@INTO@
"""

MERGE = {"action": "merge", "into": '  into: "XN-WH"'}

TRANSFER = """
2015-08-15 * "无偿划转" "房屋划转市机关事务管理局"
  disposal: "transfer"
  approval: "咸国资〔2015〕9号"
  recipient: "咸宁市机关事务管理局"
  Assets:Office:XN-JY-WH:Buildings:B0001  -2400000.00 CNY
  Equity:Transfers:XN-JGSW                  2400000.00 CNY
"""


def auction(
    proceeds: str = "121000.00",
    *,
    date: str = "2015-08-20",
    form: str = "full",
    extra: str = "",
    appraisal: str = "  appraisal: 120000.00 CNY\n  appraisal-date: 2015-07-28\n",
) -> str:
    """SPEC 2.3's auction of the car, in the 政府会计制度 form or the short form."""
    head = (
        f'\n{date} * "咸宁市公共资源交易中心" "拍卖 鄂L12345"\n'
        '  disposal: "auction"\n'
        '  approval: "咸机管〔2015〕21号"\n'
        f"{appraisal}{extra}"
        "  Assets:Office:XN-JY-WH:Vehicles:V0001        -150000.00 CNY\n"
    )
    if form == "full":
        return head + (
            "  Expenses:Office:XN-JY-WH:Disposal             150000.00 CNY\n"
            f"  Assets:Office:XN-JY-WH:Cash                   {proceeds} CNY\n"
            f"  Liabilities:Office:XN-JY-WH:DueToTreasury    -{proceeds} CNY\n"
        )
    return head + (
        f"  Assets:Office:XN-JY-WH:Cash                   {proceeds} CNY\n"
        "  Expenses:Office:XN-JY-WH:Disposal\n"
    )


def remit(
    amount: str = "121000.00", *, date: str = "2015-08-25", form: str = "full"
) -> str:
    """Remitting proceeds: paying down DueToTreasury, or Cash to the county's treasury."""
    if form == "full":
        return (
            f'\n{date} * "上缴国库" "拍卖收入上缴"\n'
            f"  Liabilities:Office:XN-JY-WH:DueToTreasury     {amount} CNY\n"
            f"  Assets:Office:XN-JY-WH:Cash                  -{amount} CNY\n"
        )
    return (
        f'\n{date} * "上缴国库" "拍卖收入上缴"\n'
        f"  Assets:Office:XN-JY-WH:Cash                  -{amount} CNY\n"
        f"  Assets:Treasury:XN-JY                         {amount} CNY\n"
    )


CLOSE = """
2015-09-30 close Assets:Office:XN-JY-WH:Vehicles:V0001
2015-09-30 close Assets:Office:XN-JY-WH:Buildings:B0001
2015-09-30 close Assets:Office:XN-JY-WH:Cash
2015-09-30 close Liabilities:Office:XN-JY-WH:DueToTreasury
"""

CASH = """
2015-01-02 * "期初" "银行存款"
  Assets:Office:XN-JY-WH:Cash          50000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets    -50000.00 CNY
"""


def ledger(*parts: str, program: str = "", action: str = "abolish", into: str = "") -> str:
    """The base ledger with the program's extra metadata, the decision and more entries."""
    base = (
        BASE.replace("@PROGRAM@", program)
        .replace("@ACTION@", action)
        .replace("@INTO@", into)
    )
    return base + "".join(textwrap.dedent(part) for part in parts)


def check(
    text: str, as_of: str = "2016-01-01", config=None, *, expect: Iterable[str] = ()
) -> list[PolicyViolation]:
    """The rules on ``text``; fails unless exactly the codes ``expect`` are found."""
    return check_text(text, as_of, config, expect=expect)


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """The line number Beancount gives the first line containing ``needle``.

    With ``after``, the first such line after the first line containing ``after``.
    """
    lines = textwrap.dedent(HEADER + textwrap.dedent(text)).splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def one(violations: list[PolicyViolation], code: str) -> PolicyViolation:
    found = only(violations, code)
    assert len(found) == 1, [v.message for v in violations]
    return found[0]


# --- The catalogue and the clean books -----------------------------------------------


def test_finders_cover_the_family():
    family = {code for code in RULES if code.startswith("LD-")}
    assert set(disposals.FINDERS) == family
    assert len(family) == 13


@pytest.mark.parametrize("form", ["full", "short"])
def test_spec_books_pass_in_both_forms(form):
    text = ledger(TRANSFER, auction(form=form), remit(form=form), CLOSE)
    check(text)


def test_clean_books_pass_at_every_deadline():
    text = ledger(TRANSFER, auction(), remit(), CLOSE)
    for as_of in ("2015-08-31", "2015-09-01", "2015-09-20", "2015-11-30", "2016-06-28"):
        check(text, as_of)
    # what is left is the retained city office's 2015 audit, due by 2016-06-28 (LO-108)
    (late,) = check(text, "2016-06-29", expect=["LO-108"])
    assert late.office == "XN-WH"


# --- LD-201 disposal-method ----------------------------------------------------------

WRITE_OFF_CAR = """
{date} * "报废" "车辆报废"
  Assets:Office:XN-JY-WH:Vehicles:V0001   -150000.00 CNY
  Expenses:Office:XN-JY-WH:Disposal        150000.00 CNY
"""


def test_ld201_asset_leaves_without_method():
    text = ledger(WRITE_OFF_CAR.format(date="2015-08-15"))
    # the car's account stays open: LD-205 judges it held, LD-210 not closed
    v = one(check(text, expect=["LD-201", "LD-205", "LD-210"]), "LD-201")
    assert v.entry.meta["lineno"] == line_of(text, '"车辆报废"')
    assert v.source["lineno"] == line_of(text, "V0001   -150000.00", after='"车辆报废"')
    assert v.account == "Assets:Office:XN-JY-WH:Vehicles:V0001"
    assert v.office == "XN-JY-WH"
    assert "JY-V-0001" in v.message and "150,000.00 CNY" in v.message
    assert "已于 2015-07-30 撤销" in v.message


def test_ld201_on_the_abolition_day_and_for_a_merged_office():
    text = ledger(WRITE_OFF_CAR.format(date="2015-07-30"), **MERGE)
    v = one(check(text, expect=["LD-201", "LD-205", "LD-210"]), "LD-201")
    assert v.office == "XN-JY-WH"
    assert "已于 2015-07-30 合并至 XN-WH" in v.message


def test_ld201_unreadable_method_is_judged_absent():
    text = ledger(
        """
        2015-08-15 * "赠送" "车辆赠送"
          disposal: "gift"
          approval: "咸机管〔2015〕22号"
          Assets:Office:XN-JY-WH:Vehicles:V0001   -150000.00 CNY
          Expenses:Office:XN-JY-WH:Disposal        150000.00 CNY
        """
    )
    violations = check(text, expect=["LD-201", "LD-205", "LD-210", "LI-302"])
    v = one(violations, "LD-201")
    assert v.entry.meta["lineno"] == line_of(text, '"车辆赠送"')
    assert "`disposal:` 无法识别" in v.message
    (bad,) = only(violations, "LI-302")
    assert "'gift'" in bad.message and bad.entry is v.entry


def test_ld201_near_miss_before_abolition():
    text = ledger(WRITE_OFF_CAR.format(date="2015-07-29"))
    check(text, expect=["LD-205", "LD-210"])  # the building, still held


def test_ld201_near_miss_merge_by_transfer_to_the_survivor():
    text = ledger(
        """
        2015-08-15 * "划转" "车辆划转市驻汉办"
          disposal: "transfer"
          approval: "咸国资〔2015〕10号"
          recipient: "咸宁市人民政府驻武汉办事处"
          Assets:Office:XN-JY-WH:Vehicles:V0001   -150000.00 CNY
          Assets:Office:XN-WH:Vehicles:V0101       150000.00 CNY
        """,
        **MERGE,
    )
    check(text, "2015-08-31")


# --- LD-202 below-appraisal ----------------------------------------------------------

TOLERANCES = [
    ("", "120000.00", False),
    ("", "119999.99", True),
    ("  loss-tolerance: 0.05", "114000.00", False),
    ("  loss-tolerance: 0.05", "113999.99", True),
    ("  loss-tolerance: 1000 CNY", "119000.00", False),
    ("  loss-tolerance: 1000 CNY", "118999.99", True),
]


@pytest.mark.parametrize("form", ["full", "short"])
@pytest.mark.parametrize(("program", "proceeds", "flagged"), TOLERANCES)
def test_ld202_tolerance_boundary(form, program, proceeds, flagged):
    text = ledger(auction(proceeds, form=form), program=program)
    violations = check(text, "2015-08-25", expect=["LD-202"] if flagged else [])
    if not flagged:
        return
    v = one(violations, "LD-202")
    assert v.entry.meta["lineno"] == line_of(text, '"拍卖 鄂L12345"')
    assert v.office == "XN-JY-WH"
    assert f"{float(proceeds):,.2f} CNY" in v.message
    assert "120,000.00 CNY" in v.message and "price-approval" in v.message


def test_ld202_tolerance_from_plugin_config():
    text = ledger(auction("114000.00"))
    check(text, "2015-08-25", expect=["LD-202"])
    config = {"loss-tolerance": "0.05"}
    check(text, "2015-08-25", config)


def test_ld202_price_approval_rescues():
    text = ledger(auction("90000.00", extra='  price-approval: "咸财〔2015〕33号"\n'))
    check(text, "2015-08-25")


def test_ld202_no_appraisal():
    text = ledger(auction("150000.00", appraisal=""))
    v = one(check(text, "2015-08-25", expect=["LD-202"]), "LD-202")
    assert v.entry.meta["lineno"] == line_of(text, '"拍卖 鄂L12345"')
    assert "没有评估价值（成交金额 150,000.00 CNY）" in v.message


def test_ld202_judges_a_retained_office_too():
    text = ledger(
        """
        2015-01-01 * "期初" "车辆"
          Assets:Office:XN-WH:Vehicles:V0101   80000.00 CNY
          Equity:Office:XN-WH:NetAssets       -80000.00 CNY

        2015-08-20 * "买方" "有偿转让 V0101"
          disposal: "有偿转让"
          approval: "咸机管〔2015〕30号"
          appraisal: 60000.00 CNY
          Assets:Office:XN-WH:Vehicles:V0101   -80000.00 CNY
          Assets:Office:XN-WH:Cash              50000.00 CNY
          Equity:Office:XN-WH:NetAssets         30000.00 CNY
        """
    )
    v = one(check(text, "2015-08-25", expect=["LD-202"]), "LD-202")
    assert v.office == "XN-WH"
    assert v.entry.meta["lineno"] == line_of(text, '"有偿转让 V0101"')


def test_ld202_through_the_plugin_line():
    text = "plugin \"plugins.rules\" \"{'as-of': '2016-01-01'}\"\n" + ledger(
        auction("100000.00"), remit("100000.00"), TRANSFER, CLOSE
    )
    _, errors, _ = loader.load_string(textwrap.dedent(HEADER) + text)
    assert_findings(errors, expect=["LD-202"])
    (below,) = errors
    assert below.message.startswith("[LD-202 below-appraisal]")
    assert "XN-JY-WH" in below.message and "100,000.00 CNY" in below.message


# --- LD-203 transfer-improper --------------------------------------------------------


def test_ld203_no_recipient():
    text = ledger(TRANSFER.replace('  recipient: "咸宁市机关事务管理局"\n', ""))
    v = one(check(text, "2015-08-31", expect=["LD-203"]), "LD-203")
    assert v.entry.meta["lineno"] == line_of(text, '"房屋划转市机关事务管理局"')
    assert v.office == "XN-JY-WH"
    assert "没有注明 `recipient:`" in v.message


def test_ld203_not_a_state_unit_and_short_of_the_carrying_amount():
    text = ledger(
        """
        2015-01-01 open Expenses:Office:XN-JY-WH:Other CNY

        2015-08-15 * "划转" "房屋部分划转"
          disposal: "transfer"
          approval: "咸国资〔2015〕9号"
          recipient: "咸宁市机关事务管理局"
          Assets:Office:XN-JY-WH:Buildings:B0001  -2400000.00 CNY
          Equity:Transfers:XN-JGSW                  2000000.00 CNY
          Expenses:Office:XN-JY-WH:Other             400000.00 CNY
        """
    )
    found = check(text, "2015-08-31", expect=["LD-203"])
    assert len(found) == 2, [v.message for v in found]
    leg, short = found if found[0].account else found[::-1]
    assert leg.account == "Expenses:Office:XN-JY-WH:Other"
    assert leg.entry.meta["lineno"] == line_of(text, '"房屋部分划转"')
    assert "不属于国有单位" in leg.message
    assert "400,000.00 CNY" in leg.message
    assert "2,000,000.00 CNY" in short.message and "2,400,000.00 CNY" in short.message


def test_ld203_to_an_abolished_office_is_not_a_state_unit():
    text = ledger(
        """
        2015-01-01 custom "office" "XN-JY-HQ" "嘉鱼县驻某地联络处"
          government: "XN-JY"
          kind: "department"
          host: "武汉"
          program: "HB-2015"
        2015-07-30 custom "decision" "XN-JY-HQ" "abolish"
          approval: "咸政办函〔2015〕58号"
        2015-01-01 open Assets:Office:XN-JY-HQ:Vehicles:V0009 CNY

        2015-08-15 * "划转" "车辆划转联络处"
          disposal: "transfer"
          approval: "咸国资〔2015〕9号"
          recipient: "嘉鱼县驻某地联络处"
          Assets:Office:XN-JY-WH:Vehicles:V0001   -150000.00 CNY
          Assets:Office:XN-JY-HQ:Vehicles:V0009    150000.00 CNY
        """
    )
    # the receiving office is abolished (so it may not acquire, LD-209) and was never
    # registered (LO-111)
    found = check(text, "2015-08-31", expect=["LD-203", "LD-209", "LO-111"])
    found = only(found, "LD-203")
    assert {v.account for v in found} == {"Assets:Office:XN-JY-HQ:Vehicles:V0009", None}
    assert all(v.office == "XN-JY-WH" for v in found)


@pytest.mark.parametrize(
    "to",
    [
        "Assets:State:XN-JGSW:Buildings",
        "Equity:Transfers:XN-JGSW",
        "Assets:Office:XN-WH:Buildings",
    ],
)
def test_ld203_near_miss_state_units(to):
    text = ledger(
        """
        2015-01-01 open Assets:State:XN-JGSW:Buildings CNY
        2015-01-01 open Assets:Office:XN-WH:Buildings CNY
        """,
        TRANSFER.replace("Equity:Transfers:XN-JGSW", to),
    )
    check(text, "2015-08-31")


# --- LD-204 disposal-unapproved ------------------------------------------------------


def test_ld204_no_approval():
    text = ledger(auction().replace('  approval: "咸机管〔2015〕21号"\n', ""), remit())
    v = one(check(text, "2015-08-31", expect=["LD-204"]), "LD-204")
    assert v.entry.meta["lineno"] == line_of(text, '"拍卖 鄂L12345"')
    assert v.office == "XN-JY-WH"
    assert "进行的拍卖没有 `approval:`" in v.message


def test_ld204_judges_a_retained_office_too():
    text = ledger(
        """
        2015-01-01 * "期初" "车辆"
          Assets:Office:XN-WH:Vehicles:V0101   80000.00 CNY
          Equity:Office:XN-WH:NetAssets       -80000.00 CNY

        2015-06-01 * "划转" "车辆划转"
          disposal: "transfer"
          recipient: "咸宁市机关事务管理局"
          Assets:Office:XN-WH:Vehicles:V0101   -80000.00 CNY
          Equity:Transfers:XN-JGSW              80000.00 CNY
        """
    )
    v = one(check(text, "2015-08-31", expect=["LD-204"]), "LD-204")
    assert v.office == "XN-WH"
    assert v.entry.meta["lineno"] == line_of(text, '"车辆划转"')


def test_ld204_near_miss_approved():
    check(ledger(TRANSFER), "2015-08-31")


# --- LD-205 disposal-overdue ---------------------------------------------------------

CAR = "Assets:Office:XN-JY-WH:Vehicles:V0001"


def test_ld205_asset_held_after_dispose_by():
    text = ledger(TRANSFER)
    check(text, "2015-08-31")
    v = one(check(text, "2015-09-01", expect=["LD-205"]), "LD-205")
    assert v.account == CAR
    assert v.office == "XN-JY-WH"
    assert v.entry.meta["lineno"] == line_of(text, f"open {CAR}")
    assert "150,000.00 CNY" in v.message and "2015-08-31" in v.message
    assert "截至 2015-09-01 余额仍为 150,000.00 CNY" in v.message


def test_ld205_disposed_on_the_deadline_day_passes():
    text = ledger(TRANSFER, auction(date="2015-08-31"), remit(date="2015-08-31"))
    check(text, expect=["LD-210"])  # no account closed: judged by LD-210 alone


def test_ld205_disposed_the_day_after_stays_a_violation():
    text = ledger(TRANSFER, auction(date="2015-09-01"), remit(date="2015-09-01"))
    v = one(check(text, expect=["LD-205", "LD-210"]), "LD-205")
    assert v.account == CAR
    assert "直到 2015-09-01 余额才归零" in v.message


def test_ld205_merged_office_too():
    v = one(check(ledger(TRANSFER, **MERGE), expect=["LD-205", "LD-210"]), "LD-205")
    assert v.account == CAR and v.office == "XN-JY-WH"
    assert "合并至 XN-WH" in v.message


def test_ld205_near_miss_retained_office_keeps_its_car():
    text = ledger(
        """
        2015-01-01 * "期初" "车辆"
          Assets:Office:XN-WH:Vehicles:V0101   80000.00 CNY
          Equity:Office:XN-WH:NetAssets       -80000.00 CNY
        """,
        TRANSFER,
        auction(),
        remit(),
    )
    check(text, expect=["LD-210"])  # the county office's accounts, never closed


# --- LD-206 proceeds-unremitted ------------------------------------------------------


def test_ld206_cash_and_due_to_treasury_held_after_dispose_by():
    text = ledger(TRANSFER, auction())
    check(text, "2015-08-31")
    found = check(text, "2015-09-01", expect=["LD-206"])
    by_account = {v.account: v for v in found}
    assert set(by_account) == {
        "Assets:Office:XN-JY-WH:Cash",
        "Liabilities:Office:XN-JY-WH:DueToTreasury",
    }
    cash = by_account["Assets:Office:XN-JY-WH:Cash"]
    assert cash.entry.meta["lineno"] == line_of(text, "open Assets:Office:XN-JY-WH:Cash")
    assert cash.office == "XN-JY-WH"
    assert "121,000.00 CNY" in cash.message and "XN-JY" in cash.message


def test_ld206_short_form_remitted_late():
    text = ledger(TRANSFER, auction(form="short"), remit(form="short", date="2015-09-05"))
    v = one(check(text, expect=["LD-206", "LD-210"]), "LD-206")
    assert v.account == "Assets:Office:XN-JY-WH:Cash"
    assert "直到 2015-09-05 余额才归零" in v.message


def test_ld206_remitted_to_another_governments_treasury():
    wrong = remit(form="short").replace("Assets:Treasury:XN-JY ", "Assets:Treasury:XN ")
    text = ledger(TRANSFER, auction(form="short"), wrong)
    # cash of an abolished office into a treasury not its own is misused too (LD-207)
    v = one(check(text, "2015-08-31", expect=["LD-206", "LD-207"]), "LD-206")
    assert v.account == "Assets:Treasury:XN"
    assert v.office == "XN-JY-WH"
    assert v.entry.meta["lineno"] == line_of(text, '"拍卖收入上缴"')
    assert "XN-JY" in v.message


def test_ld206_near_miss_own_treasury_by_dispose_by():
    text = ledger(TRANSFER, auction(form="short"), remit(form="short", date="2015-08-31"))
    check(text, expect=["LD-210"])


# --- LD-207 misappropriation ---------------------------------------------------------

SPEND = """
2015-01-01 open Expenses:Office:XN-JY-WH:Other CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:Payables CNY

{date} * "某公司" "发放补贴"
{meta}  Expenses:Office:XN-JY-WH:Other     8000.00 CNY
  Assets:Office:XN-JY-WH:Cash        -8000.00 CNY
"""


def test_ld207_cash_spent_after_abolition():
    text = ledger(CASH, SPEND.format(date="2015-08-05", meta=""))
    v = one(check(text, "2015-08-31", expect=["LD-207"]), "LD-207")
    assert v.entry.meta["lineno"] == line_of(text, '"发放补贴"')
    assert v.office == "XN-JY-WH"
    assert v.account == "Expenses:Office:XN-JY-WH:Other"
    assert "8,000.00 CNY" in v.message


def test_ld207_to_another_treasury_is_misappropriation_too():
    text = ledger(
        CASH,
        """
        2015-08-05 * "上缴" "上缴市财政"
          Assets:Office:XN-JY-WH:Cash   -50000.00 CNY
          Assets:Treasury:XN             50000.00 CNY
        """,
    )
    found = check(text, "2015-08-31", expect=["LD-206", "LD-207"])
    assert {v.entry.narration for v in found} == {"上缴市财政"}


@pytest.mark.parametrize(
    ("date", "meta"),
    [
        ("2015-07-29", ""),  # before abolition
        ("2015-08-05", '  approval: "咸财〔2015〕40号"\n'),  # an approved expense
    ],
)
def test_ld207_near_miss(date, meta):
    text = ledger(CASH, SPEND.format(date=date, meta=meta))
    check(text, "2015-08-31")


def test_ld207_near_miss_posting_approval_payables_and_own_treasury():
    text = ledger(
        CASH,
        """
        2015-01-01 open Expenses:Office:XN-JY-WH:Other CNY
        2015-01-01 open Liabilities:Office:XN-JY-WH:Payables CNY

        2015-07-01 * "某公司" "欠款"
          Expenses:Office:XN-JY-WH:Other           5000.00 CNY
          Liabilities:Office:XN-JY-WH:Payables    -5000.00 CNY

        2015-08-05 * "某公司" "结清欠款并支付审计费"
          Liabilities:Office:XN-JY-WH:Payables     5000.00 CNY
          Expenses:Office:XN-JY-WH:Other           3000.00 CNY
            approval: "咸财〔2015〕41号"
          Assets:Office:XN-JY-WH:Cash             -8000.00 CNY

        2015-08-06 * "上缴国库" "余款上缴"
          Assets:Office:XN-JY-WH:Cash            -42000.00 CNY
          Assets:Treasury:XN-JY                   42000.00 CNY
        """,
    )
    check(text, "2015-08-31")


# --- LD-208 claims-unsettled ---------------------------------------------------------

CLAIMS = """
2015-01-01 open Assets:Office:XN-JY-WH:Receivables CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:Payables CNY
2015-01-01 open Expenses:Office:XN-JY-WH:BadDebt CNY

2015-01-03 * "期初" "债权债务"
  Assets:Office:XN-JY-WH:Receivables      5000.00 CNY
  Liabilities:Office:XN-JY-WH:Payables   -2000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets       -3000.00 CNY
"""


def test_ld208_claims_unsettled_at_dispose_by():
    text = ledger(CLAIMS)
    check(text, "2015-08-31")
    found = only(check(text, "2015-09-01", expect=["LD-205", "LD-208"]), "LD-208")
    by_account = {v.account: v for v in found}
    assert set(by_account) == {
        "Assets:Office:XN-JY-WH:Receivables",
        "Liabilities:Office:XN-JY-WH:Payables",
    }
    rec = by_account["Assets:Office:XN-JY-WH:Receivables"]
    assert rec.entry.meta["lineno"] == line_of(text, "open Assets:Office:XN-JY-WH:Receiv")
    assert rec.office == "XN-JY-WH" and "5,000.00 CNY" in rec.message


def test_ld208_write_off_without_approval():
    text = ledger(
        CLAIMS,
        """
        2015-08-10 * "核销" "坏账核销"
          Assets:Office:XN-JY-WH:Receivables    -5000.00 CNY
          Expenses:Office:XN-JY-WH:BadDebt       5000.00 CNY
        """,
    )
    v = one(check(text, "2015-08-31", expect=["LD-208"]), "LD-208")
    assert v.entry.meta["lineno"] == line_of(text, '"坏账核销"')
    assert v.account == "Assets:Office:XN-JY-WH:Receivables"
    assert v.office == "XN-JY-WH"


def test_ld208_near_miss_settled_and_approved_write_off():
    text = ledger(
        CLAIMS,
        """
        2015-08-10 * "核销" "坏账核销"
          approval: "咸财〔2015〕42号"
          Assets:Office:XN-JY-WH:Receivables    -5000.00 CNY
          Expenses:Office:XN-JY-WH:BadDebt       5000.00 CNY

        2015-08-31 * "政府代付" "清偿欠款"
          Liabilities:Office:XN-JY-WH:Payables   2000.00 CNY
          Equity:Office:XN-JY-WH:NetAssets      -2000.00 CNY
        """,
    )
    check(text, "2015-09-01", expect=["LD-205"])  # the car and building, still held


# --- LD-209 acquisition-after-abolition ----------------------------------------------

BUY = """
2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:V0002 CNY

{date} * "4S店" "购置新车"
  Assets:Office:XN-JY-WH:Vehicles:V0002    30000.00 CNY
  Assets:Office:XN-JY-WH:Cash             -30000.00 CNY
"""


def test_ld209_acquisition_after_abolition():
    text = ledger(CASH, BUY.format(date="2015-08-01"))
    # paid from the abolished office's cash: LD-207 too
    v = one(check(text, "2015-08-31", expect=["LD-207", "LD-209"]), "LD-209")
    assert v.entry.meta["lineno"] == line_of(text, '"购置新车"')
    assert v.account == "Assets:Office:XN-JY-WH:Vehicles:V0002"
    assert v.office == "XN-JY-WH"
    assert "30,000.00 CNY" in v.message


def test_ld209_near_miss_before_abolition_and_opening_balance():
    text = ledger(
        CASH,
        BUY.format(date="2015-07-29"),
        """
        2015-01-01 open Assets:Office:XN-JY-WH:Equipment:E0001 CNY

        2015-08-02 * "清查" "补登设备"
          Assets:Office:XN-JY-WH:Equipment:E0001    6000.00 CNY
          Equity:Office:XN-JY-WH:NetAssets         -6000.00 CNY
        """,
    )
    check(text, "2015-08-31")


SURVIVOR = """
2015-07-30 custom "decision" "XN-WH" "abolish"
  approval: "鄂政办函〔2015〕61号"

2015-08-15 * "划转" "车辆划转市驻汉办"
  disposal: "transfer"
  approval: "咸国资〔2015〕10号"
  recipient: "咸宁市人民政府驻武汉办事处"
  Assets:Office:XN-JY-WH:Vehicles:V0001   -150000.00 CNY
  Assets:Office:XN-WH:Vehicles:V0101       150000.00 CNY
"""


def test_ld209_survivor_of_a_merge_may_receive_by_transfer():
    # XN-WH, abolished itself, is not a state unit a transfer may go to (LD-203)
    found = check(ledger(SURVIVOR, **MERGE), "2015-08-31", expect=["LD-203"])
    assert {v.office for v in found} == {"XN-JY-WH"}


def test_ld209_abolished_office_that_survives_no_merge():
    text = ledger(SURVIVOR)
    v = one(check(text, "2015-08-31", expect=["LD-203", "LD-209"]), "LD-209")
    assert v.office == "XN-WH"
    assert v.account == "Assets:Office:XN-WH:Vehicles:V0101"
    assert v.entry.meta["lineno"] == line_of(text, '"车辆划转市驻汉办"')


# --- LD-210 accounts-not-closed ------------------------------------------------------


def test_ld210_accounts_still_open():
    text = ledger(TRANSFER, auction(), remit())
    check(text, "2015-11-29")
    found = check(text, "2015-11-30", expect=["LD-210"])
    assert {v.account for v in found} == {
        "Assets:Office:XN-JY-WH:Vehicles:V0001",
        "Assets:Office:XN-JY-WH:Buildings:B0001",
        "Assets:Office:XN-JY-WH:Cash",
        "Liabilities:Office:XN-JY-WH:DueToTreasury",
    }
    cash = next(v for v in found if v.account.endswith(":Cash"))
    assert cash.entry.meta["lineno"] == line_of(text, "open Assets:Office:XN-JY-WH:Cash")
    assert cash.office == "XN-JY-WH" and "2015-11-29" in cash.message


def test_ld210_closed_on_the_last_day_passes_the_day_after_fails():
    on_time = ledger(
        TRANSFER, auction(), remit(), CLOSE.replace("2015-09-30", "2015-11-29")
    )
    check(on_time)
    late = ledger(TRANSFER, auction(), remit(), CLOSE.replace("2015-09-30", "2015-11-30"))
    found = check(late, expect=["LD-210"])
    assert len(found) == 4
    assert all("直到 2015-11-30 才关闭" in v.message for v in found)


# --- LD-211 proceeds-as-income -------------------------------------------------------


def test_ld211_proceeds_booked_as_income():
    text = ledger(
        """
        2015-01-01 open Income:Office:XN-JY-WH:Other CNY

        2015-08-20 * "咸宁市公共资源交易中心" "拍卖 鄂L12345"
          disposal: "auction"
          approval: "咸机管〔2015〕21号"
          appraisal: 120000.00 CNY
          Assets:Office:XN-JY-WH:Vehicles:V0001        -150000.00 CNY
          Expenses:Office:XN-JY-WH:Disposal             150000.00 CNY
          Assets:Office:XN-JY-WH:Cash                   121000.00 CNY
          Income:Office:XN-JY-WH:Other                 -121000.00 CNY
        """
    )
    v = one(check(text, "2015-08-25", expect=["LD-211"]), "LD-211")
    assert v.entry.meta["lineno"] == line_of(text, '"拍卖 鄂L12345"')
    assert v.source["lineno"] == line_of(text, "Income:Office:XN-JY-WH:Other     ")
    assert v.account == "Income:Office:XN-JY-WH:Other"
    assert v.office == "XN-JY-WH"
    assert "DueToTreasury" in v.message


def test_ld211_near_miss_due_to_treasury():
    check(ledger(auction()), "2015-08-25")


# --- LD-212 proceeds-held ------------------------------------------------------------

SALE = """
2015-01-01 open Assets:Office:XN-JY-WH:Equipment:E0001 CNY

2015-01-01 * "期初" "设备"
  Assets:Office:XN-JY-WH:Equipment:E0001    60000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets         -60000.00 CNY

2015-08-22 * "买方" "转让设备"
  disposal: "sale"
  approval: "咸机管〔2015〕23号"
  appraisal: 50000.00 CNY
  Assets:Office:XN-JY-WH:Equipment:E0001     -60000.00 CNY
  Expenses:Office:XN-JY-WH:Disposal           60000.00 CNY
  Assets:Office:XN-JY-WH:Cash                 50000.00 CNY
  Liabilities:Office:XN-JY-WH:DueToTreasury  -50000.00 CNY
"""


def test_ld212_fifo_one_remittance_pays_the_oldest():
    text = ledger(auction(), SALE, remit("121000.00", date="2015-08-25"))
    # the building and the cash are still held at dispose-by (LD-205, LD-206)
    found = check(text, "2015-09-22", expect=["LD-205", "LD-206", "LD-212"])
    found = only(found, "LD-212")
    assert len(found) == 1, [v.message for v in found]
    v = found[0]
    assert v.entry.meta["lineno"] == line_of(text, '"转让设备"')
    assert v.office == "XN-JY-WH"
    assert "50,000.00 CNY 截至 2015-09-22 仍未上缴" in v.message
    # the sale's day 30 is 2015-09-21: not yet judged on that day
    check(text, "2015-09-21", expect=["LD-205", "LD-206"])


@pytest.mark.parametrize(("day", "late"), [("2015-09-19", False), ("2015-09-20", True)])
def test_ld212_remittance_deadline_day(day, late):
    text = ledger(auction(form="short"), remit(form="short", date=day))
    # remitted after dispose-by, the building never disposed of: LD-205, LD-206, LD-210
    held = ["LD-205", "LD-206", "LD-210"]
    violations = check(text, "2016-01-01", expect=[*held, "LD-212"] if late else held)
    if not late:
        return
    v = one(violations, "LD-212")
    assert v.entry.meta["lineno"] == line_of(text, '"拍卖 鄂L12345"')
    assert "121,000.00 CNY 直到 2015-09-20 才上缴" in v.message


def test_ld212_partial_late_and_held():
    text = ledger(
        auction(),
        remit("100000.00", date="2015-08-25"),
        remit("15000.00", date="2015-10-01"),
    )
    held = ["LD-205", "LD-206", "LD-210"]
    v = one(check(text, "2016-01-01", expect=[*held, "LD-212"]), "LD-212")
    assert "15,000.00 CNY 直到 2015-10-01 才上缴" in v.message
    assert "6,000.00 CNY 截至 2016-01-01 仍未上缴" in v.message


def test_ld212_remittance_before_the_proceeds_does_not_count():
    text = ledger(CASH, remit("50000.00", date="2015-08-01", form="short"), auction())
    held = ["LD-205", "LD-206", "LD-210"]
    v = one(check(text, "2016-01-01", expect=[*held, "LD-212"]), "LD-212")
    assert "121,000.00 CNY 截至 2016-01-01 仍未上缴" in v.message


def test_ld212_another_treasury_does_not_count():
    wrong = remit(form="short").replace("Assets:Treasury:XN-JY ", "Assets:Treasury:XN ")
    text = ledger(auction(form="short"), wrong)
    held = ["LD-205", "LD-206", "LD-207", "LD-210"]
    v = one(check(text, "2016-01-01", expect=[*held, "LD-212"]), "LD-212")
    assert "121,000.00 CNY 截至 2016-01-01 仍未上缴" in v.message


def test_ld212_judges_a_retained_office_too():
    text = ledger(
        """
        2015-01-01 * "期初" "车辆"
          Assets:Office:XN-WH:Vehicles:V0101   80000.00 CNY
          Equity:Office:XN-WH:NetAssets       -80000.00 CNY

        2015-03-01 * "买方" "有偿转让 V0101"
          disposal: "sale"
          approval: "咸机管〔2015〕30号"
          appraisal: 60000.00 CNY
          Assets:Office:XN-WH:Vehicles:V0101   -80000.00 CNY
          Assets:Office:XN-WH:Cash              60000.00 CNY
          Equity:Office:XN-WH:NetAssets         20000.00 CNY
        """
    )
    # judged once the program (2015-07-20) and the retention (2015-07-28) are in the
    # books: at an earlier date the office's program is not declared yet (LI-301)
    v = one(check(text, "2015-08-01", expect=["LD-212"]), "LD-212")
    assert v.office == "XN-WH"


# --- LD-213 appraisal-stale ----------------------------------------------------------


@pytest.mark.parametrize(
    ("appraised", "stale"), [("2014-08-20", False), ("2014-08-19", True)]
)
def test_ld213_appraisal_valid_boundary(appraised, stale):
    text = ledger(
        auction(appraisal=f"  appraisal: 120000.00 CNY\n  appraisal-date: {appraised}\n"),
        remit(),
    )
    violations = check(text, "2015-08-25", expect=["LD-213"] if stale else [])
    if not stale:
        return
    v = one(violations, "LD-213")
    assert v.entry.meta["lineno"] == line_of(text, '"拍卖 鄂L12345"')
    assert v.office == "XN-JY-WH"
    assert "已 366 天" in v.message and "2014-08-19" in v.message


def test_transfer_to_the_bare_transfers_account_is_to_a_state_unit():
    """SPEC 5: the importer books a transfer to `Equity:Transfers` when the recipient
    has no account of its own; that is a transfer to a state unit."""
    base = """
2015-01-01 custom "program" "HB-2015" "方案"
  preset: "capital-2015"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  program: "HB-2015"
2015-01-01 open Assets:Office:XN-JY-WH:Buildings:B0001 CNY
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-01 open Equity:Transfers CNY
2015-01-01 open Expenses:Office:XN-JY-WH:Other CNY
2015-01-02 * "期初"
  Assets:Office:XN-JY-WH:Buildings:B0001  2400000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets
2015-08-15 * "无偿划转" "房屋划转"
  disposal: "transfer"
  approval: "咸国资〔2015〕9号"
  recipient: "咸宁市机关事务管理局"
  Assets:Office:XN-JY-WH:Buildings:B0001  -2400000.00 CNY
  {to}                                     2400000.00 CNY
"""
    # the office is undecided and unregistered at 2015-08-20: LO-101, LO-111
    office_rules = ["LO-101", "LO-111"]
    check_text(base.replace("{to}", "Equity:Transfers"), "2015-08-20", expect=office_rules)
    flagged = check_text(
        base.replace("{to}", "Expenses:Office:XN-JY-WH:Other"),
        "2015-08-20",
        expect=[*office_rules, "LD-203"],
    )
    found = only(flagged, "LD-203")
    assert {v.entry.date.isoformat() for v in found} == {"2015-08-15"}
    assert any("Expenses:Office:XN-JY-WH:Other" in v.message for v in found)
