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
as-of date; the deadline day itself is in time, and a late act stays a violation. Every
rule reads the books as they stood at the end of the as-of date: an entry dated after
it is not in them (``plugins.reader.read``).
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

from plugins.catalogue import PolicyViolation
from plugins.catalogue import shown
from plugins.catalogue import violation
from plugins.model import Books
from plugins.model import Decision
from plugins.model import Office
from plugins.model import Program
from plugins.model import add_days
from plugins.vocabulary import ACTION_WORDS
from plugins.vocabulary import USE_WORDS
from plugins.vocabulary import USES
from plugins.vocabulary import Category
from plugins.vocabulary import Kind

ZERO = Decimal(0)
WINDOW_STAFF = 3
"""The most staff a county's work window may have (2015 三(二)2)."""

_ENDS = ("abolish", "merge")
_VENUES = frozenset({Category.LAND, Category.BUILDINGS})
_LIABILITIES = frozenset(
    {Category.PAYABLES, Category.DUE_TO_TREASURY, Category.OTHER_LIABILITY}
)
_KEYS = {
    "province": "省级政府驻外机构",
    "sub-provincial": "副省级城市驻外机构",
    "planned-city": "计划单列市驻外机构",
    "sez": "经济特区驻外机构",
    "xpcc": "新疆生产建设兵团驻外机构",
    "prefecture": "地级市驻外机构",
    "county": "县级政府驻外机构",
    "department": "部门驻外机构",
    "devzone": "开发区驻外机构",
    "aid": "对口支援机构",
}
_VENUE_WORDS = {Category.LAND: "土地", Category.BUILDINGS: "房屋"}


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
        return code or "（未注明政府）"
    return f"{code} {government.name}"


def _money(number: Decimal) -> str:
    return f"{number:,.2f} CNY"


def _kind(books: Books, code: str) -> str:
    key = books.level_key(code)
    if key is None:
        return "级别未注明的机构"
    return _KEYS.get(key, f"{key} 级机构")


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


def find_office_must_abolish(books: Books) -> Iterator[PolicyViolation]:
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
                    f"直到 {late.date} 才作出{ACTION_WORDS[late.action]}决定，已错过期限"
                )
            else:
                after = (
                    f'请记录决定：custom "decision" "{code}" "abolish"（或 "merge" 并写明 '
                    "`into:`），并附 `approval:`"
                )
            yield violation(
                "LO-101",
                office.entry,
                f"{label}属于{_kind(books, code)}，方案 {program.code} 规定予以撤销，"
                f"但截至 decide-by 期限（{settings.decide_by}）没有撤销或合并决定；{after}",
                office=code,
            )
        latest = books.decision_on(code, books.as_of)
        if latest is not None and latest.action == "retain":
            yield violation(
                "LO-101",
                latest.entry,
                f"{label}于 {latest.date} 作出保留决定，但方案 {program.code} 规定"
                f"撤销所有{_kind(books, code)}：应改为撤销，或合并至保留的机构",
                office=code,
            )


def find_retention_unapproved(books: Books) -> Iterator[PolicyViolation]:
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
                    f"{label}于 {decision.date} 作出保留决定，但未附 `approval:`；方案 "
                    f"{program.code} 规定{_kind(books, code)}须经上级政府批准方可保留："
                    '请补记 `approval: "文号"`，或予以撤销',
                    office=code,
                )
        if books.as_of > settings.decide_by and not any(
            d.date <= settings.decide_by for d in decisions
        ):
            late = decisions[0] if decisions else None
            after = (
                f"；直到 {late.date} 才作出{ACTION_WORDS[late.action]}决定"
                if late is not None
                else ""
            )
            yield violation(
                "LO-102",
                office.entry,
                f"{label}截至 decide-by 期限（{settings.decide_by}）没有任何决定，"
                f"即未经批准继续保留；方案 {program.code} 规定{_kind(books, code)}"
                f"须经批准方可保留{after}。请记录附 `approval:` 的保留决定，或予以撤销",
                office=code,
            )


def find_consolidation_required(books: Books) -> Iterator[PolicyViolation]:
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
                    f"{_government(books, government)}在{host}已设有政府驻外机构 "
                    f"{_label(books, main.code)}，本部门驻外机构应并入该机构"
                    "（2015 二(二)1）"
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
                f"{_government(books, government)}在{province}的 {len(hosts)} 个城市"
                f"（{'、'.join(hosts)}）设有驻外机构：只保留 {_label(books, keep.code)}，"
                "其余并入该机构（2015 二(二)2）"
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
                f"所属市 {_government(books, county.parent)}在{host}设有 "
                f"{_label(books, city.code)}：只保留市级机构，本机构应并入该机构"
                "（2015 二(二)3）"
            )

    for code, why in reasons.items():
        yield violation(
            "LO-103",
            entries[code],
            f"{_label(books, code)}尚未撤并：" + "；".join(why),
            office=code,
        )


def find_new_office_banned(books: Books) -> Iterator[PolicyViolation]:
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
        seen = [f"声明日期 {office.date}"]
        if first_use is not None:
            seen.append(f"首个账户 {first_use}")
        if established:
            seen.append(f"成立日期 {min(established)}")
        yield violation(
            "LO-104",
            office.entry,
            f"{_label(books, code)}最早出现于 {start}（{'，'.join(seen)}），"
            f"不早于方案 {program.code} 的 ban-from（{ban_from}）：此后不得新设驻外机构。"
            "如该机构此前已存在，请如实填写声明日期或登记的 `established:`；"
            "否则应予撤销",
            office=code,
        )


