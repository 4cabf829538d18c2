"""The words the reports print for the books' values: categories, accounts of
政府会计制度, levels, kinds, decisions, disposal methods, and counts of rule codes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP
from decimal import Decimal

from plugins import model
from plugins.vocabulary import METHOD_WORDS
from plugins.vocabulary import Category

METHOD_ZH = METHOD_WORDS  # 划转 拍卖 有偿转让: one table with the rule messages
NO_METHOD = "未注明"

CATEGORY_ZH = {
    Category.LAND: "土地",
    Category.BUILDINGS: "房屋",
    Category.VEHICLES: "车辆",
    Category.EQUIPMENT: "设备",
    Category.ENTERPRISES: "企业",
    Category.RECEIVABLES: "债权",
    Category.CASH: "资金",
    Category.PAYABLES: "债务",
    Category.DUE_TO_TREASURY: "应缴财政款",
}

ACCOUNT_CODES: dict[Category, tuple[str, str]] = {
    Category.LAND: ("1701", "无形资产"),  # land-use rights (政府会计准则第4号)
    Category.BUILDINGS: ("1601", "固定资产"),
    Category.VEHICLES: ("1601", "固定资产"),
    Category.EQUIPMENT: ("1601", "固定资产"),
    Category.ENTERPRISES: ("1501", "长期股权投资"),
    Category.CASH: ("1002", "银行存款"),
    Category.RECEIVABLES: ("1218", "其他应收款"),
    Category.PAYABLES: ("2307", "其他应付款"),
    Category.DUE_TO_TREASURY: ("2103", "应缴财政款"),
}
"""Accounts of 政府会计制度 (财会〔2017〕25号) for what the ledger's categories hold."""

LEVEL_ZH = {
    "province": "省级",
    "sub-provincial": "副省级市",
    "planned-city": "计划单列市",
    "sez": "经济特区",
    "xpcc": "新疆生产建设兵团",
    "prefecture": "地市级",
    "county": "县级",
}
KIND_ZH = {
    "government": "政府",
    "department": "政府部门",
    "devzone": "开发区",
    "aid": "对口援助",
}
ACTION_ZH = {"retain": "保留", "abolish": "撤销", "merge": "整合"}
CLASS_ZH = {"keep": "保留", "approve": "经批准可保留", "abolish": "应撤销"}

PHYSICAL_ORDER = (
    Category.LAND,
    Category.BUILDINGS,
    Category.VEHICLES,
    Category.EQUIPMENT,
    Category.ENTERPRISES,
)
CLAIM_ORDER = (
    Category.CASH,
    Category.RECEIVABLES,
    Category.PAYABLES,
    Category.DUE_TO_TREASURY,
)
LIABILITIES = frozenset({Category.PAYABLES, Category.DUE_TO_TREASURY})


def account_code(category: Category | None) -> str:
    """``1601 固定资产`` for a category, or empty text."""
    if category is None or category not in ACCOUNT_CODES:
        return ""
    code, name = ACCOUNT_CODES[category]
    return f"{code} {name}"


def code_summary(codes: Iterable[str]) -> str:
    """``LD-205×2, LO-111`` for a list of codes."""
    counts = Counter(codes)
    return ", ".join(f"{code}×{n}" if n > 1 else code for code, n in sorted(counts.items()))


def decision_text(decision: model.Decision | None) -> str:
    if decision is None:
        return "未决定"
    text = ACTION_ZH.get(decision.action, decision.action)
    if decision.action == "merge" and decision.into:
        text += f"（并入 {decision.into}）"
    return text


def percent_text(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "—"
    return f"{(part / whole * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
