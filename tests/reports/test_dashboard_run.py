"""The 清理规范 page shows the run of the rules in Fava's own load, and runs them again
only for another as-of date (``reports.dashboard_run``).

Every path is held against a fresh ``plugins.engine.run`` of the same books at the same
date with the same config: the page shows each of its findings once, none lost, none
twice. ``reader.read`` is counted to see whether the books were read again.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from fava.application import create_app
from fava.core import FavaLedger

from plugins import engine
from plugins import reader
from plugins.catalogue import PolicyViolation
from reports import dashboard
from reports import dashboard_run
from tests.reports.test_dashboard import SMALL
from tests.reports.test_dashboard import Fava
from tests.reports.test_dashboard import write_ledger

PLUGIN_LINE = "    plugin \"plugins.rules\" \"{'as-of': '2015-09-15'}\"\n"
assert PLUGIN_LINE in SMALL
PLUGIN_DATE = datetime.date(2015, 9, 15)
OTHER_DATE = datetime.date(2016, 6, 30)


@pytest.fixture(autouse=True)
def _keeping_load_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in Fava with the extension: the plugin keeps each load's run."""
    monkeypatch.setattr(engine, "_keeping", True)


def test_without_the_page_no_load_keeps_its_run(tmp_path, monkeypatch):
    """bean-check and the command line keep nothing: kept books would outlive the
    plugin and slow every later collection of the load."""
    monkeypatch.setattr(engine, "_keeping", False)
    ledger = FavaLedger(str(small_ledger(tmp_path)))
    assert engine.load_runs(ledger.options) == []
    dashboard.Dashboard(ledger)  # the extension, as Fava makes it after the first load
    assert engine._keeping
    ledger.load_file()
    assert len(engine.load_runs(ledger.options)) == 1


def small_ledger(folder: Path, plugin: str | None = PLUGIN_LINE) -> Path:
    """SMALL with its plugin line as given (None: no plugin line)."""
    return write_ledger(folder, SMALL.replace(PLUGIN_LINE, plugin or ""))


def findings(violations: list[PolicyViolation]) -> list[tuple[Any, ...]]:
    """What a finding says and where, in order: two runs' findings compare equal."""
    return [
        (
            v.code,
            v.message,
            v.source.get("filename"),
            v.source.get("lineno"),
            v.office,
            v.account,
            getattr(v.entry, "date", None),
        )
        for v in violations
    ]


def fresh(ledger: FavaLedger, as_of: datetime.date) -> list[PolicyViolation]:
    """A fresh run of the rules as the page runs them: the ledger's plugin config."""
    config = engine.plugin_config(ledger.options)
    _, violations = engine.run(
        list(ledger.all_entries), dict(ledger.options), config, as_of=as_of
    )
    return violations


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[datetime.date | None]:
    """Every reading of the books from now on (``plugins.reader.read``), by as-of."""
    seen: list[datetime.date | None] = []
    read = reader.read

    def counted(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("as_of"))
        return read(*args, **kwargs)

    monkeypatch.setattr(reader, "read", counted)
    return seen


def test_with_the_plugin_at_its_date_the_page_shows_favas_run_and_reads_nothing(
    tmp_path, reads
):
    ledger = FavaLedger(str(small_ledger(tmp_path)))
    for as_of in (None, PLUGIN_DATE):  # the plugin's date, by default or asked for
        reads.clear()  # Fava's load read the books once, in the plugin
        judged = dashboard_run.judge(
            ledger.all_entries, ledger.options, ledger.load_errors, as_of=as_of
        )
        assert judged.reused
        assert reads == []
        assert judged.books.as_of == PLUGIN_DATE
        # the very findings of Fava's load, each once
        loaded = [e for e in ledger.load_errors if isinstance(e, PolicyViolation)]
        assert judged.violations == loaded
        assert all(a is b for a, b in zip(judged.violations, loaded, strict=True))
        expected = findings(fresh(ledger, PLUGIN_DATE))
        assert [code for code, *_ in expected] == ["LD-205", "LD-206", "LD-206"]
        assert findings(judged.violations) == expected
    assert dashboard_run.judge(
        ledger.all_entries, ledger.options, ledger.load_errors
    ).source == ("config")


def test_with_the_plugin_at_another_date_the_rules_run_once_at_that_date(tmp_path, reads):
    ledger = FavaLedger(str(small_ledger(tmp_path)))
    reads.clear()
    judged = dashboard_run.judge(
        ledger.all_entries, ledger.options, ledger.load_errors, as_of=OTHER_DATE
    )
    assert not judged.reused
    assert reads == [OTHER_DATE]  # one reading, at the date asked for
    assert judged.books.as_of == OTHER_DATE
    assert judged.source == "request"
    expected = findings(fresh(ledger, OTHER_DATE))
    assert findings(judged.violations) == expected
    # not the plugin's findings, nor the plugin's added to the new run's
    assert findings(judged.violations) != findings(fresh(ledger, PLUGIN_DATE))
    loaded = {id(e) for e in ledger.load_errors}
    assert not any(id(v) in loaded for v in judged.violations)


@pytest.mark.parametrize("as_of", [None, PLUGIN_DATE, OTHER_DATE])
def test_without_the_plugin_line_the_page_runs_the_rules_once(tmp_path, reads, as_of):
    ledger = FavaLedger(str(small_ledger(tmp_path, plugin=None)))
    assert not [e for e in ledger.load_errors if isinstance(e, PolicyViolation)]
    reads.clear()
    today = datetime.date(2015, 12, 1)
    judged = dashboard_run.judge(
        ledger.all_entries, ledger.options, ledger.load_errors, as_of=as_of, today=today
    )
    assert not judged.reused
    assert reads == [as_of or today]
    assert judged.source == ("today" if as_of is None else "request")
    expected = findings(fresh(ledger, as_of or today))
    assert expected, "SMALL has findings at each of these dates"
    assert findings(judged.violations) == expected


