"""Filing: every practice is found from every place it serves (records/filing.py), new regions placed
until an editor adds them, regions over time, and the region pages and the finder agreeing."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from compendium.catalog import Catalog, load_catalog
from compendium.records.filing import Filing, period_of, ways_text
from compendium.records.project import Project
from compendium.settings import Settings
from compendium.site.pages import SiteBuilder

from .conftest import REPO

PRACTICE = """---
title: {title}
summary: A practice written as a region's staff would write it.
regions: {regions}
{extra}partners:
  - {{name: Example Workforce Board, type: workforce-board, role: lead}}
focus: reentry-services
evidence: {{level: emerging, basis: self-reported}}
status: submitted
submitted: 2024-01-01
contact: {{organisation: Example Workforce Board}}
---
## Need
N.
## What they did
W.
## Results
R.
## Lessons learned
L.
## How to replicate
H.
"""


def record(title: str, regions: str, extra: str = "") -> str:
    return PRACTICE.format(title=title, regions=regions, extra=extra)


def catalog_of(root: Path) -> Catalog:
    catalog, problems = load_catalog(Project(root), processes=1)
    assert catalog is not None and not problems, problems
    return catalog


@pytest.fixture(scope="module")
def real() -> Catalog:
    """The repository's own practices and vocabulary, as its staff and editors wrote them."""
    return catalog_of(REPO)


def listed(catalog: Catalog, slug: str) -> dict[str, str]:
    """Region -> how the practice got onto its page, as the card says it ("" when filed there)."""
    label = catalog.vocabulary.terms("regions")
    ways = catalog.filing.regions_of(catalog.practices[slug])
    return {region: ways_text(found, label) for region, found in ways.items()}


def test_a_real_practice_filed_only_under_a_new_region_is_found_from_its_counties(real: Catalog) -> None:
    # central-valley-dual-enrollment names only the CVHEC region, which the vocabulary lacks.
    found = listed(real, "central-valley-dual-enrollment")
    via = "Through Central Valley Higher Education Consortium region (nine counties, San Joaquin to Kern)"
    assert found["fresno-county"] == via and found["kern-county"] == via
    # ... and from every region that meets those counties, in every system.
    assert {"fresno-lwda", "san-joaquin-valley-rpu", "central-san-joaquin-valley-k16", "kern-k16"} <= set(
        found
    )
    assert "los-angeles-county" not in found
    waiting = real.filing.waiting()
    assert [(str(term), [p.slug for p in practices]) for term, practices, _ in waiting] == [
        (
            "Central Valley Higher Education Consortium region (nine counties, San Joaquin to Kern)",
            ["central-valley-dual-enrollment"],
        )
    ]


def test_a_practice_is_found_through_every_relation(real: Catalog) -> None:
    # A consortium's counties are given as overlaps: it is found from them, and from their regions.
    caep = listed(real, "capital-adult-education-regional-consortium")
    assert caep["sacramento-county"] == "Through Capital Adult Education Regional Consortium"
    assert {"amador-county", "yolo-county", "sacramento-lwda", "greater-sacramento-area-cc"} <= set(caep)
    # A K-16 collaborative holding Los Angeles County: found from the county's workforce areas too.
    k16 = listed(real, "la-region-k16-collaborative")
    assert k16["los-angeles-county"] == "Through Los Angeles Regional K-16 Collaborative"
    assert k16["city-los-angeles-lwda"] == "Through Los Angeles Regional K-16 Collaborative"
    assert k16["los-angeles-k16"] == ""  # filed there itself
    # A practice filed in another state is found from that state's regions only, and says so.
    texas = real.practices["project-quest-san-antonio"]
    assert list(real.filing.regions_of(texas)) == ["san-antonio-texas"]
    assert real.vocabulary.outside_california(texas.regions) == ["Texas"]
    # Statewide work is found from the statewide page, not from every county.
    assert list(real.filing.regions_of(real.practices["partnerships-2-0-corrections-and-probation"])) == [
        "statewide"
    ]


