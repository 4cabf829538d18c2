"""No value in any metadata key the rules read, nor any config, makes a rule raise.

A plugin that raises turns into one opaque error and every other rule's result is lost,
so the engine guards each rule; these tests prove the guard is never needed: a rule that
crashes becomes an LI-302 marked ``internal``, which is asserted absent, and every finding
must be a ``PolicyViolation`` of a catalogued code.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest
from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser.grammar import ValueType
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from plugins import engine
from plugins import settings as settings_lib
from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation
from tests.conftest import load_text

BASE = """
2015-01-01 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
  preset: "capital-2015"
  document: "咸政办函〔2015〕58号"
  dispose-by: 2015-08-31
  reception-per-person: 150 CNY
2015-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
  province: "湖北"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
  province: "湖北"
  parent: "XN"
2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
  government: "XN"
  kind: "government"
  host: "武汉"
  host-province: "湖北"
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
  use: "office"
2015-01-01 open Assets:Office:XN-JY-WH:Buildings:B0001 CNY
  asset-id: "JY-B-0001"
  name: "办公楼"
  office: "XN-JY-WH"
  category: "Buildings"
2015-01-01 open Assets:Office:XN-JY-WH:Enterprises:E1 CNY
2015-01-01 open Assets:Office:XN-JY-WH:Receivables CNY
2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
2015-01-01 open Assets:Office:XN-WH:Cash CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:DueToTreasury CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:Payables CNY
2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
2015-01-01 open Expenses:Office:XN-WH:Reception CNY
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-01 open Equity:Transfers:XN-JGSW CNY
2015-01-01 open Assets:Treasury:XN CNY
2015-01-01 open Income:Office:XN-JY-WH:Other CNY

2015-01-02 * "期初"
  Assets:Office:XN-JY-WH:Vehicles:V0001     150000.00 CNY
  Assets:Office:XN-JY-WH:Buildings:B0001   2400000.00 CNY
  Assets:Office:XN-JY-WH:Enterprises:E1     500000.00 CNY
  Assets:Office:XN-JY-WH:Receivables         20000.00 CNY
  Assets:Office:XN-JY-WH:Cash                50000.00 CNY
  Liabilities:Office:XN-JY-WH:Payables      -10000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets

2015-07-25 custom "registration" "XN-JY-WH"
  staff: 6
  established: 1998-03-01
2015-08-10 custom "decision" "XN-JY-WH" "abolish"
  approval: "咸政办函〔2015〕58号"
2015-08-10 custom "decision" "XN-WH" "retain"
  approval: "鄂政函〔2015〕1号"
  into: "XN-WH"
2016-03-01 custom "audit" "XN-WH" "2015"
  report: "咸审〔2016〕5号"
2015-09-01 custom "window" "XN-WH" "XN-JY"
  staff: 3

2015-08-20 * "咸宁市公共资源交易中心" "拍卖 鄂L12345"
  disposal: "auction"
  approval: "咸机管〔2015〕21号"
  appraisal: 120000.00 CNY
  appraisal-date: 2015-07-28
  price-approval: "咸财〔2015〕3号"
  recipient: "某公司"
  Assets:Office:XN-JY-WH:Vehicles:V0001        -150000.00 CNY
  Expenses:Office:XN-JY-WH:Disposal             150000.00 CNY
  Assets:Office:XN-JY-WH:Cash                   121000.00 CNY
    use: "office"
    approval: "x"
  Liabilities:Office:XN-JY-WH:DueToTreasury    -121000.00 CNY

2015-08-25 * "上缴国库" "拍卖收入上缴"
  approval: "咸财〔2015〕4号"
  Liabilities:Office:XN-JY-WH:DueToTreasury     121000.00 CNY
  Assets:Office:XN-JY-WH:Cash                  -121000.00 CNY

2015-08-15 * "无偿划转" "房屋划转市机关事务管理局"
  disposal: "transfer"
  approval: "咸国资〔2015〕9号"
  recipient: "咸宁市机关事务管理局"
  Assets:Office:XN-JY-WH:Buildings:B0001  -2400000.00 CNY
  Equity:Transfers:XN-JGSW                  2400000.00 CNY

2016-05-12 * "某酒店" "公务接待"
  guests: 8
  Expenses:Office:XN-WH:Reception    960.00 CNY
  Assets:Office:XN-WH:Cash          -960.00 CNY