def test_the_plugins_disable_is_honoured_on_both_paths(tmp_path, reads):
    plugin = (
        "    plugin \"plugins.rules\" \"{'as-of': '2015-09-15', 'disable': ['LD-206']}\"\n"
    )
    ledger = FavaLedger(str(small_ledger(tmp_path, plugin=plugin)))
    reads.clear()
    same = dashboard_run.judge(ledger.all_entries, ledger.options, ledger.load_errors)
    assert same.reused and reads == []
    assert [v.code for v in same.violations] == ["LD-205"]
    assert findings(same.violations) == findings(fresh(ledger, PLUGIN_DATE))
    reads.clear()
    other = dashboard_run.judge(
        ledger.all_entries, ledger.options, ledger.load_errors, as_of=OTHER_DATE
    )
    assert not other.reused and reads == [OTHER_DATE]
    assert "LD-206" not in {v.code for v in other.violations}
    assert findings(other.violations) == findings(fresh(ledger, OTHER_DATE))


def test_a_plugin_that_judged_at_today_is_run_again_on_another_day(tmp_path, reads):
    plugin = '    plugin "plugins.rules"\n'
    ledger = FavaLedger(str(small_ledger(tmp_path, plugin=plugin)))
    reads.clear()
    [run] = engine.load_runs(ledger.options)
    loaded_on = run.books.as_of  # the day Fava loaded the ledger
    same = dashboard_run.judge(
        ledger.all_entries, ledger.options, ledger.load_errors, today=loaded_on
    )
    assert same.reused and same.source == "today" and reads == []
    later = loaded_on + datetime.timedelta(days=1)
    next_day = dashboard_run.judge(
        ledger.all_entries, ledger.options, ledger.load_errors, today=later
    )
    assert not next_day.reused and reads == [later]
    assert findings(next_day.violations) == findings(fresh(ledger, later))


def test_the_plugin_named_twice_the_page_shows_each_finding_once(tmp_path, reads):
    ledger = FavaLedger(str(small_ledger(tmp_path, plugin=PLUGIN_LINE + PLUGIN_LINE)))
    loaded = [e for e in ledger.load_errors if isinstance(e, PolicyViolation)]
    assert len(loaded) == 6  # Fava's Errors page shows each twice
    assert len(engine.load_runs(ledger.options)) == 2
    reads.clear()
    judged = dashboard_run.judge(ledger.all_entries, ledger.options, ledger.load_errors)
    assert not judged.reused and reads == [PLUGIN_DATE]
    assert findings(judged.violations) == findings(fresh(ledger, PLUGIN_DATE))
    assert len(judged.violations) == 3


def test_a_run_kept_for_another_load_is_not_taken(tmp_path, reads):
    path = small_ledger(tmp_path)
    old = FavaLedger(str(path))
    new = FavaLedger(str(path))  # the file loaded again: the older load's run is gone
    assert engine.load_runs(old.options) == []
    assert len(engine.load_runs(new.options)) == 1
    reads.clear()
    judged = dashboard_run.judge(old.all_entries, old.options, old.load_errors)
    assert not judged.reused and reads == [PLUGIN_DATE]
    assert findings(judged.violations) == findings(fresh(old, PLUGIN_DATE))
    # a run whose findings are not the load's errors is not taken either
    assert dashboard_run.plugin_run(new.options, []) is None
    assert dashboard_run.plugin_run(new.options, new.load_errors) is not None


def test_a_load_inside_plugin_runs_is_kept_there_only(tmp_path):
    from beancount import loader

    path = small_ledger(tmp_path)
    with engine.plugin_runs() as runs:
        _, _, options = loader.load_file(str(path))
    assert len(runs) == 1
    assert engine.load_runs(options) == []


# --- through Fava: the page served ---------------------------------------------------


def test_the_page_served_by_fava_reads_the_books_only_for_another_date(tmp_path, reads):
    fava = Fava(small_ledger(tmp_path))
    reads.clear()
    page = fava.page()
    assert reads == []
    assert '<b class="bad">3</b>' in page  # LD-205, LD-206 twice: as the plugin found
    assert page.count('<div class="rule" id="rule-') == 2
    other = fava.page("?as_of=2016-06-30")
    assert reads == [OTHER_DATE]
    fava.page("?as_of=2016-06-30")  # the same date again: the page is kept
    assert reads == [OTHER_DATE]
    ledger = next(iter(fava.client.application.config["LEDGERS"].ledgers_by_slug.values()))
    expected = fresh(ledger, OTHER_DATE)
    assert f'<b class="bad">{len(expected)}</b>' in other
    assert {v.code for v in expected} == set(re.findall(r'id="rule-(L[DOI]-\d+)"', other))


def test_the_page_served_by_fava_without_the_plugin_line_shows_the_rules(tmp_path, reads):
    fava = Fava(small_ledger(tmp_path, plugin=None))
    reads.clear()
    page = fava.page("?as_of=2015-09-15")
    assert reads == [PLUGIN_DATE]
    assert '<b class="bad">3</b>' in page


# --- read-only, as Fava's app answers it ---------------------------------------------


@pytest.mark.parametrize("read_only", [False, True])
def test_read_only_is_what_favas_app_does_with_a_post(tmp_path, read_only):
    app = create_app([small_ledger(tmp_path)], read_only=read_only)
    assert dashboard.refuses_changes(app) is read_only
