"""The ``compendium`` plugin's settings in ``mkdocs.yml``, one typed declaration each."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CompendiumConfig(base.Config):  # type: ignore[no-untyped-call]
    """``plugins: - compendium: {...}``."""

    root = c.Optional(c.Dir(exists=True))
    """The project folder holding ``practices/`` and ``volumes/``; default: the folder of ``mkdocs.yml``."""

    search = c.Type(bool, default=True)
    """Index the built site with Pagefind for the "Find a practice" page."""

    pdf = c.Type(bool, default=True)
    """Render each volume's print edition (PDF) beside its page; cached by content hash."""

    branch = c.Type(str, default="main")
    """The branch "Suggest an update" links edit, under ``repo_url``."""