"""

ENTRIES, ERRORS, OPTIONS = load_text(BASE)

amounts = st.builds(
    Amount,
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.sampled_from(["CNY", "USD"]),
)
values = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "XN",
            "XN-WH",
            "XN-JY-WH",
            "auction",
            "拍卖",
            "transfer",
            "sale",
            "abolish",
            "merge",
            "retain",
            "prefecture",
            "county",
            "aid",
            "department",
            "capital-2015",
            "beijing-2010",
            "Buildings",
            "Cash",
            "reception",
            "经营",
            "2015-08-31",
            "2015-02-30",
            "1e9",
            "-1",
            "NaN",
        ]
    ),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.dates(),
    amounts,
    st.lists(st.text(max_size=4), max_size=3),
)

TRANSACTIONS = [i for i, e in enumerate(ENTRIES) if isinstance(e, data.Transaction)]
ENTRY_KEYS: list[tuple[int, str]] = []
for index, entry in enumerate(ENTRIES):
    for key in entry.meta or {}:
        if key not in ("filename", "lineno") and not key.startswith("__"):
            ENTRY_KEYS.append((index, key))
# keys the rules read that the base ledger leaves out, on every kind of entry
EXTRA_KEYS = sorted(
    settings_lib.SETTING_KEYS
    | {
        "guests",
        "disposal",
        "approval",
        "appraisal",
        "appraisal-date",
        "price-approval",
        "recipient",
        "use",
        "office",
        "category",
        "into",
        "staff",
        "established",
        "preset",
        "level",
        "parent",
        "kind",
        "government",
        "program",
        "host-province",
    }
)


def assert_no_internal_error(entries: list[Any], config: Any = None) -> list[Any]:
    _, violations = engine.run(entries, OPTIONS, config, as_of=datetime.date(2017, 1, 1))
    broken = [v.message for v in violations if v.internal]
    assert not broken, broken
    assert all(isinstance(v, PolicyViolation) and v.code in RULES for v in violations)
    return violations


# What the base ledger breaks at 2017-01-01: every disposal and office rule that judges
# deadlines has something to judge, so a mutation has findings to lose.
BASE_FINDINGS = {
    "LD-205": 1,  # the enterprise, never disposed of
    "LD-206": 1,  # its cash
    "LD-208": 2,  # its receivables and payables
    "LD-210": 7,  # none of its accounts closed
    "LO-101": 1,  # abolished after decide-by
    "LO-102": 1,  # the city office, undecided by decide-by
    "LO-106": 1,  # the enterprise, never delinked
    "LO-111": 1,  # the city office, never registered
}


def test_the_base_ledger_loads_cleanly_and_breaks_what_it_should():
    assert not ERRORS, [e.message for e in ERRORS]
    found = assert_no_internal_error(ENTRIES)
    assert Counter(v.code for v in found) == BASE_FINDINGS


def test_a_crashing_rule_is_caught_here(monkeypatch):
    def broken(books):
        raise ZeroDivisionError("a bug")

    monkeypatch.setitem(engine.FINDERS, "LD-202", broken)
    with pytest.raises(AssertionError, match="LD-202"):
        assert_no_internal_error(ENTRIES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(ENTRIES) - 1),
            st.one_of(
                st.sampled_from([k for _, k in ENTRY_KEYS]), st.sampled_from(EXTRA_KEYS)
            ),
            values,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_random_metadata_never_breaks_a_rule(changes):
    entries = list(ENTRIES)
    for index, key, value in changes:
        entry = entries[index]
        meta = dict(entry.meta)
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
        entries[index] = entry._replace(meta=meta)
    assert_no_internal_error(entries)


@settings(max_examples=150, deadline=None)
@given(
    index=st.sampled_from([i for i, e in enumerate(ENTRIES) if isinstance(e, data.Custom)]),
    args=st.lists(values, max_size=4),
)
def test_random_custom_arguments_never_break_a_rule(index, args):
    entries = list(ENTRIES)
    entries[index] = entries[index]._replace(values=[ValueType(a, type(a)) for a in args])
    assert_no_internal_error(entries)


@settings(max_examples=150, deadline=None)
@given(
    index=st.sampled_from(
        [i for i, e in enumerate(ENTRIES) if isinstance(e, data.Transaction)]
    ),
    posting=st.integers(min_value=0, max_value=6),
    key=st.sampled_from(["use", "approval", "guests", "disposal"]),
    value=values,
)
def test_random_posting_metadata_never_breaks_a_rule(index, posting, key, value):
    entries = list(ENTRIES)
    txn = entries[index]
    postings = list(txn.postings)
    at = posting % len(postings)
    postings[at] = postings[at]._replace(meta={**(postings[at].meta or {}), key: value})
    entries[index] = txn._replace(postings=postings)
    assert_no_internal_error(entries)


config_values = st.one_of(values, st.lists(st.sampled_from(["LO-110", "LD-202", "XX-1"])))


@settings(max_examples=200, deadline=None)
@given(
    config=st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(sorted(engine.CONFIG_KEYS)), st.text(max_size=6)),
            config_values,
            max_size=4,
        ),
        st.text(max_size=30),
    )
)
def test_random_plugin_config_never_raises(config):
    forms = [config] if isinstance(config, str) else [config, repr(config)]
    for form in forms:
        parsed = engine.Config.parse(form)
        assert isinstance(parsed.errors, list)
        assert_no_internal_error(ENTRIES, parsed)
