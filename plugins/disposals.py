"""Rules on disposals (LD-201 … LD-213): how an office's assets leave, where the money goes.

The umbrella plugin runs them with every other rule; write in the ledger::

    plugin "plugins.rules"
    plugin "plugins.rules" "{'as-of': '2016-01-01', 'loss-tolerance': '0.05'}"

Codes raised here (``liaison explain CODE`` prints one):

LD-201 disposal-method · LD-202 below-appraisal · LD-203 transfer-improper ·
LD-204 disposal-unapproved · LD-205 disposal-overdue · LD-206 proceeds-unremitted ·
LD-207 misappropriation · LD-208 claims-unsettled · LD-209 acquisition-after-abolition ·
LD-210 accounts-not-closed · LD-211 proceeds-as-income · LD-212 proceeds-held ·
LD-213 appraisal-stale

LD-202, LD-203, LD-204, LD-211, LD-212 and LD-213 judge every transaction that carries
``disposal:``; the others judge offices abolished or merged on or before the as-of date.
Deadline rules (LD-205, LD-206, LD-208, LD-210, LD-212) are judged only once the as-of
date is past the deadline; the deadline day itself is in time, and a late clearance stays
a violation. ``docs/readings.md`` says how each rule reads SPEC.

An auction that passes (政府会计制度: carrying amount to 资产处置费用, proceeds owed as
应缴财政款, then remitted)::

    2015-08-20 * "咸宁市公共资源交易中心" "拍卖 鄂L12345"
      disposal: "auction"
      approval: "咸机管〔2015〕21号"
      appraisal: 120000.00 CNY
      Assets:Office:XN-JY-WH:Vehicles:V0001        -150000.00 CNY
      Expenses:Office:XN-JY-WH:Disposal             150000.00 CNY
      Assets:Office:XN-JY-WH:Cash                   121000.00 CNY
      Liabilities:Office:XN-JY-WH:DueToTreasury    -121000.00 CNY

    2015-08-25 * "上缴国库" "拍卖收入上缴"
      Liabilities:Office:XN-JY-WH:DueToTreasury     121000.00 CNY
      Assets:Office:XN-JY-WH:Cash                  -121000.00 CNY

and one that fails LD-202 (sold below its appraisal, no ``price-approval:``) and LD-211
(the proceeds booked as the office's income)::

    2015-08-20 * "咸宁市公共资源交易中心" "拍卖 鄂L12345"
      disposal: "auction"
      approval: "咸机管〔2015〕21号"
      appraisal: 120000.00 CNY
      Assets:Office:XN-JY-WH:Vehicles:V0001        -150000.00 CNY
      Expenses:Office:XN-JY-WH:Disposal             150000.00 CNY
      Assets:Office:XN-JY-WH:Cash                   100000.00 CNY
      Income:Office:XN-JY-WH:Other                 -100000.00 CNY
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from decimal import Decimal

from plugins.model import MONEY
from plugins.model import PHYSICAL
from plugins.model import ZERO
from plugins.model import Books
from plugins.model import Category
from plugins.model import Decision
from plugins.model import Kind
from plugins.model import Leg
from plugins.model import Txn
from plugins.model import add_days
from plugins.model import allocate_fifo
from plugins.rules import PolicyViolation
from plugins.rules import violation

_OWN_CASH_SINKS = frozenset({Category.CASH, Category.PAYABLES, Category.DUE_TO_TREASURY})
"""Where an abolished office's cash may go among its own accounts (LD-207)."""

_ASSETS = PHYSICAL | MONEY | {Category.OTHER_ASSET}
"""Office categories that are assets: another office's may receive a transfer."""

_SOLD = ("auction", "sale")


# --- Wording -------------------------------------------------------------------------


def _cny(number: Decimal) -> str:
    return f"{number:,.2f} CNY"


def _office(books: Books, code: str | None) -> str:
    if code is None:
        return "no office"
    declared = books.offices.get(code)
    return f"office {code} ({declared.name})" if declared is not None else f"office {code}"


