"""Indexing a built site with Pagefind (``pagefind[bin]`` from PyPI), for the "Find a practice" page.

Only practice pages are indexed (they carry ``data-pagefind-body``), with their
facets as Pagefind filters; the reader's browser then loads index chunks on
demand instead of one whole index.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchError(Exception):
    """Pagefind could not index the site; the message says why."""


def index_site(site_dir: Path) -> str:
    """Write ``pagefind/`` into ``site_dir``; return Pagefind's one-line summary."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(f"Pagefind could not run: {exc}") from None
    if result.returncode != 0:
        raise SearchError(f"Pagefind failed to index {site_dir}:\n{result.stdout}{result.stderr}")
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    pages = next((line for line in lines if line.startswith("Indexed ") and "page" in line), "")
    return f"Pagefind: {pages or 'indexed the site'}"
