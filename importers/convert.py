"""Typed rows to Beancount directives (SPEC sections 2.2, 2.3 and 5), pure.

``LedgerIndex`` is what an import needs to know about the books it adds to: the declared
offices, the asset ids already held (and the values they were entered with), the
disposals already recorded, the accounts already open, and the balance of every office
account (``plugins.reader.read`` computes it, the same reading the rules use).

``inventory_entries`` and ``disposal_entries`` consume ``(row number, row)`` pairs and
yield directives as they go, so a large register is never held whole; problems (an
unknown office, an id already in the ledger with other values, …) are appended to a list
the caller owns, and accounts the new entries need but neither the ledger nor the import
opens are opened at the end.

Dedup (SPEC section 6): an inventory row whose ``asset-id`` the ledger holds with the same
values is skipped, with other values refused; a disposal row for an asset the ledger
already records as disposed of on the same date, with the same values, is skipped,
otherwise refused. A row repeated within one file is refused.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from beancount.core import account as account_lib
from beancount.core import data
from beancount.core.amount import Amount

from importers.problems import Problem
from importers.rows import DisposalRow
from importers.rows import InventoryRow
from importers.rows import Where
from plugins import model
from plugins import reader
from plugins import vocabulary

CNY = "CNY"
ZERO = Decimal(0)
FLAG = "*"
DUPLICATE = "__duplicate__"  # beangulp's and Fava's mark for an entry already held

ASSET_ROOT = {
    "Land": "Assets",
    "Buildings": "Assets",
    "Vehicles": "Assets",
    "Equipment": "Assets",
    "Enterprises": "Assets",
    "Receivables": "Assets",
    "Cash": "Assets",
    "Payables": "Liabilities",
}
PHYSICAL = frozenset({"Land", "Buildings", "Vehicles", "Equipment", "Enterprises"})
METHOD_WORDS = {"transfer": "无偿划转", "auction": "拍卖", "sale": "有偿转让"}

_LEAF_BAD = re.compile(r"[^\w-]|_", re.UNICODE)
_HYPHENS = re.compile(r"-{2,}")
_PLAIN_LEAF = re.compile(r"[A-Z0-9][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


def leaf_for(asset_id: str) -> str:
    """A valid last account component made from an asset id.

    ``JY-V-0001`` stays as it is; characters an account may not hold become ``-``; an
    id that does not start with a capital or a digit gets ``A-`` in front.
    """
    if _PLAIN_LEAF.fullmatch(asset_id):
        return asset_id
    leaf = _LEAF_BAD.sub("-", asset_id).strip("-")
    leaf = _HYPHENS.sub("-", leaf)
    if not leaf or not (leaf[0].isdigit() or (leaf[0].isupper() and leaf[0].isascii())):
        leaf = "A-" + leaf if leaf else "A"
    return leaf


@dataclasses.dataclass(frozen=True, slots=True)
class Held:
    """An asset, claim or debt the ledger holds, by its ``asset-id``."""

    account: str
    office: str | None
    category: str | None
    name: str | None
    acquired: datetime.date | None
    original_cost: Decimal | None
    appraisal: Decimal | None
    use: str | None
    opening: Decimal | None
    where: str
    asset_id: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Disposed:
    """A disposal the ledger records: a ``disposal:`` transaction crediting an asset."""

    date: datetime.date
    method: str | None
    approval: str | None
    appraisal: Decimal | None
    proceeds: Decimal
    recipient: str | None
    where: str


def _where(entry: Any) -> str:
    meta = getattr(entry, "meta", None) or {}
    return f"{meta.get('filename', '?')}:{meta.get('lineno', '?')}"


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, Amount):
        return value.number
    if isinstance(value, Decimal):
        return value
    return None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@dataclasses.dataclass
class LedgerIndex:
    """What the import needs to know about the ledger it adds to.

    Attributes:
        offices: The declared office codes, or None when there is no ledger to check
            against (inventory without ``--ledger``).
        held: Asset ids to what the ledger holds under them.
        disposed: Accounts to the disposals recorded against them.
        opens: Open accounts to their open dates.
        transfers: A recipient's code or name to its ``Equity:Transfers:<code>`` account.
        registrations: Office codes to the date of their (latest) registration.
        books: The model, for balances.
        named: An asset's ``name:`` to the ids held under it (a disposal result may
            name its lot and not its id).
    """

    offices: set[str] | None
    held: dict[str, Held] = dataclasses.field(default_factory=dict)
    disposed: dict[str, list[Disposed]] = dataclasses.field(default_factory=dict)
    opens: dict[str, datetime.date] = dataclasses.field(default_factory=dict)
    transfers: dict[str, str] = dataclasses.field(default_factory=dict)
    registrations: dict[str, datetime.date] = dataclasses.field(default_factory=dict)
    books: model.Books | None = None
    named: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    office_names: dict[str, str] = dataclasses.field(default_factory=dict)
    files: set[str] | None = None
    """The real paths of the ledger's files (main and included), when there is one."""
    """Declared office codes to their names, for a register that names its office only
    on its fill line (填报单位)."""

    @classmethod
    def empty(cls) -> LedgerIndex:
        """No ledger: nothing is held, and any office is accepted."""
        return cls(offices=None)

    @classmethod
    def from_entries(
        cls,
        entries: data.Directives,
        check_offices: bool = True,
        books: model.Books | None = None,
    ) -> LedgerIndex:
        """Index a ledger's entries (loaded, or parsed only: explicit amounts suffice);
        ``books``: the books already read from them, if any (the plugin's, in a load)."""
        entries = sorted(entries, key=data.entry_sortkey)
        if books is None:
            books = reader.read(entries, as_of=datetime.date.max)  # every entry, any date
        index = cls(offices=set(books.offices) if check_offices else None, books=books)
        index.office_names = {code: office.name for code, office in books.offices.items()}
        for office, registrations in books.registrations.items():
            if registrations:
                index.registrations[office] = registrations[-1].date
        openings: dict[str, Decimal] = {}
        by_account: dict[str, str] = {}
        for entry in entries:
            if isinstance(entry, data.Open):
                index.opens[entry.account] = entry.date
                meta = entry.meta or {}
                asset_id = _text(meta.get("asset-id"))
                if entry.account.startswith("Equity:Transfers:"):
                    code = entry.account.split(":", 2)[2]
                    index.transfers.setdefault(code, entry.account)
                    name = _text(meta.get("name"))
                    if name:
                        index.transfers.setdefault(name, entry.account)
                if asset_id is None:
                    continue
                role = books.role(entry.account)
                category = role.category.value if role and role.category else None
                acquired = meta.get("acquired")
                index.held[asset_id] = Held(
                    account=entry.account,
                    office=role.code if role else None,
                    category=category,
                    name=_text(meta.get("name")),
                    acquired=acquired if isinstance(acquired, datetime.date) else None,
                    original_cost=_amount(meta.get("original-cost")),
                    appraisal=_amount(meta.get("appraisal")),
                    use=_text(meta.get("use")),
                    opening=None,
                    where=_where(entry),
                    asset_id=asset_id,
                )
                by_account[entry.account] = asset_id
            elif isinstance(entry, data.Transaction):
                meta = entry.meta or {}
                asset_id = _text(meta.get("asset-id"))
                if asset_id is not None and "disposal" not in meta:
                    for posting in entry.postings:
                        held = index.held.get(asset_id)
                        if held is not None and posting.account == held.account:
                            if (
                                posting.units is not None
                                and posting.units.number is not None
                            ):
                                openings.setdefault(asset_id, posting.units.number)
                if "disposal" in meta:
                    index._add_disposal(entry, by_account)
        for asset_id, held in index.held.items():
            if held.name:
                index.named.setdefault(held.name, []).append(asset_id)
        for asset_id, number in openings.items():
            index.held[asset_id] = dataclasses.replace(index.held[asset_id], opening=number)
        return index

    def _add_disposal(self, entry: data.Transaction, by_account: dict[str, str]) -> None:
        meta = entry.meta
        method = meta.get("disposal")
        method = vocabulary.METHODS.get(method.strip()) if isinstance(method, str) else None
        proceeds = ZERO
        leaving = []
        for posting in entry.postings:
            number = posting.units.number if posting.units is not None else None
            if number is None:
                continue
            role = self.books.role(posting.account) if self.books else None
            if role is None or role.kind is not vocabulary.Kind.OFFICE:
                continue
            if role.category in vocabulary.MONEY and number > 0:
                proceeds += number
            elif posting.account in by_account and number < 0:
                leaving.append(posting.account)
        record = Disposed(
            date=entry.date,
            method=method,
            approval=_text(meta.get("approval")),
            appraisal=_amount(meta.get("appraisal")),
            proceeds=proceeds,
            recipient=_text(meta.get("recipient")),
            where=_where(entry),
        )
        for account in leaving:
            self.disposed.setdefault(account, []).append(record)

    def balance(self, account: str, date: datetime.date) -> Decimal:
        return self.books.balance(account, date) if self.books is not None else ZERO

    def office_of(self, account: str) -> str | None:
        role = self.books.role(account) if self.books is not None else None
        return role.code if role is not None else None


