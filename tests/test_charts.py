"""Charts of a practice's figures over time: which figures make one, and how the site and the print
edition draw it (labelled, with words for screen readers, the table after it)."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

from compendium.catalog import load_catalog
from compendium.records.project import Project
from compendium.render.charts import charts

from .conftest import REPO
from .sitebuild import print_project

CAPITAL = "capital-adult-education-regional-consortium"
SUMMARY = (
    "enrollments across the seven programme areas, by date. "
    "FY 2021\u201322: 9,750 enrollments; FY 2023\u201324: 11,547 enrollments."
)


def test_one_measure_at_two_dates_makes_a_chart_and_nothing_else_does() -> None:
    catalog, problems = load_catalog(Project(REPO))
    assert catalog is not None and not problems
    drawn = charts(catalog.practices[CAPITAL].outcomes)
    # Its other figures are one date each, a negative change or undated: they stay in the table.
    assert [c.measure for c in drawn] == ["enrollments across the seven programme areas"]
    (chart,) = drawn
    assert [(b.when, b.text, b.ratio) for b in chart.bars] == [
        ("FY 2021\u201322", "9,750 enrollments", round(9750 / 11547, 4)),
        ("FY 2023\u201324", "11,547 enrollments", 1.0),
    ]
    assert chart.summary == SUMMARY
    tall, short = chart.bars[1], chart.bars[0]
    assert tall.y + tall.height == short.y + short.height == chart.baseline  # on one baseline
    assert abs(short.height / tall.height - short.ratio) < 0.01  # heights in proportion to the figures
    others = [p for slug, p in catalog.practices.items() if slug != CAPITAL]
    assert all(charts(p.outcomes) == [] for p in others)


def test_the_practice_page_draws_it_before_the_table_with_words_for_screen_readers(repo_site: Path) -> None:
    page = (repo_site / "practices" / CAPITAL / "index.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg class="cmp-chart__svg"[^>]*>.*?</svg>', page, re.DOTALL)
    assert svg is not None
    assert 'role="img" aria-labelledby="chart-1-title chart-1-desc"' in svg.group(0)
    assert '<desc id="chart-1-desc">enrollments across the seven programme areas, by date.' in svg.group(0)
    assert svg.group(0).count('class="cmp-chart__bar"') == 2
    assert page.index("cmp-chart__svg") < page.index('<th scope="col">Measure</th>')


def test_the_print_edition_draws_it_as_a_figure_with_alternative_text(tmp_path: Path) -> None:
    from compendium.cli.main import main

    text = (REPO / "practices" / f"{CAPITAL}.md").read_text(encoding="utf-8")
    text = re.sub(r"^related: .*\n", "", text.replace("status: submitted", "status: accepted"), flags=re.M)
    root = print_project(tmp_path / "project", {f"{CAPITAL}.md": text})
    assert main(["--root", str(root), "volume", "cut", "--title", "One", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "print", "1", "-o", str(tmp_path / "one.pdf")]) == 0
    with pikepdf.open(tmp_path / "one.pdf") as pdf:
        alts = []

        def walk(node: pikepdf.Object) -> None:
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure" and "/Alt" in node:
                    alts.append(str(node["/Alt"]))
                kids = node.get("/K")
                if kids is not None:
                    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                        walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert alts == [SUMMARY]
