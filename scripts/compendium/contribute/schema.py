"""The record's JSON Schema, read off the field declarations and the vocabularies.

Committed as ``practices/practice.schema.json`` for editors' tools, published
beside the open data, and used to build the contributor form.
"""

from __future__ import annotations

import json
from typing import Any

from compendium.records.practice import PRACTICE
from compendium.records.rules import RULES
from compendium.records.vocabulary import Vocabulary


def practice_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    """The JSON Schema of a record's front matter, with vocabularies as enums."""
    schema = PRACTICE.schema(vocabulary.terms)
    schema.pop("examples", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Practice record",
        **schema,
        "x-body-sections": list(vocabulary.sections),
        "x-body-prompts": dict(vocabulary.prompts),
        "x-labels": {name: dict(vocabulary.terms(name)) for name in _vocabularies_used(schema)},
        # Rules across fields (records/rules.py): the validator's, evaluated by the Submit form too.
        "x-rules": [rule.as_json() for rule in RULES],
    }


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _vocabularies_used(schema: Any) -> list[str]:
    found: list[str] = []
    if isinstance(schema, dict):
        if "x-vocabulary" in schema and schema["x-vocabulary"] not in found:
            found.append(schema["x-vocabulary"])
        for value in schema.values():
            found.extend(v for v in _vocabularies_used(value) if v not in found)
    elif isinstance(schema, list):
        for value in schema:
            found.extend(v for v in _vocabularies_used(value) if v not in found)
    return found
