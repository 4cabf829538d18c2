"""LO-101 … LO-111: each rule flags a ledger that breaks it and passes its near miss.

Every ledger is small: 咸宁市 (XN) and its county 嘉鱼县 (XN-JY) under the 2015 plan
(capital-2015), or a province and a prefecture under 国办发〔2010〕8号 (beijing-2010).
"""

from __future__ import annotations

import datetime
import re
import textwrap
from collections.abc import Iterable
from typing import Any

import pytest
from beancount import loader
from beancount.core import data

from plugins import offices
from plugins.catalogue import PolicyViolation
from tests.conftest import HEADER
from tests.conftest import assert_findings
from tests.conftest import check_text
from tests.conftest import only

D = datetime.date

CAPITAL = """
2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
  preset: "capital-2015"
  document: "咸政办函〔2015〕58号"
2015-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
  province: "湖北"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
  province: "湖北"
  parent: "XN"
"""

COUNTY_OFFICE = """
2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  kind: "government"
  host: "武汉"
  host-province: "湖北"
  program: "HB-2015"
2015-07-25 custom "registration" "XN-JY-WH"
  staff: 6
  established: 1998-03-01
"""

CITY_OFFICE = """
2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
  government: "XN"
  kind: "government"
  host: "武汉"
  host-province: "湖北"
  program: "HB-2015"
2015-07-25 custom "registration" "XN-WH"
  staff: 12
  established: 1992-05-01
2015-07-30 custom "decision" "XN-WH" "retain"
  approval: "鄂政办函〔2015〕31号"
"""

BEIJING = """
2010-01-19 custom "program" "BJ-2010" "清理规范驻京办事机构"
  preset: "beijing-2010"
  document: "国办发〔2010〕8号"
2010-01-01 custom "government" "HB" "湖北省人民政府"
  level: "province"
2010-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
  province: "湖北"
  parent: "HB"
2010-01-01 custom "office" "HB-BJ" "湖北省人民政府驻北京办事处"
  government: "HB"
  host: "北京"
  program: "BJ-2010"
2010-03-01 custom "registration" "HB-BJ"
  established: 1980-01-01
"""


def check(
    *parts: str, as_of: str, config: Any = None, expect: Iterable[str] = ()
) -> list[PolicyViolation]:
    """The rules on the parts put together; fails unless exactly ``expect`` is found."""
    ledger = "\n".join(textwrap.dedent(p) for p in parts)
    return check_text(ledger, as_of, config, expect=expect)


def where(v: PolicyViolation) -> tuple[str, Any]:
    """The offending entry, as (what, which): a custom's type and date, an open's
    account, a transaction's narration."""
    entry = v.entry
    if isinstance(entry, data.Custom):
        return entry.type, entry.date
    if isinstance(entry, data.Open):
        return "open", entry.account
    if isinstance(entry, data.Transaction):
        return "txn", entry.narration
    return type(entry).__name__, None


def test_finders_cover_the_family():
    assert sorted(offices.FINDERS) == [f"LO-{n}" for n in range(101, 112)]
    assert all(
        name.startswith("find_") for name in (f.__name__ for f in offices.FINDERS.values())
    )


# --- LO-101 office-must-abolish -----------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "flagged"), [("2015-07-31", False), ("2015-08-01", True)]
)
def test_lo101_county_office_without_decision(as_of, flagged):
    found = check(CAPITAL, COUNTY_OFFICE, as_of=as_of, expect=["LO-101"] if flagged else [])
    if not flagged:
        return
    (v,) = found
    assert v.office == "XN-JY-WH"
    assert where(v) == ("office", D(2015, 1, 1))
    assert v.message.startswith(
        "[LO-101 office-must-abolish] 应撤销机构未撤销：XN-JY-WH 嘉鱼县人民政府驻武汉办事处"
    )
    assert "2015-07-31" in v.message


@pytest.mark.parametrize(
    ("decided", "flagged"), [("2015-07-31", False), ("2015-08-01", True)]
)
def test_lo101_decision_on_the_deadline_day_is_in_time(decided, flagged):
    decision = f"""
    {decided} custom "decision" "XN-JY-WH" "abolish"
      approval: "咸政办函〔2015〕58号"
    """
    expect = ["LO-101"] if flagged else []
    found = check(CAPITAL, COUNTY_OFFICE, decision, as_of="2015-09-01", expect=expect)
    if flagged:
        assert where(found[0]) == ("office", D(2015, 1, 1))
        assert "直到 2015-08-01 才作出撤销决定" in found[0].message


