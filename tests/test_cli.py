"""The ``compendium`` command as contributors and CI use it: exit codes, formats, cross-record checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from compendium.cli.main import main

from .conftest import RECORDS, REPO

MINIMAL = RECORDS / "good" / "minimal.md"
COMPLETE = RECORDS / "good" / "complete.md"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_repository_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(REPO), "validate")
    assert code == 0, out
    assert out.startswith("OK: ") and out.count("\n") == 1


def test_committed_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(REPO), "schema", "--check")
    assert code == 0, out


def test_schema_accepts_every_sample_record() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from compendium.records.loader import load_record

    schema = json.loads((REPO / "practices" / "practice.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in sorted((REPO / "practices").glob("*.md")):
        jsonschema.validate(load_record(path, path.name).data, schema)


def test_schema_check_fails_when_stale(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project()
    (root / "practices" / "practice.schema.json").write_text("{}\n", encoding="utf-8")
    code, out, _ = run(capsys, "--root", str(root), "schema", "--check")
    assert (code, out) == (
        1,
        "practices/practice.schema.json: not current; run 'compendium schema' and commit it\n"
        ".github/ISSUE_TEMPLATE/propose-a-practice.yml: not current; run 'compendium schema' and commit it\n",
    )
    assert run(capsys, "--root", str(root), "schema")[0] == 0
    assert run(capsys, "--root", str(root), "schema", "--check")[0] == 0


def test_every_problem_is_reported_then_exit_1(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = (
        MINIMAL.read_text()
        .replace("status: submitted", "status: submited")
        .replace("focus: reentry-services", "focus: reentry")
    )
    root = make_project({"one.md": bad, "two.md": "---\ntitle: [\n---\n"})
    code, out, err = run(capsys, "--root", str(root), "validate")
    assert code == 1
    assert out.splitlines() == [
        "practices/one.md:7:1: focus[1]: 'reentry' is not a known term in focus; did you mean "
        "'reentry-services' (Reentry services)?",
        "practices/one.md:9:1: status: 'submited' is not a known term in statuses; did you mean "
        "'submitted' (Submitted)?",
        "practices/two.md:3:1: this is not valid YAML: expected the node content, but found the end of "
        "the fields (while parsing a flow node that starts on line 3)",
    ]
    assert err == "3 problem(s) in 2 file(s).\n"


def test_json_format(make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project({"one.md": MINIMAL.read_text().replace("status: submitted", "status: NO")})
    code, out, _ = run(capsys, "--root", str(root), "validate", "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {
            "path": "practices/one.md",
            "line": 9,
            "column": 1,
            "message": "status: 'NO' is not a known term in statuses (the terms are listed in "
            "practices/vocabulary.yml and practices/practice.schema.json)",
        }
    ]


def test_github_annotations(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    root = make_project({"one.md": MINIMAL.read_text().replace("status: submitted", "status: 100%")})
    code, out, _ = run(capsys, "--root", str(root), "validate")
    assert code == 1
    assert out.splitlines()[-1] == (
        "::error file=practices/one.md,line=9,col=1::status: '100%25' is not a known term in statuses "
        "(the terms are listed in practices/vocabulary.yml and practices/practice.schema.json)"
    )


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--no-such-flag"])
    assert caught.value.code == 2
    capsys.readouterr()
    code, _, err = run(capsys, "--root", str(REPO), "validate", "no/such/file.md")
    assert (code, err) == (2, "compendium: error: no/such/file.md: no such file or folder\n")


def test_not_a_project_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "validate")
    assert code == 2
    assert "no Compendium project here: expected practices/vocabulary.yml" in err


def test_duplicate_titles_name_the_first_file(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(
        {
            "first.md": MINIMAL,
            "second.md": MINIMAL.read_text().replace("Golden minimal record", "golden  MINIMAL record"),
        }
    )
    code, out, _ = run(capsys, "--root", str(root), "validate")
    assert code == 1
    assert out == (
        "practices/second.md:2:1: the title 'golden  MINIMAL record' is already used by practices/first.md; "
        "titles must be unique\n"
    )


def test_symlinked_record_is_refused(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project()
    (root / "practices" / "linked.md").symlink_to(MINIMAL)
    code, out, _ = run(capsys, "--root", str(root), "validate")
    assert (code, out) == (
        1,
        "practices/linked.md: is a symbolic link; Compendium reads only regular files inside the project: "
        "put the file itself here\n",
    )


def test_related_practice_must_exist(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    other = (
        MINIMAL.read_text()
        .replace("Golden minimal record", "Other")
        .replace("status: submitted", "status: submitted\nrelated: [minimal, minimall, complete]")
    )
    root = make_project({"minimal.md": MINIMAL, "other.md": other})
    code, out, _ = run(capsys, "--root", str(root), "validate")
    assert code == 1
    assert out.splitlines() == [
        "practices/other.md:10:20: related practice 'minimall' does not exist; did you mean 'minimal'?",
        "practices/other.md:10:30: related practice 'complete' does not exist",
    ]


def test_validate_reports_only_the_paths_asked_for(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = make_project({"good.md": MINIMAL, "bad.md": "no front matter\n"})
    code, out, _ = run(capsys, "--root", str(root), "validate", str(root / "practices" / "good.md"))
    assert (code, out) == (0, "OK: 1 practices and 0 volume(s) are valid.\n")
    outside = tmp_path / "draft.md"
    outside.write_text(MINIMAL.read_text().replace("status: submitted", "status: nope"), encoding="utf-8")
    code, out, _ = run(capsys, "--root", str(root), "validate", str(outside))
    assert code == 1
    assert out.startswith(f"{outside.as_posix()}:9:1: status: 'nope' is not a known term")


def test_new_writes_a_record_that_validates(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project()
    args = [
        "--root",
        str(root),
        "new",
        "--title",
        "Reentry navigators: a pilot",
        "--summary",
        "Navigators help.",
        "--region",
        "statewide",
        "--focus",
        "reentry-services",
        "--lead",
        "Example Board",
        "--lead-type",
        "workforce-board",
        "--population",
        "justice-involved",
    ]
    code, out, _ = run(capsys, *args)
    assert (code, out) == (
        0,
        "wrote practices/reentry-navigators-a-pilot.md: replace the prompt under each section with the "
        "practice's own text, then run 'compendium validate'\n",
    )
    # Until the writer replaces them, each section's prompt is the one thing validate reports.
    code, out, _ = run(capsys, "--root", str(root), "validate")
    assert code == 1
    sections = ("Need", "What they did", "Results", "Lessons learned", "How to replicate")
    assert len(out.splitlines()) == len(sections)
    for line, title in zip(out.splitlines(), sections, strict=True):
        assert f": the section '## {title}' still holds the template's prompt (" in line
    record = root / "practices" / "reentry-navigators-a-pilot.md"
    from compendium.records.project import Project
    from compendium.records.vocabulary import load_vocabulary

    project = Project(root)
    vocabulary = load_vocabulary(project.vocabulary, "vocabulary.yml", [])
    assert vocabulary is not None
    text = record.read_text()
    for title, prompt in vocabulary.prompts.items():
        text = text.replace(prompt, f"What the partners wrote under {title}.")
    record.write_text(text)
    assert run(capsys, "--root", str(root), "validate")[0] == 0
    # Never overwrites, and says why.
    code, _, err = run(capsys, *args)
    assert (code, err) == (
        2,
        "compendium: error: practices/reentry-navigators-a-pilot.md already exists; choose another --slug\n",
    )


def test_new_refuses_unknown_terms_and_missing_flags(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    root = make_project()
    code, _, err = run(
        capsys,
        "--root",
        str(root),
        "new",
        "--title",
        "T",
        "--summary",
        "S",
        "--region",
        "statwide",
        "--focus",
        "reentry-services",
        "--lead",
        "L",
        "--lead-type",
        "workforce-board",
    )
    assert (code, err) == (
        2,
        "compendium: error: --region 'statwide': is not a known term in regions; did you mean 'statewide' "
        "(California (statewide))?\n",
    )
    code, _, err = run(capsys, "--root", str(root), "new", "--title", "T")
    assert (code, err) == (2, "compendium: error: --summary is required (or run in a terminal to be asked)\n")
    assert sorted(p.name for p in (root / "practices").iterdir()) == ["vocabulary.yml"]


def test_new_asks_in_a_terminal(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project()
    answers = iter(
        [
            "Asked practice",
            "Asked summary.",
            "statwide",  # a typo: asked again, with the close term offered, nothing typed lost
            "statewide",
            "career-pathways, reentry-services",
            "Asked Board",
            "workforce-board, employer",  # one only here
            "workforce-board",
            "justice-involved",
            "",  # sectors are optional
        ]
    )
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code, out, _ = run(capsys, "--root", str(root), "new")
    assert code == 0
    assert (
        "  'statwide': is not a known term in regions; did you mean 'statewide' (California (statewide))?"
        in out
    )
    assert "Lead partner's type (one id or name):" in out
    assert "  (one id only here)" in out
    assert "Populations served (ids or names separated by commas; Enter to skip):" in out
    text = (root / "practices" / "asked-practice.md").read_text()
    assert "title: Asked practice\nsummary: Asked summary.\nregions:\n- statewide\n" in text
    assert "focus:\n- career-pathways\n- reentry-services\n" in text
    assert "populations:\n- justice-involved\n" in text
    assert "sectors" not in text


def new_args(root: Path, *regions: str) -> list[str]:
    return [
        "--root", str(root), "new", "--title", "Fresno reentry navigators", "--summary", "Navigators help.",
        *regions, "--focus", "Reentry services", "--lead", "Example Board", "--lead-type", "Workforce board",
    ]  # fmt: skip


def test_new_takes_names_where_ids_are_asked_and_a_new_region_with_where_it_lies(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    root = make_project()
    regions = ["--region", "Fresno Co.", "--new-region", "Central Valley Higher Education Consortium region"]
    places = [
        "--in",
        "Kern County",
        "--in",
        "tulare-county",
        "--in",
        "San Joaquin Valey Regional Planing Unit",
    ]
    code, out, err = run(capsys, *new_args(root, *regions, *places))
    assert (code, err) == (2, "compendium: error: --new-region: 'San Joaquin Valey Regional Planing Unit': is not "
        "a known term in regions; did you mean 'san-joaquin-valley-rpu' (San Joaquin Valley and Associated "
        "Counties Regional Planning Unit)?\n")  # fmt: skip
    places[-1] = "San Joaquin Valley RPU"  # its id's words, the abbreviation written out
    code, out, err = run(capsys, *new_args(root, *regions, *places))
    assert code == 0, err
    assert "  ('Fresno Co.' is Fresno County (fresno-county))\n" in out
    assert "  ('Reentry services' is Reentry services (reentry-services))\n" in out
    text = (root / "practices" / "fresno-reentry-navigators.md").read_text()
    assert (
        "regions:\n- fresno-county\n- new: Central Valley Higher Education Consortium region\n  counties:\n"
        "  - kern-county\n  - tulare-county\n  within:\n  - san-joaquin-valley-rpu\npartners:\n"
        "- name: Example Board\n  type: workforce-board\n"
    ) in text
    # A new region must say where it lies, and may not be a region the list has under another name.
    (root / "practices" / "fresno-reentry-navigators.md").unlink()
    code, _, err = run(capsys, *new_args(root, "--new-region", "Iron Range"))
    assert code == 2 and "'Iron Range' is a new region and says nowhere where it lies" in err
    code, _, err = run(capsys, *new_args(root, "--new-region", "Fresno Cnty", "--in", "fresno-county"))
    assert (code, err) == (2, "compendium: error: --new-region: 'Fresno Cnty' is Fresno County (fresno-county), "
        "which the list has already: give fresno-county instead\n")  # fmt: skip
    code, _, err = run(capsys, *new_args(root, "--region", "statewide", "--in", "Minnesota"))
    assert (code, err) == (
        2,
        "compendium: error: --in says where a --new-region lies; give --new-region too\n",
    )
    code, _, err = run(capsys, *new_args(root, "--new-region", "Iron Range", "--in", "Minnesota"))
    assert code == 0, err
    assert (
        "regions:\n- new: Iron Range\n  state: Minnesota\n"
        in (root / "practices" / "fresno-reentry-navigators.md").read_text()
    )
    code, out, _ = run(capsys, "--root", str(root), "vocabulary", "regions")
    assert "  waiting: 'Iron Range' (outside California, in Minnesota); add it to vocabulary.yml\n" in out
    assert "    listed meanwhile on 0 region pages: none (no region of the vocabulary yet)\n" in out


def test_new_asks_where_a_new_region_lies_in_a_terminal(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project()
    answers = iter(
        [
            "Fresno reentry navigators",
            "Navigators help.",
            "Fresno Cnty, CVHEC region",  # a label misspelt is taken; an unknown name is asked again
            "fresno county, new: Central Valley Higher Education Consortium region",
            "Stanislaus",  # which Stanislaus: asked again
            "Stanislaus County, Kern Co., Kern Regional K-16 Education Collaborative",
            "reentry-services",
            "Example Board",
            "workforce-board",
            "",
            "",
        ]
    )
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code, out, _ = run(capsys, "--root", str(root), "new")
    assert code == 0
    assert "  ('Fresno Cnty' is Fresno County (fresno-county))\n" in out
    assert "  'CVHEC region': is not a known term in regions" in out
    assert "  (a region not in the list: answer 'new: its name', and you are asked where it lies)\n" in out
    assert "Where does 'Central Valley Higher Education Consortium region' lie?" in out
    assert "  'Stanislaus': is not a known term in regions; did you mean 'stanislaus-county'" in out
    text = (root / "practices" / "fresno-reentry-navigators.md").read_text()
    assert (
        "regions:\n- fresno-county\n- new: Central Valley Higher Education Consortium region\n  counties:\n"
        "  - stanislaus-county\n  - kern-county\n  within:\n  - kern-k16\n"
    ) in text


def command_paths() -> list[list[str]]:
    """Every command and subcommand, read off the parser itself, so a new one is covered too."""
    import argparse

    from compendium.cli.main import build_parser

    found: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        found.append(path)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])

    walk(build_parser(), [])
    return found


def test_every_command_is_listed() -> None:
    leaves = sorted(" ".join(p) for p in command_paths() if p)
    assert leaves == [
        "accept", "finish", "materialize", "new", "print", "schema", "stale", "upgrade", "validate",
        "vocabulary", "volume", "volume announce", "volume cut", "volume list", "volume publish",
        "volume reprint",
    ]  # fmt: skip


@pytest.mark.parametrize("command", command_paths(), ids=lambda p: " ".join(p) or "compendium")
def test_every_command_has_help(command: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    result = subprocess.run(
        [sys.executable, "-m", "compendium", *command, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(" ".join(["usage: compendium", *command]))
    # A description under the usage line, not only the generated option list.
    assert len(result.stdout.split("\n\n")[1].strip()) > 20


def test_command_line_run_prints_no_traceback(make_project: Callable[..., Path]) -> None:
    root = make_project({"x.md": b"---\ntitle: \xff\n---\n"})
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    result = subprocess.run(
        [sys.executable, "-m", "compendium", "validate"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == "practices/x.md:2:8: byte 0xff is not UTF-8 text; save the file as UTF-8\n"
    assert "Traceback" not in result.stderr


def test_stale_lists_unreviewed_practices_oldest_first(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base = MINIMAL.read_text(encoding="utf-8")

    def record(title: str, *lines: str, status: str = "submitted") -> str:
        extra = "".join(f"{line}\n" for line in lines)
        return (
            base.replace("Golden minimal record", title)
            .replace("status: submitted\n", f"status: {status}\n{extra}")
            .replace("{organisation: Example Board}", f"{{organisation: {title} Board}}")
            .replace("submitted: 2024-01-01", "submitted: 2021-01-01")
        )

    root = make_project(
        {
            "old.md": record("Old", "reviewed: 2023-03-01"),
            "older.md": record("Older", "updated: 2022-05-31"),  # never reviewed: counts from its last change
            "fresh.md": record("Fresh", "reviewed: 2024-05-15"),
            "gone.md": record("Gone", "retired: Ended.", status="retired"),  # history: never due
        }
    )
    code, out, _ = run(capsys, "--root", str(root), "stale", "--as-of", "2024-12-01")
    assert code == 0
    assert out.splitlines() == [
        "2022-05-31   30 months  practices/older.md  Older  (Older Board)",
        "2023-03-01   21 months  practices/old.md  Old  (Old Board)",
        "2 practice(s) not reviewed in 18 months, as of 2024-12-01.",
    ]
    code, out, _ = run(capsys, "--root", str(root), "stale", "--as-of", "2024-12-01", "--months", "6")
    assert [line.split()[3] for line in out.splitlines()[:-1]] == [
        "practices/older.md",
        "practices/old.md",
        "practices/fresh.md",
    ]
    assert out.endswith("3 practice(s) not reviewed in 6 months, as of 2024-12-01.\n")

    code, out, _ = run(capsys, "--root", str(root), "stale", "--as-of", "2024-12-01", "--format", "markdown")
    assert out.splitlines()[2:4] == [
        "| Practice | Last reviewed | Months | Contact |",
        "| --- | --- | --- | --- |",
    ]
    assert out.splitlines()[4] == "| Older (`practices/older.md`) | 2022-05-31 | 30 | Older Board |"
    # The upkeep workflow posts this table in an issue: record text makes no mention, link or cell end.
    older = root / "practices" / "older.md"
    older.write_text(
        older.read_text(encoding="utf-8").replace(
            "title: Older", "title: 'Older @octocat [win](https://evil.example) | x'"
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--root", str(root), "stale", "--as-of", "2024-12-01", "--format", "markdown")
    assert out.splitlines()[4].startswith(
        "| Older \\@octocat \\[win\\]\\(https://evil.example\\) \\| x (`practices/older.md`) |"
    )

    code, out, _ = run(capsys, "--root", str(root), "stale", "--as-of", "2024-12-01", "--format", "json")
    assert [row["path"] for row in json.loads(out)] == ["practices/older.md", "practices/old.md"]


def test_stale_boundary_and_bad_arguments(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project({"a.md": MINIMAL})  # submitted 2024-01-01, never reviewed
    assert "1 practice(s)" in run(capsys, "--root", str(root), "stale", "--as-of", "2025-07-02")[1]
    assert "0 practice(s)" in run(capsys, "--root", str(root), "stale", "--as-of", "2025-07-01")[1]
    code, _, err = run(capsys, "--root", str(root), "stale", "--months", "0")
    assert (code, err) == (
        2,
        "compendium: error: --months expects a whole number of months, 1 or more, received 0\n",
    )
    code, _, err = run(capsys, "--root", str(root), "stale", "--as-of", "2024-02-30")
    assert (code, err) == (2, "compendium: error: --as-of '2024-02-30' is not a date written YYYY-MM-DD\n")


TWO_PROCESSES = """
import json, os, sys
from pathlib import Path

