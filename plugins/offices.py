"""Rules on offices (LO-101 … LO-111): who is kept, abolished, merged, funded, audited.

Turned on with every other rule by the umbrella plugin::

    plugin "plugins.rules"
    plugin "plugins.rules" "{'as-of': '2016-01-01', 'decide-by': '2015-08-15'}"

Codes raised here (``liaison explain CODE`` tells what each means and how to fix it):

- LO-101 office-must-abolish: a county, department or development-zone office with no
  ``abolish``/``merge`` decision by decide-by, or whose latest decision is ``retain``;
- LO-102 retention-unapproved: a ``retain`` decision without ``approval:`` where the
  program keeps the office only with approval, or no decision at all by decide-by;
- LO-103 consolidation-required: offices the 2015 plan merges into one (a department
  office beside its government's, offices in several cities of one province, a county
  office beside its city's);
- LO-104 new-office-banned: an office that first appears on or after ban-from;
- LO-105 funding-banned-office: treasury money into an abolished or undeclared office;
- LO-106 enterprise-not-delinked: an Enterprises balance at the end of delink-by;
- LO-107 window-overstaffed: a county's work window with more than 3 staff;
- LO-108 audit-missing: a kept office with a year that has no audit after audit-grace;
- LO-109 venue-purchase-banned: an operating or reception venue bought after ban-from;
- LO-110 reception-over-standard: reception above the standard, or without ``guests:``;
- LO-111 registration-missing: no ``registration`` by register-by.

Deadline rules (LO-101, LO-102, LO-103, LO-106, LO-108, LO-111) are judged at the books'
as-of date; the deadline day itself is in time, and a late act stays a violation.
Offices without a program are judged only by LO-105, LO-107 and LO-110 (with the default
settings); docs/readings.md says how each rule reads SPEC.

A ledger that passes (at as-of 2015-09-01)::

    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
      level: "county"
    2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
      government: "XN-JY"
      host: "武汉"
      program: "HB-2015"
    2015-07-25 custom "registration" "XN-JY-WH"
      staff: 6
    2015-07-30 custom "decision" "XN-JY-WH" "abolish"
      approval: "咸政办函〔2015〕58号"

and one that fails: without the decision, LO-101 is raised at the office's declaration;
with a ``window`` of ``staff: 4``, LO-107 at the window.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from plugins.model import USES
from plugins.model import Books
from plugins.model import Category
from plugins.model import Decision
from plugins.model import Kind
from plugins.model import Office
from plugins.model import Program
from plugins.model import add_days
from plugins.rules import PolicyViolation
from plugins.rules import violation

ZERO = Decimal(0)
WINDOW_STAFF = 3
"""The most staff a county's work window may have (2015 三(二)2)."""

_ENDS = ("abolish", "merge")
_VENUES = frozenset({Category.LAND, Category.BUILDINGS})
_LIABILITIES = frozenset(
    {Category.PAYABLES, Category.DUE_TO_TREASURY, Category.OTHER_LIABILITY}
)
_KEYS = {
    "county": "county government's office (县级政府驻外机构)",
    "department": "department's office (部门驻外机构)",
    "devzone": "development zone's office (开发区驻外机构)",
    "prefecture": "prefecture-level city's office (地级市驻外机构)",
    "aid": "aid office (对口支援机构)",
}


# --- helpers -------------------------------------------------------------------------


def _label(books: Books, code: str) -> str:
    """``XN-WH 咸宁市人民政府驻武汉办事处``, or the bare code if it has no name."""
    office = books.offices.get(code)
    if office is None or not office.name or office.name == code:
        return code
    return f"{code} {office.name}"


def _government(books: Books, code: str | None) -> str:
    government = books.governments.get(code or "")
    if government is None or not government.name or government.name == code:
        return code or "?"
    return f"{code} {government.name}"


def _money(number: Decimal) -> str:
    return f"{number:,.2f} CNY"


def _kind(books: Books, code: str) -> str:
    key = books.level_key(code) or "?"
    return _KEYS.get(key, f"{key} office")


