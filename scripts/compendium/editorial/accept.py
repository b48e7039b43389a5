"""Accepting practices (``compendium accept``): status, review date and reviewer, set in each record's text.

The record is edited as text, not loaded and dumped again: only the value of
``status``, ``reviewed`` and ``reviewed_by`` changes (or a line is added for
one the record lacks, after the dates), so every comment, every other line and
the order of the fields stay as the contributor wrote them. Each edited text is
read back by the strict loader and checked against the record's declarations
before anything is written; then each file is replaced in one step, so a
stopped command leaves every record either as it was or accepted, and running
it again finishes the job.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from compendium.catalog import Catalog
from compendium.files import write_atomically
from compendium.records.fields import Context, Reported, describe, pending_terms, suggest
from compendium.records.loader import KeyPath, LoadError, Mark, parse_record
from compendium.records.practice import PRACTICE, Practice
from compendium.records.problem import Problem
from compendium.records.vocabulary import ACCEPTED

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,'()&/-]*[A-Za-z0-9.)]|[A-Za-z0-9]")
"""A value YAML reads as the same text when written without quotes (no ': ', ' #', leading indicators)."""


class AcceptError(Exception):
    """Nothing was accepted; ``problems`` says, for each practice, why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Accepted:
    """A practice accepted, as written."""

    practice: Practice
    """The record as it was before."""
    text: str
    """Its new text."""
    again: bool
    """Whether it was accepted already (a new review)."""


def accept_practices(
    catalog: Catalog, ids: list[str], day: dt.date, reviewer: str | None = None, today: dt.date | None = None
) -> list[Accepted]:
    """Set ``status: accepted``, ``reviewed: day`` and (if given) ``reviewed_by: reviewer`` in each record of
    ``ids`` and write them; all or none: any problem with any of them is an :class:`AcceptError`."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    edits: list[Accepted] = []
    for slug in dict.fromkeys(ids):
        practice = catalog.practices.get(slug)
        if practice is None:
            problems.append(
                Problem(
                    catalog.project.display(catalog.project.practices / f"{slug}.md"),
                    None,
                    None,
                    f"no practice has the id '{slug}'{suggest(slug, list(catalog.practices))}; ids are the "
                    "record's file name in practices/ without .md",
                )
            )
            continue
        edited = _accepted_text(catalog, practice, day, reviewer, today, problems)
        if edited is not None:
            edits.append(Accepted(practice, edited, practice.status == ACCEPTED))
    if problems:
        raise AcceptError(problems)
    for edit in edits:
        write_atomically(edit.practice.path, edit.text)
    return edits


def _accepted_text(
    catalog: Catalog,
    practice: Practice,
    day: dt.date,
    reviewer: str | None,
    today: dt.date,
    problems: list[Problem],
) -> str | None:
    """The record's text accepted, checked as validation would read it; None (and its problems) if it cannot be."""
    display = catalog.project.display(practice.path)
    before = len(problems)

    def refuse(message: str, keypath: KeyPath = ()) -> None:
        problems.append(catalog.problem_at(practice.path, keypath, message))

    if practice.is_retired:
        refuse(f"is retired ({practice.retired}); a retired practice is not accepted again", ("status",))
    for keypath, text in pending_terms(practice):
        refuse(
            f"{describe(keypath)}: '{text}' is not in the vocabulary yet; add it to practices/vocabulary.yml and "
            "write its id here before accepting the practice",
            keypath,
        )
    if day > today:
        refuse(f"the review date {day.isoformat()} is in the future; expected today or earlier")
    if day < practice.submitted:
        refuse(f"the review date {day.isoformat()} is before submitted ({practice.submitted.isoformat()})")
    if len(problems) > before:
        return None
    text = practice.path.read_text(encoding="utf-8")
    marks = catalog.marks.get(practice.path, {})
    values = {"status": ACCEPTED, "reviewed": day.isoformat()}
    if reviewer is not None:
        values["reviewed_by"] = reviewer.strip()
    try:
        edited = _set_fields(text, marks, values)
    except ValueError as exc:
        problems.append(Problem(display, None, None, str(exc)))
        return None
    # Read back as validation reads it: the same fields, with only these values changed.
    try:
        document = parse_record(edited, practice.path, display)
    except LoadError as exc:
        problems.extend(exc.problems)
        return None
    ctx = Context(document, display, problems, catalog.vocabulary.terms)
    try:
        PRACTICE.validate(
            document.data, (), ctx, slug=practice.slug, path=practice.path, body=document.body,
            body_line=document.body_line,
        )  # fmt: skip
    except Reported:
        return None
    original = parse_record(text, practice.path, display).data  # the file as read above, once
    expected = {**original, **values}
    if document.data != expected:
        problems.append(
            Problem(
                display, None, None,
                "could not set status and reviewed in this record's text without changing anything else; "
                f"write status: {ACCEPTED} and reviewed: {day.isoformat()} by hand",
            )
        )  # fmt: skip
        return None
    return edited


_FIELD = re.compile(
    r"(?P<key>[A-Za-z_]+:)(?P<space>[ \t]*)(?P<value>[^#\r\n]*?)(?P<rest>[ \t]+#.*|)(?P<end>\r?\n?)"
)


def _set_fields(text: str, marks: dict[KeyPath, Mark], values: dict[str, str]) -> str:
    """``text`` with each top-level field of ``values`` set: its value replaced on its own line (a comment
    after it kept), or a new line added after the last of the record's dates (the next field's order
    follows the declarations: reviewed after updated and submitted, reviewed_by after reviewed)."""
    lines = text.splitlines(keepends=True)
    added: list[str] = []
    anchor = max(
        (marks[(k,)].line for k in ("status", "submitted", "updated", "reviewed") if (k,) in marks), default=0
    )
    for key, value in values.items():
        written = value if _PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)
        mark = marks.get((key,))
        if mark is None:
            added.append(f"{key}: {written}\n")
            continue
        index = mark.line - 1
        line = lines[index]
        found = _FIELD.fullmatch(line[mark.column - 1 :])
        if found is None or found.group("key") != key + ":" or not found.group("value"):
            raise ValueError(
                f"line {mark.line}: '{key}:' has its value on another line; write it on the same line "
                f"({key}: {written}) and accept again"
            )
        lines[index] = (
            line[: mark.column - 1] + found.group("key") + (found.group("space") or " ") + written
            + found.group("rest") + found.group("end")
        )  # fmt: skip
    if added:
        if anchor == 0:
            raise ValueError("found no 'status:' in the front matter to place the review date after")
        if not lines[anchor - 1].endswith("\n"):
            lines[anchor - 1] += "\n"
        lines[anchor:anchor] = added
    return "".join(lines)
