"""Which practices are due for an editor's review (``compendium stale``).

A record says when an editor last confirmed it is current (``reviewed``); one
that never was counts from its last change. Retired practices are history and
are never due.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from compendium.catalog import Catalog
from compendium.record import Practice

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
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def stale_practices(catalog: Catalog, today: dt.date, months: int = DEFAULT_MONTHS) -> list[Due]:
    """Practices last reviewed before ``months`` months ago, oldest first."""
    cutoff = months_before(today, months)
    due = [
        Due(p, whole_months(p.last_reviewed, today))
        for p in catalog.practices.values()
        if p.status != "retired" and p.last_reviewed < cutoff
    ]
    return sorted(due, key=lambda d: (d.practice.last_reviewed, d.practice.title.casefold()))
