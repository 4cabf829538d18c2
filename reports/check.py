"""What ``liaison check`` prints: every violation and Beancount error, as text, JSON or
CSV (SPEC section 6).

:func:`rows` makes one row per finding with the fields :data:`FIELDS`; :func:`write`
prints them in the format asked for, and :func:`later_note` the note on stderr when the
books hold entries dated after the as-of date (the rules judge the books as they stood
at the end of that day: those entries are not judged).
"""

from __future__ import annotations

import csv
import datetime
import json
import sys
from collections.abc import Sequence
from typing import Any
from typing import TextIO

from plugins.catalogue import RULES
from reports.ledger import Loaded

FIELDS = (
    "code",
    "name",
    "clause",
    "office",
    "account",
    "date",
    "filename",
    "lineno",
    "message",
)
FORMATS = ("text", "json", "csv")


def rows(loaded: Loaded) -> list[dict[str, Any]]:
    """Every violation and Beancount error as the rows of ``--format json|csv``."""
    found = []
    for error in loaded.beancount_errors:
        source = error.source or {}
        entry = getattr(error, "entry", None)
        found.append(
            {
                "code": "BEANCOUNT",
                "name": type(error).__name__,
                "clause": "",
                "office": None,
                "account": getattr(entry, "account", None),
                "date": _date_of(entry),
                "filename": source.get("filename"),
                "lineno": source.get("lineno"),
                "message": str(error.message).strip(),
            }
        )
    for v in loaded.violations:
        rule = RULES[v.code]
        found.append(
            {
                "code": v.code,
                "name": rule.name,
                "clause": rule.clause,
                "office": v.office,
                "account": v.account,
                "date": _date_of(v.entry),
                "filename": v.source.get("filename"),
                "lineno": v.source.get("lineno"),
                "message": v.message,
            }
        )
    return found


def _date_of(entry: Any) -> str | None:
    date = getattr(entry, "date", None)
    return date.isoformat() if isinstance(date, datetime.date) else None


def later_note(loaded: Loaded) -> str | None:
    """The note that the books hold entries dated after the as-of date, not judged; None
    if they hold none."""
    books = loaded.books
    if not books.later or books.first_later is None:
        return None
    return (
        f"注意：账本中有 {books.later} 条记录晚于截至日期 {loaded.as_of}"
        f"（最早的是 {books.first_later}），未参与判定"
        f"（{books.later} entries dated after the as-of date, the first on "
        f"{books.first_later}, were not judged）"
    )


def write(
    out: TextIO,
    form: str,
    ledger: str,
    loaded: Loaded,
    found: Sequence[dict[str, Any]],
    err: TextIO | None = None,
) -> None:
    """Print ``found`` to ``out`` as ``form`` (one of :data:`FORMATS`), then the note of
    :func:`later_note` to ``err`` (stderr if None) whatever the format.

    JSON names the ledger, its SHA-256 and the as-of date beside the rows, and in
    ``entries_after_as_of`` how many entries are dated after the as-of date and the
    first one's date (0 and null if none): those were not judged. Text gives a line per
    finding (``file:line: message``) and closes with a count by code.
    """
    if form == "json":
        books = loaded.books
        first = books.first_later.isoformat() if books.first_later else None
        json.dump(
            {
                "ledger": ledger,
                "sha256": loaded.sha256,
                "as_of": loaded.as_of.isoformat(),
                "violations": list(found),
                "entries_after_as_of": {"count": books.later, "first_date": first},
            },
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
    elif form == "csv":
        from reports.files import csv_text

        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_text(v) for k, v in row.items()} for row in found)
    else:
        for row in found:
            where = f"{row['filename']}:{row['lineno']}" if row["filename"] else "?"
            out.write(f"{where}: {row['message']}\n")
        counts: dict[str, int] = {}
        for row in found:
            counts[row["code"]] = counts.get(row["code"], 0) + 1
        summary = ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items()))
        out.write(
            f"\n{ledger}（sha256 {loaded.sha256[:12]}…）截至 {loaded.as_of}："
            + (f"{len(found)} 项违规：{summary}\n" if found else "没有违规事项\n")
        )
    note = later_note(loaded)
    if note is not None:  # after the findings, beside the summary on a terminal
        out.flush()
        print(note, file=err if err is not None else sys.stderr)