def _with_program(books: Books) -> Iterator[tuple[str, Office, Program]]:
    """Every declared office that has a program: only these are judged by program."""
    for code, office in books.offices.items():
        program = books.program_of(code)
        if program is not None:
            yield code, office, program


def _decisions(books: Books, code: str) -> list[Decision]:
    """The office's decisions dated on or before as-of (``.get``: never grow Books)."""
    return [d for d in books.decisions.get(code, ()) if d.date <= books.as_of]


def _order(office: Office) -> tuple[datetime.date, int]:
    meta = getattr(office.entry, "meta", None) or {}
    lineno = meta.get("lineno")
    return office.date, lineno if isinstance(lineno, int) else 0


# --- LO-101 … LO-111 -----------------------------------------------------------------


def find_unabolished_offices(books: Books) -> Iterator[PolicyViolation]:
    """LO-101: an office its program abolishes is not abolished in time, or retained."""
    for code, office, program in _with_program(books):
        if books.office_class(code) != "abolish":
            continue
        settings = program.settings
        decisions = _decisions(books, code)
        label = _label(books, code)
        if books.as_of > settings.decide_by and not any(
            d.action in _ENDS and d.date <= settings.decide_by for d in decisions
        ):
            late = next((d for d in decisions if d.action in _ENDS), None)
            if late is not None:
                after = (
                    f"it was decided {late.action} only on {late.date}, after the "
                    "deadline: the deadline was missed"
                )
            else:
                after = (
                    f'record the decision: custom "decision" "{code}" "abolish" (or '
                    '"merge" with into:) with its approval:'
                )
            yield violation(
                "LO-101",
                office.entry,
                f"{label} is a {_kind(books, code)}, which program {program.code} "
                f"abolishes, and has no abolish or merge decision by decide-by "
                f"{settings.decide_by}; {after}",
                office=code,
            )
        latest = books.decision_on(code, books.as_of)
        if latest is not None and latest.action == "retain":
            yield violation(
                "LO-101",
                latest.entry,
                f"{label} was decided retain on {latest.date}, but program "
                f"{program.code} abolishes every {_kind(books, code)}; decide abolish, "
                "or merge it into the office that stays",
                office=code,
            )


def find_unapproved_retentions(books: Books) -> Iterator[PolicyViolation]:
    """LO-102: an office kept only with approval is retained without one."""
    for code, office, program in _with_program(books):
        if books.office_class(code) != "approve":
            continue
        settings = program.settings
        decisions = _decisions(books, code)
        label = _label(books, code)
        for decision in decisions:
            if decision.action == "retain" and decision.approval is None:
                yield violation(
                    "LO-102",
                    decision.entry,
                    f"{label} is retained on {decision.date} without approval:; program "
                    f"{program.code} keeps a {_kind(books, code)} only with the approval "
                    'of the government above: add approval: "文号", or abolish it',
                    office=code,
                )
        if books.as_of > settings.decide_by and not any(
            d.date <= settings.decide_by for d in decisions
        ):
            late = decisions[0] if decisions else None
            after = (
                f"; it was decided {late.action} only on {late.date}"
                if late is not None
                else ""
            )
            yield violation(
                "LO-102",
                office.entry,
                f"{label} has no decision by decide-by {settings.decide_by}, so it was "
                f"kept without approval; program {program.code} keeps a "
                f"{_kind(books, code)} only with approval{after}. Record the retain "
                "decision with its approval:, or abolish it",
                office=code,
            )


