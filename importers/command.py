"""``liaison import inventory|disposals``: placeholder until the importers land."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``import`` command to the ``liaison`` parser."""
    parser = sub.add_parser("import", help="import inventory registers or disposal results")
    parser.set_defaults(func=_unavailable)


def _unavailable(args: argparse.Namespace) -> int:
    print("liaison import: not available yet")
    return 2
