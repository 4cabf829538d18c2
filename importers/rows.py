"""Read inventory registers and disposal results (xlsx or CSV) into typed rows.

No Beancount here: a file becomes a stream of ``(row number, pydantic model)`` pairs,
and every problem found on the way becomes a ``Problem`` naming the file, the row, the
column and the value (SPEC section 5). Nothing is skipped silently and nothing raises on
bad input: the caller collects the problems of the whole file and decides.

What is accepted, and what is refused:

* xlsx through openpyxl in read-only mode, typed cells kept (dates from date cells,
  numbers from number cells); the first worksheet. Formula cells and merged cells in the
  data are refused (a formula's cached value may be stale or absent; a merged cell leaves
  every row but its first without a value).
* CSV in UTF-8, UTF-8 with BOM, GBK or GB18030, detected by decoding the whole file
  (streamed) as UTF-8 first and GB18030 second. UTF-16 and bytes that are neither are
  refused, naming the line.
* A header row in Chinese or English (``资产编号`` or ``asset-id``; case, ``_`` and spaces
  do not matter in English, ``*`` marks and ``(元)`` units are ignored). Leading title rows
  with a single cell are skipped. Unknown, misspelt, duplicate and missing headers are
  refused, with the nearest known name as a hint.
* Values: whitespace (full-width too) trimmed, full-width digits and punctuation folded
  (NFKC), money as ``Decimal`` from text (never float arithmetic) with at most two
  decimals and never negative, dates as ISO or ``2015/7/25``, ``2015.7.25``,
  ``2015年7月25日``, ``20150725``. Blank rows are refused in the middle of the data and
  ignored at its end.
"""

from __future__ import annotations

import array
import calendar
import codecs
import csv
import dataclasses
import datetime
import difflib
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from collections.abc import Iterator
from decimal import Decimal
from decimal import InvalidOperation
from pathlib import Path
from typing import Annotated
from typing import Any

from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import ConfigDict
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from importers.problems import ImportProblems  # noqa: F401 - re-exported
from importers.problems import Problem
from importers.problems import column_letter

CENT = Decimal("0.01")

# --- Problems --------------------------------------------------------------------------


# --- Cell values -----------------------------------------------------------------------


def fold(text: str) -> str:
    """Trim whitespace (full-width too) and fold full-width forms to ASCII (NFKC)."""
    text = text.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    return text


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("liaison", message)


_MISSING = "是必填项，但单元格为空"
_NOT_AN_AMOUNT = "不是金额"
_NEGATIVE = "是负数；金额一律填正数（债务也填正数）"
_IMPLAUSIBLE = "不是合理的日期（年份不在 1900 至 2100 之间）"
_NOT_A_DATE = "不是日期，应写作 2015-07-25 这样的格式"
_AMOUNT = re.compile(r"\d+(?:\.\d+)?")
_PLAIN_AMOUNT = re.compile(r"\d{1,15}(?:\.\d{1,2})?")
_CENTS = re.compile(
    r"\d{1,15}\.\d\d"
)  # already in fen: Decimal(text) is the quantized value
_PLAIN_ID = re.compile(r"[!-~](?:[ -~]*[!-~])?")  # printable ASCII, trimmed: its own id
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MIDNIGHT = re.compile(r"(.*?)[ T]0?0:00(?::00)?")
_CODE = re.compile(r"[A-Z0-9][A-Za-z0-9-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def money(value: Any) -> Decimal:
    """An amount in yuan: ≥ 0, at most two decimals, from text or a number cell."""
    if value.__class__ is str:  # the common cases first
        if _CENTS.fullmatch(value):
            return Decimal(value)
        if _PLAIN_AMOUNT.fullmatch(value):
            return Decimal(value).quantize(CENT)
    if value is None:
        raise _error(_MISSING)
    if isinstance(value, bool):
        raise _error(_NOT_AN_AMOUNT)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr is the shortest text that reads back as the same float: what was typed
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = fold(value)
        for mark in ("¥", "元"):
            text = text.replace(mark, "")
        text = text.strip()
        if not text:
            raise _error(_MISSING)
        negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
        if negative:
            raise _error(_NEGATIVE)
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
        if not _AMOUNT.fullmatch(text):
            raise _error("不是金额，应以元为单位写成 120000.00 这样的数字")
        number = Decimal(text)
    else:
        raise _error(_NOT_AN_AMOUNT)
    if not number.is_finite():
        raise _error(_NOT_AN_AMOUNT)
    if number < 0:
        raise _error(_NEGATIVE)
    try:
        rounded = number.quantize(CENT)
    except InvalidOperation as exc:
        raise _error("金额过大") from exc
    if rounded != number:
        raise _error("小数超过两位（金额以元为单位，精确到分）")
    return rounded


def optional_money(value: Any) -> Decimal | None:
    if value.__class__ is str:  # the common cases first: an amount, or nothing
        if _CENTS.fullmatch(value):
            return Decimal(value)
        if _PLAIN_AMOUNT.fullmatch(value):
            return Decimal(value).quantize(CENT)
        if not value:
            return None
    if value is None or (isinstance(value, str) and not fold(value)):
        return None
    return money(value)


def date(value: Any) -> datetime.date:
    """A date from a date cell or from text; impossible dates are refused."""
    if value is None:
        raise _error(_MISSING)
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, str):
        text = fold(value)
        if not text:
            raise _error(_MISSING)
        if _ISO.fullmatch(text):  # the common case, parsed in C
            try:
                result = datetime.date.fromisoformat(text)
            except ValueError as exc:
                raise _unreal(int(text[:4]), int(text[5:7]), int(text[8:10])) from exc
            if not 1900 <= result.year <= 2100:
                raise _error(_IMPLAUSIBLE)
            return result
        midnight = _MIDNIGHT.fullmatch(text)
        if midnight:
            text = midnight.group(1)
        for pattern in _DATE_PATTERNS:
            match = pattern.fullmatch(text)
            if match:
                year, month, day = (int(g) for g in match.groups())
                try:
                    result = datetime.date(year, month, day)
                except ValueError as exc:
                    raise _unreal(year, month, day) from exc
                break
        else:
            raise _error(_NOT_A_DATE)
    elif isinstance(value, int | float):
        raise _error("是数字而不是日期；请把单元格格式设为“日期”")
    else:
        raise _error("不是日期")
    if not 1900 <= result.year <= 2100:
        raise _error(_IMPLAUSIBLE)
    return result


