"""Small charts of a practice's figures over time, for the site (SVG) and the print edition (Typst).

A chart is drawn only where it shows something a table does not say at a glance:
the same measure, in the same unit, reported for two dates or more. Ranges,
negative changes and context figures stay in the tables; so does every figure,
since the chart only pictures what the table beside it gives with its source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from compendium.records.practice import Outcome
from compendium.render.figures import quantity, when

WIDTH = 360
HEIGHT = 170
TOP = 22
"""Room above the bars for their values."""
BOTTOM = 30
"""Room below the bars for their dates."""


@dataclass(frozen=True)
class Bar:
    """One figure of a chart, placed in the chart's box."""

    when: str
    text: str
    """The figure as the table writes it (``9,750 enrollments``)."""
    ratio: float
    """Its height as a share of the tallest bar."""
    x: float
    width: float
    y: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chart:
    """The figures of one measure over time."""

    measure: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers and the PDF's alternative text."""
        values = "; ".join(f"{bar.when}: {bar.text}" for bar in self.bars)
        return f"{self.measure}, by date. {values}."


def _value(outcome: Outcome) -> float | None:
    try:
        value = float(outcome.value)
    except ValueError:
        return None
    # Validation bounds a figure's digits, so this holds; a chart must never write nan or inf.
    return value if value >= 0 and math.isfinite(value) else None


def _date_key(outcome: Outcome) -> str:
    return outcome.as_of or (outcome.period.start if outcome.period else "")


def charts(outcomes: Iterable[Outcome]) -> list[Chart]:
    """A chart for each measure the practice reports, in one unit, at two dates or more. Targets and
    figures whose sources disagree are left to the tables: a bar would read as a result, or as a change."""
    series: dict[tuple[str, ...], list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.kind in ("context", "target") or outcome.sources_disagree:
            continue
        if not outcome.is_dated or outcome.up_to or _value(outcome) is None:
            continue
        key = (
            outcome.measure.casefold(),
            outcome.unit or "",
            outcome.per or "",
            outcome.group or "",
            outcome.scope,
        )
        series.setdefault(key, []).append(outcome)
    made = []
    for figures in series.values():
        figures.sort(key=_date_key)
        if len({_date_key(o) for o in figures}) < 2:
            continue
        made.append(_chart(figures))
    return made


def _chart(figures: list[Outcome]) -> Chart:
    values = [_value(o) or 0.0 for o in figures]
    highest = max(values) or 1.0
    slot = WIDTH / len(figures)
    width = min(56.0, slot * 0.6)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for n, (outcome, value) in enumerate(zip(figures, values, strict=True)):
        height = round(room * value / highest, 1)
        bars.append(
            Bar(
                when=when(outcome.as_of, outcome.period),
                text=quantity(outcome),
                ratio=round(value / highest, 4),
                x=round(n * slot + (slot - width) / 2, 1),
                width=round(width, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                height=height,
            )
        )
    return Chart(figures[0].measure, bars)
