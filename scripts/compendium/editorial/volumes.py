"""Editors' work on volumes: cut the next draft, publish (freeze) it, print it again, list them all.

Every write is staged in a temporary folder and moved into place at the end,
so a failure leaves the project as it was.

Rendering a printing is the print stage's work, which comes after this one: ``publish``
and ``reprint`` are handed a :data:`Printer` (the command line passes
:func:`compendium.printing.edition.new_printing`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from compendium.catalog import Catalog
from compendium.files import write_atomically
from compendium.records.fields import Pending, slugify
from compendium.records.loader import load_yaml
from compendium.records.practice import Practice
from compendium.records.vocabulary import ACCEPTED
from compendium.records.volume import (
    CHECKSUMS,
    FOREWORD,
    FROZEN,
    FROZEN_VOCABULARY,
    MANIFEST,
    PRINTING_PDF,
    PRINTING_RECORD_FILE,
    PRINTINGS,
    Printing,
    Volume,
    checksums_text,
    printing_text,
)

STAGING_CUT = ".cut-"
STAGING_PUBLISH = ".publish-"
STAGING_REPRINT = ".reprint-"
"""Where cut, publish and reprint stage their writes; hidden folders, which validation and the build pass over."""
FOLDER_SLUG_LENGTH = 40
"""At most this many characters of the title name a new volume's folder (and its public address)."""
GROUPINGS = ("region", "focus")
"""How ``cut`` may group practices into sections."""

Printer = Callable[[Catalog, Volume, dt.date, "str | None"], tuple[bytes, Printing]]
"""Renders the next printing of a volume (published, or as it is about to be) on a day, for a reason:
its PDF and its record."""
Reproducer = Callable[[Catalog, Volume], bytes]
"""Renders a published volume as its last printing would print today, to tell whether a reprint changes anything."""


class EditorialError(Exception):
    """The editor asked for something that cannot be done; the message says why."""


@dataclass
class Cut:
    """What ``cut`` selected and what it left out, with the reason for each."""

    folder: Path
    number: int
    sections: list[tuple[str | None, str, list[Practice]]] = field(default_factory=list)
    """(region id or None, section title, practices) in order."""
    left_out: list[tuple[Practice, str]] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)


def folder_slug(title: str) -> str:
    """The slug of a new volume's folder: the title's first words, whole, in at most
    :data:`FOLDER_SLUG_LENGTH` characters (a word longer than that alone is cut)."""
    words = slugify(title).split("-")
    slug = words[0][:FOLDER_SLUG_LENGTH]
    for word in words[1:]:
        if len(slug) + 1 + len(word) > FOLDER_SLUG_LENGTH:
            break
        slug += "-" + word
    return slug


def cut_volume(
    catalog: Catalog,
    title: str,
    subtitle: str | None,
    publishers: list[str] | None = None,
    editors: list[str] | None = None,
    by: str = "region",
) -> Cut:
    """Create the next numbered draft from accepted practices not yet in any volume, in sections grouped
    ``by`` region (the largest region, else system, that practices share) or by focus area.

    Publishers and editors not given are those of the latest volume."""
    if by not in GROUPINGS:
        raise EditorialError(f"cannot group by '{by}'; expected one of {', '.join(GROUPINGS)}")
    number = max(catalog.volumes, default=0) + 1
    latest = catalog.volumes.get(number - 1)
    publishers = publishers or (list(latest.publishers) if latest else [])
    editors = editors if editors else (list(latest.editors) if latest else [])
    if not publishers:
        raise EditorialError("--publisher is required for the first volume")
    folder = catalog.project.volumes / f"{number:02d}-{folder_slug(title)}"
    if folder.exists():
        raise EditorialError(f"{catalog.project.display(folder)} already exists")
    cut = Cut(folder, number, publishers=publishers, editors=editors)
    chosen: list[Practice] = []
    for practice in sorted(catalog.practices.values(), key=lambda p: p.title.casefold()):
        carried = catalog.volumes_of(practice.slug)
        if practice.status != ACCEPTED:
            cut.left_out.append((practice, f"status is '{practice.status}', not '{ACCEPTED}'"))
        elif carried:
            kind = "published in" if carried[0].is_published else "already in the draft"
            cut.left_out.append((practice, f"{kind} {carried[0].label}"))
        else:
            chosen.append(practice)
    if not chosen:
        reasons = "".join(f"\n    {practice.slug}: {reason}" for practice, reason in cut.left_out)
        raise EditorialError(
            "no accepted practice is waiting for a volume; nothing to cut"
            + (f". Left out:{reasons}" if reasons else " (practices/ holds no practice)")
        )
    cut.sections = _by_focus(catalog, chosen) if by == "focus" else _by_region(catalog, chosen)
    manifest = {
        "number": number,
        "title": title,
        **({"subtitle": subtitle} if subtitle else {}),
        "publishers": cut.publishers,
        **({"editors": cut.editors} if cut.editors else {}),
        "status": "draft",
        "sections": [
            {
                "title": heading,
                **({"region": region} if region else {}),
                "practices": [p.slug for p in practices],
            }
            for region, heading, practices in cut.sections
        ],
    }
    count = sum(len(p) for _, _, p in cut.sections)
    parts = len(cut.sections)
    foreword = (
        f"This volume gathers {count} practice{'s' if count != 1 else ''} in "
        f"{parts} section{'s' if parts != 1 else ''}.\n"
    )
    for leftover in catalog.project.volumes.glob(STAGING_CUT + "*"):  # from a cut that was stopped
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_CUT, dir=catalog.project.volumes))
    try:
        header = (
            f"# {title}: the manifest of Volume {number}.\n"
            "# Reorder sections and practices freely while the volume is a draft;\n"
            f"# 'compendium volume publish {number}' freezes it.\n"
        )
        text = header + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
        (staging / MANIFEST).write_text(text, encoding="utf-8")
        (staging / FOREWORD).write_text(foreword, encoding="utf-8")
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return cut