def _unreal(year: int, month: int, day: int) -> PydanticCustomError:
    """Why a year, month and day that ``datetime.date`` refused make no date."""
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return _error(_IMPLAUSIBLE)
    if not 1 <= month <= 12:
        why = f"没有 {month} 月"
    elif day < 1:
        why = f"没有 {day} 日"
    elif day > (days := calendar.monthrange(year, month)[1]):
        why = f"{year}年{month}月只有{days}天"
    else:  # digits of another script, which fromisoformat does not read
        return _error(_NOT_A_DATE)
    return _error(f"不是真实存在的日期（{why}）")


def optional_date(value: Any) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not fold(value)):
        return None
    return date(value)


def text(value: Any) -> str:
    """Text as written, trimmed; numbers from number cells become their digits."""
    if value.__class__ is str:  # the common case first: this runs for most cells
        result = value.strip()
        if result and not _CONTROL.search(result):
            return result
    if value is None:
        raise _error(_MISSING)
    if isinstance(value, bool):
        raise _error("不是文本")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        raise _error("是日期而不是文本")
    result = str(value).strip()
    if not result:
        raise _error(_MISSING)
    if _CONTROL.search(result):
        raise _error("含有控制字符（看不见的特殊字符）；请删除后重新输入")
    return result


def optional_text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return text(value)


def code(value: Any) -> str:
    """An office code: ASCII letters, digits and hyphens, like XN-JY-WH."""
    result = fold(text(value))
    if not _CODE.fullmatch(result):
        raise _error("不是机构代码（应由大写英文字母、数字和连字符组成，如 XN-JY-WH）")
    return result


def identifier(value: Any) -> str:
    """An asset id: any text, trimmed, full-width forms folded."""
    if value.__class__ is str and _PLAIN_ID.fullmatch(value):  # nothing to trim or fold
        return value
    result = fold(text(value))
    if not result:
        raise _error(_MISSING)
    return result


CATEGORIES = {
    "土地": "Land",
    "土地使用权": "Land",
    "房屋": "Buildings",
    "房产": "Buildings",
    "房屋及构筑物": "Buildings",
    "车辆": "Vehicles",
    "设备": "Equipment",
    "企业": "Enterprises",
    "对外投资": "Enterprises",
    "债权": "Receivables",
    "应收款": "Receivables",
    "债务": "Payables",
    "应付款": "Payables",
    "资金": "Cash",
    "货币资金": "Cash",
    "银行存款": "Cash",
    "现金": "Cash",
}
"""Chinese category words (and a few synonyms) to SPEC section 2.2's categories."""

