"""Writing files so that nobody ever sees half of one: a reader finds the old file or the new one.

Every write goes to a temporary file beside its target and is moved into place
in one step, so an interrupted command or build leaves what was there before.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


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


class Lock:
    """An exclusive lock held through a lock file, until released or until the process ends.

    The operating system drops the lock of a process that dies, however it dies, so a killed
    build never leaves the next one waiting.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def acquire(self, waiting: Callable[[], None]) -> None:
        """Take the lock; if another process holds it, call ``waiting`` once, then wait for it."""
        if self._handle is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
