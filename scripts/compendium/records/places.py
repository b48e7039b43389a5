"""Where a region lies: the declaration of a practice's ``regions``, new regions included.

A contributor may name a region the vocabulary lacks, in words, for an editor to add. Such a
region must say where it lies, so the practice is listed from there meanwhile (never from nowhere)::

    regions:
      - new: Central Valley Higher Education Consortium region
        counties: [san-joaquin-county, stanislaus-county, fresno-county]
      - {new: Iron Range, state: Minnesota}
      - {new: Salinas Valley, within: [monterey-county]}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from compendium.records.fields import (
    NEW,
    Context,
    Invalid,
    ListOf,
    Pending,
    Reported,
    Term,
    Text,
    describe,
    suggest,
)
from compendium.records.loader import KeyPath
from compendium.records.names import Names

COUNTIES = "counties"
"""The derived vocabulary of the regions whose system is ``county`` (:meth:`Vocabulary.terms`)."""
COUNTY_SYSTEM = "county"
CALIFORNIA = "California"

US_STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
    "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
    "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
    "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
    "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "American Samoa",
    "Guam", "Northern Mariana Islands", "Puerto Rico", "U.S. Virgin Islands",
)  # fmt: skip
"""The states, the federal district and the inhabited territories of the United States (their
names as the U.S. Census Bureau writes them), for a region outside California."""
STATE_ABBREVIATIONS = dict(
    zip(
        [
            "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
            "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
            "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
            "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
        ],
        US_STATES,
        strict=True,
    )
)  # fmt: skip
"""USPS two-letter codes, so 'MN' gets 'Minnesota' as its suggestion."""

PLACES = ("counties", "within", "state")
"""The keys that say where a new region lies."""


class PendingRegion(Pending):
    """A region the vocabulary does not have yet, with where it lies (at least one of the three)."""

    counties: tuple[str, ...]
    """The counties it covers, wholly or in part (county ids)."""
    within: tuple[str, ...]
    """Known regions it lies in."""
    state: str | None
    """The US state, for a region outside California."""

    def __new__(
        cls, name: str, counties: tuple[str, ...] = (), within: tuple[str, ...] = (), state: str | None = None
    ) -> PendingRegion:
        made = super().__new__(cls, name)
        made.counties, made.within, made.state = counties, within, state
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # pages are made on two processes: keep the placement
        return (PendingRegion, (str(self), self.counties, self.within, self.state))

    @property
    def outside_california(self) -> bool:
        return self.state is not None


class RegionTerm(Term):
    """A region id from the vocabulary, or a new region written in words with where it lies."""

    def __init__(self, doc: str, **kw: Any) -> None:
        super().__init__(doc, "regions", open=True, **kw)
        self.counties = ListOf(
            Term("A county id.", COUNTIES),
            "The counties it covers, wholly or in part: their ids, e.g. fresno-county.",
            unique=True,
        )
        self.within = ListOf(
            Term("A region id.", "regions"), "Regions of the vocabulary it lies in.", unique=True
        )
        self.state = Text("The US state it lies in, when it is outside California.", max_length=60)

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        if not (isinstance(value, dict) and NEW in value):
            return super().validate(value, keypath, ctx)
        extra = [name for name in value if name != NEW and name not in PLACES]
        for name in extra:
            tail = suggest(str(name), PLACES) or f"; a new region takes {NEW}, {', '.join(PLACES)}"
            ctx.report((*keypath, name), f"{describe(keypath)}: unknown field '{name}'{tail}")
        ok = not extra
        name = ""
        try:  # the name, read as the plain term it will be once an editor adds it
            name = super().validate({NEW: value[NEW]}, keypath, ctx)
        except Reported:
            ok = False
        except Invalid as exc:
            ctx.report(keypath, f"{describe(keypath)}: {exc}")
            ok = False
        places: dict[str, Any] = {}
        for field in PLACES:
            if value.get(field) in (None, "", []):
                continue
            spec = getattr(self, field)
            try:  # a state is also read as a US state's name, with its own problem at the field
                checked = spec.validate(value[field], (*keypath, field), ctx)
                places[field] = _state(checked) if field == "state" else checked
            except Reported:
                ok = False
            except Invalid as exc:
                ctx.report((*keypath, field), f"{describe((*keypath, field))}: {exc}")
                ok = False
        if not ok:
            raise Reported
        if not places:
            raise Invalid(nowhere(name))
        return PendingRegion(name, **places)

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        schema = super().schema(terms)
        pending = next(option for option in schema["anyOf"] if option.get("type") == "object")
        pending["description"] = (
            "A region the vocabulary lacks, for an editor to add, with where it lies: its counties, "
            "a region it lies in, or the state when it is outside California."
        )
        pending["properties"].update(
            {
                "counties": {"title": "Its counties", **self.counties.schema(terms)},
                "within": {"title": "Lies within", **self.within.schema(terms)},
                "state": {
                    "title": "State (outside California)",
                    "description": self.state.doc,
                    "type": "string",
                    "enum": [state for state in US_STATES if state != CALIFORNIA],
                },
            }
        )
        pending["anyOf"] = [{"required": [place]} for place in PLACES]
        return schema


def nowhere(name: str) -> str:
    """What to say of a new region that does not say where it lies."""
    return (
        f"'{name}' is a new region and says nowhere where it lies, so the practice would be listed from "
        f"no place until an editor adds it; write {{{NEW}: {name}, counties: [its county ids]}}, "
        f"or within: [a region it lies in], or, outside California, state: its US state"
    )


def _state(text: str) -> str:
    """A US state's name as the Census Bureau writes it, for a region outside California."""
    if text == CALIFORNIA:
        raise Invalid(
            "'California' is for no new region: one in California says where it lies by its counties "
            "(counties: [...]) or by a region it lies in (within: [...])"
        )
    if text in US_STATES:
        return text
    names = Names({state: state for state in US_STATES})
    meant = STATE_ABBREVIATIONS.get(text.upper()) or names.exact(text)
    close = [meant] if meant else names.close(text)
    tail = f"; did you mean {' or '.join(repr(s) for s in close)}?" if close else ""
    raise Invalid(f"'{text}' is not a US state{tail} (write its name in full, e.g. Minnesota)")
