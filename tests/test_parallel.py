"""Work split across two processes (:mod:`compendium.parallel`) stops with the build that split it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import REPO
from .test_site import STOP_SECONDS, _running, _with_ctrl_c

HALVES = """
import os, sys, time
from compendium import parallel

if sys.argv[1] == "without":
    parallel._LIBC = None  # as where a child cannot ask to die with its parent (not Linux)

def work(item):
    if item == 200:
        print(os.getpid(), flush=True)  # the first item of the second half: in the forked process
    if item >= 200:
        time.sleep(0.05)  # the forked half takes 10 s; this process's half is done at once
    return str(item) * 300  # ~200 KB for a half: more than a pipe holds, as a half of real pages is

print(os.getpid(), flush=True)
try:
    parallel.map_in_halves(work, list(range(400)), 2)
except KeyboardInterrupt:
    sys.exit(130)  # as the command line does: a message, no traceback
"""


@pytest.mark.parametrize("stop", ["kill -INT", "kill -TERM", "Ctrl-C"])
def test_a_stopped_build_neither_waits_for_nor_leaves_its_forked_half(stop: str) -> None:
    # "Ctrl-C": a terminal sends SIGINT to every process of the foreground job, the forked half too.
    build = subprocess.Popen(
        [sys.executable, "-c", HALVES, "with"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
        preexec_fn=_with_ctrl_c,
        process_group=0,
    )
    assert build.stdout is not None and build.stderr is not None
    parent, child = int(build.stdout.readline()), int(build.stdout.readline())
    assert child != parent, "the work was not split: this test would prove nothing"
    stopped = time.monotonic()
    if stop == "Ctrl-C":
        os.killpg(build.pid, signal.SIGINT)
    else:
        build.send_signal(signal.SIGINT if stop == "kill -INT" else signal.SIGTERM)
    try:
        build.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    took = time.monotonic() - stopped
    assert took < STOP_SECONDS, f"the build took {took:.2f} s to stop after {stop}"
    assert build.returncode == (-signal.SIGTERM if stop == "kill -TERM" else 130)
    while _running(child) and time.monotonic() < stopped + STOP_SECONDS:
        time.sleep(0.05)
    assert not _running(child), f"the forked half outlived the build stopped by {stop}"
    assert build.stderr.read() == ""  # the forked half printed no traceback of its own
    build.stdout.close()
    build.stderr.close()


def test_a_half_whose_build_died_ends_where_it_cannot_ask_to_die_with_it() -> None:
    # Such a half runs on until its work is done, then must find its result unwanted and end, instead
    # of waiting for ever to hand it over while holding the dead build's lock.
    build = subprocess.Popen(
        [sys.executable, "-c", HALVES, "without"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
    )
    assert build.stdout is not None and build.stderr is not None
    parent, child = int(build.stdout.readline()), int(build.stdout.readline())
    assert child != parent, "the work was not split: this test would prove nothing"
    build.send_signal(signal.SIGTERM)
    build.wait(timeout=30)
    deadline = time.monotonic() + 30  # the half's 10 s of work, with room for a loaded machine
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    running = _running(child)
    if running:
        os.kill(child, signal.SIGKILL)
    assert not running, "the forked half of a build that died never ended"
    assert build.stderr.read() == ""
    build.stdout.close()
    build.stderr.close()
