"""Doing one independent job per item on both cores of a build machine.

Loading records and generating practice pages are the same work repeated per
item; with many items, a forked process does the second half while this one
does the first. Forking inherits everything in memory, so the work needs no
pickling (only its results travel back) and the child starts at once.

Every caller passes the number of processes it may use (the plugin's
``concurrency`` setting); 1 turns this off.

A stopped build stops its helpers too: a forked half and Pagefind (started by
:mod:`compendium.site.search`) die with the build however it is stopped, and an
interrupted build (Ctrl-C) does not wait for them to finish their work.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
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


def _load_libc() -> ctypes.CDLL | None:
    # Linux: a child can ask to be killed when its parent dies, however the parent dies (SIGTERM and
    # SIGKILL run no Python cleanup). Looked up here, in the parent: between fork and exec the child
    # must not load anything.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl  # noqa: B018
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return None
    return libc


_LIBC = _load_libc()
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> Callable[[], None]:
    """What a child of ``parent`` runs first (after fork, before exec) so that it is killed when
    ``parent`` dies."""

    def arrange() -> None:  # no locks, no imports: it may run between fork and exec
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return arrange


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
    arrange = die_with_parent(os.getpid())

    def child() -> None:
        arrange()
        # Ctrl-C reaches the whole foreground process group: the parent decides, and kills this
        # half (below), instead of the child printing a traceback of its own.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        # The read end came with the fork. Kept open, it let a half whose build had died block for
        # ever writing its result (3.5 MB for 500 pages) into a pipe only it could read, holding the
        # build's lock, so every later build waited for it; closed, that write fails at once.
        receive.close()
        try:
            send.send([func(item) for item in items[middle:]])
        except BrokenPipeError:
            pass  # the build is gone; nobody is left to tell
        finally:
            send.close()

    process = context.Process(target=child, daemon=True)
    # Held back while forking, so that the child cannot take a Ctrl-C before it ignores it; the parent
    # takes it right after.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    send.close()
    try:
        first = [func(item) for item in items[:middle]]
        try:
            second: list[R] = receive.recv()
        except EOFError:
            # The child failed (its error went to stderr): do its half here, where an error is raised.
            second = [func(item) for item in items[middle:]]
    except BaseException:
        # Interrupted (KeyboardInterrupt) or failed: the other half is of no use now, and joining it
        # would wait for all of it (3.5 s for a 4 s half interrupted after 0.5 s).
        process.kill()
        raise
    finally:
        receive.close()
        process.join()
    return first + second
