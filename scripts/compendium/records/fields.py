"""Typed field declarations: one per field, each with its documentation.

Modelled on MkDocs' ``config_options``: a declaration validates a value, says
what it expected and what it received, and describes itself as JSON Schema (so
the committed schema, the contributor form and the docs all come from here).

Records are declared as dataclasses whose fields carry a declaration::

    @dataclass(frozen=True, kw_only=True)
    class Partner:
        name: str = declare(Text("The organisation's full name."))

and :class:`Struct` turns a mapping from the strict loader into such an object,
reporting every problem against the line it came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from compendium.records.addresses import (
    MAX_EMAIL_LENGTH,
    MAX_URL_LENGTH,
    AddressError,
    read_email,
    read_web_address,
)
from compendium.records.loader import Document, KeyPath
from compendium.records.names import Names
from compendium.records.names import close_matches as close_matches
from compendium.records.names import suggest as suggest
from compendium.records.problem import Problem

T = TypeVar("T")
S = TypeVar("S")
P = TypeVar("P")

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_URL = re.compile(r"https?://", re.IGNORECASE)
# Control characters other than tab and newline: invisible on the page, ill-formed in the feed's XML.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _refuse_controls(text: str) -> str:
    match = _CONTROL.search(text)
    if match:
        raise Invalid(
            f"contains the control character U+{ord(match.group()):04X} (character {match.start() + 1}), "
            "which cannot be shown or printed; remove it"
        )
    return text


def slugify(text: str) -> str:
    """An id from a title or heading: lowercase words joined by hyphens, at most 60 characters."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:60].rstrip("-") or "practice"


class Invalid(Exception):
    """A value does not fit its declaration; the message says what was expected."""


class Context:
    """What a declaration needs while validating: the vocabularies and where to report."""

    def __init__(
        self,
        document: Document,
        display: str,
        problems: list[Problem],
        terms: Callable[[str], Mapping[str, str]],
        names: Callable[[str], Names] | None = None,
    ) -> None:
        self.document = document
        self.display = display
        self.problems = problems
        self.terms = terms
        """``terms(vocabulary)`` gives that vocabulary's ``{id: label}``."""
        self._names = names
        self._built: dict[str, Names] = {}

    def names(self, vocabulary: str) -> Names:
        """Every name of ``vocabulary``'s terms (ids, labels, other names), for "did you mean"."""
        if self._names is not None:
            return self._names(vocabulary)
        if vocabulary not in self._built:
            self._built[vocabulary] = Names(self.terms(vocabulary))
        return self._built[vocabulary]

    def report(self, keypath: KeyPath, message: str) -> None:
        mark = self.document.mark(keypath)
        line, column = (mark.line, mark.column) if mark else (None, None)
        self.problems.append(Problem(self.display, line, column, message))


def describe(keypath: KeyPath) -> str:
    """``('partners', 0, 'role')`` as users write it: ``partners[1].role``."""
    out = ""
    for part in keypath:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "front matter"