def test_lo101_retained_county_office(check_doc):
    """
    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
      level: "county"
    2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
      government: "XN-JY"
      host: "武汉"
      program: "HB-2015"
    2015-07-28 custom "decision" "XN-JY-WH" "retain"
      approval: "嘉政〔2015〕7号"
    """
    found = only(check_doc("2015-08-01", expect=["LO-101", "LO-111"]), "LO-101")
    assert {where(v) for v in found} == {
        ("decision", D(2015, 7, 28)),  # retained what must go
        ("office", D(2015, 1, 1)),  # and no abolish decision by decide-by
    }
    # before decide-by only the retain decision is wrong
    (v,) = check_doc("2015-07-29", expect=["LO-101"])
    assert where(v) == ("decision", D(2015, 7, 28))
    assert "于 2015-07-28 作出保留决定" in v.message


@pytest.mark.parametrize("action", ["abolish", "merge", "撤销"])
def test_lo101_abolished_or_merged_passes(action):
    decision = f"""
    2015-07-30 custom "decision" "XN-JY-WH" "{action}"
      approval: "咸政办函〔2015〕58号"
      into: "XN-WH"
    """
    check(CAPITAL, COUNTY_OFFICE, CITY_OFFICE, decision, as_of="2016-01-01")


def test_lo101_abolish_then_retain_is_flagged_at_the_retain():
    decisions = """
    2015-07-30 custom "decision" "XN-JY-WH" "abolish"
      approval: "咸政办函〔2015〕58号"
    2015-09-01 custom "decision" "XN-JY-WH" "retain"
    """
    (v,) = check(CAPITAL, COUNTY_OFFICE, decisions, as_of="2015-09-02", expect=["LO-101"])
    assert where(v) == ("decision", D(2015, 9, 1))


def test_lo101_department_office_under_beijing_2010(check_doc):
    """
    2010-01-19 custom "program" "BJ-2010" "清理规范驻京办事机构"
      preset: "beijing-2010"
    2010-01-01 custom "government" "HB" "湖北省人民政府"
      level: "province"
    2010-01-01 custom "office" "HB-JT-BJ" "湖北省交通运输厅驻北京联络处"
      government: "HB"
      kind: "department"
      host: "北京"
      program: "BJ-2010"
    2010-01-01 custom "office" "HB-BJ" "湖北省人民政府驻北京办事处"
      government: "HB"
      host: "北京"
      program: "BJ-2010"
    """
    check_doc("2010-07-19")
    (v,) = only(check_doc("2010-07-20", expect=["LO-101", "LO-111"]), "LO-101")
    assert v.office == "HB-JT-BJ"  # the province's own office is kept without approval
    assert where(v) == ("office", D(2010, 1, 1))
    assert "部门驻外机构" in v.message


DECIDED_AUG_10 = """
2015-08-10 custom "decision" "XN-JY-WH" "abolish"
  approval: "咸政办函〔2015〕58号"
"""


def test_lo101_program_metadata_moves_decide_by():
    late = check(
        CAPITAL, COUNTY_OFFICE, DECIDED_AUG_10, as_of="2015-09-01", expect=["LO-101"]
    )
    assert [where(v) for v in late] == [("office", D(2015, 1, 1))]
    moved = CAPITAL.replace(
        '  document: "咸政办函〔2015〕58号"\n',
        '  document: "咸政办函〔2015〕58号"\n  decide-by: 2015-08-15\n',
    )
    assert "decide-by: 2015-08-15" in moved
    check(moved, COUNTY_OFFICE, DECIDED_AUG_10, as_of="2015-09-01")


def test_lo101_plugin_config_moves_decide_by():
    ledger = (CAPITAL, COUNTY_OFFICE, DECIDED_AUG_10)
    config = {"decide-by": "2015-08-15"}
    check(*ledger, as_of="2015-09-01", config=config)
    # the new deadline is judged like any other: its day is in time, the next is not
    check(CAPITAL, COUNTY_OFFICE, as_of="2015-08-15", config=config)
    undecided = check(
        CAPITAL, COUNTY_OFFICE, as_of="2015-08-16", config=config, expect=["LO-101"]
    )
    assert [v.office for v in undecided] == ["XN-JY-WH"]


# --- LO-102 retention-unapproved ----------------------------------------------------