def find_unconsolidated_offices(books: Books) -> Iterator[PolicyViolation]:
    """LO-103: offices the program merges into one are still kept side by side."""
    # Candidates: kept (not abolished as of as-of), not aid, under a program that
    # consolidates and whose decide-by has passed.
    by_host: dict[tuple[str, str], list[Office]] = defaultdict(list)
    by_province: dict[tuple[str, str], list[Office]] = defaultdict(list)
    for code, office, program in _with_program(books):
        settings = program.settings
        if not settings.consolidation or books.as_of <= settings.decide_by:
            continue
        if office.kind == "aid" or books.abolished_on(code) is not None:
            continue
        if office.government is None:
            continue
        if office.host is not None:
            by_host[office.government, office.host].append(office)
        if office.host_province is not None and office.host is not None:
            by_province[office.government, office.host_province].append(office)

    reasons: dict[str, list[str]] = defaultdict(list)
    entries: dict[str, Any] = {}

    # (1) a government office and department offices of one dispatcher in one host
    for (government, host), members in by_host.items():
        main = next((o for o in members if o.kind == "government"), None)
        if main is None:
            continue
        for office in members:
            if office.kind == "department":
                entries[office.code] = office.entry
                reasons[office.code].append(
                    f"{_government(books, government)} also keeps its government office "
                    f"{_label(books, main.code)} in {host}: merge this department's "
                    "office into it (2015 二(二)1)"
                )

    # (2) one dispatcher in several host cities of one province
    for (government, province), members in by_province.items():
        hosts = sorted({o.host for o in members if o.host is not None})
        if len(hosts) < 2:
            continue
        keep = min(members, key=_order)
        for office in members:
            if office is keep:
                continue
            entries[office.code] = office.entry
            reasons[office.code].append(
                f"{_government(books, government)} keeps offices in {len(hosts)} cities "
                f"of {province} ({', '.join(hosts)}): keep one, "
                f"{_label(books, keep.code)}, and merge the others into it "
                "(2015 二(二)2)"
            )

    # (3) a county office beside its city's in one host
    for (government, host), members in by_host.items():
        county = books.governments.get(government)
        if county is None or county.level != "county" or county.parent is None:
            continue
        city_offices = by_host.get((county.parent, host))
        if not city_offices:
            continue
        city = min(city_offices, key=_order)
        for office in members:
            entries[office.code] = office.entry
            reasons[office.code].append(
                f"its city {_government(books, county.parent)} keeps "
                f"{_label(books, city.code)} in {host}: only the city's office stays, "
                "merge this one into it (2015 二(二)3)"
            )

    for code, why in reasons.items():
        yield violation(
            "LO-103",
            entries[code],
            f"{_label(books, code)} is still kept: " + "; ".join(why),
            office=code,
        )


def find_new_offices(books: Books) -> Iterator[PolicyViolation]:
    """LO-104: an office that first appears on or after the program's ban-from."""
    for code, office, program in _with_program(books):
        ban_from = program.settings.ban_from
        first_use = books.first_use.get(code)
        established = [
            r.established
            for r in books.registrations.get(code, ())
            if r.established is not None
        ]
        start = min([office.date, *established, *([first_use] if first_use else [])])
        if start < ban_from:
            continue
        seen = [f"declared {office.date}"]
        if first_use is not None:
            seen.append(f"first account {first_use}")
        if established:
            seen.append(f"established {min(established)}")
        yield violation(
            "LO-104",
            office.entry,
            f"{_label(books, code)} first appears on {start} ({', '.join(seen)}), on or "
            f"after program {program.code}'s ban-from {ban_from}: no new office may be "
            "set up. If it existed before, date its declaration or its registration's "
            "established: truly; otherwise abolish it",
            office=code,
        )


def find_banned_funding(books: Books) -> Iterator[PolicyViolation]:
    """LO-105: treasury money into an abolished or undeclared office."""
    for txn in books.treasury_txns:
        treasury = next(
            (
                leg.account
                for leg in txn.legs
                if leg.role is not None
                and leg.role.kind is Kind.TREASURY
                and leg.number < 0
            ),
            None,
        )
        if treasury is None:
            continue
        flagged: dict[str, Decimal] = {}
        for leg in txn.office_legs():
            role = leg.role
            # A liability paid down is the office's debt settled, not money into it:
            # the dispatcher paying an abolished office's bills directly is the fix.
            if role is None or leg.number <= 0 or role.category in _LIABILITIES:
                continue
            flagged[role.code] = flagged.get(role.code, ZERO) + leg.number
        for code, amount in flagged.items():
            if code not in books.offices:
                why = "is not declared"
                fix = f'declare it with custom "office" "{code}", or reverse the payment'
            elif (decision := books.abolished_on(code)) is not None and (
                decision.date <= txn.date
            ):
                why = f"was abolished ({decision.action}) on {decision.date}"
                fix = (
                    "reverse the payment; its bills are paid from its own cash or by the "
                    "dispatching government directly"
                )
            else:
                continue
            yield violation(
                "LO-105",
                txn.entry,
                f"{_money(amount)} goes from {treasury} to {_label(books, code)} on "
                f"{txn.date}, an office that {why}: {fix}",
                office=code,
            )


