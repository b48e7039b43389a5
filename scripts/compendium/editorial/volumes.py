"""Editors' work on volumes: cut the next draft, publish (freeze) it, list them all.

Every write is staged in a temporary folder and moved into place at the end,
so a failure leaves the project as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from compendium.catalog import Catalog
from compendium.records.fields import slugify
from compendium.records.loader import load_yaml
from compendium.records.practice import Practice
from compendium.records.vocabulary import ACCEPTED
from compendium.records.volume import (
    CHECKSUMS,
    FOREWORD,
    FROZEN,
    FROZEN_VOCABULARY,
    MANIFEST,
    Volume,
    checksums_text,
)

STAGING_CUT = ".cut-"
STAGING_PUBLISH = ".publish-"
"""Where cut and publish stage their writes; hidden folders, which validation and the build pass over."""


class EditorialError(Exception):
    """The editor asked for something that cannot be done; the message says why."""


@dataclass
class Cut:
    """What ``cut`` selected and what it left out, with the reason for each."""

    folder: Path
    number: int
    sections: list[tuple[str, str, list[Practice]]] = field(default_factory=list)
    """(region id, section title, practices) in order."""
    left_out: list[tuple[Practice, str]] = field(default_factory=list)


def cut_volume(
    catalog: Catalog, title: str, subtitle: str | None, publishers: list[str], editors: list[str]
) -> Cut:
    """Create the next numbered draft from accepted practices not yet in any volume, grouped by region."""
    number = max(catalog.volumes, default=0) + 1
    folder = catalog.project.volumes / f"{number:02d}-{slugify(title)[:40].rstrip('-')}"
    if folder.exists():
        raise EditorialError(f"{catalog.project.display(folder)} already exists")
    cut = Cut(folder, number)
    chosen: dict[str, list[Practice]] = {}
    for practice in sorted(catalog.practices.values(), key=lambda p: p.title.casefold()):
        carried = catalog.volumes_of(practice.slug)
        if practice.status != ACCEPTED:
            cut.left_out.append((practice, f"status is '{practice.status}', not '{ACCEPTED}'"))
        elif carried:
            kind = "published in" if carried[0].is_published else "already in the draft"
            cut.left_out.append((practice, f"{kind} {carried[0].label}"))
        else:
            # One section per region; a practice goes under its first region.
            chosen.setdefault(practice.regions[0], []).append(practice)
    if not chosen:
        reasons = "".join(f"\n    {practice.slug}: {reason}" for practice, reason in cut.left_out)
        raise EditorialError(
            "no accepted practice is waiting for a volume; nothing to cut"
            + (f". Left out:{reasons}" if reasons else " (practices/ holds no practice)")
        )
    # Sections follow the regional systems: a county's section comes right after its region's.
    for region in catalog.vocabulary.regions_in_order():
        if region in chosen:
            cut.sections.append((region, catalog.vocabulary.label("regions", region), chosen[region]))
    manifest = {
        "number": number,
        "title": title,
        **({"subtitle": subtitle} if subtitle else {}),
        "publishers": publishers,
        **({"editors": editors} if editors else {}),
        "status": "draft",
        "sections": [
            {"title": heading, "region": region, "practices": [p.slug for p in practices]}
            for region, heading, practices in cut.sections
        ],
    }
    count = sum(len(p) for _, _, p in cut.sections)
    foreword = (
        f"This volume gathers {count} practice{'s' if count != 1 else ''} from "
        f"{len(cut.sections)} region{'s' if len(cut.sections) != 1 else ''}.\n"
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


def publish_volume(catalog: Catalog, number: int, day: dt.date) -> Volume:
    """Freeze draft ``number``: copy the texts as published, set the date, write SHA-256 checksums.

    Everything is made in a staging folder, then put in place in three renames: the frozen texts,
    the checksums, and last the manifest that says 'published'. Until that last step the volume is
    still a draft, so an interrupted publish leaves a draft that the next publish completes: what
    it left (a staging folder, frozen/, SHA256SUMS) is derived from the draft and made again.
    """
    volume = catalog.volumes.get(number)
    if volume is None:
        raise EditorialError(f"there is no Volume {number}; 'compendium volume list' shows the volumes")
    if volume.is_published:
        raise EditorialError(
            f"{volume.label} was published on {volume.published}; a published volume never changes"
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
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PUBLISH, dir=volume.folder))
    try:
        (staging / FROZEN).mkdir()
        for slug in volume.practices:
            shutil.copyfile(catalog.practices[slug].path, staging / FROZEN / f"{slug}.md")
        shutil.copyfile(catalog.project.vocabulary, staging / FROZEN / FROZEN_VOCABULARY)
        (staging / MANIFEST).write_text("".join(lines), encoding="utf-8")
        shutil.copyfile(volume.folder / FOREWORD, staging / FOREWORD)
        (staging / CHECKSUMS).write_text(checksums_text(staging), encoding="utf-8")
        (staging / FROZEN).rename(volume.folder / FROZEN)
        (staging / CHECKSUMS).replace(volume.folder / CHECKSUMS)
        (staging / MANIFEST).replace(manifest)  # the volume is published from this rename on
    except BaseException:
        # The manifest's rename is the last step and all-or-nothing: failing, the volume is a draft.
        _clear_interrupted_publish(volume.folder, keep=staging)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return volume


def _clear_interrupted_publish(folder: Path, keep: Path | None = None) -> None:
    """Remove what a publish of this draft left when it was stopped before its last step."""
    for leftover in folder.glob(STAGING_PUBLISH + "*"):
        if leftover != keep:
            shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(folder / FROZEN, ignore_errors=True)
    (folder / CHECKSUMS).unlink(missing_ok=True)