def test_lo102_retain_without_approval(check_doc):
    """
    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      host: "武汉"
      program: "HB-2015"
    2015-07-30 custom "decision" "XN-WH" "retain"
    """
    (v,) = only(check_doc("2015-08-01", expect=["LO-102", "LO-111"]), "LO-102")
    assert v.office == "XN-WH"
    assert where(v) == ("decision", D(2015, 7, 30))
    assert "未附 `approval:`" in v.message


def test_lo102_retain_with_approval_passes():
    check(CAPITAL, CITY_OFFICE, as_of="2016-01-01")


@pytest.mark.parametrize(
    ("as_of", "flagged"), [("2015-07-31", False), ("2015-08-01", True)]
)
def test_lo102_no_decision_by_decide_by(as_of, flagged):
    undecided = CITY_OFFICE.split("2015-07-30 custom")[0]
    found = check(CAPITAL, undecided, as_of=as_of, expect=["LO-102"] if flagged else [])
    assert [where(v) for v in found] == ([("office", D(2015, 1, 1))] if flagged else [])


def test_lo102_aid_office_needs_approval_under_capital_2015(check_doc):
    """
    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
      level: "county"
    2015-01-01 custom "office" "XN-JY-YZ" "嘉鱼县对口支援工作组驻武汉联络处"
      government: "XN-JY"
      kind: "aid"
      host: "武汉"
      program: "HB-2015"
    2015-07-30 custom "decision" "XN-JY-YZ" "retain"
    """
    # judged by kind, not by its county: no LO-101
    (v,) = only(check_doc("2015-08-01", expect=["LO-102", "LO-111"]), "LO-102")
    assert where(v) == ("decision", D(2015, 7, 30))


def test_lo102_province_office_kept_without_approval_under_beijing_2010():
    retained = """
    2010-05-01 custom "decision" "HB-BJ" "retain"
    """
    check(BEIJING, retained, as_of="2011-01-01")


# --- LO-103 consolidation-required --------------------------------------------------

DEPARTMENT_OFFICE = """
2015-01-01 custom "office" "XN-CZ-WH" "咸宁市财政局驻武汉联络处"
  government: "XN"
  kind: "department"
  host: "武汉"
  host-province: "湖北"
  program: "HB-2015"
"""


def test_lo103_department_office_beside_the_government_office():
    found = check(
        CAPITAL,
        CITY_OFFICE,
        DEPARTMENT_OFFICE,
        as_of="2015-08-01",
        expect=["LO-101", "LO-103", "LO-111"],
    )
    (v,) = only(found, "LO-103")
    assert v.office == "XN-CZ-WH"
    assert where(v) == ("office", D(2015, 1, 1))
    assert "XN-WH 咸宁市人民政府驻武汉办事处" in v.message


def test_lo103_is_judged_after_decide_by_only():
    check(CAPITAL, CITY_OFFICE, DEPARTMENT_OFFICE, as_of="2015-07-31")


def test_lo103_merged_department_office_passes():
    merged = """
    2015-07-30 custom "decision" "XN-CZ-WH" "merge"
      approval: "咸政办函〔2015〕58号"
      into: "XN-WH"
    """
    check(
        CAPITAL,
        CITY_OFFICE,
        DEPARTMENT_OFFICE,
        merged,
        as_of="2015-08-01",
        expect=["LO-111"],
    )


def test_lo103_several_cities_of_one_province(check_doc):
    """
    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      host: "武汉"
      host-province: "湖北"
      program: "HB-2015"
    2015-03-01 custom "office" "XN-YC" "咸宁市人民政府驻宜昌联络处"
      government: "XN"
      host: "宜昌"
      host-province: "湖北"
      program: "HB-2015"
    2015-03-01 custom "office" "XN-CS" "咸宁市人民政府驻长沙联络处"
      government: "XN"
      host: "长沙"
      host-province: "湖南"
      program: "HB-2015"
    """
    found = check_doc("2015-08-01", expect=["LO-102", "LO-103", "LO-111"])
    (v,) = only(found, "LO-103")
    assert v.office == "XN-YC"  # the earliest declared, XN-WH, is the one kept
    assert where(v) == ("office", D(2015, 3, 1))
    assert "宜昌" in v.message and "武汉" in v.message


