"""A preview's output between rebuilds: what a rebuild would write unchanged stays where it is.

``mkdocs serve`` empties its site folder before each rebuild, and MkDocs then writes every file
again: at 1,000 practices, 4,600 files (84 MB) after each save, 0.4-1.8 s of a 1.7-2.8 s rebuild on
this machine; leaving them in place, the rebuild took 1.0-1.3 s (README, "Where a build's time goes").

Before MkDocs empties the folder, the last rebuild's output is moved into a dot-folder, which MkDocs'
cleaning spares; each file the plugin makes whose content is what the last rebuild wrote is moved
back, and its :class:`SiteFile` tells MkDocs not to copy it. What is not taken back is deleted.

A file is taken back only if the last *finished* rebuild wrote exactly the same text there: a rebuild
that fails leaves nothing to take back, and the next writes every file.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.plugins.compendium")

ASIDE = ".compendium-previous"
"""Where the last rebuild's output waits while the next is made: a dot-folder, which MkDocs' cleaning
spares and a site never has of its own (MkDocs publishes no dot-file from the docs folder)."""


class SiteFile(File):
    """A file the plugin makes, which a preview's rebuild may find already in its place."""

    in_place = False
    """True once the file is where MkDocs would write it, holding what MkDocs would write: MkDocs leaves
    it there (:meth:`PreviewOutput.keep`)."""

    @classmethod
    def made(cls, config: MkDocsConfig, src_uri: str, content: str | bytes) -> SiteFile:
        """The file at ``src_uri`` with ``content`` (MkDocs' ``File.generated``, typed as this class)."""
        file = cls.generated(config, src_uri, content=content)
        assert isinstance(file, SiteFile)
        return file

    def copy_file(self, dirty: bool = False) -> None:
        if not self.in_place:
            super().copy_file(dirty)


class PreviewOutput:
    """The files a preview's rebuilds wrote, and the moving aside and back between two of them."""

    def __init__(self) -> None:
        self.written: dict[str, str | bytes] = {}
        """What the last finished rebuild wrote from the plugin's content, by destination. The plugin
        holds the same texts for the next rebuild (its kept work), so this costs no memory of its own."""
        self.writing: dict[str, str | bytes] = {}
        """The same for the rebuild under way; it becomes :attr:`written` when the rebuild finishes."""
        self.aside: str | None = None
        """The folder holding the last rebuild's output during a rebuild, or None."""
        self.kept = 0
        """How many files this rebuild left in place."""
        self.removing: threading.Thread | None = None
        """Deleting what the last rebuild did not take back (:meth:`remove_aside`)."""

    def set_aside(self, site: Path) -> None:
        """Before MkDocs empties ``site``: move the last finished rebuild's output aside, to be taken
        back file by file (:meth:`keep`). Nothing is moved after a rebuild that failed."""
        previous, self.written, self.writing, self.kept = self.written, {}, {}, 0
        self.aside = None
        if not previous or not site.is_dir():
            return
        aside = site / ASIDE
        for left in site.glob(f"{ASIDE}*"):  # by a rebuild that was stopped, or still being deleted
            shutil.rmtree(left, ignore_errors=True)
        try:
            aside.mkdir()
            for entry in os.scandir(site):
                if not entry.name.startswith("."):
                    os.rename(entry.path, aside / entry.name)
        except OSError as exc:
            # MkDocs empties what was not moved, and writes every file again.
            log.debug(f"Preview: the last rebuild's files stay where they were ({exc})")
            return
        self.aside, self.written = str(aside), previous

    def keep(self, contents: Iterable[tuple[SiteFile, str | bytes]]) -> None:
        """Of the plugin's files with their final content, put each that the last rebuild wrote with the
        same content back in place, for MkDocs to leave there; record each."""
        previous, self.written = self.written, {}
        made: set[str] = set()
        for file, content in contents:
            self.writing[file.dest_uri] = content
            last = previous.get(file.dest_uri)
            # The same object, mostly (the plugin's kept work); else equal texts, compared in C.
            if self.aside is None or last is None or not (last is content or last == content):
                continue
            target = file.abs_dest_path
            parent = os.path.dirname(target)
            try:
                if parent not in made:
                    os.makedirs(parent, exist_ok=True)
                    made.add(parent)
                os.replace(os.path.join(self.aside, file.dest_uri), target)
            except OSError:  # not there any more: MkDocs writes it
                continue
            file.in_place = True
            self.kept += 1

    def wrote(self, dest_uri: str, output: str) -> None:
        """Record a page MkDocs put into the theme and wrote at ``dest_uri``."""
        self.writing[dest_uri] = output

    def take_back(self, site: Path, name: str) -> None:
        """Put the last rebuild's ``name`` (a top folder of the site) back whole, as it was."""
        if self.aside is not None and os.path.isdir(os.path.join(self.aside, name)):
            try:
                os.replace(os.path.join(self.aside, name), site / name)
            except OSError as exc:
                log.debug(f"Preview: {name} is made again ({exc})")

    def remove_aside(self) -> None:
        """Once MkDocs has written the rebuild: delete what was not taken back, behind the build (the
        folders emptied by taking their files back are many: 0.15 s of rmdir at 1,000 practices)."""
        if self.aside is None:
            return
        discarded = f"{self.aside}-{uuid.uuid4().hex}"
        try:
            os.rename(self.aside, discarded)
        except OSError:
            discarded = self.aside
        self.aside = None
        self.removing = threading.Thread(
            target=shutil.rmtree, args=(discarded, True), name="compendium-aside", daemon=True
        )
        self.removing.start()

    def close(self) -> None:
        """When the preview ends: wait for the deleting, which would race MkDocs' removal of the site
        folder (that one fails on a file deleted under it)."""
        if self.removing is not None:
            self.removing.join()
            self.removing = None

    def finish(self, succeeded: bool) -> None:
        """After a rebuild: what it wrote is what the next may keep, if it ``succeeded``."""
        self.remove_aside()
        self.written = self.writing if succeeded else {}
        self.writing = {}
