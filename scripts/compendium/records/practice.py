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
    ONGOING,
    UNKNOWN,
    Amount,
    Choice,
    Date,
    Dollars,
    Email,
    Figure,
    Flag,
    ListOf,
    PartialDate,
    Period,
    PeriodOf,
    Slug,
    Struct,
    Term,
    Text,
    Url,
    declare,
)
from compendium.records.places import RegionTerm
from compendium.records.vocabulary import LEAD, QUALIFIERS, RETIRED, SUBMITTED

KINDS = ("outcome", "output", "cost", "target", "context")
"""What a figure is: a result, an activity count, a cost, a goal set ahead, or a fact about the region."""
RESULT_KINDS = ("outcome", "output", "cost")
"""Kinds that tell what the practice did; targets and context figures never count as its results."""
RULE_KINDS = ("condition", "pledge", "governance")
"""Where a rule comes from: a funder or the law, the partners' own pledge, the partnership's governance."""
SCOPES = ("practice", "programme")
FUNDING_STATUSES = ("awarded", "offered")


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
        Term(
            "What kind of organisation it is.",
            "partner_types",
            open=True,
            required=True,
            label="Type of organisation",
        )
    )
    role: tuple[str, ...] = declare(
        ListOf(
            Term("A role id.", "partner_roles"),
            "The part it plays: one role (role: lead) or several (role: [lead, fiscal-agent]).",
            min_items=1,
            unique=True,
            required=True,
            label="Roles",
        )
    )
    note: str | None = declare(
        Text("One line about it, e.g. 'about 400 member organisations'.", max_length=160)
    )
    part_of: str | None = declare(
        Text(
            "The name of another partner in this list that it belongs to (a collaborative's member).",
            max_length=160,
            label="Part of",
        )
    )
    phases: tuple[str, ...] = declare(
        ListOf(
            Term("A phase id.", "phases", open=True),
            "The phases it took part in, when not all of them.",
            unique=True,
            label="Only in phases",
        )
    )
    joined: str | None = declare(
        PartialDate("When it joined, if later than the start: YYYY, YYYY-MM or YYYY-MM-DD.")
    )
    left: str | None = declare(
        PartialDate(
            "When it left, if it has: YYYY, YYYY-MM or YYYY-MM-DD, or 'unknown' when the sources say it "
            "left but not when.",
            words=(UNKNOWN,),
        )
    )
    formerly: str | None = declare(
        Text(
            "The name it had before, when it was renamed (e.g. 'Humboldt State University'); the sources "
            "of the time use it.",
            max_length=160,
            label="Former name",
        )
    )
    renamed: str | None = declare(
        PartialDate("When it took its present name: YYYY, YYYY-MM or YYYY-MM-DD.", label="Renamed")
    )

    @property
    def is_lead(self) -> bool:
        """Whether it leads the partnership (a convener convenes: only 'lead' leads)."""
        return LEAD in self.role


@dataclass(frozen=True, kw_only=True)
class Person:
    """Someone a public source names in the practice (a principal investigator, a provost): a fact of
    the record, shown with that source. A contact is another thing: contact.person needs consent."""

    name: str = declare(Text("Their name, as the source gives it.", required=True, max_length=120))
    title: str | None = declare(
        Text("Their position as the source gives it, e.g. 'Provost'.", max_length=160, label="Position")
    )
    organisation: str | None = declare(
        Text("The partner they work for, named as in the partners list.", max_length=160)
    )
    role: str | None = declare(
        Text(
            "Their part in this practice, e.g. 'principal investigator'.",
            max_length=160,
            label="Part in the practice",
        )
    )
    date: str | None = declare(
        PartialDate("When the source named them: YYYY, YYYY-MM or YYYY-MM-DD.", label="Named on")
    )
    source: str = declare(
        Url(
            "The public page that names them (a press release, published minutes).",
            required=True,
            label="Source (web address)",
        )
    )


