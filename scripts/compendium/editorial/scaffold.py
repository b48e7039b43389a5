"""Writing a new, valid skeleton record (``compendium new``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import frontmatter

from compendium.records.loader import StrictYAMLHandler
from compendium.records.vocabulary import LEAD, SELF_REPORTED, SUBMITTED, Vocabulary


@dataclass
class NewPractice:
    """What ``compendium new`` asks for: enough for a record that validates."""

    title: str
    summary: str
    regions: list[str]
    focus: list[str]
    lead: str
    lead_type: str
    contact: str
    populations: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)


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
