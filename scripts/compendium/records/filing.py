"""Filing: every practice is found from every place it serves.

A practice's *footprint* is the counties its regions cover (or, outside California, their state),
read through every relation the vocabulary has: the regions a region holds (``contains``, and
others' ``within``), the ones it covers in part (``overlaps``) and the ones it lies in. It is listed
on the page of every region whose own county set meets that footprint, in every regional system, and
of every region that holds or lies in one of its regions; each listing says which of its regions
brought it there ("through Central San Joaquin Valley K-16 Partnership").

Regions change over time (:mod:`compendium.records.memberships`): a practice is filed by the
membership of the eras it ran in. Each region's county set and reach are worked out once per era, so
filing a catalog costs what its listings cost, not practices times regions.

The rules, each once:

* a county covers itself; a region covers the counties it holds, directly or through the regions it
  holds, and the counties it ``overlaps``;
* a region lying inside a county, or inside a region of one county, covers (part of) that county;
* a region with no county of its own is still found from the regions it lies in and holds;
* a region outside California stands for its state; statewide work has no county.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from compendium.records.fields import Pending, Period
from compendium.records.memberships import Era, first_day, last_day
from compendium.records.places import COUNTY_SYSTEM, PendingRegion
from compendium.records.practice import Practice
from compendium.records.vocabulary import Vocabulary

_PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


@dataclass(frozen=True)
class Way:
    """How a practice comes to be listed on a region's page."""

    via: str
    """The practice's own region that brought it (an id, or a new region's name)."""
    membership: Period | None = None
    """The period of the dated membership it was found by (2016 to 2020), or None when by today's."""


@dataclass
class Listing:
    """A practice on one region's page, and the ways it got there (none when filed there itself)."""

    practice: Practice
    ways: list[Way] = field(default_factory=list)


def period_of(practice: Practice) -> Period | None:
    """When the practice ran: its ``period``, else the span of its dated stages, else not known."""
    if practice.period is not None:
        return practice.period
    starts = [p.start for p in practice.phases if p.start and _PARTIAL_DATE.fullmatch(p.start)]
    if not starts:
        return None
    start = min(starts, key=lambda day: first_day(day))
    ends = [p.end for p in practice.phases]
    if any(end is None or not _PARTIAL_DATE.fullmatch(end) for end in ends):
        return Period(start)  # a stage still running, or of an end not known: since its start
    end = max((e for e in ends if e), key=lambda day: last_day(day))
    return Period(start, end) if last_day(end) >= first_day(start) else Period(start)