def test_lo103_county_office_beside_its_city_office():
    found = check(
        CAPITAL, CITY_OFFICE, COUNTY_OFFICE, as_of="2015-08-01", expect=["LO-101", "LO-103"]
    )
    found = only(found, "LO-103")
    assert [(v.office, where(v)) for v in found] == [
        ("XN-JY-WH", ("office", D(2015, 1, 1)))
    ]
    assert "只保留市级机构" in found[0].message
    assert "XN-WH 咸宁市人民政府驻武汉办事处" in found[0].message


def test_lo103_abolished_county_and_aid_office_do_not_count():
    abolished = """
    2015-07-30 custom "decision" "XN-JY-WH" "abolish"
      approval: "咸政办函〔2015〕58号"
    2015-01-01 custom "office" "XN-YZ-WH" "咸宁市对口支援办驻武汉工作组"
      government: "XN"
      kind: "aid"
      host: "武汉"
      host-province: "湖北"
      program: "HB-2015"
    """
    check(
        CAPITAL,
        CITY_OFFICE,
        COUNTY_OFFICE,
        abolished,
        as_of="2015-08-01",
        expect=["LO-102", "LO-111"],  # the aid office's, judged by other rules
    )


def test_lo103_off_under_beijing_2010(check_doc):
    """
    2010-01-19 custom "program" "BJ-2010" "清理规范驻京办事机构"
      preset: "beijing-2010"
    2010-01-01 custom "government" "HB" "湖北省人民政府"
      level: "province"
    2010-01-01 custom "office" "HB-BJ" "湖北省人民政府驻北京办事处"
      government: "HB"
      host: "北京"
      program: "BJ-2010"
    2010-01-01 custom "office" "HB-JT-BJ" "湖北省交通运输厅驻北京联络处"
      government: "HB"
      kind: "department"
      host: "北京"
      program: "BJ-2010"
    """
    check_doc("2011-01-01", expect=["LO-101", "LO-111"])


# --- LO-104 new-office-banned -------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "flagged"), [("2015-07-19", False), ("2015-07-20", True)]
)
def test_lo104_office_declared_on_ban_from(declared, flagged):
    office = f"""
    {declared} custom "office" "XN-XQ-WH" "咸宁高新区驻武汉联络处"
      government: "XN"
      host: "武汉"
      program: "HB-2015"
    """
    found = check(CAPITAL, office, as_of="2015-07-25", expect=["LO-104"] if flagged else [])
    assert [(v.office, where(v)) for v in found] == (
        [("XN-XQ-WH", ("office", D(2015, 7, 20)))] if flagged else []
    )


def test_lo104_established_before_ban_passes(check_doc):
    """
    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-08-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      host: "武汉"
      program: "HB-2015"
    2015-08-01 custom "registration" "XN-WH"
      staff: 12
      established: 1992-05-01
    """
    check_doc("2015-09-01", expect=["LO-102", "LO-111"])


def test_lo104_first_account_before_ban_passes(check_doc):
    """
    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-08-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      host: "武汉"
      program: "HB-2015"
    2015-01-01 open Assets:Office:XN-WH:Cash CNY
    """
    check_doc("2015-09-01", expect=["LO-102", "LO-111"])


def test_lo104_new_office_under_beijing_2010(check_doc):
    """
    2010-01-19 custom "program" "BJ-2010" "清理规范驻京办事机构"
      preset: "beijing-2010"
    2010-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2011-03-01 custom "office" "XN-BJ" "咸宁市人民政府驻北京联络处"
      government: "XN"
      host: "北京"
      program: "BJ-2010"
    2011-03-01 open Assets:Office:XN-BJ:Cash CNY
    """
    (v,) = only(check_doc("2011-04-01", expect=["LO-102", "LO-104", "LO-111"]), "LO-104")
    assert where(v) == ("office", D(2011, 3, 1))
    assert "2010-01-19" in v.message


# --- LO-105 funding-banned-office ---------------------------------------------------

FUNDED = """
2015-01-01 open Assets:Treasury:XN-JY CNY
2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:Payables CNY
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-02 * "嘉鱼县财政局" "期初"
  Assets:Treasury:XN-JY              900000.00 CNY
  Liabilities:Office:XN-JY-WH:Payables  -30000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets  -870000.00 CNY
2015-07-30 custom "decision" "XN-JY-WH" "abolish"
  approval: "咸政办函〔2015〕58号"
"""


