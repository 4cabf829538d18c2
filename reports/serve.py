"""Fava on a ledger, for ``liaison demo`` and ``liaison serve`` (its 清理规范 page comes
with the ledger's own extension line)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "ledger" / "main.beancount"
"""The bundled example program, which ``liaison demo`` opens."""


def fava(ledger: Path, host: str, port: int, *, read_only: bool) -> None:
    """Serve ``ledger`` with Fava on ``host:port`` until interrupted.

    ``read_only``: no endpoint that writes; Fava refuses every PUT, POST and DELETE (the
    清理规范 upload included) with 401.
    """
    argv = ["--host", host, "--port", str(port), str(ledger)]
    if read_only:
        argv.insert(0, "--read-only")
    mode = "（只读）" if read_only else ""
    print(f"Fava 已打开 {ledger}{mode}：http://{host}:{port}/", file=sys.stderr)
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    from fava.cli import main as fava_main

    from plugins import engine

    engine.keep_load_runs()  # the 清理规范 page shows the plugin's run of Fava's loads

    try:
        fava_main.main(args=argv, prog_name="fava", standalone_mode=True)
    except KeyboardInterrupt:
        pass
