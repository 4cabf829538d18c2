"""The words of the ledger language the rules, the reader and the importers share.

What an office account holds (``Category``), read from its name by ``role_from_name``
(SPEC section 2.2: ``Assets:Office:<OFFICE>:Vehicles:…``), with the groups of categories
the rules ask about; the roles of the accounts that are not an office's own (a
government's treasury, a state unit, ``Equity:Transfers``); the government levels and
office kinds a program judges by; and the words a ledger may write for a disposal method,
a decision and a property's use, English or Chinese, with the Chinese word a message
says for each. The importers map the words on an office's forms onto these.
"""

from __future__ import annotations

import dataclasses
import enum


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

ASSET_CATEGORIES = {c.value: c for c in (*PHYSICAL, *MONEY)}
"""The categories of an office's Assets accounts, by the name's fourth segment."""

LIABILITY_CATEGORIES = {
    "Payables": Category.PAYABLES,
    "DueToTreasury": Category.DUE_TO_TREASURY,
}
"""The categories of an office's Liabilities accounts, by the name's fourth segment."""

LEVELS = (
    "province",
    "sub-provincial",
    "planned-city",
    "sez",
    "xpcc",
    "prefecture",
    "county",
)
"""A government's ``level:`` (SPEC 2.1), by which a program keeps or abolishes its
offices."""

KINDS = ("government", "department", "devzone", "aid")
"""An office's ``kind:`` (SPEC 2.1): a government's own, a department's, a development
zone's, or an aid office."""

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
"""A decision's action (``custom "decision" "OFFICE" "abolish"``) to its canonical name."""

USES = {
    "operating": "operating",
    "经营": "operating",
    "经营性": "operating",
    "reception": "reception",
    "接待": "reception",
    "office": "office",
    "办公": "office",
}
"""A property's ``use:`` to its canonical name."""

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
            category = ASSET_CATEGORIES.get(rest or "", Category.OTHER_ASSET)
        elif root == "Liabilities":
            category = LIABILITY_CATEGORIES.get(rest or "", Category.OTHER_LIABILITY)
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
