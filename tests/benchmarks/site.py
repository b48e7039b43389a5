"""Benchmark: our site's build against a plain Material build of the same bodies, in the same run.

Issue 25's figures, each the median of ``--repeat`` runs (default 3) measured against its baseline in
the same run, since these machines are noisy; a summary table at the end says which targets are met.
Every project is made of records as rich as real ones (the project's own records and retitled copies
of them, :func:`make_rich_project`); the plain Material site holds the same bodies.

* At ``--size`` practices (default 1,000): our full ``mkdocs build``, cold (the plugin's cache folder
  empty, a fresh ``COMPENDIUM_CACHE_DIR``) and warm (the cache folder a previous build left, as a
  second build or CI with a restored cache finds it), each against a plain Material build of the same
  bodies (static pages out of the nav, Material's default plugins); a cold build with the plugin's
  ``concurrency: 1`` (no forked process, Pagefind's pages on disk), so the speed machinery shows what
  it pays (cold: a warm build makes too few records and pages afresh to fork, fewer than
  ``compendium.parallel.MINIMUM``); the bytes a reader's browser downloads for a first search;
  optionally, Lighthouse's mobile scores for four pages (installed from npm into a scratch folder).
* At ``--large`` practices (default 10,000; 0 skips it): our build's time, cold and warm, and the peak
  memory of its whole process tree (MkDocs, its forked worker, Pagefind), the resident memory of every
  process summed every 50 ms, also with the pages the build keeps in ``/dev/shm``; its time against
  ``--large / --size`` times the smaller build's (linearity) and against plain Material at that size.
  ``--large-repeat`` runs (default 1: a round takes minutes).
* Under ``mkdocs serve`` at ``--size`` practices, with the warm cache: the time from appending a
  sentence to one record to the served practice page holding it (polled over HTTP every 20 ms), as a
  fraction of the warm full build; what MkDocs logs of each rebuild (when its watcher noticed the
  save, the rebuild's time) and, where the plugin finishes it after the page, when the search index
  was up to date.

It starts with the time per KB of rendering the worst bodies known for a Markdown renderer. Not part
of the test run; a small trial run::

    python -m tests.benchmarks.site --size 60 --large 200 --repeat 2 --no-lighthouse
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tests.benchmarks.synthetic import REPO, make_rich_project
from tests.browser import ARGS, CHROMIUM
from tests.sitebuild import serve

GB = 1e9
MB = 1e6


class BenchmarkError(Exception):
    """A build or the server failed; the message says which and how."""


# ---------------------------------------------------------------------------------------------------
# Processes: each in its own process group, so a stop (or ^C) reaches the workers and Pagefind too.


def _env(cache: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO / "scripts")}
    if cache is not None:
        env["COMPENDIUM_CACHE_DIR"] = str(cache)
    return env


def stop(process: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """Stop ``process`` and its group: an interrupt first (a build cleans up, the server shuts down),
    then SIGTERM, then SIGKILL."""
    for sent in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sent)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    # Workers and Pagefind outlive an interrupted parent for a moment: take the group down.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


class TreeMemory:
    """The peak memory of a process and all its descendants, sampled every ``interval`` seconds in a
    thread: the resident memory (VmRSS) of each, summed, and that plus what ``/dev/shm`` gained since
    the start (where the build keeps the pages waiting for Pagefind: memory no process's RSS shows).

    RSS counts pages a forked worker still shares with its parent once per process, so the sum is an
    upper bound; the ``/dev/shm`` figure is machine-wide, so another program writing there inflates it."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_rss = 0
        self.peak_total = 0
        self.processes = 0
        """The most processes the tree held at once."""
        self.at_peak: list[tuple[str, int]] = []
        """Each process's name and resident memory when the sum peaked, largest first."""
        self._shm_start = _shm_used()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            pids = _tree(self.pid)
            each = [(pid, _rss(pid)) for pid in pids]
            rss = sum(size for _, size in each)
            self.processes = max(self.processes, len(pids))
            if rss > self.peak_rss:
                self.peak_rss = rss
                self.at_peak = sorted(
                    ((_name(pid, self.pid), size) for pid, size in each), key=lambda item: -item[1]
                )
            self.peak_total = max(self.peak_total, rss + max(0, _shm_used() - self._shm_start))
            if self._done.wait(self.interval):
                return


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from the kernel's ``children`` lists of each thread."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    queue.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0  # gone, or a zombie


def _name(pid: int, root: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as comm:
            name = comm.read().strip()
    except OSError:
        name = "?"
    return "mkdocs" if pid == root else f"{name} (forked)" if name.startswith("python") else name


def breakdown(at_peak: list[tuple[str, int]]) -> str:
    """``mkdocs 1.20 GB, pagefind 0.40 GB``: who held the memory when the sum peaked."""
    return ", ".join(f"{name} {size / GB:.2f} GB" for name, size in at_peak)


def _shm_used() -> int:
    try:
        stats = os.statvfs("/dev/shm")
    except OSError:
        return 0
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


@dataclass
class Run:
    """One timed build."""

    seconds: float
    peak_rss: int
    peak_total: int
    processes: int
    at_peak: list[tuple[str, int]]


def build(config: Path, site: Path, cache: Path | None = None) -> Run:
    """Time ``mkdocs build`` of ``config`` into a fresh ``site``, with ``cache`` as the plugin's cache folder."""
    if site.exists():
        shutil.rmtree(site)
    log = site.with_name(site.name + ".log")
    # Flush what earlier steps wrote, so the disk's write-back of one build (or of the generated
    # project) is not charged to the next.
    os.sync()
    with log.open("w", encoding="utf-8") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
            env=_env(cache),
            stdin=subprocess.DEVNULL,
            stdout=errors,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            with TreeMemory(process.pid) as memory:
                returncode = process.wait()
            seconds = time.perf_counter() - started
        finally:
            stop(process)
    if returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise BenchmarkError(f"mkdocs build -f {config} failed (exit {returncode}):\n{tail}")
    return Run(seconds, memory.peak_rss, memory.peak_total, memory.processes, memory.at_peak)


# ---------------------------------------------------------------------------------------------------
# Projects


def ours(root: Path, count: int) -> Path:
    """Our project: ``count`` rich records, the repository's mkdocs.yml and overrides."""
    make_rich_project(root, count)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    return root / "mkdocs.yml"


def one_process(config: Path) -> Path:
    """The same project with the plugin's speed machinery turned off."""
    text = config.read_text(encoding="utf-8")
    assert "  - compendium\n" in text
    single = config.with_name("mkdocs-one-process.yml")
    single.write_text(
        text.replace("  - compendium\n", "  - compendium:\n      concurrency: 1\n"), encoding="utf-8"
    )
    return single


def plain(root: Path, project: Path) -> Path:
    """The same bodies as plain Markdown pages, out of the nav, in a default Material site."""
    docs = root / "docs"
    (docs / "practices").mkdir(parents=True)
    (docs / "index.md").write_text("# Practices\n", encoding="utf-8")
    for record in sorted((project / "practices").glob("*.md")):
        _, front, body = record.read_text(encoding="utf-8").split("---\n", 2)
        title = str(yaml.safe_load(front)["title"])  # rich records' titles may be quoted
        (docs / "practices" / record.name).write_text(f"# {title}\n{body}", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text("site_name: Plain\ntheme:\n  name: material\nnav:\n  - index.md\n", encoding="utf-8")
    return config


def size(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def first_practice(project: Path) -> Path:
    return min((project / "practices").glob("*.md"))


# ---------------------------------------------------------------------------------------------------
# Figures


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass
class Row:
    figure: str
    measured: str
    target: str
    met: bool | None  # None: no target, shown for what it says


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def add(self, figure: str, measured: str, target: str = "", met: bool | None = None) -> None:
        self.rows.append(Row(figure, measured, target, met))

    def show(self) -> None:
        print()
        print("summary")
        headers = ("figure", "measured", "target", "met?")
        cells = [
            (
                row.figure,
                row.measured,
                row.target or "-",
                "-" if row.met is None else "yes" if row.met else "NO",
            )
            for row in self.rows
        ]
        widths = [max(len(line[i]) for line in [headers, *cells]) for i in range(4)]
        for line in [headers, tuple("-" * w for w in widths), *cells]:
            print("  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


def full_builds(base: Path, count: int, repeat: int, report: Report) -> tuple[Path, Path, float, float]:
    """The builds at ``count`` practices; returns (our project, its warm cache, our cold and warm median)."""
    print(
        f"\n{count} practices: our build (cold and warm cache), concurrency: 1, and plain Material",
        flush=True,
    )
    our_config = ours(base / "ours", count)
    single_config = one_process(our_config)
    plain_config = plain(base / "plain", base / "ours")
    # A first build of each, untimed, warms the system's caches and Python's bytecode.
    build(plain_config, base / "plain-site")
    build(our_config, base / "ours-site", base / "cache-first")
    shutil.rmtree(base / "cache-first")
    single_cache = base / "cache-single"
    # Then rounds alternating the kinds, so machine noise hits each alike. Each round starts from an
    # empty cache folder (the cold build), which the next build finds filled (warm).
    plains: list[Run] = []
    colds: list[Run] = []
    singles: list[Run] = []
    warms: list[Run] = []
    cache = base / "cache"
    for round_ in range(repeat):
        if cache.exists():
            shutil.rmtree(cache)
        plains.append(build(plain_config, base / "plain-site"))
        colds.append(build(our_config, base / "ours-site", cache))
        warms.append(build(our_config, base / "ours-site", cache))
        # The fork splits only the records and pages a build makes afresh, hundreds of them: a cold
        # build's work. Its own empty cache folder, so that it makes what the cold build made.
        if single_cache.exists():
            shutil.rmtree(single_cache)
        singles.append(build(single_config, base / "single-site", single_cache))
        print(
            f"  round {round_ + 1}/{repeat}: plain {plains[-1].seconds:.1f} s, cold {colds[-1].seconds:.1f} s, "
            f"warm {warms[-1].seconds:.1f} s, concurrency: 1 (cold) {singles[-1].seconds:.1f} s",
            flush=True,
        )
    t_plain = median([run.seconds for run in plains])
    t_cold = median([run.seconds for run in colds])
    t_warm = median([run.seconds for run in warms])
    t_single = median([run.seconds for run in singles])
    s_ours, s_plain = size(base / "ours-site"), size(base / "plain-site")
    peak = max(colds + warms, key=lambda run: run.peak_rss)
    print(f"  medians of {repeat}:")
    print(f"  our build, cold cache:   {t_cold:6.2f} s   site {s_ours / MB:6.1f} MB")
    print(f"  our build, warm cache:   {t_warm:6.2f} s")
    print(f"  plain Material build:    {t_plain:6.2f} s   site {s_plain / MB:6.1f} MB")
    print(f"  ratio cold / plain:      {t_cold / t_plain:6.2f}x  (target: 1.2x)")
    print(f"  ratio warm / plain:      {t_warm / t_plain:6.2f}x  (target: 1.2x)")
    fork = round(t_single / t_cold, 2)
    verdict = "save time" if fork > 1 else "cost time" if fork < 1 else "neither save nor cost time"
    print(
        f"  with concurrency: 1:     {t_single:6.2f} s   ({fork:.2f}x the default cold build: "
        f"the forked process and /dev/shm {verdict})"
    )
    print(f"  peak memory, our build:  {peak.peak_rss / GB:6.2f} GB  ({breakdown(peak.at_peak)})")
    add_ratios(report, count, t_cold, t_warm, t_plain)
    report.add(f"{count}: our build, cold / warm", f"{t_cold:.1f} s / {t_warm:.1f} s")
    report.add(
        f"{count}: concurrency: 1 / default (cold)",
        f"{fork:.2f}x",
        "above 1.0x: the fork pays",
        fork > 1,
    )
    return base / "ours", cache, t_cold, t_warm


def large_builds(
    base: Path, count: int, small: int, small_cold: float, small_warm: float, repeat: int, report: Report
) -> None:
    """Time and peak memory at ``count`` practices, against ``count / small`` times the smaller builds
    and against plain Material at ``count``."""
    print(f"\n{count} practices: our build (cold, then warm) and plain Material", flush=True)
    if repeat == 1:
        print(
            "  one run of each (a round takes minutes; --large-repeat for more): each figure is that one run"
        )
    our_config = ours(base / "ours", count)
    plain_config = plain(base / "plain", base / "ours")
    plains: list[Run] = []
    colds: list[Run] = []
    warms: list[Run] = []
    cache = base / "cache"
    for round_ in range(repeat):
        if cache.exists():
            shutil.rmtree(cache)
        plains.append(build(plain_config, base / "plain-site"))
        shutil.rmtree(base / "plain-site")  # room on the disk for ours
        colds.append(build(our_config, base / "ours-site", cache))
        warms.append(build(our_config, base / "ours-site", cache))
        print(
            f"  round {round_ + 1}/{repeat}: plain {plains[-1].seconds:.1f} s, "
            f"cold {colds[-1].seconds:.1f} s (peak {colds[-1].peak_rss / GB:.2f} GB), "
            f"warm {warms[-1].seconds:.1f} s (peak {warms[-1].peak_rss / GB:.2f} GB)",
            flush=True,
        )
    t_plain = median([run.seconds for run in plains])
    t_cold = median([run.seconds for run in colds])
    t_warm = median([run.seconds for run in warms])
    ours_runs = colds + warms
    peak = max(ours_runs, key=lambda run: run.peak_rss)
    peak_rss = peak.peak_rss
    peak_total = max(run.peak_total for run in ours_runs)
    processes = max(run.processes for run in ours_runs)
    scale = count / small
    cold_linear = t_cold / (scale * small_cold)
    warm_linear = t_warm / (scale * small_warm)
    kind = "median" if repeat > 1 else "one run"
    print(f"  {kind} of {repeat}:")
    print(f"  our build, cold cache:   {t_cold:6.1f} s   (target: 60 s)")
    print(f"  our build, warm cache:   {t_warm:6.1f} s   (target: 60 s)")
    print(f"  plain Material build:    {t_plain:6.1f} s")
    print(
        f"  peak memory:             {peak_rss / GB:6.2f} GB  resident, summed over up to {processes} processes "
        f"(target: under 2 GB); {peak_total / GB:.2f} GB with /dev/shm's growth"
    )
    print(f"  at the peak:             {breakdown(peak.at_peak)}")
    print(f"  {f'cold / ({scale:.4g} x {small}):':<24} {cold_linear:6.2f}x  (linearity, target: about 1.0)")
    print(f"  {f'warm / ({scale:.4g} x {small}):':<24} {warm_linear:6.2f}x")
    print(f"  ratio cold / plain:      {t_cold / t_plain:6.2f}x  (target: 1.2x)")
    print(f"  ratio warm / plain:      {t_warm / t_plain:6.2f}x")
    note = "" if repeat > 1 else " (1 run)"
    report.add(f"{count}: our build, cold{note}", f"{t_cold:.1f} s", "60 s", t_cold <= 60)
    report.add(f"{count}: our build, warm{note}", f"{t_warm:.1f} s", "60 s", t_warm <= 60)
    report.add(
        f"{count}: peak memory, process tree RSS", f"{peak_rss / GB:.2f} GB", "under 2 GB", peak_rss < 2 * GB
    )
    report.add(
        f"{count}: peak memory, with /dev/shm", f"{peak_total / GB:.2f} GB", "under 2 GB", peak_total < 2 * GB
    )
    # Pagefind indexes every practice in one run, and its memory grows with them: what is left to
    # MkDocs and the forked half under the target.
    search = sum(rss for name, rss in peak.at_peak if name.startswith("pagefind"))
    report.add(f"{count}: of the peak, Pagefind's", f"{search / GB:.2f} GB")
    for name, linear in (("cold", cold_linear), ("warm", warm_linear)):
        report.add(
            f"{count}: {name} / ({scale:.4g} x {small} {name})",
            f"{linear:.2f}x",
            "about 1.0 (at most 1.1)",
            linear <= 1.1,
        )
    add_ratios(report, count, t_cold, t_warm, t_plain)


# ---------------------------------------------------------------------------------------------------
# mkdocs serve: edit to reload

_BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``mkdocs serve`` of a project on a free loopback port, its log lines kept with when they came."""

    def __init__(self, config: Path, cache: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.lines: list[tuple[float, str]] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "-f",
                str(config),
                "--dev-addr",
                f"127.0.0.1:{self.port}",
            ],
            env=_env(cache),
            cwd=config.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.perf_counter(), line.rstrip()))

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(line for _, line in self.lines[-lines:])

    def get(self, path: str, timeout: float = 120) -> str | None:
        """The page at ``path`` under the site's address, or None while the server does not answer yet."""
        if self.process.poll() is not None:
            raise BenchmarkError(f"mkdocs serve stopped (exit {self.process.returncode}):\n{self.log_tail()}")
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                # MkDocs serves the site under site_url's path (/compendium/) and redirects / there.
                if not path:
                    self.url = str(response.geturl())
                return str(response.read().decode("utf-8", errors="replace"))
        except urllib.error.HTTPError as exc:
            raise BenchmarkError(f"{self.url}{path}: HTTP {exc.code}\n{self.log_tail()}") from None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for(self, path: str, text: str, limit: float, since: float) -> float:
        """Poll ``path`` every 20 ms until it holds ``text``; the time since ``since``."""
        while True:
            page = self.get(path)
            now = time.perf_counter()
            if page is not None and text in page:
                return now - since
            if now - since > limit:
                raise BenchmarkError(
                    f"{self.url}{path} did not show {text!r} within {limit:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(0.02)

    def logged_after(self, since: float, pattern: str) -> tuple[float, str] | None:
        """The first log line since ``since`` holding ``pattern``, and when it came."""
        return next(((when, line) for when, line in self.lines if when >= since and pattern in line), None)

    def wait_logged(self, since: float, pattern: str, limit: float) -> tuple[float, str] | None:
        """:meth:`logged_after`, waiting up to ``limit`` seconds for the line."""
        deadline = time.perf_counter() + limit
        while (found := self.logged_after(since, pattern)) is None and time.perf_counter() < deadline:
            time.sleep(0.02)
        return found

    def close(self) -> None:
        stop(self.process)
        self._reader.join(timeout=10)


@contextlib.contextmanager
def serving(config: Path, cache: Path) -> Iterator[Server]:
    server = Server(config, cache)
    try:
        yield server
    finally:
        server.close()


def edit_to_reload(project: Path, cache: Path, edits: int, full_build: float, report: Report) -> None:
    """Under ``mkdocs serve``: from appending a sentence to one record to the served page holding it."""
    count = len(list((project / "practices").glob("*.md")))
    print(f"\n{count} practices under mkdocs serve: an edit to one record to the reloaded page", flush=True)
    record = first_practice(project)
    path = f"practices/{record.stem}/"
    totals: list[float] = []
    builds: list[float] = []
    noticed: list[float] = []
    searched: list[float] = []
    with serving(project / "mkdocs.yml", cache) as server:
        started = time.perf_counter()
        first = server.wait_for("", "</html>", 1800, started)  # the first build, then the site's address
        server.wait_for(path, "</html>", 60, time.perf_counter())
        built = server.logged_after(started, "Documentation built in")
        match = _BUILT.search(built[1]) if built else None
        logged = f" (MkDocs logs {match[1]} s)" if match else ""
        print(f"  first build served after {first:.1f} s{logged}", flush=True)
        with TreeMemory(server.process.pid) as memory:
            for number in range(edits):
                token = f"benchmark{secrets.token_hex(8)}"
                time.sleep(1)  # apart from the previous rebuild's end, as a person's next save would be
                edited = time.perf_counter()
                with record.open("a", encoding="utf-8") as text:
                    text.write(f"\nEdited for the benchmark, mark {token}.\n")
                totals.append(server.wait_for(path, token, 600, edited))
                # MkDocs logs the rebuild's time just before the page is served; wait for the line.
                built = server.wait_logged(edited, "Documentation built in", 5)
                detected = server.logged_after(edited, "Detected file changes")
                match = _BUILT.search(built[1]) if built else None
                # The plugin may finish the search index after the page is served ("the search
                # index follows"): when it says so, wait for it, so the next edit finds it done.
                indexed = None
                if server.logged_after(edited, "search index follows"):
                    indexed = server.wait_logged(edited, "Search indexed", 120)
                if match:
                    builds.append(float(match[1]))
                if detected:
                    noticed.append(detected[0] - edited)
                if indexed:
                    searched.append(indexed[0] - edited)
                print(
                    f"  edit {number + 1}/{edits}: served after {totals[-1]:.2f} s"
                    + (f"; MkDocs noticed after {noticed[-1]:.2f} s" if detected else "")
                    + (f", rebuilt in {match[1]} s" if match else "")
                    + (f"; search index updated after {searched[-1]:.2f} s" if indexed else ""),
                    flush=True,
                )
        # MkDocs logs each request that did not answer 200 (the redirect of /) as a warning: not the build's.
        warnings = [
            line for _, line in server.lines if ("WARNING" in line or "ERROR" in line) and '"GET ' not in line
        ]
    total = median(totals)
    print(
        f"  median of {edits}: {total:.2f} s from the save to the served page ({total / full_build:.2f}x the warm full build)"
    )
    if noticed and builds:
        print(
            f"  of which: MkDocs' file watcher noticed the change after {median(noticed):.2f} s (it polls every 0.5 s, "
            f"then waits 0.1 s for quiet), the rebuild took {median(builds):.2f} s (as MkDocs logs it)"
        )
    if searched:
        print(f"  the search index was up to date {median(searched):.2f} s after the save (median)")
    print(
        f"  peak memory of the server while rebuilding: {memory.peak_rss / GB:.2f} GB resident "
        f"({breakdown(memory.at_peak)})"
    )
    for line in warnings[:5]:
        print(f"  server log: {line}")
    report.add(f"{count}: edit to served page (mkdocs serve)", f"{total:.2f} s", "under 1 s", total < 1)
    report.add(
        f"{count}: edit to served page / warm full build",
        f"{total / full_build:.2f}x",
        "0.1x",
        total / full_build <= 0.1,
    )
    if builds:
        report.add(f"{count}: rebuild as MkDocs logs it (serve)", f"{median(builds):.2f} s")
    if searched:
        report.add(f"{count}: edit to updated search index (serve)", f"{median(searched):.2f} s")


# ---------------------------------------------------------------------------------------------------
# What a reader downloads, and Lighthouse


def first_search_bytes(site: Path, query: str = "regional") -> tuple[int, int]:
    """(bytes downloaded for search, results shown) for a first search on a fresh page load."""
    from playwright.sync_api import sync_playwright

    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        sizes: dict[str, int] = {}

        def record(response: object) -> None:
            path = urlsplit(response.url).path  # type: ignore[attr-defined]
            if "/pagefind/" in path or path.endswith("/js/finder.js"):
                sizes[path] = len(response.body())  # type: ignore[attr-defined]

        page.on("response", record)
        page.goto(url + "find/")
        page.wait_for_function(
            "() => document.getElementById('cmp-status').textContent.includes('newest first')"
        )
        page.fill("#cmp-q", query)
        page.wait_for_function("() => document.getElementById('cmp-status').textContent.includes('match')")
        page.wait_for_load_state("networkidle")
        shown = page.locator("#cmp-results li").count()
        browser.close()
    return sum(sizes.values()), shown


LIGHTHOUSE = "lighthouse@13.5.0"
"""Google's Lighthouse, installed by the benchmark from npm into a scratch folder (no project dependency)."""

LIGHTHOUSE_PAGES = {
    "home": "",
    "practice": "practices/{first}/",
    "region": "regions/los-angeles-county/",
    "finder": "find/",
}
"""The pages issue 14 sets targets for: 95 for performance, 100 for the rest, layout shift at most 0.05
(``{first}``: the project's first practice)."""


def lighthouse_cli(scratch: Path) -> list[str] | None:
    """The Lighthouse command, installed into ``scratch``; None (with the reason printed) if npm cannot."""
    npm = shutil.which("npm")
    if npm is None:
        print("  Lighthouse: skipped, npm is not on PATH")
        return None
    result = subprocess.run(
        [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(scratch), LIGHTHOUSE],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"  Lighthouse: skipped, npm could not install {LIGHTHOUSE}: {result.stderr.strip()[:200]}")
        return None
    return ["node", str(scratch / "node_modules" / "lighthouse" / "cli" / "index.js")]


def lighthouse(site: Path, scratch: Path, first: str) -> None:
    """Lighthouse's mobile scores for each of LIGHTHOUSE_PAGES, as a reader's phone would load them
    (Lighthouse's simulated slow 4G and mid-range CPU), and each page's first load as transferred."""
    import json

    command = lighthouse_cli(scratch)
    if command is None:
        return
    env = {**os.environ, "CHROME_PATH": CHROMIUM or ""}
    print("  Lighthouse (mobile)   perf  a11y  best   seo    CLS  first load")
    # Served gzipped, as the site's host sends it: an uncompressed local server made every page
    # weigh 3.5x what a phone downloads and held its first paint back by a second and a half.
    with serve(site, compress=True) as url:
        for name, path in LIGHTHOUSE_PAGES.items():
            report = scratch / f"{name}.json"
            subprocess.run(
                [
                    *command, url + path.format(first=first), "--quiet", "--output=json",
                    f"--output-path={report}",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                ],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
            data = json.loads(report.read_text(encoding="utf-8"))
            scores = [
                round(100 * (data["categories"][c]["score"] or 0))
                for c in ("performance", "accessibility", "best-practices", "seo")
            ]
            cls = data["audits"]["cumulative-layout-shift"]["numericValue"]
            weight = data["audits"]["total-byte-weight"]["numericValue"]
            print(
                f"  {name:<20} "
                + "".join(f"{s:>5} " for s in scores)
                + f"{cls:6.3f}  {weight / 1024:6.0f} KB"
            )
    print(
        "  targets: performance 95+, the others 100; layout shift at most 0.05; a practice page at most 400 KB"
    )


WORST_BODIES = {
    "ordinary prose": ("Regional partners met monthly to plan services together. " * 1000),
    "59,000 '['": "[" * 59_000,
    "59,000 '*'": "*" * 59_000,
    "20,000 '[a]('": "[a](" * 14_000,
    "nested quotes": "> " * 20_000 + "x",
    "emphasis runs": "*a **b " * 8_000,
}
"""Bodies within the size limit that are the worst cases known for a Markdown renderer (Python-Markdown
took 662 s on 59,000 '['); their cost per KB should stay that of ordinary prose."""


def body_cost() -> None:
    """Time per KB to render each worst-case body, with the renderer the site and the print edition use."""
    sys.path.insert(0, str(REPO / "scripts"))
    from compendium.render.markdown import TextRenderer

    renderer = TextRenderer()
    print("rendering a body (time per KB, best of 3):")
    for name, body in WORST_BODIES.items():
        best = min(_timed(renderer.parts, body) for _ in range(3))
        print(f"  {name:<16} {len(body) / 1024:5.0f} KB  {best * 1000 / (len(body) / 1024):7.2f} ms/KB")


def _timed(function: Any, *args: Any) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, temp: Path, report: Report) -> None:
    body_cost()
    base = temp / str(args.size)
    project, cache, small_cold, small_warm = full_builds(base, args.size, args.repeat, report)
    search_bytes, shown = first_search_bytes(base / "ours-site")
    print(
        f"  first search downloads:  {search_bytes / 1024:6.0f} KB for {shown} result cards (target: 300 KB)"
    )
    report.add(
        f"{args.size}: first search downloads",
        f"{search_bytes / 1024:.0f} KB",
        "300 KB",
        search_bytes <= 300 * 1024,
    )
    if not args.no_lighthouse:
        lighthouse(base / "ours-site", temp / "lighthouse", first_practice(project).stem)
    for site in ("ours-site", "single-site", "plain-site"):
        shutil.rmtree(base / site, ignore_errors=True)
    if args.edits:
        edit_to_reload(project, cache, args.edits, small_warm, report)
    shutil.rmtree(base)
    if args.large:
        large_builds(
            temp / str(args.large), args.large, args.size, small_cold, small_warm, args.large_repeat, report
        )
        shutil.rmtree(temp / str(args.large))


def _interrupt_once(signum: int, frame: object) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def add_ratios(report: Report, count: int, t_cold: float, t_warm: float, t_plain: float) -> None:
    """The cold and warm builds against plain Material's, at ``count`` practices (target 1.2x)."""
    for kind, seconds in (("cold", t_cold), ("warm", t_warm)):
        report.add(
            f"{count}: our build, {kind} / plain Material",
            f"{seconds / t_plain:.2f}x",
            "1.2x",
            seconds / t_plain <= 1.2,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", "--sizes", type=int, default=1000, help="practices of the main comparison")
    parser.add_argument("--large", type=int, default=10000, help="practices of the scale run; 0 skips it")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each kind; each figure is their median"
    )
    parser.add_argument("--large-repeat", type=int, default=1, help="runs of each kind at --large")
    parser.add_argument(
        "--edits", type=int, help="edits under mkdocs serve (default: --repeat; 0 skips them)"
    )
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse's page scores")
    args = parser.parse_args()
    if args.edits is None:
        args.edits = args.repeat
    if args.size < 1 or args.repeat < 1 or args.large_repeat < 1 or args.large < 0 or args.edits < 0:
        parser.error("--size, --repeat and --large-repeat must be at least 1; --large and --edits at least 0")
    report = Report()
    started = time.perf_counter()
    # The first ^C (or SIGTERM) stops the run: the builds are in their own process groups, so it
    # reaches only this process, which stops them. A second one, while the scratch folders are
    # removed, is ignored.
    signal.signal(signal.SIGINT, _interrupt_once)
    signal.signal(signal.SIGTERM, _interrupt_once)  # `timeout` and CI cancel so: clean up as for ^C
    try:
        with tempfile.TemporaryDirectory(prefix="compendium-benchmark-") as temp:
            run(args, Path(temp), report)
    except KeyboardInterrupt:
        print("\ninterrupted: builds stopped, scratch folders removed", file=sys.stderr)
        report.show()
        return 130
    except BenchmarkError as exc:
        print(f"\nfailed: {exc}", file=sys.stderr)
        report.show()
        return 1
    report.show()
    print(f"\n(the benchmark took {(time.perf_counter() - started) / 60:.1f} minutes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