@dataclass(frozen=True, kw_only=True)
class Funding:
    """One award or offer of money behind the practice."""

    stream: str = declare(
        Term(
            "The funding stream or statewide programme.",
            "funding_streams",
            open=True,
            required=True,
            label="Funding stream",
        )
    )
    name_in_source: str | None = declare(
        Text(
            "The name the source uses for it, when that differs from the stream's (e.g. 'P2E Round 2').",
            max_length=160,
            label="Name in the source",
        )
    )
    amount: Dollars | None = declare(
        Amount(
            "The amount in US dollars as the source gives it: 250000, 122901.24, '$467,225' or "
            "'18.1 million'.",
            label="Amount (US dollars)",
        )
    )
    qualifier: str = declare(
        Choice(
            "How exact the amount is: exact, about, at-most (a ceiling: 'up to', 'not to exceed'), "
            "at-least or more-than.",
            QUALIFIERS,
        ),
        default="exact",
    )
    recipient: str | None = declare(
        Text(
            "The partner that received it, when it went to one member (a share passed on, a sub-award), "
            "named as in the partners list; left out, it funded the practice as a whole.",
            max_length=160,
        )
    )
    note: str | None = declare(Text("One line about it, e.g. what it paid for.", max_length=300))
    status: str = declare(
        Choice(
            "Whether the money was awarded or only offered (announced, not yet contracted).",
            FUNDING_STATUSES,
        ),
        default="awarded",
    )
    awarded: str | None = declare(
        PartialDate("When it was awarded or announced: YYYY, YYYY-MM or YYYY-MM-DD.", label="Date awarded")
    )
    period: Period | None = declare(
        PeriodOf("The time the money covers: '2022 to 2025', 'since 2021' or 'FY 2023-24'.")
    )
    phase: str | None = declare(Term("The phase it paid for.", "phases", open=True))
    source: str | None = declare(
        Url("A public page that documents this funding.", label="Source (web address)")
    )


@dataclass(frozen=True, kw_only=True)
class Phase:
    """A stage the practice went through, with when it ran."""

    phase: str = declare(Term("Which stage.", "phases", open=True, required=True, label="Stage"))
    start: str | None = declare(
        PartialDate(
            "When it began: YYYY, YYYY-MM or YYYY-MM-DD, or 'unknown'.", example="2022", words=(UNKNOWN,)
        )
    )
    end: str | None = declare(
        PartialDate(
            "When it ended: YYYY, YYYY-MM or YYYY-MM-DD; 'ongoing' when the sources say it still runs, "
            "'unknown' when they give no end. Left out, the end is not known.",
            words=(UNKNOWN, ONGOING),
        )
    )
    note: str = declare(
        Text("One line on what happened in this stage.", required=True, max_length=300, label="What happened")
    )


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """A reported figure: it means something only with its date (or an explicit 'undated') and its source."""

    measure: str = declare(
        Text(
            "What was counted, e.g. 'participants placed in jobs'.",
            required=True,
            max_length=160,
            label="What was counted",
        )
    )
    kind: str = declare(
        Choice(
            "outcome (a result for people), output (an activity count, e.g. convenings held), "
            "cost (e.g. per participant), target (a goal set ahead, e.g. 100 job seekers to serve) or "
            "context (a figure about the region, not a result).",
            KINDS,
        ),
        default="outcome",
    )
    value: str = declare(
        Figure("The number, as reported (the low end of a range).", required=True, label="Number")
    )
    qualifier: str = declare(
        Choice(
            "How exact the source is: exact, about, at-least, more-than or at-most (a ceiling: "
            "'up to 10 interns').",
            QUALIFIERS,
        ),
        default="exact",
    )
    up_to: str | None = declare(Figure("The high end, when the source gives a range.", label="Up to"))
    unit: str | None = declare(
        Text("The unit, e.g. 'students', 'meals', 'percent' or 'dollars'.", max_length=40)
    )
    per: str | None = declare(Text("What the figure is per, e.g. 'participant'.", max_length=40))
    group: str | None = declare(
        Term(
            "The population the figure is for, when the source breaks it down (e.g. hispanic-latino).",
            "populations",
            open=True,
            label="For group",
        )
    )
    scope: str = declare(
        Choice("Whether it counts this practice or the wider programme it belongs to.", SCOPES),
        default="practice",
    )
    as_of: str | None = declare(
        PartialDate(
            "The date the number describes: YYYY, YYYY-MM or YYYY-MM-DD.", label="As of", period="period"
        )
    )
    period: Period | None = declare(PeriodOf("The period it covers instead: '2021 to 2023' or 'since 2021'."))
    undated: bool = declare(
        Flag("true when the source gives no date; the figure is shown with that warning."), default=False
    )
    source: str = declare(
        Text("Where the number comes from: a report's title or a web address.", required=True, max_length=300)
    )
    sources_disagree: bool = declare(
        Flag(
            "true when another figure here for the same measure, from another source, differs from this "
            "one: both are shown, marked as disagreeing, and neither is taken for the fact.",
        ),
        default=False,
    )

    @property
    def is_dated(self) -> bool:
        return bool(self.as_of or self.period) and not self.undated

    @property
    def is_result(self) -> bool:
        """A dated result of the practice itself, the kind that can support an evidence level."""
        return self.kind in RESULT_KINDS and self.is_dated and self.scope == "practice"