Section = tuple["str | None", str, list[Practice]]
"""(region id or None, title, practices) of one section of a cut."""


def _by_region(catalog: Catalog, practices: list[Practice]) -> list[Section]:
    """Sections by the largest region the practices share, then by their regions' system, then one per
    remaining practice's region; in the regions' order (a county's right after its region's).

    Taken greedily: the region holding the most of the practices not yet placed (ties: the region
    holding the most regions), as long as it holds two or more."""
    vocabulary = catalog.vocabulary
    order = {region: n for n, region in enumerate(vocabulary.regions_in_order())}
    known = {
        p.slug: [r for r in p.regions if not isinstance(r, Pending) and r in vocabulary.regions]
        for p in practices
    }
    within = {slug: set(vocabulary.regions_with_ancestors(regions)) for slug, regions in known.items()}
    sections: list[tuple[int, Section]] = []
    remaining = list(practices)

    def place(
        groups: dict[str, list[Practice]],
        size: Callable[[str], int],
        make: Callable[[str, list[Practice]], Section],
        rank: Callable[[str, list[Practice]], int],
    ) -> None:
        nonlocal remaining
        while True:
            shared = [(key, found) for key, found in groups.items() if len(found) >= 2]
            if not shared:
                return
            key, found = max(shared, key=lambda item: (len(item[1]), size(item[0]), -rank(*item)))
            sections.append((rank(key, found), make(key, found)))
            remaining = [p for p in remaining if p not in found]
            groups = {k: [p for p in ps if p in remaining] for k, ps in groups.items()}

    def first(found: list[Practice]) -> int:
        return min((order.get(r, len(order)) for p in found for r in known[p.slug]), default=len(order))

    place(
        {region: [p for p in remaining if region in within[p.slug]] for region in order},
        lambda region: len(vocabulary.region_descendants(region)),
        lambda region, found: (region, vocabulary.label("regions", region), found),
        lambda region, found: order[region],
    )
    systems: dict[str, list[Practice]] = {}
    for practice in remaining:
        for system in dict.fromkeys(vocabulary.regions[r].system for r in known[practice.slug]):
            systems.setdefault(system, []).append(practice)
    place(
        systems,
        lambda system: 0,
        lambda system, found: (None, vocabulary.file.systems[system].several, found),
        lambda system, found: first(found),
    )
    for practice in remaining:  # alone in its region
        region = known[practice.slug][0] if known[practice.slug] else None
        title = vocabulary.label("regions", region) if region else "Other practices"
        sections.append((first([practice]), (region, title, [practice])))
    return _ordered(sections)


