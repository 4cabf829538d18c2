"""The one reading of a liaison-office ledger that every rule and report shares.

``read(entries, options_map, as_of=..., overrides=...)`` walks the entries once and
returns ``Books``: the programs with their settings, governments, offices, decisions,
audits, windows, registrations, the role of every account (SPEC section 2.2), the
transactions that touch an office or carry ``disposal`` with their metadata typed, and
the running balance of every office account. Whatever cannot be read becomes an LI-302
(or LI-301, for an undeclared code) at the entry it came from, and is then treated as
absent.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime
import enum
import gc
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import regex
from beancount.core import account as account_lib
from beancount.core import data
from beancount.core.amount import Amount
from pydantic import BaseModel
from pydantic import ConfigDict

from plugins import settings as settings_lib
from plugins.rules import PolicyViolation
from plugins.rules import shown
from plugins.rules import violation
from plugins.settings import Settings

ZERO = Decimal(0)
_VALID_ACCOUNT = regex.compile(account_lib.ACCOUNT_RE)
_UNKNOWN: Any = object()


class Category(enum.StrEnum):
    """What an office account holds (SPEC section 2.2)."""

    LAND = "Land"
    BUILDINGS = "Buildings"
    VEHICLES = "Vehicles"
    EQUIPMENT = "Equipment"
    ENTERPRISES = "Enterprises"
    RECEIVABLES = "Receivables"
    CASH = "Cash"
    PAYABLES = "Payables"
    DUE_TO_TREASURY = "DueToTreasury"
    OTHER_ASSET = "OtherAsset"
    OTHER_LIABILITY = "OtherLiability"
    INCOME = "Income"
    RECEPTION = "Reception"
    DISPOSAL_EXPENSE = "Disposal"
    EXPENSE = "Expense"
    EQUITY = "Equity"


PHYSICAL = frozenset(
    {
        Category.LAND,
        Category.BUILDINGS,
        Category.VEHICLES,
        Category.EQUIPMENT,
        Category.ENTERPRISES,
    }
)
"""The physical assets: what must be disposed of by transfer, auction or sale."""

MONEY = frozenset({Category.CASH, Category.RECEIVABLES})
"""Where the proceeds of an auction or sale arrive."""

BALANCED = (
    PHYSICAL
    | MONEY
    | {
        Category.PAYABLES,
        Category.DUE_TO_TREASURY,
        Category.OTHER_ASSET,
        Category.OTHER_LIABILITY,
    }
)
"""The office accounts whose balances the rules and reports ask for (Assets, Liabilities):
the only ones whose history is kept."""

_ASSET_CATEGORIES = {c.value: c for c in (*PHYSICAL, *MONEY)}
_LIABILITY_CATEGORIES = {
    "Payables": Category.PAYABLES,
    "DueToTreasury": Category.DUE_TO_TREASURY,
}

METHODS = {
    "transfer": "transfer",
    "划转": "transfer",
    "无偿划转": "transfer",
    "auction": "auction",
    "拍卖": "auction",
    "sale": "sale",
    "有偿转让": "sale",
    "转让": "sale",
}
"""Disposal methods, as written in the ledger, to their canonical names."""

ACTIONS = {
    "retain": "retain",
    "保留": "retain",
    "abolish": "abolish",
    "撤销": "abolish",
    "merge": "merge",
    "整合": "merge",
    "合并": "merge",
}

USES = {
    "operating": "operating",
    "经营": "operating",
    "经营性": "operating",
    "reception": "reception",
    "接待": "reception",
    "office": "office",
    "办公": "office",
}

# The canonical words above, as the messages say them to an accountant.
METHOD_WORDS = {"transfer": "划转", "auction": "拍卖", "sale": "有偿转让"}
ACTION_WORDS = {"retain": "保留", "abolish": "撤销", "merge": "合并"}
USE_WORDS = {"operating": "经营", "reception": "接待", "office": "办公"}


class Kind(enum.StrEnum):
    """The role of an account that is not an office's own."""

    OFFICE = "office"
    TREASURY = "treasury"
    STATE = "state"
    TRANSFERS = "transfers"


@dataclasses.dataclass(frozen=True, slots=True)
class Role:
    """What an account is to the rules.

    Attributes:
        kind: office, treasury (``Assets:Treasury:<GOV>``), state (``Assets:State:*``)
            or transfers (``Equity:Transfers:*``).
        code: The office code, the government code, or the state unit's code.
        category: For office accounts, what the account holds.
    """

    kind: Kind
    code: str
    category: Category | None = None
    # worked out once: an enum member's hash is Python code, and these are asked often
    physical: bool = dataclasses.field(init=False, compare=False, repr=False)
    balanced: bool = dataclasses.field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "physical", self.category in PHYSICAL)
        object.__setattr__(self, "balanced", self.category in BALANCED)


