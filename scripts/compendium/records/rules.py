"""Rules across a record's fields, declared once for the validator and the Submit form alike.

A rule says, as a small piece of JSON Schema, what every item of one part of a record satisfies
(every outcome has a date; a 'promising' practice has a dated result), with the message users see
when one does not. ``compendium validate`` evaluates them with :func:`check` on the record as written;
the schema carries them as ``x-rules``, and the Submit form's script (``overrides/assets/js/rules.mjs``)
evaluates the same declarations on the record it is about to write. Both evaluators read the same
subset of JSON Schema (:data:`KEYWORDS`), on the record with its empty values left out, as
:func:`pruned` leaves them; ``tests/test_rules.py`` holds them to the same answers as the reference
implementation (``jsonschema``) and the browser's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from compendium.records.fields import before
from compendium.records.practice import RESULT_KINDS
from compendium.records.vocabulary import CONVENER, EVIDENCED_LEVELS, LEAD

KeyPath = tuple[str | int, ...]
Schema = dict[str, Any]

KEYWORDS = (
    "const", "enum", "type", "required", "properties", "not", "anyOf", "allOf", "if", "then", "contains",
    "x-compare", "x-member-of", "x-differ",
)  # fmt: skip
"""The keywords rules may use: both evaluators read these and nothing else. All but three are JSON Schema's
(``type`` with its seven JSON types: a role is written ``lead`` or ``[lead, fiscal-agent]``, and ``contains``
says nothing of text); ``x-compare``, ``x-member-of`` and ``x-differ`` are this project's own (JSON Schema
cannot compare two values of a record): ``{"x-compare": {"low": "start", "high": "end", "as": "date"}}``
holds unless the item gives both fields and ``high`` is certainly below ``low``, read ``as`` a ``"decimal"``
(a figure: ``120``, ``12.5``) or a partial ``"date"`` (``2022``, ``2022-05``, ``2022-05-26``, compared at the
precision of the less precise, so a month is not below a day inside it). A value that does not read as one
(``unknown``, a typo the field's own check reports) is never below anything. ``{"x-member-of": ["partners",
"*", "name"]}`` holds when the value is one of the values at that path of the whole record, compared as names
are (case and spacing aside; a name written as a number, ``2020``, is its digits).
``{"x-differ": ["part_of", "name"]}`` holds unless the item gives both fields and they are the same name,
compared so. Like JSON Schema's own keywords, each holds of a value it does not apply to (an object keyword
of a list, ``x-member-of`` of what is not a name)."""


@dataclass(frozen=True)
class Rule:
    """What each item under ``scope`` satisfies, and what to say where it does not."""

    name: str
    scope: tuple[str, ...]
    """Where its items are: ``("outcomes", "*")`` for each outcome, ``()`` for the whole record."""
    at: tuple[str, ...]
    """The field of the item the problem is reported at (its line); ``()`` for the item itself."""
    schema: Schema
    message: str
    """``{where}`` is the item as users write it (``outcomes[2]``); ``{a.b}`` is a value of the item; a name of
    :attr:`places` is the place of what it finds."""
    places: dict[str, tuple[tuple[str, ...], Schema]] = field(default_factory=dict)
    """Places a message names, each the first part under a scope of the item that satisfies a schema
    (``{"lead": (("partners", "*"), LEADS)}`` makes ``{lead}`` read ``partners[2]``); a rule's schema only
    fails where that part exists."""
    binds_frozen_texts: bool = True
    """Whether a published volume's frozen text is held to it too; a rule newer than texts already published
    is not (they keep the rules of their day)."""

    def as_json(self) -> dict[str, Any]:
        named = {
            name: {"scope": list(scope), "schema": schema} for name, (scope, schema) in self.places.items()
        }
        return {"name": self.name, "scope": list(self.scope), "at": list(self.at), "schema": self.schema,
                "message": self.message, "places": named}  # fmt: skip


def _given(name: str) -> Schema:
    return {"required": [name]}


def _in_order(low: str, high: str, kind: str) -> Schema:
    return {"x-compare": {"low": low, "high": high, "as": kind}}


_UNDATED = {"required": ["undated"], "properties": {"undated": {"const": True}}}
_DATED = {"anyOf": [_given("as_of"), _given("period")]}


def _has_role(role: str) -> Schema:
    """A partner with ``role``, written alone (``role: lead``) or among others (``role: [lead, funder]``)."""
    return {
        "required": ["role"],
        "properties": {"role": {"anyOf": [{"const": role}, {"type": "array", "contains": {"const": role}}]}},
    }


def _a_partner(schema: Schema) -> Schema:
    return {"required": ["partners"], "properties": {"partners": {"contains": schema}}}


_LEADS = _has_role(LEAD)
_CONVENES = _has_role(CONVENER)
_NO_LEAD_NAMED = {"required": ["no_lead_named"], "properties": {"no_lead_named": {"const": True}}}
_NO_LEAD = (
    f"no partner leads: give the lead organisation role: {LEAD}, first in the list; if the sources name no "
    "lead, write no_lead_named: true"
)

RESULT: Schema = {
    "allOf": [
        _DATED,
        {"not": _UNDATED},
        {"not": {"required": ["kind"], "properties": {"kind": {"not": {"enum": list(RESULT_KINDS)}}}}},
        {"not": {"required": ["scope"], "properties": {"scope": {"const": "programme"}}}},
    ]
}
"""An outcome that can support an evidence level: a dated result of the practice itself."""

RULES: tuple[Rule, ...] = (
    Rule(
        "outcome-dated-and-undated",
        ("outcomes", "*"),
        ("undated",),
        {"not": {"allOf": [_UNDATED, _given("as_of")]}},
        "{where} has as_of and undated: true; keep one",
    ),
    Rule(
        "outcome-period-and-undated",
        ("outcomes", "*"),
        ("undated",),
        {"not": {"allOf": [_UNDATED, _given("period"), {"not": _given("as_of")}]}},
        "{where} has period and undated: true; keep one",
    ),
    Rule(
        "outcome-two-dates",
        ("outcomes", "*"),
        ("period",),
        {"not": {"allOf": [_given("as_of"), _given("period"), {"not": _UNDATED}]}},
        "{where} has both as_of and period; keep one",
    ),
    Rule(
        "outcome-needs-a-date",
        ("outcomes", "*"),
        (),
        {"anyOf": [_DATED, _UNDATED]},
        "{where} needs its date: as_of (YYYY, YYYY-MM or YYYY-MM-DD) or period ('2021 to 2023'); "
        "if the source gives none, write undated: true",
    ),
    Rule(
        "evidence-needs-a-result",
        (),
        ("evidence", "level"),
        {
            "if": {
                "required": ["evidence"],
                "properties": {
                    "evidence": {
                        "required": ["level"],
                        "properties": {"level": {"enum": list(EVIDENCED_LEVELS)}},
                    }
                },
            },
            "then": {"required": ["outcomes"], "properties": {"outcomes": {"contains": RESULT}}},
        },
        "evidence level '{evidence.level}' needs at least one dated outcome of the practice itself under "
        "outcomes (not undated, not context, not the wider programme's); otherwise use 'emerging'",
    ),
    Rule(
        "source-needs-a-title-or-address",
        ("sources", "*"),
        (),
        {"anyOf": [_given("title"), _given("url")]},
        "{where} needs a title, a url, or both",
    ),
    *(
        Rule(
            f"{listed}-{named}-is-a-partner",
            (listed, "*"),
            (named,),
            {"properties": {named: {"x-member-of": ["partners", "*", "name"]}}},
            f"{{where}}.{named}: '{{{named}}}' is not a partner of this practice; name one of the partners "
            "listed (as written there), or add it to partners",
        )
        for listed, named in (("funding", "recipient"), ("people", "organisation"))
    ),
    Rule(
        "part-of-another-partner",
        ("partners", "*"),
        ("part_of",),
        {
            "properties": {"part_of": {"x-member-of": ["partners", "*", "name"]}},
            "x-differ": ["part_of", "name"],
        },
        "{where}.part_of: '{part_of}' is not another partner of this practice; name one of the partners listed "
        "(as written there)",
    ),
    Rule(
        "renamed-says-formerly",
        ("partners", "*"),
        ("renamed",),
        {"if": _given("renamed"), "then": _given("formerly")},
        "{where}.renamed needs formerly: the name it had before",
    ),
    Rule(
        "lead-or-no-lead-named",
        (),
        ("no_lead_named",),
        {"not": {"allOf": [_NO_LEAD_NAMED, _a_partner(_LEADS)]}},
        f"no_lead_named: true, but {{lead}} has role: {LEAD}; keep one",
        places={"lead": (("partners", "*"), _LEADS)},
    ),
    Rule(
        "a-partner-leads",
        (),
        ("partners",),
        {"anyOf": [{"not": _given("partners")}, _NO_LEAD_NAMED, _a_partner(_LEADS), _a_partner(_CONVENES)]},
        _NO_LEAD,
        binds_frozen_texts=False,  # a frozen text keeps the rules of its day, when a convener counted as the lead
    ),
    Rule(
        "a-convener-is-not-the-lead",
        (),
        ("partners",),
        {"anyOf": [_NO_LEAD_NAMED, _a_partner(_LEADS), {"not": _a_partner(_CONVENES)}]},  # none: no convener
        f"{_NO_LEAD} (a {CONVENER} no longer counts as the lead: if {{convener}} led it, 'compendium upgrade' "
        f"writes role: [{CONVENER}, {LEAD}] for you)",
        places={"convener": (("partners", "*"), _CONVENES)},
        binds_frozen_texts=False,
    ),
    Rule(
        "outcome-range-runs-low-to-high",
        ("outcomes", "*"),
        ("up_to",),
        _in_order("value", "up_to", "decimal"),
        "{where}.up_to ({up_to}) is below value ({value}); a range runs low to high",
    ),
    Rule(
        "phase-ends-after-it-starts",
        ("phases", "*"),
        ("end",),
        _in_order("start", "end", "date"),
        "{where} ends ({end}) before it starts ({start})",
    ),
    Rule(
        "partner-leaves-after-it-joins",
        ("partners", "*"),
        ("left",),
        _in_order("joined", "left", "date"),
        "{where} left ({left}) before it joined ({joined})",
    ),
    Rule(
        "seat-ends-after-it-starts",
        ("governance", "*"),
        ("until",),
        _in_order("since", "until", "date"),
        "{where} ends ({until}) before it starts ({since})",
    ),
)
"""Every rule across fields that the validator and the form share."""


def pruned(value: Any) -> Any:
    """``value`` without empty values (nothing, "", [], {}), which a record treats as not given."""
    if isinstance(value, dict):
        kept = {key: pruned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in (pruned(item) for item in value) if item not in (None, "", [], {})]
    return value


def holds(schema: Schema, value: Any, record: Any = None) -> bool:
    """Whether ``value`` satisfies ``schema`` (the :data:`KEYWORDS` subset of JSON Schema); ``x-member-of``
    looks its values up in ``record``, the whole record ``value`` is part of."""
    unknown = set(schema) - set(KEYWORDS)
    if unknown:
        raise ValueError(f"rules use only {', '.join(KEYWORDS)}; this one uses {', '.join(sorted(unknown))}")
    tests: list[Callable[[], bool]] = [
        lambda: "const" not in schema or _same(value, schema["const"]),
        lambda: "enum" not in schema or any(_same(value, option) for option in schema["enum"]),
        lambda: "type" not in schema or _is_type(value, schema["type"]),
        lambda: not isinstance(value, dict) or all(name in value for name in schema.get("required", ())),
        lambda: (
            not isinstance(value, dict)
            or all(
                holds(sub, value[name], record)
                for name, sub in schema.get("properties", {}).items()
                if name in value
            )
        ),
        lambda: "not" not in schema or not holds(schema["not"], value, record),
        lambda: "anyOf" not in schema or any(holds(sub, value, record) for sub in schema["anyOf"]),
        lambda: all(holds(sub, value, record) for sub in schema.get("allOf", ())),
        lambda: (
            "if" not in schema
            or not holds(schema["if"], value, record)
            or holds(schema.get("then", {}), value, record)
        ),
        lambda: (
            "contains" not in schema
            or not isinstance(value, list)
            or any(holds(schema["contains"], item, record) for item in value)
        ),
        lambda: "x-compare" not in schema or not _below(schema["x-compare"], value),
        lambda: "x-member-of" not in schema or _member(value, schema["x-member-of"], record),
        lambda: "x-differ" not in schema or not _same_name(schema["x-differ"], value),
    ]
    return all(test() for test in tests)


_FIGURE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_PARTIAL_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")


def _below(compare: dict[str, str], item: Any) -> bool:
    """Whether ``item``'s ``high`` is certainly below its ``low`` (the ``x-compare`` keyword)."""
    if not isinstance(item, dict):
        return False
    low, high = (_written(item.get(compare[end])) for end in ("low", "high"))
    if low is None or high is None:
        return False
    if compare["as"] == "decimal":
        return bool(_FIGURE.fullmatch(low) and _FIGURE.fullmatch(high)) and Decimal(high) < Decimal(low)
    return bool(_PARTIAL_DATE.fullmatch(low) and _PARTIAL_DATE.fullmatch(high)) and before(high, low)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float | Decimal) and not isinstance(value, bool),
}


