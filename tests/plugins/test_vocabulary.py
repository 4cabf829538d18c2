"""The words of the ledger language: the role an account's name gives it (SPEC 2.2)."""

from __future__ import annotations

import pytest

from plugins.vocabulary import Category
from plugins.vocabulary import Kind
from plugins.vocabulary import role_from_name


@pytest.mark.parametrize(
    ("name", "kind", "code", "category"),
    [
        ("Assets:Office:XN-WH:Vehicles:V0001", Kind.OFFICE, "XN-WH", Category.VEHICLES),
        ("Assets:Office:XN-WH:Cash", Kind.OFFICE, "XN-WH", Category.CASH),
        ("Assets:Office:XN-WH:Prepaid", Kind.OFFICE, "XN-WH", Category.OTHER_ASSET),
        ("Liabilities:Office:XN-WH:Payables:P1", Kind.OFFICE, "XN-WH", Category.PAYABLES),
        (
            "Liabilities:Office:XN-WH:DueToTreasury",
            Kind.OFFICE,
            "XN-WH",
            Category.DUE_TO_TREASURY,
        ),
        ("Expenses:Office:XN-WH:Reception:Meals", Kind.OFFICE, "XN-WH", Category.RECEPTION),
        ("Expenses:Office:XN-WH:Disposal", Kind.OFFICE, "XN-WH", Category.DISPOSAL_EXPENSE),
        ("Income:Office:XN-WH:Rent", Kind.OFFICE, "XN-WH", Category.INCOME),
        ("Assets:Treasury:XN", Kind.TREASURY, "XN", None),
        ("Assets:State:XN-JGSW:Buildings", Kind.STATE, "XN-JGSW", None),
        ("Equity:Transfers:XN-JGSW", Kind.TRANSFERS, "XN-JGSW", None),
        ("Equity:Transfers", Kind.TRANSFERS, "", None),
    ],
)
def test_account_roles_follow_spec_2_2(name, kind, code, category):
    role = role_from_name(name)
    assert role is not None
    assert (role.kind, role.code, role.category) == (kind, code, category)


@pytest.mark.parametrize("name", ["Assets:Bank", "Expenses:Food:Office", "Assets:Cash"])
def test_accounts_outside_the_scheme_have_no_role(name):
    assert role_from_name(name) is None
