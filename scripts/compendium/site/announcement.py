"""The announcement of a published volume (``compendium volume announce``): what an editor pastes into an
e-mail, a newsletter or a GitHub release, with the addresses readers will use and the checksum of the
printing they will download."""

from __future__ import annotations

from compendium.catalog import Catalog
from compendium.records.volume import Volume
from compendium.settings import Settings, frozen_path, pdf_name, url_of, volume_path


class AnnouncementError(Exception):
    """The volume cannot be announced yet; the message says why."""


def announcement(catalog: Catalog, volume: Volume, settings: Settings) -> str:
    """Plain text (Markdown-friendly) announcing published ``volume``: title, day, contents, where to read
    it, and its last printing's pages and SHA-256."""
    printing = volume.printing
    if not volume.is_published or volume.published is None or printing is None:
        raise AnnouncementError(
            f"{volume.label} is a draft; announce it once 'compendium volume publish {volume.number}' is merged"
        )
    page = settings.site_url + url_of(volume_path(volume))  # relative when mkdocs.yml gives no site_url
    practices = catalog.volume_practices(volume)
    title = volume.title + (f": {volume.subtitle}" if volume.subtitle else "")
    day = f"{volume.published:%B} {volume.published.day}, {volume.published.year}"
    count = len(practices)
    lines = [
        f"{volume.label} of the {settings.site_name}, *{title}*, was published on {day}.",
        "",
        f"It gathers {count} practice{'s' if count != 1 else ''}"
        + (f", edited by {', '.join(volume.editors)}" if volume.editors else "")
        + ":",
        "",
    ]
    for section in volume.sections:
        lines.append(f"- {section.title}")
        for slug in section.practices:
            if slug in practices:
                lines.append(
                    f"  - {practices[slug].title}: {settings.site_url}{url_of(frozen_path(volume, slug))}"
                )
    lines += [
        "",
        f"Read it online: {page}",
        f"Print edition ({printing.ordinal.lower()} printing, {printing.pages} pages): {page}{pdf_name(volume)}",
        f"SHA-256 of the PDF: {printing.sha256}",
        "",
        f"Published by {', '.join(volume.publishers)}.",
    ]
    return "\n".join(lines) + "\n"
