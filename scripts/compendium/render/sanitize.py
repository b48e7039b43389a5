"""Sanitizing rendered HTML with nh3, so nothing from a record can run in a reader's browser.

Validation already refuses raw HTML, event handlers and script URLs in records;
this is the second wall, applied to the rendered HTML of every generated page,
so that even a record that bypassed validation cannot reach a reader with a
script, an event handler, a ``javascript:`` URL or an iframe.
"""

from __future__ import annotations

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) | {
    "a", "abbr", "article", "aside", "button", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "input",
    "label", "legend", "li", "nav", "ol", "option", "output", "p", "section", "select", "small", "span", "summary",
    "table", "tbody", "td", "th", "thead", "time", "tr", "ul",
}  # fmt: skip
_GLOBAL = {
    "class", "id", "title", "lang", "dir", "hidden", "role", "tabindex",
    "aria-label", "aria-labelledby", "aria-describedby", "aria-live", "aria-hidden", "aria-current",
    "aria-controls", "aria-expanded", "aria-atomic", "aria-busy",
    "data-pagefind-body", "data-pagefind-ignore", "data-pagefind-filter", "data-pagefind-meta",
    "data-pagefind-sort", "data-facet", "data-value", "data-count",
}  # fmt: skip
_ATTRIBUTES: dict[str, set[str]] = {
    "*": _GLOBAL,
    "a": {"href", "hreflang", "type", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "time": {"datetime"},
    "form": {"action", "method"},
    "input": {
        "type",
        "name",
        "value",
        "placeholder",
        "autocomplete",
        "inputmode",
        "enterkeyhint",
        "spellcheck",
    },
    "select": {"name", "multiple"},
    "option": {"value", "selected"},
    "label": {"for"},
    "button": {"type", "name", "value"},
    "ol": {"start", "reversed"},
    "output": {"for"},
    "details": {"open"},
}


def clean_html(html: str) -> str:
    """``html`` with only the tags, attributes and URL schemes a reader's page needs."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
