"""Building and serving sites for tests: the repository's own, and a small fixture project."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import RECORDS, REPO

FONT_CACHE = Path(".cache") / "compendium" / "fonts"


def seed_font_cache(project: Path) -> None:
    """Give a test project the repository's cut fonts, as a CI cache would: cutting them costs a build 4 s."""
    from compendium.site.fonts import web_fonts

    web_fonts(REPO / FONT_CACHE)  # cuts them once per checkout, then reads them back
    if project.absolute() != REPO.absolute():
        shutil.copytree(REPO / FONT_CACHE, project / FONT_CACHE, dirs_exist_ok=True)


def print_project(root: Path, records: dict[str, str]) -> Path:
    """A project for printing: the repository's vocabulary and print template, with ``records`` (file name
    -> text) as its practices and an empty volumes folder."""
    (root / "practices").mkdir(parents=True)
    (root / "volumes").mkdir()
    shutil.copy(REPO / "practices" / "vocabulary.yml", root / "practices")
    shutil.copytree(REPO / "overrides" / "print", root / "overrides" / "print")
    for name, text in records.items():
        (root / "practices" / name).write_text(text, encoding="utf-8")
    return root


def fixture_project(root: Path, records: dict[str, str | Path] | None = None) -> Path:
    """A small project: the repository's mkdocs.yml, overrides and vocabulary, with the golden good records."""
    if root.exists():
        shutil.rmtree(root)
    (root / "practices").mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copy(REPO / "practices" / "vocabulary.yml", root / "practices" / "vocabulary.yml")
    for path in sorted((RECORDS / "good").glob("*.md")):
        shutil.copy(path, root / "practices" / path.name)
    for name, content in (records or {}).items():
        target = root / "practices" / name
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content, encoding="utf-8")
    seed_font_cache(root)
    return root


def mkdocs_build(
    project: Path, site: Path, *extra: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    seed_font_cache(project)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=timeout,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free loopback port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
