"""Frozen means frozen: a published volume is held to the SHA256SUMS of the commit that published it.

Each test builds a git repository from a small print project, publishes Volume 1 and commits it, then
does what a pull request could do to the volume and runs ``compendium validate`` on the result.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from compendium.cli.main import main
from compendium.records.history import read_history

from .browser import skip_here_fail_in_ci
from .conftest import RECORDS, REPO
from .sitebuild import print_project

MINIMAL = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
FOLDER = "volumes/01-first-steps"
NOT_IN_A_REPOSITORY = (
    f"note: {FOLDER}/SHA256SUMS: is the only record of what Volume 1 was published with: the project is "
    "not in a git repository, whose history would hold the commit that published it\n"
)


def accepted(title: str) -> str:
    return MINIMAL.replace("Golden minimal record", title).replace("status: submitted", "status: accepted")


def git(root: Path, *args: str, date: str | None = None) -> str:
    """Run git in ``root`` as a throwaway editor, untouched by the machine's git settings."""
    if shutil.which("git") is None:
        skip_here_fail_in_ci("the frozen-volume tests", "git is not installed")
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Editor",
        GIT_AUTHOR_EMAIL="editor@example.org",
        GIT_COMMITTER_NAME="Editor",
        GIT_COMMITTER_EMAIL="editor@example.org",
    )
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    result = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def commit(root: Path, message: str, date: str | None = None) -> str:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--allow-empty", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD")


