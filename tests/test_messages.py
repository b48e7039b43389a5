"""The exact words of every message an editor or a contributor can meet outside a record's fields.

Editorial commands, the command line's own errors, the vocabulary's checks and
volume folders: each case sets up a project, runs the command as a user would,
and compares the exit code and what was printed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from compendium.cli.main import main

from .conftest import RECORDS, REPO

MINIMAL = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
VOCABULARY = (REPO / "practices" / "vocabulary.yml").read_text(encoding="utf-8")


def accepted(title: str) -> str:
    return MINIMAL.replace("Golden minimal record", title).replace("status: submitted", "status: accepted")


def project(tmp_path: Path, vocabulary: str = VOCABULARY, **records: str) -> Path:
    root = tmp_path / "project"
    (root / "practices").mkdir(parents=True)
    (root / "volumes").mkdir()
    (root / "practices" / "vocabulary.yml").write_text(vocabulary, encoding="utf-8")
    shutil.copytree(REPO / "overrides" / "print", root / "overrides" / "print")
    for name, text in records.items():
        (root / "practices" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- editorial commands ------------------------------------------------------------------------


def test_cut_needs_a_publisher_for_the_first_volume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, a=accepted("A"))
    assert run(capsys, root, "volume", "cut", "--title", "One") == (
        2, "", "compendium: error: --publisher is required for the first volume\n"
    )  # fmt: skip


def test_cut_refuses_a_folder_that_exists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, a=accepted("A"))
    (root / "volumes" / "01-one").write_text("an editor's note, not a volume\n", encoding="utf-8")
    assert run(capsys, root, "volume", "cut", "--title", "One", "--publisher", "Org") == (
        2, "", "compendium: error: volumes/01-one already exists\n"
    )  # fmt: skip
    assert (root / "volumes" / "01-one").read_text(encoding="utf-8") == "an editor's note, not a volume\n"


def test_publish_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, a=accepted("A"), b=accepted("B"))
    assert run(capsys, root, "volume", "cut", "--title", "One", "--publisher", "Org")[0] == 0
    assert run(capsys, root, "volume", "publish", "7") == (
        2, "", "compendium: error: there is no Volume 7; 'compendium volume list' shows the volumes\n"
    )  # fmt: skip
    assert run(capsys, root, "volume", "publish", "1", "--date", "1 Dec 2026") == (
        2, "", "compendium: error: --date '1 Dec 2026' is not a date written YYYY-MM-DD\n"
    )  # fmt: skip
    foreword = root / "volumes" / "01-one" / "foreword.md"
    foreword.write_text("\n", encoding="utf-8")
    assert run(capsys, root, "volume", "publish", "1") == (
        2, "", "compendium: error: Volume 1 has an empty foreword.md; write the foreword before publishing\n"
    )  # fmt: skip
    foreword.write_text("A foreword.\n", encoding="utf-8")
    record = root / "practices" / "b.md"
    record.write_text(record.read_text(encoding="utf-8").replace("status: accepted", "status: submitted"))
    assert run(capsys, root, "volume", "publish", "1") == (
        2, "", "compendium: error: Volume 1 lists practices that are not accepted: b\n"
    )  # fmt: skip
    assert not (root / "volumes" / "01-one" / "frozen").exists()


def test_publish_leaves_the_draft_as_it_was_when_it_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from compendium.editorial import volumes

    root = project(tmp_path, a=accepted("A"))
    assert run(capsys, root, "volume", "cut", "--title", "One", "--publisher", "Org")[0] == 0
    folder = root / "volumes" / "01-one"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def fail(folder: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(volumes, "checksums_text", fail)
    with pytest.raises(OSError):
        main(["--root", str(root), "volume", "publish", "1"])
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_list_with_no_volumes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, a=accepted("A"))
    assert run(capsys, root, "volume", "list") == (
        0, "No volumes yet; 'compendium volume cut --title …' creates the first.\n", ""
    )  # fmt: skip


def test_commands_that_need_a_valid_project_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, a=accepted("A").replace("status: accepted", "status: done"))
    code, out, err = run(capsys, root, "volume", "list")
    assert code == 1
    assert out.startswith("practices/a.md:9:1: status: 'done' is not a known term in statuses")
    assert err == "1 problem(s) found; fix them first.\n"


def test_print_reports_a_missing_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, a=accepted("A"))
    assert run(capsys, root, "volume", "cut", "--title", "One", "--publisher", "Org")[0] == 0
    (root / "overrides" / "print" / "volume.typ").unlink()
    assert run(capsys, root, "print", "1", "-o", str(tmp_path / "one.pdf")) == (
        1, "", "compendium: error: overrides/print/volume.typ: the print template is missing\n"
    )  # fmt: skip


# -- compendium new -------------------------------------------------------------------------------


def test_new_without_a_terminal_names_the_missing_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    root = project(tmp_path)
    assert run(capsys, root, "new", "--title", "T", "--summary", "S", "--region", "statewide") == (
        2, "", "compendium: error: --focus is required (or run in a terminal to be asked)\n"
    )  # fmt: skip


def test_new_in_a_terminal_refuses_an_empty_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter([""])

    def type_then_end(prompt: str = "") -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", type_then_end)
    root = project(tmp_path)
    # An empty answer is asked again; the end of the input stops, naming what was missing.
    assert run(capsys, root, "new") == (
        2,
        "  (an answer is needed here)\n\n",
        "compendium: error: --title is required\n",
    )


def test_new_on_an_unusable_vocabulary_reports_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, vocabulary="sections: [\n")
    code, out, _ = run(capsys, root, "new", "--title", "T")
    assert code == 1
    assert out.startswith("practices/vocabulary.yml:2:1: this is not valid YAML")


def test_interrupting_a_command_says_nothing_was_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)

    def interrupt(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupt)
    root = project(tmp_path)
    assert run(capsys, root, "new") == (130, "", "compendium: interrupted; nothing was written\n")
    assert sorted(p.name for p in (root / "practices").iterdir()) == ["vocabulary.yml"]


# -- the vocabulary -------------------------------------------------------------------------------


def vocabulary_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> list[str]:
    code, out, _ = run(capsys, project(tmp_path, vocabulary=text), "validate")
    assert code == 1
    return out.splitlines()


def test_vocabulary_must_keep_the_ids_the_code_relies_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VOCABULARY.replace("  accepted: {label: Accepted", "  approved: {label: Accepted").replace(
        "  lead:", "  leader:"
    )
    status_line = 1 + VOCABULARY.splitlines().index("statuses:")
    roles_line = 1 + VOCABULARY.splitlines().index("partner_roles:")
    assert vocabulary_problems(tmp_path, capsys, text) == [
        f"practices/vocabulary.yml:{roles_line}:1: partner_roles must keep the id 'lead', which Compendium "
        "gives a meaning: the lead partner is named as a practice's author in citations (relabel it if you "
        "like, but keep the id)",
        f"practices/vocabulary.yml:{status_line}:1: statuses must keep the id 'accepted', which Compendium "
        "gives a meaning: a volume gathers the accepted practices (relabel it if you like, but keep the id)",
    ]


def test_vocabulary_lists_each_section_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = VOCABULARY.replace(
        "  - title: Results\n", "  - title: Need\n    prompt: Again.\n  - title: Results\n", 1
    )
    line = 1 + text.splitlines().index("  - title: Need", 12)
    assert vocabulary_problems(tmp_path, capsys, text) == [
        f"practices/vocabulary.yml:{line}:5: sections[3] repeats the section 'Need'; list each section once"
    ]


def test_a_region_inside_itself_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 'within' and 'contains' make one graph: a loop through both is found, for each region on it.
    text = VOCABULARY.replace(
        "  statewide:\n    label: California (statewide)\n    system: statewide\n",
        "  statewide:\n    label: California (statewide)\n    system: statewide\n"
        "    within: [alameda-county]\n    contains: [alameda-county]\n",
    )
    lines = text.splitlines()
    within = 1 + lines.index("    within: [alameda-county]")
    alameda = 1 + lines.index("  alameda-county:")
    assert vocabulary_problems(tmp_path, capsys, text) == [
        f"practices/vocabulary.yml:{within}:5: region 'statewide' ends up inside itself through "
        "'within' and 'contains'",
        f"practices/vocabulary.yml:{alameda}:3: region 'alameda-county' ends up inside itself through "
        "'within' and 'contains'",
    ]


def test_a_yaml_file_must_be_a_mapping_in_one_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert vocabulary_problems(tmp_path / "list", capsys, "- a\n- b\n") == [
        "practices/vocabulary.yml:1:1: expected a mapping of 'name: value' lines"
    ]
    assert vocabulary_problems(tmp_path / "two", capsys, "a: 1\n---\nb: 2\n") == [
        "practices/vocabulary.yml:2:1: only one block of fields is allowed"
    ]


# -- records the loader cannot take ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        (
            "folder.md",
            lambda path: path.mkdir(),
            "practices/folder.md: cannot be read: Is a directory",
        ),
        (
            "yes-key.md",
            lambda path: path.write_text("---\ntrue: 1\n---\n", encoding="utf-8"),
            "practices/yes-key.md:2:1: a key must be a plain name such as 'title'",
        ),
    ],
    ids=["a-folder", "a-yes-no-key"],
)
def test_files_the_loader_cannot_take(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    make: Callable[[Path], object],
    expected: str,
) -> None:
    root = project(tmp_path)
    make(root / "practices" / name)
    code, out, _ = run(capsys, root, "validate")
    assert (code, out.splitlines()) == (1, [expected])


# -- volume folders -----------------------------------------------------------------------------


def test_a_volume_folder_needs_its_manifest_and_foreword(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, a=accepted("A"))
    (root / "volumes" / "01-one").mkdir()
    (root / "volumes" / "02-two").mkdir()
    (root / "volumes" / "02-two" / "volume.yml").write_text(
        "number: 2\ntitle: Two\npublishers: [Org]\nstatus: draft\nsections:\n  - title: S\n    practices: [a]\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, root, "validate")
    assert (code, out.splitlines()) == (
        1,
        [
            "volumes/01-one: a volume needs a volume.yml manifest",
            "volumes/02-two: a volume needs a foreword.md",
            "volumes/02-two/volume.yml:1:1: volume 1 is missing: volumes are numbered 1, 2, 3 … without gaps",
        ],
    )


def test_a_published_volume_names_every_file_that_went_missing_or_was_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, a=accepted("A"), b=accepted("B"))
    assert run(capsys, root, "volume", "cut", "--title", "One", "--publisher", "Org")[0] == 0
    assert run(capsys, root, "volume", "publish", "1", "--date", "2026-01-15")[0] == 0
    frozen = root / "volumes" / "01-one" / "frozen"
    (frozen / "a.md").unlink()
    (frozen / "c.md").write_text(accepted("C"), encoding="utf-8")
    code, out, _ = run(capsys, root, "validate")
    assert (code, out.splitlines()) == (
        1,
        [
            "volumes/01-one/frozen/a.md: is missing, but Volume 1 was published with it",
            "volumes/01-one/frozen/a.md: is missing: Volume 1 lists 'a' but holds no frozen text for it",
            "volumes/01-one/frozen/c.md: was added after Volume 1 was published; a published volume never changes",
        ],
    )
    (root / "volumes" / "01-one" / "SHA256SUMS").unlink()
    code, out, _ = run(capsys, root, "validate")
    assert out.splitlines()[0] == (
        "volumes/01-one: Volume 1 is published but has no SHA256SUMS; restore it from the repository's "
        "history (git checkout -- volumes/01-one/SHA256SUMS)"
    )


def test_folders_that_are_not_where_they_belong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Each volume lists a practice of its own: a practice in two volumes is another problem (test_publication).
    root = project(tmp_path, a=accepted("A"), b=accepted("B"), c=accepted("C"), d=accepted("D"))
    (root / "practices" / "notes.txt").write_text("to do\n", encoding="utf-8")
    manifest = "number: {n}\ntitle: T\npublishers: [Org]\nstatus: draft\nsections:\n  - title: S\n    practices: [{p}]\n"
    for folder, number, practice in (
        ("first", 1, "a"),
        ("01-one", 1, "b"),
        ("02-two", 1, "c"),
        ("03-three", 4, "d"),
    ):
        (root / "volumes" / folder).mkdir()
        (root / "volumes" / folder / "volume.yml").write_text(
            manifest.format(n=number, p=practice), encoding="utf-8"
        )
        (root / "volumes" / folder / "foreword.md").write_text("A foreword.\n", encoding="utf-8")
    code, out, _ = run(capsys, root, "validate")
    assert (code, out.splitlines()) == (
        1,
        [
            "practices/notes.txt: is not a record; practices/ holds <id>.md records, vocabulary.yml and the schema",
            "volumes/02-two/volume.yml:1:1: number 1 does not match the folder name '02-two'",
            "volumes/02-two/volume.yml:1:1: volume number 1 is already used by volumes/01-one",
            "volumes/03-three/volume.yml:1:1: number 4 does not match the folder name '03-three'",
            "volumes/03-three/volume.yml:1:1: volume 2 is missing: volumes are numbered 1, 2, 3 … without gaps",
            "volumes/first: a volume folder is named <number>-<slug>, e.g. '01-genius-of-regions'",
        ],
    )


# -- nothing from outside the project ------------------------------------------------------------

LINKED = (
    "is a symbolic link; Compendium reads only regular files inside the project: put the file itself here"
)


def draft_volume(root: Path) -> Path:
    folder = root / "volumes" / "01-one"
    folder.mkdir()
    (folder / "volume.yml").write_text(
        "number: 1\ntitle: One\npublishers: [Org]\nstatus: draft\nsections:\n  - title: S\n    practices: [a]\n",
        encoding="utf-8",
    )
    (folder / "foreword.md").write_text("A foreword.\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("volumes/01-one/foreword.md", "/proc/self/environ"),
        ("volumes/01-one/foreword.md", "../../.git/config"),
        ("volumes/01-one/errata.yml", "{outside}"),
        ("practices/vocabulary.yml", "{outside}"),
        ("overrides/print/volume.typ", "{outside}"),
    ],
    ids=["foreword-environ", "foreword-git-config", "errata", "vocabulary", "print-asset"],
)
def test_no_file_is_read_through_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str, target: str
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("SECRET=hunter2\n", encoding="utf-8")
    root = project(tmp_path, a=accepted("A"))
    draft_volume(root)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[remote]\n  token = secret\n", encoding="utf-8")
    path = root / link
    if path.exists():
        path.unlink()
    path.symlink_to(target.format(outside=outside))
    code, out, _ = run(capsys, root, "validate")
    assert code == 1
    assert f"{link}: {LINKED}" in out.splitlines()
    assert "SECRET" not in out and "token" not in out


def test_a_volume_folder_that_is_a_link_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, a=accepted("A"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = draft_volume(root)
    folder.rename(elsewhere / "01-one")
    folder.symlink_to(elsewhere / "01-one")
    code, out, _ = run(capsys, root, "validate")
    assert (code, out.splitlines()) == (1, [f"volumes/01-one: {LINKED}"])


def test_a_frozen_text_that_is_a_link_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, a=accepted("A"))
    assert run(capsys, root, "volume", "cut", "--title", "One", "--publisher", "Org")[0] == 0
    assert run(capsys, root, "volume", "publish", "1", "--date", "2026-01-15")[0] == 0
    frozen = root / "volumes" / "01-one" / "frozen" / "a.md"
    frozen.unlink()
    frozen.symlink_to(root / "practices" / "a.md")
    code, out, _ = run(capsys, root, "validate")
    assert (code, out.splitlines()) == (1, [f"volumes/01-one/frozen/a.md: {LINKED}"])


def test_a_foreword_is_read_within_the_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, a=accepted("A"))
    folder = draft_volume(root)
    (folder / "foreword.md").write_text("A long foreword. " * 20_000, encoding="utf-8")
    code, out, _ = run(capsys, root, "validate")
    assert (code, out.splitlines()) == (
        1, ["volumes/01-one/foreword.md: the file is 340,000 bytes; a record may be at most 262,144 bytes"]
    )  # fmt: skip


# -- interrupted work ---------------------------------------------------------------------------

KILLED_AT = """
import os, signal, sys
from compendium.editorial import volumes