# --- Shared bookkeeping ---------------------------------------------------------------


@dataclasses.dataclass
class Group:
    """The rows of one office and category (or method) an import read, and their sums."""

    new: int = 0
    new_amount: Decimal = ZERO
    skipped: int = 0
    skipped_amount: Decimal = ZERO


@dataclasses.dataclass
class Stats:
    """What an import did: rows read, rows new, rows already in the ledger.

    ``groups`` breaks the rows down by ``(office, category)`` for a register and by
    ``(office, method)`` for disposal results, with the amounts booked or held: the
    carrying amount of a register's rows, the proceeds (or, for a transfer, the carrying
    amount) of a disposal's.
    """

    rows: int = 0
    new: int = 0
    skipped: int = 0
    entries: int = 0
    groups: dict[tuple[str, str], Group] = dataclasses.field(default_factory=dict)

    def count(self, office: str, kind: str, amount: Decimal, new: bool) -> None:
        group = self.groups.get((office, kind))
        if group is None:
            group = self.groups[(office, kind)] = Group()
        if new:
            self.new += 1
            group.new += 1
            group.new_amount += amount
        else:
            self.skipped += 1
            group.skipped += 1
            group.skipped_amount += amount


class _Context:
    """Problems, needed accounts and leaf names, shared by both conversions."""

    def __init__(self, filename: str, index: LedgerIndex, problems: list[Problem]) -> None:
        self.filename = filename
        self.index = index
        self.problems = problems
        self.needed: dict[str, tuple[datetime.date, int, str | None]] = {}
        self.taken: set[str] = set(index.opens)

    def problem(
        self, where: Where, message: str, field: str | None = None, value: Any = None
    ) -> None:
        self.problems.append(where.problem(message, field, value))

    def need(
        self, account: str, date: datetime.date, where: Where, field: str | None
    ) -> bool:
        """Note an account the entries use; False (and a problem) if it opens too late."""
        opened = self.index.opens.get(account)
        if opened is not None:
            if opened > date:
                self.problem(
                    where,
                    f"账本于 {opened} 才开设 {account}，晚于本行日期 {date}；"
                    "请把该账户的 open 日期提前",
                    field,
                    date.isoformat(),
                )
                return False
            return True
        current = self.needed.get(account)
        if current is None or date < current[0]:
            self.needed[account] = (date, where.row, None)
        return True

    def opens(self) -> Iterator[data.Open]:
        for account, (date, row, _) in sorted(self.needed.items()):
            meta = data.new_metadata(self.filename, row)
            yield data.Open(meta, date, account, [CNY], None)

    def meta(self, row: int, **values: Any) -> data.Meta:
        meta = data.new_metadata(self.filename, row)
        for key, value in values.items():
            if value is not None:
                meta[key.replace("_", "-")] = value
        return meta


