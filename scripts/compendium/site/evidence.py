"""The evidence scale as readers meet it: the key page, the badges on cards, the finder's sort.

The scale is the vocabulary's (``evidence_levels``, weakest first), so editors may relabel, add or
reorder levels; the badge's colour comes from a level's place on the scale, never from its id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from compendium.records.practice import Practice
from compendium.records.vocabulary import EVIDENCED_LEVELS, Entry, EvidenceLevel, Vocabulary

EVIDENCE_PAGE = "evidence.md"
"""The evidence key: what each level and basis means."""

STEPS = 3
"""The badge's colour steps (``cmp-badge--s1`` … ``--s3``), lightest for the least evidence."""


def strengths(vocabulary: Vocabulary) -> dict[str, int]:
    """Each level's colour step, spread over :data:`STEPS` by its place on the scale (weakest first):
    with three levels, one step each; the first level always the lightest, the last the darkest."""
    levels = list(vocabulary.terms("evidence_levels"))
    last = len(levels) - 1
    return {level: 1 + (round((STEPS - 1) * i / last) if last else 0) for i, level in enumerate(levels)}


def sort_key(vocabulary: Vocabulary, practice: Practice) -> str:
    """The finder's "strongest evidence first" key: the level's place on the scale, then the date the
    practice was added, so that within a level the newest come first. Text, compared as text."""
    rank = list(vocabulary.terms("evidence_levels")).index(practice.evidence.level)
    return f"{rank:03d}-{practice.submitted.isoformat()}"


@dataclass(frozen=True)
class Level:
    """A level as the key page shows it."""

    id: str
    entry: EvidenceLevel
    strength: int
    needs_result: bool
    """Whether validation refuses the level without a dated result of the practice itself."""
    count: int


@dataclass(frozen=True)
class Basis:
    """A basis as the key page shows it."""

    id: str
    entry: Entry
    count: int


def key(vocabulary: Vocabulary, practices: Iterable[Practice]) -> tuple[list[Level], list[Basis]]:
    """The levels and bases, in the vocabulary's order, each with how many ``practices`` it holds."""
    listed = list(practices)
    levels = Counter(p.evidence.level for p in listed)
    bases = Counter(p.evidence.basis for p in listed)
    steps = strengths(vocabulary)
    return (
        [
            Level(level, entry, steps[level], level in EVIDENCED_LEVELS, levels[level])
            for level, entry in vocabulary.file.evidence_levels.items()
        ],
        [Basis(basis, entry, bases[basis]) for basis, entry in vocabulary.file.evidence_bases.items()],
    )
