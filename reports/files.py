"""Writing output files whole or not at all, with the permissions users expect, and
text that no spreadsheet takes for a formula."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def install(temp: str | os.PathLike[str], output: Path) -> None:
    """Move a finished temporary file into place.

    It takes the mode the output had, or, for a new file, the mode any new file gets
    (0666 less the umask): a temporary file is private (0600), a report is not.
    """
    if output.exists():
        mode = output.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp, mode)
    os.replace(temp, output)


def write_atomic(path: Path, fill: Callable[[str], object]) -> Path:
    """Write ``path`` through a temporary file beside it, renamed into place on success.

    Args:
        path: The destination.
        fill: Writes the content to the temporary file's name it is given.
    Returns:
        The path. On any error the destination is untouched and no temporary file is
        left behind.
    """
    directory = path.parent if str(path.parent) else Path(".")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.close(handle)
    try:
        fill(temp)
        install(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


SHA_LABEL = "SHA-256"
AS_OF_LABEL = "截至日期"
"""The title-block labels of the books' digest and the as-of date: every report writes
them (``writers.title_block``) and ``liaison verify`` reads them back."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell's text may start that a spreadsheet takes for a formula (OWASP's list)."""


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    return text.startswith(_FORMULA_START)


def csv_text(value: Any) -> Any:
    """A csv cell that a spreadsheet cannot take for a formula: text that begins with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
    (OWASP's advice); numbers stay as they are."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value