# The directives are NamedTuples; their generated ``__new__`` (and Amount's, which asserts
# the types) cost more than the tuple itself. The numbers here are Decimals by
# construction, so the tuples are made directly: the same objects, at a third of the cost.
_tuple = tuple.__new__


def _money(number: Decimal | None) -> Amount | None:
    return _tuple(Amount, (number, CNY)) if number is not None else None


def _posting(account: str, number: Decimal) -> data.Posting:
    return _tuple(
        data.Posting, (account, _tuple(Amount, (number, CNY)), None, None, None, None)
    )


# --- Inventory --------------------------------------------------------------------------


def inventory_entries(
    rows: Iterable[tuple[Where, InventoryRow]],
    index: LedgerIndex,
    problems: list[Problem],
    *,
    filename: str,
    default_date: datetime.date | None = None,
    stats: Stats | None = None,
    keep_duplicates: bool = False,
) -> Iterator[data.Directive]:
    """Register rows to ``open`` directives and opening transactions (SPEC 2.2, 5).

    Args:
        rows: ``(where, InventoryRow)`` pairs, in file order.
        index: The ledger the import adds to (``LedgerIndex.empty()`` for none).
        problems: Receives every problem; a row with a problem yields nothing.
        filename: How the entries' metadata names the file.
        default_date: The booking date of rows without 登记日期 (``--date``); rows
            without either take their office's registration date in the ledger.
        stats: Receives counts.
        keep_duplicates: Yield the entries of rows the ledger already holds too, marked
            ``__duplicate__`` (beangulp and Fava show them greyed out).
    Yields:
        For each new row an ``open`` and (unless the carrying amount is zero) an opening
        transaction against ``Equity:Office:<OFFICE>:NetAssets``; at the end the opens
        of the accounts those need that the ledger lacks.
    """
    ctx = _Context(filename, index, problems)
    stats = stats if stats is not None else Stats()
    seen: dict[str, int] = {}
    offices, held_ids, registrations = index.offices, index.held, index.registrations
    bases: dict[str, bool] = {}  # account base to whether it is valid, per office/category
    for where, row in rows:
        stats.rows += 1
        first = seen.get(row.asset_id)
        if first is not None:
            ctx.problem(
                where,
                f"资产编号 {row.asset_id} 与本文件第 {first} 行重复",
                "asset_id",
                row.asset_id,
            )
            continue
        seen[row.asset_id] = where.row
        if offices is not None and row.office not in offices:
            ctx.problem(
                where,
                f"机构 {row.office} 未在账本中声明：请用 "
                f'`custom "office" "{row.office}" "名称"` 声明，或更正机构代码',
                "office",
                row.office,
            )
            continue
        booked = row.date or default_date or registrations.get(row.office)
        if booked is None:
            ctx.problem(
                where,
                "没有记账日期：请填写登记日期（date）列，或用 --date 指定",
                "date",
            )
            continue
        held = held_ids.get(row.asset_id)
        if held is not None:
            differences = _inventory_differences(row, held)
            if differences:
                ctx.problem(
                    where,
                    f"资产编号 {row.asset_id} 已在账本中（{held.account}，{held.where}），"
                    f"但与本文件的值不同：{'；'.join(differences)}；请更正文件或账本",
                    "asset_id",
                    row.asset_id,
                )
                continue
            stats.count(row.office, row.category, row.book_value, new=False)
            if keep_duplicates:
                for entry in _inventory_directives(ctx, row, booked, where, held.account):
                    entry.meta[DUPLICATE] = True
                    yield entry
            continue
        account, valid = _inventory_account(ctx, row, bases)
        if not valid:
            ctx.problem(
                where,
                f"生成的账户名 {account} 不符合 Beancount 的命名规则",
                "asset_id",
                row.asset_id,
            )
            continue
        equity = f"Equity:Office:{row.office}:NetAssets"
        if row.book_value and not ctx.need(equity, booked, where, "date"):
            continue
        ctx.taken.add(account)
        stats.count(row.office, row.category, row.book_value, new=True)
        for entry in _inventory_directives(ctx, row, booked, where, account):
            stats.entries += 1
            yield entry
    for entry in ctx.opens():
        stats.entries += 1
        yield entry


