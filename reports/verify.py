"""``liaison verify FILE LEDGER``: was this report or export drawn from exactly these books?

Every report (xlsx, csv, html) states in its title block the SHA-256 of the books it was
drawn from and its as-of date; every export states them in each table's ``ledger_sha256``
and ``as_of`` columns. ``verify`` reads them back and compares the SHA-256 with the one
of the books now (``reports.ledger.books_sha256``: the main file and every file it
includes).

Exit 0: FILE was drawn from exactly these books. 1: it was not (both digests named).
2: FILE or LEDGER cannot be read, or FILE states no digest.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import re
from pathlib import Path
from typing import IO

from reports.files import AS_OF_LABEL
from reports.files import SHA_LABEL
from reports.ledger import books_sha256

EXIT_SAME = 0
EXIT_DIFFERENT = 1
EXIT_UNREADABLE = 2

_HEX = re.compile(r"[0-9a-f]{64}")
_HTML_ROW = re.compile(r"<tr><th>([^<]*)</th><td>([^<]*)</td></tr>")


class Unreadable(Exception):
    """The file states no digest that can be read, or cannot be read at all."""


@dataclasses.dataclass(frozen=True)
class Stamp:
    """What a report or export says of the books it came from."""

    sha256: str
    as_of: str


def stamp_of(path: Path) -> Stamp:
    """The SHA-256 and as-of date a report or an export states.

    Raises:
        Unreadable: naming why, in Chinese.
    """
    if path.is_dir():
        return _export_stamp(path)
    if not path.is_file():
        raise Unreadable(f"{path}：文件不存在")
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            pairs = _xlsx_pairs(path)
        elif suffix == ".csv":
            pairs = _csv_pairs(path)
        elif suffix in (".html", ".htm"):
            text = path.read_text(encoding="utf-8")
            rows = _HTML_ROW.findall(text)
            pairs = [(html.unescape(a), html.unescape(b)) for a, b in rows]
        else:
            raise Unreadable(
                f"{path}：不是 liaison 的报表（.xlsx、.csv、.html）或导出文件夹"
            )
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise Unreadable(f"{path}：无法读取：{exc}") from exc
    found = dict(pairs)
    sha = (found.get(SHA_LABEL) or "").strip()
    if not _HEX.fullmatch(sha):
        raise Unreadable(f"{path}：表头中没有账本的 SHA-256，不是 liaison 生成的报表")
    return Stamp(sha, (found.get(AS_OF_LABEL) or "").strip())


def _xlsx_pairs(path: Path) -> list[tuple[str, str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a file that is no workbook
        raise Unreadable(f"{path}：无法作为 xlsx 工作簿读取：{exc}") from exc
    try:
        sheet = book.worksheets[0]
        pairs = []
        for row in sheet.iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
            if len(row) == 2 and isinstance(row[0], str):
                pairs.append((row[0], str(row[1] or "")))
        return pairs
    finally:
        book.close()


def _csv_pairs(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = []
        for number, row in enumerate(csv.reader(handle)):
            if number >= 20:
                break
            if len(row) == 2:
                rows.append((row[0], row[1].removeprefix("'")))
        return rows


def _export_stamp(folder: Path) -> Stamp:
    import pyarrow.parquet as pq

    from reports.export import NAMES

    for name in NAMES:
        part = folder / f"{name}.parquet"
        if not part.is_file():
            continue
        try:
            table = pq.read_table(part, columns=["ledger_sha256", "as_of"])
        except Exception as exc:  # pyarrow raises its own kinds on a damaged file
            raise Unreadable(f"{part}：无法读取：{exc}") from exc
        if table.num_rows:
            sha = str(table.column("ledger_sha256")[0].as_py())
            return Stamp(sha, str(table.column("as_of")[0].as_py()))
    raise Unreadable(
        f"{folder}：不是含有数据的 `liaison export` 导出文件夹，读不出账本的 SHA-256"
    )


def run(file: Path, ledger: Path, out: IO[str], err: IO[str]) -> int:
    """``liaison verify``: the exit status; what was found goes to ``out``/``err``."""
    try:
        stamp = stamp_of(file)
    except Unreadable as exc:
        print(f"liaison verify: {exc}", file=err)
        return EXIT_UNREADABLE
    if not ledger.is_file():
        print(f"liaison verify: {ledger}：账本文件不存在", file=err)
        return EXIT_UNREADABLE
    from beancount import loader

    try:
        _, _, options = loader.load_file(str(ledger))
        now = books_sha256(ledger, options.get("include") or ())
    except OSError as exc:
        print(f"liaison verify: {ledger}：无法读取账本：{exc}", file=err)
        return EXIT_UNREADABLE
    as_of = f"，截至 {stamp.as_of}" if stamp.as_of else ""
    if stamp.sha256 == now:
        print(f"{file} 出自这套账本（SHA-256 {now}{as_of}）", file=out)
        return EXIT_SAME
    print(
        f"{file} 不是从这套账本的现状生成的：它写明的 SHA-256 为 {stamp.sha256}{as_of}，"
        f"账本 {ledger} 现在的 SHA-256 为 {now}。账本生成它之后有文件被改动、增删或改名，"
        "或它出自另一套账本；请向报送方索取生成它时的账本",
        file=out,
    )
    return EXIT_DIFFERENT