def test_every_workforce_area_has_counties_and_each_consortium_without_says_so(real: Catalog) -> None:
    vocabulary = real.vocabulary
    for region, entry in vocabulary.regions.items():
        if entry.system == "lwda":
            assert real.filing.counties(region), region
        if entry.system == "adult-ed-consortium" and not real.filing.counties(region):
            assert entry.note and "No source read names the county" in entry.note, region
    # A board named for a county but serving part of it: part, as its sources say.
    assert vocabulary.regions["contra-costa-county-lwda"].overlaps == ("contra-costa-county",)
    assert real.filing.counties("richmond-lwda") == {"contra-costa-county"}


@pytest.mark.parametrize(
    ("period", "found", "not_found", "membership"),
    [
        # The Coastal RPU of 2016-2020 held Santa Cruz, Monterey, San Luis Obispo and Santa Barbara.
        ("period: 2016 to 2018\n", "san-luis-obispo-county", "san-benito-county", "2016 to 2020"),
        # Since 2021 it holds San Benito, Monterey and Santa Cruz.
        ("period: 2022 to 2024\n", "san-benito-county", "san-luis-obispo-county", ""),
        # A practice that does not say when it ran is filed by today's membership.
        ("", "san-benito-county", "san-luis-obispo-county", ""),
        # Its stages' dates say when it ran, when the practice does not.
        (
            "phases:\n  - {phase: planning, start: 2016-09, end: 2017-06, note: Plan written.}\n",
            "santa-barbara-county",
            "san-benito-county",
            "2016 to 2020",
        ),
    ],
)
def test_regions_over_time(
    make_project: Callable[..., Path], period: str, found: str, not_found: str, membership: str
) -> None:
    root = make_project({"coastal.md": record("Coastal navigators", "[coastal-rpu]", period)})
    catalog = catalog_of(root)
    practice = catalog.practices["coastal"]
    ways = catalog.filing.regions_of(practice)
    assert found in ways and not_found not in ways
    assert str(ways[found][0].membership or "") == membership
    if membership:
        label = catalog.vocabulary.terms("regions")
        assert ways_text(ways[found], label) == (
            f"Through Coastal Regional Planning Unit (its {membership} membership)"
        )
    assert (period_of(practice) is None) == (period == "")


def test_a_board_that_moved_between_units_is_found_from_the_unit_of_its_time(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {
            "early.md": record("Early", "[san-benito-lwda]", "period: 2017\n"),
            "late.md": record("Late", "[san-benito-lwda]", "period: 2023\n"),
        }
    )
    catalog = catalog_of(root)
    early = catalog.filing.regions_of(catalog.practices["early"])
    late = catalog.filing.regions_of(catalog.practices["late"])
    assert "bay-peninsula-rpu" in early and "coastal-rpu" not in early
    assert "coastal-rpu" in late and "bay-peninsula-rpu" not in late


def test_a_new_region_outside_california_says_so_and_is_found_by_its_state(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {
            "iron-range.md": record("Iron Range apprenticeships", "[{new: Iron Range, state: Minnesota}]"),
            "austin.md": record("Austin navigators", "[{new: Austin, state: Texas}]"),
        }
    )
    catalog = catalog_of(root)
    iron = catalog.practices["iron-range"]
    assert catalog.vocabulary.outside_california(iron.regions) == ["Minnesota"]
    assert catalog.filing.regions_of(iron) == {}  # no Minnesota region yet: found by its state alone
    # A Texan one meets the vocabulary's Texan region.
    assert listed(catalog, "austin") == {"san-antonio-texas": "Through Austin"}
    builder = SiteBuilder(catalog, Settings.from_mkdocs_yml(REPO / "mkdocs.yml"), processes=1)
    assert builder._filters_of(iron)["region"] == ["Minnesota"]
    finder = {facet.name: facet for facet in builder._finder_facets()}["region"]
    states = dict(finder.groups)["States outside California"]
    assert [(v.value, v.label, v.count, v.page) for v in states] == [
        ("Minnesota", "Minnesota (the state)", 1, ""),
        ("Texas", "Texas (the state)", 1, ""),
    ]


