"""What an export folder is (``liaison export`` writes it, ``liaison consolidate`` and
``liaison verify`` read it): its files, its schema's version and where each file states
it, and the error a folder that is no usable export raises. Imports nothing of the
project, so the writer (``reports.export``) and the readers (``reports.rollup``,
``reports.verify``) may all import it."""

from __future__ import annotations

NAMES = ("offices", "assets", "disposals", "remittances", "violations", "rollup")
"""The tables of an export, each ``DIR/<name>.parquet``."""

SCHEMA_VERSION = "2"
"""The export schema's version: 2 added the hierarchy columns and ``rollup.parquet``
(version 1, before it, wrote no version)."""
SCHEMA_KEY = b"liaison.export.schema"
TABLE_KEY = b"liaison.export.table"
SOURCE_KEY = b"liaison.export.source"
"""Parquet key-value metadata: the schema version, the table's name, and (JSON) the
source: ledger, ledger_sha256, as_of, locality."""


class ExportError(Exception):
    """A folder is not a liaison export, or the exports cannot be read together."""


BY = ("locality", "prefecture", "province", "nation")
"""The levels ``liaison consolidate --by`` sums at."""
ENGINES = ("duckdb", "spark")
"""The engines ``liaison consolidate --engine`` runs on (DuckDB embedded, the default)."""
STORE_NAME = ".liaison-rollup.duckdb"
"""The collected store's file name, beside the consolidated report by default."""
