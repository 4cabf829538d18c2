"""Writing output files whole or not at all, with the permissions users expect."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


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