def _asset(books: Books, account: str) -> str:
    asset = books.assets.get(account)
    if asset is None:
        return account
    label = " ".join(part for part in (asset.asset_id, asset.name) if part)
    return f"{account} ({label})" if label else account


def _abolition(decision: Decision) -> str:
    if decision.action == "merge" and decision.into:
        return f"merged into {decision.into} on {decision.date}"
    return f"{'merged' if decision.action == 'merge' else 'abolished'} on {decision.date}"


def _approval(txn: Txn, leg: Leg) -> bool:
    """The transaction, or the posting itself, carries ``approval:``."""
    if txn.approval is not None:
        return True
    value = (leg.posting.meta or {}).get("approval")
    return isinstance(value, str) and bool(value.strip())


# --- Shared readings -----------------------------------------------------------------


def _abolished(books: Books) -> dict[str, Decision]:
    """Every office abolished or merged on or before the as-of date, by its decision."""
    result = {}
    for office in books.decisions:
        decision = books.abolished_on(office)
        if decision is not None:
            result[office] = decision
    return result


def _abolished_by(abolished: dict[str, Decision], office: str, date: datetime.date) -> bool:
    decision = abolished.get(office)
    return decision is not None and decision.date <= date


def _after_abolition(
    books: Books, abolished: dict[str, Decision]
) -> Iterator[tuple[str, Decision, Txn]]:
    """(office, decision, txn) for every transaction of an abolished office on or after
    its abolition: only those offices' transactions are visited."""
    for office, decision in abolished.items():
        txns = books.txns_of(office)
        start = bisect.bisect_left(txns, decision.date, key=_txn_date)
        for txn in txns[start:]:
            yield office, decision, txn


def _txn_date(txn: Txn) -> datetime.date:
    return txn.entry.date


def _held_after_dispose_by(
    books: Books, categories: frozenset[Category]
) -> Iterator[tuple[str, Decision, str, datetime.date, Decimal]]:
    """Accounts of abolished offices with a balance at the end of dispose-by.

    Yields (office, decision, account, dispose-by, balance), only where the as-of date
    is past the office's dispose-by.
    """
    for office, decision in _abolished(books).items():
        deadline = books.settings_for(office).dispose_by
        if books.as_of <= deadline:
            continue
        for account in books.accounts_of(office, categories):
            balance = books.balance(account, deadline)
            if balance != ZERO:
                yield office, decision, account, deadline, balance


def _still(books: Books, account: str, deadline: datetime.date) -> str:
    """When a balance held at the deadline cleared, or what it still is."""
    history = books.histories.get(account)
    cleared = history.cleared_after(deadline) if history is not None else None
    if cleared is not None and cleared <= books.as_of:
        return f"it was cleared late, on {cleared}"
    left = books.balance(account, books.as_of)
    return f"on {books.as_of} it still carries {_cny(abs(left))}"


def _at_open(books: Books, account: str, office: str) -> object:
    """The entry a balance or deadline violation points at: the account's open."""
    entry = books.opens.get(account)
    if entry is None:
        declared = books.offices.get(office)
        return declared.entry if declared is not None else None
    return entry


# --- The rules -----------------------------------------------------------------------


def find_disposal_method(books: Books) -> Iterator[PolicyViolation]:
    """LD-201: an abolished office's physical asset leaves without a permitted method."""
    for office, decision, txn in _after_abolition(books, _abolished(books)):
        if txn.disposal is not None:
            continue
        for leg in txn.legs:
            role = leg.role
            if role is None or role.code != office:
                continue
            if role.category not in PHYSICAL or leg.number >= 0:
                continue
            why = (
                "its `disposal:` cannot be read"
                if txn.disposal_given
                else "it has no `disposal:`"
            )
            yield violation(
                "LD-201",
                txn.entry,
                f"{_asset(books, leg.account)} of {_office(books, role.code)} "
                f"({_abolition(decision)}) leaves its account by {_cny(-leg.number)} on "
                f"{txn.date}, but {why}; an abolished office's assets go only by "
                'transfer, auction or sale: add `disposal: "transfer"` (or "auction", '
                '"sale") and its `approval:`',
                office=role.code,
                account=leg.account,
                meta=leg.posting.meta,
            )


