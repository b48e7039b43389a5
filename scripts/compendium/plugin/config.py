"""The ``compendium`` plugin's settings in ``mkdocs.yml``, one typed declaration each."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from compendium.parallel import DEFAULT_PROCESSES
from compendium.settings import DEFAULT_BRANCH, DRAFTS


class CompendiumConfig(base.Config):  # type: ignore[no-untyped-call]
    """``plugins: - compendium: {...}``."""

    root = c.Optional(c.Dir(exists=True))
    """The project folder holding ``practices/`` and ``volumes/``; default: the folder of ``mkdocs.yml``."""

    search = c.Type(bool, default=True)
    """Index the built site with Pagefind for the "Find a practice" page."""

    pdf = c.Type(bool, default=True)
    """Render each volume's print edition (PDF) beside its page; cached by content hash."""

    cache_dir = c.Optional(c.Type(str))
    """Where the build keeps its caches (cut fonts, rendered PDFs), relative to ``mkdocs.yml``'s folder;
    default: ``$COMPENDIUM_CACHE_DIR``, else ``$XDG_CACHE_HOME/compendium``, else ``~/.cache/compendium``.
    Never inside the project: a cache there is input a pull request controls, and is refused."""

    branch = c.Type(str, default=DEFAULT_BRANCH)
    """The branch "Suggest an update" links edit, under ``repo_url``."""

    drafts = c.Choice(DRAFTS, default=DRAFTS[0])
    """Draft volumes on the site: ``listed`` (the default) gives each its page and a PDF, both marked as a
    draft with the day it was printed; ``hidden`` leaves drafts out of every page, the finder, the open
    data and the PDFs, until they are published. The home page's "Latest volume" is always a published one."""

    concurrency = c.Type(int, default=DEFAULT_PROCESSES)
    """How many processes a build may use. 2 (the default with two cores or more): records are loaded
    and practice pages made on both cores, and the pages Pagefind indexes wait in memory (``/dev/shm``);
    1: all in this process, on disk. Never more than 2 are used. The second core pays where many
    records are read afresh: a first build of 1,000 practices took 11.6 s instead of 13.7 s, of
    10,000 83 s instead of 104 s, with the same peak memory."""