_SIMPLE_ACCOUNT = re.compile(r"(?:[A-Z0-9][A-Za-z0-9-]*)(?::[A-Z0-9][A-Za-z0-9-]*)+")
_ROOTS = ("Assets:", "Liabilities:", "Equity:", "Income:", "Expenses:")


def _valid_account(name: str) -> bool:
    """``account.is_valid``, with a fast path for plain ASCII names (most of them)."""
    if name.isascii() and name.startswith(_ROOTS) and _SIMPLE_ACCOUNT.fullmatch(name):
        return True
    return account_lib.is_valid(name)


def _inventory_account(
    ctx: _Context, row: InventoryRow, bases: dict[str, bool]
) -> tuple[str, bool]:
    """The row's account, and whether it is valid.

    Two ids can make one leaf (``A/1`` and ``A-1``): the later gets ``-2``, finding the
    earlier's account taken (``ctx.taken`` holds every account opened so far).

    An id of ASCII capitals, digits and single hyphens is a valid component, with a
    ``-2`` too; its account is then valid exactly when the base is, which ``bases``
    remembers per office and category. Other leaves are checked whole.
    """
    base = f"{ASSET_ROOT[row.category]}:Office:{row.office}:{row.category}"
    asset_id = row.asset_id
    plain = _PLAIN_LEAF.fullmatch(asset_id) is not None
    leaf = asset_id if plain else leaf_for(asset_id)
    account = f"{base}:{leaf}"
    suffix = 2
    while account in ctx.taken:
        account = f"{base}:{leaf}-{suffix}"
        suffix += 1
    if not plain:
        return account, _valid_account(account)
    valid = bases.get(base)
    if valid is None:
        valid = bases[base] = _valid_account(base)
    return account, valid