def _is_type(value: Any, kind: str) -> bool:
    """Whether ``value`` is of the JSON type ``kind`` (the ``type`` keyword, one type)."""
    if kind not in _TYPES:
        raise ValueError(f"rules name one of the types {', '.join(_TYPES)}; this one names {kind!r}")
    return _TYPES[kind](value)


def _member(value: Any, path: list[str], record: Any) -> bool:
    """Whether ``value`` is, as names are compared, one of the values at ``path`` (the ``x-member-of``
    keyword); what is not a name (the field's own check reports it) is not looked up."""
    name = _name(value)
    if name is None:
        return True
    listed = {_name(text) for _, text in items(record, tuple(path))}
    return name in listed


def _same_name(fields: list[str], item: Any) -> bool:
    """Whether ``item`` gives each of ``fields`` as the same name (what the ``x-differ`` keyword refuses)."""
    if not isinstance(item, dict):
        return False
    names = [_name(item.get(name)) for name in fields]
    return None not in names and len(set(names)) == 1


def _name(value: Any) -> str | None:
    """A name as names are compared, or None for what is not a name (a name field takes digits: 2020)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return name_key(value) if isinstance(value, str) else None


def name_key(name: str) -> str:
    """A name as names are compared: case and spacing aside."""
    return " ".join(name.casefold().split())


def _written(value: Any) -> str | None:
    """A number or date as text, as the record's fields read it (``2022`` is the year "2022")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else None


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1."""
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def items(record: Any, scope: tuple[str, ...], keypath: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Each item of ``record`` under ``scope``, with where it is."""
    if not scope:
        yield keypath, record
        return
    head, rest = scope[0], scope[1:]
    if head == "*":
        for index, item in enumerate(record if isinstance(record, list) else []):
            yield from items(item, rest, (*keypath, index))
    elif isinstance(record, dict) and head in record:
        yield from items(record[head], rest, (*keypath, head))


