"""``reports.ledger.load``: one reading of the books and one run of every rule, at the
command's as-of date, whether or not the ledger declares the plugin; each finding once.

The ledger: 咸宁's office in Wuhan, retained, with a work window of ``staff`` (over 3 is
LO-107) and its 2015 audit on file (a 2016 audit is due by 2017-06-30: LO-108 from
2017-07-01).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from plugins import engine
from reports import ledger as ledger_lib
from tests.test_cli import LEDGER as CLI_LEDGER

# test_cli's ledger, and an audit of 2016 where a test puts one
LEDGER = CLI_LEDGER + "{audit_2016}\n"
AUDIT_2016 = 'custom "audit" "XN-WH" "2016"\n  report: "咸审〔2017〕3号"'

BEFORE = datetime.date(2016, 6, 30)  # no audit due yet
AFTER = datetime.date(2017, 7, 1)  # the 2016 audit overdue: LO-108


def plugin_line(config: str = "") -> str:
    return f'plugin "plugins.rules" "{config}"' if config else 'plugin "plugins.rules"'


def write(tmp_path: Path, plugin: str = "", staff: int = 3, clean: bool = False) -> Path:
    """The ledger; ``clean``: a window of 3 and the 2016 audit on file too."""
    audit = f"2017-03-01 {AUDIT_2016}" if clean else ""
    staff = 3 if clean else staff
    path = tmp_path / "main.beancount"
    path.write_text(
        LEDGER.format(plugin=plugin, staff=staff, audit_2016=audit), encoding="utf-8"
    )
    return path


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[datetime.date]:
    """The as-of date of every run of the rules (``engine.run``), the plugin's included."""
    dates: list[datetime.date] = []
    real = engine.run

    def counted(*args, **kwargs):
        books, found = real(*args, **kwargs)
        dates.append(books.as_of)
        return books, found

    monkeypatch.setattr(engine, "run", counted)
    return dates


def findings(loaded: ledger_lib.Loaded) -> list[tuple[str, int | None, str]]:
    return [(v.code, v.source.get("lineno"), v.message) for v in loaded.violations]


def fresh(path: Path, as_of: datetime.date) -> list[tuple[str, int | None, str]]:
    """What every rule finds at ``as_of``, run afresh on the loaded entries."""
    from beancount import loader

    entries, _, options = loader.load_file(str(path))
    _, found = engine.run(entries, options, None, as_of=as_of)
    return [(v.code, v.source.get("lineno"), v.message) for v in found]


CASES = [
    # (plugin config, --as-of, runs of the rules in the load, as-of of the result)
    pytest.param(None, BEFORE, [BEFORE], id="no-plugin"),
    pytest.param("{'as-of': '2016-06-30'}", None, [BEFORE], id="plugin-its-date"),
    pytest.param("{'as-of': '2016-06-30'}", BEFORE, [BEFORE], id="plugin-same-date"),
    pytest.param("{'as-of': '2016-06-30'}", AFTER, [BEFORE, AFTER], id="plugin-later"),
    pytest.param("{'as-of': '2017-07-01'}", BEFORE, [AFTER, BEFORE], id="plugin-earlier"),
    pytest.param(
        "{'as-of': '2016-06-30', 'disable': ['LO-107', 'LO-108']}",
        None,
        [BEFORE, BEFORE],
        id="plugin-hides-rules",
    ),
]


@pytest.mark.parametrize(("config", "as_of", "expected_runs"), CASES)
def test_each_rule_runs_once_at_the_commands_date(
    tmp_path, runs, config, as_of, expected_runs
):
    plugin = "" if config is None else plugin_line(config)
    path = write(tmp_path, plugin, staff=4)
    loaded = ledger_lib.load(path, as_of)
    assert runs == expected_runs
    judged = as_of or BEFORE
    assert loaded.as_of == loaded.books.as_of == judged
    # every finding once, none lost: exactly what the rules find afresh at that date
    assert findings(loaded) == fresh(path, judged)
    codes = [code for code, _, _ in findings(loaded)]
    assert codes.count("LO-107") == 1
    assert ("LO-108" in codes) is (judged >= AFTER)
    assert loaded.beancount_errors == []


@pytest.mark.parametrize(("config", "as_of", "expected_runs"), CASES)
def test_a_clean_ledger_stays_clean_on_every_path(
    tmp_path, runs, config, as_of, expected_runs
):
    plugin = "" if config is None else plugin_line(config)
    loaded = ledger_lib.load(write(tmp_path, plugin, clean=True), as_of)
    assert runs == expected_runs
    assert loaded.as_of == (as_of or BEFORE)
    assert findings(loaded) == [], findings(loaded)
    assert loaded.beancount_errors == []


def test_the_plugins_run_is_the_books_the_reports_read(tmp_path, runs):
    """No second reading: the books are the plugin's, at the plugin's date."""
    path = write(tmp_path, plugin_line("{'as-of': '2016-06-30'}"), staff=4)
    with engine.plugin_runs() as seen:
        loaded = ledger_lib.load(path)
    assert len(seen) == 0  # the load's own block, not the caller's, holds the run
    assert runs == [BEFORE]
    assert "XN-WH" in loaded.books.offices


def test_a_plugin_named_twice_still_counts_each_finding_once(tmp_path, runs):
    line = plugin_line("{'as-of': '2016-06-30'}")
    path = write(tmp_path, f"{line}\n{line}", staff=4)
    loaded = ledger_lib.load(path)
    assert runs == [BEFORE, BEFORE, BEFORE]  # Beancount runs each line; then the load
    assert [code for code, _, _ in findings(loaded)] == ["LO-107"]
    assert loaded.beancount_errors == []


def test_a_bad_plugin_config_is_reported_once(tmp_path, runs):
    path = write(tmp_path, plugin_line("{'colour': 'red', 'as-of': '2016-06-30'}"))
    loaded = ledger_lib.load(path)
    assert runs == [BEFORE]
    [error] = loaded.violations
    assert error.code == "LI-302" and "未知的键 'colour'" in error.message


def test_plugin_runs_holds_the_runs_of_its_block_only(tmp_path):
    from beancount import loader

    path = write(tmp_path, plugin_line("{'as-of': '2016-06-30'}"), staff=4)
    with engine.plugin_runs() as seen:
        loader.load_file(str(path))
    [run] = seen
    assert [v.code for v in run.violations] == ["LO-107"]
    assert engine._plugin_runs.get() is None
