"""The settings several stages read, and the paths of the site's pages, in one place.

The MkDocs plugin, ``compendium materialize`` and the command line all take
their :class:`Settings` from here, so a setting such as ``site_url`` has one
way in (``mkdocs.yml``) and one meaning. Pages use directory URLs
(``practices/<slug>/``), MkDocs' default; the plugin refuses any other.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compendium.records.project import ISSUE_FORM_FILE
from compendium.records.volume import Volume

DEFAULT_SITE_NAME = "Compendium"
"""The site's name when ``mkdocs.yml`` gives none."""
DEFAULT_BRANCH = "main"
"""The branch "Suggest an update" links edit, when the plugin's ``branch`` is not set."""
DRAFTS = ("listed", "hidden")
"""What the site does with draft volumes (the plugin's ``drafts``): list them, marked, or leave them out."""


class SettingsError(Exception):
    """A setting in ``mkdocs.yml`` has a value Compendium cannot use; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """What the site needs from its configuration (``mkdocs.yml``)."""

    site_name: str
    site_url: str = ""
    """The public address, ending in ``/``; used for citations and the feed. Empty: relative only."""
    edit_base: str = ""
    """Where a record's source can be edited: ``<repo_url>/edit/<branch>/``. Empty: no edit links."""
    new_file_base: str = ""
    """Where GitHub creates a file by pull request: ``<repo_url>/new/<branch>/``. Empty: no such link."""
    proposal_url: str = ""
    """GitHub's "Propose a practice" issue form. Empty: not offered."""
    contributing_url: str = ""
    """The contributor's guide (``CONTRIBUTING.md``) on GitHub. Empty: not linked."""
    pdfs: dict[int, str] = field(default_factory=dict)
    """Volume number -> file name of its PDF beside the volume page, once printed."""
    cache: Path | None = None
    """The folder of the build's caches, outside the project (:func:`compendium.cache.cache_folder`); None: none."""
    drafts: str = DRAFTS[0]
    """``listed``: draft volumes have their pages and PDFs, marked as drafts; ``hidden``: the site leaves them out."""

    @classmethod
    def from_config(
        cls,
        site_name: str,
        site_url: str,
        repo_url: str,
        branch: str,
        pdfs: dict[int, str] | None = None,
        drafts: str = DRAFTS[0],
    ) -> Settings:
        """Settings from ``mkdocs.yml``'s values, as MkDocs has read them or :meth:`from_mkdocs_yml` does."""
        if site_url and not site_url.endswith("/"):
            site_url += "/"
        repo = repo_url.rstrip("/")
        return cls(
            site_name=site_name,
            site_url=site_url,
            edit_base=f"{repo}/edit/{branch}/" if repo else "",
            new_file_base=f"{repo}/new/{branch}/" if repo else "",
            proposal_url=f"{repo}/issues/new?template={ISSUE_FORM_FILE}" if repo else "",
            contributing_url=f"{repo}/blob/{branch}/CONTRIBUTING.md" if repo else "",
            pdfs=pdfs or {},
            drafts=drafts,
        )

    @classmethod
    def from_mkdocs_yml(cls, path: Path) -> Settings:
        """The settings ``mkdocs.yml`` gives (name, URLs, the plugin's branch), read without MkDocs."""
        data: dict[str, Any] = {}
        if path.is_file():
            loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_Lenient)
            data = loaded if isinstance(loaded, dict) else {}
        return cls.from_mkdocs_data(data)

    @classmethod
    def from_mkdocs_data(cls, data: dict[str, Any]) -> Settings:
        """The settings of ``mkdocs.yml`` already read (as ``compendium materialize`` reads it); a plugin
        setting Compendium cannot use is a :class:`SettingsError`, worded as MkDocs words it."""
        options: dict[str, Any] = next(
            (
                entry["compendium"]
                for entry in data.get("plugins") or []
                if isinstance(entry, dict) and isinstance(entry.get("compendium"), dict)
            ),
            {},
        )
        drafts = options.get("drafts", DRAFTS[0])
        if drafts not in DRAFTS:
            raise SettingsError(
                f"mkdocs.yml: plugins.compendium.drafts: expected one of {', '.join(map(repr, DRAFTS))}, "
                f"received {drafts!r}"
            )
        return cls.from_config(
            str(data.get("site_name") or DEFAULT_SITE_NAME),
            str(data.get("site_url") or ""),
            str(data.get("repo_url") or ""),
            str(options.get("branch") or DEFAULT_BRANCH),
            drafts=str(drafts),
        )

    def listed(self, volumes: dict[int, Volume]) -> dict[int, Volume]:
        """The volumes the site shows: every one, or with ``drafts: hidden`` the published ones only."""
        if self.drafts == "listed":
            return dict(volumes)
        return {number: volume for number, volume in volumes.items() if volume.is_published}


class _Lenient(yaml.SafeLoader):
    """Reads ``mkdocs.yml`` for a few plain settings, ignoring its ``!ENV``-style tags."""


_Lenient.add_multi_constructor("!", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:", lambda loader, suffix, node: None)


def practice_path(slug: str) -> str:
    """The generated page of practice ``slug``, relative to the site's docs folder."""
    return f"practices/{slug}.md"


def volume_path(volume: Volume) -> str:
    """The generated page of ``volume``."""
    return f"volumes/{volume.folder.name}/index.md"


def pdf_name(volume: Volume) -> str:
    """The file name of a volume's print edition: beside its page on the site, and ``compendium print``'s default."""
    return f"{volume.folder.name}.pdf"


def printing_pdf_name(volume: Volume, printing: int) -> str:
    """The file name of an earlier printing of a volume, beside its page (the last printing is :func:`pdf_name`)."""
    return f"{volume.folder.name}-printing-{printing}.pdf"


def frozen_path(volume: Volume, slug: str) -> str:
    """The generated page of practice ``slug`` as published volume ``volume`` holds it."""
    return f"volumes/{volume.folder.name}/practices/{slug}.md"


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
    # Rooted, so relpath need not ask the process for its working folder (48,000 calls a build).
    link = posixpath.relpath("/" + (target or "."), "/" + start)
    if (target == "" or target.endswith("/")) and not link.endswith("/"):
        link = "./" if link == "." else link + "/"
    return link