def role_from_name(name: str) -> Role | None:
    """The role an account's name gives it, or None for accounts outside the scheme."""
    parts = name.split(":")
    if len(parts) < 3:
        if name == "Equity:Transfers":  # SPEC 5: transfers to a unit without an account
            return Role(Kind.TRANSFERS, "")
        return None
    root, group, code = parts[0], parts[1], parts[2]
    rest = parts[3] if len(parts) > 3 else None
    if group == "Office":
        if root == "Assets":
            category = _ASSET_CATEGORIES.get(rest or "", Category.OTHER_ASSET)
        elif root == "Liabilities":
            category = _LIABILITY_CATEGORIES.get(rest or "", Category.OTHER_LIABILITY)
        elif root == "Income":
            category = Category.INCOME
        elif root == "Expenses":
            if rest == "Reception":
                category = Category.RECEPTION
            elif rest == "Disposal":
                category = Category.DISPOSAL_EXPENSE
            else:
                category = Category.EXPENSE
        elif root == "Equity":
            category = Category.EQUITY
        else:
            return None
        return Role(Kind.OFFICE, code, category)
    if root == "Assets" and group == "Treasury":
        return Role(Kind.TREASURY, code)
    if root == "Assets" and group == "State":
        return Role(Kind.STATE, code)
    if root == "Equity" and group == "Transfers":
        return Role(Kind.TRANSFERS, code)
    return None


# --- Declarations --------------------------------------------------------------------


class _Declared(BaseModel):
    """A declaration, typed. The reader has already checked and typed every value, so
    these are made with ``model_construct`` and their validators are never built: that
    keeps them off the start-up of every bean-check and Fava reload."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    date: datetime.date
    entry: Any


class Program(_Declared):
    code: str
    title: str
    preset: str
    document: str | None = None
    settings: Settings


class Government(_Declared):
    code: str
    name: str
    level: str | None = None
    province: str | None = None
    parent: str | None = None


class Office(_Declared):
    code: str
    name: str
    government: str | None = None
    kind: str = "government"
    host: str | None = None
    host_province: str | None = None
    program: str | None = None


class Decision(_Declared):
    office: str
    action: str
    approval: str | None = None
    into: str | None = None


class Audit(_Declared):
    office: str
    year: int
    report: str | None = None


class Window(_Declared):
    office: str
    government: str
    staff: int | None = None


class Registration(_Declared):
    office: str
    staff: int | None = None
    established: datetime.date | None = None


class Asset(BaseModel):
    """An asset held one per account: the metadata on its ``open``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    account: str
    asset_id: str | None = None
    name: str | None = None
    acquired: datetime.date | None = None
    original_cost: Decimal | None = None
    use: str | None = None


# --- Transactions --------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Leg:
    """A posting with its account's role and its number (CNY)."""

    account: str
    role: Role | None
    number: Decimal
    posting: data.Posting


def add_days(date: datetime.date, days: int) -> datetime.date:
    """``date`` plus ``days``; a grace beyond the calendar never runs out (the last
    representable date)."""
    try:
        return date + datetime.timedelta(days=days)
    except OverflowError:  # a grace of millions of days means "never"
        return datetime.date.max


def _number(posting: data.Posting) -> Decimal:
    units = posting.units
    return units.number if units is not None and units.number is not None else ZERO


