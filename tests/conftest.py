"""Shared fixtures: the test's docstring is the ledger (Fava's ``load_doc`` idea).

Every run of the rules here takes the codes the test expects, as Beancount's own
``loader.load_doc(expect_errors=…)`` takes whether errors are expected, and fails on
any other finding: a near miss ("this is not a violation") is a run that expects
nothing, or only what else its ledger breaks, so a rule that crashed (an internal
LI-302) or flags too much turns the test red instead of passing as "not flagged".
"""

from __future__ import annotations

import datetime
import os
import textwrap
from collections.abc import Iterable
from typing import Any

import pytest
from beancount import loader

from plugins import engine
from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

HEADER = """
option "operating_currency" "CNY"
"""


@pytest.fixture(autouse=True)
def _load_runs_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the plugin keeping no load's run (as bean-check and the
    command line run): a Fava extension made in one test turns it on for that test only."""
    monkeypatch.setattr(engine, "_keeping", False)


def load_text(text: str) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """Load a ledger from text, without plugins other than those it declares."""
    return loader.load_string(textwrap.dedent(HEADER + textwrap.dedent(text)))


def assert_findings(violations: Iterable[Any], expect: Iterable[str] | str = ()) -> None:
    """Fail unless the findings are of exactly the codes expected.

    Args:
        violations: What the rules found (or a load's errors).
        expect: The codes the test expects, each found at least once; a finding of any
            other code fails, and so does anything that is not a ``PolicyViolation``
            or is an internal error (a rule that crashed), whatever is expected.
    """
    expected = {expect} if isinstance(expect, str) else set(expect)
    assert expected <= set(RULES), f"not rule codes: {sorted(expected - set(RULES))}"
    found = list(violations)
    broken = [
        f"{type(v).__name__}: {v.message}"
        for v in found
        if not isinstance(v, PolicyViolation) or v.internal
    ]
    assert broken == [], "the rules failed or Beancount complained"
    unexpected = [v.message for v in found if v.code not in expected]
    missing = sorted(expected - {v.code for v in found})
    assert (unexpected, missing) == ([], []), "(unexpected findings, codes not found)"


def check_text(
    text: str,
    as_of: str | datetime.date | None = None,
    config: Any = None,
    *,
    expect: Iterable[str] | str = (),
) -> list[PolicyViolation]:
    """Run every rule on a ledger given as text and return the findings.

    Fails on Beancount's own errors, and unless the findings are of exactly the codes
    in ``expect`` (see ``assert_findings``): a clean ledger expects nothing.
    """
    entries, errors, options = load_text(text)
    assert not errors, [e.message for e in errors]
    if isinstance(as_of, str):
        as_of = datetime.date.fromisoformat(as_of)
    _, violations = engine.run(entries, options, config, as_of=as_of)
    assert_findings(violations, expect)
    return violations


@pytest.fixture
def load_doc(request: pytest.FixtureRequest) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """The entries, errors and options of the ledger in the test's docstring."""
    return load_text(request.function.__doc__ or "")


@pytest.fixture
def check_doc(request: pytest.FixtureRequest):
    """``check_text`` on the docstring ledger: ``check_doc(as_of, expect=[codes])``."""

    def run(
        as_of: str | datetime.date | None = None,
        config: Any = None,
        *,
        expect: Iterable[str] | str = (),
    ) -> list[PolicyViolation]:
        return check_text(request.function.__doc__ or "", as_of, config, expect=expect)

    return run


def codes(violations: list[PolicyViolation]) -> list[str]:
    return [v.code for v in violations]


def only(violations: list[PolicyViolation], code: str) -> list[PolicyViolation]:
    return [v for v in violations if v.code == code]
