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
a violation. Every rule reads the books as they stood at the end of the as-of date: an
entry dated after it is not in them (``plugins.reader.read``). ``docs/readings.md`` says
how each rule reads SPEC.

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

from plugins.catalogue import PolicyViolation
from plugins.catalogue import violation
from plugins.model import ZERO
from plugins.model import Books
from plugins.model import Decision
from plugins.model import Leg
from plugins.model import Txn
from plugins.model import add_days
from plugins.model import allocate_fifo
from plugins.vocabulary import ACTION_WORDS
from plugins.vocabulary import METHOD_WORDS
from plugins.vocabulary import MONEY
from plugins.vocabulary import PHYSICAL
from plugins.vocabulary import Category
from plugins.vocabulary import Kind

_OWN_CASH_SINKS = frozenset({Category.CASH, Category.PAYABLES, Category.DUE_TO_TREASURY})
"""Where an abolished office's cash may go among its own accounts (LD-207)."""

_ASSETS = PHYSICAL | MONEY | {Category.OTHER_ASSET}
"""Office categories that are assets: another office's may receive a transfer."""

_SOLD = ("auction", "sale")


# --- Wording -------------------------------------------------------------------------


def _cny(number: Decimal) -> str:
    return f"{number:,.2f} CNY"


def _office(books: Books, code: str | None) -> str:
    """``XN-WH 咸宁市人民政府驻武汉办事处``, as the office rules name an office."""
    if code is None:
        return "（未能确定机构）"
    declared = books.offices.get(code)
    if declared is None or not declared.name or declared.name == code:
        return f"机构 {code}"
    return f"{code} {declared.name}"


def _deal(books: Books, txn: Txn, office: str | None) -> str:
    """``XN-TC-WH 通城县人民政府驻武汉办事处于 2015-08-20 进行的拍卖``."""
    method = METHOD_WORDS.get(txn.disposal or "", "处置")
    return f"{_office(books, office)}于 {txn.date} 进行的{method}"


def _asset(books: Books, account: str) -> str:
    asset = books.assets.get(account)
    if asset is None:
        return account
    label = " ".join(part for part in (asset.asset_id, asset.name) if part)
    return f"{account}（{label}）" if label else account


def _abolition(decision: Decision) -> str:
    if decision.action == "merge" and decision.into:
        return f"已于 {decision.date} 合并至 {decision.into}"
    return f"已于 {decision.date} {ACTION_WORDS.get(decision.action, decision.action)}"


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
        return f"直到 {cleared} 余额才归零，已逾期"
    left = books.balance(account, books.as_of)
    return f"截至 {books.as_of} 余额仍为 {_cny(abs(left))}"


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
            why = "的 `disposal:` 无法识别" if txn.disposal_given else "没有 `disposal:`"
            yield violation(
                "LD-201",
                txn.entry,
                f"{_office(books, role.code)}（{_abolition(decision)}）于 {txn.date} "
                f"转出资产 {_asset(books, leg.account)}，金额 {_cny(-leg.number)}，"
                f"但该交易{why}；撤销机构的资产只能划转、拍卖或有偿转让："
                '请补记 `disposal: "transfer"`（或 "auction"、"sale"）及 `approval:`',
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
                f"{_deal(books, txn, office)}没有评估价值（成交金额 {_cny(proceeds)}）；"
                "拍卖或有偿转让须记 `appraisal: <金额> CNY`（评估价值），且成交金额不得"
                "低于评估价值",
                office=office,
            )
            continue
        settings = books.settings_for(office)
        floor = txn.appraisal - settings.tolerance(txn.appraisal)
        if proceeds >= floor or txn.price_approval is not None:
            continue
        allowed = (
            f"评估价值 {_cny(txn.appraisal)}"
            if floor == txn.appraisal
            else f"评估价值 {_cny(txn.appraisal)} 扣除 loss-tolerance 后的 {_cny(floor)}"
        )
        yield violation(
            "LD-202",
            txn.entry,
            f"{_deal(books, txn, office)}成交 {_cny(proceeds)}，低于{allowed}，"
            "且没有 `price-approval:`：请补记低于评估价值出售的批准文号，或追回差额",
            office=office,
        )


def find_transfer_improper(books: Books) -> Iterator[PolicyViolation]:
    """LD-203: a transfer with no recipient, not to a state unit, or short of its value."""
    abolished = _abolished(books)
    for txn in books.disposals:
        if txn.disposal != "transfer":
            continue
        office = txn.disposing_office()
        where = _deal(books, txn, office)
        if txn.recipient is None:
            yield violation(
                "LD-203",
                txn.entry,
                f"{where}没有注明 `recipient:`：请补记接收的国有单位，例如 "
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
                f"{where}将 {_cny(leg.number)} 转入 {leg.account}，该账户不属于国有单位；"
                "划转只能转入 Assets:State:*、Equity:Transfers:* 或其他未撤销机构的资产"
                "账户，否则即为出售或国有资产流失",
                office=office,
                account=leg.account,
                meta=leg.posting.meta,
            )
        carrying = txn.carrying_amount(office)
        if to_state < carrying:
            yield violation(
                "LD-203",
                txn.entry,
                f"{where}中，划给国有单位的金额 {_cny(to_state)} 少于转出资产的账面价值 "
                f"{_cny(carrying)}：划转须按全部账面价值转出",
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
                f"{_deal(books, txn, office)}没有 `approval:`：请补记批准文号，例如 "
                '`approval: "咸机管〔2015〕21号"`',
                office=office,
            )


