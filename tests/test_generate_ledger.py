"""The benchmark generator writes ledgers that load cleanly and break no rule."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from reports import ledger as ledger_lib

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate_ledger.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_ledger", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


generate_ledger = _generator()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> ledger_lib.Loaded:
    path = tmp_path_factory.mktemp("gen") / "five.beancount"
    assert generate_ledger.main(["--offices", "5", "--out", str(path)]) == 0
    return ledger_lib.load(path)


def test_small_ledger_has_no_beancount_errors(small: ledger_lib.Loaded) -> None:
    assert small.beancount_errors == [], [e.message for e in small.beancount_errors]


def test_small_ledger_has_no_violations(small: ledger_lib.Loaded) -> None:
    assert small.violations == [], [v.message for v in small.violations]


def test_small_ledger_is_judged_where_every_deadline_has_passed(
    small: ledger_lib.Loaded,
) -> None:
    assert small.as_of.isoformat() == generate_ledger.AS_OF


def test_small_ledger_exercises_the_language(small: ledger_lib.Loaded) -> None:
    """Five offices: a retained one, a merged one, abolished ones, both booking forms."""
    books = small.books
    assert len(books.offices) == 5
    actions = {d.action for ds in books.decisions.values() for d in ds}
    assert actions == {"retain", "merge", "abolish"}
    methods = {t.disposal for t in books.txns if t.disposal}
    assert methods == {"transfer", "auction", "sale"}
    accounts = {leg.account for t in books.txns for leg in t.legs}
    assert any(a.endswith(":DueToTreasury") for a in accounts)  # 政府会计制度 form
    assert any(a.startswith("Assets:Treasury:") for a in accounts)  # short form
    assert books.windows and books.audits
    assert any(t.guests for t in books.txns)


def test_same_options_same_bytes() -> None:
    assert generate_ledger.generate(7, seed=3) == generate_ledger.generate(7, seed=3)
    assert generate_ledger.generate(7, seed=3) != generate_ledger.generate(7, seed=4)


def test_without_plugin_line() -> None:
    text = generate_ledger.generate(3, plugin=False)
    assert not re.search(r"^plugin ", text, re.MULTILINE)
    assert re.search(r"^plugin ", generate_ledger.generate(3), re.MULTILINE)