@pytest.mark.parametrize(
    ("paid", "flagged"), [("2015-07-29", False), ("2015-07-30", True), ("2015-08-20", True)]
)
def test_lo105_treasury_funds_abolished_office(paid, flagged):
    payment = f"""
    {paid} * "嘉鱼县财政局" "拨付经费"
      Assets:Treasury:XN-JY            -50000.00 CNY
      Assets:Office:XN-JY-WH:Cash       50000.00 CNY
    """
    # the cash and the payables are still held at dispose-by: LD-206, LD-208
    expect = ["LD-206", "LD-208", *(["LO-105"] if flagged else [])]
    found = check(
        CAPITAL, COUNTY_OFFICE, FUNDED, payment, as_of="2015-09-01", expect=expect
    )
    found = only(found, "LO-105")
    assert [(v.office, where(v)) for v in found] == (
        [("XN-JY-WH", ("txn", "拨付经费"))] if flagged else []
    )
    if flagged:
        assert "50,000.00 CNY" in found[0].message
        assert "Assets:Treasury:XN-JY" in found[0].message


def test_lo105_dispatcher_paying_the_debt_directly_passes():
    settled = """
    2015-08-20 * "嘉鱼县财政局" "直接支付驻汉办欠款"
      Assets:Treasury:XN-JY                    -30000.00 CNY
      Liabilities:Office:XN-JY-WH:Payables      30000.00 CNY
    """
    check(CAPITAL, COUNTY_OFFICE, FUNDED, settled, as_of="2015-09-01")


def test_lo105_undeclared_office(check_doc):
    """
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 open Assets:Treasury:XN CNY
    2015-01-01 open Assets:Office:XN-HK-WH:Cash CNY
    2015-03-01 * "咸宁市财政局" "拨付经费"
      Assets:Treasury:XN               -8000.00 CNY
      Assets:Office:XN-HK-WH:Cash       8000.00 CNY
    """
    (v,) = only(check_doc("2015-09-01", expect=["LI-301", "LO-105"]), "LO-105")
    assert v.office == "XN-HK-WH"
    assert where(v) == ("txn", "拨付经费")
    assert "未声明" in v.message


# --- LO-106 enterprise-not-delinked -------------------------------------------------

HOTEL = """
2015-01-01 open Assets:Office:XN-WH:Enterprises:H001 CNY
  asset-id: "XN-E-001"
  name: "咸宁大厦"
2015-01-01 open Assets:State:XN-GZW CNY
2015-01-01 open Equity:Office:XN-WH:NetAssets CNY
2015-01-02 * "咸宁市机关事务管理局" "期初登记"
  Assets:Office:XN-WH:Enterprises:H001    5000000.00 CNY
  Equity:Office:XN-WH:NetAssets          -5000000.00 CNY
"""


def delinked(on: str) -> str:
    return f"""
    {on} * "咸宁市国资委" "咸宁大厦划转市国资委"
      disposal: "transfer"
      approval: "咸国资〔2015〕19号"
      recipient: "咸宁市国资委"
      Assets:Office:XN-WH:Enterprises:H001   -5000000.00 CNY
      Assets:State:XN-GZW                     5000000.00 CNY
    """


@pytest.mark.parametrize(("on", "flagged"), [("2015-10-20", False), ("2015-10-21", True)])
def test_lo106_delinked_on_the_deadline_day_or_late(on, flagged):
    expect = ["LO-106"] if flagged else []
    found = check(
        CAPITAL, CITY_OFFICE, HOTEL, delinked(on), as_of="2016-01-01", expect=expect
    )
    if not flagged:
        return
    (v,) = found
    assert (v.office, v.account) == ("XN-WH", "Assets:Office:XN-WH:Enterprises:H001")
    assert where(v) == ("open", "Assets:Office:XN-WH:Enterprises:H001")
    assert "直到 2015-10-21 才脱钩" in v.message


@pytest.mark.parametrize(
    ("as_of", "flagged"), [("2015-10-20", False), ("2015-10-21", True)]
)
def test_lo106_still_held(as_of, flagged):
    found = check(
        CAPITAL, CITY_OFFICE, HOTEL, as_of=as_of, expect=["LO-106"] if flagged else []
    )
    assert [where(v) for v in found] == (
        [("open", "Assets:Office:XN-WH:Enterprises:H001")] if flagged else []
    )
    if flagged:
        assert "截至 2015-10-21 仍持有 5,000,000.00 CNY" in found[0].message


