"""What every command shares: its errors, how problems are printed, and the catalog it works on."""

from __future__ import annotations

import os

from compendium.catalog import Catalog, load_catalog
from compendium.records.problem import Problem, problems_to_json
from compendium.records.project import Project


class UsageError(Exception):
    """The command line asked for something that cannot be done; exit 2."""


class ProjectInvalid(Exception):
    """The project has problems (already printed); exit 1."""


def report(problems: list[Problem], fmt: str) -> None:
    """Print each problem (``text``: one per line, as ``path:line:column: message``; or ``json``)."""
    if fmt == "json":
        print(problems_to_json(problems))
        return
    for problem in problems:
        print(problem)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(problem.github_annotation())


def valid_catalog(project: Project) -> Catalog:
    """The project's catalog, for commands that need every record valid; else print the problems."""
    catalog, problems = load_catalog(project)
    if problems or catalog is None:
        report(problems, "text")
        raise ProjectInvalid(len(problems))
    return catalog


def usable_catalog(project: Project) -> Catalog:
    """The project's catalog, for commands that need only its vocabulary (records may still have problems)."""
    catalog, problems = load_catalog(project)
    if catalog is None:
        report(problems, "text")
        raise ProjectInvalid(len(problems))
    return catalog
