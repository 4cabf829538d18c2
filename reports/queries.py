"""What the reports read from the books, beyond what the model holds: names, the assets
disposed of with their remittances, each office's holdings, balances by category.

Everything is judged at ``books.as_of``: entries dated after it are ignored, balances
are taken at the end of that day. The reports, the export (``reports.export``) and the
Fava page share these readings; nothing here reads or writes a file.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from decimal import ROUND_HALF_UP
from decimal import Decimal

from plugins import model
from plugins.catalogue import PolicyViolation
from plugins.vocabulary import Category
from reports.labels import KIND_ZH
from reports.labels import LEVEL_ZH
from reports.tables import CENT
from reports.tables import ZERO


def txns_until(books: model.Books) -> list[model.Txn]:
    """The transactions dated on or before the as-of date."""
    return [t for t in books.txns if t.date <= books.as_of]


def office_name(books: model.Books, office: str) -> str:
    declared = books.offices.get(office)
    return declared.name if declared is not None else office


def government_name(books: model.Books, code: str | None) -> str:
    if not code:
        return ""
    government = books.governments.get(code)
    return government.name if government is not None else code


def asset_label(books: model.Books, account: str) -> tuple[str, str]:
    """The asset's id and name: from its ``open`` metadata, else its account."""
    asset = books.assets.get(account)
    leaf = account.rsplit(":", 1)[-1]
    asset_id = asset.asset_id if asset is not None and asset.asset_id else leaf
    name = asset.name if asset is not None and asset.name else account
    return asset_id, name


def day_before(date: datetime.date) -> datetime.date:
    return date - datetime.timedelta(days=1)


def split(total: Decimal | None, weights: Sequence[Decimal]) -> list[Decimal | None]:
    """``total`` shared in proportion to ``weights``, to the cent, adding up exactly."""
    if total is None:
        return [None] * len(weights)
    if len(weights) == 1:
        return [total]
    whole = sum(weights, ZERO)
    shares: list[Decimal | None] = []
    given = ZERO
    for index, weight in enumerate(weights):
        if index == len(weights) - 1:
            shares.append(total - given)
        else:
            share = (
                (total * weight / whole).quantize(CENT, ROUND_HALF_UP)
                if whole
                else (total / len(weights)).quantize(CENT, ROUND_HALF_UP)
            )
            shares.append(share)
            given += share
    return shares


