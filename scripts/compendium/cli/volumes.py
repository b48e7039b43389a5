"""The editors' commands on volumes (cut, publish, reprint, list) and the print edition."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from compendium.cli.shared import UsageError, valid_catalog
from compendium.records.project import Project
from compendium.records.volume import FOREWORD, MANIFEST, Printing, Volume

if TYPE_CHECKING:
    from compendium.catalog import Catalog
    from compendium.editorial.volumes import Printer, Reproducer


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
        description="Create the next numbered draft from accepted practices not yet in any volume, in "
        "sections by the largest region (else regional system) the practices share, or by focus area; "
        "print what was selected and what was left out.",
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
        help="an editing organisation (repeatable; default: as the latest volume)",
    )
    cut.add_argument(
        "--by",
        choices=("region", "focus"),
        default="region",
        help="group the sections by region (default) or by focus area",
    )
    cut.set_defaults(run=_volume_cut)
    publish = vsub.add_parser(
        "publish",
        help="freeze a draft volume and print its first printing",
        description="Freeze draft volume N: keep the practice texts as published with SHA-256 checksums, "
        "set the publication date, and print its first printing, whose PDF the site serves from then on, "
        "byte for byte (kept in printings/1/ with its SHA-256, pages, template and typesetter).",
    )
    publish.add_argument("number", type=int, metavar="N", help="the volume number")
    publish.add_argument("--date", help="publication date, YYYY-MM-DD (default: today)")
    publish.set_defaults(run=_volume_publish)
    reprint = vsub.add_parser(
        "reprint",
        help="print a published volume again, as its next printing",
        description="Render published volume N again with today's template, typesetter and errata, and keep "
        "it as its next printing (printings/<n>/: the PDF, the day, the reason, the SHA-256 of the printing "
        "it replaces and its own); the site serves it from then on, and the volume page and the imprint "
        "page list every printing. Refused when nothing would change.",
    )
    reprint.add_argument("number", type=int, metavar="N", help="the volume number")
    reprint.add_argument("--reason", required=True, help="why the volume is printed again (readers see it)")
    reprint.add_argument("--date", help="the printing's date, YYYY-MM-DD (default: today)")
    reprint.set_defaults(run=_volume_reprint)
    announce = vsub.add_parser(
        "announce",
        help="print the announcement of a published volume",
        description="Print, ready to paste into an e-mail or a release, the announcement of published volume "
        "N: its title and day, its contents with the address of each practice's text as published, where to "
        "read and download it, and the SHA-256 of the printing readers will download.",
    )
    announce.add_argument("number", type=int, metavar="N", help="the volume number")
    announce.set_defaults(run=_volume_announce)
    listing = vsub.add_parser(
        "list",
        help="show every volume with its status and counts",
        description="Show every volume with its status and counts.",
    )
    listing.set_defaults(run=_volume_list)

    printing = sub.add_parser(
        "print",
        help="write a volume's print edition (PDF)",
        description="Write volume N's print edition: a draft typeset now as a PDF/UA-1 document with Typst, "
        "from the template in overrides/print/, and marked a draft with the day; a published volume's last "
        "printing, byte for byte as kept (with --render, typeset now as that printing would be today, to "
        "see what a reprint would change; nothing is recorded).",
    )
    printing.add_argument("number", type=int, metavar="N", help="the volume number")
    printing.add_argument(
        "-o", "--output", metavar="FILE", help="the PDF to write (default: <volume folder>.pdf)"
    )
    printing.add_argument(
        "--render",
        action="store_true",
        help="typeset a published volume now instead of writing its kept bytes",
    )
    printing.set_defaults(run=_print)


def _volume_cut(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.volumes import EditorialError, cut_volume

    catalog = valid_catalog(project)
    try:
        cut = cut_volume(catalog, args.title, args.subtitle, args.publishers, args.editors, args.by)
    except EditorialError as exc:
        raise UsageError(str(exc)) from None
    count = sum(len(practices) for _, _, practices in cut.sections)
    print(f"Created {project.display(cut.folder)}: Volume {cut.number}, a draft with {count} practices.")
    if cut.editors:
        print(f"  Edited by {', '.join(cut.editors)}")
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


def _day(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise UsageError(f"--date '{text}' is not a date written YYYY-MM-DD") from None


def _printer(project: Project) -> tuple[Printer, Reproducer]:
    """The print stage's renderers, for publish and reprint: with the site's address and progress on stderr."""
    from compendium.printing.edition import new_printing, rendered_bytes
    from compendium.settings import Settings

    site_url = Settings.from_mkdocs_yml(project.root / "mkdocs.yml").site_url

    def printer(catalog: Catalog, volume: Volume, day: dt.date, reason: str | None) -> tuple[bytes, Printing]:
        return new_printing(catalog, volume, day, reason, _progress, site_url)

    def reproduce(catalog: Catalog, volume: Volume) -> bytes:
        return rendered_bytes(catalog, volume, _progress, site_url)

    return printer, reproduce


def _progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def _volume_publish(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.volumes import EditorialError, publish_volume
    from compendium.printing.edition import PrintError

    day = _day(args.date)
    catalog = valid_catalog(project)
    printer, _ = _printer(project)
    try:
        volume = publish_volume(catalog, args.number, day, printer)
    except (EditorialError, PrintError) as exc:
        raise UsageError(str(exc)) from None
    printing = volume.printings[0]
    print(
        f"Published {volume.label} on {day.isoformat()}: {len(volume.practices)} practice texts frozen in "
        f"{project.display(volume.folder)}/frozen with SHA-256 checksums; its first printing "
        f"({printing.pages} pages, SHA-256 {printing.sha256}) kept in {project.display(printing.pdf.parent)}."
    )
    return 0


def _volume_reprint(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.volumes import EditorialError, reprint_volume
    from compendium.printing.edition import PrintError

    day = _day(args.date)
    catalog = valid_catalog(project)
    printer, reproduce = _printer(project)
    try:
        printing = reprint_volume(catalog, args.number, args.reason, day, printer, reproduce)
    except (EditorialError, PrintError) as exc:
        raise UsageError(str(exc)) from None
    replaced = f", replacing SHA-256 {printing.replaces}" if printing.replaces else ""
    print(
        f"Printed Volume {args.number} again: its {printing.ordinal.lower()} printing, {day.isoformat()}, "
        f"{printing.pages} pages, SHA-256 {printing.sha256}{replaced}; kept in "
        f"{project.display(printing.pdf.parent)}. Commit it: the site serves it from then on."
    )
    return 0


def _volume_announce(args: argparse.Namespace, project: Project) -> int:
    from compendium.settings import Settings
    from compendium.site.announcement import AnnouncementError, announcement

    catalog = valid_catalog(project)
    volume = _volume(catalog, args.number)
    try:
        print(announcement(catalog, volume, Settings.from_mkdocs_yml(project.root / "mkdocs.yml")), end="")
    except AnnouncementError as exc:
        raise UsageError(str(exc)) from None
    return 0


def _volume_list(args: argparse.Namespace, project: Project) -> int:
    catalog = valid_catalog(project)
    if not catalog.volumes:
        print("No volumes yet; 'compendium volume cut --title …' creates the first.")
        return 0
    for volume in catalog.volumes.values():
        state = f"published {volume.published}" if volume.is_published else "draft"
        if volume.printing is not None and volume.printing.printing > 1:
            state += f", printing {volume.printing.printing}"
        changed = sum(catalog.changed_since(volume, slug) for slug in volume.practices)
        note = f", {changed} updated since" if changed else ""
        errata = f", {len(volume.errata)} correction(s)" if volume.errata else ""
        print(
            f"{volume.label:>9}  {state:<20} {len(volume.practices):>3} practices in {len(volume.sections)} "
            f"section(s){note}{errata}  {volume.title}"
        )
    return 0


def _print(args: argparse.Namespace, project: Project) -> int:
    from compendium.printing.edition import PrintError, print_volume, site_edition
    from compendium.settings import Settings, pdf_name

    catalog = valid_catalog(project)
    volume = _volume(catalog, args.number)
    if args.render and not volume.is_published:
        raise UsageError(
            f"--render is for a published volume; {volume.label} is a draft, typeset on every print"
        )
    output = Path(args.output) if args.output else Path(pdf_name(volume))
    try:
        site_url = Settings.from_mkdocs_yml(project.root / "mkdocs.yml").site_url
        write = print_volume if args.render else site_edition
        edition = write(catalog, volume, output, _progress, None, site_url)
    except PrintError as exc:
        print(f"compendium: error: {exc}", file=sys.stderr)
        return 1
    kept = volume.printing if volume.is_published and not args.render else None
    what = f"; {volume.label}'s {kept.ordinal.lower()} printing, as kept" if kept else ""
    print(f"wrote {output} ({edition.pages} pages{what})")
    return 0


def _volume(catalog: Catalog, number: int) -> Volume:
    """Volume ``number`` of ``catalog``, or the usage error that says how to list them."""
    volume = catalog.volumes.get(number)
    if volume is None:
        raise UsageError(f"there is no Volume {number}; 'compendium volume list' shows the volumes")
    return volume