def _inventory_directives(
    ctx: _Context, row: InventoryRow, booked: datetime.date, where: Where, account: str
) -> list[data.Directive]:
    number = where.row
    # ctx.meta, unrolled: this runs for every row
    filename = ctx.filename
    meta: data.Meta = {
        "filename": filename,
        "lineno": number,
        "asset-id": row.asset_id,
        "name": row.name,
    }
    if row.acquired is not None:
        meta["acquired"] = row.acquired
    if row.original_cost is not None:
        meta["original-cost"] = _tuple(Amount, (row.original_cost, CNY))
    if row.appraisal is not None:
        meta["appraisal"] = _tuple(Amount, (row.appraisal, CNY))
    if row.use is not None:
        meta["use"] = row.use
    for key, value in row.described().items():
        meta[key] = _tuple(Amount, (value, CNY)) if key in _AMOUNT_META else value
    entries: list[data.Directive] = [
        _tuple(data.Open, (meta, booked, account, [CNY], None))
    ]
    if row.book_value:
        amount = -row.book_value if row.category == "Payables" else row.book_value
        equity = f"Equity:Office:{row.office}:NetAssets"
        entries.append(
            _tuple(
                data.Transaction,
                (
                    {"filename": filename, "lineno": number, "asset-id": row.asset_id},
                    booked,
                    FLAG,
                    None,
                    f"资产清查登记 {row.name}",
                    data.EMPTY_SET,
                    data.EMPTY_SET,
                    [_posting(account, amount), _posting(equity, -amount)],
                ),
            )
        )
    return entries


_AMOUNT_META = frozenset({"accumulated-depreciation"})
"""Descriptive metadata that is an amount in yuan."""


def _inventory_differences(row: InventoryRow, held: Held) -> list[str]:
    """What differs between a register row and what the ledger holds under its id."""
    found = []
    pairs = (
        ("机构代码（office）", row.office, held.office),
        ("资产类别（category）", row.category, held.category),
        ("资产名称（name）", row.name, held.name),
        ("取得日期（acquired）", row.acquired, held.acquired),
        ("原值（original-cost）", row.original_cost, held.original_cost),
        ("评估价值（appraisal）", row.appraisal, held.appraisal),
        ("用途（use）", row.use, held.use),
    )
    for label, mine, theirs in pairs:
        if mine != theirs:
            found.append(_difference(label, mine, theirs))
    if held.opening is not None:
        opening = -held.opening if row.category == "Payables" else held.opening
        if opening != row.book_value:
            found.append(_difference("账面净值（book-value）", row.book_value, opening))
    return found


def _difference(label: str, mine: Any, theirs: Any) -> str:
    """``资产名称（name）本文件为 '办公大楼'，账本为 '办公楼'``."""
    return f"{label}本文件为{_plain(mine)}，账本为{_plain(theirs)}"


def _plain(value: Any) -> str:
    """A value as a difference shows it, after 为: ``空``, or a space and the value."""
    if value is None:
        return "空"
    if isinstance(value, str):
        return " " + repr(value)
    return " " + str(value)


