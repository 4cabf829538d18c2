"""The books' typed model: what the rules and the reports read of a ledger.

``Books`` holds, from one reading of the entries (``plugins.reader.read``), the
programs with their settings, governments, offices, decisions, audits, windows and
registrations (pydantic declarations, already typed), the role of every account, the
transactions that touch an office or dispose (``Txn``: their metadata typed, their
postings as ``Leg``s), and the running balance of every office account (``History``).
Its methods answer the questions the rules share: an office's program and settings,
its decisions, whether it is abolished, its remittances (settled oldest first by
``allocate_fifo``, which LD-212 and the disposal report both use).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount.core import data
from pydantic import BaseModel
from pydantic import ConfigDict

from plugins.catalogue import PolicyViolation
from plugins.settings import Settings
from plugins.vocabulary import MONEY
from plugins.vocabulary import Category
from plugins.vocabulary import Kind
from plugins.vocabulary import Role
from plugins.vocabulary import role_from_name

ZERO = Decimal(0)
_UNKNOWN: Any = object()


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


def posting_number(posting: data.Posting) -> Decimal:
    """A posting's number (its units'), zero where Beancount left it empty."""
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
                legs.append(Leg(account, role, posting_number(posting), posting))
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
    """Everything the rules and reports read, from one pass over the entries.

    ``plugins.reader.read`` makes and fills it; the rules and reports only read it.
    The books are the books as they stood at the end of ``as_of``: an entry dated after
    it is not in them (``later`` counts those, ``first_later`` is the first one's date).
    """

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
    # how the rest of ``_transactions`` become Txns, on first use of ``txns``: the
    # reader's (a plain function, not a closure over these books: no reference cycle)
    _read_rest: Callable[[Books], list[Txn]] | None = dataclasses.field(
        default=None, repr=False
    )
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
    # the entries dated after as-of, which the books leave out: how many, the first date
    later: int = 0
    first_later: datetime.date | None = None
    # the programs, governments and offices declared only after as-of, (type, code) ->
    # the first such date: LI-301 says of such a code that it is not declared yet
    declared_later: dict[tuple[str, str], datetime.date] = dataclasses.field(
        default_factory=dict
    )

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
            read_rest = self._read_rest
            self._txns = read_rest(self) if read_rest else list(self._made.values())
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
