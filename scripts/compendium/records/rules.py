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
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from compendium.records.fields import before
from compendium.records.practice import RESULT_KINDS
from compendium.records.vocabulary import EVIDENCED_LEVELS

KeyPath = tuple[str | int, ...]
Schema = dict[str, Any]

KEYWORDS = (
    "const", "enum", "required", "properties", "not", "anyOf", "allOf", "if", "then", "contains", "x-compare",
    "x-member-of",
)  # fmt: skip
"""The keywords rules may use: both evaluators read these and nothing else. All but two are JSON Schema's;
``x-compare`` and ``x-member-of`` are this project's own (JSON Schema cannot compare two values of a record):
``{"x-compare": {"low": "start", "high": "end", "as": "date"}}`` holds unless the item gives both fields and
``high`` is certainly below ``low``, read ``as`` a ``"decimal"`` (a figure: ``120``, ``12.5``) or a partial
``"date"`` (``2022``, ``2022-05``, ``2022-05-26``, compared at the precision of the less precise, so a month
is not below a day inside it). A value that does not read as one (``unknown``, a typo the field's own check
reports) is never below anything. ``{"x-member-of": ["partners", "*", "name"]}`` holds when the value is one of
the values at that path of the whole record, compared as names are (case and spacing aside)."""


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
    """``{where}`` is the item as users write it (``outcomes[2]``); ``{a.b}`` is a value of the item."""

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "scope": list(self.scope), "at": list(self.at), "schema": self.schema,
                "message": self.message}  # fmt: skip


def _given(name: str) -> Schema:
    return {"required": [name]}


def _in_order(low: str, high: str, kind: str) -> Schema:
    return {"x-compare": {"low": low, "high": high, "as": kind}}


_UNDATED = {"required": ["undated"], "properties": {"undated": {"const": True}}}
_DATED = {"anyOf": [_given("as_of"), _given("period")]}
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
            f"{listed}-{field}-is-a-partner",
            (listed, "*"),
            (field,),
            {"properties": {field: {"x-member-of": ["partners", "*", "name"]}}},
            f"{{where}}.{field}: '{{{field}}}' is not a partner of this practice; name one of the partners "
            "listed (as written there), or add it to partners",
        )
        for listed, field in (("funding", "recipient"), ("people", "organisation"))
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


def _member(value: Any, path: list[str], record: Any) -> bool:
    """Whether ``value`` is, as names are compared, one of the values at ``path`` (the ``x-member-of``
    keyword); what is not a name (the field's own check reports it) is not looked up."""
    if not isinstance(value, str):
        return True
    listed = {name_key(text) for _, text in items(record, tuple(path)) if isinstance(text, str)}
    return name_key(value) in listed


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


def broken(record: Any) -> list[tuple[KeyPath, str]]:
    """Every (where, message) of :data:`RULES` that ``record`` (as written, empties pruned) breaks."""
    found = []
    data = pruned(record)
    for rule in RULES:
        for keypath, item in items(data, rule.scope):
            if not holds(rule.schema, item, data):
                found.append(((*keypath, *rule.at), message(rule, keypath, item)))
    return found


_PLACE = re.compile(r"\{([a-z_.]+)\}")


def message(rule: Rule, keypath: KeyPath, item: Any) -> str:
    """The rule's message for the item at ``keypath``: its place as users write it, and its values."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "where":
            return "".join(
                f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in keypath
            ).lstrip(".")
        value = item
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return str(value)

    return _PLACE.sub(fill, rule.message)