class Txn:
    """A transaction that touches an office, a treasury or a state unit, or disposes.

    Disposal metadata is read once, typed; what could not be read is None here (and an
    LI-302 in ``Books.errors``). The legs are made on first use: most transactions of a
    ledger are never looked at leg by leg, and making them all cost a tenth of a load.
    """

    __slots__ = (
        "entry",
        "_legs",
        "_roles",
        "disposal",
        "disposal_given",
        "approval",
        "price_approval",
        "appraisal",
        "appraisal_date",
        "recipient",
        "guests",
        "reception",
    )

    def __init__(
        self,
        entry: data.Transaction,
        roles: dict[str, Role | None],
        disposal_given: bool = False,
    ) -> None:
        # The books' roles, not the books: a reference back to Books would make a cycle,
        # and the whole reading would wait for the cyclic collector instead of being
        # freed the moment the rules are done.
        self.entry = entry
        self._legs: list[Leg] | None = None
        self._roles = roles
        self.disposal_given = disposal_given
        self.disposal: str | None = None
        self.approval: str | None = None
        self.price_approval: str | None = None
        self.appraisal: Decimal | None = None
        self.appraisal_date: datetime.date | None = None
        self.recipient: str | None = None
        self.guests: int | None = None
        self.reception: dict[str, Decimal] | None = None  # office -> Reception booked

    def __repr__(self) -> str:
        return f"Txn({self.entry.date} {self.entry.narration!r}, disposal={self.disposal})"

    @property
    def legs(self) -> list[Leg]:
        """Every posting with its account's role, in the transaction's order."""
        legs = self._legs
        if legs is None:
            roles = self._roles
            legs = self._legs = []
            for posting in self.entry.postings:
                account = posting.account
                role = roles.get(account, _UNKNOWN)
                if role is _UNKNOWN:
                    role = roles[account] = role_from_name(account)
                legs.append(Leg(account, role, _number(posting), posting))
        return legs

    @property
    def date(self) -> datetime.date:
        return self.entry.date

    def office_legs(self, office: str | None = None) -> Iterable[Leg]:
        for leg in self.legs:
            if leg.role is not None and leg.role.kind is Kind.OFFICE:
                if office is None or leg.role.code == office:
                    yield leg

    def disposing_office(self) -> str | None:
        """The office whose physical asset leaves; else the first office touched."""
        first = None
        for leg in self.office_legs():
            if leg.role is not None:
                if leg.role.physical and leg.number < 0:
                    return leg.role.code
                if first is None:
                    first = leg.role.code
        return first

    def is_opening(self, office: str) -> bool:
        """Registers an existing holding of ``office`` rather than acquiring one.

        Every leg is one of the office's own physical or Equity accounts (the inventory
        import books opening balances against ``Equity:Office:<OFFICE>:NetAssets``).
        """
        for leg in self.legs:
            role = leg.role
            if role is None or role.kind is not Kind.OFFICE or role.code != office:
                return False
            if not role.physical and role.category is not Category.EQUITY:
                return False
        return True

    def proceeds(self, office: str | None = None) -> Decimal:
        """What the transaction brings into Cash and Receivables (of ``office``)."""
        return sum(
            (
                leg.number
                for leg in self.office_legs(office)
                if leg.role is not None and leg.role.category in MONEY
            ),
            ZERO,
        )

    def carrying_amount(self, office: str | None = None) -> Decimal:
        """The carrying amount of the physical assets that leave (a positive number)."""
        return -sum(
            (
                leg.number
                for leg in self.office_legs(office)
                if leg.role is not None and leg.role.physical and leg.number < 0
            ),
            ZERO,
        )


class History:
    """The running balance of one account.

    Postings are only appended while reading (the hot path); the end-of-day balances are
    worked out on the first question, for the few accounts the rules ask about.
    """

    __slots__ = ("_dates", "_numbers", "_days", "_balances")

    def __init__(self) -> None:
        # two flat lists, not a list of pairs: a pair is one more object per posting
        self._dates: list[datetime.date] = []
        self._numbers: list[Decimal] = []
        self._days: list[datetime.date] | None = None
        self._balances: list[Decimal] = []

    def add(self, date: datetime.date, number: Decimal) -> None:
        self._dates.append(date)
        self._numbers.append(number)
        self._days = None

    def _settle(self) -> list[datetime.date]:
        if self._days is not None:
            return self._days
        days: list[datetime.date] = []
        balances: list[Decimal] = []
        running = ZERO
        for day, number in zip(self._dates, self._numbers, strict=True):
            running += number
            if days and days[-1] == day:
                balances[-1] = running
            else:
                days.append(day)
                balances.append(running)
        self._days, self._balances = days, balances
        return days

    @property
    def dates(self) -> list[datetime.date]:
        """The posting days, in order, each once."""
        return self._settle()

    @property
    def balances(self) -> list[Decimal]:
        """The balance at the end of each of ``dates``."""
        self._settle()
        return self._balances

    def at(self, date: datetime.date) -> Decimal:
        """The balance at the end of ``date``."""
        index = bisect.bisect_right(self._settle(), date)
        return self._balances[index - 1] if index else ZERO

    def cleared_after(self, date: datetime.date) -> datetime.date | None:
        """The first day after ``date`` on which the balance was zero, if any."""
        days = self._settle()
        index = bisect.bisect_right(days, date)
        for day, balance in zip(days[index:], self._balances[index:], strict=True):
            if balance == ZERO:
                return day
        return None