def find_undelinked_enterprises(books: Books) -> Iterator[PolicyViolation]:
    """LO-106: an office holds an Enterprises balance at the end of delink-by."""
    for code, office, program in _with_program(books):
        delink_by = program.settings.delink_by
        if books.as_of <= delink_by:
            continue
        for account in books.accounts_of(code, (Category.ENTERPRISES,)):
            held = books.balance(account, delink_by)
            if held == ZERO:
                continue
            history = books.histories.get(account)
            cleared = history.cleared_after(delink_by) if history else None
            if cleared is not None and cleared <= books.as_of:
                now = f"it was delinked only on {cleared}: the deadline was missed"
            else:
                now = (
                    f"{_money(books.balance(account, books.as_of))} is still held on "
                    f"{books.as_of}: "
                    "transfer it to a state unit or sell it, with disposal: and approval:"
                )
            yield violation(
                "LO-106",
                books.opens.get(account) or office.entry,
                f"{_label(books, code)} still held {_money(held)} in {account} at the end "
                f"of delink-by {delink_by} (program {program.code}); {now}",
                office=code,
                account=account,
            )


def find_overstaffed_windows(books: Books) -> Iterator[PolicyViolation]:
    """LO-107: a county's work window with more than 3 staff."""
    for window in books.windows:
        if window.staff is None or window.staff <= WINDOW_STAFF:
            continue
        yield violation(
            "LO-107",
            window.entry,
            f"the work window of {_government(books, window.government)} at "
            f"{_label(books, window.office)} has {window.staff} staff on {window.date}; a "
            f"county's window may have at most {WINDOW_STAFF}: reduce it and record the "
            "window again",
            office=window.office,
        )


def find_missing_audits(books: Books) -> Iterator[PolicyViolation]:
    """LO-108: a kept office with no audit for a year past audit-grace."""
    for code, office, program in _with_program(books):
        settings = program.settings
        decisions = _decisions(books, code)
        latest = decisions[-1] if decisions else None
        if latest is not None and latest.action == "retain":
            # years count from the first retain of the latest unbroken run of them
            start = latest
            for decision in reversed(decisions):
                if decision.action != "retain":
                    break
                start = decision
            first_year, where = start.date.year, start.entry
            since = f"retained on {start.date}"
        elif books.office_class(code) == "keep" and books.abolished_on(code) is None:
            first_year, where = settings.ban_from.year, office.entry
            since = f"kept without decision since program {program.code}"
        else:
            continue
        audited = {a.year for a in books.audits.get(code, ()) if a.date <= books.as_of}
        year = first_year
        while year < books.as_of.year:
            due = add_days(datetime.date(year, 12, 31), settings.audit_grace)
            if due >= books.as_of:
                break
            if year not in audited:
                yield violation(
                    "LO-108",
                    where,
                    f"{_label(books, code)} ({since}) has no audit for {year}, due by "
                    f'{due}: record it with custom "audit" "{code}" "{year}" and its '
                    "report:",
                    office=code,
                )
            year += 1


def _posting_use(posting: Any) -> tuple[str | None, bool]:
    """A posting's own ``use:``, and whether it was given but could not be read."""
    meta = getattr(posting, "meta", None) or {}
    if "use" not in meta:
        return None, False
    raw = meta["use"]
    if isinstance(raw, str) and raw.strip() in USES:
        return USES[raw.strip()], False
    return None, True


