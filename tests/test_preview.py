"""``mkdocs serve`` as a contributor uses it: a record made invalid shows its problems on the page, and the
next save that fixes it brings the page back."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from compendium.records.problem import Problem
from compendium.settings import Settings
from compendium.site.preview import problems_panel, with_problems
from compendium.site.search import BUNDLE

from .sitebuild import fixture_project


def test_the_panel_names_each_problem_s_file_and_line_and_escapes_what_it_quotes() -> None:
    problems = [
        Problem("practices/b.md", 3, None, "status: expected one of submitted, accepted; received 'maybe'"),
        Problem("practices/a.md", 12, 5, "title: expected text without markup, received '<script>'"),
    ]
    assert problems_panel(problems, showing_last_good=True) == (
        '<div class="cmp-problems" role="alert"><p class="cmp-problems__title"><strong>2 problems in the '
        "records.</strong> This preview shows the site as it was before them. Fix them and save: the page "
        "reloads.</p><ul><li><code>practices/a.md:12:5</code> title: expected text without markup, received "
        "&#39;&lt;script&gt;&#39;</li><li><code>practices/b.md:3</code> status: expected one of submitted, "
        "accepted; received &#39;maybe&#39;</li></ul></div>"
    )
    page = '<!doctype html><html><body class="x"><header>H</header></body></html>'
    assert with_problems(page, [], True) == page
    shown = with_problems(page, problems[:1], False)
    assert shown.startswith('<!doctype html><html><body class="x"><div class="cmp-problems" role="alert">')
    assert "The site cannot be shown until they are fixed." in shown and shown.endswith(
        "<header>H</header></body></html>"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body: bytes = response.read()
            return body.decode("utf-8")
    except urllib.error.HTTPError as error:
        return str(error.read().decode("utf-8"))


def wait_for(check: Callable[[], bool], what: str, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_shows_a_record_s_problems_on_the_page_and_recovers_on_the_next_save(tmp_path: Path) -> None:
    root = fixture_project(tmp_path / "project")
    record = root / "practices" / "minimal.md"
    good = record.read_text(encoding="utf-8")
    port = free_port()
    # mkdocs serve serves the site under its address's path, as it will be published.
    site_url = Settings.from_mkdocs_yml(root / "mkdocs.yml").site_url
    url = f"http://127.0.0.1:{port}{urlsplit(site_url).path}"
    server = start_serving(root, port, tmp_path / "cache", tmp_path / "tmp")
    page = url + "practices/minimal/"
    try:
        wait_for(lambda: "Golden minimal record" in fetch(page), "the first build")
        assert "cmp-problems" not in fetch(page)

        record.write_text(good.replace("status: submitted", "status: maybe"), encoding="utf-8")
        wait_for(lambda: "cmp-problems" in fetch(page), "the problems to show")
        shown = fetch(page)
        line = next(n for n, text in enumerate(good.splitlines(), 1) if text.startswith("status:"))
        assert f"<code>practices/minimal.md:{line}" in shown
        assert "This preview shows the site as it was before them." in shown
        assert "Golden minimal record" in shown  # the last good page, under the problems
        assert "cmp-problems" in fetch(url)  # on every page

        record.write_text(good, encoding="utf-8")
        wait_for(lambda: "cmp-problems" not in fetch(page), "the page to recover")
        assert "Golden minimal record" in fetch(page)
        assert server.poll() is None  # the server never stopped
    finally:
        stderr = stop_serving(server)
    assert "problem(s) in the records: the preview shows them on every page" in stderr


def without_reload(page: str) -> str:
    """``page`` without the build numbers mkdocs serve writes into its live-reload script as it sends it."""
    return re.sub(r"reload\(\d+, \d+\)", "reload()", page)


def start_serving(root: Path, port: int, cache: Path, temp: Path) -> subprocess.Popen[str]:
    """``mkdocs serve`` of ``root`` on ``port``; its site folder is made in ``temp`` (``mkdocs_…``)."""
    temp.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "COMPENDIUM_CACHE_DIR": str(cache),
            "TMPDIR": str(temp),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop_serving(server: subprocess.Popen[str]) -> str:
    """Stop ``server``; what it logged."""
    server.terminate()
    _, stderr = server.communicate(timeout=30)
    return stderr


def published(site: Path) -> dict[str, bytes]:
    """The files of a preview's site folder by path, but for the search bundle, which a preview makes
    behind the build, and dot-folders, which are never published. Those are left out of the walk, not only
    of its result: the last rebuild's leftovers folder is being deleted while the test reads."""
    files = {}
    for folder, folders, names in os.walk(site):
        top = folder == str(site)
        folders[:] = [name for name in folders if not name.startswith(".") and not (top and name == BUNDLE)]
        for name in names:
            if not name.startswith("."):
                path = Path(folder) / name
                files[path.relative_to(site).as_posix()] = path.read_bytes()
    return files


def test_a_save_rebuilds_what_the_record_affects_and_reuses_the_other_pages(tmp_path: Path) -> None:
    """Issue 25, point 3: a preview's rebuild puts only what an edit changed through the theme again; the
    other pages are written as the last rebuild made them, and the files it would write unchanged stay
    in place; the search index follows the build. The site is then as a fresh preview makes it."""
    root = fixture_project(tmp_path / "project")
    edited, other = sorted((root / "practices").glob("*.md"))[:2]
    port = free_port()
    site_url = Settings.from_mkdocs_yml(root / "mkdocs.yml").site_url
    url = f"http://127.0.0.1:{port}{urlsplit(site_url).path}"
    cache, temp = tmp_path / "cache", tmp_path / "tmp"
    server = start_serving(root, port, cache, temp)
    page, unchanged = url + f"practices/{edited.stem}/", url + f"practices/{other.stem}/"
    search = url + "pagefind/pagefind-entry.json"
    try:
        wait_for(lambda: "</html>" in fetch(unchanged) and '"version"' in fetch(search), "the first build")
        (site,) = temp.glob("mkdocs_*")
        before = without_reload(fetch(unchanged))
        entry = fetch(search)
        inodes = {
            path: (site / "practices" / path.stem / "index.html").stat().st_ino for path in (edited, other)
        }

        sentence = "A sentence saved while the preview ran."
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
        wait_for(lambda: sentence in fetch(page), "the edited page")
        assert without_reload(fetch(unchanged)) == before
        wait_for(lambda: '"version"' in fetch(search) and fetch(search) != entry, "the new search index")
        assert (site / "practices" / other.stem / "index.html").stat().st_ino == inodes[other]
        assert (site / "practices" / edited.stem / "index.html").stat().st_ino != inodes[edited]
        assert server.poll() is None
        rebuilt = published(site)
    finally:
        stderr = stop_serving(server)
    themed = re.findall(
        r"kept from an earlier build, (\d+) not themed again, (\d+) files left in place", stderr
    )
    assert themed and int(themed[-1][0]) > 100 and int(themed[-1][1]) > 100, stderr
    assert "the search index follows" in stderr
    assert stderr.count("Search indexed 2 pages") >= 1 and "Traceback" not in stderr

    # A fresh preview of the edited project, at the same address, writes the same files.
    server = start_serving(root, port, cache, tmp_path / "fresh")
    try:
        wait_for(lambda: sentence in fetch(page), "a fresh preview")
        (fresh,) = (tmp_path / "fresh").glob("mkdocs_*")
        made = published(fresh)
    finally:
        stop_serving(server)
    assert sorted(rebuilt) == sorted(made)
    assert [path for path in made if rebuilt[path] != made[path]] == []