def test_a_region_page_and_the_finder_agree(make_project: Callable[..., Path], tmp_path: Path) -> None:
    """Every region page lists exactly the practices whose pages carry that region as a finder filter:
    the real practices, the golden ones, and new regions placed in every way."""
    root = make_project(
        {
            **{p.name: p for p in sorted((REPO / "practices").glob("*.md"))},
            "coastal-2016.md": record("Coastal 2016", "[coastal-rpu]", "period: 2016\n"),
            "salinas.md": record("Salinas Valley", "[{new: Salinas Valley, within: [monterey-county]}]"),
            "iron-range.md": record("Iron Range", "[{new: Iron Range, state: Minnesota}]"),
        }
    )
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    catalog = catalog_of(root)
    builder = SiteBuilder(catalog, Settings.from_mkdocs_yml(root / "mkdocs.yml"), processes=1)
    pages = {page.path: page.markdown for page in builder.pages()}
    filters: dict[str, set[str]] = {}
    for slug in catalog.practices:
        page = pages[f"practices/{slug}.md"]
        for region in re.findall(r'data-pagefind-filter="region:([^"]+)"', page):
            filters.setdefault(region, set()).add(slug)
    checked = 0
    for region in catalog.vocabulary.regions:
        page = pages[f"regions/{region}.md"]
        on_page = set(re.findall(r'href="\.\./\.\./practices/([a-z0-9-]+)/"', page))
        assert on_page == filters.get(region, set()), region
        checked += bool(on_page)
    assert checked > 60  # the footprint reaches many pages, not a handful
    # The card says how it got there; a new region's practice carries its name.
    monterey = pages["regions/monterey-county.md"]
    assert '<p class="cmp-card__via">Through Salinas Valley</p>' in monterey
    assert "Salinas Valley (new region)" in monterey
    assert (
        "Through Coastal Regional Planning Unit (its 2016 to 2020 membership)"
        in pages["regions/san-luis-obispo-county.md"]
    )
    # The regions index names the new regions waiting for an editor, and where they are listed.
    index = pages["regions/index.md"]
    assert "New regions awaiting an editor" in index and "Outside California (Minnesota)" in index
    # The coastal unit's page shows its dated membership.
    assert "Its 2016 to 2020 membership" in pages["regions/coastal-rpu.md"]


def test_the_open_data_says_where_a_new_region_lies(make_project: Callable[..., Path]) -> None:
    """A new region is published with where it lies, as its record gives it, in the JSON (as the record's
    schema writes a region) and the CSV; any new term is marked new, never taken for an id."""
    import csv
    import io
    import json

    import jsonschema

    root = make_project(
        {
            "salinas.md": record(
                "Salinas Valley",
                "[{new: Salinas Valley, within: [monterey-county]}]",
                "populations: [adult-learners, {new: Farmworkers}]\n",
            ),
            "iron-range.md": record("Iron Range", "[statewide, {new: Iron Range, state: Minnesota}]"),
            "cvhec.md": (REPO / "practices" / "central-valley-dual-enrollment.md").read_text(
                encoding="utf-8"
            ),
        }
    )
    catalog = catalog_of(root)
    builder = SiteBuilder(catalog, Settings.from_mkdocs_yml(REPO / "mkdocs.yml"), processes=1)
    data = {asset.path: asset.content for asset in builder.open_data()}
    rows = {row["id"]: row for row in json.loads(data["data/practices.json"])["practices"]}
    assert rows["salinas"]["regions"] == [{"new": "Salinas Valley", "within": ["monterey-county"]}]
    assert rows["salinas"]["populations"] == ["adult-learners", {"new": "Farmworkers"}]
    assert rows["iron-range"]["regions"] == ["statewide", {"new": "Iron Range", "state": "Minnesota"}]
    # The real record, staff-written: the nine-county area, its counties as the record lists them.
    assert rows["cvhec"]["regions"] == [
        {
            "new": "Central Valley Higher Education Consortium region (nine counties, San Joaquin to Kern)",
            "counties": [
                "san-joaquin-county", "stanislaus-county", "merced-county", "madera-county", "fresno-county",
                "kings-county", "tulare-county", "kern-county",
            ],
        }
    ]  # fmt: skip
    region = jsonschema.Draft202012Validator(
        json.loads(data["data/practice.schema.json"])["properties"]["regions"]
    )
    for row in rows.values():
        assert region.is_valid(row["regions"]), row["regions"]
    cells = {
        row["id"]: row for row in csv.DictReader(io.StringIO(data["data/practices.csv"].decode("utf-8")))
    }
    assert cells["salinas"]["regions"] == "new: Salinas Valley (within: monterey-county)"
    assert cells["salinas"]["populations"] == "adult-learners; new: Farmworkers"
    assert cells["iron-range"]["regions"] == "statewide; new: Iron Range (state: Minnesota)"
    assert cells["iron-range"]["outside_california"] == "Minnesota"
    assert cells["cvhec"]["regions"].startswith(
        "new: Central Valley Higher Education Consortium region (nine counties, San Joaquin to Kern) "
        "(counties: san-joaquin-county, stanislaus-county, "
    )


