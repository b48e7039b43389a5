"""validate OK => build OK, searched by Hypothesis: a fixed, seeded budget in every test run.

Records are generated from the field declarations, with hostile text in every
field (every Unicode category, markup, extreme numbers, deep and long Markdown);
see ``tests/properties.py``. A longer search: ``python -m tests.benchmarks.properties``.
"""

from __future__ import annotations

import collections
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from compendium.catalog import load_catalog
from compendium.records.practice import PRACTICE
from compendium.records.project import Project

from .properties import check_record, field_kind, leaf_fields, new_project, records

EXAMPLES = 150
"""Generated records per test run: about 10 s here."""

_PROJECT = new_project(Path(tempfile.mkdtemp(prefix="compendium-properties-")) / "project")
_VOCABULARY = load_catalog(Project(_PROJECT), processes=1)[0].vocabulary  # type: ignore[union-attr]
_SEEN: collections.Counter[str] = collections.Counter()


@settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same records every run: CI never meets a new failure by chance
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=records(_VOCABULARY))
def test_a_valid_record_publishes_and_an_invalid_one_is_refused_with_its_line(text: str) -> None:
    _SEEN[check_record(_PROJECT, text)] += 1


def test_the_search_reached_both_sides() -> None:
    """The budget above is spent on records that publish as well as on records that are refused."""
    if not _SEEN:
        pytest.skip("run with the property test")
    assert _SEEN["published"] >= 5 and _SEEN["refused"] >= 5, _SEEN


def test_every_field_kind_of_the_record_has_a_strategy() -> None:
    """A field of a new kind is generated as its kind, not left out: the search keeps reaching it."""
    missing = sorted(
        {type(spec).__name__ for spec in leaf_fields(PRACTICE) if field_kind(spec, _VOCABULARY) is None}
    )
    assert missing == []
