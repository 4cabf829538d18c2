"""Whole ledgers made up at random never make a rule crash.

Hypothesis writes ledgers as a bureau might, right or wrong: programs with any preset and
overrides (dates at the calendar's ends included), governments and offices of every
level and kind (some undeclared), decisions, registrations, audits, windows, holdings of
every category with any amount, disposals with any method word, appraisal, approval and
recipient (well or badly typed), remittances and receptions. Each is loaded with the
plugin, as bean-check and Fava load it, and judged as ``liaison check`` judges it.

A crash is what the engine logs when it catches a rule's exception (it then reports an
LI-302 marked ``internal`` so the others' results survive): no such log record and no
such error may appear, every error must be a Beancount error or a ``PolicyViolation`` of
a catalogued code, and ``liaison check`` must answer 0 or 1. The default run makes 300
ledgers; the test marked ``slow`` makes 10,000
(``pytest -m slow tests/plugins/test_fuzz_ledgers.py``).
"""

from __future__ import annotations

import datetime
import logging
import os
from pathlib import Path

import pytest
from beancount import loader
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from plugins import engine
from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation
from reports import cli

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

LEVELS = ["province", "prefecture", "county", "sez", "planned-city", "xpcc", "town"]
KINDS = ["government", "department", "devzone", "aid", "embassy"]
CATEGORIES = ["Land", "Buildings", "Vehicles", "Equipment", "Enterprises", "Cash"]
METHODS = ["auction", "sale", "transfer", "拍卖", "划转", "有偿转让", "gift", ""]
DATES = st.dates(min_value=datetime.date(1901, 1, 1)).map(str) | st.sampled_from(
    ["2010-01-19", "2015-07-20", "2015-08-31", "2016-12-31", "9999-12-31", "1900-01-01"]
)
AMOUNTS = st.decimals(
    min_value=-(10**9), max_value=10**12, places=2, allow_nan=False, allow_infinity=False
)


def _value(draw) -> str:
    """A metadata value of any type the grammar takes."""
    return draw(
        st.one_of(
            AMOUNTS.map(lambda d: f"{d} CNY"),
            DATES,
            st.integers(-5, 10**6).map(str),
            st.text(alphabet="五万元abc〔〕号-=+@ ", max_size=8).map(
                lambda t: '"' + t.replace('"', "") + '"'
            ),
            st.sampled_from(["TRUE", "FALSE", "12", "0.5"]),
        )
    )


