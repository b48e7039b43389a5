from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import ARGS, CHROMIUM, require_browser

REPO = Path(__file__).resolve().parent.parent
RECORDS = Path(__file__).resolve().parent / "records"


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A fresh project with the real vocabulary and the given records (name -> path or text)."""

    def make(records: dict[str, Path | str | bytes] | None = None, *, name: str = "project") -> Path:
        root = tmp_path / name
        (root / "practices").mkdir(parents=True)
        shutil.copy(REPO / "practices" / "vocabulary.yml", root / "practices" / "vocabulary.yml")
        for filename, content in (records or {}).items():
            target = root / "practices" / filename
            if isinstance(content, Path):
                shutil.copy(content, target)
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright; skipped locally (failed in CI) when missing."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once per test run with ``mkdocs build --strict``."""
    from .sitebuild import mkdocs_build

    site = tmp_path_factory.mktemp("repo-site")
    result = mkdocs_build(REPO, site)
    assert result.returncode == 0, result.stderr
    (site.parent / f"{site.name}.log").write_text(result.stderr, encoding="utf-8")  # for test_site
    return site