def received(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return repr(value)


class Field(Generic[T]):
    """A declared field: documentation, requiredness, validation and JSON Schema."""

    def __init__(
        self,
        doc: str,
        *,
        required: bool = False,
        example: object = None,
        label: str | None = None,
        editorial: bool = False,
    ) -> None:
        self.doc = doc
        self.required = required
        self.example = example
        self.label = label
        """What a form calls the field (JSON Schema ``title``); default: its name, humanised."""
        self.editorial = editorial
        """Set by editors, never asked of a contributor (JSON Schema ``readOnly``)."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> T:
        """Return the value as the model holds it, or raise :class:`Invalid`."""
        raise NotImplementedError

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        raise NotImplementedError

    def described(self, schema: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"description": self.doc, **schema}
        if self.label:
            out = {"title": self.label, **out}
        if self.editorial:
            out["readOnly"] = True
        if self.example is not None:
            out["examples"] = [self.example]
        return out


class Text(Field[str]):
    """A piece of text; one line unless ``multiline``."""

    def __init__(self, doc: str, *, max_length: int = 200, multiline: bool = False, **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.max_length = max_length
        self.multiline = multiline

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise Invalid(f"expected text, received {received(value)}")
        text = str(value).strip()
        if not text:
            raise Invalid("expected text, received nothing")
        if len(text) > self.max_length:
            raise Invalid(f"is {len(text)} characters long; at most {self.max_length} fit here")
        if not self.multiline and "\n" in text:
            raise Invalid("expected a single line of text")
        if _BLANK_LINE.search(text):
            # Shown as one paragraph everywhere (cards, search results, the feed, the PDF's contents).
            raise Invalid("expected one paragraph, received a blank line inside it; remove the blank line")
        return _refuse_controls(text)

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        if self.multiline:
            schema["x-multiline"] = True
            schema["pattern"] = r"^(?![\s\S]*\n[ \t]*\n)"
        return self.described(schema)


class Date(Field[dt.date]):
    """A calendar date written ``YYYY-MM-DD``."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> dt.date:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise Invalid(f"expected a date written YYYY-MM-DD, received {received(value)}")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise Invalid(f"'{value}' is not a real date; expected YYYY-MM-DD") from None

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described({"type": "string", "format": "date", "pattern": f"^{_DATE.pattern}$"})


def real_partial_date(text: str) -> str:
    """``text``, already shaped like a partial date, if it names a real year, month or day."""
    match = _PARTIAL_DATE.fullmatch(text)
    assert match
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise Invalid(f"'{text}' is not a real date; expected YYYY, YYYY-MM or YYYY-MM-DD") from None
    return text


UNKNOWN = "unknown"
"""A date the sources do not give, said outright: shown as not known, never as a fact."""
ONGOING = "ongoing"
"""An end that has not come: the sources say the phase still runs."""
DATE_WORDS = (UNKNOWN, ONGOING)


def is_date(text: str | None) -> bool:
    """Whether ``text`` is a partial date, not missing, ``unknown`` or ``ongoing``."""
    return text is not None and text not in DATE_WORDS


class PartialDate(Field[str]):
    """A year, a month or a day: ``2022``, ``2022-09`` or ``2022-09-15``; kept as written.

    ``words`` are the words it also takes (:data:`UNKNOWN`, :data:`ONGOING`); ``period`` names the field
    beside it that takes a span, which a writer who gives this one a period is pointed to."""

    def __init__(
        self, doc: str, *, words: tuple[str, ...] = (), period: str | None = None, **kw: Any
    ) -> None:
        super().__init__(doc, **kw)
        self.words = words
        self.period = period

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(text, str) and text.strip().lower() in self.words:
            return text.strip().lower()
        if not isinstance(text, str) or not _PARTIAL_DATE.fullmatch(text):
            if self.period and isinstance(value, str) and _is_period(value):
                raise Invalid(
                    f"'{value.strip()}' is a period, not a date; write it as {self.period}: {value.strip()}"
                )
            words = "".join(f" or '{word}'" for word in self.words)
            raise Invalid(f"expected a year, YYYY-MM or YYYY-MM-DD{words}, received {received(value)}")
        return real_partial_date(text)

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        # A bare year is read by YAML as a number, which validate accepts: so does the schema.
        pattern = _PARTIAL_DATE.pattern + "".join(f"|{word}" for word in self.words)
        return self.described(
            {
                "type": ["string", "integer"],
                "pattern": f"^(?:{pattern})$" if self.words else f"^{pattern}$",
                "x-format": "partial-date",
            }
        )


def _is_period(text: str) -> bool:
    """Whether ``text`` reads as a period (``FY 2021-22``, ``2021 to 2023``, ``since 2021``)."""
    try:
        PeriodOf("").validate(text, (), None)  # type: ignore[arg-type]  # PeriodOf never reads the context
    except Invalid:
        return False
    return not _PARTIAL_DATE.fullmatch(" ".join(text.split()))


def coarsest(a: str, b: str) -> tuple[str, str]:
    """Two partial dates cut to the precision of the less precise: ``2022-05`` and ``2022-05-26``
    compare as ``2022-05`` and ``2022-05``, so a month is not "before" a day inside it."""
    size = min(len(a), len(b))
    return a[:size], b[:size]


def before(a: str, b: str) -> bool:
    """Whether partial date ``a`` is certainly earlier than ``b`` (never, when either is a word such as
    ``unknown``)."""
    if not (is_date(a) and is_date(b)):
        return False
    left, right = coarsest(a, b)
    return left < right


@dataclasses.dataclass(frozen=True)
class Period:
    """A span of time: from ``start`` to ``end``, or ``since`` ``start`` when ``end`` is None."""

    start: str
    end: str | None = None
    fiscal: bool = False
    """Written as a California fiscal year (``FY 2023-24``: July 2023 to June 2024)."""

    def __str__(self) -> str:
        if self.fiscal and self.end:
            return f"FY {self.start[:4]}\u2013{self.end[2:4]}"
        if self.end == self.start:
            return self.start
        return f"{self.start} to {self.end}" if self.end else f"since {self.start}"


_PERIOD = re.compile(rf"({_PARTIAL_DATE.pattern})\s*(?:/|\bto\b|\u2013|\u2014)\s*({_PARTIAL_DATE.pattern})")
_YEARS = re.compile(r"(\d{4})\s*[-\u2013]\s*(\d{4})")
_SINCE = re.compile(rf"since\s+({_PARTIAL_DATE.pattern})", re.IGNORECASE)
_FISCAL = re.compile(r"FY\s*(\d{4})\s*[-\u2013/]\s*(\d{2}|\d{4})", re.IGNORECASE)


class PeriodOf(Field[Period]):
    """A period: ``2022 to 2025`` (or ``2022-2025``), ``2022-09 to 2025-06``, ``since 2021``, one year
    ``2022`` or a fiscal year ``FY 2023-24``."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> Period:
        text = " ".join(value.split()) if isinstance(value, str) else ""
        expected = (
            "expected a period such as '2022 to 2025', '2022-09 to 2025-06', 'since 2021' or "
            f"'FY 2023-24', received {received(value)}"
        )
        if match := _FISCAL.fullmatch(text):
            first, second = int(match.group(1)), int(match.group(2)[-2:])
            if second != (first + 1) % 100:
                raise Invalid(f"'{text}' is not one fiscal year; a fiscal year reads like FY 2023-24")
            return Period(f"{first}-07", f"{first + 1}-06", fiscal=True)
        if match := _YEARS.fullmatch(text):  # 2022-2025: four digits after the hyphen are a year, not a month
            start, end = real_partial_date(match.group(1)), real_partial_date(match.group(2))
            if before(end, start):
                raise Invalid(f"ends ({end}) before it starts ({start})")
            return Period(start, end)
        if match := _SINCE.fullmatch(text):
            return Period(real_partial_date(match.group(1)))
        if match := _PERIOD.fullmatch(text):
            start, end = real_partial_date(match.group(1)), real_partial_date(match.group(5))
            if before(end, start):
                raise Invalid(f"ends ({end}) before it starts ({start})")
            return Period(start, end)
        if re.fullmatch(r"\d{4}", text) or (isinstance(value, int) and not isinstance(value, bool)):
            year = real_partial_date(str(value).strip())
            return Period(year, year)  # one calendar year
        raise Invalid(expected)

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described(
            {"type": ["string", "integer"], "minLength": 4, "maxLength": 40, "x-format": "period"}
        )


class Flag(Field[bool]):
    """Yes or no: written ``true`` or ``false``."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> bool:
        if not isinstance(value, bool):
            raise Invalid(f"expected true or false, received {received(value)}")
        return value

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described({"type": "boolean"})


MAX_DOLLARS = 10**12
"""The largest amount a record may give: a trillion dollars, beyond any programme's budget."""
MAX_FIGURE_DIGITS = 15
"""Digits a figure may have in all: every figure then has an exact, finite double, for charts and print."""


_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_MONEY = re.compile(
    r"\$?\s*(?P<number>(?:0|[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]{0,17})(?:\.[0-9]{1,12})?)"
    r"(?:\s*(?P<scale>thousand|million|billion))?",
    re.IGNORECASE,
)
_MONEY_SCHEMA = (
    r"^\$?\s*(?:0|[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]{0,17})(?:\.[0-9]{1,12})?"
    r"(?:\s*(?:[Tt]housand|[Mm]illion|[Bb]illion))?$"
)
"""The same, for JSON Schema (ECMA-262: no named groups, no flags)."""
_ABBREVIATED = re.compile(r"\$?\s*([0-9][0-9.,]*)\s*([kmb])n?\.?", re.IGNORECASE)
_CEILING = re.compile(r"\b(?:up to|not to exceed|no more than|at most|maximum of|capped at)\b", re.IGNORECASE)
_ROUGH = re.compile(r"(?:\b(?:about|approximately|approx|around|nearly|roughly|some)\b|~)", re.IGNORECASE)
_FLOOR = re.compile(r"\b(?:more than|over|at least|upwards of)\b|\+\s*$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Dollars:
    """An amount of US dollars, exact to the cent: held as whole cents (never a float), with the scale
    word it was written in (``18.1 million``), so it is shown as written."""

    cents: int
    scale: str | None = None

    @property
    def exact(self) -> decimal.Decimal:
        """The amount in dollars, exactly (``Decimal('122901.24')``)."""
        return decimal.Decimal(self.cents) / 100

    def __str__(self) -> str:
        """``$18.1 million``, ``$467,225`` or ``$122,901.24``."""
        if self.scale:
            count = self.exact / _SCALES[self.scale]
            whole, _, fraction = f"{count:f}".partition(".")
            return f"${int(whole):,}{'.' + fraction if fraction else ''} {self.scale}"
        dollars, cents = divmod(self.cents, 100)
        return f"${dollars:,}" + (f".{cents:02d}" if cents else "")


class Amount(Field[Dollars]):
    """An amount of US dollars as sources give it, at most :data:`MAX_DOLLARS`: ``250000``, ``122901.24``,
    ``$467,225`` or ``18.1 million``; exact to the cent (read as a decimal, never a float)."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> Dollars:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            if value > MAX_DOLLARS:
                raise Invalid(f"is ${value:,}; an amount is at most ${MAX_DOLLARS:,}")
            return Dollars(value * 100)
        if isinstance(value, str) and value.isdigit() and len(value) > 18:  # the loader keeps these as text
            raise Invalid(
                f"is {len(value):,} digits long; an amount is at most ${MAX_DOLLARS:,} "
                f"({len(str(MAX_DOLLARS))} digits)"
            )
        text = " ".join(value.split()) if isinstance(value, str) else ""
        match = _MONEY.fullmatch(text) if len(text) <= 60 else None
        if match is None:
            raise Invalid(
                _amount_hint(text)
                or (
                    "expected an amount in US dollars such as 250000, 122901.24, '$467,225' or "
                    f"'18.1 million', received {received(value)}"
                )
            )
        scale = (match.group("scale") or "").lower() or None
        amount = decimal.Decimal(match.group("number").replace(",", "")) * _SCALES.get(scale or "", 1)
        if amount > MAX_DOLLARS:
            raise Invalid(f"is ${amount:,.0f}; an amount is at most ${MAX_DOLLARS:,}")
        cents = amount * 100
        if cents != cents.to_integral_value():
            raise Invalid(f"'{text}' is not a whole number of cents; give at most two decimals of a dollar")
        return Dollars(int(cents), scale)

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described(
            {
                "type": ["integer", "string"],
                "minimum": 0,
                "maximum": MAX_DOLLARS,
                "pattern": _MONEY_SCHEMA,
                "maxLength": 60,
                "x-format": "money",
            }
        )


def _amount_hint(text: str) -> str:
    """What to write instead of an amount with words around it: the words belong in other fields."""
    shown = f"'{text}'" if len(text) <= 40 else received(text)
    if _CEILING.search(text):
        return f"{shown} is a ceiling: write the amount alone, with qualifier: at-most"
    if _ROUGH.search(text):
        return f"{shown} is an estimate: write the amount alone, with qualifier: about"
    if _FLOOR.search(text):
        return f"{shown} is a floor: write the amount alone, with qualifier: more-than (or at-least)"
    if match := _ABBREVIATED.fullmatch(text):
        word = {"k": "thousand", "m": "million", "b": "billion"}[match.group(2).lower()]
        return f"write {shown} with the word spelt out: {match.group(1)} {word}"
    return ""


class Figure(Field[str]):
    """A number as written (``120``, ``12.5``); kept as text so ``1.10`` stays ``1.10``."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _NUMBER.fullmatch(text):
            hint = _figure_hint(text) if isinstance(text, str) else ""
            raise Invalid(hint or f"expected a number such as 120 or 12.5, received {received(value)}")
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_FIGURE_DIGITS:
            raise Invalid(
                f"has {digits:,} digits; a figure has at most {MAX_FIGURE_DIGITS} "
                "(give large figures in a larger unit, such as 18.1 with unit 'million dollars')"
            )
        return text

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described(
            {
                "type": ["string", "integer"],
                "pattern": f"^{_NUMBER.pattern}$",
                "maxLength": MAX_FIGURE_DIGITS + 2,
            }
        )


_FIGURE = r"[0-9][0-9,]*(?:\.[0-9]+)?"
_FIGURE_HINTS = (
    (re.compile(rf"({_FIGURE})\s*\+"), "value: {0} with qualifier: more-than (or at-least, if the source means {0} or more)"),
    (re.compile(rf"(?:more than|over|above)\s+({_FIGURE})", re.I), "value: {0} with qualifier: more-than"),
    (re.compile(rf"at least\s+({_FIGURE})", re.I), "value: {0} with qualifier: at-least"),
    (re.compile(rf"(?:up to|at most|no more than|fewer than|not to exceed)\s+({_FIGURE})", re.I), "value: {0} with qualifier: at-most"),
    (re.compile(rf"(?:about|approximately|approx\.?|around|nearly|roughly|~)\s*({_FIGURE})", re.I), "value: {0} with qualifier: about"),
    (re.compile(rf"({_FIGURE})\s*(?:-|\u2013|to)\s*({_FIGURE})", re.I), "value: {0} with up_to: {1}"),
    (re.compile(rf"({_FIGURE})\s*%"), "value: {0} with unit: percent"),
    (re.compile(rf"\$\s*({_FIGURE})"), "value: {0} with unit: dollars"),
    (re.compile(rf"({_FIGURE})\s*(thousand|million|billion)", re.I), "value: {0} with the unit in words, e.g. unit: '{1} dollars'"),
)  # fmt: skip
"""A figure written with words or signs, and the fields those words belong in."""


def _figure_hint(text: str) -> str:
    """What to write for a figure such as ``50+``, ``about 90``, ``up to 10`` or ``1,200``."""
    text = " ".join(text.split())
    if len(text) > 60:
        return ""
    for pattern, advice in _FIGURE_HINTS:
        if match := pattern.fullmatch(text):
            numbers = [
                group.replace(",", "") if re.fullmatch(_FIGURE, group) else group.lower()
                for group in match.groups()
            ]
            return f"'{text}' holds more than the number: write {advice.format(*numbers)}"
    if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", text):
        return f"write the number without commas: {text.replace(',', '')}"
    return ""


class Choice(Field[str]):
    """One of a fixed set of words the software itself acts on."""

    def __init__(self, doc: str, choices: tuple[str, ...], **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.choices = choices

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        if value not in self.choices:
            raise Invalid(f"expected one of {', '.join(self.choices)}, received {received(value)}")
        assert isinstance(value, str)
        return value

    def schema(self, terms: Any) -> dict[str, Any]:
        return self.described({"type": "string", "enum": list(self.choices)})


class Url(Field[str]):
    """An ``http`` or ``https`` web address, as a browser reads it (:mod:`compendium.records.addresses`)."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        if not isinstance(value, str) or not _URL.match(value.strip()):
            raise Invalid(f"expected a web address starting with https://, received {received(value)}")
        text = _refuse_controls(value.strip())
        try:
            read_web_address(text)
        except AddressError as exc:
            raise Invalid(str(exc)) from None
        return text

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described(
            {
                "type": "string",
                "format": "uri",
                "pattern": r"^https?://[^\\\s@/?#]+(?:[/?#][^\\\s]*)?$",
                "maxLength": MAX_URL_LENGTH,
            }
        )


class Email(Field[str]):
    """One e-mail address (an organisation's shared inbox, preferably), and nothing after it."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        if not isinstance(value, str):
            raise Invalid(f"expected an e-mail address such as info@example.org, received {received(value)}")
        try:
            return read_email(_refuse_controls(value.strip()))
        except AddressError as exc:
            raise Invalid(str(exc)) from None

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described({"type": "string", "format": "email", "maxLength": MAX_EMAIL_LENGTH})


class Slug(Field[str]):
    """A practice's id: its file name without ``.md`` (lowercase letters, digits, hyphens)."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        if not isinstance(value, str) or not SLUG.fullmatch(value):
            raise Invalid(
                f"expected a practice id (its file name without .md, e.g. 'reentry-navigators'), "
                f"received {received(value)}"
            )
        return value

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        # x-refers-to: a form offers the existing practices to pick from.
        return self.described({"type": "string", "pattern": f"^{SLUG.pattern}$", "x-refers-to": "practices"})


class Term(Field[str]):
    """One term from a controlled vocabulary in ``practices/vocabulary.yml``."""

    def __init__(self, doc: str, vocabulary: str, *, open: bool = False, **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.vocabulary = vocabulary
        self.open = open
        """Whether a contributor may name a missing term in words ({new: …}) for an editor to add."""

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> str:
        known = ctx.terms(self.vocabulary)
        if self.open and isinstance(value, dict) and set(value) == {NEW}:
            # "Not in the list": the writer names the term in words, an editor adds it.
            text = Text("", max_length=120).validate(value[NEW], keypath, ctx)
            if (same := ctx.names(self.vocabulary).same(text)) is not None:
                raise Invalid(
                    f"'{text}' is the term '{same}' ({known[same]}), which {self.vocabulary} has already: "
                    f"write {same} (to propose another term, name it so it cannot be taken for that one)"
                )
            return Pending(text)
        if isinstance(value, dict) and set(value) == {NEW}:
            raise Invalid(
                f"{self.vocabulary} cannot take a term written in words: the software acts on these "
                f"terms; choose one of {', '.join(known)}"
            )
        if isinstance(value, dict) and NEW in value:
            raise Invalid(_split_by_comma(value))
        if not isinstance(value, str):
            raise Invalid(f"expected one of the {self.vocabulary} terms, received {received(value)}")
        if value not in known:
            by_label = {label.lower(): term for term, label in known.items()}
            if value.lower() in by_label:
                raise Invalid(f"write the id '{by_label[value.lower()]}', not the label '{value}'")
            names = ctx.names(self.vocabulary)
            meant = names.exact(value)
            if meant is not None and not SLUG.fullmatch(value):  # another name: 'LA County', 'Fresno Co.'
                raise Invalid(f"write the id '{meant}' ({known[meant]}), not '{value}'")
            raise Invalid(f"'{value}' {unknown_term(value, self.vocabulary, known, self.open, names)}")
        return value

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        known = terms(self.vocabulary)
        listed = {"type": "string", "enum": list(known)}
        if not self.open:
            return self.described({**listed, "x-vocabulary": self.vocabulary})
        pending = {
            "type": "object",
            "title": "Not in the list",
            "required": [NEW],
            "additionalProperties": False,
            "properties": {NEW: {"type": "string", "minLength": 1, "maxLength": 120}},
        }
        return self.described({"anyOf": [listed, pending], "x-vocabulary": self.vocabulary})


def unknown_term(
    value: str, vocabulary: str, known: Mapping[str, str], open: bool = False, names: Names | None = None
) -> str:
    """What to say of ``value``, missing from ``vocabulary``: the close terms if any are close enough
    to help, otherwise where the terms are listed (and, for an ``open`` vocabulary, how to ask for one)."""
    close = suggest(value, known, known, names)
    if close:
        return f"is not a known term in {vocabulary}{close}"
    where = (
        f"is not a known term in {vocabulary} (the terms are listed in practices/vocabulary.yml and "
        "practices/practice.schema.json"
    )
    if open:
        return (
            f"{where}; if yours is not there, write {{{NEW}: {_as_yaml(value)}}} and an editor will add it)"
        )
    return where + ")"


def _split_by_comma(value: dict[Any, Any]) -> str:
    """What to say of ``{new: Veterans, including spouses}``, which YAML reads as two fields."""
    parts = [str(value[NEW] or "")] + [str(key) for key, held in value.items() if key != NEW and held is None]
    if len(parts) == len(value) and all(parts):
        name = ", ".join(parts)
        return (
            f"a comma inside {{{NEW}: …}} starts another field; put the name in quotes: "
            f"{{{NEW}: {json.dumps(name, ensure_ascii=False)}}}"
        )
    others = ", ".join(f"'{key}'" for key in value if key != NEW)
    return f"{{{NEW}: …}} holds only the name of the term; remove {others}"


NEW = "new"
"""The key of a term written in words because the vocabulary lacks it: ``{new: Humboldt County}``."""


class Pending(str):
    """A term the vocabulary does not have yet, as the contributor wrote it; an editor adds it."""

    __slots__ = ()


def terms_in(value: object, keypath: KeyPath = ()) -> list[tuple[KeyPath, str, str]]:
    """Every vocabulary term inside a validated record: (where, vocabulary, term), pending ones too."""
    found: list[tuple[KeyPath, str, str]] = []
    if not (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        return found
    for f in dataclasses.fields(value):
        spec, held = f.metadata.get("spec"), getattr(value, f.name)
        if isinstance(spec, ListOf) and isinstance(spec.item, Term):
            found += [((*keypath, f.name, i), spec.item.vocabulary, term) for i, term in enumerate(held)]
        elif isinstance(spec, Term) and held is not None:
            found.append(((*keypath, f.name), spec.vocabulary, held))
        elif isinstance(spec, ListOf):
            for index, item in enumerate(held):
                found += terms_in(item, (*keypath, f.name, index))
        elif isinstance(spec, Struct) and held is not None:
            found += terms_in(held, (*keypath, f.name))
    return found


def pending_terms(value: object) -> list[tuple[KeyPath, str]]:
    """Every :class:`Pending` term inside a validated record, with where it was written."""
    return [(keypath, str(term)) for keypath, _, term in terms_in(value) if isinstance(term, Pending)]


def _as_yaml(text: str) -> str:
    return (
        text if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .'-]*", text) else json.dumps(text, ensure_ascii=False)
    )


class ListOf(Field[tuple[S, ...]]):
    """A list of values of one declaration, reported item by item."""

    def __init__(
        self, item: Field[S], doc: str, *, min_items: int = 0, unique: bool = False, **kw: Any
    ) -> None:
        super().__init__(doc, **kw)
        self.item = item
        self.min_items = min_items
        self.unique = unique

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> tuple[S, ...]:
        one = isinstance(value, str | int) and not isinstance(value, bool)
        if (one or (isinstance(value, dict) and NEW in value)) and not isinstance(self.item, Struct):
            value = [value]  # one term written without brackets is what the writer meant
        if not isinstance(value, list):
            raise Invalid(f"expected a list, received {received(value)}")
        if len(value) < self.min_items:
            raise Invalid(f"expected at least {self.min_items} item(s), received {len(value)}")
        out: list[S] = []
        ok = True
        for index, item in enumerate(value):
            checked = check_part(self.item, item, (*keypath, index), ctx)
            if checked is None:
                ok = False
                continue
            if self.unique and checked in out:
                ctx.report(
                    (*keypath, index), f"{describe((*keypath, index))} repeats '{checked}'; list it once"
                )
                ok = False
            out.append(checked)
        if not ok:
            raise Reported
        return tuple(out)

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        item = self.item.schema(terms)
        schema: dict[str, Any] = {"type": "array", "items": item, "minItems": self.min_items}
        if not isinstance(self.item, Struct):
            # One value written without brackets is accepted, as validate accepts it.
            single = {k: v for k, v in item.items() if k not in ("description", "title", "examples")}
            schema["type"] = ["array", *_types(single)]
            schema["if"] = {"not": {"type": "array"}}
            schema["then"] = single
        if self.unique:
            schema["uniqueItems"] = True
        return self.described(schema)


def _types(schema: dict[str, Any]) -> list[str]:
    """The JSON types a single item's schema allows (a term written in words is an object)."""
    if "anyOf" in schema:
        return sorted({kind for option in schema["anyOf"] for kind in _types(option)})
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


class Reported(Invalid):
    """The problems were already reported item by item; the caller adds nothing."""


def check_part(spec: Field[P], value: object, keypath: KeyPath, ctx: Context) -> P | None:
    """``spec``'s reading of the part of a record at ``keypath``, or None once its problems are reported to
    ``ctx`` (a container reads every part, reports each problem, then fails once). No declaration reads a
    value as None: a missing optional part is never read."""
    try:
        return spec.validate(value, keypath, ctx)
    except Reported:
        return None
    except Invalid as exc:
        ctx.report(keypath, f"{describe(keypath)}: {exc}")
        return None


def declare(spec: Field[Any], *, default: Any = None) -> Any:
    """A dataclass field carrying its declaration. Optional fields default to "not known"."""
    if spec.required:
        return dataclasses.field(metadata={"spec": spec})
    if isinstance(spec, ListOf):
        return dataclasses.field(default=(), metadata={"spec": spec})
    return dataclasses.field(default=default, metadata={"spec": spec})


class Struct(Field[T]):
    """A mapping of declared fields, built into the dataclass ``model``."""

    def __init__(self, model: type[T], doc: str = "", **kw: Any) -> None:
        super().__init__(doc or (model.__doc__ or "").strip(), **kw)
        self.model = model
        self.specs: dict[str, Field[Any]] = {
            f.name: f.metadata["spec"]
            for f in dataclasses.fields(model)  # type: ignore[arg-type]
            if "spec" in f.metadata
        }

    def validate(self, value: object, keypath: KeyPath, ctx: Context, **extra: Any) -> T:
        if not isinstance(value, dict):
            raise Invalid(f"expected fields written as 'name: value', received {received(value)}")
        values: dict[str, Any] = dict(extra)
        ok = True
        for key in value:
            if key not in self.specs:
                where = f" in {describe(keypath)}" if keypath else ""
                tail = suggest(key, self.specs) or f"; the fields here are {', '.join(self.specs)}"
                ctx.report((*keypath, key), f"unknown field '{key}'{where}{tail}")
                ok = False
        for name, spec in self.specs.items():
            raw = value.get(name)
            if raw is None or raw == [] or raw == "":
                if spec.required:
                    ctx.report(
                        (*keypath, name) if name in value else keypath,
                        f"{describe((*keypath, name))} is required: {spec.doc}",
                    )
                    ok = False
                continue
            values[name] = check_part(spec, raw, (*keypath, name), ctx)
            ok = ok and values[name] is not None
        if not ok:
            raise Reported
        return self.model(**values)

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described(
            {
                "type": "object",
                "additionalProperties": False,
                "required": [name for name, spec in self.specs.items() if spec.required],
                "properties": {name: _titled(name, spec.schema(terms)) for name, spec in self.specs.items()},
            }
        )


def _titled(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with a ``title`` for forms: declared, or the name humanised."""
    if "title" in schema:
        return schema
    return {"title": name.replace("_", " ").capitalize(), **schema}


class MapOf(Field[dict[str, S]]):
    """A mapping from ids (lowercase, digits, hyphens) to values of one declaration."""

    def __init__(self, item: Field[S], doc: str, **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.item = item

    def validate(self, value: object, keypath: KeyPath, ctx: Context) -> dict[str, S]:
        if not isinstance(value, dict):
            raise Invalid(f"expected 'id: …' entries, received {received(value)}")
        out: dict[str, S] = {}
        ok = True
        for key, item in value.items():
            where = (*keypath, key)
            if not SLUG.fullmatch(key):
                ctx.report(
                    where, f"'{key}' is not a usable id; expected lowercase letters, digits and hyphens"
                )
                ok = False
                continue
            entry = check_part(self.item, item, where, ctx)
            if entry is None:
                ok = False
            else:
                out[key] = entry
        if not ok:
            raise Reported
        return out

    def schema(self, terms: Callable[[str], Mapping[str, str]]) -> dict[str, Any]:
        return self.described(
            {
                "type": "object",
                "propertyNames": {"pattern": f"^{SLUG.pattern}$"},
                "additionalProperties": self.item.schema(terms),
            }
        )