def _index_by_office(txns: list[Txn], index: dict[str, list[Txn]]) -> dict[str, list[Txn]]:
    """Fill ``index`` (office -> its transactions among ``txns``, in order) once."""
    if index or not txns:
        return index
    for txn in txns:
        seen = None
        for leg in txn.legs:
            role = leg.role
            if role is not None and role.kind is Kind.OFFICE and role.code != seen:
                bucket = index.setdefault(role.code, [])
                if not bucket or bucket[-1] is not txn:
                    bucket.append(txn)
                seen = role.code
    return index


@dataclasses.dataclass(frozen=True, slots=True)
class Remittance:
    """Money an office paid to its own government's treasury.

    Attributes:
        via: "国库" (moved into ``Assets:Treasury:<GOV>``) or "应缴财政款" (DueToTreasury
            paid down).
    """

    office: str
    date: datetime.date
    amount: Decimal
    via: str
    txn: Txn


def allocate_fifo(
    owed: Sequence[tuple[datetime.date, Decimal]],
    paid: Sequence[tuple[datetime.date, Decimal]],
) -> list[list[tuple[datetime.date, Decimal]]]:
    """Settle amounts owed with payments, oldest owed first.

    A payment dated before an amount was owed is not for it (nor for anything later:
    what is left of it is dropped). LD-212 and the disposal report both read
    remittances through this one function, so they always agree.

    Args:
        owed: (date, amount) in date order.
        paid: (date, amount) in date order.
    Returns:
        For each owed item, the (payment date, part of it) that settle it.
    """
    result: list[list[tuple[datetime.date, Decimal]]] = []
    index, spare = 0, ZERO  # the current payment, and how much of it is used
    for date, amount in owed:
        parts: list[tuple[datetime.date, Decimal]] = []
        left = amount
        while left > 0 and index < len(paid):
            day, total = paid[index]
            if day < date:
                index, spare = index + 1, ZERO
                continue
            used = min(total - spare, left)
            parts.append((day, used))
            left -= used
            if used == total - spare:
                index, spare = index + 1, ZERO
            else:
                spare += used
        result.append(parts)
    return result


# --- The books -----------------------------------------------------------------------


