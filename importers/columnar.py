"""The columnar path: a clean CSV inventory register imported a block of rows at a time.

The exact path (``rows.typed_rows`` → ``convert.inventory_entries`` → ``convert.render``)
handles every file and reports every problem, but it runs Python for every cell: some
15 µs a row, more than ten times what reading the CSV costs. A register of 100,000
assets is the common case this path is for (issue 3, item 7): its rows are parsed by
Arrow's CSV reader, checked by vectorised regular expressions, and turned into ledger
text column by column; the text is written as the bytes Arrow holds.

It takes only what it can prove the exact path would take *unchanged*, and writes the
same bytes the exact path would:

* the file is UTF-8 (with or without BOM) or GBK/GB18030, by the exact path's rules;
  a cell is quoted whole or not at all (``"1,234.50"``, as Excel writes a cell holding
  a comma; elsewhere CSV dialects part ways), within its line; no carriage return
  except before a newline;
* each cell is already in its final form: office codes and asset ids of ASCII capitals,
  digits and hyphens (the id is its own account leaf), text without surrounding
  whitespace or control characters, a category word as listed, dates as ``2015-07-25``
  (or ``2015/7/25``, ``2015年7月25日``, ``20150725``, with a midnight time or not: what
  Excel writes), amounts as ``120000``, ``120000.5``, ``120000.00`` or ``120,000.00``;
* nothing the exact path would refuse: every office declared, every row with a booking
  date, no account the ledger already opens, no equity account opened after it is
  used, no id twice in the file, rows the ledger holds identical to what it holds.

Anything else makes it *decline*: ``import_inventory`` returns False, having written
only to the stream it was given, and the caller truncates that and runs the exact path
from the start, which reports the problems or handles the unusual cells. The tests
(tests/importers/test_columnar.py) compare the two paths' bytes on many files.
"""

from __future__ import annotations

import codecs
import concurrent.futures
import dataclasses
import datetime
import io
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import IO
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from importers import convert
from importers import rows as rows_lib

BLOCK = 1 << 20
"""Bytes of the file read, decoded and parsed at a time: memory is flat in the rows."""


class Decline(Exception):
    """The file has something only the exact path handles (or reports)."""


# --- What the exact path takes unchanged, as RE2 patterns -----------------------------

_CONTROL = r"\x00-\x1f\x7f-\x9f"  # rows._CONTROL
_SPACE = (  # what str.strip() removes beyond the control characters: Unicode White_Space
    r"\x{20}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
)
TRIMMED = f"^[^{_SPACE}{_CONTROL}](?:[^{_CONTROL}]*[^{_SPACE}{_CONTROL}])?$"
"""Text that ``rows.text`` returns as it is: nothing to strip, no control character."""
CODE = r"^[A-Z0-9][A-Za-z0-9-]*$"
"""An office code as ``rows.code`` returns it (ASCII: nothing to fold)."""
LEAF = r"^[A-Z0-9][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$"
"""An asset id that ``rows.identifier`` returns as it is and that is its own leaf
(``convert._PLAIN_LEAF``)."""
AMOUNT = r"^[0-9]{1,15}(?:\.[0-9]{1,2})?$"
"""``rows._PLAIN_AMOUNT`` in ASCII digits (Python's ``\\d`` takes other digits too)."""
# Dates need no pattern: Arrow casts text to a date only from exactly ``2015-07-25``
# (``rows._ISO``) and only a real day; the years are then checked against 1900-2100.
# Other forms rows.date reads (2015/7/25, 2015年7月25日, …) are rewritten first.

GROUPED = r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?$"
"""``rows._GROUPED`` in ASCII digits, at most two decimals: read without its commas."""

CENTS = r"^(?:0|[1-9][0-9]{0,14})\.[0-9][0-9]$"
"""An amount already written as ``str(Decimal)`` writes it (``rows._CENTS``, no leading
zero): taken as it is."""

MONEY = pa.decimal128(17, 2)
"""15 digits and fen: every ``AMOUNT``, and its text is ``str(Decimal)`` quantized."""


# --- Reading: encoding, lines, blocks -------------------------------------------------


