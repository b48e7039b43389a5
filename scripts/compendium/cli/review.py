"""The editors' command on records under review: accept."""

from __future__ import annotations

import argparse
import datetime as dt

from compendium.cli.shared import ProjectInvalid, UsageError, report, valid_catalog
from compendium.records.project import Project


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the ``compendium`` parser."""
    accept = sub.add_parser(
        "accept",
        help="accept practices: set their status and review date",
        description="Set 'status: accepted' and 'reviewed: <date>' (and with --reviewer, 'reviewed_by') in each "
        "record named, changing only those values in its text: comments and the order of the fields stay as "
        "written. Every record is checked first; if any cannot be accepted, none is changed.",
    )
    accept.add_argument("ids", nargs="+", metavar="ID", help="a practice's id: its file name without .md")
    accept.add_argument(
        "--reviewer", metavar="ORGANISATION", help="the organisation whose editor reviewed it"
    )
    accept.add_argument("--date", help="the review date, YYYY-MM-DD (default: today)")
    accept.set_defaults(run=_accept)


def _accept(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.accept import AcceptError, accept_practices

    try:
        day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        raise UsageError(f"--date '{args.date}' is not a date written YYYY-MM-DD") from None
    catalog = valid_catalog(project)
    try:
        accepted = accept_practices(catalog, args.ids, day, args.reviewer)
    except AcceptError as exc:
        report(exc.problems, "text")
        raise ProjectInvalid(len(exc.problems)) from None
    by = f" by {args.reviewer.strip()}" if args.reviewer else ""
    for edit in accepted:
        what = "reviewed again" if edit.again else f"accepted (was {edit.practice.status})"
        print(f"{project.display(edit.practice.path)}: {what}, reviewed {day.isoformat()}{by}")
    print("Next: 'compendium volume cut' gathers accepted practices into the next volume.")
    return 0