# --- Disposals --------------------------------------------------------------------------


def disposal_entries(
    rows: Iterable[tuple[Where, DisposalRow]],
    index: LedgerIndex,
    problems: list[Problem],
    *,
    filename: str,
    stats: Stats | None = None,
    keep_duplicates: bool = False,
) -> Iterator[data.Directive]:
    """Disposal results to transactions in the 政府会计制度 form of SPEC section 2.3.

    An auction or sale takes the asset's carrying amount (its balance in the ledger on
    the disposal date) to ``Expenses:Office:<O>:Disposal`` and books the proceeds into
    ``Assets:Office:<O>:Cash`` against ``Liabilities:Office:<O>:DueToTreasury``. A
    transfer moves the carrying amount to ``Equity:Transfers:<code>`` where the ledger
    opens one for the recipient (by code or by its ``name:``), else to
    ``Equity:Transfers``, with ``recipient:``. A row without an asset id (a trading
    centre's result names the lot, 标的名称) is matched to the one asset the ledger
    holds under that name, and refused where there is none or more than one.

    Args: as ``inventory_entries``.
    """
    ctx = _Context(filename, index, problems)
    stats = stats if stats is not None else Stats()
    seen: dict[str, int] = {}
    for where, row in rows:
        stats.rows += 1
        asset_id = row.asset_id or _asset_named(ctx, where, row)
        if asset_id is None:
            continue
        first = seen.get(asset_id)
        if first is not None:
            ctx.problem(
                where,
                f"资产 {asset_id} 已在本文件第 {first} 行处置，不能重复处置",
                "asset_id" if row.asset_id else "name",
                asset_id,
            )
            continue
        seen[asset_id] = where.row
        held = index.held.get(asset_id)
        if held is None:
            ctx.problem(
                where,
                f"资产编号 {asset_id} 不在账本中；请先导入资产清查登记表",
                "asset_id",
                asset_id,
            )
            continue
        if held.category not in PHYSICAL:
            ctx.problem(
                where,
                f"资产 {asset_id}（{held.account}）不属于土地、房屋、车辆、设备或企业"
                "（Land、Buildings、Vehicles、Equipment、Enterprises），只有这几类可以处置",
                "asset_id",
                asset_id,
            )
            continue
        if not _disposal_row_ok(ctx, where, row):
            continue
        office = held.office or index.office_of(held.account) or ""
        recorded = index.disposed.get(held.account, [])
        same_day = [d for d in recorded if d.date == row.date]
        if same_day:
            differences = _disposal_differences(row, same_day[0])
            if differences:
                ctx.problem(
                    where,
                    f"账本已记录这笔处置（{same_day[0].where}），但与本文件的值不同："
                    f"{'；'.join(differences)}；请更正文件或账本",
                    "asset_id",
                    asset_id,
                )
                continue
            carrying = -_disposed_amount(index, held.account, row.date)
            stats.count(office, row.method, _figure(row, carrying), new=False)
            if keep_duplicates:
                entries = _disposal_directives(ctx, row, held, where, carrying, False)
                for entry in entries or ():
                    entry.meta[DUPLICATE] = True
                    yield entry
            continue
        if recorded:
            ctx.problem(
                where,
                f"账本已记录资产 {asset_id} 于 {recorded[0].date} 处置"
                f"（{recorded[0].where}），不能再次处置",
                "date",
                row.date.isoformat(),
            )
            continue
        carrying = index.balance(held.account, row.date)
        if carrying <= 0:
            ctx.problem(
                where,
                f"{held.account} 在 {row.date} 的余额为 {carrying} CNY，"
                "没有可处置的账面价值",
                "date",
                row.date.isoformat(),
            )
            continue
        if not ctx.need(held.account, row.date, where, "date"):
            continue
        entries = _disposal_directives(ctx, row, held, where, carrying, True)
        if entries is None:
            continue
        stats.count(office, row.method, _figure(row, carrying), new=True)
        for entry in entries:
            stats.entries += 1
            yield entry
    for entry in ctx.opens():
        stats.entries += 1
        yield entry


def _figure(row: DisposalRow, carrying: Decimal) -> Decimal:
    """What a disposal row counts for in the summary: proceeds, or a transfer's value."""
    return carrying if row.method == "transfer" else row.proceeds or ZERO


