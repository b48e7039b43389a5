"""Text stays text: what a record, a label or a volume says never becomes a page's structure.

Regression tests for issue 21's review, each reproduced before its fix: Markdown
through templates (a title's link in the page's <h1>), a summary that broke the
finder and put its own heading on the home page, a heading that took the id of
Material's configuration script, a vocabulary id that took a generated page's
address, look-alike titles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from compendium.cli.main import main
from compendium.records.lookalikes import skeleton
from compendium.render.templates import inert

from .conftest import RECORDS
from .sitebuild import fixture_project, mkdocs_build

LINK = "[Official login](https://evil.example/login)"
MD_TITLE = f"Shared governance {LINK}"
MD_SUMMARY = f"Partners share **data** {LINK} `code` ## Notice <b>bold</b> | a | table |"
MD_LABEL = f"Los Angeles County {LINK}"
MD_SECTION = f"One {LINK}"
BODY_HEADING = "### __config"


def _record(title: str, summary: str, region: str = "los-angeles-county") -> str:
    text = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    text = text.replace("title: Golden minimal record", "title: " + json.dumps(title))
    text = text.replace("summary: Only the required fields.", "summary: " + json.dumps(summary))
    return text.replace("regions: statewide", f"regions: {region}").replace(
        "## What they did\nW.\n", f"## What they did\nW.\n\n{BODY_HEADING}\n\nMore.\n"
    )


@pytest.fixture(scope="module")
def markdown_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose title, summary, label and section title are written as Markdown; it validates."""
    root = fixture_project(
        tmp_path_factory.mktemp("markdown") / "project", {"markdown.md": _record(MD_TITLE, MD_SUMMARY)}
    )
    vocabulary = root / "practices" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(
        text.replace("    label: Los Angeles County\n", f"    label: {json.dumps(MD_LABEL)}\n", 1),
        encoding="utf-8",
    )
    volume = root / "volumes" / "01-markdown"
    volume.mkdir(parents=True)
    (volume / "volume.yml").write_text(
        f"number: 1\ntitle: {json.dumps(MD_TITLE)}\npublishers: [Org]\nstatus: draft\n"
        f"sections:\n  - title: {json.dumps(MD_SECTION)}\n    practices: [markdown]\n",
        encoding="utf-8",
    )
    (volume / "foreword.md").write_text("A foreword.\n", encoding="utf-8")
    assert main(["--root", str(root), "validate"]) == 0
    return root


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def markdown_site(request: pytest.FixtureRequest, markdown_project: Path) -> Path:
    """The project built by MkDocs with the plugin, or materialized, built by Zensical and finished."""
    if request.param == "zensical":
        from .test_zensical import zensical_site

        return zensical_site(markdown_project, markdown_project.parent / "tree")
    site = markdown_project / "site"
    result = mkdocs_build(markdown_project, site)
    assert result.returncode == 0, result.stderr
    return site


def _article(site: Path, path: str) -> str:
    html = (site / path / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


@pytest.mark.parametrize(
    "path", ["practices/markdown/", "regions/los-angeles-county/", "volumes/01-markdown/", "", "find/"]
)
def test_markdown_in_text_fields_makes_no_link_or_heading(markdown_site: Path, path: str) -> None:
    article = _article(markdown_site, path)
    assert 'href="https://evil.example' not in article
    assert "<strong>data</strong>" not in article
    assert "<b>bold</b>" not in article
    assert not re.search(r"<h[1-6][^>]*>[^<]*Notice", article)


def test_the_practice_title_is_its_heading_as_written(markdown_site: Path) -> None:
    article = _article(markdown_site, "practices/markdown/")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", article, re.DOTALL)
    assert heading is not None
    text = re.sub(r'<a class="headerlink"[^>]*>¶</a>', "", heading.group(1))
    assert "<a" not in text
    assert re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text) == MD_TITLE


def test_the_finder_keeps_its_structure(markdown_site: Path) -> None:
    html = (markdown_site / "find" / "index.html").read_text(encoding="utf-8")
    assert '<template id="cmp-card">' in html
    assert 'id="cmp-more"' in html and 'id="cmp-download"' in html


def test_a_record_heading_never_takes_the_theme_s_ids(markdown_site: Path) -> None:
    html = (markdown_site / "practices" / "markdown" / "index.html").read_text(encoding="utf-8")
    assert html.count('id="__config"') == 1  # Material's own script, and nothing else
    assert 'id="section-config"' in html


def test_a_summary_of_two_paragraphs_is_refused(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    record = _record("Two paragraphs", "placeholder").replace(
        'summary: "placeholder"', "summary: |\n  First.\n\n  ## Notice " + LINK
    )
    root = make_project({"two.md": record})
    assert main(["--root", str(root), "validate"]) == 1
    assert capsys.readouterr().out == (
        "practices/two.md:3:1: summary: expected one paragraph, received a blank line inside it; "
        "remove the blank line\n"
    )


@pytest.mark.parametrize(
    "twin",
    [
        "Fresno K\u200b-16 Collaborative",  # a zero-width space
        "Fresn\u043e K-16 Collaborative",  # a Cyrillic o
        "Fresno K\u201016 Collaborative",  # a hyphen that is not the hyphen-minus
        "Fresn\u03bf K-16 Co\u006c\u006caborative",  # a Greek omicron
        "FRESNO  K-16 collaborative",
    ],
    ids=["zero-width", "cyrillic", "hyphen", "greek", "case-and-spacing"],
)
def test_a_title_that_looks_like_another_is_refused(
    twin: str, make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    first = "Fresno K-16 Collaborative"
    root = make_project(
        {
            "first.md": _record(first, "One.", "statewide"),
            "second.md": _record(twin, "Two.", "statewide"),
        }
    )
    assert main(["--root", str(root), "validate"]) == 1
    out = capsys.readouterr().out
    # Capitals and spacing alone make the same title; anything else only looks the same.
    same = (
        "is already used by"
        if twin.casefold().split() == first.casefold().split()
        else "looks the same as the title of"
    )
    assert (
        out
        == f"practices/second.md:2:1: the title '{twin}' {same} practices/first.md; titles must be unique\n"
    )


def test_skeletons_tell_different_titles_apart() -> None:
    assert skeleton("Fresno K-16 Collaborative") != skeleton("Fresno K-12 Collaborative")
    assert skeleton("Reentry navigators") != skeleton("Reentry navigator")


def test_a_term_cannot_take_the_address_of_its_index_page(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project({"one.md": _record("One", "One.", "statewide")})
    vocabulary = root / "practices" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("\nfocus:\n", "\nfocus:\n  index:\n    label: Index\n", 1))
    assert main(["--root", str(root), "validate"]) == 1
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"practices/vocabulary\.yml:\d+:3: focus\.index: the id 'index' is taken by the page that lists "
        r"all the terms of its kind \(regions/, topics/, populations/\); choose another id\n",
        out,
    ), out


def test_every_value_a_template_writes_is_inert() -> None:
    written = str(inert("a [b](c) *d* _e_ `f` # g\n\n<h1>&amp; | ~ {: x} \\ !"))
    assert not re.search(r"[\[\]*_`#<>|~{}\\!\n]", re.sub(r"&(#\d+|amp|lt|gt|quot);", "", written))
    assert written.startswith("a &#91;b&#93;(c)")
