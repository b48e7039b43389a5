"""The one Jinja2 set-up for everything Compendium writes from templates: site pages, the feed, the print edition.

Every value a template writes is made inert where it is written, whatever the
page around it is: the site's pages are Markdown with HTML blocks, so a value
escaped for HTML alone could still make a Markdown link in a heading
(``[Official login](https://…)``), or end a template's HTML block with a blank
line and have the rest read as Markdown. So :func:`inert` writes the characters
HTML *and* Markdown act on, and line breaks, as character references, which
both read as the characters themselves (as does the Atom feed's XML). Values a
template marks as markup (``Markup``: a card, a macro's output, ``tojson``)
were made by templates under the same rule and pass as they are. An undefined
name is an error, never an empty string.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import BaseLoader, BytecodeCache, Environment, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket
from markupsafe import Markup

from compendium.records.fields import Pending
from compendium.records.vocabulary import Vocabulary
from compendium.render import charts, facts, figures


class CompiledTemplates(BytecodeCache):
    """Templates compiled once a process, whichever environment loads them: every build makes its own
    environments (the vocabulary is bound into them), and a preview's rebuild spent a third of its time
    compiling the same templates again. Jinja finds a template by its name and checks it by its source's
    checksum, so a changed template is compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()
"""This process's compiled templates: the site's, the print edition's and the theme's."""


def environment(
    loader: BaseLoader, vocabulary: Vocabulary, *, keep_trailing_newline: bool = True
) -> Environment:
    """A Jinja2 environment reading templates from ``loader``, with the filters every template may use:
    ``term | label(vocabulary)``, ``amount | dollars(qualifier)`` and ``day | longdate``."""
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
        finalize=inert,
        bytecode_cache=COMPILED,
    )
    env.filters["label"] = lambda term, name: vocabulary.label(name, term)
    env.filters["dollars"] = figures.dollars
    env.filters["longdate"] = _longdate
    env.filters["quantity"] = figures.quantity
    env.filters["partial_date"] = figures.partial_date
    env.filters["period"] = figures.period
    env.globals["span"] = figures.span
    env.globals["vocab"] = vocabulary
    env.globals["partner_groups"] = facts.partner_groups
    env.globals["outcome_tables"] = facts.outcome_tables
    env.globals["disputed"] = facts.disputed
    env.globals["bodies"] = facts.bodies
    env.globals["rule_figure"] = facts.rule_figure
    env.globals["charts"] = charts.charts
    env.filters["source_label"] = facts.source_label
    env.globals["regions_grouped"] = lambda children: facts.regions_grouped(vocabulary, children)
    env.globals["regions_by_system"] = lambda: facts.regions_by_system(vocabulary)
    # A term written in words for an editor to add has no page to link to yet.
    env.tests["pending"] = lambda term: isinstance(term, Pending)
    return env


_INERT = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        # Markdown's inline and line-start syntax: links and images, emphasis, code, headings,
        # tables, strikethrough, escapes; and line breaks, which could end an HTML block.
        **{char: f"&#{ord(char)};" for char in "\\`*_[]!#|~{}\n\r"},
    }
)


_AS_IS = (Markup, bool, int, float)
"""Values written as they are: markup a template made, and numbers (a tuple, made once: 400,000 calls a build)."""


def inert(value: Any) -> Any:
    """``value`` as text that HTML, Markdown and XML all read as exactly that text.

    Jinja2 calls this on every ``{{ expression }}`` before writing it; markup that templates made is
    left as it is. One pass over the text (``str.translate``): linear in its length."""
    if value is None or isinstance(value, _AS_IS):
        return value
    return Markup(str(value).translate(_INERT))


def _longdate(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"
