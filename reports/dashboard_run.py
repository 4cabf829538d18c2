"""Which run of the rules the 清理规范 page shows: the one in Fava's own load, where it can.

Where the ledger declares ``plugin "plugins.rules"``, Fava's load has already read the
books and run the rules the plugin's config enables, at its as-of date: the findings are
the load's ``PolicyViolation`` errors (Fava's ``ledger.load_errors``), and the books the
plugin read are kept by ``plugins.engine`` for the load (``engine.load_runs``, found by
the options map Beancount handed the plugin and Fava keeps as ``ledger.options``). The
page shows that run, and nothing is read or run again.

The rules run again, once, with the ledger's plugin config (its ``disable`` and
``only`` honoured, so the page agrees with Fava's Errors page), only when:

- the page is asked for an as-of date (``?as_of=``) other than the plugin's, or the
  plugin judged at "today" and today is another day now;
- the ledger has no plugin line (the page shows the rules all the same), or names it
  twice;
- the run kept is not this load's: its findings are not exactly the load's errors (a
  load older than the last of the file, another file loaded since among many).

Either way every finding is shown once: the plugin's are never added to a new run's.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from plugins import engine
from plugins import model
from plugins.catalogue import PolicyViolation


@dataclasses.dataclass(frozen=True)
class Judged:
    """The books and the violations the page shows, and where they come from.

    Attributes:
        books: The books the rules read, at ``books.as_of``.
        violations: What the rules found, in the engine's order.
        config: The ledger's plugin config (its ``disable`` and ``only`` were honoured).
        source: Where the as-of date comes from: ``request`` (the page's address),
            ``config`` (the plugin config's ``as-of``) or ``today``.
        reused: The plugin's run in the load (True), or a run of the page's own.
    """

    books: model.Books
    violations: list[PolicyViolation]
    config: engine.Config
    source: str
    reused: bool


def plugin_run(
    options: Mapping[str, Any], load_errors: Iterable[Any]
) -> engine.PluginRun | None:
    """The plugin's run in the load that returned ``options`` and ``load_errors``: the
    only one, its findings exactly (the same objects, in order) the load's
    ``PolicyViolation`` errors; else None."""
    runs = engine.load_runs(options)
    if len(runs) != 1:
        return None
    [run] = runs
    found = [e for e in load_errors if isinstance(e, PolicyViolation)]
    if len(found) != len(run.violations) or any(
        a is not b for a, b in zip(found, run.violations, strict=True)
    ):
        return None
    return run


def judge(
    entries: Sequence[Any],
    options: Mapping[str, Any],
    load_errors: Iterable[Any],
    *,
    as_of: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Judged:
    """The run of the rules the page shows at ``as_of`` (see the module).

    Args:
        entries: The loaded entries (Fava's ``all_entries``).
        options: The load's options map (Fava's ``ledger.options``).
        load_errors: The load's errors (Fava's ``ledger.load_errors``).
        as_of: The as-of date the page is asked for; None: the plugin config's, else
            today.
        today: Today (for the tests); None: ``datetime.date.today()``.
    """
    config = engine.Config.parse(engine.plugin_config(options))
    if as_of is not None:
        source = "request"
    elif config.as_of is not None:
        source = "config"
    else:
        source = "today"
    wanted = as_of or config.as_of or today or datetime.date.today()
    run = plugin_run(options, load_errors)
    if run is not None and run.books.as_of == wanted:
        return Judged(run.books, list(run.violations), config, source, reused=True)
    books, violations = engine.run(list(entries), dict(options), config, as_of=wanted)
    return Judged(books, violations, config, source, reused=False)
