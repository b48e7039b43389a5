"""The map of California's counties: the committed boundaries, their conversion, outlines of groups of
counties, and the maps the site draws from them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from compendium.catalog import load_catalog
from compendium.records.project import Project
from compendium.render import boundaries
from compendium.render.cartography import BOUNDARIES, Atlas, atlas_of, california
from compendium.site.maps import legend, shade_breaks

from .conftest import REPO


@pytest.fixture(scope="module")
def vocabulary():  # type: ignore[no-untyped-def]
    catalog, problems = load_catalog(Project(REPO))
    assert catalog is not None and not problems
    return catalog.vocabulary


def test_the_committed_boundaries_are_california_s_58_counties_with_their_provenance(vocabulary) -> None:  # type: ignore[no-untyped-def]
    assert BOUNDARIES.is_relative_to(
        REPO / "scripts" / "compendium"
    )  # shipped with the package, read offline
    assert BOUNDARIES.stat().st_size < 300_000
    atlas = california()
    counties = {e.fips: e.label for e in vocabulary.regions.values() if e.system == "county"}
    assert set(atlas.counties) == set(counties) and len(counties) == 58
    # The Census names and the vocabulary's agree, county by county.
    assert all(counties[fips] == f"{c.name} County" for fips, c in atlas.counties.items())
    provenance = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["provenance"]
    assert provenance["package"] == "us-atlas@3.0.1"
    assert "public domain" in provenance["data_licence"] and "Census Bureau" in provenance["data"]
    assert re.fullmatch(r"[0-9a-f]{64}", provenance["package_sha256"])


def square_topology() -> dict[str, Any]:
    """Three unit squares side by side, as us-atlas would quantize them: two Californian, one not.

    Arcs: 0 the shared edge of A and B, 1 A's other edges, 2 B's, 3 the edge B shares with C, 4 C's."""
    return {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "objects": {
            "counties": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "06001", "properties": {"name": "A"}, "arcs": [[0, 1]]},
                    {"type": "Polygon", "id": "06003", "properties": {"name": "B"}, "arcs": [[~0, 3, 2]]},
                    {"type": "Polygon", "id": "32001", "properties": {"name": "C"}, "arcs": [[~3, 4]]},
                ],
            }
        },
        "arcs": [
            [[1, 0], [0, 1]],  # (1,0) -> (1,1)
            [[1, 1], [-1, 0], [0, -1], [1, 0]],  # (1,1) -> (0,1) -> (0,0) -> (1,0)
            [[2, 0], [-1, 0]],  # (2,0) -> (1,0)
            [[2, 1], [0, -1]],  # (2,1) -> (2,0)
            [[2, 0], [1, 0], [0, 1], [-1, 0]],  # C's other edges
        ],
    }


def test_conversion_keeps_california_s_counties_and_the_arcs_they_share() -> None:
    result = boundaries.california(square_topology(), {"package": "test"})
    geometries = result["objects"]["counties"]["geometries"]
    assert [g["id"] for g in geometries] == ["06001", "06003"]
    # Arcs 0-3 are kept (renumbered in order), C's own arc 4 is not; a reversed arc stays reversed.
    assert [g["arcs"] for g in geometries] == [[[0, 1]], [[~0, 3, 2]]]
    assert len(result["arcs"]) == 4
    width = boundaries.WIDTH
    assert result["bbox"][2] == width
    xs = [x for arc in result["arcs"] for x, _ in arc]
    assert min(xs) == boundaries.MARGIN and max(xs) == width - boundaries.MARGIN


def test_conversion_from_the_package_tarball(tmp_path: Path) -> None:
    import io
    import tarfile

    tarball = tmp_path / "us-atlas-3.0.1.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, content in (
            ("package/package.json", {"name": "us-atlas", "version": "3.0.1", "license": "ISC"}),
            (boundaries.SOURCE_FILE, square_topology()),
        ):
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    output = tmp_path / "out.json"
    assert boundaries.main([str(tarball), "-o", str(output)]) == 0
    written = json.loads(output.read_text(encoding="utf-8"))
    assert written["provenance"]["package"] == "us-atlas@3.0.1"
    assert len(written["objects"]["counties"]["geometries"]) == 2


def test_a_file_that_is_not_the_package_is_refused_with_what_was_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a tarball", encoding="utf-8")
    assert boundaries.main([str(notes), "-o", str(tmp_path / "out.json")]) == 1
    error = capsys.readouterr().err
    assert error.startswith(
        f"{notes}: expected the us-atlas package's tarball with package/counties-albers-10m.json"
    )
    assert not (tmp_path / "out.json").exists()


