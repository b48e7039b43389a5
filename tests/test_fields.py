"""Every field kind's failure, with the exact words a contributor reads (as MkDocs tests ``config_options``).

Each row: a declaration, a value as the strict loader hands it over, and the
message, or the problems reported item by item with their lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from compendium.records.fields import (
    Amount,
    Choice,
    Context,
    Date,
    Dollars,
    Email,
    Field,
    Figure,
    Invalid,
    ListOf,
    MapOf,
    PartialDate,
    Reported,
    Slug,
    Struct,
    Term,
    Text,
    Url,
    declare,
)
from compendium.records.loader import Document, Mark
from compendium.records.volume import VolumeNumber

TERMS = {"regions": {"statewide": "California (statewide)", "inland-empire": "Inland Empire"}}


@dataclass(frozen=True, kw_only=True)
class Pair:
    """Two fields, for the mapping kinds."""

    name: str = declare(Text("A name.", required=True))
    note: str | None = declare(Text("A note."))


def context(problems: list[Any]) -> Context:
    marks = {("x",): Mark(4, 3), ("x", 0): Mark(5, 5), ("x", 1): Mark(6, 5), ("x", "bb"): Mark(7, 3)}
    return Context(Document(Path("r.md"), {}, marks), "r.md", problems, lambda name: TERMS[name])


EXPECT_ERROR: list[tuple[Field[Any], object, str]] = [
    (Text("t"), ["a"], "expected text, received a list"),
    (Text("t"), True, "expected text, received true (a yes/no value)"),
    (Text("t"), "   ", "expected text, received nothing"),
    (Text("t", max_length=5), "abcdefg", "is 7 characters long; at most 5 fit here"),
    (Text("t"), "two\nlines", "expected a single line of text"),
    (Date("d"), "2024-1-5", "expected a date written YYYY-MM-DD, received '2024-1-5'"),
    (Date("d"), "2024-02-30", "'2024-02-30' is not a real date; expected YYYY-MM-DD"),
    (PartialDate("d"), "spring 2022", "expected a year, YYYY-MM or YYYY-MM-DD, received 'spring 2022'"),
    (PartialDate("d"), "2022-13", "'2022-13' is not a real date; expected YYYY, YYYY-MM or YYYY-MM-DD"),
    (Amount("a"), "two million", "expected an amount in US dollars such as 250000, 122901.24, '$467,225' or '18.1 million', received 'two million'"),
    (Amount("a"), -5, "expected an amount in US dollars such as 250000, 122901.24, '$467,225' or '18.1 million', received -5"),
    (Amount("a"), "$1,00", "expected an amount in US dollars such as 250000, 122901.24, '$467,225' or '18.1 million', received '$1,00'"),
    (Amount("a"), "122901.245", "'122901.245' is not a whole number of cents; give at most two decimals of a dollar"),
    (Amount("a"), "1.2 trillion", "expected an amount in US dollars such as 250000, 122901.24, '$467,225' or '18.1 million', received '1.2 trillion'"),
    (Amount("a"), "1001 billion", "is $1,001,000,000,000; an amount is at most $1,000,000,000,000"),
    (Amount("a"), "Not to exceed $467,225", "'Not to exceed $467,225' is a ceiling: write the amount alone, with qualifier: at-most"),
    (Amount("a"), "up to $122,902", "'up to $122,902' is a ceiling: write the amount alone, with qualifier: at-most"),
    (Amount("a"), "about $10 million", "'about $10 million' is an estimate: write the amount alone, with qualifier: about"),
    (Amount("a"), "more than $1 million", "'more than $1 million' is a floor: write the amount alone, with qualifier: more-than (or at-least)"),
    (Amount("a"), "$18.1M", "write '$18.1M' with the word spelt out: 18.1 million"),
    (Figure("n"), "about 90", "'about 90' holds more than the number: write value: 90 with qualifier: about"),
    (Figure("n"), "50+", "'50+' holds more than the number: write value: 50 with qualifier: more-than (or at-least, if the source means 50 or more)"),
    (Figure("n"), "more than 2,000", "'more than 2,000' holds more than the number: write value: 2000 with qualifier: more-than"),
    (Figure("n"), "at least 25", "'at least 25' holds more than the number: write value: 25 with qualifier: at-least"),
    (Figure("n"), "up to 10", "'up to 10' holds more than the number: write value: 10 with qualifier: at-most"),
    (Figure("n"), "120-150", "'120-150' holds more than the number: write value: 120 with up_to: 150"),
    (Figure("n"), "90%", "'90%' holds more than the number: write value: 90 with unit: percent"),
    (Figure("n"), "$4,437", "'$4,437' holds more than the number: write value: 4437 with unit: dollars"),
    (Figure("n"), "18.1 million", "'18.1 million' holds more than the number: write value: 18.1 with the unit in words, e.g. unit: 'million dollars'"),
    (Figure("n"), "1,200", "write the number without commas: 1200"),
    (Figure("n"), "many", "expected a number such as 120 or 12.5, received 'many'"),
    (PartialDate("d", period="period"), "FY 2021-22", "'FY 2021-22' is a period, not a date; write it as period: FY 2021-22"),
    (PartialDate("d", period="period"), "2021 to 2023", "'2021 to 2023' is a period, not a date; write it as period: 2021 to 2023"),
    (PartialDate("d"), "FY 2021-22", "expected a year, YYYY-MM or YYYY-MM-DD, received 'FY 2021-22'"),
    (PartialDate("d", words=("unknown", "ongoing")), "soon", "expected a year, YYYY-MM or YYYY-MM-DD or 'unknown' or 'ongoing', received 'soon'"),
    (PartialDate("d"), "unknown", "expected a year, YYYY-MM or YYYY-MM-DD, received 'unknown'"),
    (Term("r", "regions", open=True), {"new": "Veterans", "including spouses": None}, 'a comma inside {new: …} starts another field; put the name in quotes: {new: "Veterans, including spouses"}'),
    (Term("r", "regions", open=True), {"new": "Veterans", "note": "x"}, "{new: …} holds only the name of the term; remove 'note'"),
    (Url("u"), "www.example.org", "expected a web address starting with https://, received 'www.example.org'"),
    (Email("e"), "info at example", "expected an e-mail address such as info@example.org, received 'info at example'"),
    (
        Slug("s"),
        "Reentry_Navigators",
        "expected a practice id (its file name without .md, e.g. 'reentry-navigators'), "
        "received 'Reentry_Navigators'",
    ),
    (Term("r", "regions"), 12, "expected one of the regions terms, received 12"),
    (Term("r", "regions"), "Inland Empire", "write the id 'inland-empire', not the label 'Inland Empire'"),
    (
        Term("r", "regions"),
        "inland-empir",
        "'inland-empir' is not a known term in regions; did you mean 'inland-empire' (Inland Empire)?",
    ),
    (ListOf(Text("t"), "l"), {"a": 1}, "expected a list, received a set of fields"),
    (ListOf(Text("t"), "l", min_items=2), ["one"], "expected at least 2 item(s), received 1"),
    (Struct(Pair), "just text", "expected fields written as 'name: value', received 'just text'"),
    (MapOf(Text("t"), "m"), ["a"], "expected 'id: …' entries, received a list"),
    (VolumeNumber("v"), 0, "expected a volume number such as 1, received 0"),
    (VolumeNumber("v"), "one", "expected a volume number such as 1, received 'one'"),
    (Choice("c", ("draft", "published")), "final", "expected one of draft, published, received 'final'"),
]  # fmt: skip


ACCEPTED: list[tuple[Field[Any], object, object]] = [
    (Amount("a"), 250000, Dollars(25000000)),
    (Amount("a"), "122901.24", Dollars(12290124)),
    (Amount("a"), "$467,225", Dollars(46722500)),
    (Amount("a"), "18.1 million", Dollars(1810000000, "million")),
    (Amount("a"), "$18.13 Million", Dollars(1813000000, "million")),
    (Amount("a"), "1,000,000,000,000", Dollars(10**14)),
    (Amount("a"), "0", Dollars(0)),
    (PartialDate("d", words=("unknown", "ongoing")), "Unknown", "unknown"),
    (PartialDate("d", words=("unknown", "ongoing")), "ongoing", "ongoing"),
    (PartialDate("d", words=("unknown",)), 2022, "2022"),
]
"""Values a declaration takes, and what the model holds for them."""


@pytest.mark.parametrize(("spec", "value", "held"), ACCEPTED, ids=lambda v: None)
def test_accepted(spec: Field[Any], value: object, held: object) -> None:
    assert spec.validate(value, ("x",), context([])) == held


@pytest.mark.parametrize(
    ("amount", "shown", "exact"),
    [
        (Dollars(1810000000, "million"), "$18.1 million", "18100000"),
        (Dollars(1813000000, "million"), "$18.13 million", "18130000"),
        (Dollars(46722500), "$467,225", "467225"),
        (Dollars(12290124), "$122,901.24", "122901.24"),
        (Dollars(10**14), "$1,000,000,000,000", "1000000000000"),
        (Dollars(5), "$0.05", "0.05"),
    ],
)
def test_an_amount_is_exact_to_the_cent_and_shown_as_written(amount: Dollars, shown: str, exact: str) -> None:
    assert str(amount) == shown
    assert amount.exact == Decimal(exact)


@pytest.mark.parametrize(("spec", "value", "message"), EXPECT_ERROR, ids=lambda v: None)
def test_expect_error(spec: Field[Any], value: object, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        spec.validate(value, ("x",), context([]))
    assert not isinstance(caught.value, Reported)
    assert str(caught.value) == message


REPORTED: list[tuple[Field[Any], object, list[str]]] = [
    (
        ListOf(Text("t"), "l", unique=True),
        ["a", ["b"]],
        ["r.md:6:5: x[2]: expected text, received a list"],
    ),
    (ListOf(Text("t"), "l", unique=True), ["a", "a"], ["r.md:6:5: x[2] repeats 'a'; list it once"]),
    (
        Struct(Pair),
        {"nme": "x"},
        [
            "r.md:4:3: unknown field 'nme' in x; did you mean 'name'?",
            "r.md:4:3: x.name is required: A name.",
        ],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "value", "messages"), REPORTED, ids=lambda v: None)
def test_problems_are_reported_item_by_item_with_their_lines(
    spec: Field[Any], value: object, messages: list[str]
) -> None:
    problems: list[Any] = []
    with pytest.raises(Reported):
        spec.validate(value, ("x",), context(problems))
    assert [str(p) for p in problems] == messages


def test_a_map_reports_each_bad_id_and_each_bad_value() -> None:
    problems: list[Any] = []
    with pytest.raises(Reported):
        MapOf(Text("t", max_length=3), "m").validate({"bb": "long", "Bad Id": "y"}, ("x",), context(problems))
    assert [str(p) for p in problems] == [
        "r.md:7:3: x.bb: is 4 characters long; at most 3 fit here",
        "r.md:4:3: 'Bad Id' is not a usable id; expected lowercase letters, digits and hyphens",
    ]


@pytest.mark.parametrize(
    ("word", "terms", "expected"),
    [
        # The misleading suggestions of the old difflib cut-off: only a shared suffix or a few letters.
        ("orange-county", ["los-angeles-county", "riverside-county"], ""),
        ("fresno-county", ["riverside-county", "los-angeles-county"], ""),
        ("foundation", ["probation", "corrections"], ""),
        ("state", ["status", "summary"], ""),
        # Typos are still caught: a letter left out, two swapped.
        ("reentry-service", ["reentry-services"], "; did you mean 'reentry-services'?"),
        ("los-angelse-county", ["los-angeles-county"], "; did you mean 'los-angeles-county'?"),
    ],
)
def test_suggestions_only_when_close_enough_to_help(word: str, terms: list[str], expected: str) -> None:
    from compendium.records.fields import suggest

    assert suggest(word, terms) == expected


def test_a_word_of_a_label_finds_its_terms_unless_it_names_too_many() -> None:
    from compendium.records.fields import suggest

    labels = {"fresno-county": "Fresno County", "fresno-lwda": "Fresno workforce development area"}
    assert suggest("fresno", labels, labels) == (
        "; did you mean 'fresno-county' (Fresno County) or 'fresno-lwda' (Fresno workforce development area)?"
    )
    counties = {f"c{n}-county": f"C{n} County" for n in range(5)}
    assert suggest("county", counties, counties) == ""
