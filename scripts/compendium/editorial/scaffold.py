"""Writing a new, valid skeleton record (``compendium new``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import frontmatter

from compendium.records.fields import NEW, unknown_term
from compendium.records.loader import StrictYAMLHandler
from compendium.records.places import CALIFORNIA, COUNTY_SYSTEM, US_STATES, nowhere
from compendium.records.vocabulary import LEAD, SELF_REPORTED, SUBMITTED, Vocabulary


@dataclass
class NewPractice:
    """What ``compendium new`` asks for: enough for a record that validates."""

    title: str
    summary: str
    regions: list[str | dict[str, object]]
    """Region ids, and new regions as written: ``{new: name, counties: [...]}``."""
    focus: list[str]
    lead: str
    lead_type: str
    contact: str
    populations: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)


def resolve(vocabulary: Vocabulary, name: str, text: str) -> tuple[str | None, str]:
    """The term of vocabulary ``name`` that ``text`` names, by its id, label, another name or an
    abbreviation ('Fresno Co.'), with a line to show the writer; or None and what is wrong."""
    known = vocabulary.terms(name)
    if text in known:
        return text, ""
    names = vocabulary.names(name)
    meant = names.exact(text)
    if meant is not None:
        return meant, f"'{text}' is {known[meant]} ({meant})"
    return None, f"'{text}': {unknown_term(text, name, known, open=False, names=names)}"


def new_region(vocabulary: Vocabulary, name: str, places: list[str]) -> tuple[dict[str, object], list[str]]:
    """A region the vocabulary lacks, as a record writes it, placed by ``places`` (counties and regions
    by id or name, or a US state outside California); with what is wrong, if anything."""
    problems: list[str] = []
    same = vocabulary.names("regions").same(name)
    if same is not None:
        label = vocabulary.label("regions", same)
        problems.append(f"'{name}' is {label} ({same}), which the list has already: give {same} instead")
    written: dict[str, list[str]] = {"counties": [], "within": []}
    state = None
    states = {s.casefold(): s for s in US_STATES if s != CALIFORNIA}
    for place in places:
        if place.strip().casefold() in states:
            state = states[place.strip().casefold()]
            continue
        region, said = resolve(vocabulary, "regions", place.strip())
        if region is None:
            problems.append(said)
            continue
        kind = "counties" if vocabulary.regions[region].system == COUNTY_SYSTEM else "within"
        if region not in written[kind]:
            written[kind].append(region)
    region_written: dict[str, object] = {NEW: name}
    region_written.update({key: ids for key, ids in written.items() if ids})
    if state:
        region_written["state"] = state
    if len(region_written) == 1 and not problems:
        problems.append(nowhere(name))
    return region_written, problems


def render_record(new: NewPractice, vocabulary: Vocabulary, today: dt.date) -> str:
    """The record's text: front matter in the documented field order, then the required sections."""
    metadata: dict[str, object] = {
        "title": new.title,
        "summary": new.summary,
        "regions": new.regions,
        "partners": [{"name": new.lead, "type": new.lead_type, "role": LEAD}],
        "focus": new.focus,
    }
    if new.populations:
        metadata["populations"] = new.populations
    if new.sectors:
        metadata["sectors"] = new.sectors
    metadata.update(
        {
            "evidence": {"level": next(iter(vocabulary.terms("evidence_levels"))), "basis": SELF_REPORTED},
            "status": SUBMITTED,
            "submitted": today,
            "contact": {"organisation": new.contact},
        }
    )
    body = "\n\n".join(f"## {title}\n\n{prompt}" for title, prompt in vocabulary.prompts.items())
    post = frontmatter.Post(body, handler=StrictYAMLHandler(), **metadata)
    return frontmatter.dumps(post, sort_keys=False, width=88) + "\n"
