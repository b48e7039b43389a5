"""Facts as the sources give them: amounts to the cent, unknowns said outright, targets and ceilings,
rules and seats, people named in public sources, disagreeing figures, copies of documents; how each
reads on the page, in the open data and in the print edition; and ``compendium upgrade``, which carries
records written for the earlier model over, byte for byte outside what it must change.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from compendium.catalog import load_catalog
from compendium.cli.main import main
from compendium.editorial.upgrade import upgrade
from compendium.printing.typeset import _practice
from compendium.records.fields import Dollars
from compendium.records.project import Project
from compendium.render import figures
from compendium.render.charts import charts
from compendium.settings import Settings
from compendium.site.converter import Converter
from compendium.site.pages import SiteBuilder

from .conftest import RECORDS, REPO

BODY = "## Need\nN.\n## What they did\nW.\n## Results\nR.\n## Lessons learned\nL.\n## How to replicate\nH.\n"


def record(partners: str, extra: str = "") -> str:
    """A record with the given partners (YAML list items) and extra front-matter lines."""
    return (
        "---\ntitle: Upgrade me\nsummary: A record written for the earlier model.\nregions: statewide\n"
        f"partners:\n{partners}focus: reentry-services\n{extra}evidence: {{level: emerging, basis: self-reported}}\n"
        "status: submitted\nsubmitted: 2024-01-01\ncontact: {organisation: Example Board}\n---\n" + BODY
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- compendium upgrade ---------------------------------------------------------------------------

UPGRADES = [
    # A single role, as most records wrote it: it becomes a flow list.
    (
        "  - name: Example Board  # convened the region\n    type: workforce-board\n    role: convener\n",
        "  - name: Example Board  # convened the region\n    type: workforce-board\n    role: [convener, lead]\n",
    ),
    # A flow list, spaces kept.
    (
        "  - {name: Example Board, type: workforce-board, role: [convener, fiscal-agent ]}\n",
        "  - {name: Example Board, type: workforce-board, role: [convener, fiscal-agent, lead ]}\n",
    ),
    # A block list, with a comment after its last item: the new item goes on a line of its own.
    (
        "  - name: Example Board\n    type: workforce-board\n    role:\n      - convener  # since 2019\n"
        "    note: the region's convener\n",
        "  - name: Example Board\n    type: workforce-board\n    role:\n      - convener  # since 2019\n"
        "      - lead\n    note: the region's convener\n",
    ),
    # A quoted role keeps its quotes.
    (
        "  - {name: Example Board, type: workforce-board, role: 'convener'}\n",
        "  - {name: Example Board, type: workforce-board, role: ['convener', lead]}\n",
    ),
]


@pytest.mark.parametrize(
    ("before", "after", "line"),
    [(*pair, line) for pair, line in zip(UPGRADES, (8, 6, 9, 6), strict=True)],
    ids=["scalar", "flow", "block", "quoted"],
)
def test_upgrade_adds_lead_to_a_convener_that_led_and_changes_nothing_else(
    make_project: Callable[..., Path], before: str, after: str, line: int
) -> None:
    root = make_project({"upgrade-me.md": record(before)})
    path = root / "practices" / "upgrade-me.md"
    result = upgrade(path, "practices/upgrade-me.md")
    assert result.text == record(after)
    assert [at for at, _ in result.changes] == [line]
    path.write_text(result.text, encoding="utf-8")
    catalog, problems = load_catalog(Project(root), processes=1)
    assert problems == []
    assert catalog is not None and catalog.practices["upgrade-me"].partners[0].is_lead


def test_upgrade_keeps_line_endings_and_a_byte_order_mark(make_project: Callable[..., Path]) -> None:
    text = "\ufeff" + record("  - {name: Example Board, type: workforce-board, role: convener}\n")
    root = make_project({"upgrade-me.md": text.replace("\n", "\r\n").encode("utf-8")})
    result = upgrade(root / "practices" / "upgrade-me.md", "practices/upgrade-me.md")
    expected = "\ufeff" + record("  - {name: Example Board, type: workforce-board, role: [convener, lead]}\n")
    assert result.text == expected.replace("\n", "\r\n")


@pytest.mark.parametrize(
    "partners, extra",
    [
        ("  - {name: Example Board, type: workforce-board, role: [convener, lead]}\n", ""),
        ("  - {name: A, type: workforce-board, role: convener}\n  - {name: B, type: k-12, role: lead}\n", ""),
        ("  - {name: Example Board, type: workforce-board, role: convener}\n", "no_lead_named: true\n"),
        ("  - {name: Example Board, type: workforce-board, role: partner}\n", ""),
    ],
    ids=["already-lead", "another-leads", "no-lead-named", "no-convener"],
)
def test_upgrade_leaves_a_record_that_needs_nothing(
    make_project: Callable[..., Path], partners: str, extra: str
) -> None:
    root = make_project({"upgrade-me.md": record(partners, extra)})
    result = upgrade(root / "practices" / "upgrade-me.md", "practices/upgrade-me.md")
    assert (result.text, result.changes) == (record(partners, extra), [])


def test_upgrade_command_reports_checks_and_writes(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    convened = record("  - {name: Example Board, type: workforce-board, role: convener}\n")
    root = make_project({"convened.md": convened, "minimal.md": RECORDS / "good" / "minimal.md"})
    line = (
        "practices/convened.md:6: partners[1].role: adds lead, since a convener no longer counts as the "
        "lead and the record had this convener lead the practice\n"
    )
    code, out, _ = run(capsys, "--root", str(root), "validate")
    assert code == 1 and "'compendium upgrade' writes role: [convener, lead] for you" in out
    assert run(capsys, "--root", str(root), "upgrade", "--check") == (
        1,
        line + "1 record(s) would change; run 'compendium upgrade' to write them.\n",
        "",
    )
    assert (root / "practices" / "convened.md").read_text(encoding="utf-8") == convened
    assert run(capsys, "--root", str(root), "upgrade") == (
        0,
        line + "Upgraded 1 record(s): review the changes (git diff), then commit them.\n",
        "",
    )
    assert run(capsys, "--root", str(root), "validate")[0] == 0
    assert run(capsys, "--root", str(root), "upgrade", "--check") == (
        0,
        "Nothing to upgrade: every record is written for the current model.\n",
        "",
    )


def test_upgrade_never_touches_a_frozen_text_and_reads_strictly(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project({"broken.md": "---\ntitle: [unclosed\n---\n"})
    frozen = root / "volumes" / "01-one" / "frozen" / "a.md"
    frozen.parent.mkdir(parents=True)
    frozen.write_text(record("  - {name: Example Board, type: workforce-board, role: convener}\n"))
    code, _, err = run(capsys, "--root", str(root), "upgrade", str(frozen))
    assert code == 2 and "a frozen text of a published volume never changes" in err
    code, out, err = run(capsys, "--root", str(root), "upgrade")
    assert code == 1
    assert out.startswith("practices/broken.md:3:1: this is not valid YAML") and out.count("\n") == 1
    assert "1 record(s) could not be read, so were not upgraded; fix them first" in err


def test_a_frozen_text_keeps_the_rules_of_its_day() -> None:
    """Volume 1 was published when a convener led: its frozen texts still validate, unchanged."""
    frozen = sorted((REPO / "volumes" / "01-the-genius-of-regions" / "frozen").glob("*.md"))
    convened = [path for path in frozen if "role: convener" in path.read_text(encoding="utf-8")]
    assert convened, "volume 1 has frozen texts led by a convener"
    catalog, problems = load_catalog(Project(REPO), processes=1)
    assert catalog is not None
    assert not [p for p in problems if "frozen" in p.path and "lead" in p.message]
    assert all((1, path.stem) in catalog.frozen for path in convened)


# -- how the facts read ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2019-03", None, "from Mar 2019; end not known"),
        ("2019-03", "unknown", "from Mar 2019; end not known"),
        ("2019-03", "ongoing", "since Mar 2019, ongoing"),
        ("2018", "2019-03", "2018 to Mar 2019"),
        (None, "2022", "until 2022; start not known"),
        ("unknown", "ongoing", "ongoing; start not known"),
        ("unknown", "unknown", "Not known"),
        (None, None, "Not known"),
    ],
)
def test_a_phase_without_a_known_end_never_reads_as_running(
    start: str | None, end: str | None, shown: str
) -> None:
    assert figures.span(start, end) == shown


@pytest.mark.parametrize(
    ("amount", "qualifier", "shown"),
    [
        (Dollars(46722500), "at-most", "up to $467,225"),
        (Dollars(12290124), "exact", "$122,901.24"),
        (Dollars(1810000000, "million"), "about", "about $18.1 million"),
        (Dollars(100000000, "million"), "more-than", "more than $1 million"),
    ],
)
def test_amounts_read_as_their_sources_give_them(amount: Dollars, qualifier: str, shown: str) -> None:
    assert figures.dollars(amount, qualifier) == shown


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteBuilder, object]:
    root = tmp_path_factory.mktemp("facts") / "project"
    (root / "practices").mkdir(parents=True)
    (root / "practices" / "vocabulary.yml").write_bytes((REPO / "practices" / "vocabulary.yml").read_bytes())
    (root / "practices" / "complete.md").write_bytes((RECORDS / "good" / "complete.md").read_bytes())
    catalog, problems = load_catalog(Project(root), processes=1)
    assert problems == [] and catalog is not None
    builder = SiteBuilder(catalog, Settings(site_name="Compendium"), Converter(["tables", "toc"], {}), 1)
    return builder, catalog


def test_the_page_shows_each_new_fact_and_no_unknown_as_a_fact(complete: tuple[SiteBuilder, object]) -> None:
    builder, catalog = complete
    page = builder.practice_page(catalog.practices["complete"])  # type: ignore[attr-defined]
    html = page.html.content if page.html else page.content
    text = " ".join(html.split())
    for shown in (
        "up to $122,901.24, to Example College (a share for one partner, not the practice's whole funding)",
        "about $18.1 million",
        "Passed on by the lead board under a subaward.",
        "since Jan 15, 2022, ongoing",
        "Not known",
        "Date not known",
        "Targets",
        "up to 10 interns",
        "Sources disagree on this figure",
        "Rules and commitments",
        "(employers on the steering committee: 25%+)",
        "Governance",
        "Executive Steering Committee",
        "Example Person",
        "Provost, Example College",
        "formerly Example County Schools Office (renamed 2020)",
        "has left (date not known)",
        "Regional Prison to Employment Plan",
        "read in a copy at",
    ):
        assert shown in text, shown
    assert "2022 on" not in text and "unknown" not in text.replace("Date not known", "")


def test_targets_and_disagreeing_figures_are_never_charted(complete: tuple[SiteBuilder, object]) -> None:
    """Two dated figures of one measure make a chart; not when they are targets, or when their sources
    disagree (a bar from each would read as a change over time)."""
    _, catalog = complete
    outcomes = catalog.practices["complete"].outcomes  # type: ignore[attr-defined]
    assert [o.measure for o in outcomes if o.measure == "union members" and o.as_of] == ["union members"] * 2
    assert charts(outcomes) == []


def test_the_open_data_holds_amounts_exactly_and_every_new_field(
    complete: tuple[SiteBuilder, object],
) -> None:
    builder, _ = complete
    data = {asset.path: asset.content for asset in builder.open_data()}
    practice = json.loads(data["data/practices.json"])["practices"][0]
    amounts = [f.get("amount") for f in practice["funding"]]
    assert amounts == [250000, "122901.24", 18100000, None]
    assert Decimal(amounts[1]) == Decimal("122901.24")
    assert {"people", "rules", "governance", "no_lead_named"} <= set(practice)
    assert practice["phases"][1]["end"] == "ongoing"
    assert practice["sources"][-1]["copy_of"]["title"] == "Regional Prison to Employment Plan"
    row = next(csv.DictReader(io.StringIO(data["data/practices.csv"].decode("utf-8"))))
    assert "up to $122,901.24" in row["funding"] and "to Example College" in row["funding"]
    assert "[sources disagree]" in row["outcomes"] and "[target]" in row["outcomes"]
    assert row["people"] == "Example Person, Provost, Example College, principal investigator"
    assert row["rules"].startswith(
        "At least a quarter of the steering committee's members are employers. [condition]"
    )
    assert row["governance"].startswith("Executive Steering Committee: Example Workforce Board, chair")


def test_the_print_edition_carries_the_same_facts(complete: tuple[SiteBuilder, object]) -> None:
    _, catalog = complete
    practice = catalog.practices["complete"]  # type: ignore[attr-defined]
    data = _practice(catalog.vocabulary, practice, lambda target: None)  # type: ignore[attr-defined]
    glance = dict(data["glance"])
    assert "up to $122,901.24, to Example College" in glance["Funding"]
    assert glance["People named"].startswith(
        "Example Person (Provost, Example College): principal investigator"
    )
    assert [row[1] for row in data["phases"]] == [
        "May 26, 2021 to May 2021",
        "since Jan 15, 2022, ongoing",
        "Not known",
    ]
    assert data["milestones"][-1] == ["Date not known", "The partners signed a charter"]
    assert [t["heading"] for t in data["outcomes"]] == ["Reported outcomes", "Targets", "Context figures"]
    assert [row[1] for row in data["rules"]] == ["Condition", "Pledge", "Governance"]
    assert data["governance"][0]["body"] == "Executive Steering Committee"
    assert data["sources"][-1].startswith(
        "Regional Prison to Employment Plan, Example Regional Planning Unit (2018); read in a copy"
    )


def test_an_older_vocabulary_with_groups_still_loads(make_project: Callable[..., Path]) -> None:
    """A vocabulary written before populations took the groups in (a volume's frozen copy) loads, its
    groups counted as populations."""
    root = make_project()
    path = root / "practices" / "vocabulary.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "\ngroups:\n  retirees: {label: Retired people}\n",
        encoding="utf-8",
    )
    catalog, problems = load_catalog(Project(root), processes=1)
    assert problems == [] and catalog is not None
    assert catalog.vocabulary.label("populations", "retirees") == "Retired people"


def test_two_terms_of_one_list_may_not_mean_the_same(make_project: Callable[..., Path]) -> None:
    root = make_project()
    path = root / "practices" / "vocabulary.yml"
    text = path.read_text(encoding="utf-8").replace(
        "  women: {label: Women}\n", "  women: {label: Women}\n  females: {label: women}\n"
    )
    path.write_text(text, encoding="utf-8")
    _, problems = load_catalog(Project(root), processes=1)
    assert [p.message for p in problems] == [
        "populations.females: the label 'women' is already the label of 'women'; two terms of one list "
        "must not mean the same thing"
    ]
