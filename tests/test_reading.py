"""Issue 26, for the public: the evidence key, a feed to follow for each region, topic and population,
the packet and comparison pages, and region pages that lead with their practices."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from compendium.catalog import load_catalog
from compendium.records.project import Project
from compendium.records.vocabulary import EVIDENCED_LEVELS
from compendium.settings import Settings
from compendium.site.evidence import strengths
from compendium.site.feeds import feed_path
from compendium.site.opendata import FEED_SIZE
from compendium.site.pages import INDEX_FACETS, SiteBuilder

from .conftest import RECORDS, REPO


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    found, problems = load_catalog(Project(REPO))
    assert found is not None and not problems
    return found


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))).strip()


# -- the evidence key ------------------------------------------------------------------------


def test_the_key_defines_each_level_and_basis_with_the_vocabulary_s_words(repo_site: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    html = (repo_site / "evidence" / "index.html").read_text(encoding="utf-8")
    vocabulary = catalog.vocabulary
    positions = []
    for level, entry in vocabulary.file.evidence_levels.items():
        item = html.split(f'id="level-{level}"', 1)[1].split("</li>", 1)[0]
        positions.append(html.index(f'id="level-{level}"'))
        assert entry.criteria and entry.description
        assert entry.criteria in text_of(item) and entry.description in text_of(item)
        count = sum(1 for p in catalog.practices.values() if p.evidence.level == level)
        assert (f"{count} practice" in text_of(item)) if count else ("None yet" in item)
        if count:
            assert f'href="../find/?evidence={level}"' in item
    assert positions == sorted(positions), "weakest first, as the vocabulary orders the scale"
    for basis, entry in vocabulary.file.evidence_bases.items():
        assert f'<dt id="basis-{basis}">{entry.label}</dt>' in html


def test_the_criteria_say_what_validation_enforces(make_project: Callable[..., Path], catalog) -> None:  # type: ignore[no-untyped-def]
    """A level whose criteria ask for a dated result is one validation refuses without it, and no other."""
    minimal = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    for level, entry in catalog.vocabulary.file.evidence_levels.items():
        record = minimal.replace("level: emerging", f"level: {level}")
        _, problems = load_catalog(Project(make_project({"a.md": record}, name=f"level-{level}")))
        refused = any("evidence level" in str(problem) for problem in problems)
        assert refused == (level in EVIDENCED_LEVELS), (level, [str(p) for p in problems])
        assert ("dated result" in (entry.criteria or "")) == refused, level


def test_cards_and_practice_pages_show_the_level_as_a_labelled_badge_linking_to_the_key(
    repo_site: Path, catalog
) -> None:  # type: ignore[no-untyped-def]
    steps = strengths(catalog.vocabulary)
    assert sorted(set(steps.values())) == [1, 2, 3] and steps["emerging"] == 1 and steps["established"] == 3
    home = (repo_site / "index.html").read_text(encoding="utf-8")
    badges = re.findall(r'<a class="cmp-badge cmp-badge--s(\d)" href="([^"]+)">Evidence: ([^<]+)</a>', home)
    assert badges and len(badges) == home.count('class="cmp-card"')
    labels = catalog.vocabulary.terms("evidence_levels")
    for step, href, label in badges:
        level = href.split("#level-")[1]
        assert href == f"evidence/#level-{level}" and labels[level] == label and steps[level] == int(step)
    for practice in catalog.practices.values():
        page = (repo_site / "practices" / practice.slug / "index.html").read_text(encoding="utf-8")
        line = page.split("<dt>Evidence</dt>", 1)[1].split("</dd>", 1)[0]
        level, basis = practice.evidence.level, practice.evidence.basis
        assert f'href="../../evidence/#level-{level}">{labels[level]}</a>' in line
        assert f'href="../../evidence/#basis-{basis}"' in line
        assert f'data-pagefind-meta="evidence:{level}"' in page
    finder = (repo_site / "find" / "index.html").read_text(encoding="utf-8")
    evidence = finder.split('data-facet="evidence"', 1)[1].split("</fieldset>", 1)[0]
    assert '<a href="../evidence/">What the levels mean</a>' in evidence


def test_filters_keep_values_that_find_nothing_with_their_count(make_project: Callable[..., Path]) -> None:
    root = make_project({"a.md": (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")})
    found, problems = load_catalog(Project(root))
    assert found is not None and not problems
    finder = next(
        p for p in SiteBuilder(found, Settings(site_name="S"), processes=1).pages() if p.path == "find.md"
    )
    evidence = finder.markdown.split('data-facet="evidence"', 1)[1].split("</fieldset>", 1)[0]
    values = re.findall(r'<li data-value="([^"]+)">.*?<span class="cmp-count"[^>]*>(\d+)</span>', evidence)
    assert values == [("emerging", "1"), ("promising", "0"), ("established", "0")]


# -- following ---------------------------------------------------------------------------------


def test_every_region_topic_and_population_has_a_valid_atom_feed_of_its_page_s_practices(
    repo_site: Path, catalog
) -> None:  # type: ignore[no-untyped-def]
    builder = SiteBuilder(catalog, Settings.from_mkdocs_yml(REPO / "mkdocs.yml"), processes=1)
    site_url = builder.settings.site_url
    checked = 0
    for folder, vocabulary, _, _ in INDEX_FACETS:
        for term, practices in builder._grouped(vocabulary):
            path = feed_path(folder, term)
            feed = feedparser.parse((repo_site / path).read_bytes())
            assert not feed.bozo, (path, feed.get("bozo_exception"))
            assert feed.version == "atom10"
            label = catalog.vocabulary.label(vocabulary, term)
            assert feed.feed.title == f"{label}: new and updated practices ({builder.settings.site_name})"
            assert feed.feed.id == site_url + path
            assert {link.rel: link.href for link in feed.feed.links} == {
                "self": site_url + path,
                "alternate": f"{site_url}{folder}/{term}/",
            }
            newest = sorted(practices, key=lambda p: (p.last_changed, p.slug), reverse=True)[:FEED_SIZE]
            assert [e.title for e in feed.entries] == [p.title for p in newest]
            assert [e.link for e in feed.entries] == [f"{site_url}practices/{p.slug}/" for p in newest]
            # The page announces it where feed readers look, and says so in words.
            page = (repo_site / folder / term / "index.html").read_text(encoding="utf-8")
            head = page.split("</head>", 1)[0]
            announced = re.findall(
                r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', head
            )
            assert [urljoin(f"/{folder}/{term}/", href) for href in announced] == [f"/{path}"]
            assert "Follow new practices here (Atom feed)" in page
            checked += 1
    assert checked == sum(len(catalog.vocabulary.terms(v)) for _, v, _, _ in INDEX_FACETS)


def test_material_s_script_finds_a_one_entry_sitemap_beside_each_feed(repo_site: Path) -> None:
    """Material fetches sitemap.xml beside every rel=alternate address: beside a region's feed it is a
    few hundred bytes, not the site's whole sitemap."""
    for folder, _, _, _ in INDEX_FACETS:
        sitemap = repo_site / "feeds" / folder / "sitemap.xml"
        text = sitemap.read_text(encoding="utf-8")
        assert len(sitemap.read_bytes()) < 300
        assert re.findall(r"<loc>([^<]+)</loc>", text) == [
            "https://cwa-compendium.github.io/compendium/follow/"
        ]
    assert (repo_site / "sitemap.xml").stat().st_size > 10 * (
        repo_site / "feeds" / "regions" / "sitemap.xml"
    ).stat().st_size


