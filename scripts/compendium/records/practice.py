"""The practice record: one ``practices/<slug>.md`` file, its front matter declared field by field.

Each field below is declared once, with its type, its check and its
documentation; the JSON Schema (``compendium schema``), the validator and the
contributor docs are all read off these declarations. A missing optional field
means "not known".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from compendium.records.fields import (
    Amount,
    Date,
    Email,
    Figure,
    ListOf,
    PartialDate,
    Slug,
    Struct,
    Term,
    Text,
    Url,
    declare,
)
from compendium.records.vocabulary import RETIRED, SUBMITTED


@dataclass(frozen=True, kw_only=True)
class Partner:
    """An organisation in the partnership (a partnership may itself be a partner)."""

    name: str = declare(
        Text(
            "The organisation's full name, as it writes it.",
            required=True,
            max_length=160,
            label="Organisation",
        )
    )
    type: str = declare(
        Term("What kind of organisation it is.", "partner_types", required=True, label="Type of organisation")
    )
    role: str = declare(Term("The part it plays in this practice.", "partner_roles", required=True))


@dataclass(frozen=True, kw_only=True)
class Funding:
    """One funding stream behind the practice."""

    stream: str = declare(
        Term("The funding stream.", "funding_streams", required=True, label="Funding stream")
    )
    amount: int | None = declare(
        Amount("Amount in US dollars that went to this practice, if known.", label="Amount (US dollars)")
    )
    period: str | None = declare(
        Text("The years the funding covers, e.g. '2022-2025' or 'FY 2023-24'.", max_length=40)
    )
    source: str | None = declare(
        Url("A public page that documents this funding.", label="Source (web address)")
    )


@dataclass(frozen=True, kw_only=True)
class Phase:
    """A stage the practice went through, with when it ran."""

    phase: str = declare(Term("Which stage.", "phases", required=True, label="Stage"))
    start: str | None = declare(PartialDate("When it began: YYYY, YYYY-MM or YYYY-MM-DD.", example="2022"))
    end: str | None = declare(PartialDate("When it ended, if it has: YYYY, YYYY-MM or YYYY-MM-DD."))
    note: str = declare(
        Text("One line on what happened in this stage.", required=True, max_length=300, label="What happened")
    )


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """A reported result: a number means something only with its date and its source."""

    measure: str = declare(
        Text(
            "What was counted, e.g. 'participants placed in jobs'.",
            required=True,
            max_length=160,
            label="What was counted",
        )
    )
    value: str = declare(Figure("The number, as reported.", required=True, label="Number"))
    unit: str | None = declare(Text("The unit, e.g. 'people' or 'percent'.", max_length=40))
    as_of: dt.date = declare(Date("The date the number describes.", required=True, label="As of"))
    source: str = declare(
        Text("Where the number comes from: a report's title or a web address.", required=True, max_length=300)
    )


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """How strong the evidence is that the practice works, kept apart from editorial status."""

    level: str = declare(
        Term(
            "Where the practice sits on the evidence scale; 'emerging' welcomes unevaluated work.",
            "evidence_levels",
            required=True,
            label="Evidence level",
        )
    )
    basis: str = declare(Term("What that level rests on.", "evidence_bases", required=True, label="Basis"))
    note: str | None = declare(Text("A line on the evidence, e.g. who evaluated it.", max_length=300))


@dataclass(frozen=True, kw_only=True)
class Contact:
    """Who to ask about the practice: an organisation first; a person only with their consent."""

    organisation: str = declare(Text("The organisation to contact.", required=True, max_length=160))
    url: str | None = declare(Url("The organisation's web page for this work.", label="Web page"))
    email: str | None = declare(Email("A shared inbox, preferably."))
    person: str | None = declare(
        Text(
            "A named person, only if they agreed to be listed publicly.",
            max_length=120,
            label="Person (only with their consent)",
        )
    )


@dataclass(frozen=True, kw_only=True)
class Source:
    """A document the record draws on."""

    title: str = declare(Text("The document's title.", required=True, max_length=200))
    publisher: str | None = declare(Text("Who published it.", max_length=160))
    url: str | None = declare(Url("Where to read it.", label="Web address"))
    date: str | None = declare(PartialDate("When it was published: YYYY, YYYY-MM or YYYY-MM-DD."))


@dataclass(frozen=True, kw_only=True)
class Practice:
    """A regional partnership practice."""

    title: str = declare(
        Text(
            "The practice's name as readers will see it.",
            required=True,
            max_length=120,
            example="Regional reentry navigators",
        )
    )
    summary: str = declare(
        Text(
            "Two or three sentences: who did what, for whom. Shown on cards, in search results "
            "and in the print edition's contents.",
            required=True,
            max_length=400,
            multiline=True,
        )
    )
    regions: tuple[str, ...] = declare(
        ListOf(
            Term("A region id.", "regions"),
            "The regions the practice sits in.",
            min_items=1,
            unique=True,
            required=True,
        )
    )
    partners: tuple[Partner, ...] = declare(
        ListOf(
            Struct(Partner, label="Partner"),
            "The organisations in the partnership, lead first.",
            min_items=1,
            required=True,
        )
    )
    focus: tuple[str, ...] = declare(
        ListOf(
            Term("A focus area id.", "focus"),
            "Topics the practice is about.",
            label="Focus areas",
            min_items=1,
            unique=True,
            required=True,
        )
    )
    populations: tuple[str, ...] = declare(
        ListOf(
            Term("A population id.", "populations"),
            "Who the practice serves.",
            unique=True,
            label="Populations served",
        )
    )
    sectors: tuple[str, ...] = declare(
        ListOf(
            Term("A sector id.", "sectors"),
            "Industry sectors the practice prepares people for.",
            unique=True,
            label="Industry sectors",
        )
    )
    funding: tuple[Funding, ...] = declare(
        ListOf(Struct(Funding, label="Funding stream"), "Funding streams behind the practice.")
    )
    phases: tuple[Phase, ...] = declare(
        ListOf(Struct(Phase, label="Stage"), "Stages the practice went through, in order.", label="Stages")
    )
    outcomes: tuple[Outcome, ...] = declare(
        ListOf(
            Struct(Outcome, label="Outcome"),
            "Reported results, each with its date and source (context figures are not outcomes).",
        )
    )
    evidence: Evidence = declare(Struct(Evidence, required=True))
    status: str = declare(
        Term("Where the record is in editorial review.", "statuses", required=True, editorial=True)
    )
    submitted: dt.date = declare(
        Date("The date the practice was first submitted.", required=True, editorial=True)
    )
    updated: dt.date | None = declare(Date("The date the record's content last changed.", editorial=True))
    reviewed: dt.date | None = declare(
        Date("The date an editor last confirmed the record is current.", editorial=True)
    )
    retired: str | None = declare(
        Text(
            f"Why the practice was retired, shown in a banner on its page (status must be '{RETIRED}').",
            max_length=300,
            editorial=True,
        )
    )
    contact: Contact = declare(Struct(Contact, required=True))
    sources: tuple[Source, ...] = declare(
        ListOf(Struct(Source, label="Source"), "Documents the record draws on.")
    )
    related: tuple[str, ...] = declare(
        ListOf(
            Slug("A practice id.", label="Related practice"),
            "Other practices in the compendium that readers should see.",
            unique=True,
            label="Related practices",
        )
    )

    slug: str = field(default="")
    """The permanent id: the file name without ``.md``. Not written in the front matter."""
    path: Path = field(default=Path())
    body: str = field(default="", repr=False)
    body_line: int = 1

    @property
    def is_retired(self) -> bool:
        """Retired practices keep their page, with a banner, and are never due for review."""
        return self.status == RETIRED

    @property
    def is_submitted(self) -> bool:
        """Waiting for an editor's review."""
        return self.status == SUBMITTED

    @property
    def last_changed(self) -> dt.date:
        return self.updated or self.submitted

    @property
    def last_reviewed(self) -> dt.date:
        return self.reviewed or self.updated or self.submitted


RESERVED_IDS = {"index": "the address of the list of all practices (practices/), so no practice can have it"}
"""File names a practice cannot take, with why: the site gives their address to a page of its own."""

PRACTICE = Struct(Practice)
"""The declaration of a whole record's front matter."""
