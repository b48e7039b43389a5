"""The one Jinja2 set-up for everything Compendium writes from templates: site pages, the feed, the print edition.

Autoescaping is on for every template, so a value is escaped where a template
writes it; an undefined name is an error, never an empty string.
"""

from __future__ import annotations

import datetime as dt

from jinja2 import BaseLoader, Environment, StrictUndefined, select_autoescape

from compendium.records.fields import Pending
from compendium.records.vocabulary import Vocabulary
from compendium.render import charts, facts, figures


def environment(
    loader: BaseLoader, vocabulary: Vocabulary, *, keep_trailing_newline: bool = True
) -> Environment:
    """A Jinja2 environment reading templates from ``loader``, with the filters every template may use:
    ``term | label(vocabulary)``, ``amount | dollars`` and ``day | longdate``."""
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
    env.filters["label"] = lambda term, name: vocabulary.label(name, term)
    env.filters["dollars"] = _dollars
    env.filters["longdate"] = _longdate
    env.filters["quantity"] = figures.quantity
    env.filters["partial_date"] = figures.partial_date
    env.filters["period"] = figures.period
    env.globals["span"] = figures.span
    env.globals["vocab"] = vocabulary
    env.globals["partner_groups"] = facts.partner_groups
    env.globals["outcome_tables"] = facts.outcome_tables
    env.globals["charts"] = charts.charts
    env.filters["source_label"] = facts.source_label
    env.globals["regions_grouped"] = lambda children: facts.regions_grouped(vocabulary, children)
    env.globals["regions_by_system"] = lambda: facts.regions_by_system(vocabulary)
    # A term written in words for an editor to add has no page to link to yet.
    env.tests["pending"] = lambda term: isinstance(term, Pending)
    return env


def _dollars(amount: int) -> str:
    return f"${amount:,}"


def _longdate(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"
