"""Record and editor text as HTML, read by the validator's own parser.

A practice's body and a volume's foreword come from outside the project. The
validator reads them with markdown-it-py (:mod:`compendium.records.body`), and
so does everything that shows them: the site and the print edition render the
same parse, so what validation read as text is text on the page. (The site's
Python-Markdown read ``<form/action=…>`` as HTML where markdown-it reads text,
and its link parsing took 662 s on 59,000 ``[``; markdown-it is linear.)

Raw HTML, which validation refuses, is written out as text; links between
records become the site's addresses; what comes out is sanitized with the
narrowest allow-list Markdown needs (:func:`compendium.render.sanitize.clean_text_html`).
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from markdown.extensions.toc import slugify
from markdown_it.token import Token

from compendium.records.body import body_parser
from compendium.render.sanitize import clean_text_html

Links = Callable[[str], str | None]
"""Turns a link as written in a record (``other-practice.md#results``) into the address to write, or
None to keep only its text."""


@dataclass(frozen=True)
class Heading:
    """A top-level heading of the text, as plain text: the page around it makes it a heading."""

    level: int
    text: str


Part = Heading | str
"""A heading, or the sanitized HTML between two headings."""


def _escape_html(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Any) -> str:
    # Validation refuses raw HTML; should any reach a page, it is shown, never run.
    return html.escape(tokens[index].content)


class TextRenderer:
    """The validator's Markdown parser, writing HTML for a reader."""

    def __init__(self) -> None:
        self._md = body_parser()
        for rule in ("html_block", "html_inline"):
            self._md.add_render_rule(rule, _escape_html)

    def parts(self, text: str, links: Links | None = None) -> list[Part]:
        """``text`` as its top-level headings and the HTML between them, in order."""
        tokens = self._md.parse(text)
        out: list[Part] = []
        start = 0
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "heading_open" and token.level == 0:
                if index > start:
                    out.append(self._html(tokens[start:index], links))
                inline = tokens[index + 1]
                out.append(Heading(int(token.tag[1]), plain_text(inline.children or [])))
                index += 3  # heading_open, inline, heading_close
                start = index
            else:
                index += 1
        if start < len(tokens):
            out.append(self._html(tokens[start:], links))
        return [part for part in out if part != ""]

    def html(self, text: str, links: Links | None = None, shift: int = 0) -> str:
        """``text`` as one piece of sanitized HTML, its headings ``shift`` levels down (h2 -> h3)."""
        tokens = self._md.parse(text)
        if shift:
            for token in tokens:
                if token.type in ("heading_open", "heading_close"):
                    token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
        return self._html(tokens, links)

    def _html(self, tokens: Sequence[Token], links: Links | None) -> str:
        if links is not None:
            for token in tokens:
                if token.children:
                    token.children = _resolve_links(token.children, links)
        rendered: str = self._md.renderer.render(list(tokens), self._md.options, {})
        return clean_text_html(rendered).strip()


def _resolve_links(children: list[Token], links: Links) -> list[Token]:
    kept: list[Token] = []
    unlinked = False  # inside a link whose address is dropped: its text stays, the link goes
    for child in children:
        if child.type == "link_open":
            address = links(str(child.attrGet("href") or ""))
            unlinked = address is None
            if address is not None:
                child.attrSet("href", address)
                kept.append(child)
        elif child.type == "link_close" and unlinked:
            unlinked = False
        else:
            kept.append(child)
    return kept


def plain_text(children: Sequence[Token]) -> str:
    """What an inline run says, without its markup (emphasis, code and links as their text)."""
    return "".join(
        child.content
        for child in children
        if child.type in ("text", "code_inline", "html_inline") or child.type == "softbreak"
    ).strip()


def site_links(page: str, relative: Callable[[str, str], str]) -> Links:
    """Links as the site writes them from the page at ``page``: another record's ``.md`` becomes its
    page's address, relative to this one; every other link stays as written."""

    def resolve(link: str) -> str:
        scheme, netloc, path, query, anchor = urlsplit(link)
        if scheme or netloc or not path.endswith(".md"):
            return link
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
        return urlunsplit(("", "", relative(page, target), query, anchor))

    return resolve


HEADING_SLUG = "compendium.render.markdown.heading_slug"
"""The Python name of :func:`heading_slug`, as a ``toc: slugify:`` setting gives it."""
HEADING_PREFIX = "section-"
"""Put before a heading's id that would take one the theme or the templates use (``__config``, ``cmp-…``)."""
_TEMPLATE_ID = re.compile(r''' id="([a-z][a-z0-9_-]*)"''')


def heading_slug(value: str, separator: str) -> str:
    """A heading's id, as Python-Markdown's table of contents makes it, never one the page already uses.

    Material's own elements have ids beginning ``__`` (its configuration script is ``__config``) and
    the site's templates use ``cmp-…`` and a few plain ids (``at-a-glance``): a record's heading that
    would take one of them gets :data:`HEADING_PREFIX` before it."""
    slug = slugify(value, separator)
    if not slug or not slug[0].isalnum() or slug.startswith("cmp-") or slug in _template_ids():
        return HEADING_PREFIX + slug.lstrip("_-")
    return slug


@functools.cache
def _template_ids() -> frozenset[str]:
    from importlib.resources import files

    ids: set[str] = set()
    for package in ("compendium.site", "compendium.plugin"):
        folder = files(package) / "templates"
        stack = [folder]
        while stack:
            for entry in stack.pop().iterdir():
                if entry.is_dir():
                    stack.append(entry)
                elif entry.name.endswith((".j2", ".html")):
                    ids.update(_TEMPLATE_ID.findall(entry.read_text(encoding="utf-8")))
    return frozenset(ids)