@dataclasses.dataclass
class Books:
    """Everything the rules and reports read, from one pass over the entries."""

    as_of: datetime.date
    default_settings: Settings
    programs: dict[str, Program] = dataclasses.field(default_factory=dict)
    governments: dict[str, Government] = dataclasses.field(default_factory=dict)
    offices: dict[str, Office] = dataclasses.field(default_factory=dict)
    decisions: dict[str, list[Decision]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )
    audits: dict[str, list[Audit]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )
    windows: list[Window] = dataclasses.field(default_factory=list)
    registrations: dict[str, list[Registration]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )
    opens: dict[str, data.Open] = dataclasses.field(default_factory=dict)
    closes: dict[str, data.Close] = dataclasses.field(default_factory=dict)
    roles: dict[str, Role | None] = dataclasses.field(default_factory=dict)
    assets: dict[str, Asset] = dataclasses.field(default_factory=dict)
    _transactions: list[data.Transaction] = dataclasses.field(
        default_factory=list, repr=False
    )
    _made: dict[int, Txn] = dataclasses.field(default_factory=dict, repr=False)
    _txns: list[Txn] | None = dataclasses.field(default=None, repr=False)
    disposals: list[Txn] = dataclasses.field(default_factory=list)
    receptions: list[Txn] = dataclasses.field(default_factory=list)
    treasury_txns: list[Txn] = dataclasses.field(default_factory=list)
    property_in: list[Txn] = dataclasses.field(default_factory=list)
    remit_txns: list[Txn] = dataclasses.field(default_factory=list)
    receivables_out: list[Txn] = dataclasses.field(default_factory=list)
    histories: dict[str, History] = dataclasses.field(default_factory=dict)
    office_accounts: dict[str, list[str]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )
    first_use: dict[str, datetime.date] = dataclasses.field(default_factory=dict)
    errors: list[PolicyViolation] = dataclasses.field(default_factory=list)

    # the transactions of offices abolished by as-of, filed while reading
    _watched: dict[str, list[Txn]] = dataclasses.field(default_factory=dict, repr=False)
    # lazy indexes by office: filled by _index_by_office on first use
    _by_office: dict[str, list[Txn]] = dataclasses.field(default_factory=dict, repr=False)
    _remit_index: dict[str, list[Txn]] = dataclasses.field(default_factory=dict, repr=False)
    _receivables_index: dict[str, list[Txn]] = dataclasses.field(
        default_factory=dict, repr=False
    )

    # -- transactions --

    @property
    def txns(self) -> list[Txn]:
        """Every transaction that touches an office, a treasury or a state unit, or that
        carries ``disposal`` or ``guests``, in date order.

        Reading makes a Txn only for what some rule looks at (the lists below, and the
        transactions of abolished offices); the rest are made here, on first use, for
        the reports. Their unreadable metadata is not reported again.
        """
        if self._txns is None:
            quiet = _Reader(Books(as_of=self.as_of, default_settings=self.default_settings))
            made = self._made
            result = []
            for entry in self._transactions:
                txn = made.get(id(entry))
                if txn is None:
                    txn = _make_txn(self, quiet, entry)
                if txn is not None:
                    result.append(txn)
            self._txns = result
        return self._txns

    def txns_of(self, office: str) -> list[Txn]:
        """The transactions touching ``office``'s accounts, in date order.

        The index is built on the first call, in one pass over ``txns``.
        """
        watched = self._watched.get(office)
        if watched is not None:
            return watched
        return _index_by_office(self.txns, self._by_office).get(office, [])

    def receivables_out_of(self, office: str) -> list[Txn]:
        """The transactions that reduce one of ``office``'s Receivables, in date order."""
        return _index_by_office(self.receivables_out, self._receivables_index).get(
            office, []
        )

    # -- accounts --

    def role(self, account: str) -> Role | None:
        try:
            return self.roles[account]
        except KeyError:
            role = self.roles[account] = role_from_name(account)
            return role

    def balance(self, account: str, date: datetime.date) -> Decimal:
        history = self.histories.get(account)
        return history.at(date) if history else ZERO

    def accounts_of(
        self, office: str, categories: Iterable[Category] | None = None
    ) -> list[str]:
        """The office's accounts (opened or posted to), optionally of some categories."""
        wanted = None if categories is None else frozenset(categories)
        result = []
        for name in self.office_accounts.get(office, ()):
            role = self.role(name)
            if role is not None and (wanted is None or role.category in wanted):
                result.append(name)
        return result

    # -- offices --

    def program_of(self, office: str) -> Program | None:
        declared = self.offices.get(office)
        if declared is None:
            return None
        if declared.program is not None:
            return self.programs.get(declared.program)
        if len(self.programs) == 1:
            return next(iter(self.programs.values()))
        return None

    def settings_for(self, office: str | None) -> Settings:
        program = self.program_of(office) if office else None
        return program.settings if program is not None else self.default_settings

    def level_key(self, office: str) -> str | None:
        """The level or kind by which the program judges the office (SPEC 2.1)."""
        declared = self.offices.get(office)
        if declared is None:
            return None
        if declared.kind in ("department", "devzone"):
            return declared.kind
        program = self.program_of(office)
        if declared.kind == "aid" and program is not None:
            s = program.settings
            if "aid" in s.kept_with_approval | s.kept_without_approval | s.abolished:
                return "aid"
        government = self.governments.get(declared.government or "")
        return government.level if government is not None else None

    def office_class(self, office: str) -> str | None:
        """``keep`` (without approval), ``approve`` (kept with approval) or ``abolish``.

        None where the office has no program or no level to judge it by.
        """
        program = self.program_of(office)
        key = self.level_key(office)
        if program is None or key is None:
            return None
        s = program.settings
        if key in s.abolished:
            return "abolish"
        if key in s.kept_without_approval:
            return "keep"
        return "approve"

    def decision_on(self, office: str, date: datetime.date) -> Decision | None:
        """The office's latest decision dated on or before ``date``."""
        latest = None
        for decision in self.decisions.get(office, ()):
            if decision.date <= date:
                latest = decision
        return latest

    def abolished_on(self, office: str) -> Decision | None:
        """The office's first abolish or merge decision on or before the as-of date."""
        for decision in self.decisions.get(office, ()):
            if decision.date > self.as_of:
                break
            if decision.action in ("abolish", "merge"):
                return decision
        return None

    def is_abolished(self, office: str, date: datetime.date) -> bool:
        decision = self.abolished_on(office)
        return decision is not None and decision.date <= date

    def remittances_of(self, office: str) -> list[Remittance]:
        """The office's remittances to its own treasury up to the as-of date, in order.

        A transaction without ``disposal`` remits what it moves from the office's Cash and
        Receivables into ``Assets:Treasury:<its government>``; failing that, what it pays
        down on the office's DueToTreasury (SPEC 2.3).
        """
        declared = self.offices.get(office)
        own = declared.government if declared is not None else None
        result = []
        for txn in _index_by_office(self.remit_txns, self._remit_index).get(office, ()):
            if txn.date > self.as_of:
                break
            into_treasury = out_of_office = paid_down = ZERO
            for leg in txn.legs:
                role = leg.role
                if role is None:
                    continue
                if role.kind is Kind.TREASURY:
                    if role.code == own and leg.number > 0:
                        into_treasury += leg.number
                elif role.kind is Kind.OFFICE and role.code == office:
                    if role.category in MONEY and leg.number < 0:
                        out_of_office -= leg.number
                    elif role.category is Category.DUE_TO_TREASURY and leg.number > 0:
                        paid_down += leg.number
            if into_treasury > 0 and out_of_office > 0:
                result.append(
                    Remittance(
                        office, txn.date, min(into_treasury, out_of_office), "国库", txn
                    )
                )
            elif paid_down > 0:
                result.append(Remittance(office, txn.date, paid_down, "应缴财政款", txn))
        return result

    def merge_survivors(self) -> set[str]:
        """Offices that are the ``into`` of some merge decision."""
        return {
            d.into
            for decisions in self.decisions.values()
            for d in decisions
            if d.action == "merge" and d.into
        }


