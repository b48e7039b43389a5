"""Headless Chromium for tests: Debian's ``chromium`` driven by Playwright for Python.

Locally the browser tests skip, with the reason, when Chromium is missing; in CI
(``CI`` set) a missing browser fails them instead, so a green run always means
they ran.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    reason = ""
    if CHROMIUM is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason:
        skip_here_fail_in_ci("browser tests", reason)


def skip_here_fail_in_ci(what: str, reason: str) -> None:
    """Skip, with ``reason``, where a tool is missing locally; fail in CI, where a skip would pass unseen."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} cannot run in CI: {reason}")
    pytest.skip(reason)