def _by_focus(catalog: Catalog, practices: list[Practice]) -> list[Section]:
    """Sections by the focus area most of the practices not yet placed share (two or more), then one per
    remaining practice's first focus area; in the vocabulary's order of focus areas."""
    vocabulary = catalog.vocabulary
    order = {term: n for n, term in enumerate(vocabulary.terms("focus"))}
    focus = {p.slug: [t for t in p.focus if not isinstance(t, Pending) and t in order] for p in practices}
    remaining = list(practices)
    sections: list[tuple[int, Section]] = []
    while remaining:
        groups = {term: [p for p in remaining if term in focus[p.slug]] for term in order}
        term, found = max(groups.items(), key=lambda item: (len(item[1]), -order[item[0]]))
        if len(found) < 2:
            break
        sections.append((order[term], (None, vocabulary.label("focus", term), found)))
        remaining = [p for p in remaining if p not in found]
    for practice in remaining:  # sharing no focus area with another
        own = focus[practice.slug][0] if focus[practice.slug] else None
        title = vocabulary.label("focus", own) if own else "Other practices"
        sections.append((order[own] if own else len(order), (None, title, [practice])))
    return _ordered(sections)


def _ordered(sections: list[tuple[int, Section]]) -> list[Section]:
    """Sections in their rank's order; the practices of each by title; sections of one title merged."""
    merged: dict[str, tuple[int, Section]] = {}
    for rank, (region, title, found) in sorted(sections, key=lambda item: item[0]):
        if title in merged:
            kept_rank, (kept_region, _, kept) = merged[title]
            merged[title] = (kept_rank, (kept_region, title, kept + found))
        else:
            merged[title] = (rank, (region, title, list(found)))
    return [
        (region, title, sorted(found, key=lambda p: p.title.casefold()))
        for _, (region, title, found) in merged.values()
    ]


def publish_volume(
    catalog: Catalog, number: int, day: dt.date, printer: Printer, today: dt.date | None = None
) -> Volume:
    """Freeze draft ``number``: copy the texts as published, set the date, write SHA-256 checksums, and
    print it: its first printing's PDF and record, kept in ``printings/1/``.

    Everything is made in a staging folder, then put in place in four renames: the frozen texts, the
    printing, the checksums, and last the manifest that says 'published'. Until that last step the
    volume is still a draft, so an interrupted publish leaves a draft that the next publish completes:
    what it left (a staging folder, frozen/, printings/, SHA256SUMS) is derived from the draft and made again.
    """
    today = today or dt.date.today()
    volume = catalog.volumes.get(number)
    if volume is None:
        raise EditorialError(f"there is no Volume {number}; 'compendium volume list' shows the volumes")
    if volume.is_published:
        raise EditorialError(
            f"{volume.label} was published on {volume.published}; a published volume never changes"
        )
    if day > today:
        raise EditorialError(
            f"--date {day.isoformat()} is in the future; a volume is published today or on an earlier day"
        )
    earlier = [v for v in catalog.volumes.values() if v.number < number]
    drafts = [v.label for v in earlier if not v.is_published]
    if drafts:
        raise EditorialError(
            f"{', '.join(drafts)} {'is' if len(drafts) == 1 else 'are'} still a draft; volumes are published in "
            f"their order: publish {drafts[0]} first"
        )
    later = [v for v in earlier if v.published is not None and v.published > day]
    if later:
        raise EditorialError(
            f"{later[-1].label} was published on {later[-1].published}, after {day.isoformat()}; "
            f"{volume.label} cannot be published before it"
        )
    not_ready = [slug for slug in volume.practices if catalog.practices[slug].status != ACCEPTED]
    if not_ready:
        raise EditorialError(f"{volume.label} lists practices that are not accepted: {', '.join(not_ready)}")
    if not volume.foreword.strip():
        raise EditorialError(f"{volume.label} has an empty {FOREWORD}; write the foreword before publishing")
    _clear_interrupted_publish(volume.folder)
    manifest = volume.folder / MANIFEST
    document = load_yaml(manifest, catalog.project.display(manifest))
    lines = document.text.splitlines(keepends=True)
    status = document.marks[("status",)].line - 1
    lines[status] = f"status: published\npublished: {day.isoformat()}\n"
    if ("published",) in document.marks:
        lines[document.marks[("published",)].line - 1] = ""
    # The edition as it is published: the living texts are what frozen/ will hold.
    published = dataclasses.replace(volume, status="published", published=day, printings=())
    as_published = dataclasses.replace(
        catalog,
        volumes={**catalog.volumes, number: published},
        frozen={**catalog.frozen, **{(number, slug): catalog.practices[slug] for slug in volume.practices}},
    )
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PUBLISH, dir=volume.folder))
    try:
        data, printing = printer(as_published, published, day, None)
        (staging / FROZEN).mkdir()
        for slug in volume.practices:
            shutil.copyfile(catalog.practices[slug].path, staging / FROZEN / f"{slug}.md")
        shutil.copyfile(catalog.project.vocabulary, staging / FROZEN / FROZEN_VOCABULARY)
        _write_printing(staging / PRINTINGS / "1", data, printing, volume)
        (staging / MANIFEST).write_text("".join(lines), encoding="utf-8")
        shutil.copyfile(volume.folder / FOREWORD, staging / FOREWORD)
        (staging / CHECKSUMS).write_text(checksums_text(staging), encoding="utf-8")
        (staging / FROZEN).rename(volume.folder / FROZEN)
        (staging / PRINTINGS).rename(volume.folder / PRINTINGS)
        (staging / CHECKSUMS).replace(volume.folder / CHECKSUMS)
        (staging / MANIFEST).replace(manifest)  # the volume is published from this rename on
    except BaseException:
        # The manifest's rename is the last step and all-or-nothing: failing, the volume is a draft.
        _clear_interrupted_publish(volume.folder, keep=staging)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dataclasses.replace(published, printings=(printing,))


