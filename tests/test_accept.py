"""compendium accept: status, review date and reviewer set in each record's text, all or none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compendium.cli.main import main

from .conftest import RECORDS
from .sitebuild import print_project

MINIMAL = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")


def record(title: str, status: str = "accepted") -> str:
    return MINIMAL.replace("Golden minimal record", title).replace("status: submitted", f"status: {status}")


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return print_project(
        tmp_path / "project",
        {"a-one.md": record("A one"), "c-three.md": record("C three", status="submitted")},
    )


def test_accept_sets_status_and_review_keeping_comments_and_order(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "practices" / "c-three.md"
    original = path.read_text(encoding="utf-8").replace(
        "status: submitted", "# Editorial fields below.\nstatus: submitted   # awaiting review"
    )
    path.write_text(original, encoding="utf-8")
    code, out, _ = run(
        capsys, project, "accept", "c-three", "--reviewer", "California Workforce Association: editors",
        "--date", "2026-01-10",
    )  # fmt: skip
    assert (code, out.splitlines()[0]) == (
        0,
        "practices/c-three.md: accepted (was submitted), reviewed 2026-01-10 by California Workforce "
        "Association: editors",
    )
    accepted = path.read_text(encoding="utf-8")
    expected = original.replace(
        "status: submitted   # awaiting review", "status: accepted   # awaiting review"
    )
    submitted = re.search(r"^submitted: .*\n", expected, re.MULTILINE)
    assert submitted is not None
    at = submitted.end()
    expected = (
        expected[:at]
        + 'reviewed: 2026-01-10\nreviewed_by: "California Workforce Association: editors"\n'
        + expected[at:]
    )
    assert accepted == expected
    assert run(capsys, project, "validate")[0] == 0
    # Again: a new review date, the same lines.
    code, out, _ = run(capsys, project, "accept", "c-three", "--date", "2026-01-12")
    assert out.startswith("practices/c-three.md: reviewed again, reviewed 2026-01-12\n")
    assert path.read_text(encoding="utf-8") == expected.replace(
        "reviewed: 2026-01-10", "reviewed: 2026-01-12"
    )


def test_accept_changes_nothing_when_any_practice_cannot_be_accepted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: p.read_bytes() for p in (project / "practices").glob("*.md")}
    code, out, err = run(capsys, project, "accept", "c-three", "a-onne", "--date", "2020-01-01")
    assert code == 1
    assert out.splitlines() == [
        "practices/c-three.md:2:1: the review date 2020-01-01 is before submitted (2024-01-01)",
        "practices/a-onne.md: no practice has the id 'a-onne'; did you mean 'a-one'?; ids are the record's file "
        "name in practices/ without .md",
    ]
    assert err == "2 problem(s) found; fix them first.\n"
    assert {p.name: p.read_bytes() for p in (project / "practices").glob("*.md")} == before


def test_accept_refuses_a_record_waiting_for_a_new_term_and_a_retired_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    waiting = project / "practices" / "c-three.md"
    waiting.write_text(
        re.sub(
            r"^focus: .*$",
            "focus: [reentry-services, {new: Apprenticeship hubs}]",
            waiting.read_text(),
            flags=re.MULTILINE,
        ),
        encoding="utf-8",
    )
    retired = project / "practices" / "a-one.md"
    retired.write_text(
        retired.read_text().replace(
            "status: accepted", "status: retired\nretired: The partnership ended in 2025."
        ),
        encoding="utf-8",
    )
    assert run(capsys, project, "validate")[0] == 0
    code, out, _ = run(capsys, project, "accept", "c-three", "a-one", "--date", "2026-01-10")
    assert code == 1
    assert out.splitlines() == [
        "practices/c-three.md:7:27: focus[2]: 'Apprenticeship hubs' is not in the vocabulary yet; add it to "
        "practices/vocabulary.yml and write its id here before accepting the practice",
        "practices/a-one.md:9:1: is retired (The partnership ended in 2025.); a retired practice is not accepted again",
    ]
