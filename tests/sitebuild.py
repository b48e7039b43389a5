"""Building and serving sites for tests: the repository's own, and a small fixture project."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .conftest import RECORDS, REPO


def seed_font_cache(project: Path) -> Path:
    """A cache folder for ``project``'s builds, outside its tree, holding the cut fonts as a CI cache
    would (cutting them costs a build 4 s) and no PDF. The repository's own builds, and in-process
    commands, use the machine's cache folder (:func:`compendium.cache.cache_folder`): the tests share it."""
    from compendium.cache import FONTS, cache_folder, prepare_folder
    from compendium.site.fonts import web_fonts

    shared = cache_folder(REPO)
    web_fonts(shared / FONTS)  # cuts them once per machine, then reads them back
    if project.absolute() == REPO.absolute():
        return shared
    cache = prepare_folder(project.parent / f"{project.name}-cache")
    shutil.copytree(shared / FONTS, cache / FONTS, dirs_exist_ok=True)
    return cache


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
    cache = seed_font_cache(project)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COMPENDIUM_CACHE_DIR": str(cache)}
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


COMPRESSED = (".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".csv", ".txt")
"""What a static host (GitHub Pages, Netlify, Cloudflare) sends gzipped; fonts and Pagefind's
fragments are compressed already."""


class _CompressingHandler(_QuietHandler):
    """Sends text gzipped to a browser that accepts it, as the site's real host does, so that
    page weights and Lighthouse's timings are what a reader's phone would see."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()  # redirects, errors, and what goes as it is
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(site: Path, *, compress: bool = False) -> Iterator[str]:
    """Serve ``site`` on a free loopback port; yield its base URL. With ``compress``, text goes
    gzipped, as the public site's host sends it."""
    handler = functools.partial(_CompressingHandler if compress else _QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


PWN = "window.__pwned = (window.__pwned || 0) + 1"
"""What a page's injected markup would run, if it ran: tests check ``window.__pwned`` stays unset."""
HOSTILE_TITLE = f'X <img src=x onerror="{PWN}">'
HOSTILE_SUMMARY = f'Sum "><img src=x onerror="{PWN}">'
HOSTILE_LABEL = f'Los Angeles: County <img src=x onerror="{PWN}">'


def hostile_project(root: Path) -> Path:
    """A project whose record, vocabulary label and volume carry markup where text belongs; it validates."""
    record = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    record = record.replace("title: Golden minimal record", "title: " + json.dumps(HOSTILE_TITLE))
    record = record.replace("summary: Only the required fields.", "summary: " + json.dumps(HOSTILE_SUMMARY))
    record = record.replace("regions: statewide", "regions: los-angeles-county")
    root = fixture_project(root, {"hostile.md": record})
    vocabulary = root / "practices" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    assert "    label: Los Angeles County\n" in text
    vocabulary.write_text(
        text.replace("    label: Los Angeles County\n", f"    label: {json.dumps(HOSTILE_LABEL)}\n", 1)
    )
    volume = root / "volumes" / "01-hostile"
    volume.mkdir(parents=True)
    (volume / "volume.yml").write_text(
        f"number: 1\ntitle: {json.dumps(HOSTILE_TITLE)}\nsubtitle: {json.dumps(HOSTILE_SUMMARY)}\n"
        "publishers: [Org]\nstatus: draft\nsections:\n  - title: One\n    practices: [hostile]\n",
        encoding="utf-8",
    )
    (volume / "foreword.md").write_text("A foreword.\n", encoding="utf-8")
    return root
