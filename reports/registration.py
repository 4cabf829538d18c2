"""附表一 核实登记表 (``liaison report registration``): a row per office with its
registration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from plugins import model
from plugins.catalogue import PolicyViolation
from plugins.vocabulary import PHYSICAL
from plugins.vocabulary import Category
from reports.labels import CLASS_ZH
from reports.labels import decision_text
from reports.queries import category_balance
from reports.queries import government_name
from reports.queries import level_text
from reports.queries import program_note
from reports.queries import registration_of
from reports.queries import sorted_offices
from reports.tables import ZERO
from reports.tables import Column
from reports.tables import Report
from reports.tables import Table
from reports.tables import frame

REGISTRATION_COLUMNS = [
    Column("seq", "序号", "number", summed=False),
    Column("government", "派出地政府"),
    Column("office", "机构代码"),
    Column("office_name", "机构名称"),
    Column("level", "级别/类型"),
    Column("host", "驻在城市"),
    Column("established", "设立时间", "date"),
    Column("staff", "工作人员", "count"),
    Column("registered", "登记日期", "date"),
    Column("land", "土地", "count"),
    Column("buildings", "房屋", "count"),
    Column("vehicles", "车辆", "count"),
    Column("equipment", "设备", "count"),
    Column("enterprises", "所属企业", "count"),
    Column("assets_value", "资产账面价值", "money"),
    Column("cash", "银行存款", "money"),
    Column("proposal", "精简整合意见"),
    Column("approval", "批准文号"),
    Column("remark", "备注"),
]

_REGISTRATION_KNOWN = frozenset({"filename", "lineno", "staff", "established"})


def build(
    books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """附表一 核实登记表: a row per office with its registration fields.

    Assets are counted on the registration date (else the as-of date); metadata on the
    ``registration`` beyond staff and established become columns of their own.
    """
    as_of = books.as_of
    extra_keys: list[str] = []
    for office in books.offices:
        registration = registration_of(books, office)
        if registration is None:
            continue
        for key in registration.entry.meta or {}:
            if key not in _REGISTRATION_KNOWN and key not in extra_keys:
                extra_keys.append(key)
    columns = list(REGISTRATION_COLUMNS)
    columns[-1:-1] = [Column(f"meta:{k}", k) for k in extra_keys]
    rows = []
    for index, office in enumerate(sorted_offices(books), start=1):
        declared = books.offices[office]
        registration = registration_of(books, office)
        date = registration.date if registration is not None else as_of
        counts: Counter[Category] = Counter()
        value = ZERO
        for account in books.accounts_of(office, PHYSICAL):
            balance = books.balance(account, date)
            if balance != ZERO:
                role = books.role(account)
                if role is not None and role.category is not None:
                    counts[role.category] += 1
                value += balance
        decision = books.decision_on(office, as_of)
        s = books.settings_for(office)
        if registration is None:
            remark = "未核实登记"
        elif registration.date > s.register_by:
            remark = f"逾期登记（应于 {s.register_by.isoformat()} 前）"
        else:
            remark = ""
        proposal = (
            decision_text(decision)
            if decision is not None
            else CLASS_ZH.get(books.office_class(office) or "", "")
        )
        row = {
            "seq": index,
            "government": government_name(books, declared.government),
            "office": office,
            "office_name": declared.name,
            "level": level_text(books, office),
            "host": declared.host or "",
            "established": registration.established if registration else None,
            "staff": registration.staff if registration else None,
            "registered": registration.date if registration else None,
            "land": counts[Category.LAND],
            "buildings": counts[Category.BUILDINGS],
            "vehicles": counts[Category.VEHICLES],
            "equipment": counts[Category.EQUIPMENT],
            "enterprises": counts[Category.ENTERPRISES],
            "assets_value": value,
            "cash": category_balance(books, office, Category.CASH, date),
            "proposal": proposal,
            "approval": (decision.approval or "") if decision is not None else "",
            "remark": remark,
        }
        meta = registration.entry.meta if registration is not None else {}
        for key in extra_keys:
            value_ = (meta or {}).get(key)
            row[f"meta:{key}"] = "" if value_ is None else str(value_)
        rows.append(row)
    table = Table(
        "核实登记表",
        "附表一 驻外办事机构核实登记表",
        columns,
        frame(columns, rows),
        notes=[
            "资产数与账面价值为登记日（未登记的为截至日）持有的实物资产；"
            "精简整合意见为截至日的决定，无决定的为方案对该级别机构的要求。",
        ],
    )
    return Report(
        "registration",
        "附表一 核实登记表",
        program_note(books),
        as_of,
        [table],
    )