def test_the_follow_page_lists_every_feed(repo_site: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    html = (repo_site / "follow" / "index.html").read_text(encoding="utf-8")
    listed = set(re.findall(r'href="\.\./(feeds/[^"]+\.xml)" type="application/atom\+xml"', html))
    expected = {
        feed_path(folder, term) for folder, v, _, _ in INDEX_FACETS for term in catalog.vocabulary.terms(v)
    }
    assert listed == expected
    assert 'href="../feed.xml" type="application/atom+xml"' in html
    footer = (repo_site / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="../follow/">Follow</a>' in footer


def test_a_feed_without_a_public_address_links_from_its_own_folder(make_project: Callable[..., Path]) -> None:
    root = make_project({"a.md": (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")})
    found, _ = load_catalog(Project(root))
    assert found is not None
    assets = {a.path: a.content for a in SiteBuilder(found, Settings(site_name="S"), processes=1).assets()}
    feed = feedparser.parse(assets["feeds/topics/reentry-services.xml"])
    assert not feed.bozo and feed.feed.id == "urn:compendium:feeds/topics/reentry-services.xml"
    assert [e.link for e in feed.entries] == ["../../practices/a/"]
    assert b"<loc>/follow/</loc>" in assets["feeds/topics/sitemap.xml"]


# -- packets, comparisons and region pages -------------------------------------------------------


def test_region_topic_and_population_pages_offer_a_packet_in_the_finder_s_words(repo_site: Path) -> None:
    for folder, param, term in [
        ("regions", "region", "los-angeles-k16"),
        ("topics", "focus", "reentry-services"),
        ("populations", "population", "justice-involved"),
    ]:
        page = (repo_site / folder / term / "index.html").read_text(encoding="utf-8")
        assert f'href="../../packet/?{param}={term}">Print a packet of these practices</a>' in page
    for page in ("packet", "compare"):
        assert (repo_site / page / "index.html").is_file()


def test_a_selection_that_is_exactly_a_volume_points_to_its_pdf(catalog) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(site_name="S", pdfs={n: f"{v.folder.name}.pdf" for n, v in catalog.volumes.items()})
    builder = SiteBuilder(catalog, settings, processes=1)
    volume = next(iter(catalog.volumes.values()))
    held = [catalog.practices[slug] for slug in volume.practices if slug in catalog.practices]
    assert builder._volume_holding(held) == (volume, f"volumes/{volume.folder.name}/{volume.folder.name}.pdf")
    assert builder._volume_holding(held[:-1]) is None
    assert builder._volume_holding([]) is None


def test_region_pages_lead_with_their_practices_and_fold_their_provenance(repo_site: Path) -> None:
    page = (repo_site / "regions" / "fresno-county" / "index.html").read_text(encoding="utf-8")
    article = page.split("<article", 1)[1]
    assert article.index(">2 practices<") < article.index("cmp-map") < article.index('id="region-profile"')
    provenance = article.split("<dt>Where this comes from</dt>", 1)[1]
    assert provenance.startswith('<dd><details class="cmp-fold"><summary>1 source</summary>')
    assert "national_county.txt" in html.unescape(provenance.split("</details>", 1)[0])


def test_a_feed_writes_markup_in_a_label_or_a_title_as_text(make_project: Callable[..., Path]) -> None:
    hostile = 'LA <img src=x onerror="alert(1)"> & ]]> County'
    title = "Navigators <script>alert(1)</script> & [a](javascript:x)"
    record = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    record = record.replace("title: Golden minimal record", f"title: {json.dumps(title)}")
    record = record.replace("regions: statewide", "regions: los-angeles-county")
    root = make_project({"a.md": record})
    vocabulary = root / "practices" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    assert "    label: Los Angeles County\n" in text
    vocabulary.write_text(
        text.replace("    label: Los Angeles County\n", f"    label: {json.dumps(hostile)}\n", 1)
    )
    found, problems = load_catalog(Project(root))
    assert found is not None and not problems, [str(p) for p in problems]
    assets = {a.path: a.content for a in SiteBuilder(found, Settings(site_name="S"), processes=1).assets()}
    raw = assets["feeds/regions/los-angeles-county.xml"]
    feed = feedparser.parse(raw)
    assert not feed.bozo
    assert feed.feed.title == f"{hostile}: new and updated practices (S)"
    assert [e.title for e in feed.entries] == [title]
    assert b"<img" not in raw and b"<script" not in raw