def find_below_appraisal(books: Books) -> Iterator[PolicyViolation]:
    """LD-202: an auction or sale below its appraisal (less tolerance), or unappraised."""
    for txn in books.disposals:
        if txn.disposal not in _SOLD:
            continue
        office = txn.disposing_office()
        proceeds = txn.proceeds(office)
        if txn.appraisal is None:
            yield violation(
                "LD-202",
                txn.entry,
                f"the {txn.disposal} of {txn.date} by {_office(books, office)} has no "
                f"appraisal (proceeds {_cny(proceeds)}); an auction or sale needs "
                "`appraisal: <amount> CNY` (评估价值) and a price no lower",
                office=office,
            )
            continue
        settings = books.settings_for(office)
        floor = txn.appraisal - settings.tolerance(txn.appraisal)
        if proceeds >= floor or txn.price_approval is not None:
            continue
        allowed = (
            f"appraisal {_cny(txn.appraisal)}"
            if floor == txn.appraisal
            else f"appraisal {_cny(txn.appraisal)} less the loss-tolerance, {_cny(floor)}"
        )
        yield violation(
            "LD-202",
            txn.entry,
            f"the {txn.disposal} of {txn.date} by {_office(books, office)} brought "
            f"{_cny(proceeds)}, below its {allowed}, without `price-approval:`; record "
            "the approval to sell below the appraised value, or recover the difference",
            office=office,
        )


def find_transfer_improper(books: Books) -> Iterator[PolicyViolation]:
    """LD-203: a transfer with no recipient, not to a state unit, or short of its value."""
    abolished = _abolished(books)
    for txn in books.disposals:
        if txn.disposal != "transfer":
            continue
        office = txn.disposing_office()
        where = f"the transfer of {txn.date} by {_office(books, office)}"
        if txn.recipient is None:
            yield violation(
                "LD-203",
                txn.entry,
                f"{where} names no `recipient:`; add the receiving state unit, e.g. "
                '`recipient: "咸宁市机关事务管理局"`',
                office=office,
            )
        to_state = ZERO
        for leg in txn.legs:
            if leg.number <= 0:
                continue
            role = leg.role
            if role is not None and (
                role.kind in (Kind.STATE, Kind.TRANSFERS)
                or (
                    role.kind is Kind.OFFICE
                    and role.code != office
                    and role.category in _ASSETS
                    and not _abolished_by(abolished, role.code, txn.date)
                )
            ):
                to_state += leg.number
                continue
            yield violation(
                "LD-203",
                txn.entry,
                f"{where} moves {_cny(leg.number)} to {leg.account}, not a state unit; "
                "a transfer goes to Assets:State:*, Equity:Transfers:* or another, "
                "not abolished, office's assets; anything else is a sale or a loss",
                office=office,
                account=leg.account,
                meta=leg.posting.meta,
            )
        carrying = txn.carrying_amount(office)
        if to_state < carrying:
            yield violation(
                "LD-203",
                txn.entry,
                f"{where} moves {_cny(to_state)} to state units, less than the carrying "
                f"amount {_cny(carrying)} of what leaves; a transfer moves the full "
                "carrying amount",
                office=office,
            )


def find_disposal_unapproved(books: Books) -> Iterator[PolicyViolation]:
    """LD-204: a transaction with ``disposal:`` and no ``approval:``."""
    for txn in books.disposals:
        if txn.disposal_given and txn.approval is None:
            office = txn.disposing_office()
            yield violation(
                "LD-204",
                txn.entry,
                f"the {txn.disposal or 'disposal'} of {txn.date} by "
                f"{_office(books, office)} has no `approval:`; add the approval's "
                'document number, e.g. `approval: "咸机管〔2015〕21号"`',
                office=office,
            )


