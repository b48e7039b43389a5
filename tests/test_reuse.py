"""Work done once: a record's reading and a page's HTML are kept by the key of all they are made from.

A second build reads again only the records that changed and makes again only the pages whose
inputs changed, and what it writes is what a build from nothing writes (issue 25, point 2).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from compendium.cache import Cache, Memo, prepare_folder
from compendium.catalog import load_catalog
from compendium.records.project import Project

from .conftest import REPO
from .sitebuild import fixture_project, mkdocs_build

TODAY = dt.date(2026, 12, 4)


def real_project(root: Path) -> Project:
    """The repository's own records and vocabulary, without its volumes."""
    (root / "practices").mkdir(parents=True)
    for path in (REPO / "practices").glob("*"):
        shutil.copy(path, root / "practices" / path.name)
    return Project(root)


def comparable(catalog: object) -> object:
    return [(p, catalog.marks.get(p.path)) for p in catalog.practices.values()]  # type: ignore[attr-defined]


def test_a_second_load_reads_again_only_the_record_that_changed(tmp_path: Path) -> None:
    project = real_project(tmp_path / "project")
    memo = Memo(Cache(prepare_folder(tmp_path / "cache")), "records-test")
    first, problems = load_catalog(project, today=TODAY, processes=1, memo=memo)
    count = len(first.practices)  # type: ignore[union-attr]
    assert count >= 18 and memo.made == count and memo.kept == 0 and not problems
    memo.save()

    record = project.practices / "hospitality-training-academy.md"
    record.write_text(record.read_text(encoding="utf-8").replace("Los Angeles", "Los Angeles,", 1), "utf-8")
    again, problems = load_catalog(project, today=TODAY, processes=1, memo=memo)
    assert (memo.made, memo.kept) == (1, count - 1) and not problems
    fresh, _ = load_catalog(project, today=TODAY, processes=1, memo=Memo(None, "records-fresh"))
    assert comparable(again) == comparable(fresh)
    assert again.keys == fresh.keys  # type: ignore[union-attr]


def test_kept_readings_come_back_from_the_cache_folder_and_a_changed_entry_is_not_used(
    tmp_path: Path,
) -> None:
    project = real_project(tmp_path / "project")
    folder = prepare_folder(tmp_path / "cache")
    memo = Memo(Cache(folder), "records-test")
    load_catalog(project, today=TODAY, processes=1, memo=memo)
    memo.save()

    later = Memo(Cache(folder), "records-test")  # the next build: a new process
    load_catalog(project, today=TODAY, processes=1, memo=later)
    assert later.made == 0 and later.kept >= 18

    (entry,) = folder.glob("records-test.*")
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte changed, as a disk or a hand might
    entry.write_bytes(bytes(data))
    tampered = Memo(Cache(folder), "records-test")
    load_catalog(project, today=TODAY, processes=1, memo=tampered)
    assert tampered.kept == 0 and tampered.made >= 18


def test_the_day_and_the_vocabulary_are_part_of_a_reading(tmp_path: Path) -> None:
    """A date 'in the future' is judged against the day; a term against the vocabulary."""
    project = real_project(tmp_path / "project")
    memo = Memo(None, "records-test")
    first, _ = load_catalog(project, today=TODAY, processes=1, memo=memo)
    memo.save()
    load_catalog(project, today=TODAY + dt.timedelta(days=1), processes=1, memo=memo)
    assert memo.kept == 0
    memo.save()
    vocabulary = project.vocabulary
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load_catalog(project, today=TODAY + dt.timedelta(days=1), processes=1, memo=memo)
    assert memo.kept == 0 and memo.made == len(first.practices)  # type: ignore[union-attr]


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site but Pagefind's, whose file names change from build to build anyway."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and "pagefind" not in path.relative_to(site).parts
    }


def test_a_build_after_an_edit_writes_what_a_build_from_nothing_writes(tmp_path: Path) -> None:
    project = fixture_project(tmp_path / "project")
    first = mkdocs_build(project, tmp_path / "first")
    assert first.returncode == 0, first.stderr
    assert "kept from an earlier build" not in first.stderr

    record = sorted((project / "practices").glob("*.md"))[0]
    text = record.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.MULTILINE)
    assert title is not None
    record.write_text(text.replace(title.group(0), f"title: {title.group(1)} renamed", 1), encoding="utf-8")
    warm = mkdocs_build(project, tmp_path / "warm")
    assert warm.returncode == 0, warm.stderr
    kept = re.search(r"\((\d+) kept from an earlier build\)", warm.stderr)
    assert kept is not None and int(kept.group(1)) > 0, warm.stderr

    cold_project = fixture_project(tmp_path / "cold", {record.name: record})  # its own, empty, cache
    cold = mkdocs_build(cold_project, tmp_path / "cold-site")
    assert cold.returncode == 0, cold.stderr
    warm_files, cold_files = site_files(tmp_path / "warm"), site_files(tmp_path / "cold-site")
    assert warm_files.keys() == cold_files.keys()
    differing = [name for name in warm_files if warm_files[name] != cold_files[name]]
    assert differing == [], differing[:10]
    assert f"{title.group(1)} renamed".encode() in warm_files[f"practices/{record.stem}/index.html"]
