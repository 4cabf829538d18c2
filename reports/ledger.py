"""Load a ledger for the command line and the reports: entries, books and violations.

One reading of the books and one run of every rule, at the command's as-of date:

- where the ledger declares ``plugin "plugins.rules"``, the plugin reads the books and
  runs the rules inside Beancount's load (``plugins.engine.plugin_runs`` keeps that run);
  when it ran every rule at the date the command asks for, its books and its findings
  (the ``PolicyViolation`` errors of the load) are the result, and nothing runs again;
- otherwise (no plugin line, a cached load, a plugin that ran at another date or with
  rules disabled) the load's ``PolicyViolation`` errors are dropped and
  ``plugins.engine.run`` reads the books and runs every rule once, with the ledger's
  settings, at that date.

So an auditor sees every rule whether or not the ledger declares the plugin (a
``disable`` in its plugin config hides nothing from the command line), at the as-of
date asked for, not whatever a loader cache froze; and each finding once.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
from pathlib import Path
from typing import Any

from beancount import loader

from plugins import engine
from plugins import model
from plugins.catalogue import PolicyViolation


class LedgerUnreadable(Exception):
    """The ledger file cannot be read at all (missing, a folder, not text)."""


@dataclasses.dataclass
class Loaded:
    """A loaded ledger with its books and every violation at one as-of date.

    Attributes:
        path: The ledger file.
        sha256: The SHA-256 of all the books (``books_sha256``).
        as_of: The date deadline rules were judged at.
        entries: The entries, as Beancount loaded them.
        options: Beancount's options map.
        beancount_errors: Beancount's own errors (syntax, balance, booking, other plugins).
        books: The model every rule and report reads.
        violations: The rules' violations.
    """

    path: Path
    sha256: str
    as_of: datetime.date
    entries: list[Any]
    options: dict[str, Any]
    beancount_errors: list[Any]
    books: model.Books
    violations: list[PolicyViolation]


def books_sha256(main: Path, files: Any) -> str:
    """The SHA-256 of all the books: the main file and every file Beancount loaded for it.

    The digest is the SHA-256 of the lines ``<path>\t<SHA-256 of the file>\n``, one a
    file, sorted by path, each path relative to the main file's folder with ``/`` between
    its parts (``main.beancount``, ``xianning/xn-tc-wh.beancount``): an edit in any file,
    a file added to or dropped from the includes, or a file renamed changes it, and it is
    the same wherever the folder is copied. ``sha256sum`` of each file and the lines above
    recompute it by hand.
    """
    folder = main.resolve().parent
    lines = []
    for name in sorted({os.path.realpath(f) for f in files} | {str(main.resolve())}):
        try:
            relative = Path(name).relative_to(folder).as_posix()
        except ValueError:  # a file outside the books' folder: named as it is
            relative = Path(name).as_posix()
        lines.append(f"{relative}\t{sha256_of(Path(name))}\n")
    return hashlib.sha256("".join(sorted(lines)).encode("utf-8")).hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ledger_config(options: dict[str, Any]) -> engine.Config:
    """The config of the ledger's own ``plugin "plugins.rules"`` line, if any.

    Its settings and as-of date are kept; ``disable`` and ``only`` are dropped, because
    the command line runs every rule.
    """
    parsed = engine.Config.parse(engine.plugin_config(options))
    parsed.disabled = set()
    parsed.only = None
    return parsed


def _plugin_run(
    runs: list[engine.PluginRun],
    found: list[PolicyViolation],
    as_of: datetime.date | None,
) -> engine.PluginRun | None:
    """The plugin's run in this load, if it is the command's: the only one, with every
    rule, at ``as_of`` (None: the ledger's own date, which the plugin used), and its
    findings exactly the load's ``PolicyViolation`` errors."""
    if len(runs) != 1:  # no plugin line, a cached load, or the plugin named twice
        return None
    [run] = runs
    if run.config.disabled or run.config.only is not None:
        return None  # the ledger hides rules from its plugin, not from the command line
    if as_of is not None and as_of != run.books.as_of:
        return None
    if len(found) != len(run.violations) or any(
        a is not b for a, b in zip(found, run.violations, strict=True)
    ):
        return None
    return run


def load(path: str | os.PathLike[str], as_of: datetime.date | None = None) -> Loaded:
    """Load the ledger at ``path`` and judge it at ``as_of``: one reading of the books,
    one run of every rule (the plugin's, where it is the command's; see the module).

    Args:
        path: The main ledger file.
        as_of: The as-of date; else the ledger's plugin config's, else today.
    Raises:
        LedgerUnreadable: if the file is missing or not a readable file.
    """
    path = Path(path)
    if not path.is_file():
        raise LedgerUnreadable(f"{path}：账本文件不存在（no such ledger file）；请检查路径")
    try:
        with open(path, "rb"):  # unreadable is said here, before Beancount reads it
            pass
    except OSError as exc:
        raise LedgerUnreadable(f"{path}：无法读取账本：{exc.strerror or exc}") from exc
    with engine.plugin_runs() as runs:
        entries, errors, options = loader.load_file(str(path))
    try:
        sha = books_sha256(path, options.get("include") or ())
    except OSError as exc:
        raise LedgerUnreadable(f"{path}：无法读取账本：{exc.strerror or exc}") from exc
    found = [e for e in errors if isinstance(e, PolicyViolation)]
    kept = [e for e in errors if not isinstance(e, PolicyViolation)]
    plugin = _plugin_run(runs, found, as_of)
    if plugin is not None:
        books, violations = plugin.books, found
    else:
        config = ledger_config(options)
        books, violations = engine.run(entries, options, config, as_of=as_of)
    return Loaded(
        path=path,
        sha256=sha,
        as_of=books.as_of,
        entries=entries,
        options=options,
        beancount_errors=kept,
        books=books,
        violations=violations,
    )
