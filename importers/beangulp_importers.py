"""The importers as beangulp importers, for ``beangulp`` scripts and Fava's Import page.

Thin: ``extract`` runs ``importers.pipeline.extract``, as ``liaison import`` does, with
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

import beangulp
from beancount.core import data

from importers import convert
from importers import pipeline
from importers import sheets
from importers.problems import ImportProblems
from importers.problems import Problem

SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
    ".htm",
    ".html",
    ".xml",
)


class _Importer(beangulp.Importer):
    kind = ""

    def __init__(self, default_date: datetime.date | None = None) -> None:
        self.default_date = default_date

    @property
    def name(self) -> str:
        return f"liaison.{self.kind}"

    def identify(self, filepath: str) -> bool:
        if Path(filepath).suffix.lower() not in SUFFIXES:
            return False
        return identify(filepath) == self.kind

    def account(self, filepath: str) -> data.Account:
        return "Assets:Office"

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        index = convert.LedgerIndex.from_entries(list(existing or ()))
        if not index.offices:
            index.offices = None  # no declared office: a bare beangulp run, not checked
        problems: list[Problem] = []
        entries = pipeline.extract(
            self.kind,
            Path(filepath),
            index,
            problems,
            label=filepath,
            default_date=self.default_date,
            keep_duplicates=True,
        )
        extracted = list(entries)
        if problems:
            raise ImportProblems(problems)
        return extracted

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        held = {key for key in map(convert.entry_key, existing or ()) if key is not None}
        for entry in entries:
            key = convert.entry_key(entry)
            if key is not None and key in held:
                entry.meta[convert.DUPLICATE] = True


def identify(path: str) -> str | None:
    """``inventory`` or ``disposals`` if some sheet of the file holds that kind's header.

    A disposal result's header (处置方式, 处置日期) is looked for first: a register has
    neither. Never raises: Fava lists every file of its import folders.
    """
    from importers import forms

    try:
        found = sheets.read_sheets(path, [], path)
        for kind in ("disposals", "inventory"):
            schema = forms.SCHEMAS[kind]
            for sheet in found:
                problems: list[Problem] = []
                layout = forms.read_layout(sheet, schema, problems, path, False)
                if layout.header is not None:
                    return kind
    except Exception:
        return None
    return None


class InventoryImporter(_Importer):
    """Inventory registers (资产清查登记表): opens and opening transactions."""

    kind = "inventory"


class DisposalsImporter(_Importer):
    """Disposal results: transfers, auctions and sales in the 政府会计制度 form."""

    kind = "disposals"
