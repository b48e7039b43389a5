"""The controlled vocabularies, read from ``practices/vocabulary.yml``.

Editors own that file: adding a region, a focus area or a funding stream is an
edit there, never in code. Every record's terms are checked against it, with a
"did you mean" for near misses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from compendium.records.fields import (
    Choice,
    Context,
    Date,
    Figure,
    ListOf,
    MapOf,
    PartialDate,
    Reported,
    Struct,
    Term,
    Text,
    Url,
    declare,
)
from compendium.records.loader import LoadError, load_yaml
from compendium.records.memberships import Membership, Timeline
from compendium.records.names import Names
from compendium.records.places import COUNTIES, COUNTY_SYSTEM, PendingRegion
from compendium.records.problem import Problem

QUALIFIERS = ("exact", "about", "at-least", "more-than", "at-most")
"""How exact a figure is, as its source says: at-most is a ceiling ("up to 10", "not to exceed")."""
SUBMITTED = "submitted"
ACCEPTED = "accepted"
RETIRED = "retired"
LEAD = "lead"
CONVENER = "convener"
FIRST_ROLES = (LEAD, CONVENER)
"""Roles listed first among a practice's partners. Only 'lead' leads: a convener (a subregion's
co-convener, say) convenes; a record written when a convener counted as the lead is brought up to date
by 'compendium upgrade'."""
SELF_REPORTED = "self-reported"
EVIDENCED_LEVELS = ("promising", "established")
"""Evidence levels that need a dated result of the practice to point to (CONTRIBUTING.md's scale)."""

REQUIRED_TERMS: dict[str, dict[str, str]] = {
    "statuses": {
        SUBMITTED: "new records and contributions start as submitted",
        ACCEPTED: "a volume gathers the accepted practices",
        RETIRED: "a retired practice keeps its page, with a banner",
    },
    "partner_roles": {
        LEAD: "the lead partner is named as a practice's author in citations",
        CONVENER: "conveners are listed after the lead, and 'compendium upgrade' reads the role",
    },
    "evidence_bases": {SELF_REPORTED: "a new record's evidence starts as self-reported"},
    "evidence_levels": {level: "a level that needs dated outcomes to point to" for level in EVIDENCED_LEVELS},
}
"""Ids the software gives a meaning to, by vocabulary, with that meaning: editors may relabel them, never remove them."""


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A term: the label readers see and, optionally, what it means."""

    label: str = declare(Text("The term as readers see it.", required=True, max_length=120))
    description: str | None = declare(
        Text("What the term means, for contributors choosing it and readers filtering by it.", max_length=600)
    )
    plural: str | None = declare(
        Text("The term for several, when it is not the label with an 's' (County: Counties).", max_length=120)
    )
    formerly: str | None = declare(
        Text(
            "The name it had before it was renamed, e.g. 'Community Economic Resilience Fund (CERF)'.",
            max_length=160,
        )
    )
    renamed: str | None = declare(PartialDate("When it took its present name: YYYY, YYYY-MM or YYYY-MM-DD."))
    sources: tuple[str, ...] = declare(
        ListOf(
            Term("A source id.", "sources"),
            "The public lists the term was read from (ids under 'sources'), e.g. a programme's target populations.",
            unique=True,
        )
    )

    @property
    def several(self) -> str:
        return self.plural or self.label + "s"


@dataclass(frozen=True, kw_only=True)
class EvidenceLevel(Entry):
    """A step of the evidence scale: what it means, and what a practice needs to stand on it."""

    criteria: str | None = declare(
        Text(
            "What a practice needs to be listed at this level, as 'compendium validate' checks it (a dated "
            "result of the practice itself, for the levels that need one) and as editors check it on review; "
            "the public evidence key shows it beside the description.",
            max_length=600,
        )
    )


@dataclass(frozen=True, kw_only=True)
class ListSource:
    """A public list the vocabulary's regions and memberships were read from."""

    publisher: str = declare(Text("Who published it.", required=True, max_length=200))
    title: str = declare(Text("Its title.", required=True, max_length=300))
    url: str = declare(Url("Where it can be read.", required=True))
    read: dt.date = declare(Date("The day an editor read it.", required=True))
    note: str | None = declare(Text("What it covers, or its limits.", max_length=600, multiline=True))


@dataclass(frozen=True, kw_only=True)
class Statistic:
    """A figure about a region for its profile (context, never a practice's result)."""

    measure: str = declare(Text("What the figure counts.", required=True, max_length=160))
    value: str = declare(Figure("The number.", required=True))
    qualifier: str = declare(Choice("exact, about, at-least or more-than.", QUALIFIERS), default="exact")
    up_to: str | None = declare(Figure("The high end of a range."))
    unit: str | None = declare(Text("The unit: 'dollars', 'percent', 'colleges'…", max_length=40))
    per: str | None = declare(Text("What it is per.", max_length=40))
    as_of: str = declare(PartialDate("When: YYYY, YYYY-MM or YYYY-MM-DD.", required=True))
    source: str = declare(Term("The source it was read from.", "sources", required=True))


@dataclass(frozen=True, kw_only=True)
class Region:
    """A region in one of the regional systems, where it sits, what it holds, and its profile."""

    label: str = declare(Text("The region's name as readers see it.", required=True, max_length=120))
    aliases: tuple[str, ...] = declare(
        ListOf(
            Text("A name.", max_length=120),
            "Other names people write for it ('LA County', 'SLO County'): validate, 'compendium new' and "
            "the Submit form find the region by them too.",
            unique=True,
        )
    )
    system: str = declare(
        Term(
            "The regional system the region belongs to (WIOA Regional Planning Unit, …).",
            "systems",
            required=True,
        )
    )
    fips: str | None = declare(
        Text(
            "A county's five-digit FIPS code (U.S. Census Bureau), e.g. '06037'.",
            max_length=5,
            label="FIPS code",
        )
    )
    state: str | None = declare(
        Text("The US state, for a region outside California (a practice filed there says so).", max_length=60)
    )
    within: tuple[str, ...] = declare(
        ListOf(
            Term("A region id.", "regions"),
            "Regions this one lies wholly inside, so its practices are found from them too.",
            unique=True,
        )
    )
    contains: tuple[str, ...] = declare(
        ListOf(
            Term("A region id.", "regions"),
            "Regions lying wholly inside this one (the other side of 'within'; write either).",
            unique=True,
        )
    )
    overlaps: tuple[str, ...] = declare(
        ListOf(
            Term("A region id.", "regions"),
            "Regions it covers only in part (a board serving part of a county): a practice filed under it "
            "is found from them too.",
            unique=True,
        )
    )
    memberships: tuple[Membership, ...] = declare(
        ListOf(
            Struct(Membership),
            "Its membership for a past period, when that differs from the one above (the Coastal RPU of "
            "2016-2020): practices that ran then are found from the regions it held then.",
        )
    )
    description: str | None = declare(
        Text("A short profile of the region for its page.", max_length=1200, multiline=True)
    )
    members: tuple[str, ...] = declare(
        ListOf(
            Text("An organisation.", max_length=200),
            "Member organisations: boards, colleges, consortia, districts.",
            unique=True,
        )
    )
    sectors: tuple[str, ...] = declare(
        ListOf(Term("A sector id.", "sectors"), "The region's priority sectors.", unique=True)
    )
    figures: tuple[Statistic, ...] = declare(
        ListOf(Struct(Statistic), "Figures about the region, each with its date and source.")
    )
    sources: tuple[str, ...] = declare(
        ListOf(
            Term("A source id.", "sources"),
            "Where the region and its memberships were read (ids under 'sources').",
            unique=True,
        )
    )
    note: str | None = declare(
        Text("What the sources leave open, e.g. members not yet found.", max_length=600, multiline=True)
    )

    @property
    def outside_california(self) -> bool:
        return self.state is not None and self.state != "California"


@dataclass(frozen=True, kw_only=True)
class Section:
    """A section every practice's text has, and what a contributor writes under it."""

    title: str = declare(Text("The section's H2 heading.", required=True, max_length=60))
    prompt: str = declare(
        Text(
            "What to write under it: shown by 'compendium new', the Submit form and the issue form.",
            required=True,
            max_length=300,
        )
    )


@dataclass(frozen=True, kw_only=True)
class VocabularyFile:
    """``practices/vocabulary.yml``: every controlled vocabulary and the required body sections."""

    sections: tuple[Section, ...] = declare(
        ListOf(
            Struct(Section),
            "The H2 sections every practice's text must have, in order.",
            min_items=1,
            required=True,
        )
    )
    sources: dict[str, ListSource] = declare(
        MapOf(Struct(ListSource), "The public lists regions and memberships were read from.", required=True)
    )
    systems: dict[str, Entry] = declare(
        MapOf(Struct(Entry), "Regional systems a region can belong to.", required=True)
    )
    regions: dict[str, Region] = declare(
        MapOf(Struct(Region), "Regions practices can sit in.", required=True)
    )
    partner_types: dict[str, Entry] = declare(
        MapOf(Struct(Entry), "Kinds of partner organisation.", required=True)
    )
    partner_roles: dict[str, Entry] = declare(MapOf(Struct(Entry), "Roles a partner plays.", required=True))
    focus: dict[str, Entry] = declare(MapOf(Struct(Entry), "Topics (focus areas).", required=True))
    populations: dict[str, Entry] = declare(MapOf(Struct(Entry), "Populations served.", required=True))
    sectors: dict[str, Entry] = declare(MapOf(Struct(Entry), "Industry sectors.", required=True))
    funding_streams: dict[str, Entry] = declare(MapOf(Struct(Entry), "Funding streams.", required=True))
    phases: dict[str, Entry] = declare(MapOf(Struct(Entry), "Phases a practice runs in.", required=True))
    groups: dict[str, Entry] = declare(
        MapOf(
            Struct(Entry),
            "Kept for vocabularies written before populations took the groups in: its terms count as "
            "populations (a figure's group is a population).",
        )
    )
    evidence_levels: dict[str, EvidenceLevel] = declare(
        MapOf(Struct(EvidenceLevel), "The evidence scale, weakest first.", required=True)
    )
    evidence_bases: dict[str, Entry] = declare(
        MapOf(Struct(Entry), "What the evidence rests on.", required=True)
    )
    statuses: dict[str, Entry] = declare(MapOf(Struct(Entry), "Editorial statuses.", required=True))


class Vocabulary:
    """The loaded vocabularies, with lookups the model and the templates use."""

    def __init__(self, data: VocabularyFile) -> None:
        self.file = data
        self.sections = tuple(section.title for section in data.sections)
        """The section headings, in order."""
        self.prompts = {section.title: section.prompt for section in data.sections}
        """Section heading -> what to write under it."""
        self.regions = data.regions
        self._terms: dict[str, dict[str, str]] = {}
        self._names: dict[str, Names] = {}
        self.timeline = Timeline(data.regions)
        """The regions' eras: their membership at each time (:mod:`compendium.records.memberships`)."""
        # 'within' and 'contains' say the same thing from either side; keep both directions.
        self._parents: dict[str, dict[str, None]] = {region: {} for region in data.regions}
        self._children: dict[str, dict[str, None]] = {region: {} for region in data.regions}
        for region, entry in data.regions.items():
            for parent in entry.within:
                self._parents[region].setdefault(parent)
                self._children[parent].setdefault(region)
            for child in entry.contains:
                self._parents[child].setdefault(region)
                self._children[region].setdefault(child)

    def terms(self, name: str) -> Mapping[str, str]:
        """``{id: label}`` of vocabulary ``name``."""
        if name not in self._terms:  # asked for on every label a page shows: build each once
            if name == COUNTIES:  # the counties among the regions, where a record asks for a county
                self._terms[name] = {
                    key: entry.label for key, entry in self.regions.items() if entry.system == COUNTY_SYSTEM
                }
                return self._terms[name]
            value: Mapping[str, Entry | Region] = getattr(self.file, name)
            self._terms[name] = {key: entry.label for key, entry in value.items()}
        return self._terms[name]

    def names(self, name: str) -> Names:
        """Every name of vocabulary ``name``'s terms: ids, labels and, for regions, their aliases."""
        if name not in self._names:
            aliases = {key: entry.aliases for key, entry in self.regions.items()}
            self._names[name] = Names(self.terms(name), aliases if name in ("regions", COUNTIES) else None)
        return self._names[name]

    def label(self, name: str, term: str) -> str:
        return self.terms(name).get(term, term)

    def entry(self, name: str, term: str) -> Entry | Region:
        entries: Mapping[str, Entry | Region] = getattr(self.file, name)
        return entries[term]

    def region_ancestors(self, region: str) -> list[str]:
        """The regions ``region`` lies in, transitively, nearest first (cycles are refused at load)."""
        return [other for other in self._reachable(region, self._parents) if other != region]

    def region_descendants(self, region: str) -> list[str]:
        """The regions lying in ``region``, transitively, nearest first."""
        return [other for other in self._reachable(region, self._children) if other != region]

    def region_parents(self, region: str) -> list[str]:
        """The regions ``region`` lies directly in, from its 'within' and others' 'contains'."""
        return list(self._parents.get(region, ()))

    def region_children(self, region: str) -> list[str]:
        """The regions lying directly in ``region``."""
        return list(self._children.get(region, ()))

    def regions_with_ancestors(self, regions: Iterable[str]) -> list[str]:
        """``regions`` and every region they lie in, each once."""
        out: dict[str, None] = {}
        for region in regions:
            out.setdefault(region)
            out.update(dict.fromkeys(self.region_ancestors(region)))
        return list(out)

    def regions_nested(self, regions: Iterable[str]) -> list[str]:
        """``regions``, every region they lie in and every region lying in them, each once: a practice
        filed under a county is found from its RPU, and one filed under the RPU from the county."""
        out = dict.fromkeys(self.regions_with_ancestors(regions))
        for region in regions:
            out.update(dict.fromkeys(self.region_descendants(region)))
        return list(out)

    def regions_in_order(self) -> list[str]:
        """Every region, each followed by the regions lying in it (depth first, in the vocabulary's
        order): the order of a volume's sections, so related regions sit together."""
        out: dict[str, None] = {}
        for root in [r for r in self.regions if not self._parents[r]] + list(self.regions):
            stack = [root]  # a stack, not recursion: a vocabulary may nest deeply
            while stack:
                region = stack.pop()
                if region not in out:
                    out[region] = None
                    stack.extend(reversed(self._children[region]))
        return list(out)

    def outside_california(self, regions: Iterable[str]) -> list[str]:
        """The states outside California that ``regions`` lie in (empty for a Californian practice)."""
        states: dict[str, None] = {}
        for region in regions:
            if isinstance(region, PendingRegion) and region.state:  # a new region outside California
                states.setdefault(region.state)
            entry = self.regions.get(region)
            if entry is not None and entry.outside_california and entry.state:
                states.setdefault(entry.state)
        return list(states)

    def _reachable(self, region: str, edges: Mapping[str, Iterable[str]]) -> list[str]:
        """Every region reached from ``region`` along ``edges``, nearest first; ``region`` itself
        only if the edges lead back to it. The one walk of the hierarchy."""
        out: dict[str, None] = {}
        todo = deque(edges.get(region, ()))
        while todo:
            other = todo.popleft()
            if other not in out:
                out[other] = None
                todo.extend(edges.get(other, ()))
        return list(out)


OVERLAP_CHECKED = (
    "partner_types",
    "partner_roles",
    "focus",
    "populations",
    "sectors",
    "funding_streams",
    "phases",
)
"""Vocabularies whose terms must each have a label of their own: two terms read the same would split
the practices of one meaning between them."""
TERMS_WITH_PAGES = ("regions", "focus", "populations")
"""Vocabularies whose terms each have a page of the site, at ``<folder>/<id>/``."""
RESERVED_TERM_IDS = {
    "index": "the page that lists all the terms of its kind (regions/, topics/, populations/)"
}
"""Ids a term with a page cannot take, with why: the site gives their address to a page of its own."""


def load_vocabulary(path: Path, display: str, problems: list[Problem]) -> Vocabulary | None:
    """Load and check the vocabulary file; report problems and return None when it is unusable."""
    try:
        document = load_yaml(path, display)
    except LoadError as exc:
        problems.extend(exc.problems)
        return None
    raw = document.data

    def terms(name: str) -> Mapping[str, str]:
        # Vocabulary terms may refer to other vocabularies (a region's system);
        # read the ids straight from the raw file so the order of checks does not matter.
        value = raw.get(name)
        return {str(k): str(k) for k in value} if isinstance(value, dict) else {}

    ctx = Context(document, display, problems, terms)
    try:
        data = Struct(VocabularyFile).validate(raw, (), ctx)
    except Reported:
        return None
    if data.groups:  # an older vocabulary: its groups are populations now
        extra = {term: entry for term, entry in data.groups.items() if term not in data.populations}
        data = dataclasses.replace(data, populations={**data.populations, **extra}, groups={})
    vocabulary = Vocabulary(data)
    usable = True
    for name in OVERLAP_CHECKED:
        seen: dict[str, str] = {}
        for term, entry in getattr(data, name).items():
            labelled = seen.setdefault(entry.label.casefold(), term)
            if labelled != term:
                ctx.report(
                    (name, term, "label"),
                    f"{name}.{term}: the label '{entry.label}' is already the label of '{labelled}'; "
                    "two terms of one list must not mean the same thing",
                )
                usable = False
    for region_id in data.regions:
        if region_id in vocabulary._reachable(region_id, vocabulary._parents):
            ctx.report(
                ("regions", region_id, "within"),
                f"region '{region_id}' ends up inside itself through 'within' and 'contains'",
            )
            usable = False
    timeline = vocabulary.timeline
    for region_id, first, second in timeline.overlapping():
        ctx.report(
            ("regions", region_id, "memberships", second, "period"),
            f"regions.{region_id}.memberships[{second + 1}]: its period overlaps that of memberships[{first + 1}]; "
            "a region has one membership at a time",
        )
        usable = False
    for region_id, era in timeline.cycles():
        index = era.chosen.get(region_id)
        where: tuple[str | int, ...] = (
            "regions",
            region_id,
            *(("memberships", index) if index is not None else ("within",)),
        )
        ctx.report(
            where,
            f"region '{region_id}' ends up inside itself through 'within' and 'contains' in the memberships "
            "dated for the same period",
        )
        usable = False
    for region_id, region in data.regions.items():
        if region.fips is not None and not re.fullmatch(r"\d{5}", region.fips):
            ctx.report(
                ("regions", region_id, "fips"),
                f"regions.{region_id}.fips: expected five digits in quotes, such as '06037', "
                f"received '{region.fips}'",
            )
            usable = False
    for name in TERMS_WITH_PAGES:
        for term in getattr(data, name):
            if term in RESERVED_TERM_IDS:
                ctx.report(
                    (name, term),
                    f"{name}.{term}: the id '{term}' is taken by {RESERVED_TERM_IDS[term]}; choose another id",
                )
                usable = False
    titles: dict[str, int] = {}
    for index, section in enumerate(data.sections):
        if titles.setdefault(section.title, index) != index:
            ctx.report(
                ("sections", index, "title"),
                f"sections[{index + 1}] repeats the section '{section.title}'; list each section once",
            )
            usable = False
    for name, meanings in REQUIRED_TERMS.items():
        for term, meaning in meanings.items():
            if term not in getattr(data, name):
                ctx.report(
                    (name,),
                    f"{name} must keep the id '{term}', which Compendium gives a meaning: {meaning} "
                    "(relabel it if you like, but keep the id)",
                )
                usable = False
    return vocabulary if usable else None