def broken(record: Any, frozen: bool = False) -> list[tuple[KeyPath, str]]:
    """Every (where, message) of :data:`RULES` that ``record`` (as written, empties pruned) breaks; of a
    ``frozen`` text (a published volume's), only those of :data:`RULES` that bind frozen texts."""
    found = []
    data = pruned(record)
    for rule in RULES:
        if frozen and not rule.binds_frozen_texts:
            continue
        for keypath, item in items(data, rule.scope):
            if not holds(rule.schema, item, data):
                found.append(
                    ((*keypath, *rule.at), message(rule, keypath, item, places(rule, keypath, item, data)))
                )
    return found


def places(rule: Rule, keypath: KeyPath, item: Any, record: Any) -> dict[str, KeyPath]:
    """Where each of ``rule``'s :attr:`~Rule.places` is in ``item`` (at ``keypath`` of ``record``)."""
    found = {}
    for name, (scope, schema) in rule.places.items():
        for place, part in items(item, scope, keypath):
            if holds(schema, part, record):
                found[name] = place
                break
    return found


_PLACE = re.compile(r"\{([a-z_.]+)\}((?:\.[a-z_]+)*)")


def written(keypath: KeyPath) -> str:
    """A place in a record as users write it: ``outcomes[2].undated``."""
    return "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in keypath).lstrip(".")


def message(rule: Rule, keypath: KeyPath, item: Any, found: dict[str, KeyPath] | None = None) -> str:
    """The rule's message for the item at ``keypath``: its place as users write it, its values, and the
    places ``found`` of what the rule's :attr:`~Rule.places` find, each with the fields written after it
    (``{where}.part_of`` is the place of the item's ``part_of``, which the form names by its label)."""

    def fill(match: re.Match[str]) -> str:
        name, fields = match.groups()
        tail = tuple(fields[1:].split(".")) if fields else ()
        if name == "where":
            return written((*keypath, *tail))
        if name in rule.places:
            return written((*(found or {}).get(name, ()), *tail))
        value = item
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return str(value) + fields

    return _PLACE.sub(fill, rule.message)
