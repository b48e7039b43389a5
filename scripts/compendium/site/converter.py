"""Converting generated pages to their final HTML ahead of the site generator, on both cores.

MkDocs converts each page's Markdown itself, one page after another, with a
new Python-Markdown instance per page; for a 1,000-practice site that was the
largest part of the build. The practice pages are generated here anyway, so
:class:`Converter` makes their HTML in the same pass (and so in the same two
processes, see :mod:`compendium.parallel`): Python-Markdown with the site's own
extensions and settings, one instance reused with ``reset()``, then the
sanitizer and the template's blocks put back, as for any generated page.

The site generator uses the result only while the page's Markdown is still
exactly what was converted (the generated document without its front matter,
:func:`split_front_matter`), and converts it itself otherwise.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit
from xml.etree import ElementTree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from compendium.render.sanitize import clean_html
from compendium.settings import relative

_BLOCK = re.compile(r"<p>(CMPBLOCK[0-9A-F]+)</p>")
_ID = re.compile(r"""\sid="([^"]+)\"""")


@dataclass(frozen=True)
class Html:
    """A page's final HTML, with what a site generator needs to know of it."""

    content: str
    """The page's HTML: sanitized, with the template's blocks in place."""
    toc: list[dict[str, Any]]
    """Python-Markdown's ``toc_tokens``: the headings, nested."""
    ids: frozenset[str]
    """Every ``id`` in ``content``, which links from other pages may name as ``#anchor``."""
    anchor_links: list[tuple[str, str, str]] = field(default_factory=list)
    """(page path, anchor, link as written) for each link to an anchor, on this page or another."""


def finish_html(html: str, blocks: Mapping[str, str]) -> str:
    """Converted Markdown as a reader gets it: sanitized (a record's text is among it), then each
    template-made block (escaped values only) put back where Markdown left its token paragraph."""
    return _BLOCK.sub(lambda m: blocks.get(m.group(1), m.group(0)), clean_html(html))


def split_front_matter(document: str) -> str:
    """The Markdown after a generated page's ``---`` front matter, as a site generator reads it."""
    if document.startswith("---\n"):
        end = document.find("\n---\n", 3)
        if end != -1:
            return document[end + len("\n---\n") :].lstrip("\n")
    return document


class _PageLinks(Treeprocessor):
    """Rewrites links between pages (``other-practice.md#x``) to the site's directory URLs."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.path = ""
        self.anchor_links: list[tuple[str, str, str]] = []

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            key = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            link = element.get(key) if key else None
            if not key or not link:
                continue
            scheme, netloc, path, query, anchor = urlsplit(link)
            if scheme or netloc:
                continue
            if not path:  # #anchor on this page
                if anchor:
                    self.anchor_links.append((self.path, anchor, link))
                continue
            if not path.endswith(".md"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), unquote(path)))
            element.set(key, urlunsplit(("", "", relative(self.path, target), query, anchor)))
            if anchor:
                self.anchor_links.append((target, anchor, link))


class Converter:
    """Python-Markdown set up as the site sets it up, turning pages into :class:`Html`."""

    def __init__(
        self, extensions: Sequence[str | Extension], configs: Mapping[str, Mapping[str, Any]]
    ) -> None:
        self._md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))
        self._links = _PageLinks(self._md)
        # Where MkDocs rewrites links: after the inline patterns have made the <a> elements.
        self._md.treeprocessors.register(self._links, "compendium_page_links", priority=0)

    def convert(self, path: str, document: str, blocks: Mapping[str, str]) -> Html:
        """The HTML of the generated page at ``path`` (``document`` with front matter, ``blocks`` as stashed)."""
        source = split_front_matter(document)
        self._md.reset()
        self._links.path = path
        self._links.anchor_links = []
        content = finish_html(self._md.convert(source), blocks)
        toc: list[dict[str, Any]] = getattr(self._md, "toc_tokens", [])
        return Html(content, toc, frozenset(_ID.findall(content)), self._links.anchor_links)
