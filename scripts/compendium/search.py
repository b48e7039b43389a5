"""Indexing practice pages with Pagefind (``pagefind[bin]`` from PyPI), for the "Find a practice" page.

Only practice pages are indexed (they carry ``data-pagefind-body``, with their
facets as Pagefind filters); a reader's browser then loads index chunks on
demand instead of one whole index. Indexing runs as its own process, so a build
can start it as soon as the practice pages are written and keep rendering the
other pages on the second core meanwhile.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PRACTICE_PAGES = "practices/*/index.html"


class SearchError(Exception):
    """Pagefind could not index the site; the message says why."""


class Indexing:
    """A Pagefind run over a built site's practice pages, started now and awaited with ``finish``."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        command = [
            sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind",
            "--glob", PRACTICE_PAGES,
        ]  # fmt: skip
        try:
            self._process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        except OSError as exc:
            raise SearchError(f"Pagefind could not start: {exc}") from None

    def finish(self) -> str:
        """Wait for Pagefind; return its one-line summary or raise :class:`SearchError`."""
        try:
            stdout, stderr = self._process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            self._process.kill()
            raise SearchError("Pagefind took more than 10 minutes and was stopped") from None
        if self._process.returncode != 0:
            raise SearchError(f"Pagefind failed to index {self.site_dir}:\n{stdout}{stderr}")
        lines = [line.strip() for line in stdout.splitlines() if line.strip()]
        pages = next((line for line in lines if line.startswith("Indexed ") and "page" in line), "")
        return f"Pagefind: {pages or 'indexed the site'}"

    def cancel(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