def test_lo106_plugin_config_moves_delink_by():
    config = {"delink-by": "2015-12-31"}
    check(
        CAPITAL,
        CITY_OFFICE,
        HOTEL,
        delinked("2015-10-21"),
        as_of="2016-01-01",
        config=config,
    )


# --- LO-107 window-overstaffed ------------------------------------------------------


@pytest.mark.parametrize(("staff", "flagged"), [(3, False), (4, True)])
def test_lo107_window_of_three_or_four(staff, flagged):
    window = f"""
    2015-09-01 custom "window" "XN-WH" "XN-JY"
      staff: {staff}
    """
    expect = ["LO-107"] if flagged else []
    found = check(CAPITAL, CITY_OFFICE, window, as_of="2015-09-01", expect=expect)
    assert [(v.office, where(v)) for v in found] == (
        [("XN-WH", ("window", D(2015, 9, 1)))] if flagged else []
    )
    if flagged:
        assert "XN-JY 嘉鱼县人民政府" in found[0].message
        assert "工作人员 4 人" in found[0].message


# --- LO-108 audit-missing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "years"),
    [("2011-06-29", []), ("2011-06-30", [2010]), ("2012-07-01", [2010, 2011])],
)
def test_lo108_province_office_kept_without_decision(as_of, years):
    found = check(BEIJING, as_of=as_of, expect=["LO-108"] if years else [])
    assert [v.office for v in found] == ["HB-BJ"] * len(years)
    assert all(where(v) == ("office", D(2010, 1, 1)) for v in found)
    assert [int(re.search(r"缺少 (\d{4}) 年度审计", v.message)[1]) for v in found] == years


def test_lo108_audited_years_pass():
    audits = """
    2011-03-01 custom "audit" "HB-BJ" "2010"
      report: "鄂审〔2011〕3号"
    2012-03-01 custom "audit" "HB-BJ" "2011"
      report: "鄂审〔2012〕4号"
    """
    check(BEIJING, audits, as_of="2012-07-01")


def test_lo108_retained_city_office_under_capital_2015():
    # retained on 2015-07-30: 2015 falls due on 2016-06-28 (2016 is a leap year)
    check(CAPITAL, CITY_OFFICE, as_of="2016-06-28")
    (v,) = check(CAPITAL, CITY_OFFICE, as_of="2016-06-29", expect=["LO-108"])
    assert v.office == "XN-WH"
    assert where(v) == ("decision", D(2015, 7, 30))
    assert "2015" in v.message
    audit = """
    2016-03-01 custom "audit" "XN-WH" "2015"
      report: "咸审〔2016〕5号"
    """
    check(CAPITAL, CITY_OFFICE, audit, as_of="2016-06-29")


def test_lo108_abolished_office_needs_no_audit():
    abolished = """
    2010-05-01 custom "decision" "HB-BJ" "abolish"
    """
    check(BEIJING, abolished, as_of="2013-01-01")


# --- LO-109 venue-purchase-banned ---------------------------------------------------

VENUE = """
2015-01-01 open Assets:Office:XN-WH:Cash CNY
2015-01-01 open Equity:Office:XN-WH:NetAssets CNY
2015-01-01 open Assets:Office:XN-WH:Buildings:B0002 CNY
  asset-id: "XN-B-0002"
  name: "武昌接待楼"
  use: "接待"
2015-01-02 * "咸宁市驻汉办" "期初"
  Assets:Office:XN-WH:Cash                3000000.00 CNY
  Equity:Office:XN-WH:NetAssets          -3000000.00 CNY
"""


@pytest.mark.parametrize(
    ("bought", "flagged"), [("2015-07-19", False), ("2015-07-20", True)]
)
def test_lo109_reception_building_bought_on_ban_from(bought, flagged):
    purchase = f"""
    {bought} * "武汉某房地产公司" "购置接待楼"
      Assets:Office:XN-WH:Buildings:B0002     2000000.00 CNY
      Assets:Office:XN-WH:Cash               -2000000.00 CNY
    """
    expect = ["LO-109"] if flagged else []
    found = check(CAPITAL, CITY_OFFICE, VENUE, purchase, as_of="2015-09-01", expect=expect)
    assert [(v.office, v.account, where(v)) for v in found] == (
        [("XN-WH", "Assets:Office:XN-WH:Buildings:B0002", ("txn", "购置接待楼"))]
        if flagged
        else []
    )
    if flagged:
        assert "账户的 open 指令上注明用途为接待" in found[0].message