_FIELD = r'(?:"[^"]*(?:""[^"]*)*"|[^",\r\n]*)'
QUOTED_LINE = f"^{_FIELD}(?:,{_FIELD})*\r?$"
"""A line whose every field is unquoted and free of quotes, or quoted whole (``""``
for a quote): where Python's csv module (strict) and Arrow's reader agree on the cells.
Elsewhere they part: Arrow reads ``"a"b`` as ``ab``, which the csv module refuses."""

_GB2312_DIFFERS = ("\u30fb", "\u2015")
"""The two characters the gb2312 codec decodes differently from gb18030 (A1A4, A1AA)."""


def _gb18030(data: bytes) -> tuple[str, int, int]:
    """GB18030 bytes as text, and its non-ASCII and rare characters as
    ``rows.detect_encoding`` counts them (rare: outside GB2312).

    Raises:
        UnicodeDecodeError: The bytes are not GB18030 (the caller declines).
    """
    if data.isascii():
        return data.decode("ascii"), 0, 0
    try:
        text = data.decode("gb2312")
        if not any(c in text for c in _GB2312_DIFFERS):
            # all of it GB2312: no rare character, and every other one two bytes
            return text, len(data) - len(text), 0
    except UnicodeDecodeError:
        pass
    text = data.decode("gb18030")
    wide = len(text) - len(text.encode("ascii", "ignore"))
    return text, wide, text.encode("gb2312", "replace").count(b"?") - text.count("?")


@dataclasses.dataclass
class _Blocks:
    """The file as blocks of whole lines, in its own encoding, by ``detect_encoding``'s
    rules.

    UTF-8 is taken when the first block is UTF-8 (Arrow checks the rest, and a later
    block that is not declines, as the exact path would then read GB18030); otherwise
    GB18030, which the blocks' converters decode a column at a time (``_gb18030``): the
    columns of ASCII (codes, ids, dates, amounts) need no decoding.
    """

    path: Path
    progress: Callable[[float], None] | None = None
    encoding: str = ""

    def __iter__(self) -> Any:
        """The blocks; the last without the blank lines that end the file (Excel writes
        ``,,,,`` for rows it formatted and left empty), which the exact path ignores.

        Each block is yielded once the next is read, so the last is known as the last
        and holds the file's final line too, whether or not a newline ends it.
        """
        size = self.path.stat().st_size or 1
        done = 0
        with open(self.path, "rb") as handle:
            rest = b""
            held: bytes | None = None
            first = True
            while True:
                block = handle.read(BLOCK)
                done += len(block)
                data = rest + block
                if not block:  # the end: data is the final line, if it has no newline
                    tail = self._check(data, first) if data else b""
                    last = (held or b"") + tail
                    if last:
                        yield _without_blank_tail(last)
                    break
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    rest = data  # a line longer than a block: read on
                    continue
                rest = data[cut:]
                if held is not None:
                    yield held
                held = self._check(data[:cut], first)
                first = False
                if self.progress is not None:
                    self.progress(done / size)

    def _check(self, data: bytes, first: bool) -> bytes:
        if first:
            if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise Decline("UTF-16")
            if data.startswith(codecs.BOM_UTF8):
                self.encoding = "utf-8-sig"
                data = data[len(codecs.BOM_UTF8) :]
            else:
                try:
                    data.decode("utf-8")
                    self.encoding = "utf-8"
                except UnicodeDecodeError:
                    self.encoding = "gb18030"
        if b"\x00" in data:
            raise Decline("NUL bytes")
        if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
            raise Decline("a carriage return that does not end a line")
        return data


def _without_blank_tail(data: bytes) -> bytes:
    """The lines without those at their end that hold nothing but commas and spaces
    (``rows._blank``; other whitespace is left, and the exact path handles the file)."""
    end = len(data)
    while end > 0:
        start = data.rfind(b"\n", 0, end - 1) + 1  # the last line is data[start:end]
        if data[start:end].strip(b" \t,\r\n"):
            break
        end = start
    return data[:end]