# --- Reading -------------------------------------------------------------------------


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

    Args:
        entries: The loaded entries, sorted as Beancount sorts them.
        options_map: The options (unused for now; kept for the plugin signature).
        as_of: The date deadline rules are judged at; today if None.
        overrides: Program settings that override every program's (plugin config).
    Returns:
        The books; ``books.errors`` holds the LI-301/LI-302 found while reading.
    """
    overrides = overrides or {}
    default_settings, _ = settings_lib.build(settings_lib.DEFAULT_PRESET, overrides)
    books = Books(as_of=as_of or datetime.date.today(), default_settings=default_settings)
    reader = _Reader(books)
    customs: list[data.Custom] = []
    transactions: list[data.Transaction] = []

    for entry in entries:
        if isinstance(entry, data.Transaction):
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
    for entry in transactions:
        _read_transaction(books, reader, entry)
    _check_declarations(books, reader)
    return books


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
    level = reader.word(entry, entry.meta, "level", settings_lib.LEVELS)
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
    kind = reader.word(entry, meta, "kind", settings_lib.KINDS, office=code)
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
            f'`custom "{entry.type}"` 指向的机构 {code} 未声明：请用 '
            f'`custom "office" "{code}" "名称"` 声明，或更正代码',
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
            f'{office} 合并至 {into}，但 {into} 未声明：请用 `custom "office" "{into}"` '
            "声明，或更正代码",
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
            f"{office} 的工作窗口所属政府 {government} 未声明：请用 "
            f'`custom "government" "{government}"` 声明，或更正代码',
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
            category = _ASSET_CATEGORIES.get(category_name) or _LIABILITY_CATEGORIES.get(
                category_name
            )
            if category is None:
                known = sorted([*_ASSET_CATEGORIES, *_LIABILITY_CATEGORIES])
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
                number = _number(posting)
                if reception is None:
                    reception = {}
                reception[code] = reception.get(code, ZERO) + number
                continue
            if not role.balanced:
                continue
            number = _number(posting)
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
                f"机构 {code} 的派出政府 {office.government} 未声明：请用 "
                f'`custom "government" "{office.government}"` 声明，或更正代码',
                office=code,
            )
        if office.program is not None and office.program not in books.programs:
            reader.undeclared(
                office.entry,
                f"机构 {code} 所属方案 {office.program} 未声明：请用 "
                f'`custom "program" "{office.program}"` 声明，或更正代码',
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
                    f"账户 {name} 所属机构 {role.code} 未声明：请用 "
                    f'`custom "office" "{role.code}"` 声明，或更正账户名称',
                    office=role.code,
                    account=name,
                )
        elif role.kind is Kind.TREASURY and role.code not in books.governments:
            entry = books.opens.get(name)
            if entry is not None:
                reader.undeclared(
                    entry,
                    f"国库账户 {name} 所属政府 {role.code} 未声明：请用 "
                    f'`custom "government" "{role.code}"` 声明，或更正账户名称',
                    account=name,
                )