def test_lo109_opening_balance_is_not_an_acquisition():
    opening = """
    2015-08-01 * "咸宁市机关事务管理局" "资产清查登记"
      Assets:Office:XN-WH:Buildings:B0002     2000000.00 CNY
      Equity:Office:XN-WH:NetAssets          -2000000.00 CNY
    """
    check(CAPITAL, CITY_OFFICE, VENUE, opening, as_of="2015-09-01")


def test_lo109_use_on_the_posting_wins():
    purchase = """
    2015-08-01 * "武汉某房地产公司" "购置办公用房"
      Assets:Office:XN-WH:Buildings:B0002     2000000.00 CNY
        use: "办公"
      Assets:Office:XN-WH:Cash               -2000000.00 CNY
    """
    check(CAPITAL, CITY_OFFICE, VENUE, purchase, as_of="2015-09-01")
    operating = purchase.replace('"办公"', '"经营"')
    office_use = VENUE.replace('use: "接待"', 'use: "办公"')
    (v,) = check(
        CAPITAL, CITY_OFFICE, office_use, operating, as_of="2015-09-01", expect=["LO-109"]
    )
    assert "分录上注明用途为经营" in v.message


def test_lo109_unreadable_use_on_the_posting_falls_back_to_the_open():
    purchase = """
    2015-08-01 * "武汉某房地产公司" "购置接待楼"
      Assets:Office:XN-WH:Buildings:B0002     2000000.00 CNY
        use: "宴会"
      Assets:Office:XN-WH:Cash               -2000000.00 CNY
    """
    found = check(
        CAPITAL,
        CITY_OFFICE,
        VENUE,
        purchase,
        as_of="2015-09-01",
        expect=["LI-302", "LO-109"],
    )
    assert [where(v) for v in only(found, "LO-109")] == [("txn", "购置接待楼")]
    assert any("宴会" in v.message for v in only(found, "LI-302"))


# --- LO-110 reception-over-standard -------------------------------------------------

RECEPTION = """
2015-01-01 open Assets:Office:XN-WH:Cash CNY
2015-01-01 open Expenses:Office:XN-WH:Reception CNY
"""


def meal(amount: str, guests: str | None = "guests: 8") -> str:
    return f"""
    2016-05-12 * "某酒店" "公务接待"
      {guests or 'note: "无"'}
      Expenses:Office:XN-WH:Reception    {amount} CNY
      Assets:Office:XN-WH:Cash          -{amount} CNY
    """


STANDARD = CAPITAL.replace(
    '  document: "咸政办函〔2015〕58号"\n',
    '  document: "咸政办函〔2015〕58号"\n  reception-per-person: 150 CNY\n',
)


@pytest.mark.parametrize(("amount", "flagged"), [("1200.00", False), ("1200.01", True)])
def test_lo110_at_the_standard_or_one_fen_above(amount, flagged):
    expect = ["LO-110"] if flagged else []
    found = check(
        STANDARD, CITY_OFFICE, RECEPTION, meal(amount), as_of="2016-06-01", expect=expect
    )
    assert [(v.office, where(v)) for v in found] == (
        [("XN-WH", ("txn", "公务接待"))] if flagged else []
    )
    if flagged:
        assert "1,200.00 CNY" in found[0].message and "0.01 CNY" in found[0].message


def test_lo110_no_guests():
    found = check(
        STANDARD,
        CITY_OFFICE,
        RECEPTION,
        meal("100.00", None),
        as_of="2016-06-01",
        expect=["LO-110"],
    )
    assert [where(v) for v in found] == [("txn", "公务接待")]
    assert "没有可读的 `guests:`" in found[0].message


def test_lo110_zero_guests_is_no_guests():
    found = check(
        STANDARD,
        CITY_OFFICE,
        RECEPTION,
        meal("100.00", "guests: 0"),
        as_of="2016-06-01",
        expect=["LO-110"],
    )
    assert [where(v) for v in found] == [("txn", "公务接待")]
    assert "列支接待费 100.00 CNY，但接待人数 `guests:` 为 0" in found[0].message


def test_lo110_without_standard_only_guests_are_checked():
    check(CAPITAL, CITY_OFFICE, RECEPTION, meal("9600.00"), as_of="2016-06-01")
    found = check(
        CAPITAL,
        CITY_OFFICE,
        RECEPTION,
        meal("9600.00", None),
        as_of="2016-06-01",
        expect=["LO-110"],
    )
    assert [where(v) for v in found] == [("txn", "公务接待")]


