"""The form around a register's table: what each row of a sheet is.

A register as an office keeps it is a form, not a table: a title, a fill line
(``填报单位：… 金额单位：万元 填报日期：…``, whole or split over cells), a header
of one or two rows (``价值`` merged over 原值/账面净值/评估价值; ``序号`` merged
down), perhaps a row of units or of column numbers (栏次), then data broken by group
titles (``一、通城县…``), blank rows and ``小计``/``合计``/``总计`` rows, and a
signature footer (``单位负责人：… 填表人：…``).

``read_layout`` takes one raw sheet (``importers.sheets.Sheet``) and says which rows are
which, where each field's column is, and in what unit each amount column is stated. It
reads no value as money and knows no ledger: ``importers.rows`` types the data rows and
checks the totals; the office named on the fill line is matched against the ledger by
the caller.

Every problem found here names the sheet, the row and the column. A sheet with no
header at all holds no register (a cover, the notes): ``Layout.header`` is None and the
caller names it as skipped.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from importers import words
from importers.grid import Sheet
from importers.problems import Problem
from importers.problems import column_letter

HEADER_SEARCH = 40
"""Rows searched for the header: titles, fill lines and notes above it are never more."""


class Reported:
    """A cell whose problem has been reported here (a merge, a formula without a value):
    the typed rows skip it rather than report it again as empty."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<reported>"

    def __reduce__(self) -> str:
        return "REPORTED"  # pickled by name: ``cell is REPORTED`` holds after a pickle


REPORTED = Reported()


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """Where a field is, its header as written, and the unit its amounts are in."""

    field: str
    index: int
    label: str
    unit: str | None = None
    """The unit word (元, 万元 …) this column's amounts are stated in; None: not money."""

    @property
    def scale(self) -> Decimal:
        return words.UNITS[self.unit] if self.unit else Decimal(1)


@dataclasses.dataclass
class Total:
    """A ``小计``/``合计``/``总计`` row and the data rows it closes."""

    row: int
    word: str
    rank: int
    cells: list[Any]
    closes: list[int]
    closes_from: int = 0
    """For a total above the rows it sums: where in the data its rows begin."""


@dataclasses.dataclass
class DataRow:
    number: int
    cells: list[Any]
    group: str | None
    """The group title the row stands under (``一、通城县人民政府驻武汉办事处``), if any."""


@dataclasses.dataclass
class Layout:
    """What the rows of one sheet are."""

    sheet: Sheet
    header: tuple[int, ...] | None = None
    """The header's row numbers (one or two); None when the sheet holds no register."""
    columns: dict[str, Column] = dataclasses.field(default_factory=dict)
    """Schema fields and descriptive metadata keys to their columns."""
    unit: str | None = None
    """The unit the fill line or title states for the whole sheet."""
    office_text: str | None = None
    """The fill line's ``填报单位``, as written."""
    office_row: int | None = None
    date_text: str | None = None
    data: list[DataRow] = dataclasses.field(default_factory=list)
    totals: list[Total] = dataclasses.field(default_factory=list)
    groups: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    footer: int | None = None
    unused: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    """Columns with a header the import does not use: ``(index, header)``."""
    reported: bool = False
    summary: int | None = None
    """The header row of a sheet that sums registers (汇总表: no asset id, no name)."""
    """Whether some data cell's problem is told here already (it holds ``REPORTED``)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Schema:
    """The columns of one kind of import file."""

    kind: str
    fields: Mapping[str, tuple[str, ...]]
    required: frozenset[str]
    descriptive: Mapping[str, tuple[str, ...]]
    alternatives: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """A required field another column may stand in for: a trading centre's result names
    the lot (标的名称) where it has no asset id, and the ledger finds the asset by name."""

    def names(self, field: str) -> str:
        zh, en = self.fields[field][:2]
        return f"{zh}（{en}）"


INVENTORY = Schema(
    "inventory",
    words.INVENTORY_HEADERS,
    # the office may instead be named on the fill line or in group titles (the pipeline
    # matches it against the ledger, and says so when it cannot)
    frozenset({"asset_id", "name", "category", "book_value"}),
    words.DESCRIPTIVE_HEADERS,
)
DISPOSALS = Schema(
    "disposals",
    words.DISPOSAL_HEADERS,
    frozenset({"asset_id", "method", "date"}),
    {},
    {"asset_id": "name"},
)
SCHEMAS = {"inventory": INVENTORY, "disposals": DISPOSALS}


# --- Cells ------------------------------------------------------------------------------


def _text(cell: Any) -> str:
    return cell.strip() if isinstance(cell, str) else ""


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


_AMOUNT_TEXT = re.compile(r"[\s¥￥$]*[-(]?[\d０-９][\d０-９,，.．\s]*\)?[\s元]*")


def _amount_like(cell: Any) -> bool:
    """Whether a cell holds a figure (a number, or text that reads as one)."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float | Decimal):
        return True
    return isinstance(cell, str) and _AMOUNT_TEXT.fullmatch(cell) is not None


