"""Shared fixtures: the test's docstring is the ledger (Fava's ``load_doc`` idea)."""

from __future__ import annotations

import datetime
import os
import textwrap
from typing import Any

import pytest
from beancount import loader

from plugins import engine
from plugins.catalogue import PolicyViolation

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

HEADER = """
option "operating_currency" "CNY"
"""


def load_text(text: str) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """Load a ledger from text, without plugins other than those it declares."""
    return loader.load_string(textwrap.dedent(HEADER + textwrap.dedent(text)))


def check_text(
    text: str, as_of: str | datetime.date | None = None, config: Any = None
) -> list[PolicyViolation]:
    """Run every rule on a ledger given as text; fail on Beancount's own errors."""
    entries, errors, options = load_text(text)
    assert not errors, [e.message for e in errors]
    if isinstance(as_of, str):
        as_of = datetime.date.fromisoformat(as_of)
    _, violations = engine.run(entries, options, config, as_of=as_of)
    return violations


@pytest.fixture
def load_doc(request: pytest.FixtureRequest) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """The entries, errors and options of the ledger in the test's docstring."""
    return load_text(request.function.__doc__ or "")


@pytest.fixture
def check_doc(request: pytest.FixtureRequest):
    """A function running every rule on the docstring ledger at an as-of date."""

    def run(as_of: str | datetime.date | None = None, config: Any = None):
        return check_text(request.function.__doc__ or "", as_of, config)

    return run


def codes(violations: list[PolicyViolation]) -> list[str]:
    return [v.code for v in violations]


def only(violations: list[PolicyViolation], code: str) -> list[PolicyViolation]:
    return [v for v in violations if v.code == code]