def violations_by_office(violations: Iterable[PolicyViolation]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for v in violations:
        if v.office:
            result[v.office].append(v.code)
    return result


def violations_by_entry(violations: Iterable[PolicyViolation]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    for v in violations:
        if v.entry is not None:
            result[id(v.entry)].append(v.code)
    return result


Remittance = model.Remittance


def remittances(books: model.Books) -> dict[str, list[Remittance]]:
    """Every office's remittances to its own treasury up to the as-of date, in order.

    The model's reading (``Books.remittances_of``), which LD-212 uses too.
    """
    result = {}
    for office in sorted(books.office_accounts):
        found = books.remittances_of(office)
        if found:
            result[office] = found
    return result


@dataclasses.dataclass
class Disposed:
    """One asset leaving an office's books: a row of the disposal report."""

    office: str
    account: str
    category: Category | None
    txn: model.Txn
    method: str | None
    carrying: Decimal
    appraisal: Decimal | None
    proceeds: Decimal | None
    below: str
    remitted: list[tuple[datetime.date, Decimal]] = dataclasses.field(default_factory=list)

    @property
    def remitted_total(self) -> Decimal:
        return sum((amount for _, amount in self.remitted), ZERO)

    @property
    def outstanding(self) -> Decimal | None:
        if self.proceeds is None:
            return None
        return self.proceeds - self.remitted_total


def disposed_assets(books: model.Books) -> list[Disposed]:
    """Every physical asset that left an office up to the as-of date, oldest first.

    A transaction with ``disposal`` gives a row per physical account it takes out; so
    does one without, where an abolished office's asset leaves on or after its
    abolition (its method is then 未注明: LD-201). Where one transaction disposes of
    several assets, its appraisal and proceeds are shared in proportion to their
    carrying amounts. Proceeds of auctions and sales are matched with the office's
    remittances oldest first.
    """
    rows: list[Disposed] = []
    for txn in txns_until(books):
        by_office: dict[str, list[model.Leg]] = defaultdict(list)
        for leg in txn.office_legs():
            if leg.role is not None and leg.role.physical and leg.number < 0:
                by_office[leg.role.code].append(leg)
        for office, legs in by_office.items():
            if not txn.disposal_given and not books.is_abolished(office, txn.date):
                continue
            method = txn.disposal
            weights = [-leg.number for leg in legs]
            sells = method in ("auction", "sale")
            proceeds = txn.proceeds(office) if sells else None
            appraisal_shares = split(txn.appraisal, weights)
            proceeds_shares = split(proceeds, weights)
            below = ""
            if sells:
                if txn.appraisal is None:
                    below = "无评估"
                else:
                    tolerance = books.settings_for(office).tolerance(txn.appraisal)
                    assert proceeds is not None
                    if proceeds < txn.appraisal - tolerance:
                        below = (
                            f"是（已批准 {txn.price_approval}）"
                            if txn.price_approval
                            else "是"
                        )
                    else:
                        below = "否"
            for leg, weight, appraisal, share in zip(
                legs, weights, appraisal_shares, proceeds_shares, strict=True
            ):
                rows.append(
                    Disposed(
                        office=office,
                        account=leg.account,
                        category=leg.role.category if leg.role is not None else None,
                        txn=txn,
                        method=method,
                        carrying=weight,
                        appraisal=appraisal,
                        proceeds=share,
                        below=below,
                    )
                )
    _match_remittances(rows, remittances(books))
    return rows


def _match_remittances(rows: list[Disposed], paid: dict[str, list[Remittance]]) -> None:
    """Give each row with proceeds its remittances, oldest proceeds first (FIFO), by the
    same allocation LD-212 judges with."""
    owed: dict[str, list[Disposed]] = defaultdict(list)
    for row in rows:  # rows are in date order
        if row.proceeds and row.proceeds > 0:
            owed[row.office].append(row)
    for office, items in owed.items():
        payments = [(r.date, r.amount) for r in paid.get(office, ())]
        settled = model.allocate_fifo(
            [(r.txn.date, r.proceeds or ZERO) for r in items], payments
        )
        for row, parts in zip(items, settled, strict=True):
            row.remitted = parts


def program_note(books: model.Books) -> str:
    """The programs' titles and documents, for the subtitle."""
    parts = []
    for program in books.programs.values():
        document = f"（{program.document}）" if program.document else ""
        parts.append(f"{program.title}{document}")
    return "；".join(parts)


def sorted_offices(books: model.Books) -> list[str]:
    def key(code: str) -> tuple[str, str]:
        declared = books.offices[code]
        return (declared.government or "", code)

    return sorted(books.offices, key=key)


@dataclasses.dataclass
class Holdings:
    """An office's physical assets: count and value at the start, disposed, left."""

    start_count: int = 0
    start_value: Decimal = ZERO
    disposed_count: int = 0
    disposed_value: Decimal = ZERO
    left_count: int = 0
    left_value: Decimal = ZERO


def holdings(books: model.Books, disposed: Sequence[Disposed]) -> dict[str, Holdings]:
    """Every office's physical assets up to the as-of date.

    An asset is a physical account. What it was worth at the start is what is left on
    it plus what was disposed of from it, so start = disposed + left holds for counts
    and values; an account emptied without a disposal row (written off) counts as
    neither.
    """
    out_by_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in disposed:
        out_by_account[item.account] += item.carrying
    result: dict[str, Holdings] = defaultdict(Holdings)
    for office in books.offices:
        result[office]  # every declared office has a row
    for office, accounts in books.office_accounts.items():
        h = result[office]
        for account in accounts:
            role = books.role(account)
            if role is None or not role.physical:
                continue
            left = books.balance(account, books.as_of)
            out = out_by_account.get(account, ZERO)
            if left == ZERO and out == ZERO:
                continue
            h.start_count += 1
            h.start_value += left + out
            h.disposed_value += out
            h.left_value += left
            if left != ZERO:
                h.left_count += 1
            else:
                h.disposed_count += 1
    return result


def category_balance(
    books: model.Books, office: str, category: Category, date: datetime.date
) -> Decimal:
    return sum(
        (books.balance(a, date) for a in books.accounts_of(office, (category,))), ZERO
    )


def registration_of(books: model.Books, office: str) -> model.Registration | None:
    for registration in books.registrations.get(office, ()):
        if registration.date <= books.as_of:
            return registration
    return None


def level_text(books: model.Books, office: str) -> str:
    declared = books.offices[office]
    government = books.governments.get(declared.government or "")
    level = LEVEL_ZH.get(government.level or "", "") if government is not None else ""
    kind = KIND_ZH.get(declared.kind, declared.kind)
    return f"{level}{kind}" if level else kind