def validate(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(["--root", str(root), "validate"])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def publication(root: Path) -> str:
    """How problems name the commit that published Volume 1: ``commit <12 digits> (<its date>)``."""
    found = git(
        root, "log", "--diff-filter=A", "--format=%H %cd", "--date=short", "--", f"{FOLDER}/SHA256SUMS"
    )
    commit_id, day = found.splitlines()[-1].split()
    return f"commit {commit_id[:12]} ({day})"


def sum_line(root: Path, name: str) -> str:
    return f"{hashlib.sha256((root / FOLDER / name).read_bytes()).hexdigest()}  {name}"


CHANGED = (
    f"{FOLDER}/frozen/b-two.md: has changed since Volume 1 was published; a published volume never changes: "
    "restore the file and record corrections in errata.yml"
)


@pytest.fixture
def published(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose second commit publishes Volume 1 (a-one, b-two); validation as in CI."""
    monkeypatch.setenv("CI", "true")
    root = print_project(tmp_path / "project", {"a-one.md": accepted("A one"), "b-two.md": accepted("B two")})
    git(root, "init", "--quiet")
    commit(root, "Two practices")
    assert main(["--root", str(root), "volume", "cut", "--title", "First Steps", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "volume", "publish", "1", "--date", "2026-01-15"]) == 0
    commit(root, "Publish Volume 1")
    capsys.readouterr()
    return root


def rewrite_b_two(root: Path) -> str:
    """Change the frozen text of b-two as a pull request would; its new SHA256SUMS line."""
    text = root / FOLDER / "frozen" / "b-two.md"
    text.write_text(text.read_text(encoding="utf-8").replace("B two", "B rewritten"), encoding="utf-8")
    return sum_line(root, "frozen/b-two.md")


def test_the_untouched_volume_validates_without_a_note(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert validate(published, capsys) == (0, ["OK: 2 practices and 1 volume(s) are valid."], "")
    history = read_history(published)
    assert (history.repository, history.gap, list(history.publications)) == (True, None, [1])
    assert history.publications[1].checksums == (published / FOLDER / "SHA256SUMS").read_bytes()


def test_an_appended_line_does_not_rewrite_a_frozen_text(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review's finding: the last line used to win, so one appended line made the rewrite pass."""
    line = rewrite_b_two(published)
    with (published / FOLDER / "SHA256SUMS").open("a", encoding="utf-8") as sums:
        sums.write(line + "\n")
    commit(published, "Correct a typo")
    code, out, _ = validate(published, capsys)
    assert (code, out) == (
        1,
        [
            f"{FOLDER}/SHA256SUMS:6: differs from the SHA256SUMS Volume 1 was published with in "
            f"{publication(published)}: expected the end of the file, received '{line}'",
            f"{FOLDER}/SHA256SUMS:6: lists 'frozen/b-two.md' again (first on line 4); expected each file "
            "once, with the sum it was published with",
            CHANGED,
        ],
    )


def test_a_sum_edited_in_place_is_held_to_the_published_one(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A SHA256SUMS consistent with the rewritten text: only the history shows it is not the published one."""
    old = sum_line(published, "frozen/b-two.md")
    new = rewrite_b_two(published)
    sums = published / FOLDER / "SHA256SUMS"
    sums.write_text(sums.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    code, out, _ = validate(published, capsys)
    assert (code, out) == (
        1,
        [
            f"{FOLDER}/SHA256SUMS:4: differs from the SHA256SUMS Volume 1 was published with in "
            f"{publication(published)}: expected '{old}', received '{new}'",
            CHANGED,
        ],
    )


def test_a_duplicate_a_malformed_and_a_foreign_line_are_each_refused(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sums = published / FOLDER / "SHA256SUMS"
    lines = sums.read_text(encoding="utf-8").splitlines()
    foreign = f"{'0' * 64}  ../../practices/a-one.md"
    sums.write_text("\n".join([*lines, lines[2], "not a sum", foreign]) + "\n", encoding="utf-8")
    code, out, _ = validate(published, capsys)
    published_in = f"differs from the SHA256SUMS Volume 1 was published with in {publication(published)}"
    assert (code, out) == (
        1,
        [
            f"{FOLDER}/SHA256SUMS:6: {published_in}: expected the end of the file, received '{lines[2]}'",
            f"{FOLDER}/SHA256SUMS:6: lists 'frozen/a-one.md' again (first on line 3); expected each file "
            "once, with the sum it was published with",
            f"{FOLDER}/SHA256SUMS:7: {published_in}: expected the end of the file, received 'not a sum'",
            f"{FOLDER}/SHA256SUMS:7: expected '<64 lowercase hex digits>  <file>' (two spaces between), as "
            "'compendium volume publish' writes it; received 'not a sum'",
            f"{FOLDER}/SHA256SUMS:8: {published_in}: expected the end of the file, received '{foreign}'",
            f"{FOLDER}/SHA256SUMS:8: lists '../../practices/a-one.md', which a volume's checksums never "
            "cover; expected volume.yml, foreword.md or a file in frozen/",
        ],
    )


def test_deleting_and_adding_the_sums_again_is_no_new_publication(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sums = published / FOLDER / "SHA256SUMS"
    original = sums.read_text(encoding="utf-8")
    old = sum_line(published, "frozen/b-two.md")
    sums.unlink()
    commit(published, "Remove the sums")
    new = rewrite_b_two(published)
    sums.write_text(original.replace(old, new), encoding="utf-8")
    commit(published, "Add them again")
    code, out, _ = validate(published, capsys)
    assert code == 1
    assert out[0].startswith(
        f"{FOLDER}/SHA256SUMS:4: differs from the SHA256SUMS Volume 1 was published with"
    )
    assert out[1:] == [CHANGED]


def test_a_forged_older_history_merged_in_does_not_count(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pull request can bring any commits along, dated as it likes: only the branch's own line counts,
    as on GitHub, where a pull request's merge commit has the base branch as its first parent."""
    old = sum_line(published, "frozen/b-two.md")
    sums = published / FOLDER / "SHA256SUMS"
    git(published, "checkout", "--quiet", "--orphan", "forged")
    # A whole project, sums and all consistent, in a commit dated before any other.
    sums.write_text(sums.read_text(encoding="utf-8").replace(old, rewrite_b_two(published)), encoding="utf-8")
    commit(published, "Publish Volume 1", date="2000-01-01T00:00:00+00:00")
    git(published, "checkout", "--quiet", "--force", "main")
    git(published, "checkout", "--quiet", "-b", "pull-request")
    # The merge takes the forged volume, so git's default walk follows the forged side alone.
    git(published, "merge", "--quiet", "--allow-unrelated-histories", "-s", "ours", "--no-commit", "forged")
    git(published, "checkout", "forged", "--", "volumes")
    commit(published, "Merge")
    git(published, "checkout", "--quiet", "main")
    git(published, "merge", "--quiet", "--no-ff", "-m", "Merge the pull request", "pull-request")
    code, out, _ = validate(published, capsys)
    assert (code, out[1:]) == (1, [CHANGED])
    assert out[0].startswith(
        f"{FOLDER}/SHA256SUMS:4: differs from the SHA256SUMS Volume 1 was published with"
    )
    # Read in date order, the forged commit would have been the oldest to add the sums.
    dated = git(
        published, "log", "--reverse", "--diff-filter=A", "--format=%cd", "--", f"{FOLDER}/SHA256SUMS"
    )
    assert dated.splitlines()[0].startswith("Sat Jan 1 00:00:00 2000")


def test_a_published_volume_stays_published_in_its_folder(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = published / FOLDER / "volume.yml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("status: published", "status: draft"), encoding="utf-8")
    code, out, _ = validate(published, capsys)
    line = text.splitlines().index("status: published") + 1
    assert (code, out) == (
        1,
        [
            f"{FOLDER}/volume.yml:{line}:1: Volume 1 was published in {publication(published)}; a published "
            "volume stays published: restore 'status: published' and record corrections in errata.yml",
        ],
    )
    manifest.write_text(text, encoding="utf-8")
    (published / FOLDER).rename(published / "volumes" / "01-renamed")
    code, out, _ = validate(published, capsys)
    assert (code, out) == (
        1,
        [
            f"volumes/01-renamed: Volume 1 was published as {FOLDER} ({publication(published)}); a published "
            f"volume never changes: rename the folder back to {FOLDER}",
        ],
    )
    shutil.rmtree(published / "volumes" / "01-renamed")
    code, out, _ = validate(published, capsys)
    commit_id = git(published, "rev-parse", "--short=12", "HEAD")
    assert (code, out) == (
        1,
        [
            f"volumes: Volume 1 was published in {publication(published)} as {FOLDER} and is gone; a "
            f"published volume is never removed: restore it (git checkout {commit_id} -- {FOLDER})",
        ],
    )


def test_a_publish_stopped_and_committed_as_a_draft_is_not_the_publication(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish stopped before its last step leaves a draft with SHA256SUMS; the next publish writes it
    again, and that is the one the volume is held to."""
    monkeypatch.setenv("CI", "true")
    root = print_project(tmp_path / "project", {"a-one.md": accepted("A one"), "b-two.md": accepted("B two")})
    git(root, "init", "--quiet")
    assert main(["--root", str(root), "volume", "cut", "--title", "First Steps", "--publisher", "Org"]) == 0
    (root / FOLDER / "SHA256SUMS").write_text(f"{'0' * 64}  volume.yml\n", encoding="utf-8")
    commit(root, "Cut Volume 1 (a publish was stopped)")
    assert main(["--root", str(root), "volume", "publish", "1", "--date", "2026-01-15"]) == 0
    commit(root, "Publish Volume 1")
    capsys.readouterr()
    assert validate(root, capsys) == (0, ["OK: 2 practices and 1 volume(s) are valid."], "")


def test_without_history_the_sums_are_still_read_strictly_and_a_note_says_so(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain copy (an archive, a folder copied by hand) has no history to hold the volume to: the working
    SHA256SUMS is read as strictly as ever, the first line for a file stands, and a note says what was not
    checked. Even in CI: a pull request's checkout is a repository, so this is no way around the check."""
    copy = tmp_path / "copy"
    shutil.copytree(published, copy, ignore=shutil.ignore_patterns(".git"))
    assert validate(copy, capsys) == (0, ["OK: 2 practices and 1 volume(s) are valid."], NOT_IN_A_REPOSITORY)
    line = rewrite_b_two(copy)
    with (copy / FOLDER / "SHA256SUMS").open("a", encoding="utf-8") as sums:
        sums.write(line + "\n")
    code, out, err = validate(copy, capsys)
    assert (code, out) == (
        1,
        [
            f"{FOLDER}/SHA256SUMS:6: lists 'frozen/b-two.md' again (first on line 4); expected each file "
            "once, with the sum it was published with",
            CHANGED,
        ],
    )
    assert err == NOT_IN_A_REPOSITORY + "2 problem(s) in 2 file(s).\n"


def test_a_shallow_clone_is_a_problem_in_ci_and_a_note_elsewhere(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The oldest commit of a shallow clone seems to add every file, so its history proves nothing."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--depth", "1", published.as_uri(), str(clone))
    shallow = (
        f"{FOLDER}/SHA256SUMS: cannot be held to the commit that published Volume 1: the clone is shallow, so "
        "the commit that published the volume may be missing from it; fetch the whole history (git fetch "
        "--unshallow; in GitHub Actions, actions/checkout with fetch-depth: 0)"
    )
    code, out, _ = validate(clone, capsys)
    assert (code, out) == (1, [shallow])
    monkeypatch.delenv("CI")
    assert validate(clone, capsys) == (
        0,
        ["OK: 2 practices and 1 volume(s) are valid."],
        f"note: {shallow}\n",
    )


def test_a_publication_not_yet_committed_is_a_problem_in_ci_and_a_note_elsewhere(
    published: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (published / "practices" / "c-three.md").write_text(accepted("C three"), encoding="utf-8")
    assert main(["--root", str(published), "volume", "cut", "--title", "Second", "--publisher", "Org"]) == 0
    assert main(["--root", str(published), "volume", "publish", "2", "--date", "2026-02-01"]) == 0
    capsys.readouterr()
    unheld = (
        "volumes/02-second/SHA256SUMS: no commit on this branch publishes Volume 2, so it is held only to this "
        "SHA256SUMS, which a pull request can edit; commit what 'compendium volume publish' wrote"
    )
    code, out, _ = validate(published, capsys)
    assert (code, out) == (1, [unheld])
    monkeypatch.delenv("CI")
    assert validate(published, capsys) == (
        0,
        ["OK: 3 practices and 2 volume(s) are valid."],
        f"note: {unheld}\n",
    )
    commit(published, "Publish Volume 2")
    monkeypatch.setenv("CI", "true")
    assert validate(published, capsys) == (0, ["OK: 3 practices and 2 volume(s) are valid."], "")


def test_the_repository_volume_1_is_held_to_the_commit_that_published_it() -> None:
    history = read_history(REPO)
    if not history.repository or history.gap:
        skip_here_fail_in_ci("the repository's own history", history.gap or "not a git checkout")
    folder = next(REPO.glob("volumes/01-*"))
    assert history.publications[1].folder == f"volumes/{folder.name}"
    assert history.publications[1].checksums == (folder / "SHA256SUMS").read_bytes()


def test_a_checkout_owned_by_another_user_is_read(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a CI container the checkout belongs to the runner's user and the job runs as root: git calls that
    "dubious ownership" and refuses the repository, unless told that the project's own is safe."""
    if os.geteuid() != 0:
        pytest.skip("only root can give the repository to another user")
    for folder, _, files in os.walk(published):
        for name in [folder, *(os.path.join(folder, file) for file in files)]:
            os.chown(name, 65534, 65534)
    assert (
        "dubious ownership"
        in subprocess.run(
            ["git", "log"], cwd=published, capture_output=True, text=True, env={"PATH": os.environ["PATH"]}
        ).stderr
    )
    assert validate(published, capsys) == (0, ["OK: 2 practices and 1 volume(s) are valid."], "")


@pytest.mark.parametrize("workflow", ["pull-request.yml", "pages.yml"])
def test_the_workflows_that_validate_fetch_the_whole_history(workflow: str) -> None:
    """actions/checkout clones one commit by default: a shallow clone, whose history proves nothing."""
    import yaml

    jobs = yaml.safe_load((REPO / ".github" / "workflows" / workflow).read_text(encoding="utf-8"))["jobs"]
    checkouts = [
        step.get("with", {})
        for job in jobs.values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    assert checkouts and all(options.get("fetch-depth") == 0 for options in checkouts)


PRINTINGS = f"{FOLDER}/printings"
ERRATUM = (
    "errata:\n  - date: 2026-01-20\n    practice: b-two\n    text: The lead partner's name was misspelt.\n"
)


def reprint(root: Path, capsys: pytest.CaptureFixture[str], reason: str = "Corrections printed.") -> int:
    code = main(["--root", str(root), "volume", "reprint", "1", "--reason", reason, "--date", "2026-01-21"])
    capsys.readouterr()
    return code


def kept_in(root: Path, path: str) -> str:
    """How problems name the commit that first held a printing file: ``commit <12 digits> (<its date>)``."""
    found = git(root, "log", "--diff-filter=A", "--format=%H %cd", "--date=short", "--", path)
    commit_id, day = found.splitlines()[-1].split()
    return f"commit {commit_id[:12]} ({day})"


def test_a_printing_changed_together_with_its_record_is_held_to_its_commit(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pull request that swaps a printing's PDF and writes the new checksum into its record passes the
    check of the record against the PDF, not the check against history."""
    pdf, record = published / PRINTINGS / "1" / "edition.pdf", published / PRINTINGS / "1" / "printing.yml"
    forged = pdf.read_bytes().replace(b"First Steps", b"Forged Step", 1)
    assert forged != pdf.read_bytes()
    old = hashlib.sha256(pdf.read_bytes()).hexdigest()
    pdf.write_bytes(forged)
    record.write_text(record.read_text().replace(old, hashlib.sha256(forged).hexdigest()), encoding="utf-8")
    where = kept_in(published, f"{PRINTINGS}/1/edition.pdf")
    code, out, _ = validate(published, capsys)
    assert code == 1
    assert out == [
        f"{PRINTINGS}/1/edition.pdf: differs from the copy Volume 1 kept in {where}; a printing never changes: "
        f"restore it (git checkout {where.split()[1]} -- {PRINTINGS}/1/edition.pdf); a new printing is "
        "'compendium volume reprint 1'",
        f"{PRINTINGS}/1/printing.yml: differs from the copy Volume 1 kept in {where}; a printing never changes: "
        f"restore it (git checkout {where.split()[1]} -- {PRINTINGS}/1/printing.yml); a new printing is "
        "'compendium volume reprint 1'",
    ]


def test_a_reprint_is_held_to_history_once_committed_and_never_removed(
    published: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (published / FOLDER / "errata.yml").write_text(ERRATUM, encoding="utf-8")
    assert reprint(published, capsys) == 0
    unheld = (
        f"{PRINTINGS}: 2/edition.pdf, 2/printing.yml: in no commit on this branch yet, so held only to the "
        "records beside them, which a pull request can edit; commit what 'compendium volume publish' or "
        "'reprint' wrote"
    )
    assert validate(published, capsys)[:2] == (1, [unheld])  # in CI
    monkeypatch.delenv("CI")
    assert validate(published, capsys) == (
        0,
        ["OK: 2 practices and 1 volume(s) are valid."],
        f"note: {unheld}\n",
    )
    commit(published, "Second printing of Volume 1, with its erratum")
    monkeypatch.setenv("CI", "true")
    assert validate(published, capsys) == (0, ["OK: 2 practices and 1 volume(s) are valid."], "")
    # Removing the second printing (to serve the first again) is refused, file by file.
    shutil.rmtree(published / PRINTINGS / "2")
    where = kept_in(published, f"{PRINTINGS}/2/edition.pdf")
    code, out, _ = validate(published, capsys)
    assert code == 1
    assert out == [
        f"{PRINTINGS}/2/{name}: is missing, but Volume 1 kept it in {where}; a printing is never removed: "
        f"restore it (git checkout {where.split()[1]} -- {PRINTINGS}/2/{name})"
        for name in ("edition.pdf", "printing.yml")
    ]


def test_printings_a_stopped_publish_committed_in_a_draft_do_not_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    root = print_project(tmp_path / "project", {"a-one.md": accepted("A one")})
    git(root, "init", "--quiet")
    assert main(["--root", str(root), "volume", "cut", "--title", "First Steps", "--publisher", "Org"]) == 0
    leftover = root / PRINTINGS / "1"
    leftover.mkdir(parents=True)
    (leftover / "edition.pdf").write_bytes(b"%PDF-1.7\n% left by a stopped publish\n")
    (leftover / "printing.yml").write_text("printing: 1\n", encoding="utf-8")
    commit(root, "Cut Volume 1 (a publish was stopped)")
    assert main(["--root", str(root), "volume", "publish", "1", "--date", "2026-01-15"]) == 0
    commit(root, "Publish Volume 1")
    capsys.readouterr()
    assert validate(root, capsys) == (0, ["OK: 1 practices and 1 volume(s) are valid."], "")