def find_disposal_overdue(books: Books) -> Iterator[PolicyViolation]:
    """LD-205: an abolished office's physical asset still has a balance after dispose-by."""
    found = _held_after_dispose_by(books, PHYSICAL)
    for office, decision, account, deadline, balance in found:
        yield violation(
            "LD-205",
            _at_open(books, account, office),
            f"{_asset(books, account)} of {_office(books, office)} "
            f"({_abolition(decision)}) still carried {_cny(balance)} at the end of "
            f"dispose-by {deadline}; {_still(books, account, deadline)}. Dispose of it by "
            "transfer, auction or sale",
            office=office,
            account=account,
        )


def find_proceeds_unremitted(books: Books) -> Iterator[PolicyViolation]:
    """LD-206: an abolished office holds cash or owes the treasury after dispose-by, or
    pays another government's treasury."""
    found = _held_after_dispose_by(
        books, frozenset({Category.CASH, Category.DUE_TO_TREASURY})
    )
    for office, decision, account, deadline, balance in found:
        yield violation(
            "LD-206",
            _at_open(books, account, office),
            f"{account} of {_office(books, office)} ({_abolition(decision)}) still "
            f"carried {_cny(abs(balance))} at the end of dispose-by {deadline}; "
            f"{_still(books, account, deadline)}. Remit the money to the treasury of "
            f"{_government(books, office)}",
            office=office,
            account=account,
        )
    abolished = _abolished(books)
    for txn in books.treasury_txns:
        paid = [
            leg
            for leg in txn.legs
            if leg.role is not None and leg.role.kind is Kind.TREASURY and leg.number > 0
        ]
        if not paid:
            continue  # the common case, kept cheap
        payers = set()
        for leg in txn.legs:
            role = leg.role
            if (
                role is not None
                and role.code in abolished
                and (
                    (role.category is Category.CASH and leg.number < 0)
                    or (role.category is Category.DUE_TO_TREASURY and leg.number > 0)
                )
            ):
                payers.add(role.code)
        for office in sorted(payers):
            own = books.offices[office].government if office in books.offices else None
            if own is None:
                continue
            for leg in paid:
                role = leg.role
                if role is not None and role.code != own:
                    yield violation(
                        "LD-206",
                        txn.entry,
                        f"on {txn.date} {_office(books, office)} paid {_cny(leg.number)} "
                        f"into {leg.account}, the treasury of {role.code}, not of its own "
                        f"dispatcher {own}; recover it and remit to Assets:Treasury:{own}",
                        office=office,
                        account=leg.account,
                        meta=leg.posting.meta,
                    )


def _government(books: Books, office: str) -> str:
    declared = books.offices.get(office)
    if declared is None or declared.government is None:
        return "its dispatching government"
    return f"its dispatcher {declared.government} (Assets:Treasury:{declared.government})"


def find_misappropriation(books: Books) -> Iterator[PolicyViolation]:
    """LD-207: after abolition, an office's cash goes somewhere not permitted."""
    abolished = _abolished(books)
    for office, decision, txn in _after_abolition(books, abolished):
        if txn.disposal is not None:
            continue
        spends = False
        for leg in txn.legs:
            role = leg.role
            if (
                role is not None
                and role.code == office
                and role.category is Category.CASH
                and leg.number < 0
            ):
                spends = True
                break
        if not spends:
            continue
        declared = books.offices.get(office)
        own = declared.government if declared is not None else None
        wrong = []
        for leg in txn.legs:
            if leg.number <= 0:
                continue
            role = leg.role
            if role is not None:
                if role.kind is Kind.TREASURY and own is not None and role.code == own:
                    continue
                if (
                    role.kind is Kind.OFFICE
                    and role.code == office
                    and role.category in _OWN_CASH_SINKS
                ):
                    continue
            if leg.account.startswith("Expenses:") and _approval(txn, leg):
                continue
            wrong.append(leg)
        if not wrong:
            continue
        legs = ", ".join(f"{_cny(leg.number)} to {leg.account}" for leg in wrong)
        yield violation(
            "LD-207",
            txn.entry,
            f"on {txn.date} {_office(books, office)} "
            f"({_abolition(decision)}) paid {legs} from its cash; "
            "an abolished office's cash goes only to its own treasury, its payables or "
            "DueToTreasury, a disposal, or an expense with `approval:`. Recover it, "
            "or record the approval",
            office=office,
            account=wrong[0].account,
        )


