"""The 清理规范 page's upload: an inventory register, imported into the books.

``POST <page>/import_register`` (a form: ``file``, the register; ``date``, the booking
date of rows without 登记日期) is answered by :func:`receive`: it refuses a request
another site's page made (403: Fava has no login) and a body over ``MAX_UPLOAD_BYTES``
(413), both before the body is read; checks the extension's config and the form; and
runs ``liaison import inventory`` on the file (:func:`import_inventory`, that is
``importers.pipeline.run``), which appends the new entries to the target file atomically,
skips what the books already hold, and writes nothing when any row is bad. The target is
the config's ``import-into`` (a path relative to the main ledger's folder), else the main
ledger. Fava's own Import page cannot do this: it saves only transactions, balances and
notes, never the ``open`` directives a register is made of.

Fava itself refuses every POST when it runs ``--read-only`` (401): the upload never
reaches here then. The answers' words are the page's (``reports.dashboard_texts``); the
import's own messages are the importer's, in Chinese.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from werkzeug.exceptions import RequestEntityTooLarge

from reports.dashboard_texts import Texts

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The largest upload (the whole request) the page takes: a register of 20 MB is some
100,000 rows; a larger one is imported with ``liaison import``."""

NAME_MAX_BYTES = 255
"""The longest file name a file system takes, in bytes of UTF-8 (a Chinese character is
three): a longer upload's name is shortened to it (:func:`stored_name`)."""

CONFIG_KEYS = frozenset({"import-into"})
"""The keys of the extension's config string."""


@dataclasses.dataclass
class ImportResult:
    """What an upload did: the numbers on success, else every problem."""

    ok: bool
    file: str
    target: str
    rows: int = 0
    new: int = 0
    skipped: int = 0
    entries: int = 0
    message: str = ""
    errors: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    summary: list[str] = dataclasses.field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- the extension's config and the target file --------------------------------------


def config_problems(config: Any, t: Texts | None = None) -> list[str]:
    """What is wrong with the extension's config (shown on the page, and refusing the
    upload): not a dict, an unknown key, an ``import-into`` that is not a path."""
    t = t or Texts()
    if config is None:
        return []
    if not isinstance(config, dict):
        example = "{'import-into': 'registers.beancount'}"
        return [
            t(
                "配置应为字典，例如 {example}：{config}",
                example=example,
                config=repr(config),
            )
        ]
    problems = [
        t(
            "未知配置项 {key}（可用：{keys}）",
            key=repr(key),
            keys=", ".join(sorted(CONFIG_KEYS)),
        )
        for key in config
        if key not in CONFIG_KEYS
    ]
    into = config.get("import-into")
    if into is not None and (not isinstance(into, str) or not into.strip()):
        problems.append(t("'import-into' 应为文件路径：{value}", value=repr(into)))
    return problems


def import_target(config: Any, ledger: Path) -> Path:
    """The file uploads are appended to: the config's ``import-into`` (relative to the
    main ledger's folder, as Fava's ``join_path`` reads it), else the main ledger."""
    into = config.get("import-into") if isinstance(config, dict) else None
    if isinstance(into, str) and into.strip():
        return ledger.parent.joinpath(into.strip()).resolve()
    return ledger.resolve()


def shown_path(path: Path, ledger: Path) -> str:
    """``path`` relative to the main ledger's folder where it lies inside it."""
    try:
        return str(path.relative_to(ledger.resolve().parent))
    except ValueError:
        return str(path)


def included(target: Path, includes: Iterable[str]) -> bool:
    """Whether the books include ``target`` (``includes``: the options' ``include``,
    every file the load read)."""
    return os.path.realpath(target) in {os.path.realpath(f) for f in includes}


# --- the request ---------------------------------------------------------------------


def receive(
    request: Any,
    *,
    ledger: Path,
    config: Any,
    includes: Iterable[str],
    t: Texts | None = None,
) -> tuple[ImportResult, int]:
    """Answer an upload: what it did, and the HTTP status (200, or 400, 403, 413 with
    nothing written).

    Args:
        request: The request (Flask's).
        ledger: The main ledger file.
        config: The extension's config (Fava's ``extension.config``).
        includes: Every file of the books (the options' ``include``).
        t: The page's texts.
    """
    t = t or Texts()
    target = import_target(config, ledger)
    shown_target = shown_path(target, ledger)
    # before the body is read: a page of another site may post to this one (the
    # browser sends the user's Fava its form), and a body is bounded by its size
    refused = refusal(request, t)
    if refused is None:
        # a body of no stated length is cut off by the form parser at the limit
        with contextlib.suppress(AttributeError):  # Flask before 3.1: no setter
            request.max_content_length = MAX_UPLOAD_BYTES
        try:
            upload = request.files.get("file")
            date_text = (request.form.get("date") or "").strip()
        except RequestEntityTooLarge:
            refused = 413, too_large(t)
    if refused is not None:
        status, why = refused
        result = ImportResult(
            ok=False, file="", target=shown_target, message=why, errors=[why]
        )
        return result, status
    name = upload_name(upload.filename if upload is not None else None)
    stored = stored_name(name)
    result = ImportResult(ok=False, file=stored, target=shown_target)
    problems = config_problems(config, t)
    default_date = None
    if upload is None or not name:
        problems.append(t("没有收到文件：请选择资产清查登记表（xlsx 或 csv）"))
    if date_text:
        try:
            default_date = datetime.date.fromisoformat(date_text)
        except ValueError:
            problems.append(t("登记日期应为 YYYY-MM-DD：{text}", text=repr(date_text)))
    if not problems and upload is not None and name:
        with tempfile.TemporaryDirectory(prefix="liaison-upload-") as folder:
            path = Path(folder) / stored
            upload.save(path)
            result = import_inventory(
                path,
                ledger=ledger,
                target=target,
                shown_target=shown_target,
                default_date=default_date,
                t=t,
            )
    else:
        result.errors = problems
        result.message = t("导入失败，未写入任何内容")
    from importers import pipeline

    result.errors = pipeline.listed(result.errors)  # as many as the command prints
    if stored != name:
        result.warnings.insert(
            0, t("文件名超过 {n} 字节，按 {name} 导入", n=NAME_MAX_BYTES, name=stored)
        )
    if result.ok and not included(target, includes):
        result.warnings.append(
            t(
                "{target} 未被账本 include：新条目已写入该文件，但不会出现在 Fava 中",
                target=shown_target,
            )
        )
    return result, 200 if result.ok else 400


