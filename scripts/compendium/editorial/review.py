"""Which practices are due for an editor's review (``compendium stale``).

A record says when an editor last confirmed it is current (``reviewed``); one
that never was counts from its last change. Retired practices are history and
are never due.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from compendium.catalog import Catalog
from compendium.records.practice import Practice

DEFAULT_MONTHS = 18
"""How long a practice may go unreviewed before it is listed."""


@dataclass(frozen=True)
class Due:
    """A practice due for review, and for how many whole months it has waited."""

    practice: Practice
    months: int


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def whole_months(start: dt.date, end: dt.date) -> int:
    """How many whole calendar months lie between ``start`` and ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def stale_practices(catalog: Catalog, today: dt.date, months: int = DEFAULT_MONTHS) -> list[Due]:
    """Practices last reviewed before ``months`` months ago, oldest first."""
    cutoff = months_before(today, months)
    due = [
        Due(p, whole_months(p.last_reviewed, today))
        for p in catalog.practices.values()
        if not p.is_retired and p.last_reviewed < cutoff
    ]
    return sorted(due, key=lambda d: (d.practice.last_reviewed, d.practice.title.casefold()))


_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()<>#!|@~])")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that GitHub shows as written: no link, image, HTML, table cell end or
    @mention made from a record's words (the weekly upkeep issue carries them)."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", " ".join(text.split()))


def stale_report(
    due: list[Due], today: dt.date, months: int, fmt: str, display: Callable[[Path], str]
) -> str:
    """The list as ``text`` (one line each), ``markdown`` (a table for an issue) or ``json``."""
    rows = [
        {
            "path": display(d.practice.path),
            "title": d.practice.title,
            "last_reviewed": d.practice.last_reviewed.isoformat(),
            "months": d.months,
            "contact": d.practice.contact.organisation,
        }
        for d in due
    ]
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    summary = f"{len(rows)} practice(s) not reviewed in {months} months, as of {today.isoformat()}"
    if fmt == "markdown":
        if not rows:
            return summary + ".\n"
        lines = [
            summary + ":",
            "",
            "| Practice | Last reviewed | Months | Contact |",
            "| --- | --- | --- | --- |",
        ]
        for d, row in zip(due, rows, strict=True):
            cells = [
                f"{markdown_text(d.practice.title)} (`{row['path']}`)",  # paths are practice ids: safe in code
                str(row["last_reviewed"]),
                str(d.months),
                markdown_text(d.practice.contact.organisation),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"
    lines = [
        f"{r['last_reviewed']}  {r['months']:>3} months  {r['path']}  {r['title']}  ({r['contact']})"
        for r in rows
    ]
    return "\n".join([*lines, summary + "."]) + "\n"