def _filled(cells: list[Any]) -> list[int]:
    return [
        i
        for i, c in enumerate(cells)
        if c is not None and (c.__class__ is not str or c.strip())
    ]


_UNIT_WORDS = "|".join(sorted(map(re.escape, words.UNITS), key=len, reverse=True))
_HEADER_UNIT = re.compile(
    rf"(?:[(（\[]\s*(?:(?:金额)?单位\s*[:：]?\s*)?({_UNIT_WORDS})\s*[)）\]]|[/／]\s*({_UNIT_WORDS}))\s*$",
    re.IGNORECASE,
)
_UNIT_ONLY = re.compile(
    rf"[(（]?\s*(?:单位\s*[:：]\s*)?({_UNIT_WORDS})\s*[)）]?", re.IGNORECASE
)
_REQUIRED_MARK = re.compile(r"[(（]\s*必填\s*[)）]|[*※]")


def split_header(text: str) -> tuple[str, str | None]:
    """A header's name and the unit it states: ``原值（万元）`` → (``原值``, ``万元``)."""
    text = _REQUIRED_MARK.sub("", text).strip()
    match = _HEADER_UNIT.search(text)
    if match is None:
        return text, None
    unit = (match.group(1) or match.group(2)).lower()
    return text[: match.start()].strip(), unit


def _unit_only(cell: Any) -> str | None:
    """The unit of a cell that states nothing else (``（万元）``, ``元``)."""
    if not isinstance(cell, str):
        return None
    match = _UNIT_ONLY.fullmatch(cell.strip())
    return match.group(1).lower() if match else None


_LABELS = "|".join(sorted(map(re.escape, words.FILL_LABELS), key=len, reverse=True))
_FILL = re.compile(rf"({_LABELS})\s*(?:[(（][^)）:：]{{0,8}}[)）])?\s*[:：]")
_UNIT_PREFIX = re.compile(rf"[(（]?({_UNIT_WORDS})", re.IGNORECASE)
_TOTAL = re.compile(r"(?:本页|本表|全部|总)?(小计|合计|总计)(?:[:：(（].*)?")
_GROUP = re.compile(
    r"(?:[一二三四五六七八九十百]+\s*[、.．]|[(（]\s*[一二三四五六七八九十]+\s*[)）]"
    r"|第[一二三四五六七八九十]+[部类项])\s*\S"
)
_FOOTER = re.compile(rf"(?:{'|'.join(map(re.escape, words.FOOTER_WORDS))})\s*[:：]")
_SPACES = re.compile(r"\s+")
_BREAKDOWN = re.compile(r"其中\s*[:：]")
_SEQUENCE_WORDS = frozenset("甲乙丙丁戊己庚辛壬癸")


