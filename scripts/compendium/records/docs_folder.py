"""The docs folder (``mkdocs.yml``'s ``docs_dir``): the site's own assets, never a page.

Every page of the site is generated from the records and the templates, and each
goes through the sanitizer and gets the security policy. A page put in the docs
folder would get neither: a ``notice.md`` there is Markdown whose raw HTML MkDocs
publishes as it is (a ``<script>`` in it ran on the public site), and a static
``.html``, ``.svg`` or ``.xml`` file is served as written, without the policy,
and runs its scripts when opened. So the folder holds stylesheets, scripts, fonts
and data, and validation and both builds refuse any file a browser or a site
generator would treat as a page, naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from compendium.records.problem import Problem
from compendium.records.project import Project

CONFIG_FILE = "mkdocs.yml"
DEFAULT_DOCS_DIR = "docs"
"""MkDocs' and Zensical's docs folder when ``mkdocs.yml`` names none."""
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkdn", ".mkd"})
"""What MkDocs and Zensical read as a page's Markdown."""
DOCUMENT_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl"})
"""What a browser opens as a document that can run script, or a generator publishes as a page."""


class _Lenient(yaml.SafeLoader):
    """Reads ``mkdocs.yml`` for its ``docs_dir``, ignoring its ``!ENV``-style tags."""


_Lenient.add_multi_constructor("!", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:", lambda loader, suffix, node: None)


def docs_folder(project: Project) -> Path:
    """The docs folder ``mkdocs.yml`` names, beside it; MkDocs' default when it names none."""
    config = project.root / CONFIG_FILE
    data: object = None
    if config.is_file() and not project.refusal(config):
        try:
            data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Lenient)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            data = None  # the build reports an unreadable mkdocs.yml itself
    docs = data.get("docs_dir") if isinstance(data, dict) else None
    return project.root / (docs if isinstance(docs, str) and docs else DEFAULT_DOCS_DIR)


def stray_pages(project: Project, paths: Iterable[Path]) -> list[Problem]:
    """A problem naming each of ``paths`` (files of the docs folder) that would be a page."""
    problems: list[Problem] = []
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in MARKDOWN_SUFFIXES:
            kind = "a Markdown page, which would be published with its raw HTML and scripts as they are"
        elif suffix in DOCUMENT_SUFFIXES:
            kind = f"a {suffix} document, which would be served without the site's security policy"
        else:
            continue
        problems.append(
            Problem(
                project.display(path),
                None,
                None,
                f"expected only the site's own assets (stylesheets, scripts, fonts, data) in the docs folder, "
                f"received {kind}; every page is generated from the records and the templates: remove this file",
            )
        )
    return problems


def check_docs_folder(project: Project) -> list[Problem]:
    """The docs folder's would-be pages (hidden files aside, as the generators leave them out)."""
    folder = docs_folder(project)
    if not folder.is_dir() or project.refusal(folder):
        return []
    paths = sorted(
        path
        for path in folder.rglob("*")
        if not any(part.startswith(".") for part in path.relative_to(folder).parts) and not path.is_dir()
    )
    return stray_pages(project, paths)
