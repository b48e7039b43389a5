"""Indexing practice pages with Pagefind (``pagefind[bin]`` from PyPI), for the "Find a practice" page.

Only practice pages are indexed, with their facets as Pagefind filters, so a
reader's browser loads index chunks on demand instead of one whole index.

A build hands each practice page's content to :class:`Indexing` as soon as it
is rendered (the page's HTML without the theme around it) and starts Pagefind
once the last one is in, so Pagefind runs on the second core while the build
still puts every page into the theme, instead of after the whole site is written.
"""

from __future__ import annotations

import atexit
import html
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from compendium.parallel import die_with_parent
from compendium.scratch import make_scratch, scratch

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
    """A Pagefind index of pages added one by one: ``add`` each, ``start``, then ``finish``.

    Pagefind writes its bundle beside the pages, and ``finish`` puts it into the site whole, in place
    of the previous one: a stopped build publishes no half index and no text of deleted pages.
    Pagefind dies with the build, however the build is stopped; scratch folders a killed build
    could not remove are removed by the next one.
    """

    def __init__(self, site_dir: Path, language: str = "en", pages: int = 1, in_memory: bool = True) -> None:
        """``pages``: about how many pages will be added, to choose where they wait (:func:`scratch_root`);
        ``in_memory=False`` keeps them in the system's temporary folder."""
        self.site_dir = site_dir
        self.language = language
        self.count = 0
        self.folder = make_scratch("search", scratch_root(pages) if in_memory else None)
        """Where the added pages wait for Pagefind (under ``pages/``) and it writes its bundle (``bundle/``);
        removed once it has finished."""
        self._process: subprocess.Popen[str] | None = None
        self.cancelled = False
        """True once :meth:`cancel` was called: what fails after it is no news."""
        self._lock = threading.Lock()  # a preview cancels from one thread what another one runs
        self._finishing = False
        atexit.register(self.cancel)  # an interrupted build (Ctrl-C) leaves nothing behind

    def add(self, url: str, content: str) -> None:
        """Add the page at ``url`` (relative to the site root, e.g. ``practices/<slug>/``) with its HTML content."""
        target = self.folder / "pages" / url / "index.html"
        if self.cancelled:
            raise SearchError("the indexing was stopped")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                f'<!DOCTYPE html>\n<html lang="{html.escape(self.language)}"><head><meta charset="utf-8"></head>'
                f"<body><main data-pagefind-body>{content}</main></body></html>\n",
                encoding="utf-8",
            )
        except OSError as exc:
            self._close()
            raise SearchError(f"Pagefind's copy of {url} could not be written: {exc}") from None
        self.count += 1

    def command(self) -> list[str]:
        """How Pagefind is run over the added pages."""
        return [
            sys.executable, "-m", "pagefind", "--site", str(self.folder / "pages"),
            "--output-path", str(self.folder / "bundle"), "--glob", "**/index.html",
        ]  # fmt: skip

    def start(self) -> None:
        """Start Pagefind over the pages added so far."""
        with self._lock:
            self._launch()

    def _launch(self) -> None:
        if self.cancelled:
            raise SearchError("the indexing was stopped")
        try:
            self._process = subprocess.Popen(
                self.command(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_pagefind_env(),
                preexec_fn=die_with_parent(os.getpid()),
            )
        except OSError as exc:
            self._close()
            raise SearchError(f"Pagefind could not start: {exc}") from None

    def finish(self) -> str:
        """Wait for Pagefind; return its one-line summary or raise :class:`SearchError`."""
        if self._process is None:
            self.start()
        assert self._process is not None
        with self._lock:
            self._finishing = True
            if self.cancelled:  # stopped after it started: it is killed, and cleaned up below
                self._process.kill()
        try:
            stdout, stderr = self._process.communicate(timeout=600)
            if self._process.returncode != 0:
                raise SearchError(f"Pagefind failed to index {self.site_dir}:\n{stdout}{stderr}")
            self._put_in_place()
        except subprocess.TimeoutExpired:
            raise SearchError("Pagefind took more than 10 minutes and was stopped") from None
        finally:
            with self._lock:
                self._finishing = False
            self._close()
        return _summary(stdout)

    def _put_in_place(self) -> None:
        publish_bundle(self.folder / "bundle", self.site_dir)

    def cancel(self) -> None:
        """Stop Pagefind if it runs and remove the scratch folder; safe to call more than once.

        Called from another thread while :meth:`finish` waits, it only stops Pagefind: ``finish`` then
        sees its end and cleans up itself (closing the pipes it reads under it could have it read
        whatever file next takes their numbers)."""
        with self._lock:
            self.cancelled = True
            if self._finishing:
                if self._process is not None and self._process.poll() is None:
                    self._process.kill()
                return
        self._close()

    def _close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            # Waits for the exit only: reading its pipes to the end (communicate) would also wait for
            # any process that inherited them.
            self._process.wait()
        if self._process is not None:
            for pipe in (self._process.stdout, self._process.stderr):
                if pipe is not None:
                    pipe.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        atexit.unregister(self.cancel)


def publish_bundle(bundle: Path, site_dir: Path) -> None:
    """Put Pagefind's ``bundle`` into the site whole, in place of the previous one."""
    target = site_dir / BUNDLE
    staged = site_dir / f".{BUNDLE}-new"
    shutil.rmtree(staged, ignore_errors=True)
    try:
        shutil.copytree(bundle, staged)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        staged.rename(target)
    except OSError as exc:
        shutil.rmtree(staged, ignore_errors=True)
        raise SearchError(f"Pagefind's index could not be put into {target}: {exc}") from None


PRACTICE_PAGES = "practices/*/index.html"
"""Where a built site's practice pages are (see :func:`compendium.settings.practice_path`)."""
CONTENT = "article.md-content__inner"
"""The element of a built page that holds what the plugin hands Pagefind: the page's content."""
NOT_CONTENT = ".md-content__button"
"""What the theme puts into that element beside the content (the edit and view buttons)."""


def index_built_site(site_dir: Path) -> str:
    """Index the practice pages of a site another generator built from the materialized tree, as a
    MkDocs build indexes them; return Pagefind's one-line summary or raise :class:`SearchError`."""
    if not any(site_dir.glob(PRACTICE_PAGES)):
        raise SearchError(
            f"{site_dir}: expected a built site with practice pages ({PRACTICE_PAGES}), found none"
        )
    with scratch("search") as folder:
        command = [
            sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-path", str(folder / "bundle"),
            "--glob", PRACTICE_PAGES, "--root-selector", CONTENT, "--exclude-selectors", NOT_CONTENT,
        ]  # fmt: skip
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        except subprocess.TimeoutExpired:
            raise SearchError("Pagefind took more than 10 minutes and was stopped") from None
        except OSError as exc:
            raise SearchError(f"Pagefind could not start: {exc}") from None
        if result.returncode != 0:
            raise SearchError(f"Pagefind failed to index {site_dir}:\n{result.stdout}{result.stderr}")
        publish_bundle(folder / "bundle", site_dir)
    return _summary(result.stdout)


def _summary(stdout: str) -> str:
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    pages = next((line for line in lines if line.startswith("Indexed ") and "page" in line), "")
    return f"Pagefind: {pages or 'indexed the site'}"
