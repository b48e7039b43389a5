"""Volumes: cut, publish, list, and validation of volumes that must never change silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from compendium.cli.main import main

from .conftest import RECORDS, REPO
from .sitebuild import print_project

MINIMAL = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")


def record(title: str, status: str = "accepted", region: str = "statewide") -> str:
    return (
        MINIMAL.replace("Golden minimal record", title)
        .replace("status: submitted", f"status: {status}")
        .replace("regions: statewide", f"regions: {region}")
    )


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {
        "b-reentry.md": record("B reentry", region="statewide"),
        "a-k16.md": record("A K-16", region="los-angeles-k16"),
        "c-statewide.md": record("C statewide"),
        "d-waiting.md": record("D waiting", status="submitted"),
    }
    root = print_project(tmp_path / "project", files)
    return root


def test_cut_selects_accepted_practices_grouped_by_region(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Example Org"
    )
    assert code == 0
    assert out.splitlines() == [
        "Created volumes/01-first-steps: Volume 1, a draft with 3 practices.",
        "  California (statewide)",
        "    b-reentry",
        "    c-statewide",
        "  Los Angeles Regional K-16 Collaborative",
        "    a-k16",
        "Left out 1:",
        "    d-waiting: status is 'submitted', not 'accepted'",
        "Next: edit volume.yml and foreword.md there, then 'compendium volume publish 1'.",
    ]
    assert run(capsys, project, "validate")[0] == 0
    # A second cut leaves out what the first draft holds, and says why.
    code, _, err = run(capsys, project, "volume", "cut", "--title", "Second")
    assert code == 2
    assert "no accepted practice is waiting for a volume" in err


def test_publish_freezes_texts_with_checksums(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Example Org")
    code, out, _ = run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")
    assert code == 0, out
    folder = project / "volumes" / "01-first-steps"
    assert sorted(p.name for p in (folder / "frozen").iterdir()) == [
        "a-k16.md",
        "b-reentry.md",
        "c-statewide.md",
        "vocabulary.yml",  # the vocabulary as of publication, which the frozen texts are checked against
    ]
    assert (folder / "frozen" / "a-k16.md").read_bytes() == (project / "practices" / "a-k16.md").read_bytes()
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in sums] == [
        "volume.yml", "foreword.md", "frozen/a-k16.md", "frozen/b-reentry.md", "frozen/c-statewide.md",
        "frozen/vocabulary.yml",
    ]  # fmt: skip
    manifest = (folder / "volume.yml").read_text()
    assert "status: published\npublished: 2026-01-15\n" in manifest
    assert run(capsys, project, "validate")[0] == 0
    code, out, _ = run(capsys, project, "volume", "list")
    assert out == (" Volume 1  published 2026-01-15   3 practices in 2 section(s)  First Steps\n")
    # Publishing twice is refused.
    code, _, err = run(capsys, project, "volume", "publish", "1")
    assert code == 2 and "a published volume never changes" in err


@pytest.mark.parametrize(
    "tampered",
    ["frozen/b-reentry.md", "foreword.md", "volume.yml"],
)
def test_tampering_with_a_published_volume_fails_validation(
    project: Path, capsys: pytest.CaptureFixture[str], tampered: str
) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Example Org")
    run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")
    path = project / "volumes" / "01-first-steps" / tampered
    path.write_text(path.read_text().replace("First", "Altered", 1) + "\n# changed\n", encoding="utf-8")
    code, out, _ = run(capsys, project, "validate")
    assert code == 1
    assert (
        f"volumes/01-first-steps/{tampered}: has changed since Volume 1 was published; a published volume never "
        "changes: restore the file and record corrections in errata.yml"
    ) in out.splitlines()


def test_living_practice_updated_after_publication(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from compendium.catalog import load_catalog
    from compendium.records.project import Project

    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Example Org")
    run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")
    living = project / "practices" / "b-reentry.md"
    living.write_text(living.read_text().replace("N.", "N, with news."), encoding="utf-8")
    assert run(capsys, project, "validate")[0] == 0  # the living record may change; the volume keeps its text
    catalog, _ = load_catalog(Project(project))
    assert catalog is not None
    volume = catalog.volumes[1]
    assert catalog.changed_since(volume, "b-reentry") and not catalog.changed_since(volume, "c-statewide")
    assert "N, with news." not in catalog.volume_practices(volume)["b-reentry"].body
    assert "updated since" in run(capsys, project, "volume", "list")[1]


def test_errata_are_listed_and_checked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Example Org")
    run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")
    errata = project / "volumes" / "01-first-steps" / "errata.yml"
    errata.write_text(
        "errata:\n  - date: 2026-02-01\n    practice: b-reentry\n    text: The lead partner's name was misspelt.\n"
        "  - date: 2026-02-02\n    practice: nowhere\n    text: Not in this volume.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, project, "validate")
    assert (code, out) == (
        1,
        "volumes/01-first-steps/errata.yml:6:5: practice 'nowhere' is not in Volume 1\n",
    )


def test_volume_manifest_problems(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = project / "volumes" / "01-broken"
    folder.mkdir()
    (folder / "foreword.md").write_text("Words.\n", encoding="utf-8")
    (folder / "volume.yml").write_text(
        "number: 1\ntitle: Broken\npublishers: [Org]\nstatus: published\nsections:\n"
        "  - title: One\n    practices: [b-reentry, missing-one, b-reentry]\n",
        encoding="utf-8",
    )
    other = project / "volumes" / "03-skipped"
    other.mkdir()
    (other / "foreword.md").write_text("Words.\n", encoding="utf-8")
    (other / "volume.yml").write_text(
        "number: 3\ntitle: Skipped\npublishers: [Org]\nstatus: draft\nsections:\n  - title: One\n    practices: [c-statewide]\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, project, "validate")
    assert code == 1
    assert out.splitlines() == [
        "volumes/01-broken: Volume 1 is published but has no SHA256SUMS; restore it from the repository's "
        "history (git checkout -- volumes/01-broken/SHA256SUMS)",
        "volumes/01-broken: Volume 1 is published but keeps no printing (printings/1/printing.yml and edition.pdf), "
        "so the site has no published bytes to serve; restore them from the repository's history, or record a "
        "printing with 'compendium volume reprint 1 --reason \"...\"'",
        "volumes/01-broken/volume.yml:4:1: a published volume needs its publication date: 'published: YYYY-MM-DD'",
        "volumes/01-broken/volume.yml:7:28: practice 'missing-one' does not exist in practices/",
        "volumes/01-broken/volume.yml:7:41: practice 'b-reentry' is listed twice in this volume (first in section 1)",
        "volumes/03-skipped/volume.yml:1:1: volume 2 is missing: volumes are numbered 1, 2, 3 … without gaps",
    ]


def test_repository_volume_one_is_published_and_intact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, REPO, "volume", "list")
    assert code == 0
    assert out.splitlines()[0].startswith(" Volume 1  published 2026-11-23, printing ")


def test_a_published_volume_keeps_validating_when_a_term_it_uses_is_renamed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Example Org")
    assert run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")[0] == 0
    # An editor renames a focus area the published texts use, and moves the living records to it.
    vocabulary = project / "practices" / "vocabulary.yml"
    vocabulary.write_text(vocabulary.read_text().replace("  reentry-services:", "  reentry-support:"))
    for record in (project / "practices").glob("*.md"):
        record.write_text(record.read_text().replace("reentry-services", "reentry-support"))
    code, out, _ = run(capsys, project, "validate")
    assert (code, out) == (0, "OK: 4 practices and 1 volume(s) are valid.\n")
    # The kept vocabulary is part of the volume: changing it is caught like any frozen file.
    kept = project / "volumes" / "01-first-steps" / "frozen" / "vocabulary.yml"
    kept.write_text(kept.read_text().replace("  reentry-services:", "  reentry-help:"))
    code, out, _ = run(capsys, project, "validate")
    assert code == 1
    assert "volumes/01-first-steps/frozen/vocabulary.yml: has changed since Volume 1 was published" in out


def test_a_cut_with_nothing_to_gather_says_why_each_practice_was_left_out(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Example Org")
    code, out, err = run(capsys, project, "volume", "cut", "--title", "Second", "--publisher", "Example Org")
    assert (code, out) == (2, "")
    assert err == (
        "compendium: error: no accepted practice is waiting for a volume; nothing to cut. Left out:\n"
        "    a-k16: already in the draft Volume 1\n"
        "    b-reentry: already in the draft Volume 1\n"
        "    c-statewide: already in the draft Volume 1\n"
        "    d-waiting: status is 'submitted', not 'accepted'\n"
    )


def test_sections_follow_the_regional_nesting(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A county's practice joins its region's in one section: the largest region they share.
    for name, region in (("e-rpu.md", "inland-empire-rpu"), ("f-county.md", "riverside-county")):
        (project / "practices" / name).write_text(record(name[:-3], region=region), encoding="utf-8")
    assert (
        run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Example Org")[0] == 0
    )
    manifest = (project / "volumes" / "01-first-steps" / "volume.yml").read_text()
    regions = [line.split(": ", 1)[1] for line in manifest.splitlines() if line.strip().startswith("region:")]
    assert "riverside-county" not in regions and "inland-empire-rpu" in regions
    assert "  - e-rpu\n  - f-county\n" in manifest