def test_filing_costs_what_its_listings_cost(make_project: Callable[..., Path]) -> None:
    """Each region's counties and reach are worked out once per era, however many practices there are."""
    catalog = catalog_of(make_project())
    regions = list(catalog.vocabulary.regions)
    base = load_catalog(Project(REPO), processes=1)[0]
    assert base is not None
    template = base.practices["la-region-k16-collaborative"]
    import dataclasses

    def practices(count: int) -> list:  # type: ignore[type-arg]
        return [
            dataclasses.replace(template, slug=f"p{n}", regions=(regions[n % len(regions)],))
            for n in range(count)
        ]

    timings = []
    for count in (2_000, 8_000):
        made = practices(count)
        started = time.perf_counter()
        filing = Filing(catalog.vocabulary, made)
        filing.listings()
        timings.append(time.perf_counter() - started)
        for tables in filing._eras.values():
            assert len(tables._reach) <= len(regions)  # each region's reach made once per era
    assert timings[1] < 8 * timings[0] + 0.05  # four times the practices: about four times the time
    assert timings[1] < 2.0


def test_dated_memberships_are_checked_where_the_editor_wrote_them(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.cli.main import main

    root = make_project()
    vocabulary = root / "practices" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    coastal = "San Benito County was then in the Bay-Peninsula unit.\n"
    assert text.count(coastal) == 1
    # A second membership of the same years, and a county holding its own unit in 2018.
    text = text.replace(
        coastal,
        coastal + "    - {period: 2019 to 2021, contains: [monterey-county], sources: [cwdb-coastal]}\n",
    )
    county = "  monterey-county:\n    label: Monterey County\n    system: county\n"
    text = text.replace(
        county,
        county + "    memberships: [{period: 2018, contains: [coastal-rpu], sources: [cwdb-coastal]}]\n",
    )
    vocabulary.write_text(text, encoding="utf-8")
    assert main(["--root", str(root), "validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    cycle = (
        "ends up inside itself through 'within' and 'contains' in the memberships dated for the same period"
    )
    # Every region on the cycle of 2018 is named: the unit, the county, and the board between them.
    assert sorted(line.split(": ", 1)[1] for line in out) == [
        f"region 'coastal-rpu' {cycle}",
        f"region 'monterey-county' {cycle}",
        f"region 'monterey-lwda' {cycle}",
        "regions.coastal-rpu.memberships[2]: its period overlaps that of memberships[1]; a region has one "
        "membership at a time",
    ]
    assert all(line.startswith("practices/vocabulary.yml:") for line in out)