def find_claims_unsettled(books: Books) -> Iterator[PolicyViolation]:
    """LD-208: an abolished office's claims unsettled by dispose-by, or written off
    without approval."""
    found = _held_after_dispose_by(
        books, frozenset({Category.RECEIVABLES, Category.PAYABLES})
    )
    for office, decision, account, deadline, balance in found:
        role = books.roles.get(account)
        what = "payable" if role and role.category is Category.PAYABLES else "receivable"
        yield violation(
            "LD-208",
            _at_open(books, account, office),
            f"the {what} {account} of {_office(books, office)} "
            f"({_abolition(decision)}) was unsettled at the end of dispose-by "
            f"{deadline} ({_cny(abs(balance))}); {_still(books, account, deadline)}. "
            "Collect or pay it; a write-off needs `approval:`",
            office=office,
            account=account,
        )
    for office in _abolished(books):
        for txn in books.receivables_out_of(office):
            for leg in txn.legs:
                role = leg.role
                if (
                    role is None
                    or role.code != office
                    or role.category is not Category.RECEIVABLES
                    or leg.number >= 0
                ):
                    continue
                offsets = [
                    other
                    for other in txn.legs
                    if other.number > 0
                    and other.account.startswith(("Expenses:", "Equity:"))
                    and not _approval(txn, other)
                ]
                if not offsets:
                    continue
                yield violation(
                    "LD-208",
                    txn.entry,
                    f"on {txn.date} {_office(books, role.code)} wrote off "
                    f"{_cny(-leg.number)} of {leg.account} to "
                    f"{', '.join(other.account for other in offsets)} without `approval:`; "
                    "collect the claim, or record the approval of the write-off",
                    office=role.code,
                    account=leg.account,
                    meta=leg.posting.meta,
                )


def find_acquisition_after_abolition(books: Books) -> Iterator[PolicyViolation]:
    """LD-209: an abolished office acquires a physical asset after its abolition."""
    survivors = books.merge_survivors()
    for office, decision, txn in _after_abolition(books, _abolished(books)):
        for leg in txn.legs:
            role = leg.role
            if role is None or role.code != office:
                continue
            if role.category not in PHYSICAL or leg.number <= 0:
                continue
            if txn.disposal == "transfer" and role.code in survivors:
                continue
            if txn.is_opening(role.code):
                continue
            yield violation(
                "LD-209",
                txn.entry,
                f"on {txn.date} {_office(books, role.code)} ({_abolition(decision)}) "
                f"acquired {_cny(leg.number)} into "
                f"{_asset(books, leg.account)}; an abolished office only winds down: "
                "reverse the acquisition",
                office=role.code,
                account=leg.account,
                meta=leg.posting.meta,
            )


def find_accounts_not_closed(books: Books) -> Iterator[PolicyViolation]:
    """LD-210: an abolished office's Assets or Liabilities accounts stay open too long."""
    for office, decision in _abolished(books).items():
        settings = books.settings_for(office)
        limit = add_days(settings.dispose_by, settings.close_grace)
        if books.as_of <= limit:
            continue
        for account in books.accounts_of(office):
            entry = books.opens.get(account)
            if entry is None or not account.startswith(("Assets:", "Liabilities:")):
                continue
            close = books.closes.get(account)
            if close is not None and close.date <= limit:
                continue
            state = f"it was closed late, on {close.date}" if close else "it is still open"
            yield violation(
                "LD-210",
                entry,
                f"{account} of {_office(books, office)} ({_abolition(decision)}) was "
                f"not closed by {limit} (dispose-by {settings.dispose_by} + "
                f"{settings.close_grace} days); {state}. Bring it to zero and `close` it",
                office=office,
                account=account,
            )