@dataclass(frozen=True, kw_only=True)
class Milestone:
    """An event: a convening, a plan approved, an extension; dated, or said to be undated."""

    date: str = declare(
        PartialDate(
            "When: YYYY, YYYY-MM or YYYY-MM-DD, or 'unknown' when the sources give no date.",
            required=True,
            words=(UNKNOWN,),
        )
    )
    event: str = declare(Text("What happened, in one line.", required=True, max_length=200))
    phase: str | None = declare(Term("The phase it belongs to.", "phases", open=True))
    source: str | None = declare(Url("A public page that records it.", label="Source (web address)"))


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A rule the partnership works under: a funder's condition, a pledge the partners made, a rule of
    its own governance (how it votes, what it caps)."""

    rule: str = declare(Text("The rule in one line, as the source gives it.", required=True, max_length=300))
    kind: str = declare(
        Choice(
            "condition (set by a funder or the law), pledge (a commitment the partners made, e.g. in a "
            "charter) or governance (how the partnership decides or spends: voting, caps, seats).",
            RULE_KINDS,
            required=True,
        )
    )
    set_by: str | None = declare(
        Text("Who set it: the funder, the law, or the partnership (its charter, its RFP).", max_length=160)
    )
    value: str | None = declare(
        Figure("The number in the rule, if it has one: 25 for 'at least 25% employers'.", label="Number")
    )
    qualifier: str = declare(
        Choice("How the number binds: exact, at-least, more-than, at-most (a cap) or about.", QUALIFIERS),
        default="exact",
    )
    up_to: str | None = declare(
        Figure("The high end, when the rule gives a range ('two to four').", label="Up to")
    )
    unit: str | None = declare(Text("The number's unit, e.g. 'percent' or 'dollars'.", max_length=40))
    per: str | None = declare(Text("What the number is per, e.g. 'proposal'.", max_length=40))
    applies_to: str | None = declare(
        Text(
            "What the number counts or limits, e.g. 'employers on the steering committee'.",
            max_length=160,
            label="Applies to",
        )
    )
    phase: str | None = declare(Term("The phase it applies to.", "phases", open=True))
    adopted: str | None = declare(
        PartialDate("When it was set or first applied: YYYY, YYYY-MM or YYYY-MM-DD.")
    )
    source: str = declare(
        Text("Where it is written: a document's title or a web address.", required=True, max_length=300)
    )


@dataclass(frozen=True, kw_only=True)
class Seat:
    """A seat on one of the partnership's bodies (a steering committee, a board), with when it was held."""

    body: str = declare(Text("The body, e.g. 'Executive Steering Committee'.", required=True, max_length=160))
    member: str = declare(
        Text(
            "Who holds the seat: an organisation, or the seat's name ('an employer representative').",
            required=True,
            max_length=160,
        )
    )
    person: str | None = declare(
        Text("The person in it, only as a public source names them.", max_length=120)
    )
    role: str | None = declare(
        Text("The seat's role, e.g. 'chair'.", max_length=80, label="Role on the body")
    )
    since: str | None = declare(PartialDate("When it took the seat: YYYY, YYYY-MM or YYYY-MM-DD."))
    until: str | None = declare(
        PartialDate("When it left the seat: YYYY, YYYY-MM or YYYY-MM-DD, or 'unknown'.", words=(UNKNOWN,))
    )
    as_of: str | None = declare(
        PartialDate("A date the source shows it in the seat (a roster, minutes).", label="As of")
    )
    source: str = declare(
        Text(
            "Where the seat is recorded: a roster's or minutes' title, or a web address.",
            required=True,
            max_length=300,
        )
    )


@dataclass(frozen=True, kw_only=True)
class Recognition:
    """An award or honour: recognition, kept apart from the evidence that the practice works."""

    award: str = declare(Text("The award's name.", required=True, max_length=160))
    by: str | None = declare(Text("Who gave it.", max_length=160, label="Given by"))
    date: str | None = declare(PartialDate("When: YYYY, YYYY-MM or YYYY-MM-DD."))
    source: str | None = declare(Url("A public page that records it.", label="Source (web address)"))


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
class Original:
    """The document a copy reproduces: what it is called and who published it."""

    title: str = declare(Text("The original's title.", required=True, max_length=200))
    publisher: str | None = declare(Text("Who published the original.", max_length=160))
    url: str | None = declare(Url("Where the original can be read, if it still can.", label="Web address"))
    date: str | None = declare(PartialDate("When the original was published: YYYY, YYYY-MM or YYYY-MM-DD."))