def _asset_named(ctx: _Context, where: Where, row: DisposalRow) -> str | None:
    """The one asset the ledger holds under the row's name (标的名称), or a problem."""
    name = (row.name or "").strip()
    if not name:
        ctx.problem(where, "没有资产编号，也没有标的名称：请填写资产编号", "asset_id")
        return None
    found = ctx.index.named.get(name, [])
    if len(found) == 1:
        return found[0]
    if not found:
        ctx.problem(
            where,
            f"账本中没有名为 {name!r} 的资产；请在文件中加上资产编号（资产编号 列），"
            "或先导入资产清查登记表",
            "name",
            name,
        )
    else:
        ctx.problem(
            where,
            f"账本中有 {len(found)} 项资产名为 {name!r}（{'、'.join(found[:5])}）；"
            "请在文件中加上资产编号（资产编号 列）以指明是哪一项",
            "name",
            name,
        )
    return None


def _disposed_amount(index: LedgerIndex, account: str, date: datetime.date) -> Decimal:
    before = index.balance(account, date - datetime.timedelta(days=1))
    return index.balance(account, date) - before


def _disposal_row_ok(ctx: _Context, where: Where, row: DisposalRow) -> bool:
    ok = True
    if row.method == "transfer":
        if row.proceeds:
            ctx.problem(
                where,
                "无偿划转（transfer）没有成交金额；处置方式是否填错？",
                "proceeds",
                str(row.proceeds),
            )
            ok = False
        if row.counterparty is None:
            ctx.problem(
                where,
                "无偿划转须填写受让方（受让方 / counterparty 列）",
                "counterparty",
            )
            ok = False
    elif row.proceeds is None:
        ctx.problem(
            where,
            f"{METHOD_WORDS[row.method]}（{row.method}）须填写成交金额"
            "（成交金额 / proceeds 列）",
            "proceeds",
        )
        ok = False
    return ok


def _disposal_differences(row: DisposalRow, recorded: Disposed) -> list[str]:
    found = []
    proceeds = row.proceeds or ZERO if row.method != "transfer" else ZERO
    pairs: tuple[tuple[str, Any, Any], ...] = (
        ("处置方式（method）", row.method, recorded.method),
        ("批准文号（approval）", row.approval, recorded.approval),
        ("评估价值（appraisal）", row.appraisal, recorded.appraisal),
        ("成交金额（proceeds）", proceeds, recorded.proceeds),
    )
    if row.method == "transfer":
        pairs += (("受让方（recipient）", row.counterparty, recorded.recipient),)
    for label, mine, theirs in pairs:
        if mine != theirs:
            found.append(_difference(label, mine, theirs))
    return found


def _disposal_directives(
    ctx: _Context,
    row: DisposalRow,
    held: Held,
    where: Where,
    carrying: Decimal,
    new: bool,
) -> list[data.Directive] | None:
    office = held.office or ctx.index.office_of(held.account) or ""
    postings = [_posting(held.account, -carrying)]
    needed: list[str] = []
    recipient = None
    if row.method == "transfer":
        recipient = row.counterparty
        target = ctx.index.transfers.get(recipient or "", "Equity:Transfers")
        postings.append(_posting(target, carrying))
        needed.append(target)
    else:
        expense = f"Expenses:Office:{office}:Disposal"
        postings.append(_posting(expense, carrying))
        needed.append(expense)
        proceeds = row.proceeds or ZERO
        if proceeds:
            cash = f"Assets:Office:{office}:Cash"
            due = f"Liabilities:Office:{office}:DueToTreasury"
            postings.append(_posting(cash, proceeds))
            postings.append(_posting(due, -proceeds))
            needed += [cash, due]
    if new:
        for account in needed:
            if not ctx.need(account, row.date, where, None):
                return None
    meta = ctx.meta(
        where.row,
        disposal=row.method,
        approval=row.approval,
        appraisal=_money(row.appraisal),
        recipient=recipient,
        asset_id=held.asset_id or row.asset_id,
    )
    what = held.name or row.asset_id
    narration = f"{METHOD_WORDS[row.method]} {what}"
    return [
        data.Transaction(
            meta,
            row.date,
            FLAG,
            row.counterparty,
            narration,
            data.EMPTY_SET,
            data.EMPTY_SET,
            postings,
        )
    ]