from compendium import catalog, parallel
from compendium.records.project import Project
from compendium.settings import Settings
from compendium.site import pages

parallel.MINIMUM = 2
workers = Path(sys.argv[2])

def spy(function):
    def spied(*args, **kwargs):
        (workers / f"{function.__name__}-{os.getpid()}").touch()
        return function(*args, **kwargs)
    return spied

catalog._load_practice = spy(catalog._load_practice)
pages.SiteBuilder.practice_page = spy(pages.SiteBuilder.practice_page)
out = {}
for processes in (1, 2):
    loaded, problems = catalog.load_catalog(Project(Path(sys.argv[1])), processes=processes)
    made = [(page.path, page.markdown) for page in pages.build_site(loaded, Settings("S"), processes=processes)[0]]
    out[processes] = {
        "problems": [str(p) for p in problems],
        "practices": repr(sorted(loaded.practices.items())),
        "marks": repr(sorted((str(k), v) for k, v in loaded.marks.items())),
        "pages": made,
        "workers": sorted(path.name.split("-")[0] + "-" + ("parent" if path.name.endswith(str(os.getpid())) else "child")
                          for path in workers.iterdir()),
    }
    for path in workers.iterdir():
        path.unlink()
print(json.dumps(out))
"""


def test_loading_and_pages_in_two_processes_match_one(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    # In a fresh interpreter: this one runs threads (the browser tests'), and a process with threads
    # never forks, so here both runs would quietly be one.
    bad = MINIMAL.read_text(encoding="utf-8").replace("status: submitted", "status: submited")
    records: dict[str, Path | str | bytes] = {f"record-{n}.md": MINIMAL for n in range(5)}
    records["record-2.md"] = bad
    records["record-4.md"] = MINIMAL.read_text(encoding="utf-8").replace("title:", "title: Other")
    root = make_project(records)
    (tmp_path / "workers").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", TWO_PROCESSES, str(root), str(tmp_path / "workers")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    one, two = (json.loads(result.stdout)[n] for n in ("1", "2"))
    assert one["workers"] == ["_load_practice-parent", "practice_page-parent"]
    assert two["workers"] == [
        "_load_practice-child", "_load_practice-parent", "practice_page-child", "practice_page-parent",
    ]  # fmt: skip
    assert len(one["problems"]) > 1  # the bad record, and the titles repeated across records
    for key in ("problems", "practices", "marks", "pages"):
        assert two[key] == one[key], key


def test_vocabulary_lists_use_unused_and_missing_terms(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from .conftest import RECORDS

    root = make_project({"complete.md": RECORDS / "good" / "complete.md"})
    code, out, _ = run(capsys, "--root", str(root), "vocabulary", "partner_types")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("partner_types: ") and lines[0].endswith(" terms, 3 used")
    assert (
        "     1  community-college                        Community college or college consortium" in lines
    )  # practices, not partners
    assert "     1  workforce-board                          Workforce development board" in lines
    assert lines[-3].startswith("  unused (") and "labor" in lines[-3]
    assert lines[-2:] == [
        "  missing: 'Philanthropic foundation' (written in words by complete; add it to vocabulary.yml)",
        "1 term(s) written in words wait for an editor to add them.",
    ]
    code, _, err = run(capsys, "--root", str(root), "vocabulary", "colours")
    assert code == 2 and err.startswith(
        "compendium: error: 'colours' is not a vocabulary records use; one of: "
    )