def too_large(t: Texts | None = None) -> str:
    return (t or Texts())(
        "upload-too-large",
        mb=f"{MAX_UPLOAD_BYTES / (1024 * 1024):g}",
    )


def refusal(request: Any, t: Texts | None = None) -> tuple[int, str] | None:
    """Why the upload is refused before its body is read: (HTTP status, message).

    403 for a request another site's page made (its ``Origin`` is not this server's,
    or the browser says ``Sec-Fetch-Site: cross-site``): Fava has no login, so any page
    the user opens could post a register to it. A request without ``Origin`` (curl, a
    script, an old browser's same-origin form) is taken. 413 for a body larger than
    ``MAX_UPLOAD_BYTES``, by its ``Content-Length``.
    """
    site = (request.headers.get("Sec-Fetch-Site") or "").strip().lower()
    origin = request.headers.get("Origin")
    if site == "cross-site" or (
        origin is not None and origin_of(origin) != origin_of(request.host_url)
    ):
        return 403, (t or Texts())(
            "upload-cross-site",
            origin=origin or site,
        )
    length = request.content_length
    if length is not None and length > MAX_UPLOAD_BYTES:
        return 413, too_large(t)
    return None


_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int | None]:
    """A URL's origin: scheme, host and port (the scheme's default made explicit)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # not a URL at all ("null", a bad port)
        return ("", url, None)
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme))


def upload_name(filename: str | None) -> str:
    """The uploaded file's own name, without any folder (Chinese names kept)."""
    if not filename:
        return ""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return "" if name in ("", ".", "..") else name


def stored_name(name: str) -> str:
    """``name`` as a file may be named: itself, or if longer than ``NAME_MAX_BYTES`` in
    UTF-8, cut (on a character) and marked ``…`` before its suffix, which the import
    reads the file by (``.xlsx``, ``.csv``)."""
    if len(name.encode("utf-8")) <= NAME_MAX_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 8:
        stem, suffix = name, ""
    else:
        suffix = dot + suffix
    room = NAME_MAX_BYTES - len(f"…{suffix}".encode())
    return stem.encode("utf-8")[:room].decode("utf-8", "ignore") + "…" + suffix


def wants_html(request: Any) -> bool:
    """A plain browser form post (no script) prefers html; fetch and tests, JSON."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


# --- the import ----------------------------------------------------------------------


def import_inventory(
    upload: Path,
    *,
    ledger: Path,
    target: Path,
    shown_target: str,
    default_date: datetime.date | None = None,
    t: Texts | None = None,
) -> ImportResult:
    """Run ``liaison import inventory`` on ``upload`` against ``ledger`` into ``target``.

    The import itself is ``importers.pipeline.run``: it appends atomically, skips what
    the ledger (and the target) already hold, and writes nothing when any row is bad.
    Its messages name the uploaded file by its own name, not the temporary path; they
    are the importer's, in Chinese (``t`` gives the page's own words).
    """
    t = t or Texts()
    from importers import pipeline

    out, err = io.StringIO(), io.StringIO()
    report = pipeline.Report(upload.name, "inventory")
    problems: list[Any] = []
    status = pipeline.run(
        "inventory",
        upload,
        ledger=ledger,
        output=target,
        default_date=default_date,
        stdout=out,
        stderr=err,
        label=upload.name,
        report=report,
        problems=problems,
    )
    shown = upload.name
    lines = [
        line.replace(str(target), shown_target)
        for line in err.getvalue().splitlines()
        if line.strip()
    ]
    result = ImportResult(ok=status == pipeline.EXIT_OK, file=shown, target=shown_target)
    # the page says itself, in its own words, when the target is not in the books
    result.warnings = [
        line for line in lines if ": 提醒：" in line and "没有 include" not in line
    ]
    lines = [line for line in lines if ": 提醒：" not in line]
    if not result.ok:
        result.errors = [str(p) for p in problems] or [
            line for line in lines if not line.startswith("liaison import")
        ]
        result.message = lines[-1] if lines else t("导入失败")
        return result
    result.message = lines[-1] if lines else ""
    result.summary = report.lines()
    stats = report.stats
    result.rows, result.new = stats.rows, stats.new
    result.skipped, result.entries = stats.skipped, stats.entries
    return result