class EraTables:
    """One era's county sets and reaches, each region's worked out once, when first asked for."""

    def __init__(self, vocabulary: Vocabulary, era: Era) -> None:
        self.vocabulary = vocabulary
        self.era = era
        self._below: dict[str, frozenset[str]] = {}
        self._above: dict[str, tuple[str, ...]] = {}
        self._under: dict[str, tuple[str, ...]] = {}
        self._counties: dict[str, frozenset[str]] = {}
        self._reach: dict[str, dict[str, None]] = {}
        self._by_county: dict[str, list[str]] | None = None
        self._by_state: dict[str, list[str]] = {}
        for region, entry in vocabulary.regions.items():
            if entry.outside_california and entry.state:
                self._by_state.setdefault(entry.state, []).append(region)

    def is_county(self, region: str) -> bool:
        entry = self.vocabulary.regions.get(region)
        return entry is not None and entry.system == COUNTY_SYSTEM

    def _walk(self, region: str, edges: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
        out: dict[str, None] = {}
        todo = list(edges.get(region, ()))
        while todo:
            other = todo.pop(0)
            if other not in out and other != region:
                out[other] = None
                todo.extend(edges.get(other, ()))
        return tuple(out)

    def above(self, region: str) -> tuple[str, ...]:
        """The regions ``region`` lies in, transitively, nearest first."""
        if region not in self._above:
            self._above[region] = self._walk(region, self.era.parents)
        return self._above[region]

    def under(self, region: str) -> tuple[str, ...]:
        """The regions lying in ``region``, transitively, nearest first."""
        if region not in self._under:
            self._under[region] = self._walk(region, self.era.children)
        return self._under[region]

    def below(self, region: str) -> frozenset[str]:
        """The counties ``region`` holds or covers in part: itself for a county."""
        if region in self._below:
            return self._below[region]
        stack = [(region, False)]
        visiting: set[str] = set()
        # Post-order without recursion (a vocabulary may nest deeply); every region once per era.
        while stack:
            current, done = stack.pop()
            if current in self._below:
                continue
            if done:
                held: set[str] = {current} if self.is_county(current) else set()
                for child in self.era.children.get(current, ()):
                    held |= self._below.get(child, frozenset())
                for other in self.era.overlaps.get(current, ()):
                    if self.is_county(other):
                        held.add(other)
                self._below[current] = frozenset(held)
                continue
            if current in visiting:  # a cycle is refused when the vocabulary loads; never loop here
                continue
            visiting.add(current)
            stack.append((current, True))
            stack.extend(
                (child, False) for child in self.era.children.get(current, ()) if child not in self._below
            )
        return self._below.get(region, frozenset())

    def counties(self, region: str) -> frozenset[str]:
        """Every county ``region`` covers in whole or in part: those it holds or overlaps, and the
        one it lies in (a region inside a county, or inside a region of one county)."""
        if region not in self._counties:
            held = set(self.below(region))
            for outer in self.above(region):
                outer_counties = self.below(outer)
                if len(outer_counties) == 1:
                    held |= outer_counties
            self._counties[region] = frozenset(held)
        return self._counties[region]

    def by_county(self) -> Mapping[str, list[str]]:
        """County -> every region that covers it (the index that keeps filing linear)."""
        if self._by_county is None:
            index: dict[str, list[str]] = {}
            for region in self.vocabulary.regions:
                for county in self.counties(region):
                    index.setdefault(county, []).append(region)
            self._by_county = index
        return self._by_county

    def reach(self, region: str) -> Mapping[str, None]:
        """Every region whose page lists a practice filed under ``region``, in this era."""
        if region not in self._reach:
            found: dict[str, None] = {region: None}
            found.update(dict.fromkeys(self.above(region)))
            found.update(dict.fromkeys(self.under(region)))
            index = self.by_county()
            for county in sorted(self.counties(region)):
                found.update(dict.fromkeys(index.get(county, ())))
            entry = self.vocabulary.regions.get(region)
            if entry is not None and entry.outside_california and entry.state:
                found.update(dict.fromkeys(self._by_state.get(entry.state, ())))
            self._reach[region] = found
        return self._reach[region]

    def reach_new(self, region: PendingRegion) -> dict[str, None]:
        """Every region whose page lists a practice filed under a region the vocabulary lacks yet."""
        found: dict[str, None] = {}
        index = self.by_county()
        for county in region.counties:
            found[county] = None
            found.update(dict.fromkeys(index.get(county, ())))
        for outer in region.within:
            found[outer] = None
            found.update(dict.fromkeys(self.above(outer)))
            outer_counties = self.below(outer)
            if len(outer_counties) == 1:  # inside a county, or inside a region of one county
                for county in outer_counties:
                    found.update(dict.fromkeys(index.get(county, ())))
        if region.state:
            found.update(dict.fromkeys(self._by_state.get(region.state, ())))
        return found


class Filing:
    """Where each practice of a catalog is listed, and why: worked out once, for pages, finder and map."""

    def __init__(self, vocabulary: Vocabulary, practices: Iterable[Practice]) -> None:
        self.vocabulary = vocabulary
        self._eras: dict[int, EraTables] = {}
        self.practices = list(practices)
        self._listed: dict[str, dict[str, list[Way]]] = {}
        """Practice slug -> region -> the ways it got there (empty: filed there itself)."""
        for practice in self.practices:
            self._listed[practice.slug] = self._file(practice)

    def era(self, era: Era) -> EraTables:
        key = id(era)
        if key not in self._eras:
            self._eras[key] = EraTables(self.vocabulary, era)
        return self._eras[key]

    @property
    def today(self) -> EraTables:
        return self.era(self.vocabulary.timeline.today)

    def _file(self, practice: Practice) -> dict[str, list[Way]]:
        eras = self.vocabulary.timeline.during(period_of(practice))
        # region -> via -> the dated memberships it was found by, era by era (None: today's)
        found: dict[str, dict[str, list[Period | None]]] = {}
        for era in eras:
            tables = self.era(era)
            for region in practice.regions:
                if isinstance(region, PendingRegion):
                    reached: Mapping[str, None] = tables.reach_new(region)
                elif isinstance(region, Pending) or region not in self.vocabulary.regions:
                    continue
                else:
                    reached = tables.reach(region)
                for other in reached:
                    label = self._dated(era, str(region), other)
                    found.setdefault(other, {}).setdefault(str(region), []).append(label)
        own = {str(region) for region in practice.regions}
        listed: dict[str, list[Way]] = {}
        for region in self.vocabulary.regions:  # in the vocabulary's order
            if region not in found:
                continue
            if region in own:
                listed[region] = []
                continue
            listed[region] = [
                Way(via, None if None in labels else labels[0]) for via, labels in found[region].items()
            ]
        return listed

    def _dated(self, era: Era, via: str, region: str) -> Period | None:
        """The period of the dated membership a listing relies on in ``era``; None for today's."""
        if era.undated:
            return None
        for name in (via, region):
            membership = era.membership(self.vocabulary.regions, name)
            if membership is not None:
                return membership.period
        if via in self.vocabulary.regions and region in self.today.reach(via):
            return None
        first, last = era.spans[0]
        return Period(_year(first), _year(last))

    def regions_of(self, practice: Practice) -> dict[str, list[Way]]:
        """Every region listing ``practice``, in the vocabulary's order, with how it got there."""
        return self._listed[practice.slug]

    def listings(self) -> dict[str, list[Listing]]:
        """Region -> the practices its page lists (in the order the practices were given), with how."""
        out: dict[str, list[Listing]] = {region: [] for region in self.vocabulary.regions}
        for practice in self.practices:
            for region, ways in self._listed[practice.slug].items():
                out[region].append(Listing(practice, ways))
        return out

    def counties(self, region: str) -> frozenset[str]:
        """The counties ``region`` covers today, in whole or in part."""
        return self.today.counties(region)

    def footprint(self, practice: Practice) -> list[str]:
        """The counties (ids, in the vocabulary's order) a practice's regions cover, in the eras it ran."""
        counties: set[str] = set()
        for era in self.vocabulary.timeline.during(period_of(practice)):
            tables = self.era(era)
            for region in practice.regions:
                if isinstance(region, PendingRegion):
                    counties.update(region.counties)
                    for outer in region.within:
                        if len(tables.below(outer)) == 1:
                            counties |= tables.below(outer)
                elif region in self.vocabulary.regions:
                    counties |= tables.counties(region)
        return [region for region in self.vocabulary.regions if region in counties]

    def through(self, practice: Practice, via: str) -> list[str]:
        """The regions listing ``practice`` through its region ``via`` (an id or a new region's name)."""
        return [
            region for region, ways in self._listed[practice.slug].items() if any(w.via == via for w in ways)
        ]

    def listed_through(self, practice: Practice, via: str) -> str:
        """Those regions in words: the counties by name, the other regions by number."""
        regions = self.through(practice, via)
        label = self.vocabulary.terms("regions")
        counties = [label[r] for r in regions if self.vocabulary.regions[r].system == COUNTY_SYSTEM]
        others = len(regions) - len(counties)
        parts = [", ".join(counties)] if counties else []
        if others:
            parts.append(f"{others} other region{'s' if others != 1 else ''}")
        return " and ".join(parts) or "no region"

    def waiting(self) -> list[tuple[PendingRegion, list[Practice], list[str]]]:
        """Each region written in words for an editor to add: the practices waiting on it, and the
        regions whose pages list them meanwhile (through it)."""
        found: dict[str, tuple[PendingRegion, list[Practice], dict[str, None]]] = {}
        for practice in self.practices:
            for region in practice.regions:
                if not isinstance(region, PendingRegion):
                    continue
                _, waiting, listed = found.setdefault(str(region), (region, [], {}))
                waiting.append(practice)
                for other, ways in self._listed[practice.slug].items():
                    if any(way.via == str(region) for way in ways):
                        listed[other] = None
        return [(term, waiting, list(listed)) for term, waiting, listed in found.values()]


def _year(ordinal: int) -> str:
    return str(dt.date.fromordinal(ordinal).year)


def ways_text(ways: Sequence[Way], label: Mapping[str, str], when: Callable[[Period], str] = str) -> str:
    """How a listing reads on a card: "Through Coastal Regional Planning Unit (its 2016 to 2020
    membership) and …"; ``when`` writes a period as readers read it."""
    parts = [
        label.get(way.via, way.via) + (f" (its {when(way.membership)} membership)" if way.membership else "")
        for way in ways
    ]
    if not parts:
        return ""
    return "Through " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