def reprint_volume(
    catalog: Catalog,
    number: int,
    reason: str,
    day: dt.date,
    printer: Printer,
    reproduce: Reproducer,
    today: dt.date | None = None,
) -> Printing:
    """Print published volume ``number`` again, on ``day``, for ``reason``: its next printing's PDF and
    record, kept in ``printings/<n>/`` beside the earlier ones (which never change).

    Refused when the volume would print to the bytes of its last printing (nothing has changed). The
    printing is made in a hidden folder and renamed into place in one step, so a stopped reprint adds
    nothing (the next one clears what it left)."""
    today = today or dt.date.today()
    volume = catalog.volumes.get(number)
    if volume is None:
        raise EditorialError(f"there is no Volume {number}; 'compendium volume list' shows the volumes")
    if not volume.is_published:
        raise EditorialError(
            f"{volume.label} is a draft: its PDF is made afresh by every build and kept by none; "
            f"'compendium volume publish {number}' records its first printing"
        )
    if not reason.strip():
        raise EditorialError("--reason is required: say why the volume is printed again (readers see it)")
    if day > today:
        raise EditorialError(
            f"--date {day.isoformat()} is in the future; a printing is made today or earlier"
        )
    last = volume.printing
    if last is not None and day < last.date:
        raise EditorialError(
            f"--date {day.isoformat()} is before {volume.label}'s {last.ordinal.lower()} printing ({last.date})"
        )
    if last is not None and hashlib.sha256(reproduce(catalog, volume)).hexdigest() == last.sha256:
        raise EditorialError(
            f"{volume.label} prints to the very bytes of its {last.ordinal.lower()} printing ({last.pages} pages, "
            f"SHA-256 {last.sha256[:12]}…): nothing has changed, so there is nothing to reprint"
        )
    folder = volume.folder / PRINTINGS
    folder.mkdir(exist_ok=True)
    for leftover in folder.glob(STAGING_REPRINT + "*"):  # from a reprint that was stopped
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_REPRINT, dir=folder))
    try:
        data, printing = printer(catalog, volume, day, reason.strip())
        _write_printing(staging, data, printing, volume)
        staging.rename(folder / str(printing.printing))  # the printing exists from this rename on
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return printing


def _write_printing(folder: Path, data: bytes, printing: Printing, volume: Volume) -> None:
    """A printing's folder: its PDF and its record."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / PRINTING_PDF, data)
    action = "published" if printing.printing == 1 and not printing.reason else "reprinted"
    header = (
        f"# {volume.label}, {printing.ordinal.lower()} printing: written when it was {action}, with its PDF beside it.\n"
        f"# Never edit it: a new printing is 'compendium volume reprint {volume.number} --reason \"...\"'.\n"
    )
    write_atomically(folder / PRINTING_RECORD_FILE, printing_text(printing, header))


def _clear_interrupted_publish(folder: Path, keep: Path | None = None) -> None:
    """Remove what a publish of this draft left when it was stopped before its last step."""
    for leftover in folder.glob(STAGING_PUBLISH + "*"):
        if leftover != keep:
            shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(folder / FROZEN, ignore_errors=True)
    shutil.rmtree(folder / PRINTINGS, ignore_errors=True)
    (folder / CHECKSUMS).unlink(missing_ok=True)
