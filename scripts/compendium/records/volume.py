"""Numbered volumes: ``volumes/<NN>-<slug>/``: a manifest, a foreword and, once published, a frozen copy.

A published volume never changes silently: ``publish`` copies each practice's
text as published into ``frozen/`` and writes ``SHA256SUMS`` over the manifest,
the foreword and the frozen texts. Validation recomputes the sums and names any
file that changed. Corrections go into ``errata.yml``, which is not frozen.

``SHA256SUMS`` sits beside the texts it guards, so a pull request could edit both;
validation therefore holds it to the copy in the commit that published the volume
(:mod:`compendium.records.history`) and refuses any line that is not one file's sum,
once.
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
from compendium.records.problem import Problem

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


CHECKSUM_LINE = re.compile(r"([0-9a-f]{64})  (.+)")
"""A line of ``SHA256SUMS`` as ``publish`` (and ``sha256sum``) writes it: the digest, two spaces, the file."""
COVERED = re.compile(r"volume\.yml|foreword\.md|frozen/[^/\\]+\.md|frozen/vocabulary\.yml")
"""The names :func:`frozen_files` can give: a line naming anything else (``../``, a sub-folder) is refused."""


@dataclass(frozen=True)
class Checksums:
    """``SHA256SUMS`` read strictly: each file's digest and line, and what is wrong with the file."""

    sums: dict[str, str]
    """Relative path -> hex digest; a file listed twice keeps its first line (and is a problem)."""
    lines: dict[str, int]
    """Relative path -> the line that lists it."""
    problems: list[Problem]


def parse_checksums(text: str, display: str) -> Checksums:
    """``SHA256SUMS``, each line one covered file's digest, each file once; ``display`` names it in problems.

    ``sha256sum -c`` reads a file listed twice twice, and a dictionary keeps the last line: either way
    an appended line would have overridden the sum publish wrote. Here the first line stands and every
    line that is not a new file's sum is a problem."""
    checksums = Checksums({}, {}, [])
    lines = text.split("\n")
    if lines[-1] == "":  # the newline that ends the last line
        lines.pop()
    for number, line in enumerate(lines, start=1):
        match = CHECKSUM_LINE.fullmatch(line)
        if match is None:
            checksums.problems.append(
                Problem(
                    display,
                    number,
                    None,
                    "expected '<64 lowercase hex digits>  <file>' (two spaces between), as "
                    f"'compendium volume publish' writes it; received {_quoted(line)}",
                )
            )
            continue
        digest, name = match.groups()
        if not COVERED.fullmatch(name):
            checksums.problems.append(
                Problem(
                    display,
                    number,
                    None,
                    f"lists {_quoted(name)}, which a volume's checksums never cover; expected {MANIFEST}, "
                    f"{FOREWORD} or a file in {FROZEN}/",
                )
            )
        elif name in checksums.lines:
            checksums.problems.append(
                Problem(
                    display,
                    number,
                    None,
                    f"lists {_quoted(name)} again (first on line {checksums.lines[name]}); expected each file "
                    "once, with the sum it was published with",
                )
            )
        else:
            checksums.sums[name] = digest
            checksums.lines[name] = number
    return checksums


def compare_checksums(working: bytes, published: bytes, display: str, published_in: str) -> list[Problem]:
    """A problem for each line where ``working`` is not byte for byte the ``SHA256SUMS`` ``published_in``
    says (e.g. "Volume 1 was published with in commit 2f32e73d024d (2026-11-23)")."""
    if working == published:
        return []
    ours, theirs = _lines(working), _lines(published)
    problems = [
        Problem(
            display,
            index + 1,
            None,
            f"differs from the {CHECKSUMS} {published_in}: expected {_line(theirs, index)}, "
            f"received {_line(ours, index)}",
        )
        for index in range(max(len(ours), len(theirs)))
        if _line(ours, index) != _line(theirs, index)
    ]
    if not problems:  # the same lines: only the newline after the last one differs
        problems.append(
            Problem(
                display,
                len(ours),
                None,
                f"differs from the {CHECKSUMS} {published_in}: expected "
                + ("a newline, received the end of the file" if published.endswith(b"\n") else
                   "the end of the file, received a newline"),
            )
        )  # fmt: skip
    return problems


def _lines(text: bytes) -> list[bytes]:
    lines = text.split(b"\n")
    if lines[-1] == b"":  # the newline that ends the last line
        lines.pop()
    return lines


def _line(lines: list[bytes], index: int) -> str:
    """Line ``index`` (from 0) of ``lines`` as a problem quotes it."""
    if index >= len(lines):
        return "the end of the file"
    return _quoted(lines[index].decode("utf-8", errors="replace"))


def _quoted(text: str) -> str:
    """``text`` as a problem quotes it: in quotes, cut short, invisible characters shown as escapes."""
    shown = text if len(text) <= 120 else text[:117] + "..."
    return "'" + shown.encode("unicode_escape").decode("ascii").replace("'", "\\'") + "'"


def checksums_text(folder: Path) -> str:
    """``SHA256SUMS`` for the files :func:`frozen_files` finds in ``folder``."""
    lines = [f"{sha256(path)}  {path.relative_to(folder).as_posix()}" for path in frozen_files(folder)]
    return "\n".join(lines) + "\n"
