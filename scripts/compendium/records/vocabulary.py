"""The controlled vocabularies, read from ``practices/vocabulary.yml``.

Editors own that file: adding a region, a focus area or a funding stream is an
edit there, never in code. Every record's terms are checked against it, with a
"did you mean" for near misses.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from compendium.records.fields import Context, ListOf, MapOf, Reported, Struct, Term, Text, declare
from compendium.records.loader import LoadError, load_yaml
from compendium.records.problem import Problem

SUBMITTED = "submitted"
ACCEPTED = "accepted"
RETIRED = "retired"
LEAD = "lead"
SELF_REPORTED = "self-reported"

REQUIRED_TERMS: dict[str, dict[str, str]] = {
    "statuses": {
        SUBMITTED: "new records and contributions start as submitted",
        ACCEPTED: "a volume gathers the accepted practices",
        RETIRED: "a retired practice keeps its page, with a banner",
    },
    "partner_roles": {LEAD: "the lead partner is named as a practice's author in citations"},
    "evidence_bases": {SELF_REPORTED: "a new record's evidence starts as self-reported"},
}
"""Ids the software gives a meaning to, by vocabulary, with that meaning: editors may relabel them, never remove them."""


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A term: the label readers see and, optionally, what it means."""

    label: str = declare(Text("The term as readers see it.", required=True, max_length=120))
    description: str | None = declare(
        Text("What the term means, for contributors choosing it and readers filtering by it.", max_length=600)
    )


@dataclass(frozen=True, kw_only=True)
class Region:
    """A region in one of the state's regional systems, with an optional profile for its page."""

    label: str = declare(Text("The region's name as readers see it.", required=True, max_length=120))
    system: str = declare(
        Term(
            "The regional system the region belongs to (WIOA Regional Planning Unit, …).",
            "systems",
            required=True,
        )
    )
    within: tuple[str, ...] = declare(
        ListOf(
            Term("A region id.", "regions"),
            "Regions this one sits in, so its practices are found from them too.",
            unique=True,
        )
    )
    description: str | None = declare(
        Text("A short profile of the region for its page.", max_length=1200, multiline=True)
    )
    counties: tuple[str, ...] = declare(
        ListOf(Text("A county name."), "Counties the region covers.", unique=True)
    )
    members: tuple[str, ...] = declare(
        ListOf(
            Text("An organisation."),
            "Member organisations: boards, colleges, consortia, districts.",
            unique=True,
        )
    )
    sectors: tuple[str, ...] = declare(
        ListOf(Term("A sector id.", "sectors"), "The region's priority sectors.", unique=True)
    )


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
    evidence_levels: dict[str, Entry] = declare(
        MapOf(Struct(Entry), "The evidence scale, weakest first.", required=True)
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

    def terms(self, name: str) -> Mapping[str, str]:
        """``{id: label}`` of vocabulary ``name``."""
        if name not in self._terms:  # asked for on every label a page shows: build each once
            value: Mapping[str, Entry | Region] = getattr(self.file, name)
            self._terms[name] = {key: entry.label for key, entry in value.items()}
        return self._terms[name]

    def label(self, name: str, term: str) -> str:
        return self.terms(name).get(term, term)

    def entry(self, name: str, term: str) -> Entry | Region:
        entries: Mapping[str, Entry | Region] = getattr(self.file, name)
        return entries[term]

    def region_ancestors(self, region: str) -> list[str]:
        """The regions ``region`` sits in, transitively, nearest first (cycles are refused at load)."""
        return [other for other in self._reachable(region) if other != region]

    def regions_with_ancestors(self, regions: Iterable[str]) -> list[str]:
        """``regions`` and every region they sit in, each once, so a practice is found from any of them."""
        out: dict[str, None] = {}
        for region in regions:
            out.setdefault(region)
            out.update(dict.fromkeys(self.region_ancestors(region)))
        return list(out)

    def _reachable(self, region: str) -> list[str]:
        """Every region reached from ``region`` through ``within``, nearest first; ``region`` itself
        only if ``within`` leads back to it. The one walk of the hierarchy."""
        out: dict[str, None] = {}
        todo = deque(self.regions[region].within)
        while todo:
            parent = todo.popleft()
            if parent not in out:
                out[parent] = None
                todo.extend(self.regions[parent].within)
        return list(out)


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
    vocabulary = Vocabulary(data)
    usable = True
    for region_id in data.regions:
        if region_id in vocabulary._reachable(region_id):
            ctx.report(
                ("regions", region_id, "within"),
                f"region '{region_id}' ends up inside itself through 'within'",
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