@st.composite
def ledgers(draw) -> str:
    lines = ['plugin "plugins.rules"']
    config = draw(st.sampled_from(["", "{'as-of': '2016-12-31'}", "{'only': ['LO-1O1']}"]))
    if config:
        lines[0] += f' "{config}"'
    preset = draw(st.sampled_from(["capital-2015", "beijing-2010", "none"]))
    lines += ['2015-07-20 custom "program" "P" "方案"', f'  preset: "{preset}"']
    for key in draw(
        st.lists(
            st.sampled_from(["dispose-by", "close-grace", "loss-tolerance"]),
            max_size=2,
            unique=True,
        )
    ):
        lines.append(f"  {key}: {_value(draw)}")
    governments = draw(
        st.lists(st.sampled_from(["G1", "G2", "G3"]), min_size=1, max_size=3, unique=True)
    )
    for gov in governments:
        lines += [
            f'2010-01-01 custom "government" "{gov}" "政府{gov}"',
            f'  level: "{draw(st.sampled_from(LEVELS))}"',
        ]
    offices = draw(
        st.lists(
            st.sampled_from(["O1", "O2", "O3", "O4"]), min_size=1, max_size=4, unique=True
        )
    )
    for office in offices:
        gov = draw(st.sampled_from([*governments, "GX"]))
        lines += [
            f'{draw(DATES)} custom "office" "{office}" "办事处{office}"',
            f'  government: "{gov}"',
            f'  kind: "{draw(st.sampled_from(KINDS))}"',
            '  host: "武汉"',
            '  program: "P"',
        ]
        if draw(st.booleans()):
            lines.append(f'{draw(DATES)} custom "registration" "{office}"')
            lines.append(f"  staff: {_value(draw)}")
        if draw(st.booleans()):
            what = draw(st.sampled_from(["retain", "abolish", "merge", "keep"]))
            lines.append(f'{draw(DATES)} custom "decision" "{office}" "{what}"')
            if draw(st.booleans()):
                lines.append(f"  approval: {_value(draw)}")
            if what == "merge":
                lines.append(f'  into: "{draw(st.sampled_from(offices))}"')
        if draw(st.booleans()):
            lines.append(
                f'{draw(DATES)} custom "audit" "{office}" "{draw(st.integers(1990, 2030))}"'
            )
        if draw(st.booleans()):
            lines.append(f'{draw(DATES)} custom "window" "{office}" "G1"')
            lines.append(f"  staff: {_value(draw)}")
        base = f"Assets:Office:{office}"
        lines += [
            f"2000-01-01 open {base}:Cash CNY",
            f"2000-01-01 open Equity:Office:{office}:NetAssets CNY",
            f"2000-01-01 open Expenses:Office:{office}:Disposal CNY",
            f"2000-01-01 open Expenses:Office:{office}:Reception CNY",
            f"2000-01-01 open Liabilities:Office:{office}:DueToTreasury CNY",
        ]
        for n in range(draw(st.integers(0, 3))):
            category = draw(st.sampled_from(CATEGORIES))
            account = f"{base}:{category}:A{n}" if category != "Cash" else f"{base}:Cash"
            if category != "Cash":
                lines += [f"2000-01-01 open {account} CNY", f'  asset-id: "{office}-{n}"']
                if draw(st.booleans()):
                    lines.append(f"  use: {_value(draw)}")
            amount = draw(AMOUNTS)
            lines += [
                '2000-01-02 * "期初"',
                f"  {account}  {amount} CNY",
                f"  Equity:Office:{office}:NetAssets",
            ]
            if draw(st.booleans()):
                method = draw(st.sampled_from(METHODS))
                when = draw(st.sampled_from(["2015-08-20", "2016-03-01", "2010-05-01"]))
                lines.append(f'{when} * "处置"')
                lines.append(f'  disposal: "{method}"')
                for key in draw(
                    st.lists(
                        st.sampled_from(
                            [
                                "approval",
                                "appraisal",
                                "appraisal-date",
                                "recipient",
                                "price-approval",
                            ]
                        ),
                        max_size=3,
                        unique=True,
                    )
                ):
                    lines.append(f"  {key}: {_value(draw)}")
                proceeds = draw(AMOUNTS)
                lines += [
                    f"  {account}  {-amount} CNY",
                    f"  Expenses:Office:{office}:Disposal  {amount} CNY",
                    f"  {base}:Cash  {proceeds} CNY",
                    f"  Liabilities:Office:{office}:DueToTreasury  {-proceeds} CNY",
                ]
        if draw(st.booleans()):
            lines += ['2016-05-12 * "接待"']
            if draw(st.booleans()):
                lines.append(f"  guests: {_value(draw)}")
            lines += [
                f"  Expenses:Office:{office}:Reception  960.00 CNY",
                f"  {base}:Cash  -960.00 CNY",
            ]
    return "\n".join(lines) + "\n"


def _judge(text: str, tmp: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger=engine.log.name):
        entries, errors, options = loader.load_string(text)
        books, found = engine.run(entries, options, None)
        path = tmp / "fuzz.beancount"
        path.write_text(text, encoding="utf-8")
        code = cli.main(["check", str(path), "--format", "json"])
    crashed = [r for r in caplog.records if r.name == engine.log.name]
    assert crashed == [], text
    assert code in (0, 1), text
    for error in [*errors, *found]:
        if isinstance(error, PolicyViolation):
            assert error.code in RULES, text
            assert not error.internal, (error.message, text)
        else:  # Beancount's own errors are named tuples of its own classes
            assert type(error).__module__.startswith("beancount"), (type(error), text)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(ledgers())
def test_random_ledgers_never_crash_a_rule(tmp_path_factory, caplog, text):
    _judge(text, tmp_path_factory.mktemp("fuzz"), caplog)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(ledgers())
def test_ten_thousand_random_ledgers_never_crash_a_rule(tmp_path_factory, caplog, text):
    _judge(text, tmp_path_factory.mktemp("fuzz"), caplog)