def find_banned_venues(books: Books) -> Iterator[PolicyViolation]:
    """LO-109: an operating or reception venue acquired on or after ban-from."""
    for txn in books.property_in:
        if txn.disposal_given:
            continue
        for leg in txn.office_legs():
            role = leg.role
            if role is None or role.category not in _VENUES or leg.number <= 0:
                continue
            program = books.program_of(role.code)
            if program is None or txn.date < program.settings.ban_from:
                continue
            if txn.is_opening(role.code):
                break
            use, unreadable = _posting_use(leg.posting)
            where = "posting"
            if unreadable:
                # judged as if absent (SPEC 3): the open's use applies
                yield violation(
                    "LI-302",
                    txn.entry,
                    f"`use:` {(leg.posting.meta or {}).get('use')!r} on the posting to "
                    f"{leg.account} "
                    f"is not one of {', '.join(sorted(set(USES.values())))}",
                    office=role.code,
                    account=leg.account,
                    meta=leg.posting.meta,
                )
            if use is None:
                asset = books.assets.get(leg.account)
                use, where = (asset.use if asset is not None else None), "open"
            if use not in ("operating", "reception"):
                continue
            yield violation(
                "LO-109",
                txn.entry,
                f"{_label(books, role.code)} acquires {_money(leg.number)} of "
                f"{role.category} ({leg.account}, use {use} on its {where}) on "
                f"{txn.date}, on or after program {program.code}'s ban-from "
                f"{program.settings.ban_from}: operating and reception venues may not be "
                'bought or built; undo it, or if it is for office work say use: "office"',
                office=role.code,
                account=leg.account,
            )


def find_reception_over_standard(books: Books) -> Iterator[PolicyViolation]:
    """LO-110: reception above reception-per-person × guests, or without guests."""
    standards: dict[str, Decimal | None] = {}
    for txn in books.receptions:
        for code, amount in (txn.reception or {}).items():
            if amount <= ZERO:
                continue  # a refund or a correction, not reception spending
            if txn.guests:
                if code not in standards:
                    standards[code] = books.settings_for(code).reception_per_person
                per_person = standards[code]
                if per_person is None or amount <= per_person * txn.guests:
                    continue  # the common case, kept cheap
            label = _label(books, code)
            if not txn.guests:
                given = "guests: 0" if txn.guests == 0 else "no readable guests:"
                yield violation(
                    "LO-110",
                    txn.entry,
                    f"{label} books {_money(amount)} of reception on {txn.date} with "
                    f"{given}; reception must be disclosed with its number of guests: "
                    "add guests: N",
                    office=code,
                )
                continue
            per_person = standards[code]
            if per_person is None:  # not reached: the cheap test above let it through
                continue
            limit = per_person * txn.guests
            if amount > limit:
                yield violation(
                    "LO-110",
                    txn.entry,
                    f"{label} books {_money(amount)} of reception for {txn.guests} "
                    f"guests on {txn.date}, above the standard {_money(per_person)} × "
                    f"{txn.guests} = {_money(limit)} by {_money(amount - limit)}: the "
                    "excess must be refunded",
                    office=code,
                )


def find_missing_registrations(books: Books) -> Iterator[PolicyViolation]:
    """LO-111: an office of a program with no registration by register-by."""
    for code, office, program in _with_program(books):
        register_by = program.settings.register_by
        if books.as_of <= register_by:
            continue
        registrations = books.registrations.get(code, ())
        if any(r.date <= register_by for r in registrations):
            continue
        late = [r for r in registrations if r.date <= books.as_of]
        if late:
            after = f"it was registered only on {late[0].date}: the deadline was missed"
        else:
            after = f'record custom "registration" "{code}" with staff: and established:'
        yield violation(
            "LO-111",
            office.entry,
            f"{_label(books, code)} has no registration by register-by {register_by} "
            f"(program {program.code}); {after}",
            office=code,
        )


FINDERS: dict[str, Callable[[Books], Iterable[PolicyViolation]]] = {
    "LO-101": find_unabolished_offices,
    "LO-102": find_unapproved_retentions,
    "LO-103": find_unconsolidated_offices,
    "LO-104": find_new_offices,
    "LO-105": find_banned_funding,
    "LO-106": find_undelinked_enterprises,
    "LO-107": find_overstaffed_windows,
    "LO-108": find_missing_audits,
    "LO-109": find_banned_venues,
    "LO-110": find_reception_over_standard,
    "LO-111": find_missing_registrations,
}
"""Every office rule's find function, by code."""
