"""Numbered volumes: ``volumes/<NN>-<slug>/``: a manifest, a foreword and, once published, a frozen copy.

A published volume never changes silently: ``publish`` copies each practice's
text as published into ``frozen/`` and writes ``SHA256SUMS`` over the manifest,
the foreword and the frozen texts. Validation recomputes the sums and names any
file that changed. Corrections go into ``errata.yml``, which is not frozen.

Its print edition is kept too, to the byte: ``printings/1/edition.pdf`` with its
record ``printings/1/printing.yml`` (the PDF's SHA-256, pages, template and
typesetter), written by ``publish``; each deliberate re-render (``compendium volume
reprint``) adds the next number's folder with its reason, made aside and renamed
into place in one step. The site serves the last printing's bytes. Printing files
are written once: validation holds each to the commit that first held it
(:mod:`compendium.records.history`).

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
PRINTINGS = "printings"
"""The folder of a published volume's printings: one folder ``<n>/`` for each printing n."""
PRINTING_FOLDER = re.compile(r"[1-9][0-9]{0,2}")
"""The names of the folders ``printings/`` holds."""
PRINTING_RECORD_FILE = "printing.yml"
"""A printing's record, in its folder."""
PRINTING_PDF = "edition.pdf"
"""A printing's bytes, in its folder."""


class VolumeNumber(Field[int]):
    """A volume number: 1, 2, 3 …"""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise Invalid(f"expected a volume number such as 1, received {received(value)}")
        return value

    def schema(self, terms: Any) -> dict[str, Any]:
        return self.described({"type": "integer", "minimum": 1})


class Count(Field[int]):
    """A whole number, 1 or more."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise Invalid(f"expected a whole number such as 12, received {received(value)}")
        return value

    def schema(self, terms: Any) -> dict[str, Any]:
        return self.described({"type": "integer", "minimum": 1})


class Digest(Field[str]):
    """A SHA-256 digest: 64 lowercase hexadecimal digits, as ``sha256sum`` prints it."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        if not isinstance(value, str) or not DIGEST.fullmatch(value):
            raise Invalid(f"expected a SHA-256 digest (64 lowercase hex digits), received {received(value)}")
        return value

    def schema(self, terms: Any) -> dict[str, Any]:
        return self.described({"type": "string", "pattern": f"^{DIGEST.pattern}$"})


DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, kw_only=True)
class Printing:
    """``printings/<n>/printing.yml``: one printing of a published volume, whose bytes are ``edition.pdf`` beside it."""

    printing: int = declare(
        Count("The printing's number: 1 at publication, then 2, 3 … for each reprint.", required=True)
    )
    date: dt.date = declare(Date("The day the printing was made.", required=True))
    reason: str | None = declare(
        Text(
            "Why the volume was printed again (from the second printing on; 'compendium volume reprint "
            "--reason' writes it).",
            max_length=600,
            multiline=True,
        )
    )
    note: str | None = declare(
        Text("What readers should know about this printing, shown with it.", max_length=800, multiline=True)
    )
    sha256: str = declare(Digest("The SHA-256 of the printing's PDF, byte for byte.", required=True))
    replaces: str | None = declare(
        Digest("The SHA-256 of the printing this one replaces (from the second printing on).")
    )
    pages: int = declare(Count("How many pages the PDF has.", required=True))
    template: str = declare(
        Digest(
            "The print template's version: the SHA-256 of the 'sha256sum' listing of overrides/print/ "
            "(each file's digest and path, sorted by path).",
            required=True,
        )
    )
    typesetter: str = declare(Text("The typesetter and its version, e.g. 'typst 0.15.2'.", required=True))
    fonts: tuple[str, ...] = declare(
        ListOf(Text("A font package and its version."), "The font packages the PDF's typefaces came from.")
    )

    folder: Path = field(default=Path())
    """The volume's folder."""

    @property
    def pdf(self) -> Path:
        return self.folder / PRINTINGS / str(self.printing) / PRINTING_PDF

    @property
    def record(self) -> Path:
        return self.folder / PRINTINGS / str(self.printing) / PRINTING_RECORD_FILE

    @property
    def ordinal(self) -> str:
        """ "First", "Second" … as the volume page and the imprint name the printing."""
        return ordinal(self.printing)


def ordinal(number: int) -> str:
    """1 -> "First", 2 -> "Second" … 10 -> "Tenth", then "11th"."""
    words = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")
    if number <= len(words):
        return words[number - 1]
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


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
    printings: tuple[Printing, ...] = ()
    """The printings of a published volume, oldest first (none for a draft)."""

    @property
    def practices(self) -> list[str]:
        return [slug for section in self.sections for slug in section.practices]

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def label(self) -> str:
        return f"Volume {self.number}"

    @property
    def printing(self) -> Printing | None:
        """The printing the site serves: the last one."""
        return self.printings[-1] if self.printings else None


VOLUME = Struct(Volume)
ERRATA_FILE = Struct(Errata)
PRINTING_RECORD = Struct(Printing)


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


_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def pdf_pages(data: bytes) -> int:
    """How many pages a PDF has: its page objects, counted (Typst writes each one uncompressed)."""
    return len(_PDF_PAGE.findall(data))


def printing_text(printing: Printing, header: str = "") -> str:
    """``printing.yml`` as ``publish`` and ``reprint`` write it: each declared field that is set, in
    declaration order, after ``header`` (comment lines)."""
    import yaml  # only where a printing is written

    class Dumper(yaml.SafeDumper):
        """Long text folded (``>-``), so a reason reads as a paragraph; dates plain, as YYYY-MM-DD."""

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = ">" if len(value) > 80 else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    data: dict[str, object] = {}
    for name in PRINTING_RECORD.specs:
        value = getattr(printing, name)
        if value is None or value == ():
            continue
        data[name] = list(value) if isinstance(value, tuple) else value
    return header + yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
