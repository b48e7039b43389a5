"""The ``compendium`` command: parse, hand the arguments to the command, turn the outcome into an exit code.

Each command lives with its kind (:mod:`.records`, :mod:`.volumes`, :mod:`.site`)
and only parses, calls the core and returns an exit code.
Exit codes: 0 all good, 1 problems found in the project, 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from compendium import __version__
from compendium.cli import records, review, site, volumes
from compendium.cli.shared import ProjectInvalid, UsageError
from compendium.records.project import NotAProject, Project, find_project
from compendium.settings import SettingsError


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        project = Project(Path(args.root).absolute()) if args.root else find_project()
        result: int = args.run(args, project)
        return result
    except (UsageError, NotAProject, SettingsError) as exc:
        print(f"compendium: error: {exc}", file=sys.stderr)
        return 2
    except ProjectInvalid as exc:
        print(f"{exc.args[0]} problem(s) found; fix them first.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("compendium: interrupted; nothing was written", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    """The command line: global options, then each command from the module of its kind."""
    parser = argparse.ArgumentParser(
        prog="compendium",
        description="Validate, gather and publish the regional partnership practices compendium.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--root", metavar="DIR", help="the project folder (default: found from the current folder)"
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    records.add_commands(sub)
    review.add_commands(sub)
    site.add_commands(sub)
    volumes.add_commands(sub)
    return parser
