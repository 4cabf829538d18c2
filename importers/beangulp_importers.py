"""The importers as beangulp importers, for ``beangulp`` scripts and Fava's Import page.

Thin: ``extract`` runs the same rows → directives pipeline as ``liaison import``, with
the existing entries as the ledger. Rows the ledger already holds come out too, marked
``__duplicate__`` (beangulp comments them out, Fava unticks them); a file with any
problem is refused whole with every problem in the message, never imported in part.

The default duplicate test of beangulp is fuzzy (dates within two days, amounts within
5 %); it would take two vehicles bought the same week for one. ``deduplicate`` here
matches on ``asset-id`` (and the date, for disposals) and nothing else.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import beangulp
from beancount.core import data

from importers import convert
from importers import rows as rows_lib


class _Importer(beangulp.Importer):
    kind = ""

    def __init__(self, default_date: datetime.date | None = None) -> None:
        self.default_date = default_date

    @property
    def name(self) -> str:
        return f"liaison.{self.kind}"

    def identify(self, filepath: str) -> bool:
        if Path(filepath).suffix.lower() not in (".csv", ".xlsx", ".xlsm", ".txt"):
            return False
        return rows_lib.identify(filepath) == self.kind

    def account(self, filepath: str) -> data.Account:
        return "Assets:Office"

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        index = convert.LedgerIndex.from_entries(list(existing or ()))
        if not index.offices:
            index.offices = None  # no declared office: a bare beangulp run, not checked
        problems: list[rows_lib.Problem] = []
        table = rows_lib.open_table(filepath, problems)
        typed = rows_lib.typed_rows(table, rows_lib.SCHEMAS[self.kind])
        common: dict[str, Any] = {
            "filename": filepath,
            "columns": table.columns,
            "file_ids": table.ids,
            "keep_duplicates": True,
        }
        if self.kind == "inventory":
            entries = convert.inventory_entries(
                typed, index, problems, default_date=self.default_date, **common
            )
        else:
            entries = convert.disposal_entries(typed, index, problems, **common)
        extracted = list(entries)
        if problems:
            raise rows_lib.ImportProblems(problems)
        return extracted

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        held = {key for key in map(convert.entry_key, existing or ()) if key is not None}
        for entry in entries:
            key = convert.entry_key(entry)
            if key is not None and key in held:
                entry.meta[convert.DUPLICATE] = True


class InventoryImporter(_Importer):
    """Inventory registers (资产清查登记表): opens and opening transactions."""

    kind = "inventory"


class DisposalsImporter(_Importer):
    """Disposal results: transfers, auctions and sales in the 政府会计制度 form."""

    kind = "disposals"