def find_funding_banned_office(books: Books) -> Iterator[PolicyViolation]:
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
                why = "未声明"
                fix = f'请用 custom "office" "{code}" 声明该机构，或冲回这笔拨款'
            elif (decision := books.abolished_on(code)) is not None and (
                decision.date <= txn.date
            ):
                why = f"已于 {decision.date} {ACTION_WORDS[decision.action]}"
                fix = "请冲回这笔拨款；该机构的费用应由其自有资金或派出政府直接支付"
            else:
                continue
            yield violation(
                "LO-105",
                txn.entry,
                f"{txn.date} 从 {treasury} 拨付 {_money(amount)} 给 {_label(books, code)}，"
                f"而该机构{why}：{fix}",
                office=code,
            )


def find_enterprise_not_delinked(books: Books) -> Iterator[PolicyViolation]:
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
                now = f"直到 {cleared} 才脱钩，已错过期限"
            else:
                now = (
                    f"截至 {books.as_of} 仍持有 "
                    f"{_money(books.balance(account, books.as_of))}：请划转给国有单位，"
                    "或拍卖、有偿转让，并记 `disposal:` 和 `approval:`"
                )
            yield violation(
                "LO-106",
                books.opens.get(account) or office.entry,
                f"{_label(books, code)}在 delink-by 期限（{delink_by}，方案 "
                f"{program.code}）届满时，{account} 仍有 {_money(held)}，未与经营实体"
                f"脱钩；{now}",
                office=code,
                account=account,
            )


def find_window_overstaffed(books: Books) -> Iterator[PolicyViolation]:
    """LO-107: a county's work window with more than 3 staff."""
    for window in books.windows:
        if window.staff is None or window.staff <= WINDOW_STAFF:
            continue
        yield violation(
            "LO-107",
            window.entry,
            f"{_government(books, window.government)}在 {_label(books, window.office)}"
            f"的工作窗口于 {window.date} 有工作人员 {window.staff} 人；县级工作窗口最多 "
            f"{WINDOW_STAFF} 人：请精简人员后重新记录该窗口",
            office=window.office,
        )


def find_audit_missing(books: Books) -> Iterator[PolicyViolation]:
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
            since = f"{start.date} 决定保留"
        elif books.office_class(code) == "keep" and books.abolished_on(code) is None:
            first_year, where = settings.ban_from.year, office.entry
            since = f"自方案 {program.code} 起未经决定继续保留"
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
                    f"{_label(books, code)}（{since}）缺少 {year} 年度审计，最迟应于 "
                    f'{due} 完成：请记录 custom "audit" "{code}" "{year}" 及其 '
                    "`report:`",
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


def find_venue_purchase_banned(books: Books) -> Iterator[PolicyViolation]:
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
            where = "分录"
            if unreadable:
                # judged as if absent (SPEC 3): the open's use applies
                yield violation(
                    "LI-302",
                    txn.entry,
                    f"记入 {leg.account} 的分录上 `use:` 的值 "
                    f"{shown((leg.posting.meta or {}).get('use'))} 无法识别，应为 "
                    f"{'、'.join(sorted(set(USES.values())))} 之一",
                    office=role.code,
                    account=leg.account,
                    meta=leg.posting.meta,
                )
            if use is None:
                asset = books.assets.get(leg.account)
                use, where = (asset.use if asset is not None else None), "账户的 open 指令"
            if use not in ("operating", "reception"):
                continue
            yield violation(
                "LO-109",
                txn.entry,
                f"{_label(books, role.code)}于 {txn.date} 购置"
                f"{_VENUE_WORDS.get(role.category, role.category)} {_money(leg.number)}"
                f"（{leg.account}，{where}上注明用途为{USE_WORDS[use]}），不早于方案 "
                f"{program.code} 的 ban-from（{program.settings.ban_from}）：不得购建经营性"
                '或接待场所；请撤销该购置，如确为办公用途，请注明 `use: "office"`',
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
                given = (
                    "接待人数 `guests:` 为 0"
                    if txn.guests == 0
                    else "没有可读的 `guests:`（接待人数）"
                )
                yield violation(
                    "LO-110",
                    txn.entry,
                    f"{label}于 {txn.date} 列支接待费 {_money(amount)}，但{given}；"
                    "公务接待须公开接待人数：请补记 `guests: N`",
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
                    f"{label}于 {txn.date} 接待 {txn.guests} 人，列支接待费 "
                    f"{_money(amount)}，超过标准 {_money(per_person)} × {txn.guests} = "
                    f"{_money(limit)}，超出 {_money(amount - limit)}：超标部分应予退还",
                    office=code,
                )


def find_registration_missing(books: Books) -> Iterator[PolicyViolation]:
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
            after = f"直到 {late[0].date} 才登记，已错过期限"
        else:
            after = (
                f'请记录 custom "registration" "{code}"，并填写 `staff:` 和 `established:`'
            )
        yield violation(
            "LO-111",
            office.entry,
            f"{_label(books, code)}截至 register-by 期限（{register_by}，方案 "
            f"{program.code}）没有核实登记；{after}",
            office=code,
        )


FINDERS: dict[str, Callable[[Books], Iterable[PolicyViolation]]] = {
    "LO-101": find_office_must_abolish,
    "LO-102": find_retention_unapproved,
    "LO-103": find_consolidation_required,
    "LO-104": find_new_office_banned,
    "LO-105": find_funding_banned_office,
    "LO-106": find_enterprise_not_delinked,
    "LO-107": find_window_overstaffed,
    "LO-108": find_audit_missing,
    "LO-109": find_venue_purchase_banned,
    "LO-110": find_reception_over_standard,
    "LO-111": find_registration_missing,
}
"""Every office rule's find function, by code."""
