"""A register's data rows as typed rows, amounts in yuan, totals checked.

No Beancount here. ``importers.forms`` has said which rows of a sheet are data, which
are totals, where each field is and in what unit its amounts are stated; this module
reads each data row into a pydantic model (``InventoryRow``, ``DisposalRow``) and checks
every ``小计``/``合计``/``总计`` row against the sum of the rows it closes.

Values are read as Excel shows them:

* amounts from number cells at Excel's 15 significant digits (``11440.009999999998``
  is 11,440.01), from text with ``¥``/``￥``, thousands separators and full-width digits;
  an accounting format's dash (`` ￥-   ``) is zero; a negative amount is refused. An
  amount stated in 万元 or 千元 is multiplied exactly, in ``Decimal``, and must come to
  whole fen: nothing is rounded, ever;
* dates from date cells (every format, East Asian ones included, is the reader's) or
  from text as ISO, ``2015/7/25``, ``2015.7.25``, ``2015年7月25日``, ``20150725``;
* text trimmed, full-width forms folded where the value is a code, a word or an id.

Every problem names the file (and sheet), the row, the column, the header as written and
the value, and nothing raises on bad input.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import math
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Iterator
from decimal import Decimal
from decimal import InvalidOperation
from typing import Annotated
from typing import Any

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import PlainValidator
from pydantic import ValidationError
from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

from importers import words
from importers.forms import REPORTED
from importers.forms import DataRow
from importers.forms import Layout
from importers.forms import Schema
from importers.grid import CellError
from importers.problems import Problem
from importers.problems import column_letter

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

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
_AMOUNT = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_PLAIN = re.compile(r"\d{1,15}(?:\.\d{1,8})?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d+")
_DASHES = frozenset({"-", "--", "—", "–", "―", "−"})
_CURRENCY = re.compile(r"^(?:rmb|cny|人民币)|[¥$]|元$", re.IGNORECASE)
_DATE = re.compile(
    # 2015-07-25, 2015/7/25, 2015.7.25 (one separator throughout), 2015年7月25日, 20150725
    r"(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|年(\d{1,2})月(\d{1,2})日?|(\d{2})(\d{2}))"
)
_MIDNIGHT = re.compile(r"(.*?)[ T]0?0:00(?::00)?")
_CODE = re.compile(r"[A-Z0-9][A-Za-z0-9-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def number(value: Any) -> Decimal:
    """A non-negative number as written or as Excel shows it, before any unit."""
    cls = value.__class__  # the common cells first: a number, or its plain digits
    if cls is float and 0 <= value < 1e15:
        # Excel keeps 15 significant digits and shows no more: 11440.009999999998,
        # what a formula leaves for 11440.01, is 11440.01
        return Decimal(format(value, ".15g"))
    if cls is str and _PLAIN.fullmatch(value):
        return Decimal(value)
    if value is None:
        raise _error(_MISSING)
    if isinstance(value, CellError):
        raise _error(f"是错误值 {value.text}；请改正公式或填入数值")
    if isinstance(value, bool):
        raise _error(_NOT_AN_AMOUNT)
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _error(_NOT_AN_AMOUNT)
        result = Decimal(format(value, ".15g"))
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        result = _text_number(value)
    elif isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise _error("是日期或时间而不是金额；请把单元格格式设为“数值”")
    else:
        raise _error(_NOT_AN_AMOUNT)
    if not result.is_finite():
        raise _error(_NOT_AN_AMOUNT)
    if result < 0:
        raise _error(_NEGATIVE)
    return result


def _text_number(value: str) -> Decimal:
    text = fold(value).replace("\u00a0", " ")
    text = _CURRENCY.sub("", text.strip()).strip()
    text = _CURRENCY.sub("", text).strip()
    if not text:
        raise _error(_MISSING)
    if text in _DASHES:  # an accounting format's zero: ` ￥-   `
        return Decimal(0)
    if text.startswith("-") or (text.startswith("(") and text.endswith(")")):
        raise _error(_NEGATIVE)
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if _SCIENTIFIC.fullmatch(text):
        raise _error(
            "是科学计数法（如 2.65E+06），可能已丢失数字；请把该列设为“数值”格式后重新保存"
        )
    if not _AMOUNT.fullmatch(text):
        raise _error("不是金额，应写成 120000.00 这样的数字")
    return Decimal(text)


def yuan(value: Any, unit: str | None = None) -> Decimal:
    """An amount in yuan, in whole fen: ``value`` stated in ``unit`` (元 if None)."""
    scale = words.UNITS[unit] if unit else ONE
    stated = number(value)
    result = stated * scale
    try:
        rounded = result.quantize(CENT)
    except InvalidOperation as exc:
        raise _error("金额过大") from exc
    if rounded != result:
        if scale == ONE:
            raise _error("小数超过两位（金额以元为单位，精确到分）")
        places = max(0, 2 + len(str(scale)) - 1)
        raise _error(
            f"换算为元是 {result.normalize():f} 元，不足一分的部分无法记账"
            f"（以{unit}为单位的金额最多 {places} 位小数）；请核对该金额"
        )
    return rounded


def _scaled(value: Any, info: ValidationInfo) -> Decimal:
    units = (info.context or {}).get("units", {})
    return yuan(value, units.get(info.field_name))


def _optional_scaled(value: Any, info: ValidationInfo) -> Decimal | None:
    if _empty(value):
        return None
    return _scaled(value, info)


def _empty(value: Any) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def date(value: Any) -> datetime.date:
    """A date from a date cell or from text; impossible dates are refused."""
    if value.__class__ is datetime.date and 1900 <= value.year <= 2100:
        return value  # the common case: a date cell
    if value is None:
        raise _error(_MISSING)
    if isinstance(value, CellError):
        raise _error(f"是错误值 {value.text}")
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, str):
        known = _DATE_OF.get(value)  # dates repeat down a register
        if known is not None:
            return known
        text = fold(value)
        if not text:
            raise _error(_MISSING)
        if ":" in text:
            midnight = _MIDNIGHT.fullmatch(text)
            if midnight:
                text = midnight.group(1)
        match = _DATE.fullmatch(text)
        if match is None:
            raise _error(_NOT_A_DATE)
        y, _, m1, d1, m2, d2, m3, d3 = match.groups()
        year, month, day = int(y), int(m1 or m2 or m3), int(d1 or d2 or d3)
        try:
            result = datetime.date(year, month, day)
        except ValueError as exc:
            raise _unreal(year, month, day) from exc
    elif isinstance(value, bool):
        raise _error("不是日期")
    elif isinstance(value, int | float):
        raise _error("是数字而不是日期；请把单元格格式设为“日期”")
    else:
        raise _error("不是日期")
    if not 1900 <= result.year <= 2100:
        raise _error(_IMPLAUSIBLE)
    if value.__class__ is str and len(_DATE_OF) < _DATES_KEPT:
        _DATE_OF[value] = result
    return result


_DATE_OF: dict[str, datetime.date] = {}
"""Dates written as text to the date they are, as found (``date``)."""
_DATES_KEPT = 65536


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
    else:
        return _error(_NOT_A_DATE)
    return _error(f"不是真实存在的日期（{why}）")


def optional_date(value: Any) -> datetime.date | None:
    return None if _empty(value) else date(value)


def text(value: Any) -> str:
    """Text as written, trimmed; numbers from number cells become their digits."""
    if value.__class__ is str:  # the common case first: most cells are text
        result = value.strip()
        # printable text has no control character; other text is searched for one
        if result and (result.isprintable() or not _CONTROL.search(result)):
            return result
    if value is None:
        raise _error(_MISSING)
    if isinstance(value, CellError):
        raise _error(f"是错误值 {value.text}")
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
    return None if _empty(value) else text(value)


def code(value: Any) -> str:
    """An office code: ASCII letters, digits and hyphens, like XN-JY-WH."""
    if value.__class__ is str and _CODE.fullmatch(value):
        return value  # as written: nothing to trim or fold
    result = fold(text(value))
    if not _CODE.fullmatch(result):
        raise _error("不是机构代码（应由大写英文字母、数字和连字符组成，如 XN-JY-WH）")
    return result


def identifier(value: Any) -> str:
    """An asset id: any text, trimmed, full-width forms folded."""
    if value.__class__ is str:  # printable ASCII: nothing to fold
        result = value.strip()
        if result and result.isascii() and result.isprintable():
            return result
    result = fold(text(value))
    if not result:
        raise _error(_MISSING)
    return result


def optional_identifier(value: Any) -> str | None:
    return None if _empty(value) else identifier(value)


CATEGORY_NAMES = tuple(words.CATEGORY_WORDS)
_CATEGORY_OF: dict[str, str] = {}
"""Category words as written to their category, as found (``category``)."""
_WORDS_KEPT = 4096


def category(value: Any) -> str:
    written = text(value)
    found = _CATEGORY_OF.get(written)  # a register writes a few words, many times
    if found is not None:
        return found
    word = words.key(written)
    found = words.CATEGORIES.get(word)
    if found is not None:
        if len(_CATEGORY_OF) < _WORDS_KEPT:
            _CATEGORY_OF[written] = found
        return found
    if "土地使用权" in word:  # 政府会计制度 keeps it under 无形资产: 无形资产—土地使用权
        return "Land"
    reason = words.UNHOLDABLE.get(word)
    if reason is None and word.startswith("无形资产"):
        reason = words.UNHOLDABLE_CATEGORIES["无形资产"]
    if reason is not None:
        raise _error(
            f"{reason}不能记入本账本：账本只记录土地（含土地使用权）、房屋、车辆、设备、"
            "对外投资（企业）、债权、债务和资金；请删除该行，或改填其中一类"
        )
    raise _error(
        "不是资产类别，应为以下之一：土地、房屋、车辆、设备、企业、债权、债务、资金"
        "（或 GB/T 14885、政府会计制度的类别名称，见 README），或 "
        + "、".join(CATEGORY_NAMES)
    )


def method(value: Any) -> str:
    written = text(value).strip()
    found = words.METHODS.get(words.key(written))
    if found is not None:
        return found
    if fold(written) in words.FORBIDDEN_METHODS:
        raise _error(
            f"{written}不是清理规范允许的处置方式：撤销机构的资产只能划转、拍卖或有偿转让"
        )
    raise _error(
        "不是处置方式，应为以下之一：划转、拍卖、有偿转让，或 transfer、auction、sale"
    )


def _quantity(value: Any) -> Decimal | str | None:
    if _empty(value):
        return None
    try:
        return number(value)
    except PydanticCustomError:
        return text(value)


Money = Annotated[Decimal, PlainValidator(_scaled)]
OptionalMoney = Annotated[Decimal | None, PlainValidator(_optional_scaled)]
Date = Annotated[datetime.date, PlainValidator(date)]
OptionalDate = Annotated[datetime.date | None, PlainValidator(optional_date)]
Text = Annotated[str, PlainValidator(text)]
OptionalText = Annotated[str | None, PlainValidator(optional_text)]
Code = Annotated[str, PlainValidator(code)]
Identifier = Annotated[str, PlainValidator(identifier)]
OptionalIdentifier = Annotated[str | None, PlainValidator(optional_identifier)]
CategoryName = Annotated[str, PlainValidator(category)]
Method = Annotated[str, PlainValidator(method)]


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
    # the descriptive columns, kept as metadata on the asset's open (README)
    specification: OptionalText = None
    quantity: Annotated[Decimal | str | None, PlainValidator(_quantity)] = None
    department: OptionalText = None
    location: OptionalText = None
    accumulated_depreciation: OptionalMoney = None
    note: OptionalText = None

    def described(self) -> dict[str, Any]:
        """The descriptive columns the register gave, by metadata key."""
        values = self.__dict__
        return {
            key: values[field]
            for key, field in DESCRIBED.items()
            if values[field] is not None
        }


class DisposalRow(BaseModel):
    """One result of a transfer, auction or sale, SPEC section 5."""

    model_config = ConfigDict(frozen=True)

    asset_id: OptionalIdentifier = None
    name: OptionalText = None
    method: Method
    date: Date
    approval: OptionalText = None
    appraisal: OptionalMoney = None
    proceeds: OptionalMoney = None
    counterparty: OptionalText = None


def _model_field(column: str) -> str:
    """A column's field on the row model: the metadata key ``accumulated-depreciation``
    is ``accumulated_depreciation`` there; schema fields are named alike."""
    return column.replace("-", "_")


DESCRIBED = {key: _model_field(key) for key in words.DESCRIPTIVE_HEADERS}
"""Descriptive metadata keys to their fields on ``InventoryRow``."""

MODELS: dict[str, type[BaseModel]] = {"inventory": InventoryRow, "disposals": DisposalRow}


# --- Where a row is ---------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Where:
    """A row of a sheet, and where its fields are: what problems about it name."""

    file: str
    sheet: str | None
    row: int
    layout: Layout | None = None

    def problem(self, message: str, field: str | None = None, value: Any = None) -> Problem:
        columns = self.layout.columns if self.layout is not None else {}
        column = columns.get(field) if field else None
        return Problem(
            self.file,
            self.row,
            column_letter(column.index) if column else None,
            column.label if column else None,
            value,
            message,
            self.sheet,
        )


# --- Typed rows -------------------------------------------------------------------------


def typed_rows(
    layout: Layout,
    schema: Schema,
    problems: list[Problem],
    *,
    file: str,
    sheet: str | None,
    ids: dict[str, Where],
    office_of: Callable[[DataRow], str | None] | None = None,
) -> Iterator[tuple[Where, Any]]:
    """Read a sheet's data rows into models; check its totals at the end.

    Args:
        layout: The sheet's layout, with a header.
        schema: ``forms.INVENTORY`` or ``forms.DISPOSALS``.
        problems: Receives every problem.
        file: How problems name the file.
        sheet: How problems name the sheet (None in a file of one sheet).
        ids: Asset ids seen so far in the file (every sheet), to refuse a repeated one.
        office_of: The office of a row, for a sheet without an office column (from its
            fill line or group title); None when it cannot be told, which is reported.

    Yields:
        ``(where, model)`` for every row without a problem.
    """
    model = MODELS[schema.kind]
    columns = layout.columns
    units = {_model_field(f): c.unit for f, c in columns.items() if c.unit is not None}
    context = {"units": units}
    # each column's field on the model (累计折旧 is accumulated-depreciation in the
    # metadata, accumulated_depreciation on the model), and back
    fields = {_model_field(f): c.index for f, c in columns.items()}
    column_of = {_model_field(f): f for f in columns}
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    width = max((c.index for c in columns.values()), default=0) + 1
    place_office = "office" in schema.fields and "office" not in columns
    amounts: dict[int, dict[str, Any]] = {}
    for data_row in layout.data:
        where = Where(file, sheet, data_row.number, layout)
        cells = data_row.cells
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        # an empty optional cell is left to the model's default (None): only the
        # required fields are validated empty, to say that they are
        raw: dict[str, Any] = {
            field: value
            for field, index in fields.items()
            if (value := cells[index]) is not None or field in required
        }
        reported: set[str] = set()
        if layout.reported:  # cells whose problem forms has told: not told again
            reported = {field for field, value in raw.items() if value is REPORTED}
            for field in reported:
                del raw[field]
        if place_office:
            office = office_of(data_row) if office_of is not None else None
            if office is None:
                continue  # the caller has said why, once for the sheet
            raw["office"] = office
        try:
            row = model.model_validate(raw, context=context)
        except ValidationError as exc:
            _repeated(_id_key(raw.get("asset_id")), where, ids, problems)
            for error in exc.errors(include_url=False):
                field = str(error["loc"][0]) if error["loc"] else ""
                if field in reported:
                    continue
                problems.append(
                    where.problem(error["msg"], column_of.get(field, field), raw.get(field))
                )
            continue
        if _repeated(row.__dict__["asset_id"], where, ids, problems) or reported:
            continue
        if layout.totals:
            amounts[data_row.number] = row.__dict__  # its values, for the totals
        yield where, row
    _check_totals(layout, problems, file, sheet, amounts)
    if not layout.data:
        at = layout.header[-1] if layout.header else None
        problems.append(Problem(file, at, None, None, None, "只有表头，没有数据行", sheet))


def _repeated(
    key: str | None, where: Where, ids: dict[str, Where], problems: list[Problem]
) -> bool:
    """Whether an asset id was seen before in the file (a problem); else note it."""
    if key is None:
        return False
    first = ids.get(key)
    if first is None:
        ids[key] = where
        return False
    if first.sheet == where.sheet:
        place = f"第 {first.row} 行"
    else:
        place = f"工作表「{first.sheet}」第 {first.row} 行"
    problems.append(where.problem(f"资产编号 {key} 与本文件{place}重复", "asset_id", key))
    return True


def _id_key(value: Any) -> str | None:
    try:
        return identifier(value)
    except PydanticCustomError:
        return None


def _check_totals(
    layout: Layout,
    problems: list[Problem],
    file: str,
    sheet: str | None,
    amounts: dict[int, dict[str, Any]],
) -> None:
    """Each total must equal the sum of the rows it closes, in every amount column.

    A total over a row with a problem is not judged: that row's problem comes first.
    """
    for total in layout.totals:
        if any(number not in amounts for number in total.closes):
            continue
        where = Where(file, sheet, total.row, layout)
        for field, column in layout.columns.items():
            if field not in words.MONEY_FIELDS:
                continue
            cell = total.cells[column.index] if column.index < len(total.cells) else None
            if cell is REPORTED or _empty(cell):
                continue
            try:
                stated = yuan(cell, column.unit)
            except PydanticCustomError as exc:
                problems.append(
                    where.problem(f"{total.word}行的金额无法读取：{exc}", field, cell)
                )
                continue
            name = _model_field(field)
            summed = sum((amounts[n].get(name) or ZERO for n in total.closes), ZERO)
            if summed == stated:
                continue
            rows = rows_closed(total.closes)
            unit = (
                ""
                if column.unit in (None, "元")
                else (
                    f"（表中以{column.unit}为单位：{_in_unit(stated, column.unit)} 与 "
                    f"{_in_unit(summed, column.unit)}）"
                )
            )
            problems.append(
                where.problem(
                    f"{total.word}为 {stated:,.2f} 元，而它所合计的{rows}之和为 "
                    f"{summed:,.2f} 元，二者不符，相差 {stated - summed:,.2f} 元{unit}；"
                    f"请核对各行金额与{total.word}，改正后再导入",
                    field,
                )
            )


def _in_unit(amount: Decimal, unit: str) -> str:
    return f"{(amount / words.UNITS[unit]).normalize():f}"


def rows_closed(numbers: list[int]) -> str:
    """The rows a total closes, as its messages name them: ``第 6–10 行``."""
    if not numbers:
        return "行（没有数据行）"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return (
            f"第 {numbers[0]}–{numbers[-1]} 行"
            if len(numbers) > 1
            else f"第 {numbers[0]} 行"
        )
    return f"第 {numbers[0]}–{numbers[-1]} 行中的 {len(numbers)} 个数据行"