def _header(
    blocks: Any, encoding: Callable[[], str], label: str
) -> tuple[rows_lib.Header, int, int, bytes, tuple[int, int]]:
    """The header row as ``rows.match_header`` reads it, from the first blocks.

    Returns:
        The header, its width, the number of the line after it, the bytes after it,
        and the GB18030 counts of the lines read.
    """
    pending = b""
    skipped = wide = rare = 0
    for block in blocks:
        pending += block
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            skipped += 1
            if encoding() == "gb18030":
                text, more, rarer = _gb18030(line)
                wide, rare = wide + more, rare + rarer
            else:
                text = line.decode("utf-8")
            if '"' in text:
                raise Decline("a quoted header")  # split as the csv module would: rare
            cells = text.removesuffix("\r").split(",")
            if rows_lib._blank(cells) or rows_lib._filled(cells) == 1:
                continue  # a title row, as typed_rows skips it
            table = rows_lib.Table(Path(label), label, [], iter(()))
            header = rows_lib.match_header(table, rows_lib.INVENTORY, skipped, cells)
            if header is None:
                raise Decline("the header has problems")
            return header, len(cells), skipped + 1, pending, (wide, rare)
    raise Decline("no header row")


# --- The conversion -------------------------------------------------------------------


def _strings(values: Any) -> pa.Array:
    return pa.array(sorted(values), pa.string())


_NULL = pa.scalar(None, pa.string())
_SPACES = pa.array([" " * k for k in range(128)], pa.string())
_YEARS = (1900, 2100)  # rows.date's plausible years


