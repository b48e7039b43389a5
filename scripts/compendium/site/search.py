"""Indexing practice pages with Pagefind (``pagefind[bin]`` from PyPI), for the "Find a practice" page.

Only practice pages are indexed, with their facets as Pagefind filters, so a
reader's browser loads index chunks on demand instead of one whole index.

A build hands each practice page's content to :class:`Indexing` as soon as it
is rendered (the page's HTML without the theme around it) and starts Pagefind
once the last one is in, so Pagefind runs on the second core while the build
still puts every page into the theme, instead of after the whole site is written.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUNDLE = "pagefind"
"""The bundle's folder in the site, where the finder's script loads it from."""


class SearchError(Exception):
    """Pagefind could not index the site; the message says why."""


PAGE_ROOM = 256 * 1024
"""Room set aside per page when choosing where pages wait (a practice page's content is about 16 KB)."""


def scratch_root(pages: int) -> str | None:
    """Where ``pages`` pages should wait for Pagefind: memory-backed ``/dev/shm`` when it has room, else the
    system's temporary folder (None)."""
    # The pages are written once, read once by Pagefind and removed. On this project's build
    # machines, writing 1,000 of them (a folder and a file each) to /tmp took 1-1.5 s, to
    # /dev/shm 0.1 s. Containers often give /dev/shm only 64 MB, hence the room check.
    shm = "/dev/shm"
    try:
        if os.access(shm, os.W_OK | os.X_OK) and shutil.disk_usage(shm).free > pages * PAGE_ROOM:
            return shm
    except OSError:
        pass
    return None


def _pagefind_env() -> dict[str, str]:
    # Pagefind runs while MkDocs puts the pages into the theme on one core; left to itself it
    # takes every core (rayon and tokio thread pools), which slowed that step by 1-3 s on two
    # cores. Leave one core to the build.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    threads = str(max(1, cores - 1))
    return {**os.environ, "RAYON_NUM_THREADS": threads, "TOKIO_WORKER_THREADS": threads}


class Indexing:
    """A Pagefind index of pages added one by one: ``add`` each, ``start``, then ``finish``."""

    def __init__(self, site_dir: Path, language: str = "en", pages: int = 1, in_memory: bool = True) -> None:
        """``pages``: about how many pages will be added, to choose where they wait (:func:`scratch_root`);
        ``in_memory=False`` keeps them in the system's temporary folder."""
        self.site_dir = site_dir
        self.language = language
        self.count = 0
        scratch = scratch_root(pages) if in_memory else None
        self.folder = Path(tempfile.mkdtemp(prefix="compendium-search-", dir=scratch))
        """Where the added pages wait for Pagefind; removed once it has finished."""
        self._process: subprocess.Popen[str] | None = None

    def add(self, url: str, content: str) -> None:
        """Add the page at ``url`` (relative to the site root, e.g. ``practices/<slug>/``) with its HTML content."""
        target = self.folder / url / "index.html"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                f'<!DOCTYPE html>\n<html lang="{html.escape(self.language)}"><head><meta charset="utf-8"></head>'
                f"<body><main data-pagefind-body>{content}</main></body></html>\n",
                encoding="utf-8",
            )
        except OSError as exc:
            self.cancel()
            raise SearchError(f"Pagefind's copy of {url} could not be written: {exc}") from None
        self.count += 1

    def start(self) -> None:
        """Start Pagefind over the pages added so far, writing the bundle into the site."""
        command = [
            sys.executable, "-m", "pagefind", "--site", str(self.folder),
            "--output-path", str(self.site_dir / BUNDLE), "--glob", "**/index.html",
        ]  # fmt: skip
        try:
            self._process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_pagefind_env()
            )
        except OSError as exc:
            self.cancel()
            raise SearchError(f"Pagefind could not start: {exc}") from None

    def finish(self) -> str:
        """Wait for Pagefind; return its one-line summary or raise :class:`SearchError`."""
        if self._process is None:
            self.start()
        assert self._process is not None
        try:
            stdout, stderr = self._process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            self.cancel()
            raise SearchError("Pagefind took more than 10 minutes and was stopped") from None
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        if self._process.returncode != 0:
            raise SearchError(f"Pagefind failed to index {self.site_dir}:\n{stdout}{stderr}")
        lines = [line.strip() for line in stdout.splitlines() if line.strip()]
        pages = next((line for line in lines if line.startswith("Indexed ") and "page" in line), "")
        return f"Pagefind: {pages or 'indexed the site'}"

    def cancel(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        shutil.rmtree(self.folder, ignore_errors=True)
