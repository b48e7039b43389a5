"""Figures and dates written the way a reader expects them, the same on the site, in print and in the CSV.

``$4,437 per participant``, ``325,000 meals``, ``about 90%``, ``2,000+ students``,
``120\N{EN DASH}150 people``; ``Aug 2021``, ``2021 to 2023``, ``since 2021``.
"""

from __future__ import annotations

import calendar
from typing import Protocol

from compendium.records.fields import ONGOING, UNKNOWN, Dollars, Period

_PERCENT = {"percent", "%", "per cent"}
_DOLLARS = {"dollars", "usd", "$", "us dollars"}


class Quantity(Protocol):
    """What a figure needs to be written: an outcome or a region's statistic."""

    @property
    def value(self) -> str: ...

    @property
    def unit(self) -> str | None: ...

    @property
    def qualifier(self) -> str: ...

    @property
    def up_to(self) -> str | None: ...

    @property
    def per(self) -> str | None: ...


def number(text: str) -> str:
    """``4437`` as ``4,437``; decimals kept as written (``12.50`` stays ``12.50``)."""
    whole, dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{fraction}"


def quantity(figure: Quantity) -> str:
    """The figure with its qualifier, range, unit and "per": ``about 90%``, ``$4,437 per participant``."""
    unit = (figure.unit or "").strip()
    kind = unit.lower()

    def one(text: str) -> str:
        if kind in _DOLLARS:
            return f"${number(text)}"
        if kind in _PERCENT:
            return f"{number(text)}%"
        return number(text)

    shown = one(figure.value)
    if figure.up_to is not None:
        shown = f"{shown}\u2013{one(figure.up_to)}"
    shown = qualified(shown, figure.qualifier)
    if unit and kind not in _DOLLARS | _PERCENT:
        shown += f" {unit}"
    if figure.per:
        shown += f" per {figure.per}"
    return shown


def qualified(shown: str, qualifier: str) -> str:
    """A figure already written, with how exact it is: ``2,000+``, ``about 90%``, ``more than 110``,
    ``up to 10``."""
    if qualifier == "at-least":
        return shown + "+"
    if qualifier == "about":
        return f"about {shown}"
    if qualifier == "more-than":
        return f"more than {shown}"
    if qualifier == "at-most":
        return f"up to {shown}"
    return shown


def dollars(amount: Dollars, qualifier: str = "exact") -> str:
    """An amount as its source gave it: ``$18.1 million``, ``up to $122,902``, ``$122,901.24``."""
    return qualified(str(amount), qualifier)


def partial_date(text: str) -> str:
    """``2021`` as ``2021``, ``2021-08`` as ``Aug 2021``, ``2021-08-15`` as ``Aug 15, 2021``; a date the
    sources do not give as ``date not known``."""
    if text == UNKNOWN:
        return "date not known"
    if text == ONGOING:
        return "ongoing"
    parts = text.split("-")
    if len(parts) == 1:
        return text
    month = calendar.month_abbr[int(parts[1])]
    return f"{month} {int(parts[2])}, {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def period(span: Period) -> str:
    """A period as a reader says it: ``2021 to 2023``, ``Sep 2022 to Jun 2025``, ``since 2021``, ``FY 2023\N{EN DASH}24``."""
    if span.fiscal:
        return str(span)
    if span.end is None:
        return f"since {partial_date(span.start)}"
    if span.end == span.start:
        return partial_date(span.start)
    return f"{partial_date(span.start)} to {partial_date(span.end)}"


def span(start: str | None, end: str | None) -> str:
    """When a phase ran: ``2021 to Dec 2021``, ``since Mar 2019, ongoing``, ``from Mar 2019; end not
    known``, ``until 2022; start not known`` or ``Not known``. An end the record does not give is not
    known: it never reads as running."""
    began = partial_date(start) if start is not None and start != UNKNOWN else None
    if end == ONGOING:
        return f"since {began}, ongoing" if began else "ongoing; start not known"
    ended = partial_date(end) if end is not None and end != UNKNOWN else None
    if began and ended:
        return f"{began} to {ended}"
    if began:
        return f"from {began}; end not known"
    return f"until {ended}; start not known" if ended else "Not known"


def when(as_of: str | None, span: Period | None) -> str:
    """When a figure applies, or ``undated`` when its source gives no date."""
    if as_of:
        return partial_date(as_of)
    if span:
        return period(span)
    return "undated"
