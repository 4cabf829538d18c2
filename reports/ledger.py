"""Load a ledger for the command line and the reports: entries, books and violations.

The same reading as the plugin (``plugins.engine.run``), with two differences an auditor
needs: every rule runs whether or not the ledger declares the plugin (a ``disable`` in
the ledger's plugin config does not hide anything from the command line), and the as-of
date is the one asked for, not whatever a loader cache froze.
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
        sha256: The SHA-256 of the ledger file's bytes.
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


def load(path: str | os.PathLike[str], as_of: datetime.date | None = None) -> Loaded:
    """Load the ledger at ``path`` and judge it at ``as_of``.

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
    entries, errors, options = loader.load_file(str(path))
    try:
        sha = books_sha256(path, options.get("include") or ())
    except OSError as exc:
        raise LedgerUnreadable(f"{path}：无法读取账本：{exc.strerror or exc}") from exc
    kept = [e for e in errors if not isinstance(e, PolicyViolation)]
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
