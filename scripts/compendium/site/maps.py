"""The site's map of California: each county shaded by how many practices are found from it.

The shapes come from :mod:`compendium.render.cartography`; this adds what the
vocabulary knows: which region each county is, the regional systems that group
counties (drawn as outlines a reader can switch on), and the practices' counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from compendium.records.vocabulary import Vocabulary
from compendium.render.cartography import Atlas, california

OVERLAYS = ("wioa-rpu", "cc-region", "k16-collaborative")
"""The regional systems a reader can lay over the counties."""
LEADING = 5
"""How many of the counties with the most practices the map names beside it."""
SHADES = 4
"""Shades for counties with practices; a county with none is left pale."""


@dataclass(frozen=True)
class MapCounty:
    """One county on the map."""

    region: str
    """Its region id, for its page."""
    label: str
    count: int
    shade: int
    """0 for no practices, else 1 to SHADES."""
    path: str
    marked: bool
    """Part of the region whose page this map is on."""


@dataclass(frozen=True)
class CountyMap:
    """What a page's map shows."""

    width: float
    height: float
    counties: list[MapCounty]
    overlays: list[tuple[str, str, str]]
    """(system id, label, outline path) for each system a reader can switch on."""
    legend: list[tuple[int, str]]
    """(shade, what it stands for), palest first."""
    outline: str
    """The outline of the marked counties ("" when none is marked)."""
    leading: list[MapCounty]
    """The counties with the most practices, most first (up to LEADING)."""


def shade_breaks(highest: int) -> list[int]:
    """The lowest count of each shade, for counts from 1 to ``highest``: steps of equal width."""
    steps = min(SHADES, highest)
    return [1 + n * highest // steps for n in range(steps)]


def shade_of(count: int, breaks: list[int]) -> int:
    """The shade of ``count``: 0 for none, else how many of the shades' lowest counts it reaches."""
    return sum(1 for low in breaks if count >= low)


def legend(breaks: list[int], highest: int) -> list[tuple[int, str]]:
    """(shade, the counts it stands for) for each shade, "none" first."""
    if not breaks:
        return [(0, "none")]
    tops = [low - 1 for low in breaks[1:]] + [highest]
    shades = [str(low) if low == top else f"{low}\u2013{top}" for low, top in zip(breaks, tops, strict=True)]
    return [(0, "none"), *enumerate(shades, start=1)]


class Cartographer:
    """Makes the maps of one build: the counties' shapes and groups once, the shading from ``counts``."""

    def __init__(self, vocabulary: Vocabulary, counts: Mapping[str, int], atlas: Atlas | None = None) -> None:
        self.vocabulary = vocabulary
        self.atlas = atlas or california()
        self.by_fips = {entry.fips: rid for rid, entry in vocabulary.regions.items() if entry.fips}
        self.county_regions = frozenset(self.by_fips.values())
        """The region ids of the counties on the map."""
        self.counts = {fips: counts.get(rid, 0) for fips, rid in self.by_fips.items()}
        highest = max(self.counts.values(), default=0)
        self.breaks = shade_breaks(highest)
        self.legend = legend(self.breaks, highest)
        self.paths = {fips: self.atlas.path(fips) for fips in self.atlas.counties}
        self.overlays = [
            (system, vocabulary.label("systems", system), self.atlas.outline(self._groups(system)))
            for system in OVERLAYS
        ]

    def _groups(self, system: str) -> dict[str, str]:
        """County FIPS -> the nearest region of ``system`` it lies in."""
        groups = {}
        for fips, rid in self.by_fips.items():
            found = [
                r
                for r in self.vocabulary.region_ancestors(rid)
                if self.vocabulary.regions[r].system == system
            ]
            if found:
                groups[fips] = found[0]
        return groups

    def draw(self, marked: frozenset[str] = frozenset(), overlays: bool = True) -> CountyMap:
        """The map, with the counties of region ids ``marked`` picked out (and outlined)."""
        counties = [
            MapCounty(
                region=self.by_fips[fips],
                label=self.vocabulary.label("regions", self.by_fips[fips]),
                count=self.counts[fips],
                shade=shade_of(self.counts[fips], self.breaks),
                path=self.paths[fips],
                marked=self.by_fips[fips] in marked,
            )
            for fips in self.atlas.counties
            if fips in self.by_fips
        ]
        chosen = {fips: "marked" for fips, rid in self.by_fips.items() if rid in marked}
        return CountyMap(
            self.atlas.width,
            self.atlas.height,
            counties,
            self.overlays if overlays else [],
            self.legend,
            self.atlas.outline(chosen) if chosen else "",
            sorted((c for c in counties if c.count), key=lambda c: (-c.count, c.label))[:LEADING],
        )
