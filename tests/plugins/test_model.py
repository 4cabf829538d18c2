"""The one reading of the ledger: roles, balances, settings, classes, FIFO."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from plugins import engine
from plugins import model
from plugins import reader
from plugins import settings as settings_lib
from plugins import vocabulary
from plugins.vocabulary import Category
from plugins.vocabulary import Kind
from tests.conftest import load_text

D = datetime.date


@pytest.mark.parametrize(
    ("name", "kind", "code", "category"),
    [
        ("Assets:Office:XN-WH:Vehicles:V0001", Kind.OFFICE, "XN-WH", Category.VEHICLES),
        ("Assets:Office:XN-WH:Cash", Kind.OFFICE, "XN-WH", Category.CASH),
        ("Assets:Office:XN-WH:Prepaid", Kind.OFFICE, "XN-WH", Category.OTHER_ASSET),
        ("Liabilities:Office:XN-WH:Payables:P1", Kind.OFFICE, "XN-WH", Category.PAYABLES),
        (
            "Liabilities:Office:XN-WH:DueToTreasury",
            Kind.OFFICE,
            "XN-WH",
            Category.DUE_TO_TREASURY,
        ),
        ("Expenses:Office:XN-WH:Reception:Meals", Kind.OFFICE, "XN-WH", Category.RECEPTION),
        ("Expenses:Office:XN-WH:Disposal", Kind.OFFICE, "XN-WH", Category.DISPOSAL_EXPENSE),
        ("Income:Office:XN-WH:Rent", Kind.OFFICE, "XN-WH", Category.INCOME),
        ("Assets:Treasury:XN", Kind.TREASURY, "XN", None),
        ("Assets:State:XN-JGSW:Buildings", Kind.STATE, "XN-JGSW", None),
        ("Equity:Transfers:XN-JGSW", Kind.TRANSFERS, "XN-JGSW", None),
        ("Equity:Transfers", Kind.TRANSFERS, "", None),
    ],
)
def test_account_roles_follow_spec_2_2(name, kind, code, category):
    role = vocabulary.role_from_name(name)
    assert role is not None
    assert (role.kind, role.code, role.category) == (kind, code, category)


@pytest.mark.parametrize("name", ["Assets:Bank", "Expenses:Food:Office", "Assets:Cash"])
def test_accounts_outside_the_scheme_have_no_role(name):
    assert vocabulary.role_from_name(name) is None


def test_open_metadata_overrides_the_name():
    entries, errors, options = load_text(
        """
        2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
        2015-01-01 open Assets:Fixed:Car CNY
          office: "XN-WH"
          category: "Vehicles"
        """
    )
    assert not errors
    books = reader.read(entries, options, as_of=D(2016, 1, 1))
    assert books.role("Assets:Fixed:Car") == vocabulary.Role(
        Kind.OFFICE, "XN-WH", Category.VEHICLES
    )
    assert books.accounts_of("XN-WH") == ["Assets:Fixed:Car"]


def test_history_gives_end_of_day_balances_and_when_it_cleared():
    history = model.History()
    history.add(D(2015, 8, 1), Decimal("100"))
    history.add(D(2015, 8, 1), Decimal("-40"))
    history.add(D(2015, 9, 1), Decimal("-60"))
    assert history.at(D(2015, 7, 31)) == 0
    assert history.at(D(2015, 8, 1)) == Decimal("60")
    assert history.at(D(2015, 8, 31)) == Decimal("60")
    assert history.at(D(2015, 9, 1)) == 0
    assert history.cleared_after(D(2015, 8, 31)) == D(2015, 9, 1)
    assert history.cleared_after(D(2015, 9, 1)) is None
    history.add(D(2015, 10, 1), Decimal("5"))  # a later posting resettles
    assert history.at(D(2015, 12, 31)) == Decimal("5")


def test_fifo_pays_the_oldest_first_and_ignores_payments_before_the_debt():
    owed = [(D(2015, 8, 10), Decimal("100")), (D(2015, 8, 20), Decimal("50"))]
    paid = [
        (D(2015, 8, 1), Decimal("999")),  # before anything was owed: not for it
        (D(2015, 8, 15), Decimal("120")),
        (D(2015, 9, 30), Decimal("30")),
    ]
    assert model.allocate_fifo(owed, paid) == [
        [(D(2015, 8, 15), Decimal("100"))],
        # the 20 left of the 8/15 payment was paid before this was owed: not for it
        [(D(2015, 9, 30), Decimal("30"))],
    ]
    assert model.allocate_fifo(owed, []) == [[], []]


def test_presets_and_overrides():
    s, problems = settings_lib.build("capital-2015")
    assert (s.dispose_by, s.delink_by, s.consolidation) == (
        D(2015, 8, 31),
        D(2015, 10, 20),
        True,
    )
    assert problems == []
    s, problems = settings_lib.build(
        "beijing-2010", {"dispose-by": D(2010, 9, 30), "close-grace": "many"}
    )
    assert s.dispose_by == D(2010, 9, 30)
    assert s.close_grace == 90  # the bad override falls back to the preset
    assert [key for key, _ in problems] == ["close-grace"]


def test_tolerance_below_one_is_a_fraction_above_is_yuan():
    s, _ = settings_lib.build("capital-2015", {"loss-tolerance": Decimal("0.05")})
    assert s.tolerance(Decimal("1000")) == Decimal("50.00")
    s, _ = settings_lib.build("capital-2015", {"loss-tolerance": Decimal("300")})
    assert s.tolerance(Decimal("1000")) == Decimal("300")


LEVELS = """
2010-01-19 custom "program" "BJ-2010" "国办发〔2010〕8号"
  preset: "beijing-2010"