def fill_line(cells: list[Any]) -> dict[str, str]:
    """The labelled values of a fill line, split over cells or not.

    ``["填报单位：", "通城县驻汉办", None, "金额单位：万元"]`` →
    ``{"office": "通城县驻汉办", "unit": "万元"}``. A ``单位：`` whose value is no unit
    word is not a unit (``单位：咸宁市财政局`` names the unit that fills the form in).
    """
    text = "  ".join(_text(c) for c in cells if isinstance(c, str) and c.strip())
    found: dict[str, str] = {}
    marks = list(_FILL.finditer(text))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        value = text[mark.end() : end].strip(" \u3000:：;；,，")
        label = mark.group(1)
        what = words.FILL_LABELS[label]
        if what == "unit":
            unit = _UNIT_PREFIX.match(_SPACES.sub("", value))
            if unit is None:
                if label == "单位":  # 单位：咸宁市财政局 names who fills the form in
                    if value and "office" not in found:
                        found["office"] = value.split("  ")[0].strip()
                elif "unit" not in found:
                    found["unit?"] = value.split("  ")[0].strip() or "（空）"
                continue
            value = unit.group(1).lower()
        elif what == "office":
            value = value.split("  ")[0].strip()
        if value and what not in found:
            found[what] = value
    return found


# --- The header -------------------------------------------------------------------------


@dataclasses.dataclass
class _Lookup:
    fields: dict[str, str]
    descriptive: dict[str, str]

    @classmethod
    def of(cls, schema: Schema) -> _Lookup:
        return cls(
            words.header_table(schema.fields), words.header_table(schema.descriptive)
        )

    def find(self, name: str) -> tuple[str, bool] | None:
        """The field (or metadata key) a header names, and whether it is descriptive."""
        k = words.key(name)
        if k in self.fields:
            return self.fields[k], False
        if k in self.descriptive:
            return self.descriptive[k], True
        return None


def _names(cells: list[Any], lookup: _Lookup) -> int:
    """How many of a row's cells name a field of the schema (descriptive ones aside)."""
    count = 0
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            found = lookup.find(split_header(cell)[0])
            if found is not None and not found[1]:
                count += 1
    return count


def _merged_row(sheet: Sheet, row: int) -> dict[int, tuple[int, int]]:
    """By column, the top-left cell of the merged range over each cell of ``row``: the
    value Excel shows there. One pass over the ranges (a lookup per cell made the
    header's width times the ranges, as many as the rows)."""
    cover: dict[int, tuple[int, int]] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if r1 <= row <= r2:
            for col in range(c1, c2 + 1):
                cover.setdefault(col, (r1, c1))
    return cover


def _cell(sheet: Sheet, row: int, col: int) -> Any:
    cells = sheet.rows[row - 1] if 0 < row <= len(sheet.rows) else []
    return cells[col] if col < len(cells) else None


def _is_sub_header(cells: list[Any], lookup: _Lookup) -> bool:
    """Whether the row under a header is its second (``原值 账面净值`` under ``价值``)."""
    filled = [c for c in cells if not _blank(c)]
    if not filled or not all(isinstance(c, str) for c in filled):
        return False
    return any(lookup.find(split_header(cell)[0]) is not None for cell in filled)


def _is_units_row(cells: list[Any]) -> bool:
    filled = [c for c in cells if not _blank(c)]
    return bool(filled) and all(_unit_only(c) is not None for c in filled)


def _is_sequence_row(cells: list[Any]) -> bool:
    """A row of column numbers under a header (栏次: 甲 乙 1 2 3 …)."""
    filled = [c for c in cells if not _blank(c)]
    if len(filled) < 3:
        return False
    for cell in filled:
        if isinstance(cell, bool):
            return False
        if isinstance(cell, int | float) and float(cell).is_integer() and 0 < cell < 100:
            continue
        text = _text(cell)
        if text.isdigit() and int(text) < 100:
            continue
        if text in _SEQUENCE_WORDS or words.key(text) in ("栏次", "行次"):
            continue
        return False
    return True


