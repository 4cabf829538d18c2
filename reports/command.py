"""``liaison report|export|consolidate``: placeholder until the reports land."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``report``, ``export`` and ``consolidate`` commands."""
    for name in ("report", "export", "consolidate"):
        parser = sub.add_parser(name, help=f"{name} (coming)")
        parser.set_defaults(func=_unavailable)


def _unavailable(args: argparse.Namespace) -> int:
    print(f"liaison {args.command}: not available yet")
    return 2