2015-07-20 custom "program" "HB-2015" "咸政办函〔2015〕58号"
  preset: "capital-2015"
2010-01-01 custom "government" "HB" "湖北省人民政府"
  level: "province"
2010-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
2010-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
2010-01-01 custom "office" "HB-BJ" "湖北省人民政府驻北京办事处"
  government: "HB"
  program: "BJ-2010"
2010-01-01 custom "office" "XN-BJ" "咸宁市人民政府驻北京联络处"
  government: "XN"
  program: "BJ-2010"
2010-01-01 custom "office" "XN-JY-BJ" "嘉鱼县人民政府驻北京办事处"
  government: "XN-JY"
  program: "BJ-2010"
2010-01-01 custom "office" "XN-JY-AID" "嘉鱼县对口援助办事处"
  government: "XN-JY"
  kind: "aid"
  program: "BJ-2010"
2010-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
  government: "XN"
  program: "HB-2015"
2010-01-01 custom "office" "XN-CZ-WH" "咸宁市财政局驻武汉办事处"
  government: "XN"
  kind: "department"
  program: "HB-2015"
2010-01-01 custom "office" "XN-JY-AID-WH" "嘉鱼县对口援助驻汉办事处"
  government: "XN-JY"
  kind: "aid"
  program: "HB-2015"
2010-01-01 custom "office" "HB-WH" "湖北省某驻汉机构"
  government: "HB"
  program: "HB-2015"
"""


@pytest.mark.parametrize(
    ("office", "expected"),
    [
        ("HB-BJ", "keep"),  # 2010: province kept without approval
        ("XN-BJ", "approve"),  # 2010: prefecture kept with approval
        ("XN-JY-BJ", "abolish"),  # 2010: county abolished
        ("XN-JY-AID", "abolish"),  # 2010 lists no aid: judged by its county level
        ("XN-WH", "approve"),  # 2015: the city's own office, with approval
        ("XN-CZ-WH", "abolish"),  # department offices, by kind
        ("XN-JY-AID-WH", "approve"),  # 2015: aid offices kept with approval
        ("HB-WH", "approve"),  # 2015 keeps nothing without approval
    ],
)
def test_office_class_by_level_and_kind_under_both_presets(office, expected):
    entries, errors, options = load_text(LEVELS)
    assert not errors
    books = reader.read(entries, options, as_of=D(2016, 1, 1))
    assert books.office_class(office) == expected


def test_unreadable_values_are_li_302_at_their_entry_and_read_as_absent():
    entries, errors, options = load_text(
        """
        2015-01-01 custom "government" "XN" "咸宁市人民政府"
          level: "city"
        2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
          government: "XN"
          kind: 3
        """
    )
    books, violations = engine.run(entries, options, {"as-of": "2016-01-01"})
    bad = [v for v in violations if v.code == "LI-302"]
    assert sorted(v.entry.type for v in bad) == ["government", "office"]
    assert books.governments["XN"].level is None
    assert books.offices["XN-WH"].kind == "government"


def test_config_unknown_keys_bad_codes_and_dates_are_reported_not_raised():
    config = engine.Config.parse(
        "{'disable': ['LO-110', 'XX-1'], 'as-of': '2016-02-30', 'colour': 1}"
    )
    assert config.disabled == {"LO-110"}
    assert config.as_of is None
    assert len(config.errors) == 3
    assert engine.Config.parse("not a literal").errors
    assert engine.Config.parse("[1, 2]").errors


def test_no_gc_pauses_the_collector_and_restores_it():
    import gc

    assert gc.isenabled()
    with reader.no_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with reader.no_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