class _Ledger:
    """What a block needs of the import: the ledger's index as Arrow value sets."""

    def __init__(
        self,
        index: convert.LedgerIndex,
        header: rows_lib.Header,
        width: int,
        default_date: datetime.date | None,
        encoding: str,
    ) -> None:
        self.index = index
        self.positions = header.positions
        self.default_date = default_date.isoformat() if default_date else None
        self.offices = _strings(index.offices) if index.offices is not None else None
        self.offices_plain = index.offices is not None and _all(
            pc.match_substring_regex(self.offices, CODE)
        )
        self.held = _strings(index.held) if index.held else None
        self.held_values = _Held(self.held.to_pylist(), index.held) if self.held else None
        self.opens = _strings(index.opens) if index.opens else None
        registrations = sorted(index.registrations.items())
        self.registered = pa.array([o for o, _ in registrations], pa.string())
        self.registered_on = pa.array(
            [d.isoformat() for _, d in registrations], pa.string()
        )
        words = sorted(rows_lib._CATEGORY_LOOKUP.items())
        self.words = pa.array([w for w, _ in words], pa.string())
        self.categories = pa.array([c for _, c in words], pa.string())
        self.roots = pa.array([convert.ASSET_ROOT[c] for _, c in words], pa.string())
        names = [f"c{k}" for k in range(width)]
        self.gb = encoding == "gb18030"
        self.csv_options = {
            "read_options": pcsv.ReadOptions(column_names=names, use_threads=False),
            "parse_options": pcsv.ParseOptions(
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            "convert_options": pcsv.ConvertOptions(
                # GB18030 is split into cells as bytes: no byte of a Chinese character
                # is a comma or a newline; each column is decoded on its own
                column_types=dict.fromkeys(names, pa.binary() if self.gb else pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=not self.gb,
            ),
        }


@dataclasses.dataclass
class _Block:
    """What one block of rows came to."""

    text: pa.Buffer | bytes
    ids: Any
    rows: int
    new: int
    skipped: int
    entries: int
    needed: dict[str, tuple[datetime.date, int]]
    wide: int = 0
    rare: int = 0


_FEW = 16
"""Distinct values a column may have in a sample to be decoded value by value."""


def _decoded(column: Any) -> tuple[Any, int, int]:
    """A column of GB18030 bytes as text, and its counts (``_gb18030``).

    A column of few distinct values (categories, uses) has those decoded and taken by
    index; any other is decoded whole: the values end to end, each followed by a
    newline (which no value holds), decoded and split again.
    """
    n = len(column)
    data = bytes(_bytes(column))
    if data.isascii():
        return column.cast(pa.string()), 0, 0
    if n >= _FEW * 16 and len(pc.unique(column.slice(0, _FEW * 4))) <= _FEW:
        counted = pc.value_counts(column)
        if len(counted) * 16 <= n:
            distinct, counts = counted.field("values"), counted.field("counts")
            texts, wide, rare = [], 0, 0
            for value, count in zip(distinct.to_pylist(), counts.to_pylist(), strict=True):
                text, more, rarer = _gb18030(value)
                texts.append(text)
                wide, rare = wide + more * count, rare + rarer * count
            at = pc.index_in(column, value_set=distinct)
            return pc.take(pa.array(texts, pa.string()), at), wide, rare
    newline = pa.scalar(b"\n", pa.binary())
    lines = bytes(
        _bytes(pc.binary_join_element_wise(column, newline, pa.scalar(b"", pa.binary())))
    )
    text, wide, rare = _gb18030(lines)
    values = pc.split_pattern(pa.array([text], pa.string()), "\n").flatten()
    return values.slice(0, n), wide, rare


def _all(mask: Any) -> bool:
    """Every value true (nulls, where a cell is empty, do not count)."""
    return bool(pc.all(mask, skip_nulls=True, min_count=0).as_py())


def _require(column: Any, pattern: str, what: str) -> None:
    if not _all(pc.match_substring_regex(column, pattern)):
        raise Decline(what)


def _optional(column: Any) -> Any:
    """The column with its empty cells as nulls (the exact path's None)."""
    empty = pc.equal(column, "")
    return pc.if_else(empty, _NULL, column) if pc.any(empty).as_py() else column


_DATE_FORMS = (
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$",
    r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$",
    r"^([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})$",
    r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?$",
    r"^([0-9]{4})([0-9]{2})([0-9]{2})$",
)
"""``rows._DATE_PATTERNS`` in ASCII digits: the forms ``rows.date`` reads a date in."""
_MIDNIGHT = r"^(.*?)[ T]0?0:00(?::00)?$"
"""``rows._MIDNIGHT``: a date cell exported with its time, which is midnight."""


def _dates(column: Any, what: str) -> Any:
    """The column's dates as ``2015-07-25``; Decline unless each is a real date in
    rows.date's years, written in a form rows.date reads."""
    try:
        days = pc.cast(column, pa.date32())  # exactly 2015-07-25, a real day
    except pa.ArrowInvalid:
        # rewritten once for each distinct text (a register has few dates), then taken
        distinct = pc.unique(column)
        written = pc.replace_substring_regex(distinct, _MIDNIGHT, r"\1")
        for form in _DATE_FORMS:  # each whole value in one form, as rows.date reads it
            written = pc.replace_substring_regex(written, form, r"\1-\2-\3")
        written = pc.replace_substring_regex(written, r"^([0-9]{4})-([0-9])-", r"\1-0\2-")
        written = pc.replace_substring_regex(written, r"-([0-9])$", r"-0\1")
        column = pc.take(written, pc.index_in(column, value_set=distinct))
        days = pc.cast(column, pa.date32())  # ArrowInvalid (declines) if still not
    if days.null_count < len(days):
        low, high = pc.min_max(pc.year(days)).values()
        if low.as_py() < _YEARS[0] or high.as_py() > _YEARS[1]:
            raise Decline(f"{what}: a year outside {_YEARS}")
    return column


def _money(column: Any, what: str) -> Any:
    """Amounts as ``str(Decimal(text).quantize(CENT))`` writes them, nulls kept."""
    commas = pc.match_substring(column, ",")
    if pc.any(commas).as_py():  # 1,234.50, as Excel writes it: grouped rightly, or none
        if not _all(pc.or_(pc.invert(commas), pc.match_substring_regex(column, GROUPED))):
            raise Decline(what)
        column = pc.replace_substring(column, ",", "")
    if _all(pc.match_substring_regex(column, CENTS)):
        return column  # already so
    _require(column, AMOUNT, what)
    return pc.cast(pc.cast(column, MONEY), pa.string())


def _escaped(column: Any) -> Any:
    """Text as a ledger string holds it: ``\\`` for a backslash, ``\\"`` for a quote."""
    if not pc.any(pc.match_substring_regex(column, r'["\\]')).as_py():
        return column  # the block's quotes were the CSV's own, around other cells
    column = pc.replace_substring(column, "\\", "\\\\")
    return pc.replace_substring(column, '"', '\\"')


def _codes(column: Any) -> tuple[Any, list[Any]]:
    """Each value's position among the column's distinct values, and those values."""
    distinct = pc.unique(column)
    return pc.index_in(column, value_set=distinct), distinct.to_pylist()


def _convert(ledger: _Ledger, data: bytes, first_row: int, escape: bool) -> _Block:
    """One block of whole lines as ledger text, or Decline if anything is not plain.

    ``escape``: the block holds a backslash or a quote, which text must escape.
    """
    if b'"' in data:  # Excel quotes a cell holding a comma: "1,234.50", "办公楼,附楼"
        lines = pc.split_pattern(pa.array([data], pa.binary()), b"\n").flatten()
        if not _all(pc.match_substring_regex(lines, QUOTED_LINE)):  # the bytes, any code
            raise Decline("quoting the csv module reads otherwise, or refuses")
    batch = pcsv.read_csv(io.BytesIO(data), **ledger.csv_options)
    n = batch.num_rows
    positions = ledger.positions
    wide = rare = 0
    if ledger.gb:  # every column decoded, the ones not imported too: all must be text
        columns = []
        for k in range(batch.num_columns):
            values, more, rarer = _decoded(batch.column(k).combine_chunks())
            columns.append(values)
            wide, rare = wide + more, rare + rarer
        batch = pa.table(columns, names=batch.column_names)

    def column(field: str) -> Any:
        position = positions.get(field)
        return None if position is None else batch.column(position).combine_chunks()

    office, asset_id, name = column("office"), column("asset_id"), column("name")
    if ledger.offices is not None:
        if not _all(pc.is_in(office, value_set=ledger.offices)):
            raise Decline("an office the ledger does not declare")
        if not ledger.offices_plain:
            _require(office, CODE, "an office code to fold or refuse")
    else:
        _require(office, CODE, "an office code to fold or refuse")
    _require(asset_id, LEAF, "an asset id that is not its own leaf")
    _require(name, TRIMMED, "a name to trim or refuse")
    value = _money(column("book_value"), "a book value to read or refuse")
    category = column("category")
    found = pc.index_in(category, value_set=ledger.words)
    if found.null_count:
        lowered = pc.if_else(pc.string_is_ascii(category), pc.utf8_lower(category), "")
        found = pc.coalesce(found, pc.index_in(lowered, value_set=ledger.words))
        if found.null_count:
            raise Decline("a category to fold or refuse")
    optional: dict[str, Any] = {}
    for field in ("acquired", "original_cost", "appraisal", "use", "date"):
        cells = column(field)
        if cells is None:
            continue
        cells = _optional(cells)
        if field in ("acquired", "date"):
            cells = _dates(cells, field)
        elif field == "use":
            _require(cells, TRIMMED, "a use to trim or refuse")
        else:
            cells = _money(cells, f"an amount ({field}) to read or refuse")
        optional[field] = cells

    booked = optional.get("date")
    if booked is None:
        booked = pa.nulls(n, pa.string())
    if ledger.default_date is not None:
        booked = pc.fill_null(booked, ledger.default_date)
    elif booked.null_count:
        on = pc.take(ledger.registered_on, pc.index_in(office, value_set=ledger.registered))
        booked = pc.coalesce(booked, on)
    if booked.null_count:
        raise Decline("a row without a booking date")

    ids = asset_id
    skipped = 0
    numbers = None
    if ledger.held is not None and ledger.held_values is not None:
        held = pc.is_in(asset_id, value_set=ledger.held)
        skipped = pc.sum(held).as_py() or 0
        if skipped:
            at = pc.index_in(pc.filter(asset_id, held), value_set=ledger.held)
            fields = {
                "office": office,
                "category": pc.take(ledger.categories, found),
                "name": name,
                "book_value": value,
                **optional,
            }
            if ledger.held_values.differ(
                at, {k: pc.filter(c, held) for k, c in fields.items()}
            ):
                raise Decline("a row the ledger holds with other values")
            keep = pc.invert(held)
            office, asset_id, name, value, found, booked = (
                pc.filter(c, keep) for c in (office, asset_id, name, value, found, booked)
            )
            optional = {k: pc.filter(c, keep) for k, c in optional.items()}
            numbers = pc.filter(pa.array(range(first_row, first_row + n)), keep)
    new = n - skipped
    if new == 0:
        return _Block(b"", ids, n, 0, skipped, 0, {}, wide, rare)
    if numbers is None:
        numbers = pa.array(range(first_row, first_row + n))

    # What depends on few values (date, office, category) is written once per distinct
    # combination and taken by index: a join costs per piece and row, a take far less.
    office_at, offices = _codes(office)
    booked_at, days = _codes(booked)
    words = ledger.words.to_pylist()
    combo = pc.add(  # in int64: a block's distinct dates times offices times words
        pc.multiply(
            pc.add(pc.multiply(pc.cast(booked_at, pa.int64()), len(offices)), office_at),
            len(words),
        ),
        found,
    )
    combo_at, combos = _codes(combo)
    opening, prefix, prefix_length, bases = [], [], [], set()
    for key in combos:
        rest, word = divmod(key, len(words))
        day, code = divmod(rest, len(offices))
        canonical = rows_lib._CATEGORY_LOOKUP[words[word]]
        base = f"{convert.ASSET_ROOT[canonical]}:Office:{offices[code]}:{canonical}"
        bases.add(base)
        opening.append(f"\n{days[day]} open {base}:")
        prefix.append(f"{base}:")
        prefix_length.append(len(base) + 1)
    for base in bases:
        if not convert._valid_account(base):
            raise Decline(f"the account {base}")
    equities = [f"Equity:Office:{code}:NetAssets" for code in offices]
    account_length = pc.add(
        pc.take(pa.array(prefix_length, pa.int32()), combo_at),
        pc.cast(pc.binary_length(asset_id), pa.int32()),
    )
    if ledger.opens is not None:
        account = pc.binary_join_element_wise(
            pc.take(pa.array(prefix, pa.string()), combo_at), asset_id, ""
        )
        if pc.any(pc.is_in(account, value_set=ledger.opens)).as_py():
            raise Decline("an account the ledger already opens")
    equity = pc.take(pa.array(equities, pa.string()), office_at)
    nonzero = pc.not_equal(value, "0.00")
    needed = _needed(ledger, equity, booked, nonzero, numbers)
    if escape:  # a backslash or a quote: escaped as convert._meta_lines and _quote do
        name = _escaped(name)
        if "use" in optional:
            optional["use"] = _escaped(optional["use"])

    parts: list[Any] = [
        pc.take(pa.array(opening, pa.string()), combo_at),
        asset_id,
        ' CNY\n  asset-id: "',
        asset_id,
        '"\n  name: "',
        name,
        '"\n',
    ]
    for field, before, after in (
        ("acquired", "  acquired: ", "\n"),
        ("original_cost", "  original-cost: ", " CNY\n"),
        ("appraisal", "  appraisal: ", " CNY\n"),
        ("use", '  use: "', '"\n'),
    ):
        cells = optional.get(field)
        if cells is None:
            continue
        if cells.null_count:  # the line is written where there is a value
            present = pc.is_valid(cells)
            parts += [pc.if_else(present, before, _NULL), cells]
            parts.append(pc.if_else(present, after, _NULL))
        else:
            parts += [before, cells, after]
    opens_only = parts[:] if not _all(nonzero) else None

    payable = pc.equal(pc.take(ledger.categories, found), "Payables")
    negative = pc.binary_join_element_wise("-", value, "")
    if pc.any(payable).as_py():
        mine = pc.if_else(payable, negative, value)
        theirs = pc.if_else(payable, value, negative)
    else:
        mine, theirs = value, negative
    equity_length = pc.take(pa.array([len(e) for e in equities], pa.int32()), office_at)
    width = pc.add(pc.max_element_wise(account_length, equity_length), 2)

    def padding(length: Any, amount: Any) -> Any:
        """The spaces of ``account.ljust(width)`` and ``amount.rjust(16)`` together."""
        short = pc.max_element_wise(
            pc.subtract(16, pc.cast(pc.binary_length(amount), pa.int32())), 0
        )
        spaces = pc.add(pc.subtract(width, length), short)
        if pc.max(spaces).as_py() < len(_SPACES):  # a take costs less than a repeat
            return pc.take(_SPACES, spaces)
        return pc.binary_repeat(" ", spaces)

    parts += [
        pc.take(
            pa.array([f'\n{d} * "资产清查登记 ' for d in days], pa.string()), booked_at
        ),
        name,
        '"\n  asset-id: "',
        asset_id,
        '"\n  ',
        pc.take(pa.array(prefix, pa.string()), combo_at),
        asset_id,
        padding(account_length, mine),
        mine,
        pc.take(pa.array([f" CNY\n  {e}" for e in equities], pa.string()), office_at),
        padding(equity_length, theirs),
        theirs,
        " CNY\n",
    ]
    text = pc.binary_join_element_wise(*parts, "", null_handling="skip")
    if opens_only is not None:  # rows of value zero have no transaction
        alone = pc.binary_join_element_wise(*opens_only, "", null_handling="skip")
        text = pc.if_else(nonzero, text, alone)
    transactions = pc.sum(nonzero).as_py() or 0
    entries = new + transactions
    return _Block(_bytes(text), ids, n, new, skipped, entries, needed, wide, rare)


def _cents(number: Decimal | None) -> str | None:
    """A held amount as a row's amount is written (``str`` of it in fen), if it is one."""
    if number is None:
        return None
    rounded = number.quantize(rows_lib.CENT)
    return str(rounded) if rounded == number else str(number)  # else it never matches


class _Held:
    """What the ledger holds under each id, as Arrow columns in ``_Ledger.held``'s order.

    ``convert._inventory_differences``, a column at a time: a held row is skipped only
    when every value is what the ledger holds (None where it holds none).
    """

    def __init__(self, ids: list[str], held: dict[str, convert.Held]) -> None:
        items = [held[i] for i in ids]
        self.columns = {
            "office": pa.array([h.office for h in items], pa.string()),
            "category": pa.array([h.category for h in items], pa.string()),
            "name": pa.array([h.name for h in items], pa.string()),
            "acquired": pa.array(
                [h.acquired.isoformat() if h.acquired else None for h in items],
                pa.string(),
            ),
            "original_cost": pa.array(
                [_cents(h.original_cost) for h in items], pa.string()
            ),
            "appraisal": pa.array([_cents(h.appraisal) for h in items], pa.string()),
            "use": pa.array([h.use for h in items], pa.string()),
        }
        # the opening as a row's book value reads it (a debt's opening is negative)
        self.book_value = pa.array(
            [
                None
                if h.opening is None
                else _cents(-h.opening if h.category == "Payables" else h.opening)
                for h in items
            ],
            pa.string(),
        )

    def differ(self, at: Any, row: dict[str, Any]) -> bool:
        """Whether any held row (``at``: its place among the held) differs."""
        same = []
        for field, theirs in self.columns.items():
            mine = row.get(field)
            if mine is None:
                mine = pa.nulls(len(at), pa.string())
            theirs = pc.take(theirs, at)
            both_null = pc.and_(pc.is_null(mine), pc.is_null(theirs))
            same.append(
                pc.fill_null(pc.or_kleene(pc.equal(mine, theirs), both_null), False)
            )
        opening = pc.take(self.book_value, at)  # compared only where the ledger has one
        same.append(pc.fill_null(pc.equal(row["book_value"], opening), True))
        return not all(_all(s) for s in same)


def _needed(
    ledger: _Ledger, equity: Any, booked: Any, nonzero: Any, numbers: Any
) -> dict[str, tuple[datetime.date, int]]:
    """``convert._Context.need`` for a block: each equity account's first use.

    Declines where the ledger opens one after a row uses it (the exact path's problem).
    """
    used = pa.table({"equity": equity, "booked": booked, "row": numbers}).filter(nonzero)
    if used.num_rows == 0:
        return {}
    first = used.group_by("equity", use_threads=False).aggregate(
        [("booked", "min"), ("row", "min")]
    )
    needed: dict[str, tuple[datetime.date, int]] = {}
    for account, day in zip(
        first.column("equity").to_pylist(),
        first.column("booked_min").to_pylist(),
        strict=True,
    ):
        date = datetime.date.fromisoformat(day)
        opened = ledger.index.opens.get(account)
        if opened is not None:
            if opened > date:
                raise Decline(f"{account} opens after {date}")
            continue
        mask = pc.and_(pc.equal(used["equity"], account), pc.equal(used["booked"], day))
        needed[account] = (date, used["row"].filter(mask)[0].as_py())
    return needed


def _bytes(text: Any) -> pa.Buffer | bytes:
    """The values of a string array without nulls, end to end, as Arrow holds them
    (a buffer, not a copy)."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if len(text) == 0:
        return b""
    offsets = text.buffers()[1]
    at = text.offset * 4
    start = int.from_bytes(offsets[at : at + 4], "little", signed=True)
    at += len(text) * 4
    end = int.from_bytes(offsets[at : at + 4], "little", signed=True)
    data = text.buffers()[2]
    return data[start:end] if data is not None and end > start else b""


# --- The import -----------------------------------------------------------------------

WORKERS = 2
"""Blocks converted at once: Arrow's kernels run without the GIL, decoding holds it."""


def import_inventory(
    path: Path,
    index: convert.LedgerIndex,
    out: IO[bytes],
    *,
    stats: convert.Stats,
    default_date: datetime.date | None = None,
    progress: Callable[[float], None] | None = None,
    label: str | None = None,
) -> bool:
    """Import an inventory register CSV, writing the exact path's text to ``out``.

    Returns:
        True when done, ``stats`` filled; False when the file needs the exact path:
        then ``out`` holds a partial write to cut off and ``stats`` is untouched.
    """
    label = label or str(path)
    try:
        result = _import(path, index, out, default_date, progress, label)
    except (Decline, pa.ArrowException, UnicodeDecodeError):
        return False
    except OSError:
        raise  # reading the file or writing the output: the caller reports it
    except Exception as exc:  # a fault here must not cost the import: the exact path
        message = f"{label}: the columnar path failed ({exc!r}); the exact path runs"
        warnings.warn(message, stacklevel=2)
        return False
    stats.rows, stats.new, stats.skipped, stats.entries = result
    return True


def _import(
    path: Path,
    index: convert.LedgerIndex,
    out: IO[bytes],
    default_date: datetime.date | None,
    progress: Callable[[float], None] | None,
    label: str,
) -> tuple[int, int, int, int]:
    reader = _Blocks(path, progress)
    blocks = iter(reader)
    header, width, row, rest, (wide, rare) = _header(blocks, lambda: reader.encoding, label)
    ledger = _Ledger(index, header, width, default_date, reader.encoding)
    rows = new = skipped = entries = 0
    ids: list[Any] = []
    needed: dict[str, tuple[datetime.date, int]] = {}

    def merge(block: _Block) -> None:
        nonlocal rows, new, skipped, entries, wide, rare
        out.write(block.text)
        wide, rare = wide + block.wide, rare + block.rare
        rows += block.rows
        new += block.new
        skipped += block.skipped
        entries += block.entries
        ids.append(block.ids)
        for account, first in block.needed.items():
            if account not in needed or first < needed[account]:
                needed[account] = first

    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        pending: list[concurrent.futures.Future[_Block]] = []
        try:
            for data in _with_first(rest, blocks):
                lines = data.count(b"\n") + (not data.endswith(b"\n"))
                pending.append(
                    pool.submit(_convert, ledger, data, row, b"\\" in data or b'"' in data)
                )
                row += lines
                while len(pending) > WORKERS:
                    merge(pending.pop(0).result())
            for future in pending:
                merge(future.result())
        finally:
            for future in pending:
                future.cancel()
    if rows == 0:
        raise Decline("a header without data rows")
    if wide and rare * 4 > wide:
        raise Decline("mostly rare characters: another encoding?")
    if not _ascending(ids):  # else each id is larger than the one before: no repeat
        every = pa.chunked_array(ids, pa.string())
        if pc.count_distinct(every).as_py() != len(every):
            raise Decline("an asset id twice in the file")
    ctx = convert._Context(label, index, [])
    ctx.needed = {a: (d, r, None) for a, (d, r) in needed.items()}
    tail = ["\n" + convert.render(entry) for entry in ctx.opens()]
    out.write("".join(tail).encode("utf-8"))
    return rows, new, skipped, entries + len(tail)


def _ascending(ids: list[Any]) -> bool:
    """Whether the ids, block after block, only ever increase (registers are often
    numbered in order): then none repeats, and no hash table is needed to know it."""
    last = None
    for block in ids:
        if len(block) == 0:
            continue
        if last is not None and not pc.greater(block[0], last).as_py():
            return False
        if len(block) > 1 and not _all(pc.greater(block[1:], block[:-1])):
            return False
        last = block[len(block) - 1]
    return True


def _with_first(first: bytes, blocks: Any) -> Any:
    """The bytes after the header line (whole lines), then the other blocks; no empties."""
    if first:
        yield first
    for block in blocks:
        if block:
            yield block