def squares() -> Atlas:
    result = boundaries.california(square_topology(), {})
    return atlas_of(result)


def test_a_county_is_drawn_from_its_arcs_and_a_group_outlined_without_its_inner_borders() -> None:
    atlas = squares()
    # A: the shared edge then its other three, closed.
    assert atlas.path("06001").count("L") == 4 and atlas.path("06001").endswith("Z")
    shared = "M" + "L".join(" ".join(f"{c:g}" for c in p) for p in atlas.arcs[0])
    together = atlas.outline({"06001": "x", "06003": "x"})
    apart = atlas.outline({"06001": "x", "06003": "y"})
    assert shared not in together and shared in apart
    assert atlas.outline({}) == ""
    # Every arc a grouped county uses, except the one inside the group, is drawn once.
    assert together.count("M") == 3 and apart.count("M") == 4


@pytest.mark.parametrize(
    ("highest", "expected"),
    [
        (0, [(0, "none")]),
        (1, [(0, "none"), (1, "1")]),
        (3, [(0, "none"), (1, "1"), (2, "2"), (3, "3")]),
        (7, [(0, "none"), (1, "1"), (2, "2\u20133"), (3, "4\u20135"), (4, "6\u20137")]),
        (100, [(0, "none"), (1, "1\u201325"), (2, "26\u201350"), (3, "51\u201375"), (4, "76\u2013100")]),
    ],
)
def test_shades_split_the_counts_in_equal_steps(highest: int, expected: list[tuple[int, str]]) -> None:
    assert legend(shade_breaks(highest), highest) == expected


def map_of(html: str) -> str:
    """The page's map: its SVG element."""
    start = html.index('<svg class="cmp-map__svg"')
    return html[start : html.index("</svg>", start)]


def county_links(html: str) -> dict[str, tuple[str, int]]:
    """href -> (county, count) for each county of the page's map."""
    svg = map_of(html)
    found = re.findall(r'<a href="([^"]+)" aria-label="([^"]+): (\d+) practices?"', svg)
    return {href: (name, int(count)) for href, name, count in found}


def test_the_home_page_maps_every_county_with_the_count_its_page_lists(repo_site: Path) -> None:
    home = (repo_site / "index.html").read_text(encoding="utf-8")
    links = county_links(home)
    assert len(links) == 58
    for href, (name, count) in links.items():
        page = (repo_site / href / "index.html").read_text(encoding="utf-8")
        assert "<h1" in page and name in page
        assert re.search(rf">{count} practices?<a class=\"headerlink\"", page), (href, count)
    assert links["regions/riverside-county/"] == ("Riverside County", 5)
    # Three systems to outline, and no host but the site's own.
    assert home.count('class="cmp-map__layer"') == 3
    svg = map_of(home)
    assert "http" not in svg


def test_a_region_page_picks_out_its_counties(repo_site: Path) -> None:
    page = (repo_site / "regions" / "inland-empire-rpu" / "index.html").read_text(encoding="utf-8")
    svg = map_of(page)
    marked = re.findall(
        r'aria-label="([^"]+): \d+ practices?"><title>[^<]*</title><path class="[^"]*is-marked', svg
    )
    assert sorted(marked) == ["Riverside County", "San Bernardino County"]
    assert 'class="cmp-map__outline"' in svg and 'class="cmp-map__layer"' not in svg
    statewide = (repo_site / "regions" / "statewide" / "index.html").read_text(encoding="utf-8")
    assert "cmp-map__svg" not in statewide


def test_the_coverage_grid_is_a_heat_map_in_the_map_s_shades(repo_site: Path) -> None:
    page = (repo_site / "coverage" / "index.html").read_text(encoding="utf-8")
    cells = [
        (int(count), int(shade))
        for shade, count in re.findall(
            r'<td class="cmp-coverage__cell cmp-map__shade-(\d)"><a [^>]*>(\d+)</a>', page
        )
    ]
    assert len(cells) > 50
    highest = max(count for count, _ in cells)
    expected = dict(zip(shade_breaks(highest), range(1, 5), strict=False))
    for count, shade in cells:
        assert shade == max(s for low, s in expected.items() if count >= low), (count, shade)
    assert "cmp-coverage__cell--empty" in page