CATEGORY_NAMES = (
    "Land",
    "Buildings",
    "Vehicles",
    "Equipment",
    "Enterprises",
    "Receivables",
    "Payables",
    "Cash",
)
_CATEGORY_LOOKUP = {**CATEGORIES, **{c.lower(): c for c in CATEGORY_NAMES}}


def category(value: Any) -> str:
    word = fold(text(value))
    found = _CATEGORY_LOOKUP.get(word) or _CATEGORY_LOOKUP.get(word.lower())
    if found is None:
        raise _error(
            "不是资产类别，应为以下之一：土地、房屋、车辆、设备、企业、债权、债务、"
            "资金，或 " + "、".join(CATEGORY_NAMES)
        )
    return found


METHODS = {
    "transfer": "transfer",
    "划转": "transfer",
    "无偿划转": "transfer",
    "auction": "auction",
    "拍卖": "auction",
    "sale": "sale",
    "有偿转让": "sale",
    "转让": "sale",
    "出售": "sale",
}
"""Disposal methods (SPEC section 2.3) to their canonical names."""


def method(value: Any) -> str:
    word = fold(text(value))
    found = METHODS.get(word) or METHODS.get(word.lower())
    if found is None:
        raise _error(
            "不是处置方式，应为以下之一：划转、拍卖、有偿转让，或 transfer、auction、sale"
        )
    return found


Money = Annotated[Decimal, BeforeValidator(money)]
OptionalMoney = Annotated[Decimal | None, BeforeValidator(optional_money)]
Date = Annotated[datetime.date, BeforeValidator(date)]
OptionalDate = Annotated[datetime.date | None, BeforeValidator(optional_date)]
Text = Annotated[str, BeforeValidator(text)]
OptionalText = Annotated[str | None, BeforeValidator(optional_text)]
Code = Annotated[str, BeforeValidator(code)]
Identifier = Annotated[str, BeforeValidator(identifier)]
CategoryName = Annotated[str, BeforeValidator(category)]
Method = Annotated[str, BeforeValidator(method)]


# --- Rows ------------------------------------------------------------------------------


class InventoryRow(BaseModel):
    """One asset, claim or debt of a register (资产清查登记表), SPEC section 5."""

    model_config = ConfigDict(frozen=True)

    office: Code
    asset_id: Identifier
    name: Text
    category: CategoryName
    acquired: OptionalDate = None
    original_cost: OptionalMoney = None
    book_value: Money
    appraisal: OptionalMoney = None
    use: OptionalText = None
    date: OptionalDate = None


class DisposalRow(BaseModel):
    """One result of a transfer, auction or sale, SPEC section 5."""

    model_config = ConfigDict(frozen=True)

    asset_id: Identifier
    method: Method
    date: Date
    approval: OptionalText = None
    appraisal: OptionalMoney = None
    proceeds: OptionalMoney = None
    counterparty: OptionalText = None


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """A column of an import file: its field, its Chinese and English headers."""

    field: str
    zh: str
    en: str
    required: bool
    aliases: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Schema:
    kind: str
    columns: tuple[Column, ...]
    model: type[BaseModel]

    def lookup(self) -> dict[str, Column]:
        table: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.zh, column.en, *column.aliases):
                table[_header_key(name)] = column
        return table


INVENTORY = Schema(
    "inventory",
    (
        Column("office", "机构代码", "office", True, ("机构编码", "办事机构代码")),
        Column("asset_id", "资产编号", "asset-id", True, ("资产编码",)),
        Column("name", "资产名称", "name", True),
        Column("category", "资产类别", "category", True, ("类别",)),
        Column("acquired", "取得日期", "acquired", False, ("购置日期",)),
        Column("original_cost", "原值", "original-cost", False, ("账面原值",)),
        Column("book_value", "账面净值", "book-value", True, ("账面价值", "净值")),
        Column("appraisal", "评估价值", "appraisal", False, ("评估值",)),
        Column("use", "用途", "use", False, ("使用用途",)),
        Column("date", "登记日期", "date", False),
    ),
    InventoryRow,
)

DISPOSALS = Schema(
    "disposals",
    (
        Column("asset_id", "资产编号", "asset-id", True, ("资产编码",)),
        Column("method", "处置方式", "method", True),
        Column("date", "处置日期", "date", True),
        Column("approval", "批准文号", "approval", False),
        Column("appraisal", "评估价值", "appraisal", False, ("评估值",)),
        Column(
            "proceeds", "成交金额", "proceeds", False, ("成交价", "成交价格", "处置收入")
        ),
        Column(
            "counterparty",
            "受让方",
            "counterparty",
            False,
            ("recipient", "接收方", "受让单位", "接收单位", "买受人"),
        ),
    ),
    DisposalRow,
)

