"""Writing a new, valid skeleton record (``compendium new``)."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from compendium.records.loader import StrictYAMLHandler
from compendium.records.vocabulary import Vocabulary

SECTION_PROMPTS = {
    "Need": "What problem did the partners set out to solve, and for whom?",
    "What they did": "Who did what together: the structures, agreements and services.",
    "Results": "What changed. Give numbers only with their date and source (add them under outcomes).",
    "Lessons learned": "What would the partners tell a region starting out?",
    "How to replicate": "The steps another region would take.",
}


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


def section_prompt(title: str) -> str:
    """What to write under a section: shown by ``compendium new``, the Submit form and the issue form."""
    return SECTION_PROMPTS.get(title, "Describe this part of the practice.")


def slugify(title: str) -> str:
    """A file name from a title: lowercase words joined by hyphens, at most 60 characters."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return words[:60].rstrip("-") or "practice"


def render_record(new: NewPractice, vocabulary: Vocabulary, today: dt.date) -> str:
    """The record's text: front matter in the documented field order, then the required sections."""
    metadata: dict[str, object] = {
        "title": new.title,
        "summary": new.summary,
        "regions": new.regions,
        "partners": [{"name": new.lead, "type": new.lead_type, "role": "lead"}],
        "focus": new.focus,
    }
    if new.populations:
        metadata["populations"] = new.populations
    if new.sectors:
        metadata["sectors"] = new.sectors
    metadata.update(
        {
            "evidence": {"level": next(iter(vocabulary.terms("evidence_levels"))), "basis": "self-reported"},
            "status": "submitted",
            "submitted": today,
            "contact": {"organisation": new.contact},
        }
    )
    body = "\n\n".join(f"## {title}\n\n{section_prompt(title)}" for title in vocabulary.sections)
    post = frontmatter.Post(body, handler=StrictYAMLHandler(), **metadata)
    return frontmatter.dumps(post, sort_keys=False, width=88) + "\n"


def write_new_file(path: Path, text: str) -> None:
    """Create ``path`` with ``text`` atomically; never overwrite an existing record."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".new-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes files private; a record is for everyone
        os.link(temp, path)  # fails if path exists, so a record is never clobbered
    finally:
        os.unlink(temp)
