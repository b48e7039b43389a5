"""Bringing records written for an earlier model up to date, in place (``compendium upgrade``).

When the model stops reading something the way it used to, the change comes with a step here, so that
records already written (in ``practices/`` and in contributors' forks) are carried over rather than
left to fail. Each step looks at a record as the strict loader read it and names the few characters
that must change; everything else (comments, order, quoting, line endings) is kept byte for byte, since
only those characters are replaced. A frozen text of a published volume is never upgraded: it keeps
the rules of its day.

Steps so far:

* ``convener-leads``: a convener used to count as a partnership's lead. Now only ``lead`` leads (a
  subregion's co-convener convenes), so a record whose only leading partner was a convener gets
  ``lead`` added to that partner's roles: what the record said before, said the new way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from compendium.records.loader import KeyPath, StrictYAMLHandler, load_record, parse_record
from compendium.records.vocabulary import CONVENER, LEAD


@dataclass(frozen=True)
class Edit:
    """Characters ``start`` to ``end`` of the front matter become ``text``; ``line`` (in the file) and
    ``what`` say why."""

    start: int
    end: int
    text: str
    line: int
    what: str


@dataclass(frozen=True)
class Upgrade:
    """One record brought up to date: its new text and what changed, line by line."""

    path: Path
    text: str
    changes: list[tuple[int, str]]


Step = Callable[[dict[str, Any], "_Front"], list[Edit]]


class _Front:
    """A record's front matter as text and as YAML nodes, with their places in it."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.text = text
        self.line_offset = line_offset
        """The file line of the front matter's first line, less one."""
        self.newline = "\r\n" if "\r\n" in text else "\n"
        # Only ever composed after the strict loader accepted the same text: no alias, tag or deep nesting.
        self.root: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)

    def node(self, keypath: KeyPath) -> yaml.Node | None:
        node: yaml.Node | None = self.root
        for part in keypath:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                node = next((value for key, value in node.value if key.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                return None
        return node

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + self.line_offset + 1

    def append(self, node: yaml.Node, item: str, what: str) -> Edit:
        """An edit adding ``item`` to the list ``node`` holds, written the way that list is written (a
        single value becomes a flow list)."""
        start, end = node.start_mark.index, node.end_mark.index
        if isinstance(node, yaml.ScalarNode):
            return Edit(start, end, f"[{self.text[start:end]}, {item}]", self.line(node), what)
        assert isinstance(node, yaml.SequenceNode)
        if node.flow_style:
            close = self.text.rindex("]", start, end)
            at = close
            while self.text[at - 1] in " \t":
                at -= 1
            return Edit(at, at, f", {item}" if node.value else item, self.line(node), what)
        first, last = node.value[0], node.value[-1]
        line_start = self.text.rfind("\n", 0, first.start_mark.index) + 1
        dash = self.text.rindex("-", line_start, first.start_mark.index)
        line_end = self.text.find("\n", last.end_mark.index)
        line_end = len(self.text.rstrip("\r\n")) if line_end == -1 else line_end
        if self.text[line_end - 1 : line_end] == "\r":
            line_end -= 1
        indent = " " * (dash - line_start)
        return Edit(line_end, line_end, f"{self.newline}{indent}- {item}", self.line(node), what)


def _roles(partner: object) -> list[str]:
    role = partner.get("role") if isinstance(partner, dict) else None
    if isinstance(role, str):
        return [role]
    return [r for r in role if isinstance(r, str)] if isinstance(role, list) else []


def convener_leads(data: dict[str, Any], front: _Front) -> list[Edit]:
    """A record led by its convener, as the model used to read it, says so with ``lead``."""
    partners = data.get("partners")
    if not isinstance(partners, list) or data.get("no_lead_named") is True:
        return []
    roles = [_roles(partner) for partner in partners]
    if any(LEAD in held for held in roles):
        return []
    edits = []
    for index, held in enumerate(roles):
        node = front.node(("partners", index, "role"))
        if CONVENER in held and isinstance(node, yaml.ScalarNode | yaml.SequenceNode):
            edits.append(
                front.append(
                    node,
                    LEAD,
                    f"partners[{index + 1}].role: adds {LEAD}, since a {CONVENER} no longer counts as the "
                    f"lead and the record had this {CONVENER} lead the practice",
                )
            )
    return edits


STEPS: tuple[tuple[str, Step], ...] = (("convener-leads", convener_leads),)
"""Every step, oldest first: each sees the record as the steps before it left it."""


def upgrade(path: Path, display: str) -> Upgrade:
    """``path`` brought up to date (its text unchanged if nothing needed to change).

    Raises :class:`compendium.records.loader.LoadError` for a file the strict loader refuses: nothing is
    upgraded that validation could not read, and each step's result is read again as strictly."""
    document = load_record(path, display)
    bom = "\ufeff" if path.read_bytes().startswith("\ufeff".encode()) else ""
    text = document.text
    changes: list[tuple[int, str]] = []
    for _, step in STEPS:
        head = text.splitlines(keepends=True)[0]
        front, _ = StrictYAMLHandler().split(text)
        edits = step(document.data, _Front(front, line_offset=1))
        if not edits:
            continue
        edited = front
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            edited = edited[: edit.start] + edit.text + edited[edit.end :]
        text = head + edited + text[len(head) + len(front) :]
        document = parse_record(text, path, display)
        changes += sorted((edit.line, edit.what) for edit in edits)
    return Upgrade(path, bom + text, changes)
