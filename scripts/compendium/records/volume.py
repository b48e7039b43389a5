"""Numbered volumes: ``volumes/<NN>-<slug>/``: a manifest, a foreword and, once published, a frozen copy.

A published volume never changes silently: ``publish`` copies each practice's
text as published into ``frozen/`` and writes ``SHA256SUMS`` over the manifest,
the foreword and the frozen texts. Validation recomputes the sums and names any
file that changed. Corrections go into ``errata.yml``, which is not frozen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compendium.records.fields import (
    Choice,
    Context,
    Date,
    Field,
    Invalid,
    ListOf,
    Slug,
    Struct,
    Term,
    Text,
    declare,
    received,
)
from compendium.records.loader import KeyPath

MANIFEST = "volume.yml"
FOREWORD = "foreword.md"
ERRATA = "errata.yml"
CHECKSUMS = "SHA256SUMS"
FROZEN = "frozen"
FROZEN_VOCABULARY = "vocabulary.yml"
"""The vocabulary as of publication, kept in ``frozen/``: the frozen texts are checked against it, so
renaming or retiring a term later never breaks a published volume."""
FOLDER = re.compile(r"(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)")


class VolumeNumber(Field[int]):
    """A volume number: 1, 2, 3 …"""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise Invalid(f"expected a volume number such as 1, received {received(value)}")
        return value

    def schema(self, terms: Any) -> dict[str, Any]:
        return self.described({"type": "integer", "minimum": 1})


@dataclass(frozen=True, kw_only=True)
class Section:
    """A part of the volume; by default one per region."""

    title: str = declare(Text("The section's heading.", required=True, max_length=120))
    region: str | None = declare(
        Term("The region the section gathers, if it is a regional section.", "regions")
    )
    practices: tuple[str, ...] = declare(
        ListOf(
            Slug("A practice id."),
            "The practices in this section, in reading order.",
            min_items=1,
            required=True,
        )
    )


@dataclass(frozen=True, kw_only=True)
class Erratum:
    """A correction to a published volume, shown on its page and in later printings."""

    date: dt.date = declare(Date("When the correction was made.", required=True))
    practice: str | None = declare(Slug("The practice corrected, if the correction concerns one."))
    text: str = declare(
        Text("The correction, as readers should read it.", required=True, max_length=800, multiline=True)
    )


@dataclass(frozen=True, kw_only=True)
class Errata:
    """``errata.yml``: the corrections list."""

    errata: tuple[Erratum, ...] = declare(
        ListOf(Struct(Erratum), "Corrections, oldest first.", required=True)
    )


@dataclass(frozen=True, kw_only=True)
class Volume:
    """A numbered volume of the compendium."""

    number: int = declare(
        VolumeNumber("The volume's number; volumes are numbered 1, 2, 3 … without gaps.", required=True)
    )
    title: str = declare(Text("The volume's title.", required=True, max_length=160))
    subtitle: str | None = declare(Text("The volume's subtitle.", max_length=200))
    publishers: tuple[str, ...] = declare(
        ListOf(Text("An organisation."), "Organisations publishing the volume.", min_items=1, required=True)
    )
    editors: tuple[str, ...] = declare(
        ListOf(Text("An organisation."), "Organisations that edited the volume.")
    )
    status: str = declare(
        Choice(
            "'draft' while editors work on it; 'published' once frozen.",
            ("draft", "published"),
            required=True,
        )
    )
    published: dt.date | None = declare(Date("The publication date (required once published)."))
    description: str | None = declare(
        Text("A line on what the volume gathers.", max_length=400, multiline=True)
    )
    sections: tuple[Section, ...] = declare(
        ListOf(Struct(Section), "The volume's sections, in order.", min_items=1, required=True)
    )

    folder: Path = field(default=Path())
    foreword: str = field(default="", repr=False)
    errata: tuple[Erratum, ...] = ()

    @property
    def practices(self) -> list[str]:
        return [slug for section in self.sections for slug in section.practices]

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def label(self) -> str:
        return f"Volume {self.number}"


VOLUME = Struct(Volume)
ERRATA_FILE = Struct(Errata)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def frozen_files(folder: Path) -> list[Path]:
    """The files a published volume's checksums cover, in a stable order."""
    files = [folder / MANIFEST, folder / FOREWORD]
    frozen = folder / FROZEN
    if frozen.is_dir():
        files.extend(sorted(frozen.glob("*.md")))
        if (frozen / FROZEN_VOCABULARY).is_file():
            files.append(frozen / FROZEN_VOCABULARY)
    return files


def read_checksums(folder: Path) -> dict[str, str]:
    """``SHA256SUMS`` as ``{relative path: hex digest}`` (the format of ``sha256sum``)."""
    sums: dict[str, str] = {}
    path = folder / CHECKSUMS
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, _, name = line.partition("  ")
            sums[name.strip()] = digest.strip()
    return sums


def checksums_text(folder: Path) -> str:
    """``SHA256SUMS`` for the files :func:`frozen_files` finds in ``folder``."""
    lines = [f"{sha256(path)}  {path.relative_to(folder).as_posix()}" for path in frozen_files(folder)]
    return "\n".join(lines) + "\n"
