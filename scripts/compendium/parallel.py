"""Doing one independent job per item on both cores of a build machine.

Loading records and generating practice pages are the same work repeated per
item; with many items, a forked process does the second half while this one
does the first. Forking inherits everything in memory, so the work needs no
pickling (only its results travel back) and the child starts at once.

Every caller passes the number of processes it may use (the plugin's
``concurrency`` setting); 1 turns this off.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MINIMUM = 400
"""Below this many items, starting a second process costs more than it saves."""

DEFAULT_PROCESSES = min(2, os.cpu_count() or 1)
"""Processes a build or a check uses unless told otherwise: two where there are two cores (one job per
item splits into halves, so more would not help)."""


def can_fork(items: int, processes: int) -> bool:
    """Whether splitting ``items`` jobs across two processes is allowed (``processes``), worth it
    (:data:`MINIMUM`) and safe here."""
    # Forking a process that runs other threads (as `mkdocs serve` does) can deadlock the
    # child on a lock another thread held, so such a process does all the work itself.
    return (
        processes >= 2
        and items >= MINIMUM
        and (os.cpu_count() or 1) >= 2
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def map_in_halves(func: Callable[[T], R], items: Sequence[T], processes: int) -> list[R]:
    """``[func(item) for item in items]``, the second half computed in a forked process when
    ``processes`` allows it and it is worth it."""
    if not can_fork(len(items), processes):
        return [func(item) for item in items]
    middle = len(items) // 2
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        try:
            send.send([func(item) for item in items[middle:]])
        finally:
            send.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()
    first = [func(item) for item in items[:middle]]
    try:
        second: list[R] = receive.recv()
    except EOFError:
        # The child failed (its error went to stderr): do its half here, where an error is raised.
        second = [func(item) for item in items[middle:]]
    finally:
        receive.close()
        process.join()
    return first + second
