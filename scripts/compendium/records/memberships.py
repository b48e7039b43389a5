"""Regions over time: what a region held, and lay in, when, as the vocabulary dates it.

A region's ``within``, ``contains`` and ``overlaps`` are its membership as the sources give it today.
A dated membership (``memberships:``) replaces them for its period: the Coastal Regional Planning
Unit of 2016-2020 held Santa Cruz, Monterey, San Luis Obispo and Santa Barbara; since 2021 it holds
San Benito, Monterey and Santa Cruz. A relation belongs to the region that writes it, so a region
that moved between units says so in its own dated membership too.

Time is cut into *eras*: stretches in which every region's membership is the same. There are as
many as the vocabulary has dated memberships, plus one, so a practice's filing is worked out once
per era it ran in, never once per day.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from compendium.records.fields import ListOf, Period, PeriodOf, Term, Text, declare

BEFORE_ALL = dt.date.min.toordinal()
AFTER_ALL = dt.date.max.toordinal()


@dataclass(frozen=True, kw_only=True)
class Membership:
    """What a region held, or lay in, for a period, when that differs from its membership today."""

    period: Period = declare(
        PeriodOf("The period it held: '2016 to 2020', 'FY 2016-17' or one year '2016'.", required=True)
    )
    within: tuple[str, ...] = declare(
        ListOf(Term("A region id.", "regions"), "Regions it lay wholly inside then.", unique=True)
    )
    contains: tuple[str, ...] = declare(
        ListOf(Term("A region id.", "regions"), "Regions lying wholly inside it then.", unique=True)
    )
    overlaps: tuple[str, ...] = declare(
        ListOf(Term("A region id.", "regions"), "Regions it covered only in part then.", unique=True)
    )
    sources: tuple[str, ...] = declare(
        ListOf(
            Term("A source id.", "sources"),
            "Where this membership was read (ids under 'sources'): a dated membership needs one.",
            min_items=1,
            unique=True,
            required=True,
        )
    )
    note: str | None = declare(Text("What the sources leave open about it.", max_length=600, multiline=True))


class Related(Protocol):
    """What a region says of its place: today's relations and the dated ones."""

    @property
    def within(self) -> tuple[str, ...]: ...
    @property
    def contains(self) -> tuple[str, ...]: ...
    @property
    def overlaps(self) -> tuple[str, ...]: ...
    @property
    def memberships(self) -> tuple[Membership, ...]: ...