# --- Dedup keys (beangulp) ----------------------------------------------------------------


def entry_key(entry: data.Directive) -> tuple[Any, ...] | None:
    """The identity an import dedups on: asset id, or asset id and date for a disposal."""
    meta = getattr(entry, "meta", None) or {}
    asset_id = _text(meta.get("asset-id"))
    if asset_id is None:
        return None
    if isinstance(entry, data.Open):
        return ("open", asset_id)
    if isinstance(entry, data.Transaction):
        if "disposal" in meta:
            return ("disposal", asset_id, entry.date)
        return ("opening", asset_id)
    return None


# --- Rendering --------------------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _meta_value(value: Any) -> str:
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, Amount):
        return f"{value.number} {value.currency}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)  # date, Decimal


_CACHE_SIZE = 4096

_PREFIXES: dict[str, str | None] = {}
"""Meta key to its line's start, ``"  asset-id: "``; None for the keys not written."""

_UNKNOWN: Any = object()

_ISO_DATES: dict[datetime.date, str] = {}
"""Dates already written: a register has few distinct ones, and str(date) costs 0.2 µs."""


def _prefix(key: str) -> str | None:
    prefix = None if key in ("filename", "lineno") or key.startswith("__") else f"  {key}: "
    if len(_PREFIXES) < _CACHE_SIZE:
        _PREFIXES[key] = prefix
    return prefix


def _iso(date: datetime.date) -> str:
    text = _ISO_DATES.get(date)
    if text is None:
        text = str(date)
        if len(_ISO_DATES) < _CACHE_SIZE and date.__class__ is datetime.date:
            _ISO_DATES[date] = text
    return text


def _meta_lines(meta: data.Meta) -> str:
    text = ""
    prefixes = _PREFIXES
    for key, value in meta.items():
        prefix = prefixes.get(key, _UNKNOWN)
        if prefix is None:
            continue
        if prefix is _UNKNOWN:
            prefix = _prefix(key)
            if prefix is None:
                continue
        cls = value.__class__  # the common classes first, without isinstance
        if cls is str:
            if "\\" in value or '"' in value:
                value = value.replace("\\", "\\\\").replace('"', '\\"')
            text += f'{prefix}"{value}"\n'
        elif cls is Amount:
            text += f"{prefix}{str(value.number)} {value.currency}\n"
        elif cls is datetime.date:
            text += f"{prefix}{_ISO_DATES.get(value) or _iso(value)}\n"
        else:
            text += f"{prefix}{_meta_value(value)}\n"
    return text


def render(entry: data.Directive) -> str:
    """The entry as ledger text; a fast path for the shapes the importers make.

    ``beancount.parser.printer`` takes some 15 µs an entry, more than reading a row; the
    importers' opens and transactions are simple enough to write directly. Anything else
    goes to the printer.
    """
    if isinstance(entry, data.Open) and entry.booking is None:
        currencies = " " + ",".join(entry.currencies) if entry.currencies else ""
        date = _ISO_DATES.get(entry.date) or _iso(entry.date)
        head = f"{date} open {entry.account}{currencies}\n"
        return head + _meta_lines(entry.meta)
    if isinstance(entry, data.Transaction) and not entry.tags and not entry.links:
        postings = entry.postings
        width = 0
        for p in postings:
            if p.cost is not None or p.price is not None or p.meta is not None:
                break
            if len(p.account) > width:
                width = len(p.account)
        else:
            date = _ISO_DATES.get(entry.date) or _iso(entry.date)
            head = f"{date} {entry.flag}"
            if entry.payee is not None:
                head += " " + _quote(entry.payee)
            text = (
                head + " " + _quote(entry.narration or "") + "\n" + _meta_lines(entry.meta)
            )
            width += 2
            for p in postings:
                units = p.units
                assert units is not None
                # str(number).rjust(16) is f"{number:>16}" for a Decimal, cheaper
                number = str(units.number).rjust(16)
                text += f"  {p.account.ljust(width)}{number} {units.currency}\n"
            return text
    from beancount.parser import printer

    return printer.format_entry(entry)