def find_disposal_overdue(books: Books) -> Iterator[PolicyViolation]:
    """LD-205: an abolished office's physical asset still has a balance after dispose-by."""
    found = _held_after_dispose_by(books, PHYSICAL)
    for office, decision, account, deadline, balance in found:
        yield violation(
            "LD-205",
            _at_open(books, account, office),
            f"{_office(books, office)}（{_abolition(decision)}）的资产 "
            f"{_asset(books, account)}，在 dispose-by 期限（{deadline}）届满时仍有 "
            f"{_cny(balance)}；{_still(books, account, deadline)}。请通过划转、拍卖或"
            "有偿转让处置",
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
            f"{_office(books, office)}（{_abolition(decision)}）的 {account} 在 "
            f"dispose-by 期限（{deadline}）届满时仍有 {_cny(abs(balance))}；"
            f"{_still(books, account, deadline)}。请将资金上缴{_treasury(books, office)}",
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
                        f"{_office(books, office)}于 {txn.date} 向 {leg.account} 缴入 "
                        f"{_cny(leg.number)}，这是 {role.code} 的国库，而非其派出政府 "
                        f"{own} 的国库：请追回后上缴 Assets:Treasury:{own}",
                        office=office,
                        account=leg.account,
                        meta=leg.posting.meta,
                    )


def _treasury(books: Books, office: str) -> str:
    """``派出政府 XN 咸宁市人民政府的国库（Assets:Treasury:XN）``."""
    declared = books.offices.get(office)
    if declared is None or declared.government is None:
        return "派出政府的国库"
    code = declared.government
    government = books.governments.get(code)
    if government is not None and government.name and government.name != code:
        who = f"{code} {government.name}"
    else:
        who = f"{code} "  # a bare code keeps its space before the Chinese
    return f"派出政府 {who}的国库（Assets:Treasury:{code}）"


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
        legs = "、".join(f"向 {leg.account} 支付 {_cny(leg.number)}" for leg in wrong)
        yield violation(
            "LD-207",
            txn.entry,
            f"{_office(books, office)}（{_abolition(decision)}）于 {txn.date} 动用"
            f"资金{legs}；撤销机构的资金只能上缴派出政府国库、偿付本机构的 Payables 或 "
            "DueToTreasury（应缴财政款）、用于资产处置，或列支附 `approval:` 的费用："
            "请追回资金，或补记批准文号",
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
        payable = role is not None and role.category is Category.PAYABLES
        what, fix = ("应付款项", "偿付") if payable else ("应收款项", "收回")
        yield violation(
            "LD-208",
            _at_open(books, account, office),
            f"{_office(books, office)}（{_abolition(decision)}）的{what} {account} "
            f"在 dispose-by 期限（{deadline}）届满时尚未清理，余额 {_cny(abs(balance))}；"
            f"{_still(books, account, deadline)}。请{fix}；核销须附 `approval:`",
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
                    f"{_office(books, role.code)}于 {txn.date} 将 {leg.account} 的 "
                    f"{_cny(-leg.number)} 核销至 "
                    f"{'、'.join(other.account for other in offsets)}，但没有 `approval:`："
                    "请收回该债权，或补记核销的批准文号",
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
                f"{_office(books, role.code)}（{_abolition(decision)}）于 {txn.date} "
                f"购入资产 {_asset(books, leg.account)}，金额 {_cny(leg.number)}；撤销机构"
                "只能清理收尾，不得新增资产：请冲回该购置",
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
            state = f"直到 {close.date} 才关闭，已逾期" if close else "至今仍未关闭"
            yield violation(
                "LD-210",
                entry,
                f"{_office(books, office)}（{_abolition(decision)}）的账户 {account} "
                f"最迟应于 {limit}（dispose-by {settings.dispose_by} 加 close-grace "
                f"{settings.close_grace} 天）关闭；{state}。请将余额清零后 `close` "
                "该账户",
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
                f"{_deal(books, txn, office)}将 {_cny(abs(leg.number))} 记入收入账户 "
                f"{leg.account}；处置收入属于国库，应记为应缴财政款 {due}",
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
            lead = "但" if amount in (late, owed) else "但其中"
            if late > 0:
                messages.append(f"{_cny(late)} 直到 {late_parts[-1][0]} 才上缴")
            if owed > 0:
                messages.append(f"{_cny(owed)} 截至 {books.as_of} 仍未上缴")
            yield violation(
                "LD-212",
                txn.entry,
                f"{_deal(books, txn, office)}取得处置收入 {_cny(amount)}，最迟应于 {due}"
                f"（remit-within {within} 天）上缴国库，{lead} {'，'.join(messages)}；"
                f"处置收入须在 {within} 天内上缴{_treasury(books, office)}",
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
            f"{_deal(books, txn, office)}所依据的评估基准日为 {txn.appraisal_date}，"
            f"距处置已 {age} 天（appraisal-valid {valid} 天）：请重新评估，并记录新的 "
            "`appraisal:` 和 `appraisal-date:`",
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
