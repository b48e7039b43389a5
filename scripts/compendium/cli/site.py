"""The command that writes the site's generated pages to a folder: materialize."""

from __future__ import annotations

import argparse
from pathlib import Path

from compendium.cli.shared import UsageError, valid_catalog
from compendium.records.project import Project


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the ``compendium`` parser."""
    materialize = sub.add_parser(
        "materialize",
        help="write the generated site pages to a folder",
        description="Write every generated page (Markdown) and open-data file to DIR, for static site "
        "generators that read mkdocs.yml but run no MkDocs plugins. DIR is replaced whole.",
    )
    materialize.add_argument("directory", metavar="DIR", help="the folder to write (replaced if it exists)")
    materialize.set_defaults(run=_materialize)


def _materialize(args: argparse.Namespace, project: Project) -> int:
    from compendium.settings import Settings
    from compendium.site.materialize import materialize

    target = Path(args.directory)
    if target.absolute() in (
        project.root.absolute(),
        *project.root.absolute().parents,
    ) or target.absolute() in (
        project.practices.absolute(),
        project.volumes.absolute(),
    ):
        raise UsageError(f"{target}: refusing to replace the project or one of its source folders")
    catalog = valid_catalog(project)
    count = materialize(catalog, Settings.from_mkdocs_yml(project.root / "mkdocs.yml"), target)
    print(f"wrote {count} files to {target}")
    return 0
