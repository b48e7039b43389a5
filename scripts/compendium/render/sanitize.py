"""Sanitizing rendered HTML with nh3: the second wall, after validation, between a record and a reader.

Validation refuses raw HTML, event handlers and script addresses in records.
Whatever is rendered from Markdown is still cleaned with the narrowest
allow-list that Markdown's own output needs: no form controls, no scripts or
frames, no ``style``, and only http(s), mailto and relative addresses.

* :func:`clean_text_html` takes a record's (or an editor's) text, which gets no
  ``id``, ``class`` or ``style`` at all;
* :func:`clean_html` takes a generated page's own Markdown once converted, whose
  headings keep the ids and permalinks the table of contents gives them.

The templates' own HTML blocks (forms, cards, the finder) are set aside before
conversion and never come through here: they hold escaped values only.
"""

from __future__ import annotations

import nh3

_MARKDOWN_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
"""What Markdown (CommonMark with tables) writes."""
_TEXT_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_PAGE_ATTRIBUTES: dict[str, set[str]] = {**_TEXT_ATTRIBUTES, **{tag: {"id"} for tag in _HEADINGS}}
_SCHEMES = {"http", "https", "mailto"}


def clean_text_html(html: str) -> str:
    """Rendered record or editor text with only what Markdown writes: no ids, classes or styles."""
    return nh3.clean(
        html,
        tags=_MARKDOWN_TAGS,
        attributes=_TEXT_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def clean_html(html: str) -> str:
    """A generated page's converted Markdown: the same, and its headings' ids and permalinks."""
    return nh3.clean(
        html,
        tags=_MARKDOWN_TAGS,
        attributes=_PAGE_ATTRIBUTES,
        allowed_classes={"a": {"headerlink"}},
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