SCHEMAS = {"inventory": INVENTORY, "disposals": DISPOSALS}

IGNORED_HEADERS = frozenset(
    ("序号", "备注", "no", "no.", "remark", "remarks", "note", "notes")
)
"""Columns that forms commonly carry and the import does not need."""

_UNIT = re.compile(r"\((?:元|万元|人民币元|cny|yuan)\)$")


def _header_key(name: str) -> str:
    key = fold(name).lower().replace("*", "").strip()
    key = _UNIT.sub("", key).strip()
    return re.sub(r"[\s_]+", "-", key)


# --- Raw tables ------------------------------------------------------------------------


@dataclasses.dataclass
class Table:
    """The raw rows of one file: cell values by position, numbered as shown.

    ``rows`` yields ``(row number, cells)``; whatever keeps the file from being read
    becomes a problem in ``problems`` and ends the rows.
    """

    path: Path
    label: str
    problems: list[Problem]
    rows: Iterator[tuple[int, list[Any]]]
    kind: str = "csv"
    columns: dict[str, tuple[int, str]] = dataclasses.field(default_factory=dict)
    """Field to ``(position, header as written)``, filled when the header is read."""
    ids: dict[str, None] = dataclasses.field(default_factory=dict)
    """Every row's asset id (valid row or not), in file order, filled as rows go.

    The one thing an import holds for each row, so kept small: a dict without values (a
    set in insertion order, and smaller than a set); the rows are in ``id_rows``.
    """
    id_rows: array.array[int] = dataclasses.field(default_factory=lambda: array.array("I"))
    """The row number of each of ``ids``, in the same order: 4 bytes a row where a dict
    value would cost 36 (an int object and its pointer). Looked up only for a duplicate."""
    merged: list[tuple[int, int, int, int]] = dataclasses.field(default_factory=list)

    def problem(
        self,
        message: str,
        row: int | None = None,
        column: int | None = None,
        header: str | None = None,
        value: Any = None,
    ) -> None:
        letter = column_letter(column) if column is not None else None
        self.problems.append(Problem(self.label, row, letter, header, value, message))


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20
_DECODE_CHUNK = 1 << 16
"""Bytes decoded at a time while detecting the encoding: 1 MiB blocks of GBK made a
peak of 6 MiB (the block, its text, its GB2312 encoding), more than the rows."""


def sniff(path: Path) -> str:
    """``xlsx``, ``xls`` (the old binary format), ``empty`` or ``text``, by content."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == OLE_MAGIC:
        return "xls"
    return "text"


def open_table(
    path: str | os.PathLike[str],
    problems: list[Problem],
    progress: Callable[[float], None] | None = None,
    label: str | None = None,
) -> Table:
    """Open an import file, xlsx or CSV, as a table of raw rows."""
    path = Path(path)
    label = label or str(path)
    table = Table(path, label, problems, iter(()))
    if not path.is_file():
        table.problem("文件不存在")
        return table
    kind = sniff(path)
    suffix = path.suffix.lower()
    if kind == "empty":
        table.problem("文件为空")
    elif kind == "xls":
        table.problem("是旧版 Excel 97-2003 工作簿（.xls）；请另存为 .xlsx 或 CSV 后再导入")
    elif suffix in (".xlsx", ".xlsm") and kind != "xlsx":
        table.problem(
            "不是 xlsx 工作簿（文件开头不像 xlsx）；如果它是 CSV 文件，请把扩展名改为 .csv"
        )
    elif kind == "xlsx":
        table.kind = "xlsx"
        table.rows = _xlsx_rows(table, progress)
    else:
        table.rows = _csv_rows(table, progress)
    return table


# --- CSV -------------------------------------------------------------------------------


_NUL = "含有 NUL 字节，不是 CSV 文本（可能是 UTF-16 编码或二进制文件）"

_FIELD_LIMIT = re.compile(r"field larger than field limit \((\d+)\)")


def _csv_reason(exc: csv.Error) -> str:
    """The csv module's complaint in Chinese; one it has no words for, as it is."""
    said = str(exc)
    if said == "unexpected end of data":
        return "文件在引号内结束"
    if said == "',' expected after '\"'":
        return "引号后面应紧跟逗号"
    limit = _FIELD_LIMIT.fullmatch(said)
    if limit:
        return f"有字段超过 {limit.group(1)} 个字符"
    return said


