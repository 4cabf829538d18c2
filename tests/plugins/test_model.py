"""The books' typed model: balances, FIFO, and how a program judges each office."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from plugins import model
from plugins import reader
from tests.conftest import load_text

D = datetime.date


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