def find_proceeds_as_income(books: Books) -> Iterator[PolicyViolation]:
    """LD-211: a disposal books anything to an Income account."""
    for txn in books.disposals:
        if not txn.disposal_given:
            continue
        office = None
        for leg in txn.legs:
            if not leg.account.startswith("Income:"):
                continue
            office = office or txn.disposing_office()
            due = (
                f"Liabilities:Office:{office}:DueToTreasury" if office else "DueToTreasury"
            )
            yield violation(
                "LD-211",
                txn.entry,
                f"the {txn.disposal or 'disposal'} of {txn.date} by "
                f"{_office(books, office)} books {_cny(abs(leg.number))} to {leg.account}; "
                f"proceeds belong to the treasury: owe them as {due} (应缴财政款)",
                office=office,
                account=leg.account,
                meta=leg.posting.meta,
            )


def find_proceeds_held(books: Books) -> Iterator[PolicyViolation]:
    """LD-212: proceeds not remitted within remit-within days, oldest first."""
    proceeds: dict[str, list[tuple[Txn, Decimal]]] = defaultdict(list)
    for txn in books.disposals:
        if txn.disposal in _SOLD:
            office = txn.disposing_office()
            if office is not None:
                amount = txn.proceeds(office)
                if amount > 0:
                    proceeds[office].append((txn, amount))
    for office, items in proceeds.items():
        within = books.settings_for(office).remit_within
        paid = [(r.date, r.amount) for r in books.remittances_of(office)]
        settled = allocate_fifo([(txn.date, amount) for txn, amount in items], paid)
        for (txn, amount), parts in zip(items, settled, strict=True):
            due = add_days(txn.date, within)
            owed = amount - sum((part for _, part in parts), ZERO)
            late_parts = [(day, part) for day, part in parts if day > due]
            late = sum((part for _, part in late_parts), ZERO)
            if books.as_of <= due or (owed == ZERO and late == ZERO):
                continue
            messages = []
            if late > 0:
                messages.append(f"{_cny(late)} was remitted late, on {late_parts[-1][0]}")
            if owed > 0:
                messages.append(f"{_cny(owed)} is still held on {books.as_of}")
            yield violation(
                "LD-212",
                txn.entry,
                f"of the {_cny(amount)} proceeds of the {txn.disposal} of {txn.date} by "
                f"{_office(books, office)}, due at the treasury by {due} "
                f"({within} days), {' and '.join(messages)}; remit proceeds to "
                f"{_government(books, office)} within {within} days",
                office=office,
            )


def find_appraisal_stale(books: Books) -> Iterator[PolicyViolation]:
    """LD-213: an auction or sale on an appraisal older than appraisal-valid days."""
    for txn in books.disposals:
        if txn.disposal not in _SOLD or txn.appraisal_date is None:
            continue
        office = txn.disposing_office()
        valid = books.settings_for(office).appraisal_valid
        age = (txn.date - txn.appraisal_date).days
        if age <= valid:
            continue
        yield violation(
            "LD-213",
            txn.entry,
            f"the {txn.disposal} of {txn.date} by {_office(books, office)} relies on an "
            f"appraisal of {txn.appraisal_date}, {age} days old (valid {valid} days); "
            "appraise again and record the new `appraisal:` and `appraisal-date:`",
            office=office,
        )


FINDERS: dict[str, Callable[[Books], Iterable[PolicyViolation]]] = {
    "LD-201": find_disposal_method,
    "LD-202": find_below_appraisal,
    "LD-203": find_transfer_improper,
    "LD-204": find_disposal_unapproved,
    "LD-205": find_disposal_overdue,
    "LD-206": find_proceeds_unremitted,
    "LD-207": find_misappropriation,
    "LD-208": find_claims_unsettled,
    "LD-209": find_acquisition_after_abolition,
    "LD-210": find_accounts_not_closed,
    "LD-211": find_proceeds_as_income,
    "LD-212": find_proceeds_held,
    "LD-213": find_appraisal_stale,
}
"""Every disposal rule's find function, by code."""