def test_lo110_plugin_config_sets_the_standard():
    config = {"reception-per-person": "100"}
    ledger = (CAPITAL, CITY_OFFICE, RECEPTION)
    check(*ledger, meal("800.00"), as_of="2016-06-01", config=config)
    found = check(
        *ledger, meal("800.01"), as_of="2016-06-01", config=config, expect=["LO-110"]
    )
    assert [where(v) for v in found] == [("txn", "公务接待")]


def test_lo110_under_beijing_2010_sub_account(check_doc):
    """
    2010-01-19 custom "program" "BJ-2010" "清理规范驻京办事机构"
      preset: "beijing-2010"
      reception-per-person: 200 CNY
    2010-01-01 custom "government" "HB" "湖北省人民政府"
      level: "province"
    2010-01-01 custom "office" "HB-BJ" "湖北省人民政府驻北京办事处"
      government: "HB"
      host: "北京"
      program: "BJ-2010"
    2010-01-01 open Assets:Office:HB-BJ:Cash CNY
    2010-01-01 open Expenses:Office:HB-BJ:Reception:Meals CNY
    2010-01-01 open Expenses:Office:HB-BJ:Reception:Rooms CNY
    2010-06-01 * "北京饭店" "接待省政府考察团"
      guests: 4
      Expenses:Office:HB-BJ:Reception:Meals    500.00 CNY
      Expenses:Office:HB-BJ:Reception:Rooms    400.00 CNY
      Assets:Office:HB-BJ:Cash                -900.00 CNY
    """
    (v,) = check_doc("2010-07-01", expect=["LO-110"])
    assert v.office == "HB-BJ"
    assert "900.00 CNY" in v.message and "800.00 CNY" in v.message


# --- LO-111 registration-missing ----------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "as_of", "flagged"),
    [
        ("2015-07-31", "2015-09-01", False),
        ("2015-08-01", "2015-09-01", True),
        (None, "2015-07-31", False),
        (None, "2015-08-01", True),
    ],
)
def test_lo111_registration_by_register_by(registered, as_of, flagged):
    office = COUNTY_OFFICE.split("2015-07-25 custom")[0]
    registration = (
        f'\n{registered} custom "registration" "XN-JY-WH"\n  staff: 6\n'
        if registered
        else ""
    )
    # not decided either: LO-101 from 2015-08-01
    expect = ["LO-101"] if as_of > "2015-07-31" else []
    if flagged:
        expect.append("LO-111")
    found = check(CAPITAL, office, registration, as_of=as_of, expect=expect)
    found = only(found, "LO-111")
    assert [(v.office, where(v)) for v in found] == (
        [("XN-JY-WH", ("office", D(2015, 1, 1)))] if flagged else []
    )
    if flagged and registered:
        assert "直到 2015-08-01 才登记" in found[0].message


def test_lo111_program_metadata_moves_register_by():
    office = COUNTY_OFFICE.replace("2015-07-25 custom", "2015-08-05 custom")
    check(CAPITAL, office, as_of="2015-09-01", expect=["LO-101", "LO-111"])
    moved = CAPITAL.replace(
        'preset: "capital-2015"', 'preset: "capital-2015"\n  register-by: 2015-08-05'
    )
    check(moved, office, as_of="2015-09-01", expect=["LO-101"])


def test_lo111_office_without_program_is_not_judged(check_doc):
    """
    2015-01-01 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "program" "HN-2015" "另一方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      host: "武汉"
    """
    check_doc("2016-01-01")


# --- through bean-check's loader ----------------------------------------------------


def test_loader_reports_lo107_through_the_plugin_line():
    ledger = (
        HEADER
        + textwrap.dedent(
            """
        plugin "plugins.rules" "{'as-of': '2016-01-01'}"
        """
        )
        + CAPITAL
        + CITY_OFFICE
        + textwrap.dedent(
            """
        2015-09-01 custom "window" "XN-WH" "XN-JY"
          staff: 4
        """
        )
    )
    _, errors, _ = loader.load_string(ledger)
    assert_findings(errors, expect=["LO-107"])
    (found,) = errors
    assert found.message.startswith("[LO-107 window-overstaffed]")
    assert (
        found.source["lineno"]
        == ledger.splitlines().index('2015-09-01 custom "window" "XN-WH" "XN-JY"') + 1
    )
