"""The map of California's counties, drawn as SVG from the committed boundaries (:mod:`.boundaries`).

A county is drawn from the arcs of its rings. A group of counties (the counties
of each planning unit, say) is outlined by the arcs that lie between counties of
different groups, or between a grouped county and the state's edge: TopoJSON
keeps each shared border once, so no outline is drawn twice and none is guessed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

BOUNDARIES = Path(__file__).parent / "maps" / "california-counties.json"

Point = tuple[float, float]


@dataclass(frozen=True)
class County:
    """A county as the boundaries file has it."""

    fips: str
    name: str
    polygons: tuple[tuple[tuple[int, ...], ...], ...]
    """Each polygon's rings (the first its outer edge), each ring the arcs it follows (~i: arc i reversed)."""


@dataclass(frozen=True)
class Atlas:
    """California's counties and the arcs between them, in a box ``width`` by ``height``."""

    width: float
    height: float
    counties: dict[str, County]
    arcs: tuple[tuple[Point, ...], ...]

    def path(self, fips: str) -> str:
        """The SVG path data of county ``fips``."""
        rings = []
        for polygon in self.counties[fips].polygons:
            for ring in polygon:
                points: list[Point] = []
                for index in ring:
                    arc = self.arcs[index] if index >= 0 else self.arcs[~index][::-1]
                    points.extend(arc if not points else arc[1:])  # arcs meet at a shared point
                rings.append("M" + "L".join(_point(p) for p in points) + "Z")
        return "".join(rings)

    def outline(self, groups: Mapping[str, str]) -> str:
        """SVG path data outlining each group of ``groups`` (county FIPS -> group); ungrouped counties
        get no outline of their own."""
        pieces = []
        for index, users in enumerate(self._users):
            sides = [groups.get(fips) for fips in users]
            inner = len(users) == 2 and sides[0] == sides[1]
            if not inner and any(side is not None for side in sides):
                pieces.append("M" + "L".join(_point(p) for p in self.arcs[index]))
        return "".join(pieces)

    @cached_property
    def _users(self) -> tuple[tuple[str, ...], ...]:
        """The counties whose borders follow each arc: two for a shared border, one on the state's edge."""
        users: list[list[str]] = [[] for _ in self.arcs]
        for county in self.counties.values():
            for polygon in county.polygons:
                for ring in polygon:
                    for index in ring:
                        users[index if index >= 0 else ~index].append(county.fips)
        return tuple(tuple(dict.fromkeys(u)) for u in users)


def _point(point: Point) -> str:
    return " ".join(f"{c:.1f}".removesuffix(".0") for c in point)


def atlas_of(topology: dict[str, Any]) -> Atlas:
    """The atlas of a topology as :mod:`.boundaries` writes it (absolute coordinates, a ``bbox``)."""
    counties = {}
    for geometry in topology["objects"]["counties"]["geometries"]:
        arcs = geometry["arcs"]
        polygons = arcs if geometry["type"] == "MultiPolygon" else [arcs]
        counties[geometry["id"]] = County(
            geometry["id"],
            geometry["properties"]["name"],
            tuple(tuple(tuple(ring) for ring in polygon) for polygon in polygons),
        )
    _, _, width, height = topology["bbox"]
    arcs = tuple(tuple((x, y) for x, y in arc) for arc in topology["arcs"])
    return Atlas(width, height, counties, arcs)


@cache
def california() -> Atlas:
    """The committed boundaries, read once per process (a build reads no other file and asks no host)."""
    return atlas_of(json.loads(BOUNDARIES.read_text(encoding="utf-8")))