def first_day(partial: str) -> dt.date:
    """The first day of a partial date (``2016`` -> 2016-01-01)."""
    parts = [int(part) for part in partial.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(partial: str) -> dt.date:
    """The last day of a partial date (``2020`` -> 2020-12-31, ``2021-02`` -> 2021-02-28)."""
    parts = [int(part) for part in partial.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    month = parts[1] if len(parts) > 1 else 12
    return dt.date(parts[0], month, calendar.monthrange(parts[0], month)[1])


def span(period: Period) -> tuple[int, int]:
    """A period as (first day, last day) ordinals; an open end runs to the end of time."""
    end = AFTER_ALL if period.end is None else last_day(period.end).toordinal()
    return first_day(period.start).toordinal(), end


@dataclass(frozen=True)
class Era:
    """A stretch of time (one or several spans) in which every region's membership is the same."""

    chosen: Mapping[str, int]
    """Region -> the index of its dated membership in effect; regions not named use today's."""
    spans: tuple[tuple[int, int], ...]
    """(first day, last day) ordinals."""
    parents: Mapping[str, tuple[str, ...]] = field(repr=False)
    children: Mapping[str, tuple[str, ...]] = field(repr=False)
    overlaps: Mapping[str, tuple[str, ...]] = field(repr=False)

    @property
    def undated(self) -> bool:
        """Every region as it is today."""
        return not self.chosen

    def meets(self, first: int, last: int) -> bool:
        return any(start <= last and first <= end for start, end in self.spans)

    def membership(self, regions: Mapping[str, Related], region: str) -> Membership | None:
        """The dated membership ``region`` has in this era, or None for today's."""
        index = self.chosen.get(region)
        return None if index is None else regions[region].memberships[index]


class Timeline:
    """The eras of a vocabulary's regions, each with its relations, made once."""

    def __init__(self, regions: Mapping[str, Related]) -> None:
        self.regions = regions
        bounds = {BEFORE_ALL}
        for entry in regions.values():
            for membership in entry.memberships:
                first, last = span(membership.period)
                bounds.add(first)
                if last < AFTER_ALL:
                    bounds.add(last + 1)
        cuts = sorted(bounds)
        spans: dict[tuple[tuple[str, int], ...], list[tuple[int, int]]] = {}
        for index, start in enumerate(cuts):
            end = cuts[index + 1] - 1 if index + 1 < len(cuts) else AFTER_ALL
            chosen = tuple(sorted(self._chosen(start)))
            spans.setdefault(chosen, []).append((start, end))
        self.today = self._era({}, ())
        """Every region as the sources give it today: for practices that say nothing of when they ran."""
        self.eras = [
            self._era(dict(chosen), tuple(found))
            if chosen
            else dataclasses.replace(self.today, spans=tuple(found))
            for chosen, found in spans.items()
        ]
        """Every era, in time order of its first span."""

    def _chosen(self, day: int) -> Iterable[tuple[str, int]]:
        for region, entry in self.regions.items():
            for index, membership in enumerate(entry.memberships):
                first, last = span(membership.period)
                if first <= day <= last:
                    yield region, index
                    break

    def _era(self, chosen: dict[str, int], spans: tuple[tuple[int, int], ...]) -> Era:
        parents: dict[str, dict[str, None]] = {region: {} for region in self.regions}
        children: dict[str, dict[str, None]] = {region: {} for region in self.regions}
        overlaps: dict[str, tuple[str, ...]] = {}
        for region, entry in self.regions.items():
            index = chosen.get(region)
            held: Related | Membership = entry if index is None else entry.memberships[index]
            for parent in held.within:
                parents[region].setdefault(parent)
                children.setdefault(parent, {}).setdefault(region)
            for child in held.contains:
                parents.setdefault(child, {}).setdefault(region)
                children[region].setdefault(child)
            overlaps[region] = held.overlaps
        return Era(
            chosen,
            spans,
            {region: tuple(found) for region, found in parents.items()},
            {region: tuple(found) for region, found in children.items()},
            overlaps,
        )

    def during(self, period: Period | None) -> Sequence[Era]:
        """The eras a practice that ran in ``period`` ran in; today's alone when it does not say."""
        if period is None:
            return [self.today]
        first, last = span(period)
        return [era for era in self.eras if era.meets(first, last)] or [self.today]

    def overlapping(self) -> list[tuple[str, int, int]]:
        """(region, index, other index) of a region's dated memberships whose periods overlap."""
        found = []
        for region, entry in self.regions.items():
            spans = [span(m.period) for m in entry.memberships]
            for i, (first, last) in enumerate(spans):
                for j in range(i + 1, len(spans)):
                    if first <= spans[j][1] and spans[j][0] <= last:
                        found.append((region, i, j))
        return found

    def cycles(self) -> list[tuple[str, Era]]:
        """(region, era) for each region that ends up inside itself only in an era of dated memberships
        (a cycle in today's relations is the loader's to report), each region once."""
        today = {region for region in self.regions if self._inside_itself(region, self.today)}
        found: dict[str, Era] = {}
        for era in self.eras:
            if era.undated:
                continue
            for region in self.regions:
                if region not in today and region not in found and self._inside_itself(region, era):
                    found[region] = era
        return list(found.items())

    @staticmethod
    def _inside_itself(region: str, era: Era) -> bool:
        seen: set[str] = set()
        todo = list(era.parents.get(region, ()))
        while todo:
            other = todo.pop()
            if other == region:
                return True
            if other not in seen:
                seen.add(other)
                todo.extend(era.parents.get(other, ()))
        return False
