"""Where a Compendium project's parts live on disk."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from compendium.records.problem import Problem

VOCABULARY_FILE = "vocabulary.yml"
SCHEMA_FILE = "practice.schema.json"
ISSUE_FORM_FILE = "propose-a-practice.yml"


@dataclass(frozen=True)
class Project:
    """A project folder: ``practices/``, ``volumes/`` and the vocabulary editors own."""

    root: Path

    @property
    def practices(self) -> Path:
        return self.root / "practices"

    @property
    def volumes(self) -> Path:
        return self.root / "volumes"

    @property
    def vocabulary(self) -> Path:
        return self.practices / VOCABULARY_FILE

    @property
    def schema(self) -> Path:
        return self.practices / SCHEMA_FILE

    @property
    def issue_form(self) -> Path:
        """GitHub's "Propose a practice" form, generated with the schema."""
        return self.root / ".github" / "ISSUE_TEMPLATE" / ISSUE_FORM_FILE

    @property
    def print_assets(self) -> Path:
        return self.root / "overrides" / "print"

    def refusal(self, path: Path) -> str | None:
        """Why ``path`` may not be read, or None: Compendium reads only regular files inside the project.

        A link could publish anything the build machine holds (``/proc/self/environ``, ``.git/config``)
        on the public site and in a PDF."""
        if path.is_symlink():
            return (
                "is a symbolic link; Compendium reads only regular files inside the project: "
                "put the file itself here"
            )
        try:
            inside = path.resolve().is_relative_to(self._real_root)
        except (OSError, RuntimeError):  # a loop of links
            inside = False
        if not inside:
            return "lies outside the project (a folder on its way is a link); put the file itself here"
        return None

    def refused(self, paths: Iterable[Path]) -> list[Problem]:
        """A problem naming each of ``paths`` that may not be read (:meth:`refusal`); a path that does
        not exist is no problem here."""
        return [
            Problem(self.display(path), None, None, reason)
            for path in paths
            if (reason := self.refusal(path))
        ]

    @cached_property
    def _real_root(self) -> Path:
        # Asked for every record of every build: resolve the project folder once.
        return self.root.resolve()

    def display(self, path: Path) -> str:
        """How problems name ``path``: relative to the project when inside it."""
        try:
            return path.absolute().relative_to(self.root.absolute()).as_posix()
        except ValueError:
            return path.as_posix()


class NotAProject(Exception):
    """No ``practices/vocabulary.yml`` was found from the starting folder upwards."""


def find_project(start: Path | None = None) -> Project:
    """The project containing ``start`` (default: the current folder)."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / "practices" / VOCABULARY_FILE).is_file():
            return Project(folder)
    raise NotAProject(
        f"no Compendium project here: expected practices/{VOCABULARY_FILE} in {here} or a folder above it"
    )