step, calls = sys.argv[1], [0]

def killing(original, nth):
    def call(*args, **kwargs):
        calls[0] += 1
        if calls[0] == nth:
            os.kill(os.getpid(), signal.SIGKILL)  # a real signal, in the middle of the work
        return original(*args, **kwargs)
    return call

if step.startswith("copy"):
    volumes.shutil.copyfile = killing(volumes.shutil.copyfile, int(step[4:]))
elif step.startswith("replace"):
    import pathlib
    pathlib.Path.replace = killing(pathlib.Path.replace, int(step[7:]))
elif step.startswith("rename"):
    import pathlib
    pathlib.Path.rename = killing(pathlib.Path.rename, int(step[6:]))
from compendium.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def killed(root: Path, step: str, *command: str) -> int:
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", KILLED_AT, step, "--root", str(root), *command],
        env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode


@pytest.mark.parametrize(
    "step",
    ["copy1", "copy2", "rename1", "replace1", "replace2"],
    ids=["copying-texts", "copying-the-foreword", "moving-frozen", "moving-checksums", "before-the-manifest"],
)
def test_a_publish_killed_at_any_step_is_finished_by_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], step: str
) -> None:
    root = project(tmp_path, a=accepted("A"), b=accepted("B"))
    assert run(capsys, root, "volume", "cut", "--title", "One", "--publisher", "Org")[0] == 0
    folder = root / "volumes" / "01-one"
    draft = (folder / "volume.yml").read_bytes()
    assert killed(root, step, "volume", "publish", "1", "--date", "2026-01-15") == -9
    # Still a draft, and a valid project: nothing half-published is ever shown.
    assert (folder / "volume.yml").read_bytes() == draft
    assert run(capsys, root, "validate") == (0, "OK: 2 practices and 1 volume(s) are valid.\n", "")
    code, out, _ = run(capsys, root, "volume", "publish", "1", "--date", "2026-01-15")
    assert code == 0 and out.startswith("Published Volume 1 on 2026-01-15")
    assert run(capsys, root, "validate")[0] == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS",
        "foreword.md",
        "frozen",
        "printings",
        "volume.yml",
    ]


def test_a_cut_killed_midway_leaves_a_valid_project_and_the_next_cut_completes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, a=accepted("A"))
    assert killed(root, "rename1", "volume", "cut", "--title", "One", "--publisher", "Org") == -9
    assert [p.name.startswith(".cut-") for p in (root / "volumes").iterdir()] == [True]
    assert run(capsys, root, "validate") == (0, "OK: 1 practices and 0 volume(s) are valid.\n", "")
    assert run(capsys, root, "volume", "cut", "--title", "One", "--publisher", "Org")[0] == 0
    assert sorted(p.name for p in (root / "volumes").iterdir()) == ["01-one"]