def detect_encoding(path: Path) -> tuple[str | None, str | None]:
    """The encoding of a CSV file: utf-8-sig, utf-8 or gb18030 (which reads GBK).

    UTF-8 is tried first: Chinese text in GBK is practically never valid UTF-8. GB18030
    accepts most byte pairs, so text in another encoding (Latin-1, Big5) often decodes
    without error into rare characters; it is refused when more than a quarter of its
    non-ASCII characters fall outside GB2312, the set real registers are written in.

    Returns:
        ``(encoding, None)``, or ``(None, why not)``, naming the line where it can.
    """
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, "是 UTF-16 编码的文本；请另存为 CSV UTF-8（或 GBK）后再导入"
    if b"\x00" in head:
        return None, _NUL
    if head.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    failure = None
    for encoding in candidates:
        failure = _decode_all(path, encoding)
        if failure is None:
            return encoding, None
    assert failure is not None
    return None, failure


def _decode_all(path: Path, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    wide = rare = 0
    with open(path, "rb") as handle:
        while True:
            block = handle.read(_DECODE_CHUNK)
            final = not block
            pending = decoder.getstate()[0]  # a character cut by the last block's end
            try:
                decoded = decoder.decode(block, final)
            except UnicodeDecodeError as exc:
                data = pending + block  # what exc.start counts in
                line += data[: max(exc.start, 0)].count(b"\n")
                bad = data[exc.start : exc.start + 4]
                return (
                    f"第 {line} 行：字节 {bad!r} 既不是 UTF-8 也不是 GBK/GB18030 编码；"
                    "请另存为 CSV UTF-8（或 GBK）后再导入"
                )
            if "\x00" in decoded:
                return _NUL
            if encoding == "gb18030" and not decoded.isascii():
                # counted in C: characters outside ASCII, and those outside GB2312
                wide += len(decoded) - len(decoded.encode("ascii", "ignore"))
                rare += decoded.encode("gb2312", "replace").count(b"?") - decoded.count("?")
            line += decoded.count("\n")
            if final:
                break
    if wide and rare * 4 > wide:
        return (
            f"既不是 UTF-8，也不像 GBK（{wide} 个非 ASCII 字符中有 {rare} 个是生僻字，"
            "可能是 Latin-1、Big5 等其他编码）；请另存为 CSV UTF-8 后再导入"
        )
    return None


def _csv_rows(
    table: Table, progress: Callable[[float], None] | None
) -> Iterator[tuple[int, list[Any]]]:
    encoding, failure = detect_encoding(table.path)
    if encoding is None:
        table.problem(failure or "无法读取")
        return
    size = table.path.stat().st_size or 1
    raw = open(table.path, "rb")  # noqa: SIM115 - closed below, the generator owns it
    try:
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.reader(stream, strict=True)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                table.problem(
                    f"第 {reader.line_num} 行不是格式正确的 CSV：{_csv_reason(exc)}"
                    "（可能有引号未闭合，或文件不完整）"
                )
                return
            number += 1
            if progress is not None and number % 2048 == 0:
                progress(raw.tell() / size)
            yield number, cells
    finally:
        raw.close()


# --- xlsx ------------------------------------------------------------------------------

_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _xlsx_rows(
    table: Table, progress: Callable[[float], None] | None
) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl  # deferred: CSV imports do not pay for it

    try:
        workbook = openpyxl.load_workbook(table.path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        table.problem(f"无法作为 xlsx 工作簿读取（文件可能不完整或已损坏）：{exc}")
        return
    except Exception as exc:  # openpyxl raises many kinds on damaged workbooks
        table.problem(f"无法作为 xlsx 工作簿读取：{type(exc).__name__}: {exc}")
        return
    try:
        if not workbook.worksheets:
            table.problem("工作簿中没有工作表")
            return
        sheet = workbook.worksheets[0]
        table.merged = _merged_ranges(workbook, sheet)
        total = sheet.max_row or 0
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if progress is not None and total and number % 2048 == 0:
                    progress(number / total)
                yield number, list(values)
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            table.problem(f"无法读到末尾（文件可能不完整或已损坏）：{exc}")
        except Exception as exc:  # a damaged sheet's XML
            table.problem(
                f"无法读到末尾（文件可能不完整或已损坏）：{type(exc).__name__}: {exc}"
            )
    finally:
        workbook.close()


def _merged_ranges(workbook: Any, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only sheet as ``(row1, col1, row2, col2)``.

    Read-only openpyxl does not expose them, and the ``<mergeCells>`` element follows the
    data; scan the sheet's XML bytes (decompressing is far cheaper than parsing).
    """
    ranges: list[tuple[int, int, int, int]] = []
    try:
        source = workbook._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError, zipfile.BadZipFile, OSError):
        return ranges
    tail = b""
    with source:
        while True:
            try:
                block = source.read(_CHUNK)
            except (zipfile.BadZipFile, OSError, EOFError):
                break
            if not block:
                break
            chunk = tail + block
            if b"mergeCell" in chunk:
                for m in _MERGE_REF.finditer(chunk):
                    ranges.append(
                        (
                            int(m.group(2)),
                            _column_index(m.group(1)),
                            int(m.group(4)),
                            _column_index(m.group(3)),
                        )
                    )
                # keep an unfinished element for the next block, never a counted one
                last = chunk.rfind(b"<")
                tail = chunk[last:] if last >= 0 and b">" not in chunk[last:] else b""
            else:
                tail = chunk[-256:]
    return sorted(set(ranges))


# --- Typed rows ------------------------------------------------------------------------


def _blank(cells: list[Any]) -> bool:
    for cell in cells:
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def _filled(cells: list[Any]) -> int:
    return sum(1 for c in cells if c is not None and (not isinstance(c, str) or c.strip()))


def _id_key(value: Any) -> str | None:
    try:
        return identifier(value)
    except PydanticCustomError:
        return None


@dataclasses.dataclass
class Header:
    """Which position holds which field, and the header as written."""

    positions: dict[str, int]
    labels: dict[str, str]
    row: int


def match_header(
    table: Table, schema: Schema, number: int, cells: list[Any]
) -> Header | None:
    """Match a header row against a schema; every problem is added to the table."""
    lookup = schema.lookup()
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    ok = True
    known = [c.zh for c in schema.columns] + [c.en for c in schema.columns]
    for index, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        written = str(cell).strip()
        key = _header_key(written)
        column = lookup.get(key)
        if column is None:
            if key in IGNORED_HEADERS:
                continue
            hint = difflib.get_close_matches(written, known, n=1, cutoff=0.6)
            if not hint:
                hint = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            suffix = f"；是否应为 {hint[0]!r}？" if hint else ""
            table.problem(
                f"无法识别的列名{suffix}（可用的列名：{'、'.join(known)}）",
                number,
                index,
                written,
                written,
            )
            ok = False
            continue
        if column.field in positions:
            first = positions[column.field]
            table.problem(
                f"列重复：{column.zh}/{column.en} 已在 {column_letter(first)} 列"
                f"（{labels[column.field]!r}）；请删除多余的一列",
                number,
                index,
                written,
                written,
            )
            ok = False
            continue
        positions[column.field] = index
        labels[column.field] = written
    for column in schema.columns:
        if column.required and column.field not in positions:
            table.problem(f"缺少必填的列：{column.zh}（{column.en}）", number)
            ok = False
    if not ok:
        return None
    for field, position in positions.items():
        table.columns[field] = (position, labels[field])
    return Header(positions, labels, number)


_MEMO_SIZE = 2048
"""Distinct texts remembered per column (offices, categories, dates repeat): bounded."""

_UNSET: Any = object()

_HIGH_CARDINALITY = (identifier, text, money, optional_money)
"""Validators with fast paths of their own, for cells that rarely repeat."""


def _memoized(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` remembering its results for text cells; it is a pure function."""
    cache: dict[str, Any] = {}
    get = cache.get

    def memo(value: Any) -> Any:
        if value.__class__ is not str:
            return convert(value)
        found = get(value, _UNSET)
        if found is _UNSET:
            found = convert(value)
            if len(cache) < _MEMO_SIZE:
                cache[value] = found
        return found

    return memo


def _absent(value: Any) -> None:
    return None


def _validator(model: type[BaseModel], field: str) -> Callable[[Any], Any]:
    for item in model.model_fields[field].metadata:
        if isinstance(item, BeforeValidator):
            return item.func  # type: ignore[return-value]
    raise TypeError(f"{model.__name__}.{field} has no BeforeValidator")


def fast_plan(
    model: type[BaseModel], positions: dict[str, int]
) -> tuple[tuple[str, int, Callable[[Any], Any]], ...]:
    """What the fast path runs for each field, in the model's order.

    Every field of the row models is an ``Annotated`` type whose ``BeforeValidator``
    returns a value of exactly that type (``Decimal``, ``date``, ``str`` or None), which
    pydantic then passes through unchanged; calling the validators directly gives the
    model's values without pydantic's machinery. Fields the header lacks are None, as
    the model's defaults are.
    """
    plan: list[tuple[str, int, Callable[[Any], Any]]] = []
    for field in model.model_fields:
        if field not in positions:
            plan.append((field, 0, _absent))
            continue
        convert = _validator(model, field)
        if convert not in _HIGH_CARDINALITY:
            convert = _memoized(convert)
        plan.append((field, positions[field], convert))
    return tuple(plan)


def fast_converter(
    model: type[BaseModel], positions: dict[str, int]
) -> Callable[[list[Any]], dict[str, Any]]:
    """The fast plan as one function of a row's cells, returning the model's values.

    Generated, as ``collections.namedtuple`` and ``dataclasses`` generate theirs: one
    dict display with a call per field, ``{"office": c0(cells[0]), ...}``, costs half a
    microsecond a row less than a comprehension looping over the plan. The names in the
    source are the model's field names and the positions are ints: nothing from the file.
    """
    namespace: dict[str, Any] = {}
    items = []
    for k, (field, index, convert) in enumerate(fast_plan(model, positions)):
        assert field.isidentifier() and isinstance(index, int)
        if convert is _absent:
            items.append(f"{field!r}: None")
        else:
            namespace[f"c{k}"] = convert
            items.append(f"{field!r}: c{k}(cells[{index}])")
    source = f"def convert_row(cells):\n    return {{{', '.join(items)}}}\n"
    exec(source, namespace)  # noqa: S102 - the source is built above from the model
    return namespace["convert_row"]  # type: ignore[no-any-return]


def constructor(
    model: type[BaseModel], fields_set: set[str]
) -> Callable[[dict[str, Any]], Any]:
    """Build a model from values already validated, as ``model_construct`` does, cheaply.

    ``model_construct`` costs some 5 µs a row in its generic handling of defaults and
    aliases; the row models have neither private attributes nor ``model_post_init``, so
    setting the four slots pydantic reads is the whole of it.
    """
    new = object.__new__
    put = object.__setattr__

    def construct(values: dict[str, Any]) -> Any:
        row = new(model)
        put(row, "__dict__", values)
        put(row, "__pydantic_fields_set__", fields_set)
        put(row, "__pydantic_extra__", None)
        put(row, "__pydantic_private__", None)
        return row

    return construct


def _has_formula(cells: list[Any]) -> bool:
    for cell in cells:
        if cell.__class__ is str and cell.startswith("="):
            return True
    return False


def typed_rows(
    table: Table, schema: Schema, *, fast: bool = True
) -> Iterator[tuple[int, Any]]:
    """Validate a table's rows against a schema.

    A row whose every cell is valid takes the fast path (the field validators called
    directly, the repeating columns memoized, the model built without revalidation);
    any other row, and every row with ``fast=False``, is validated by pydantic, which
    reports all of its problems. Both give the same rows and the same problems.

    Yields:
        ``(row number, model)`` for every valid row; problems go to ``table.problems``.
    """
    header: Header | None = None
    pending_blank: list[int] = []
    data_rows = 0
    header_seen = False
    model = schema.model
    xlsx = table.kind == "xlsx"
    ids = table.ids  # every row's id, valid row or not: duplicates are refused
    id_rows = table.id_rows
    firsts: dict[str, int] | None = None  # id to row, built at the first duplicate
    for number, cells in table.rows:
        if not header_seen:
            if _blank(cells) or _filled(cells) == 1:
                continue  # a title row (资产清查登记表) or a blank line before the header
            header_seen = True
            header = match_header(table, schema, number, cells)
            width = len(cells)
            if header is None:
                return
            convert_row = fast_converter(model, header.positions)
            construct = constructor(model, set(header.positions))
            continue
        assert header is not None
        if _blank(cells):
            pending_blank.append(number)
            continue
        for blank in pending_blank:
            table.problem("数据中间有空行；请删除该行或补填内容", blank)
        pending_blank.clear()
        data_rows += 1
        if len(cells) < width and table.kind == "csv":
            table.problem(
                f"只有 {len(cells)} 个字段，而表头有 {width} 列"
                "（该行不完整，或缺少逗号分隔符）",
                number,
            )
            continue
        if len(cells) > width and not _blank(cells[width:]):
            table.problem(
                f"有 {len(cells)} 个字段，而表头只有 {width} 列：最后一列之后还有值"
                "（是否有未加引号的逗号？）",
                number,
                width,
                None,
                next(c for c in cells[width:] if c not in (None, "")),
            )
            continue
        if fast and (not xlsx or not _has_formula(cells)):
            # the fast path: a row whose every cell is valid, validated without pydantic;
            # any problem sends the row down the slow path, which reports them all
            try:
                values = convert_row(cells)
            except Exception:
                values = None
            if values is not None:
                key = values["asset_id"]
                if key not in ids:
                    ids[key] = None
                    id_rows.append(number)
                    if firsts is not None:
                        firsts[key] = number
                    yield number, construct(values)
                    continue
        raw: dict[str, Any] = {}
        bad = False
        formulas: set[str] = set()
        for field, index in header.positions.items():
            value = cells[index] if index < len(cells) else None
            if table.kind == "xlsx" and isinstance(value, str) and value.startswith("="):
                # read with data_only=False: a formula arrives as its text, "=B2*0.9"
                table.problem(
                    "是公式；请改为粘贴数值（选择性粘贴 → 数值）",
                    number,
                    index,
                    header.labels[field],
                    value,
                )
                bad = True
                formulas.add(field)
                continue
            raw[field] = value
        key = _id_key(raw.get("asset_id"))
        if key is not None:
            if key in ids:
                if firsts is None:  # a file with duplicates pays for a row number each
                    firsts = dict(zip(ids, id_rows, strict=True))
                first = firsts[key]
                position = header.positions["asset_id"]
                table.problem(
                    f"资产编号 {key} 与本文件第 {first} 行重复",
                    number,
                    position,
                    header.labels["asset_id"],
                    key,
                )
                bad = True
            else:
                ids[key] = None
                id_rows.append(number)
                if firsts is not None:
                    firsts[key] = number
        try:
            row = model.model_validate(raw)
        except ValidationError as exc:
            # the row's other cells are checked too: every problem in one run
            for error in exc.errors(include_url=False):
                field = str(error["loc"][0]) if error["loc"] else ""
                if field in formulas:
                    continue
                at = header.positions.get(field)
                table.problem(
                    error["msg"],
                    number,
                    at,
                    header.labels.get(field),
                    raw.get(field),
                )
            continue
        if bad:
            continue
        yield number, row
    if not header_seen:
        if not table.problems:
            table.problem("没有表头，也没有数据（是空工作表吗？）")
        return
    if header is not None and data_rows == 0:
        table.problem("只有表头，没有数据行", header.row)
    if table.merged and header is not None:
        _report_merges(table, header)


def _report_merges(table: Table, header: Header) -> None:
    """Refuse merged cells that reach into the header or the data.

    A merge leaves every cell but its first empty, so the empty-value problems it caused
    are replaced by one clear problem per merge.
    """
    inside = []
    for row1, col1, row2, col2 in table.merged:
        if row2 < header.row:
            continue  # a merged title above the header is harmless
        inside.append((row1, col1, row2, col2))
    if not inside:
        return

    def covered(problem: Problem) -> bool:
        if problem.row is None or problem.column is None:
            return False
        for row1, col1, row2, col2 in inside:
            if row1 <= problem.row <= row2 and column_letter(col1) <= problem.column:
                col = _column_index(problem.column.encode())
                if col1 <= col <= col2:
                    return True
        return False

    kept = [p for p in table.problems if not covered(p)]
    table.problems[:] = kept
    for row1, col1, row2, col2 in inside:
        ref = f"{column_letter(col1)}{row1}:{column_letter(col2)}{row2}"
        table.problem(
            f"合并单元格 {ref}；请取消合并单元格，并为每一行填上各自的值",
            row1,
            col1,
        )


def read_rows(
    path: str | os.PathLike[str],
    schema: Schema,
    problems: list[Problem],
    progress: Callable[[float], None] | None = None,
    label: str | None = None,
) -> Iterator[tuple[int, Any]]:
    """Stream the valid rows of an import file; problems are appended to ``problems``.

    Args:
        path: The xlsx or CSV file.
        schema: ``INVENTORY`` or ``DISPOSALS``.
        problems: Receives every problem found, in file order.
        progress: Called now and then with the fraction of the file read.
        label: How to name the file in problems (default: the path as given).
    """
    table = open_table(path, problems, progress, label)
    yield from typed_rows(table, schema)


def identify(path: str | os.PathLike[str]) -> str | None:
    """``inventory`` or ``disposals`` if the file's header row is one of those; else None.

    Reads no further than the header row; never raises.
    """
    try:
        table = open_table(path, [])
        for _, cells in table.rows:
            if _blank(cells) or _filled(cells) == 1:
                continue
            keys = {_header_key(str(c)) for c in cells if c is not None and str(c).strip()}
            for schema in (DISPOSALS, INVENTORY):
                lookup = schema.lookup()
                found = {lookup[k].field for k in keys if k in lookup}
                if all(c.field in found for c in schema.columns if c.required):
                    if schema is INVENTORY and "method" in found:
                        continue
                    return schema.kind
            return None
    except Exception:  # identify must never fail the caller (Fava lists every file)
        return None
    return None