@dataclass(frozen=True, kw_only=True)
class Source:
    """A document the record draws on."""

    title: str | None = declare(
        Text("The document's title (optional when an address is given).", max_length=200)
    )
    publisher: str | None = declare(Text("Who published it.", max_length=160))
    url: str | None = declare(Url("Where to read it.", label="Web address"))
    date: str | None = declare(PartialDate("When it was published: YYYY, YYYY-MM or YYYY-MM-DD."))
    copy_of: Original | None = declare(
        Struct(
            Original,
            "When this is a copy of another document (a plan reposted on a document-sharing site under "
            "another title): the original's title and publisher. The title above is then the copy's.",
            label="Copy of",
        )
    )


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
            RegionTerm(
                "A region id, or a new region in words with where it lies: "
                "{new: its name, counties: [...]} (or within: [...], or state: outside California)."
            ),
            "The regions the practice serves; it is found from every region that meets them.",
            min_items=1,
            unique=True,
            required=True,
        )
    )
    period: Period | None = declare(
        PeriodOf(
            "When the practice ran: '2016 to 2019', 'since 2021' or 'FY 2016-17'; its regions are read "
            "with their membership of that time. Without it, its stages' dates, else today's membership."
        )
    )
    partners: tuple[Partner, ...] = declare(
        ListOf(
            Struct(Partner, label="Partner"),
            "The organisations in the partnership, lead first. An organisation whose role changed from "
            "one phase to another is listed once per phase (each entry with its phases).",
            min_items=1,
            required=True,
        )
    )
    no_lead_named: bool = declare(
        Flag(
            "true when the public sources name no lead organisation; otherwise give the lead partner "
            "role: lead.",
            label="No lead named in the sources",
        ),
        default=False,
    )
    people: tuple[Person, ...] = declare(
        ListOf(
            Struct(Person, label="Person"),
            "People a public source names in the practice (a principal investigator, a provost), each with "
            "that source. Not contacts: those go under contact, with their consent.",
            label="People named in the sources",
        )
    )
    focus: tuple[str, ...] = declare(
        ListOf(
            Term("A focus area id.", "focus", open=True),
            "Topics the practice is about.",
            label="Focus areas",
            min_items=1,
            unique=True,
            required=True,
        )
    )
    populations: tuple[str, ...] = declare(
        ListOf(
            Term("A population id.", "populations", open=True),
            "Who the practice serves.",
            unique=True,
            label="Populations served",
        )
    )
    sectors: tuple[str, ...] = declare(
        ListOf(
            Term("A sector id.", "sectors", open=True),
            "Industry sectors the practice prepares people for.",
            unique=True,
            label="Industry sectors",
        )
    )
    funding: tuple[Funding, ...] = declare(
        ListOf(Struct(Funding, label="Funding stream"), "Funding streams behind the practice.")
    )
    instance_of: str | None = declare(
        Term(
            "The statewide programme this practice is one region's instance of (e.g. SlingShot).",
            "funding_streams",
            open=True,
            label="Regional instance of",
        )
    )
    phases: tuple[Phase, ...] = declare(
        ListOf(Struct(Phase, label="Stage"), "Stages the practice went through, in order.", label="Stages")
    )
    rules: tuple[Rule, ...] = declare(
        ListOf(
            Struct(Rule, label="Rule"),
            "Rules and commitments: a grant's conditions, the partners' pledges, the partnership's own "
            "rules (caps, voting), each with its source.",
            label="Rules and commitments",
        )
    )
    governance: tuple[Seat, ...] = declare(
        ListOf(
            Struct(Seat, label="Seat"),
            "Seats on the partnership's bodies (a steering committee), each with when it was held and its "
            "source.",
            label="Governing bodies",
        )
    )
    outcomes: tuple[Outcome, ...] = declare(
        ListOf(
            Struct(Outcome, label="Outcome"),
            "Reported figures, each with its date (or undated: true) and source; mark context figures "
            "kind: context, since they are not results.",
        )
    )
    milestones: tuple[Milestone, ...] = declare(
        ListOf(Struct(Milestone, label="Milestone"), "Dated events: convenings, approvals, extensions.")
    )
    recognition: tuple[Recognition, ...] = declare(
        ListOf(Struct(Recognition, label="Award"), "Awards and honours (not evidence that it works).")
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
    reviewed_by: str | None = declare(
        Text(
            "The organisation whose editor last reviewed the record ('compendium accept --reviewer' writes it).",
            max_length=200,
            editorial=True,
        )
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
