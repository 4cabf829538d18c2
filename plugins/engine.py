"""Runs the rule families on one reading of the ledger; shared by plugin, CLI and reports.

``run(entries, options_map, config)`` returns the books and the violations, sorted by
date and code. The plugin (``plugins.rules.check``), ``liaison check`` and the reports all
come through here, so they see the same set. ``FINDERS`` is every rule's finder by code,
from the rule families (``plugins.offices``, ``plugins.disposals``).
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import dataclasses
import datetime
import logging
import threading
import traceback
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from beancount.core import data

from plugins import disposals
from plugins import model
from plugins import offices
from plugins import reader
from plugins import settings as settings_lib
from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation
from plugins.catalogue import violation

log = logging.getLogger(__name__)

Finder = Callable[[model.Books], Iterable[PolicyViolation]]

PLUGIN_NAME = "plugins.rules"
"""The module a ledger's ``plugin`` line names to turn every rule on."""

CONFIG_KEYS = frozenset({"disable", "only", "as-of"}) | settings_lib.SETTING_KEYS


FINDERS: dict[str, Finder] = {**offices.FINDERS, **disposals.FINDERS}
"""Every rule's find function, by code; the reader itself raises LI-301 and LI-302."""


class Config:
    """The plugin's config, read from its Python-literal string.

    Attributes:
        disabled: Codes not to run.
        only: If given, the only codes to run.
        as_of: The as-of date, or None for today.
        overrides: Program settings for every program.
        errors: What could not be read, as LI-302 messages.
    """

    def __init__(self) -> None:
        self.disabled: set[str] = set()
        self.only: set[str] | None = None
        self.as_of: datetime.date | None = None
        self.overrides: dict[str, Any] = {}
        self.errors: list[str] = []

    @classmethod
    def parse(cls, text: str | dict[str, Any] | None) -> Config:
        config = cls()
        if text is None or text == "":
            return config
        if isinstance(text, dict):
            raw: Any = text
        else:
            try:
                raw = ast.literal_eval(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
                config.errors.append(f"插件配置不是合法的 Python 字面量：{exc}")
                return config
        if not isinstance(raw, dict):
            config.errors.append(f"插件配置应为字典（dict），实际为 {type(raw).__name__}")
            return config
        for key, value in raw.items():
            if key not in CONFIG_KEYS:
                config.errors.append(
                    f"插件配置中有未知的键 {key!r}，已忽略；可用的键："
                    f"{'、'.join(sorted(CONFIG_KEYS))}"
                )
            elif key in ("disable", "only"):
                codes = config._codes(key, value)
                if key == "disable":
                    config.disabled |= codes
                else:
                    config.only = codes
            elif key == "as-of":
                config.as_of = config._date(value)
            else:
                config.overrides[key] = value
        if config.overrides:
            _, problems = settings_lib.build(settings_lib.DEFAULT_PRESET, config.overrides)
            for bad_key, message in problems:
                config.errors.append(f"插件配置中 {message}；已忽略该设置")
                config.overrides.pop(bad_key, None)
        return config

    def _codes(self, key: str, value: Any) -> set[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple | set):
            self.errors.append(f"插件配置中的 {key!r} 应为规则代码的列表，如 ['LO-110']")
            return set()
        codes = set()
        for code in value:
            if code in RULES:
                codes.add(code)
            else:
                self.errors.append(f"插件配置中 {key!r} 列出的规则 {code!r} 不存在，已忽略")
        return codes

    def _date(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.errors.append(
            f"插件配置中的 'as-of' 应为日期，如 '2016-12-31'，实际为 {value!r}"
        )
        return None

    def wants(self, code: str) -> bool:
        return code not in self.disabled and (self.only is None or code in self.only)


def run(
    entries: data.Directives,
    options_map: dict[str, Any] | None,
    config: str | dict[str, Any] | Config | None = None,
    *,
    as_of: datetime.date | None = None,
) -> tuple[model.Books, list[PolicyViolation]]:
    """Read the ledger once and run every wanted rule.

    Args:
        entries: Loaded entries.
        options_map: Beancount's options.
        config: The plugin config (string, dict or parsed).
        as_of: Overrides the config's as-of date (the CLI's ``--as-of``); without
            either, today. The books are read up to the end of that day: an entry
            dated after it is not judged (``books.later`` counts them).
    Returns:
        The books and the violations, in date order.
    """
    if not isinstance(config, Config):
        config = Config.parse(config)
    filename = (options_map or {}).get("filename") or "<liaison>"
    errors: list[PolicyViolation] = []
    with reader.no_gc():
        books = reader.read(
            entries, options_map, as_of=as_of or config.as_of, overrides=config.overrides
        )
        errors.extend(books.errors)
        errors.extend(_find(books, config, filename))
    errors = [e for e in errors if config.wants(e.code)]
    if config.errors:
        # never filtered by the config itself: `'only': ['LD-2O2']` (a typo) must not
        # silence the error that says so, and with it every rule
        where = data.new_metadata(filename, _plugin_line(filename))
        errors += [violation("LI-302", None, m, meta=where) for m in config.errors]
    errors.sort(key=_order)
    return books, errors


def _find(books: model.Books, config: Config, filename: str) -> list[PolicyViolation]:
    errors: list[PolicyViolation] = []
    for code, find in FINDERS.items():
        if not config.wants(code):
            continue
        try:
            errors.extend(find(books))
        except Exception:  # a broken rule must not take the others with it
            log.exception("rule %s failed", code)
            errors.append(
                violation(
                    "LI-302",
                    None,
                    f"规则 {code} 无法判定本账本（内部错误，请报告）："
                    f"{traceback.format_exc(limit=1).strip().splitlines()[-1]}",
                    meta=data.new_metadata(filename, 0),
                    internal=True,
                )
            )
    return errors


def _plugin_line(filename: str) -> int:
    """The line of the ``plugin "plugins.rules"`` directive in the main file, else 0.

    Beancount does not keep where a plugin line stands; a config error is worth pointing
    at it, so the file is read once, only when there is such an error.
    """
    try:
        with open(filename, encoding="utf-8", errors="replace") as handle:
            for lineno, line in enumerate(handle, start=1):
                if line.startswith("plugin") and PLUGIN_NAME in line:
                    return lineno
    except OSError:
        pass
    return 0


def _order(error: PolicyViolation) -> tuple[Any, ...]:
    entry_date = getattr(error.entry, "date", None) or datetime.date.min
    return (entry_date, error.code, error.source.get("lineno") or 0, error.message)


def plugin_config(options_map: Mapping[str, Any]) -> str | None:
    """The config string of the ledger's last ``plugin "plugins.rules"`` line, if any."""
    text = None
    for name, config in options_map.get("plugin") or ():
        if name == PLUGIN_NAME:
            text = config
    return text


@dataclasses.dataclass(frozen=True)
class PluginRun:
    """One run of the plugin inside a load: its config, the books it read and what it
    found (the violations it returned to Beancount)."""

    config: Config
    books: model.Books
    violations: list[PolicyViolation]


_plugin_runs: contextvars.ContextVar[list[PluginRun] | None] = contextvars.ContextVar(
    "liaison_plugin_runs", default=None
)


@contextlib.contextmanager
def plugin_runs() -> Iterator[list[PluginRun]]:
    """The plugin's runs inside the block, for a caller that loads the ledger in it.

    ``reports.ledger.load`` loads inside it, so ``liaison check``, ``report`` and
    ``export`` use the plugin's run where it is theirs instead of reading the books and
    running the rules a second time. Outside such a block the plugin keeps nothing, or,
    once ``keep_load_runs`` was called, only the last load of each file, for
    ``load_runs``.
    """
    runs: list[PluginRun] = []
    token = _plugin_runs.set(runs)
    try:
        yield runs
    finally:
        _plugin_runs.reset(token)


_KEPT_FILES = 8
_kept: dict[str, tuple[Mapping[str, Any], list[PluginRun]]] = {}
_kept_lock = threading.Lock()
_keeping = False


def keep_load_runs() -> None:
    """From now on keep, for ``load_runs``, the run of each load made outside
    ``plugin_runs()``: for a process that shows the plugin's run after a load it does
    not make itself (Fava's 清理规范 page: the extension and ``liaison serve`` ask).

    Off otherwise: the books kept outlive the plugin, and every collection for the rest
    of the load walks them (bean-check on a province-sized ledger took 0.85 s longer).
    """
    global _keeping
    _keeping = True


def _keep(options_map: Mapping[str, Any], run: PluginRun) -> None:
    """Keep the run of a load outside ``plugin_runs()``: the last load of each file, of
    the last ``_KEPT_FILES`` files loaded."""
    if options_map is None:
        return
    key = str(options_map.get("filename"))
    with _kept_lock:
        kept = _kept.pop(key, None)
        if kept is not None and kept[0] is options_map:  # the plugin named twice
            kept[1].append(run)
        else:
            kept = (options_map, [run])
        _kept[key] = kept  # the newest last
        while len(_kept) > _KEPT_FILES:
            del _kept[next(iter(_kept))]


def load_runs(options_map: Mapping[str, Any]) -> list[PluginRun]:
    """The plugin's runs in the load that returned ``options_map``, for a caller that
    cannot load inside ``plugin_runs()``: Fava loads the ledger itself, and Beancount
    hands every plugin the very options map the load returns (Fava's
    ``ledger.options``). Only the last load of a file is kept, and only once
    ``keep_load_runs`` was called; none (an empty list) for an older load, a load inside
    ``plugin_runs()``, or a ledger without the plugin."""
    with _kept_lock:
        kept = _kept.get(str(options_map.get("filename")))
        return list(kept[1]) if kept is not None and kept[0] is options_map else []


def run_plugin(
    entries: data.Directives, options_map: dict[str, Any], config: str | None
) -> list[PolicyViolation]:
    """The plugin's body: never raises."""
    try:
        parsed = Config.parse(config)
        books, found = run(entries, options_map, parsed)
        runs = _plugin_runs.get()
        if runs is not None:
            runs.append(PluginRun(parsed, books, found))
        elif _keeping:
            _keep(options_map, PluginRun(parsed, books, found))
        return found
    except Exception:
        log.exception("liaison rules failed")
        filename = (options_map or {}).get("filename") or "<liaison>"
        return [
            violation(
                "LI-302",
                None,
                "驻外机构规则无法读取本账本（内部错误，请报告）："
                f"{traceback.format_exc(limit=1).strip().splitlines()[-1]}",
                meta=data.new_metadata(filename, 0),
                internal=True,
            )
        ]
