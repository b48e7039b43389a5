"""Scratch folders named after the process that made them (``compendium-<kind>-<pid>-…``).

A build or command removes its scratch folders when it ends, even on Ctrl-C; one that is killed
(SIGKILL, or SIGTERM, which Python does not turn into cleanup) cannot, so the next one to make a
scratch folder of the same kind removes those whose process is gone. A running one's are left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _prefix(kind: str) -> str:
    return f"compendium-{kind}-"


def make_scratch(kind: str, root: str | None = None) -> Path:
    """A new scratch folder of ``kind`` in ``root`` (default: the system's temporary folder), after
    removing those of its kind that processes no longer running left there."""
    remove_abandoned(kind, root)
    return Path(tempfile.mkdtemp(prefix=f"{_prefix(kind)}{os.getpid()}-", dir=root))


@contextmanager
def scratch(kind: str, root: str | None = None) -> Iterator[Path]:
    """A scratch folder of ``kind`` (:func:`make_scratch`), removed with all it holds at the end."""
    folder = make_scratch(kind, root)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_abandoned(kind: str, root: str | None = None) -> None:
    """Remove the scratch folders of ``kind`` in ``root`` whose process is no longer running."""
    prefix = _prefix(kind)
    for folder in Path(root or tempfile.gettempdir()).glob(prefix + "*"):
        pid = folder.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: running
        return True
    return True
