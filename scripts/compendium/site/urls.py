"""The site's URLs: directory URLs (``practices/<slug>/``), MkDocs' default, and relative links between them."""

from __future__ import annotations

import posixpath


def url_of(path: str) -> str:
    """The site URL (relative to the root) of a page or asset path."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_path: str, to_path: str) -> str:
    """A relative link from page ``from_path`` to page or asset ``to_path``."""
    here = url_of(from_path)
    target = url_of(to_path)
    start = here.rstrip("/") or "."
    if here and not here.endswith("/"):
        start = posixpath.dirname(here) or "."
    link = posixpath.relpath(target or ".", start)
    if (target == "" or target.endswith("/")) and not link.endswith("/"):
        link = "./" if link == "." else link + "/"
    return link