# --- The layout -------------------------------------------------------------------------


class _Reader:
    """Reads one sheet's layout; problems name the sheet when the workbook has several."""

    def __init__(
        self, sheet: Sheet, schema: Schema, problems: list[Problem], label: str, named: bool
    ) -> None:
        self.sheet = sheet
        self.schema = schema
        self.problems = problems
        self.label = label
        self.sheet_name = sheet.name if named else None
        self.lookup = _Lookup.of(schema)
        self.layout = Layout(sheet)
        self.units_row: int | None = None
        self.ignored: set[int] = set()

    def problem(
        self,
        message: str,
        row: int | None = None,
        column: int | None = None,
        header: str | None = None,
        value: Any = None,
    ) -> None:
        letter = column_letter(column) if column is not None else None
        self.problems.append(
            Problem(self.label, row, letter, header, value, message, self.sheet_name)
        )

    def read(self) -> Layout:
        rows = self.sheet.rows
        top = self._find_header()
        if top is None:
            return self.layout
        for number in range(1, top):
            self._above_header(number, rows[number - 1])
        end = self._header(top)
        if self.layout.header is None:
            return self.layout
        self._units()
        self._data(end + 1)
        return self.layout

    def _find_header(self) -> int | None:
        rows = self.sheet.rows
        for index, cells in enumerate(rows[:HEADER_SEARCH]):
            if _names(cells, self.lookup) >= 2:
                return index + 1
        return None

    def _above_header(self, number: int, cells: list[Any]) -> None:
        found = fill_line(cells)
        layout = self.layout
        if "office" in found and layout.office_text is None:
            layout.office_text, layout.office_row = found["office"], number
        if "date" in found and layout.date_text is None:
            layout.date_text = found["date"]
        unit = found.get("unit")
        if unit is None and "unit?" in found:
            self.problem(
                f"金额单位「{found['unit?']}」无法识别：应为元、千元或万元；"
                "请改正后再导入（金额单位不明，无法确定记账金额）",
                number,
            )
            return
        if unit is None:
            for cell in cells:  # a title ending （单位：万元）
                if isinstance(cell, str):
                    match = _HEADER_UNIT.search(cell.strip())
                    if match:
                        unit = (match.group(1) or match.group(2)).lower()
        if unit is None:
            return
        if layout.unit is not None and words.UNITS[layout.unit] != words.UNITS[unit]:
            self.problem(
                f"金额单位矛盾：上方已写明金额单位为{layout.unit}，本行又写明为{unit}；"
                "请只保留正确的一个",
                number,
            )
            return
        layout.unit = unit

    def _header(self, top: int) -> int:
        """Match the header (one or two rows); the last header row's number."""
        sheet, lookup = self.sheet, self.lookup
        cells = sheet.rows[top - 1]
        below = sheet.rows[top] if top < len(sheet.rows) else []
        two = _is_sub_header(below, lookup)
        width = max(len(cells), len(below) if two else 0)
        rows = (top, top + 1) if two else (top,)
        columns: dict[str, Column] = {}
        unknown: list[tuple[int, str]] = []
        ok = True
        merged = _merged_row(sheet, top)
        for index in range(width):
            upper = _cell(sheet, *merged.get(index, (top, index)))
            lower = below[index] if two and index < len(below) else None
            if _blank(upper) and _blank(lower):
                continue
            written = _text(lower) or _text(upper)
            if not written:
                continue
            name, unit = split_header(written)
            group_unit = None
            label = written
            if two and not _blank(lower) and isinstance(upper, str) and upper.strip():
                group, group_unit = split_header(upper)
                if words.key(group) != words.key(name):
                    label = f"{upper.strip()}/{written}"
            found = lookup.find(name)
            if found is None:
                if words.key(name) in words.IGNORED_HEADERS:
                    self.ignored.add(index)
                else:
                    unknown.append((index, written))
                continue
            field, _ = found
            if field in columns:
                first = columns[field]
                zh, en = (self.schema.fields.get(field) or self.schema.descriptive[field])[
                    :2
                ]
                self.problem(
                    f"列重复：{zh}/{en} 已在 {column_letter(first.index)} 列"
                    f"（{first.label!r}）；请删除多余的一列",
                    rows[-1],
                    index,
                    written,
                    written,
                )
                ok = False
                continue
            stated = {u for u in (unit, group_unit) if u}
            if field in words.MONEY_FIELDS:
                if len({words.UNITS[u] for u in stated}) > 1:
                    self.problem(
                        f"金额单位矛盾：表头同时写明{'和'.join(sorted(stated))}",
                        rows[-1],
                        index,
                        written,
                    )
                    ok = False
                money_unit = unit or group_unit
            else:
                money_unit = None
            columns[field] = Column(field, index, label, money_unit)
        if "asset_id" not in columns and "name" not in columns:
            # a 汇总表: amounts by category or office, no asset to book
            self.layout.summary = rows[-1]
            return rows[-1]
        missing = [f for f in self.schema.fields if f in self.schema.required]
        missing = [
            f
            for f in missing
            if f not in columns and self.schema.alternatives.get(f) not in columns
        ]
        if missing:
            ok = False
            self._missing(rows[-1], missing, unknown)
        self.layout.unused = [(i, w) for i, w in unknown]
        if ok:
            self.layout.header = rows
            self.layout.columns = columns
        return rows[-1]

    def _missing(
        self, row: int, missing: list[str], unknown: list[tuple[int, str]]
    ) -> None:
        import difflib  # only a header that misses a column needs it

        known = [w for f in self.schema.fields for w in self.schema.fields[f][:2]]
        hinted = set()
        for index, written in unknown:
            hint = difflib.get_close_matches(written, known, n=1, cutoff=0.6)
            if not hint:
                continue
            field = words.header_table(self.schema.fields)[words.key(hint[0])]
            if field in missing:
                hinted.add(field)
                self.problem(
                    f"无法识别的列名；是否应为 {hint[0]!r}？"
                    f"（缺少必填的列 {self.schema.names(field)}）",
                    row,
                    index,
                    written,
                    written,
                )
        for field in missing:
            if field not in hinted:
                others = "、".join(self.schema.fields[field][2:5])
                also = f"（也可写作{others}）" if others else ""
                self.problem(f"缺少必填的列：{self.schema.names(field)}{also}", row)

    def _units(self) -> None:
        """Give every amount column its unit, or report a conflict."""
        layout = self.layout
        header_end = layout.header[-1] if layout.header else 0
        below = self.sheet.rows[header_end] if header_end < len(self.sheet.rows) else []
        self.units_row = header_end + 1 if _is_units_row(below) else None
        for field, column in list(layout.columns.items()):
            if field not in words.MONEY_FIELDS:
                continue
            stated = column.unit
            if self.units_row is not None:
                row_unit = _unit_only(
                    below[column.index] if column.index < len(below) else None
                )
                if row_unit and stated and words.UNITS[row_unit] != words.UNITS[stated]:
                    self.problem(
                        f"金额单位矛盾：表头写明{stated}，下一行写明{row_unit}",
                        self.units_row,
                        column.index,
                        column.label,
                    )
                stated = stated or row_unit
            if stated and layout.unit and words.UNITS[stated] != words.UNITS[layout.unit]:
                self.problem(
                    f"金额单位矛盾：表格上方写明金额单位为{layout.unit}，"
                    f"而该列表头写明为{stated}；请统一金额单位后再导入",
                    header_end,
                    column.index,
                    column.label,
                )
            layout.columns[field] = dataclasses.replace(
                column, unit=stated or layout.unit or "元"
            )

    def _data(self, start: int) -> None:
        sheet, layout = self.sheet, self.layout
        rows = sheet.rows
        if start == (self.units_row or 0):
            start += 1
        if start <= len(rows) and _is_sequence_row(rows[start - 1]):
            start += 1
        columns = layout.columns
        id_col = columns["asset_id"].index if "asset_id" in columns else None
        money_cols = {c.index for c in columns.values() if c.field in words.MONEY_FIELDS}
        width = max((c.index for c in columns.values()), default=0) + 1
        header_width = len(rows[layout.header[0] - 1]) if layout.header else width
        self._spread_merges(start)
        header_width = max(header_width, *(len(rows[r - 1]) for r in layout.header or ()))
        group: str | None = None
        open_rows: list[int] = []  # every data row so far, in order
        closed_at: dict[int, int] = {}  # rank to the index in open_rows it closed up to
        leading: list[Total] = []  # totals above the rows they sum (合计 first)
        ignored = self.ignored
        uncached = bool(sheet.uncached)
        for number in range(start, len(rows) + 1):
            cells = rows[number - 1]
            filled = _filled(cells)
            if not filled or (
                len(filled) <= len(ignored)
                and all(i in ignored and _amount_like(cells[i]) for i in filled)
            ):
                continue  # blank, or a printed form's empty numbered line (序号 only)
            first = _text(cells[filled[0]])
            has_id = (
                id_col is not None and id_col < len(cells) and not _blank(cells[id_col])
            )
            if layout.footer is not None:
                if has_id and self._has_amount(cells, filled, money_cols):
                    self.problem(
                        f"签字栏（第 {layout.footer} 行）之后还有资产行；"
                        "请把它移到签字栏之上，或删除",
                        number,
                    )
                continue
            total = self._total_word(cells, filled, money_cols)
            if total is not None:
                self._formulas(number, cells)
                rank = words.TOTAL_WORDS[total]
                since = max((i for r, i in closed_at.items() if r >= rank), default=0)
                closes = open_rows[since:]
                line = Total(number, total, rank, cells, closes)
                layout.totals.append(line)
                for held in [t for t in leading if t.rank <= rank]:
                    leading.remove(held)  # a total above its rows ends at the next
                    held.closes = open_rows[held.closes_from :]
                if not open_rows:  # no row above it: it sums the rows below
                    line.closes_from = 0
                    leading.append(line)
                closed_at[rank] = len(open_rows)
                for r in list(closed_at):
                    if r < rank:
                        closed_at[r] = len(open_rows)
                continue
            if "其中" in first and _BREAKDOWN.match(first) and not has_id:
                continue
            # a label and its colon (单位负责人：) is no asset id, whatever column it is in
            if ("：" in first or ":" in first) and _FOOTER.match(first.replace(" ", "")):
                layout.footer = number
                continue
            if not self._has_amount(cells, filled, money_cols) and self._group_title(
                number, cells, filled
            ):
                group = first
                layout.groups.append((number, first))
                continue
            if sheet.kind in ("csv", "tsv") and len(cells) < header_width:
                self.problem(
                    f"只有 {len(cells)} 个字段，而表头有 {header_width} 列"
                    "（该行不完整，或缺少逗号分隔符）",
                    number,
                )
                continue
            if len(cells) > header_width and any(
                not _blank(c) for c in cells[header_width:]
            ):
                at = next(
                    i for i in range(header_width, len(cells)) if not _blank(cells[i])
                )
                if sheet.kind in ("csv", "tsv"):
                    why = (
                        f"有 {len(cells)} 个字段，而表头只有 {header_width} 列："
                        "最后一列之后还有值（是否有未加引号的逗号？）"
                    )
                else:
                    why = (
                        f"表头之外的 {column_letter(at)} 列还有值；"
                        "请为该列加上表头，或删除该值"
                    )
                self.problem(why, number, at, None, cells[at])
                continue
            if uncached:
                self._formulas(number, cells)
            layout.data.append(DataRow(number, cells, group))
            open_rows.append(number)
        for held in leading:  # a 合计 above every row sums them all
            held.closes = open_rows[held.closes_from :]

    @staticmethod
    def _has_amount(cells: list[Any], filled: list[int], money: set[int]) -> bool:
        return any(i in money and _amount_like(cells[i]) for i in filled)

    def _total_word(
        self, cells: list[Any], filled: list[int], money: set[int]
    ) -> str | None:
        for index in filled:
            cell = cells[index]
            if index in money or cell.__class__ is not str or "计" not in cell:
                continue
            match = _TOTAL.fullmatch(_SPACES.sub("", cell))
            if match:
                return match.group(1)
        return None

    def _group_title(self, number: int, cells: list[Any], filled: list[int]) -> bool:
        first = _text(cells[filled[0]])
        if _GROUP.match(first):
            return True
        if len(filled) == 1:
            return self._wide.get((number, filled[0]), 0) >= 2
        return False

    @functools.cached_property
    def _wide(self) -> dict[tuple[int, int], int]:
        """By its first cell, how many columns past it a range merged along one row
        reaches: looked up for each row of one cell (a scan of every range was the
        rows times the ranges)."""
        wide: dict[tuple[int, int], int] = {}
        for r1, c1, r2, c2 in self.sheet.merged:
            if r1 == r2:
                wide[(r1, c1)] = max(wide.get((r1, c1), 0), c2 - c1)
        return wide

    def _spread_merges(self, start: int) -> None:
        """A range merged down the data shows its value on every row it covers.

        Text (an office, a category, a place) is read so; an amount or an asset id merged
        over rows is refused, since one figure cannot be every row's.
        """
        layout = self.layout
        fields = {c.index: c for c in layout.columns.values()}
        for r1, c1, r2, c2 in self.sheet.merged:
            if r2 < start or r1 == r2:
                continue
            covered = [fields[c] for c in range(c1, c2 + 1) if c in fields]
            ref = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
            bad = [
                c for c in covered if c.field in words.MONEY_FIELDS or c.field == "asset_id"
            ]
            if bad:
                self.problem(
                    f"合并单元格 {ref}；金额和资产编号不能跨行合并：请取消合并单元格，"
                    "并为每一行填上各自的值",
                    r1,
                    c1,
                )
                for row in range(max(r1, start), r2 + 1):
                    for column in bad:
                        self._put(row, column.index, REPORTED)
                continue
            value = _cell(self.sheet, r1, c1)
            for row in range(max(r1 + 1, start), r2 + 1):
                for col in range(c1, c2 + 1):
                    if _blank(_cell(self.sheet, row, col)):
                        self._put(row, col, value)

    def _put(self, row: int, col: int, value: Any) -> None:
        if value is REPORTED:
            self.layout.reported = True
        cells = self.sheet.rows[row - 1]
        if col >= len(cells):
            cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = value

    def _formulas(self, number: int, cells: list[Any]) -> None:
        if not self.sheet.uncached:
            return
        for column in self.layout.columns.values():
            if (number, column.index) in self.sheet.uncached:
                self.problem(
                    "是公式，但文件中没有保存它的计算结果"
                    "（文件不是由 Excel 或 WPS 保存的）；"
                    "请在 Excel 或 WPS 中打开并保存后再导入，或把公式粘贴为数值",
                    number,
                    column.index,
                    column.label,
                )
                self._put(number, column.index, REPORTED)


def read_layout(
    sheet: Sheet, schema: Schema, problems: list[Problem], label: str, named: bool
) -> Layout:
    """What the rows of ``sheet`` are; problems are appended to ``problems``.

    Args:
        sheet: One raw sheet.
        schema: ``INVENTORY`` or ``DISPOSALS``.
        problems: Receives every problem, naming ``label`` (and the sheet if ``named``).
        label: How problems name the file.
        named: Whether problems name the sheet (a workbook of several sheets).
    """
    return _Reader(sheet, schema, problems, label, named).read()
