"""What changed in a record since a volume published it: a line diff (``difflib``), words marked within
a changed line, as data a template writes (and so escapes) like any other value.

A record's paragraphs are long lines, so a one-word correction would otherwise show as a whole
paragraph removed and another added: where a run of lines was replaced by as many lines, each pair
is compared word by word and only the words that differ are marked.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

CONTEXT = 2
"""Unchanged lines shown around each change."""
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    """A run of a line's text, marked if it is what changed."""

    text: str
    changed: bool


@dataclass(frozen=True)
class Line:
    """One line of a change: kept, removed (from the published text) or added (in the living one)."""

    kind: Literal["kept", "removed", "added"]
    old: int | None
    """Its number in the published text (None for an added line)."""
    new: int | None
    """Its number in the living text (None for a removed line)."""
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class Hunk:
    """One place where the texts differ, with a little unchanged text around it."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    lines: tuple[Line, ...]

    @property
    def removed(self) -> int:
        return sum(line.kind == "removed" for line in self.lines)

    @property
    def added(self) -> int:
        return sum(line.kind == "added" for line in self.lines)


def text_changes(published: str, living: str, context: int = CONTEXT) -> list[Hunk]:
    """The changes that make ``published`` into ``living``, line by line, in order."""
    old, new = published.splitlines(), living.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        lines: list[Line] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    Line("kept", i + 1, j + 1, (Piece(old[i], False),))
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                pairs = [_words(old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
                lines += [Line("removed", i1 + n + 1, None, before) for n, (before, _) in enumerate(pairs)]
                lines += [Line("added", None, j1 + n + 1, after) for n, (_, after) in enumerate(pairs)]
                continue
            lines += [Line("removed", i + 1, None, (Piece(old[i], True),)) for i in range(i1, i2)]
            lines += [Line("added", None, j + 1, (Piece(new[j], True),)) for j in range(j1, j2)]
        first, last = group[0], group[-1]
        hunks.append(Hunk(first[1] + 1, last[2], first[3] + 1, last[4], tuple(lines)))
    return hunks


def _words(before: str, after: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """Two versions of a line, each as pieces with the words that differ marked."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    removed: list[Piece] = []
    added: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            _append(removed, "".join(old[i1:i2]), not same)
        if j2 > j1:
            _append(added, "".join(new[j1:j2]), not same)
    return tuple(removed), tuple(added)


def _append(pieces: list[Piece], text: str, changed: bool) -> None:
    """Add a run, joined to the last one when both are marked alike (fewer, longer marks)."""
    if pieces and pieces[-1].changed == changed:
        pieces[-1] = Piece(pieces[-1].text + text, changed)
    else:
        pieces.append(Piece(text, changed))
