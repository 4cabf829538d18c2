"""The reader: one pass over a ledger's entries into the books the rules read.

``read(entries, options_map, as_of=..., overrides=...)`` sorts the entries out, reads
and types every declaration and every metadata value a rule looks at, works out the
role of every account and the running balance of every office account, and files the
transactions each rule looks at. Whatever cannot be read becomes an LI-302 (or LI-301,
for an undeclared code) at the entry it came from, and is then treated as absent.
``no_gc`` pauses Python's cyclic collector while a ledger is read.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import regex
from beancount.core import account as account_lib
from beancount.core import data
from beancount.core.amount import Amount

from plugins import settings as settings_lib
from plugins.catalogue import shown
from plugins.catalogue import violation
from plugins.model import ZERO
from plugins.model import Asset
from plugins.model import Audit
from plugins.model import Books
from plugins.model import Decision
from plugins.model import Government
from plugins.model import History
from plugins.model import Office
from plugins.model import Program
from plugins.model import Registration
from plugins.model import Txn
from plugins.model import Window
from plugins.model import posting_number
from plugins.vocabulary import ACTIONS
from plugins.vocabulary import ASSET_CATEGORIES
from plugins.vocabulary import KINDS
from plugins.vocabulary import LEVELS
from plugins.vocabulary import LIABILITY_CATEGORIES
from plugins.vocabulary import METHODS
from plugins.vocabulary import USES
from plugins.vocabulary import Category
from plugins.vocabulary import Kind
from plugins.vocabulary import Role
from plugins.vocabulary import role_from_name

_VALID_ACCOUNT = regex.compile(account_lib.ACCOUNT_RE)
_UNKNOWN: Any = object()


class _Reader:
    """Reads metadata values, turning what cannot be read into LI-302."""

    def __init__(self, books: Books) -> None:
        self.books = books

    def bad(
        self,
        entry: Any,
        message: str,
        *,
        office: str | None = None,
        account: str | None = None,
        meta: data.Meta | None = None,
    ) -> None:
        self.books.errors.append(
            violation("LI-302", entry, message, office=office, account=account, meta=meta)
        )

    def undeclared(
        self,
        entry: Any,
        message: str,
        *,
        office: str | None = None,
        account: str | None = None,
    ) -> None:
        self.books.errors.append(
            violation("LI-301", entry, message, office=office, account=account)
        )

    def text(
        self, entry: Any, meta: data.Meta | None, key: str, **where: Any
    ) -> str | None:
        if not meta or key not in meta:
            return None
        value = meta[key]
        if isinstance(value, str):
            value = value.strip()
            return value or None
        self.bad(entry, f"`{key}:` 应为带引号的文本，实际为 {shown(value)}", **where)
        return None

    def date(
        self, entry: Any, meta: data.Meta | None, key: str, **where: Any
    ) -> datetime.date | None:
        if not meta or key not in meta:
            return None
        value = meta[key]
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.bad(entry, f"`{key}:` 应为日期，如 2015-08-31，实际为 {shown(value)}", **where)
        return None

    def money(
        self, entry: Any, meta: data.Meta | None, key: str, **where: Any
    ) -> Decimal | None:
        if not meta or key not in meta:
            return None
        value = meta[key]
        if (
            isinstance(value, Amount)
            and value.currency == "CNY"
            and value.number is not None
        ):
            return value.number
        if isinstance(value, Decimal) and not isinstance(value, bool):
            return value
        self.bad(
            entry,
            f"`{key}:` 应为人民币金额，如 120000.00 CNY，实际为 {shown(value)}",
            **where,
        )
        return None

    def count(
        self, entry: Any, meta: data.Meta | None, key: str, **where: Any
    ) -> int | None:
        if not meta or key not in meta:
            return None
        value = meta[key]
        if isinstance(value, Decimal) and value == value.to_integral_value() and value >= 0:
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        self.bad(entry, f"`{key}:` 应为非负整数，实际为 {shown(value)}", **where)
        return None

    def word(
        self, entry: Any, meta: data.Meta | None, key: str, vocabulary: Any, **where: Any
    ) -> str | None:
        text = self.text(entry, meta, key, **where)
        if text is None:
            return None
        if text in vocabulary:
            return vocabulary[text] if isinstance(vocabulary, dict) else text
        choices = sorted(
            set(vocabulary.values() if isinstance(vocabulary, dict) else vocabulary)
        )
        chinese = [word for word in vocabulary if not word.isascii()]
        also = f"（也可写{'、'.join(chinese)}）" if chinese else ""
        self.bad(
            entry,
            f"`{key}:` 的值 {text!r} 无法识别，应为 {'、'.join(choices)} 之一{also}",
            **where,
        )
        return None


def _custom_strings(entry: data.Custom) -> list[Any]:
    # a custom directive written with no values at all has None, not []
    return [getattr(v, "value", v) for v in entry.values or ()]


def _code(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return None


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a ledger is read.

    Reading makes a few objects per transaction and no cycles; with a whole ledger on
    the heap, each full collection walks every entry, which cost more than all the rules
    together (a third of the run on a 25k-transaction ledger), and half of what parsing
    and indexing a 200k-entry ledger costs an import.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(
    entries: data.Directives,
    options_map: dict[str, Any] | None = None,
    *,
    as_of: datetime.date | None = None,
    overrides: dict[str, Any] | None = None,
) -> Books:
    """Read a ledger's entries into Books.

    One pass sorts the entries out and reads the declarations and accounts; the
    transactions are read after the decisions, so that those of abolished offices can
    be filed by office as they are read.

    The books are the books as they stood at the end of the as-of date: an entry dated
    after it did not exist yet, and is left out (``books.later`` counts those entries,
    ``books.first_later`` is the first one's date). Every rule and report reads these
    books, so none of them judges, counts or totals a later entry, and a later entry
    neither rescues nor condemns an earlier one.

    Args:
        entries: The loaded entries, sorted as Beancount sorts them.
        options_map: The options (unused for now; kept for the plugin signature).
        as_of: The date the books are read up to (its entries included) and the rules
            judged at; today if None.
        overrides: Program settings that override every program's (plugin config).
    Returns:
        The books; ``books.errors`` holds the LI-301/LI-302 found while reading.
    """
    overrides = overrides or {}
    default_settings, _ = settings_lib.build(settings_lib.DEFAULT_PRESET, overrides)
    as_of = as_of or datetime.date.today()
    books = Books(as_of=as_of, default_settings=default_settings)
    reader = _Reader(books)
    customs: list[data.Custom] = []
    transactions: list[data.Transaction] = []
    later: list[data.Directive] = []

    for entry in entries:
        if entry.date > as_of:
            later.append(entry)
        elif isinstance(entry, data.Transaction):
            transactions.append(entry)
        elif isinstance(entry, data.Open):
            _read_open(books, reader, entry)
        elif isinstance(entry, data.Close):
            books.closes[entry.account] = entry
        elif isinstance(entry, data.Custom):
            if entry.type == "program":
                _read_program(books, reader, entry, overrides)
            else:
                customs.append(entry)

    if later:
        _note_later(books, later)

    # Declarations of offices and governments may come after the entries that name
    # them (a decision dated before its office's declaration is still its decision).
    for entry in customs:
        if entry.type == "government":
            _read_government(books, reader, entry)
        elif entry.type == "office":
            _read_office(books, reader, entry)
    for entry in customs:
        reader_fn = _CUSTOM_READERS.get(entry.type)
        if reader_fn is not None:
            reader_fn(books, reader, entry)
    books._watched = {code: [] for code in books.decisions if books.abolished_on(code)}
    books._transactions = transactions
    books._read_rest = _read_rest
    for entry in transactions:
        _read_transaction(books, reader, entry)
    _check_declarations(books, reader)
    return books


_DECLARATIONS = frozenset({"program", "government", "office"})


def _note_later(books: Books, later: list[data.Directive]) -> None:
    """Count the entries after as-of, and note the codes they declare (for LI-301's
    message: a code declared only later is not declared yet at as-of)."""
    books.later = len(later)
    books.first_later = min(entry.date for entry in later)
    for entry in later:
        if isinstance(entry, data.Custom) and entry.type in _DECLARATIONS:
            values = _custom_strings(entry)
            code = _code(values[0]) if values else None
            if code is not None:
                books.declared_later.setdefault((entry.type, code), entry.date)


def _not_declared(books: Books, kind: str, code: str, advice: str) -> str:
    """The end of an LI-301 message: ``未声明：<advice>``, or, for a code declared only
    after as-of, that it is not declared yet."""
    later = books.declared_later.get((kind, code))
    if later is None:
        return f"未声明：{advice}"
    return (
        f"截至 {books.as_of} 尚未声明（其声明日期 {later} 晚于截至日期；"
        "如声明日期有误，请更正）"
    )


def _read_program(
    books: Books, reader: _Reader, entry: data.Custom, overrides: dict[str, Any]
) -> None:
    values = _custom_strings(entry)
    code = _code(values[0]) if values else None
    if code is None:
        reader.bad(entry, '`custom "program"` 缺少方案代码，例如 "HB-2015"')
        return
    title = values[1] if len(values) > 1 and isinstance(values[1], str) else code
    preset = reader.word(entry, entry.meta, "preset", tuple(settings_lib.PRESETS))
    if preset is None:
        if "preset" not in entry.meta:
            reader.bad(
                entry,
                f'方案 {code} 没有 `preset:`（"beijing-2010" 或 "capital-2015"），'
                f"暂按 {settings_lib.DEFAULT_PRESET} 判定",
            )
        preset = settings_lib.DEFAULT_PRESET
    own = {k: v for k, v in entry.meta.items() if k in settings_lib.SETTING_KEYS}
    settings, problems = settings_lib.build(preset, own, overrides)
    for key, message in problems:
        if key in overrides:
            continue  # reported once, against the plugin config, by the engine
        reader.bad(entry, f"方案 {code} 中 {message}；已改用预设值")
    books.programs[code] = Program.model_construct(
        date=entry.date,
        entry=entry,
        code=code,
        title=title,
        preset=preset,
        document=reader.text(entry, entry.meta, "document"),
        settings=settings,
    )


def _read_government(books: Books, reader: _Reader, entry: data.Custom) -> None:
    values = _custom_strings(entry)
    code = _code(values[0]) if values else None
    if code is None:
        reader.bad(entry, '`custom "government"` 缺少政府代码，例如 "XN"')
        return
    name = values[1] if len(values) > 1 and isinstance(values[1], str) else code
    level = reader.word(entry, entry.meta, "level", LEVELS)
    books.governments[code] = Government.model_construct(
        date=entry.date,
        entry=entry,
        code=code,
        name=name,
        level=level,
        province=reader.text(entry, entry.meta, "province"),
        parent=reader.text(entry, entry.meta, "parent"),
    )


def _read_office(books: Books, reader: _Reader, entry: data.Custom) -> None:
    values = _custom_strings(entry)
    code = _code(values[0]) if values else None
    if code is None:
        reader.bad(entry, '`custom "office"` 缺少机构代码，例如 "XN-WH"')
        return
    name = values[1] if len(values) > 1 and isinstance(values[1], str) else code
    meta = entry.meta
    kind = reader.word(entry, meta, "kind", KINDS, office=code)
    books.offices[code] = Office.model_construct(
        date=entry.date,
        entry=entry,
        code=code,
        name=name,
        government=reader.text(entry, meta, "government", office=code),
        kind=kind or "government",
        host=reader.text(entry, meta, "host", office=code),
        host_province=reader.text(entry, meta, "host-province", office=code),
        program=reader.text(entry, meta, "program", office=code),
    )


def _office_arg(books: Books, reader: _Reader, entry: data.Custom) -> str | None:
    values = _custom_strings(entry)
    code = _code(values[0]) if values else None
    if code is None:
        reader.bad(entry, f'`custom "{entry.type}"` 的第一个参数应为机构代码')
        return None
    if code not in books.offices:
        reader.undeclared(
            entry,
            f'`custom "{entry.type}"` 指向的机构 {code} '
            + _not_declared(
                books,
                "office",
                code,
                f'请用 `custom "office" "{code}" "名称"` 声明，或更正代码',
            ),
            office=code,
        )
        return None
    return code


def _read_decision(books: Books, reader: _Reader, entry: data.Custom) -> None:
    office = _office_arg(books, reader, entry)
    if office is None:
        return
    values = _custom_strings(entry)
    raw = values[1] if len(values) > 1 else None
    action = ACTIONS.get(raw.strip()) if isinstance(raw, str) else None
    if action is None:
        reader.bad(
            entry,
            f"{office} 的决定 {shown(raw)} 无法识别，应为 retain、abolish 或 merge"
            "（保留、撤销、合并）",
            office=office,
        )
        return
    into = reader.text(entry, entry.meta, "into", office=office)
    if action == "merge" and into is None:
        reader.bad(
            entry,
            f"{office} 的合并决定没有 `into:`（合并后保留的机构）",
            office=office,
        )
    elif into is not None and into not in books.offices:
        reader.undeclared(
            entry,
            f"{office} 合并至 {into}，但 {into} "
            + _not_declared(
                books, "office", into, f'请用 `custom "office" "{into}"` 声明，或更正代码'
            ),
            office=office,
        )
        into = None
    books.decisions[office].append(
        Decision.model_construct(
            date=entry.date,
            entry=entry,
            office=office,
            action=action,
            approval=reader.text(entry, entry.meta, "approval", office=office),
            into=into,
        )
    )


def _read_audit(books: Books, reader: _Reader, entry: data.Custom) -> None:
    office = _office_arg(books, reader, entry)
    if office is None:
        return
    values = _custom_strings(entry)
    raw = values[1] if len(values) > 1 else None
    year = None
    if isinstance(raw, str) and raw.strip().isdigit():
        year = int(raw.strip())
    elif isinstance(raw, Decimal) and raw == raw.to_integral_value():
        year = int(raw)
    if year is None or not 1949 <= year <= 2200:
        reader.bad(
            entry,
            f'{office} 的审计年度 {shown(raw)} 无法识别，应写作年份，如 "2015"',
            office=office,
        )
        return
    books.audits[office].append(
        Audit.model_construct(
            date=entry.date,
            entry=entry,
            office=office,
            year=year,
            report=reader.text(entry, entry.meta, "report", office=office),
        )
    )


def _read_window(books: Books, reader: _Reader, entry: data.Custom) -> None:
    office = _office_arg(books, reader, entry)
    if office is None:
        return
    values = _custom_strings(entry)
    government = _code(values[1]) if len(values) > 1 else None
    if government is None:
        reader.bad(
            entry, f"{office} 的工作窗口没有注明所属政府（第二个参数）", office=office
        )
        return
    if government not in books.governments:
        reader.undeclared(
            entry,
            f"{office} 的工作窗口所属政府 {government} "
            + _not_declared(
                books,
                "government",
                government,
                f'请用 `custom "government" "{government}"` 声明，或更正代码',
            ),
            office=office,
        )
    books.windows.append(
        Window.model_construct(
            date=entry.date,
            entry=entry,
            office=office,
            government=government,
            staff=reader.count(entry, entry.meta, "staff", office=office),
        )
    )


def _read_registration(books: Books, reader: _Reader, entry: data.Custom) -> None:
    office = _office_arg(books, reader, entry)
    if office is None:
        return
    books.registrations[office].append(
        Registration.model_construct(
            date=entry.date,
            entry=entry,
            office=office,
            staff=reader.count(entry, entry.meta, "staff", office=office),
            established=reader.date(entry, entry.meta, "established", office=office),
        )
    )


_CUSTOM_READERS = {
    "decision": _read_decision,
    "audit": _read_audit,
    "window": _read_window,
    "registration": _read_registration,
}


def _read_open(books: Books, reader: _Reader, entry: data.Open) -> None:
    name = entry.account
    books.opens[name] = entry
    meta = entry.meta or {}
    role = role_from_name(name)
    office = reader.text(entry, meta, "office", account=name)
    category_name = reader.text(entry, meta, "category", account=name)
    if office is not None or category_name is not None:
        category = None
        if category_name is not None:
            category = ASSET_CATEGORIES.get(category_name) or LIABILITY_CATEGORIES.get(
                category_name
            )
            if category is None:
                known = sorted([*ASSET_CATEGORIES, *LIABILITY_CATEGORIES])
                reader.bad(
                    entry,
                    f"`category:` 的值 {category_name!r} 无法识别，"
                    f"应为 {'、'.join(known)} 之一",
                    account=name,
                )
        if office is None and role is not None and role.kind is Kind.OFFICE:
            office = role.code
        if office is not None:
            if category is None:
                category = role.category if role is not None else None
            role = Role(Kind.OFFICE, office, category)
    books.roles[name] = role
    if role is not None and role.kind is Kind.OFFICE:
        books.office_accounts[role.code].append(name)
        books.first_use.setdefault(role.code, entry.date)
        if not _VALID_ACCOUNT.fullmatch(name):
            reader.bad(entry, f"{name} 不是有效的账户名称", account=name)
    if role is not None and role.physical and meta:
        # the reader already typed every value: construct without validating again
        books.assets[name] = Asset.model_construct(
            account=name,
            asset_id=reader.text(entry, meta, "asset-id", account=name),
            name=reader.text(entry, meta, "name", account=name),
            acquired=reader.date(entry, meta, "acquired", account=name),
            original_cost=reader.money(entry, meta, "original-cost", account=name),
            use=reader.word(entry, meta, "use", USES, account=name),
        )


# Enum members bound once: `Kind.OFFICE` is an attribute lookup through the enum's
# metaclass, several times slower than a global, and the loop below runs per posting.
_OFFICE = Kind.OFFICE
_TREASURY = Kind.TREASURY
_RECEPTION = Category.RECEPTION
_DUE = Category.DUE_TO_TREASURY
_RECEIVABLES = Category.RECEIVABLES
_LAND = Category.LAND
_BUILDINGS = Category.BUILDINGS


def _read_transaction(books: Books, reader: _Reader, entry: data.Transaction) -> None:
    # The hot path: every transaction of the ledger comes through here once.
    roles = books.roles
    histories = books.histories
    watched_offices = books._watched
    date = entry.date
    treasury = property_in = paid_down = receivable_out = False
    reception: dict[str, Decimal] | None = None
    watched: list[str] | None = None
    for posting in entry.postings:
        account = posting.account
        role = roles.get(account, _UNKNOWN)
        if role is _UNKNOWN:
            role = books.role(account)
        if role is None:
            continue
        kind = role.kind
        if kind is _OFFICE:
            code = role.code
            if code in watched_offices and (watched is None or code not in watched):
                watched = [code] if watched is None else [*watched, code]
            category = role.category
            if category is _RECEPTION:
                number = posting_number(posting)
                if reception is None:
                    reception = {}
                reception[code] = reception.get(code, ZERO) + number
                continue
            if not role.balanced:
                continue
            number = posting_number(posting)
            history = histories.get(account)
            if history is None:
                history = histories[account] = History()
                if account not in books.opens:
                    books.office_accounts[role.code].append(account)
                books.first_use.setdefault(role.code, date)
            history._dates.append(date)  # History.add, inlined: hot
            history._numbers.append(number)
            if category is _DUE:
                paid_down = paid_down or number > 0
            elif category is _RECEIVABLES:
                receivable_out = receivable_out or number < 0
            elif number > 0 and (category is _LAND or category is _BUILDINGS):
                property_in = True
        elif kind is _TREASURY:
            treasury = True
    meta = entry.meta
    if not (
        treasury
        or property_in
        or paid_down
        or receivable_out
        or reception is not None
        or watched is not None
        or "disposal" in meta
        or "guests" in meta
    ):
        return  # no rule looks at it: Books.txns makes it if a report asks
    txn = _make_txn(books, reader, entry)
    if txn is None:
        return
    books._made[id(entry)] = txn
    if txn.disposal_given:
        books.disposals.append(txn)
    if reception is not None:
        txn.reception = reception
        books.receptions.append(txn)
    if watched is not None:
        for code in watched:
            books._watched[code].append(txn)
    if treasury:
        books.treasury_txns.append(txn)
    if property_in:
        books.property_in.append(txn)
    if (treasury or paid_down) and not txn.disposal_given:
        books.remit_txns.append(txn)
    if receivable_out:
        books.receivables_out.append(txn)


def _read_rest(books: Books) -> list[Txn]:
    """``Books.txns``: every transaction of interest, in order, those reading did not
    make made now (for the reports). Their unreadable metadata is not reported again."""
    quiet = _Reader(Books(as_of=books.as_of, default_settings=books.default_settings))
    made = books._made
    result = []
    for entry in books._transactions:
        txn = made.get(id(entry))
        if txn is None:
            txn = _make_txn(books, quiet, entry)
        if txn is not None:
            result.append(txn)
    return result


def _make_txn(books: Books, reader: _Reader, entry: data.Transaction) -> Txn | None:
    """The Txn of a transaction with its metadata read, or None if it is of no interest."""
    meta = entry.meta
    disposal_given = "disposal" in meta
    if not disposal_given and "guests" not in meta:
        roles = books.roles
        for posting in entry.postings:
            account = posting.account
            role = roles.get(account, _UNKNOWN)
            if role is _UNKNOWN:
                role = books.role(account)
            if role is not None:
                break
        else:
            return None
    txn = Txn(entry, books.roles, disposal_given)
    # a finding on the metadata names the office whose accounts the transaction moves
    read = disposal_given or "approval" in meta or "guests" in meta
    where = {"office": _office_of(books, entry)} if read else {}
    if disposal_given:
        txn.disposal = reader.word(entry, meta, "disposal", METHODS, **where)
        txn.price_approval = reader.text(entry, meta, "price-approval", **where)
        txn.appraisal = reader.money(entry, meta, "appraisal", **where)
        txn.appraisal_date = reader.date(entry, meta, "appraisal-date", **where)
        txn.recipient = reader.text(entry, meta, "recipient", **where)
    if "approval" in meta:
        txn.approval = reader.text(entry, meta, "approval", **where)
    if "guests" in meta:
        txn.guests = reader.count(entry, meta, "guests", **where)
    return txn


def _office_of(books: Books, entry: data.Transaction) -> str | None:
    """The first office whose account a transaction posts to, if any."""
    for posting in entry.postings:
        role = books.role(posting.account)
        if role is not None and role.kind is Kind.OFFICE:
            return role.code
    return None


def _check_declarations(books: Books, reader: _Reader) -> None:
    """LI-301 for codes that are used but not declared."""
    for code, office in books.offices.items():
        if office.government is not None and office.government not in books.governments:
            reader.undeclared(
                office.entry,
                f"机构 {code} 的派出政府 {office.government} "
                + _not_declared(
                    books,
                    "government",
                    office.government,
                    f'请用 `custom "government" "{office.government}"` 声明，或更正代码',
                ),
                office=code,
            )
        if office.program is not None and office.program not in books.programs:
            reader.undeclared(
                office.entry,
                f"机构 {code} 所属方案 {office.program} "
                + _not_declared(
                    books,
                    "program",
                    office.program,
                    f'请用 `custom "program" "{office.program}"` 声明，或更正代码',
                ),
                office=code,
            )
    for name, role in books.roles.items():
        if role is None:
            continue
        if role.kind is Kind.OFFICE and role.code not in books.offices:
            entry = books.opens.get(name)
            if entry is not None:
                reader.undeclared(
                    entry,
                    f"账户 {name} 所属机构 {role.code} "
                    + _not_declared(
                        books,
                        "office",
                        role.code,
                        f'请用 `custom "office" "{role.code}"` 声明，或更正账户名称',
                    ),
                    office=role.code,
                    account=name,
                )
        elif role.kind is Kind.TREASURY and role.code not in books.governments:
            entry = books.opens.get(name)
            if entry is not None:
                reader.undeclared(
                    entry,
                    f"国库账户 {name} 所属政府 {role.code} "
                    + _not_declared(
                        books,
                        "government",
                        role.code,
                        f'请用 `custom "government" "{role.code}"` 声明，或更正账户名称',
                    ),
                    account=name,
                )
