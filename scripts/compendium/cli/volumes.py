"""The editors' commands on volumes (cut, publish, list) and the print edition."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from compendium.cli.shared import UsageError, valid_catalog
from compendium.records.project import Project
from compendium.records.volume import FOREWORD, MANIFEST


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the ``compendium`` parser."""
    volume = sub.add_parser(
        "volume",
        help="cut, publish and list numbered volumes",
        description="Editors' commands for numbered volumes.",
    )
    vsub = volume.add_subparsers(title="volume commands", metavar="ACTION", required=True)
    cut = vsub.add_parser(
        "cut",
        help="create the next numbered draft volume",
        description="Create the next numbered draft from accepted practices not yet in any "
        "volume, grouped by region; print what was selected and what was left out.",
    )
    cut.add_argument("--title", required=True, help="the volume's title")
    cut.add_argument("--subtitle", help="the volume's subtitle")
    cut.add_argument(
        "--publisher",
        action="append",
        dest="publishers",
        metavar="ORGANISATION",
        help="a publishing organisation (repeatable; default: as the latest volume)",
    )
    cut.add_argument(
        "--editor",
        action="append",
        dest="editors",
        metavar="ORGANISATION",
        default=[],
        help="an editing organisation (repeatable)",
    )
    cut.set_defaults(run=_volume_cut)
    publish = vsub.add_parser(
        "publish",
        help="freeze a draft volume",
        description="Freeze draft volume N: keep the practice texts as published with "
        "SHA-256 checksums and set the publication date.",
    )
    publish.add_argument("number", type=int, metavar="N", help="the volume number")
    publish.add_argument("--date", help="publication date, YYYY-MM-DD (default: today)")
    publish.set_defaults(run=_volume_publish)
    listing = vsub.add_parser(
        "list",
        help="show every volume with its status and counts",
        description="Show every volume with its status and counts.",
    )
    listing.set_defaults(run=_volume_list)

    printing = sub.add_parser(
        "print",
        help="render a volume's print edition (PDF)",
        description="Typeset volume N as a PDF/UA-1 document with Typst, from the template in "
        "overrides/print/.",
    )
    printing.add_argument("number", type=int, metavar="N", help="the volume number")
    printing.add_argument(
        "-o", "--output", metavar="FILE", help="the PDF to write (default: <volume folder>.pdf)"
    )
    printing.set_defaults(run=_print)


def _volume_cut(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.volumes import EditorialError, cut_volume

    catalog = valid_catalog(project)
    latest = list(catalog.volumes.values())[-1] if catalog.volumes else None
    publishers = args.publishers or (list(latest.publishers) if latest else None)
    if not publishers:
        raise UsageError("--publisher is required for the first volume")
    try:
        cut = cut_volume(catalog, args.title, args.subtitle, publishers, args.editors)
    except EditorialError as exc:
        raise UsageError(str(exc)) from None
    count = sum(len(practices) for _, _, practices in cut.sections)
    print(f"Created {project.display(cut.folder)}: Volume {cut.number}, a draft with {count} practices.")
    for _, heading, practices in cut.sections:
        print(f"  {heading}")
        for practice in practices:
            print(f"    {practice.slug}")
    if cut.left_out:
        print(f"Left out {len(cut.left_out)}:")
        for practice, reason in cut.left_out:
            print(f"    {practice.slug}: {reason}")
    print(f"Next: edit {MANIFEST} and {FOREWORD} there, then 'compendium volume publish {cut.number}'.")
    return 0


def _volume_publish(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.volumes import EditorialError, publish_volume

    try:
        day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        raise UsageError(f"--date '{args.date}' is not a date written YYYY-MM-DD") from None
    catalog = valid_catalog(project)
    try:
        volume = publish_volume(catalog, args.number, day)
    except EditorialError as exc:
        raise UsageError(str(exc)) from None
    print(
        f"Published {volume.label} on {day.isoformat()}: {len(volume.practices)} practice texts frozen in "
        f"{project.display(volume.folder)}/frozen with SHA-256 checksums."
    )
    return 0


def _volume_list(args: argparse.Namespace, project: Project) -> int:
    catalog = valid_catalog(project)
    if not catalog.volumes:
        print("No volumes yet; 'compendium volume cut --title …' creates the first.")
        return 0
    for volume in catalog.volumes.values():
        state = f"published {volume.published}" if volume.is_published else "draft"
        changed = sum(catalog.changed_since(volume, slug) for slug in volume.practices)
        note = f", {changed} updated since" if changed else ""
        errata = f", {len(volume.errata)} correction(s)" if volume.errata else ""
        print(
            f"{volume.label:>9}  {state:<20} {len(volume.practices):>3} practices in {len(volume.sections)} "
            f"section(s){note}{errata}  {volume.title}"
        )
    return 0


def _print(args: argparse.Namespace, project: Project) -> int:
    from compendium.printing.edition import PrintError, print_volume
    from compendium.settings import Settings, pdf_name

    catalog = valid_catalog(project)
    volume = catalog.volumes.get(args.number)
    if volume is None:
        raise UsageError(f"there is no Volume {args.number}; 'compendium volume list' shows the volumes")
    output = Path(args.output) if args.output else Path(pdf_name(volume))

    def progress(message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)

    try:
        site_url = Settings.from_mkdocs_yml(project.root / "mkdocs.yml").site_url
        edition = print_volume(catalog, volume, output, progress, site_url=site_url)
    except PrintError as exc:
        print(f"compendium: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {output} ({edition.pages} pages)")
    return 0
