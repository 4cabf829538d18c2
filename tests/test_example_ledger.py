"""The bundled example ledger loads cleanly and breaks exactly the rules it says it does.

The planned violations are read from the comment block at the top of
``ledger/main.beancount`` (between ``PLANNED VIOLATIONS`` and ``END PLANNED VIOLATIONS``),
so the comment a user reads and this test cannot drift apart.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from pathlib import Path

import pytest

from reports import ledger as ledger_lib
from reports.queries import disposed_assets
from tests.conftest import assert_findings

MAIN = Path(__file__).resolve().parent.parent / "ledger" / "main.beancount"

_LINE = re.compile(r"^;\s+(L[ODI]-\d{3})\s+([A-Z0-9][A-Z0-9-]*)\s+\S")


def planned() -> list[tuple[str, str]]:
    """The (code, office) pairs listed in the comment block at the top of main.beancount."""
    pairs: list[tuple[str, str]] = []
    inside = False
    for line in MAIN.read_text(encoding="utf-8").splitlines():
        if not line.startswith(";"):
            break  # the block is in the leading comment
        if "END PLANNED VIOLATIONS" in line:
            return pairs
        if "PLANNED VIOLATIONS" in line:
            inside = True
            continue
        if inside:
            match = _LINE.match(line)
            if match:
                pairs.append((match.group(1), match.group(2)))
    raise AssertionError("main.beancount has no complete PLANNED VIOLATIONS block")


@pytest.fixture(scope="module")
def loaded() -> ledger_lib.Loaded:
    return ledger_lib.load(MAIN)


def test_the_comment_block_lists_violations() -> None:
    pairs = planned()
    assert 5 <= len(pairs) <= 8
    assert len(set(pairs)) == len(pairs), "each planned violation once"


def test_no_beancount_errors(loaded: ledger_lib.Loaded) -> None:
    assert loaded.beancount_errors == [], [e.message for e in loaded.beancount_errors]


def test_judged_at_the_ledgers_fixed_date(loaded: ledger_lib.Loaded) -> None:
    assert loaded.as_of.isoformat() == "2016-12-31"


def test_exactly_the_planned_violations(loaded: ledger_lib.Loaded) -> None:
    assert_findings(loaded.violations, {code for code, _ in planned()})
    found = Counter((v.code, v.office) for v in loaded.violations)
    expected = Counter(planned())
    assert found == expected, "\n".join(v.message for v in loaded.violations)
    assert len(loaded.violations) == len(planned())


def test_each_violation_points_into_the_example(loaded: ledger_lib.Loaded) -> None:
    root = MAIN.parent
    for violation in loaded.violations:
        filename = Path(violation.source["filename"])
        assert filename.is_relative_to(root), violation.message
        assert violation.source["lineno"] > 0, violation.message


def test_the_plugin_line_reports_the_same_set() -> None:
    """bean-check and Fava see what `liaison check` sees."""
    from beancount import loader

    _, errors, _ = loader.load_file(str(MAIN))
    assert_findings(errors, {code for code, _ in planned()})  # nothing else, no crash
    assert Counter((v.code, v.office) for v in errors) == Counter(planned())


# --- judged at another date: check and the reports read the same books -----------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # 2015-08-15: only the transfer of 2015-08-14 is in the books (LD-204) and the
        # Beijing office's missing audit; the auctions of 2015-08-20/21 are yet to come
        ("2015-08-15", {"LD-204", "LO-108"}),
        # the window of 2015-09-01 (LO-107) and the reception of 2016-04-22 (LO-110)
        # are not in the books yet
        ("2015-08-31", {"LD-202", "LD-204", "LD-213", "LO-108"}),
        ("2016-04-21", {"LD-202", "LD-204", "LD-213", "LO-107", "LO-108"}),
        ("2016-04-22", {"LD-202", "LD-204", "LD-213", "LO-107", "LO-108", "LO-110"}),
    ],
)
def test_check_and_the_disposal_report_agree_at_an_earlier_date(
    as_of: str, expected: set[str]
) -> None:
    """`check --as-of D` judges the books the reports read at D: no finding is on an
    entry dated after D, and every disposal a finding is about is a row of the disposal
    report at D."""
    day = datetime.date.fromisoformat(as_of)
    loaded = ledger_lib.load(MAIN, day)
    assert_findings(loaded.violations, expected)
    late = [v.message for v in loaded.violations if getattr(v.entry, "date", day) > day]
    assert late == []
    listed = {id(item.txn.entry) for item in disposed_assets(loaded.books)}
    about_disposals = [
        v for v in loaded.violations if "disposal" in (getattr(v.entry, "meta", None) or {})
    ]
    assert about_disposals, "the example's disposal findings"
    assert all(id(v.entry) in listed for v in about_disposals)
    assert loaded.books.later > 0
