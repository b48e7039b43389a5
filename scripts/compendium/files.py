"""Writing files so that nobody ever sees half of one: a reader finds the old file or the new one.

Every write goes to a temporary file beside its target and is moved into place
in one step, so an interrupted command or build leaves what was there before.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes | str, *, replace: bool = True) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` in one step.

    With ``replace=False`` an existing file is never overwritten: :class:`FileExistsError` instead.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)  # mkstemp makes files private; what we write is for everyone
        if replace:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # fails if path exists, so nothing is clobbered
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
