"""The project's git history, read for one thing: the ``SHA256SUMS`` each volume was published with.

A published volume's ``SHA256SUMS`` lies beside the texts it guards, so a pull request
that edits a frozen text can edit its sum too (or append a line for it). The copy in the
commit that published the volume is out of a pull request's reach: a pull request adds
commits, it cannot change those its base already holds. Validation holds the working
copy to that commit's, byte for byte.

"The commit that published Volume N" is the oldest commit on the first-parent line of
``HEAD`` in which ``volumes/<N>-<slug>/`` holds a ``SHA256SUMS`` and a manifest saying
``status: published`` (the commits to look at are those that add or change either file):

* first-parent, because that line is the branch's own history (on GitHub, a pull
  request's merge commit has the base branch as first parent): commits a pull request
  brings along, whatever their dates, are not on it, and its own changes show as one
  diff of the merge commit against the base. (Git's default walk would follow a merged
  side branch whose tree matches the merge, and a commit dated 2000 there would seem
  the oldest.);
* oldest, because deleting the file in one commit and adding a new one in the next, or
  setting the volume back to draft and publishing it again, must not make a new
  publication;
* by number, not folder, because renaming the folder must not either;
* with a published manifest, because a publish stopped before its last step leaves a
  draft with a ``SHA256SUMS`` (which may be committed) that the next publish writes again.

A published volume's printings (``printings/<n>/printing.yml`` and ``edition.pdf``) are written once, by
``publish`` and ``reprint``, and never changed: each is held to its copy in the oldest commit on
the same first-parent line, at or after the volume's publication, that adds or changes it
(:attr:`History.kept`); a file the history holds must not go missing. A stopped publish may
have left a draft's printing files in an earlier commit: those do not count.

Git runs with a fixed argument list, no shell, in the project folder, with a timeout.
Where history cannot be read (no git, a shallow clone, git failing) :attr:`History.gap`
says why; outside any repository (a copy, a release archive, a test's project) there is
no history to hold a volume to, which :attr:`History.repository` says.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from compendium.records.volume import (
    CHECKSUMS,
    FOLDER,
    MANIFEST,
    PRINTING_FOLDER,
    PRINTING_PDF,
    PRINTING_RECORD_FILE,
    PRINTINGS,
)

GIT_TIMEOUT = 30
"""Seconds one git command may take; the history of a project of this size answers in milliseconds."""
PUBLISHED = re.compile(rb"""^status:[ \t]*(["']?)published\1[ \t]*(#.*)?$""", re.MULTILINE)
"""The manifest line ``publish`` writes: a commit whose manifest has it published the volume."""
_COMMIT = re.compile(r"([0-9a-f]{40,64}) (\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Publication:
    """The commit that published a volume, and the volume as that commit holds it."""

    number: int
    commit: str
    day: str
    """The commit's date, YYYY-MM-DD."""
    folder: str
    """The volume's folder in that commit, relative to the project: ``volumes/01-the-genius-of-regions``."""
    checksums: bytes
    """``SHA256SUMS`` as published."""

    @property
    def where(self) -> str:
        """How problems name the commit: ``commit 2f32e73d024d (2026-11-23)``."""
        return f"commit {self.commit[:12]} ({self.day})"


@dataclass(frozen=True)
class Kept:
    """A printing file of a published volume as the history first holds it (see the module's description)."""

    path: str
    """The file, relative to the project: ``volumes/01-the-genius-of-regions/printings/2/edition.pdf``."""
    commit: str
    day: str
    blob: str
    """Git's object id of the file's content in that commit (:func:`blob_id` of the bytes)."""

    @property
    def where(self) -> str:
        """How problems name the commit: ``commit 2f32e73d024d (2026-11-23)``."""
        return f"commit {self.commit[:12]} ({self.day})"


def blob_id(data: bytes, like: str) -> str:
    """Git's object id of a file holding ``data``, in the hash of the repository whose ids look
    like ``like`` (SHA-1 ids have 40 digits, SHA-256 ids 64)."""
    header = f"blob {len(data)}\0".encode()
    digest = hashlib.sha256() if len(like) == 64 else hashlib.sha1(usedforsecurity=False)
    digest.update(header + data)
    return digest.hexdigest()


@dataclass(frozen=True)
class History:
    """What the history says about published volumes, and how far it could be read."""

    publications: dict[int, Publication] = field(default_factory=dict)
    """Volume number -> the commit that published it."""
    kept: dict[str, Kept] = field(default_factory=dict)
    """Printing file (relative path) -> its copy in the commit that first held it once published."""
    repository: bool = False
    """Whether the project lies in a git work tree (or has a ``.git`` that git could not read)."""
    gap: str | None = None
    """Why the history could not be read in full, or None."""
    strict: bool = False
    """Whether a volume that cannot be held to its publication is a problem (in CI) or a note (elsewhere)."""


def read_history(root: Path) -> History:
    """The publications git's history holds for the project at ``root``."""
    strict = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    here = root.resolve()
    repository = next((folder for folder in (here, *here.parents) if (folder / ".git").exists()), None)
    if repository is None:
        return History(strict=strict)
    program = shutil.which("git")
    if program is None:
        return History(
            repository=True, gap="git is not installed, so the history cannot be read", strict=strict
        )
    try:
        return _read(_Git(program, here, repository), strict)
    except _GitFailed as exc:
        return History(repository=True, gap=str(exc), strict=strict)


class _GitFailed(Exception):
    """A git command failed, timed out or could not start; the message says which and why."""


def _read(git: _Git, strict: bool) -> History:
    head = git(["rev-parse", "--is-shallow-repository", "-q", "--verify", "HEAD^{commit}"], ok=(0, 1))
    shallow, *commit = head.decode("ascii", errors="replace").split()
    if shallow == "true":
        # The oldest commit of a shallow clone seems to add every file it holds, the frozen texts
        # and their sums included: its history proves nothing.
        return History(
            repository=True,
            gap="the clone is shallow, so the commit that published the volume may be missing from it; "
            "fetch the whole history (git fetch --unshallow; in GitHub Actions, actions/checkout with "
            "fetch-depth: 0)",
            strict=strict,
        )
    if not commit:  # a repository without commits yet
        return History(repository=True, strict=strict)
    log = git(
        [
            "log", "--first-parent", "--reverse", "--no-renames", "--diff-filter=AM", "--relative",
            "--date=short", "--format=%x00%H %cd", "--name-only", "-z", "HEAD",
            "--", f":(glob)volumes/*/{CHECKSUMS}", f":(glob)volumes/*/{MANIFEST}",
            f":(glob)volumes/*/{PRINTINGS}/*/*",
        ],
    )  # fmt: skip
    candidates: list[tuple[int, str, str, str]] = []  # (number, commit, day, folder), oldest first
    printed: list[tuple[int, int, str, str, str]] = []  # (order, number, commit, day, path), oldest first
    order: dict[str, int] = {}  # commit -> its place on the first-parent line, oldest 0
    current: tuple[str, str] | None = None
    for token in log.decode("utf-8", errors="replace").split("\0"):
        token = token.strip("\n")
        if found := _COMMIT.fullmatch(token):
            current = (found.group(1), found.group(2))
            order.setdefault(current[0], len(order))
            continue
        if current is not None and (volume := _printing_file(token)) is not None:
            printed.append((order[current[0]], volume, *current, token))
            continue
        folder, _, name = token.rpartition("/")
        parent, _, base = folder.partition("/")
        match = FOLDER.fullmatch(base)
        if current is None or name not in (CHECKSUMS, MANIFEST) or parent != "volumes" or match is None:
            continue
        candidate = (int(match.group(1)), *current, folder)
        if candidate not in candidates[-2:]:  # a commit changing both files is one candidate
            candidates.append(candidate)
    wanted = [
        f"{commit}:./{folder}/{file}" for _, commit, _, folder in candidates for file in (MANIFEST, CHECKSUMS)
    ]
    blobs = _read_blobs(git, wanted)
    publications: dict[int, Publication] = {}
    for number, commit_id, day, folder in candidates:
        manifest = blobs.get(f"{commit_id}:./{folder}/{MANIFEST}")
        checksums = blobs.get(f"{commit_id}:./{folder}/{CHECKSUMS}")
        if number in publications or manifest is None or checksums is None or not PUBLISHED.search(manifest):
            continue
        publications[number] = Publication(number, commit_id, day, folder, checksums)
    firsts: dict[str, tuple[str, str]] = {}  # path -> (commit, day) that first holds it once published
    for place, number, commit_id, day, path in printed:
        publication = publications.get(number)
        if publication is None or path in firsts:
            continue
        if place >= order[publication.commit]:
            firsts[path] = (commit_id, day)
    for place, number, _, _, path in printed:
        publication = publications.get(number)
        if publication is not None and place < order[publication.commit] and path not in firsts:
            # Written before the publication (a stopped publish, committed) and not changed by it:
            # held to the publication's copy, if it holds the file at all.
            firsts[path] = (publication.commit, publication.day)
    ids = _object_ids(git, [f"{commit_id}:./{path}" for path, (commit_id, _) in firsts.items()])
    kept = {
        path: Kept(path, commit_id, day, ids[f"{commit_id}:./{path}"])
        for path, (commit_id, day) in firsts.items()
        if f"{commit_id}:./{path}" in ids
    }
    return History(publications=publications, kept=kept, repository=True, strict=strict)


def _printing_file(path: str) -> int | None:
    """The volume number of ``path`` if it is a printing file (``volumes/<NN>-<slug>/printings/<n>/edition.pdf``)."""
    parts = path.split("/")
    if (
        len(parts) != 5
        or parts[0] != "volumes"
        or parts[2] != PRINTINGS
        or not PRINTING_FOLDER.fullmatch(parts[3])
        or parts[4] not in (PRINTING_RECORD_FILE, PRINTING_PDF)
    ):
        return None
    match = FOLDER.fullmatch(parts[1])
    return int(match.group(1)) if match else None


def _object_ids(git: _Git, names: list[str]) -> dict[str, str]:
    """``<commit>:<path>`` -> the object id of that file, for those that exist, from one ``git cat-file``."""
    if not names:
        return {}
    out = git(["cat-file", "--batch-check"], stdin="".join(f"{name}\n" for name in names).encode())
    ids: dict[str, str] = {}
    for name, line in zip(names, out.decode("ascii", errors="replace").splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            ids[name] = parts[0]
    return ids


def _read_blobs(git: _Git, names: list[str]) -> dict[str, bytes]:
    """``<commit>:<path>`` -> the file's bytes, for those that exist, read by one ``git cat-file``."""
    if not names:
        return {}
    out = git(["cat-file", "--batch"], stdin="".join(f"{name}\n" for name in names).encode())
    blobs: dict[str, bytes] = {}
    at = 0
    for name in names:
        end = out.find(b"\n", at)
        if end < 0:
            raise _GitFailed("git cat-file stopped before it had answered for every file")
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            blobs[name] = out[at : at + size]
            at += size + 1  # the content, then a newline
        elif len(header) == 3:  # a tree or another object where a file was expected
            at += int(header[2]) + 1
    return blobs


@dataclass(frozen=True)
class _Git:
    """git, run in the project folder on the repository that holds it."""

    program: str
    root: Path
    repository: Path
    """The folder holding ``.git``."""

    def __call__(self, args: list[str], ok: tuple[int, ...] = (0,), stdin: bytes | None = None) -> bytes:
        """Run ``git args``; its standard output, or :class:`_GitFailed` saying what went wrong."""
        # The repository is the one holding the project folder: variables that point git elsewhere
        # (a hook's GIT_DIR, GIT_INDEX_FILE) are left out, and so are replacement objects, which
        # would let local refs stand in for history.
        env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_NO_REPLACE_OBJECTS="1", GIT_OPTIONAL_LOCKS="0")
        # In a CI container the checkout belongs to the runner's user, not the container's root, and
        # git refuses it ("dubious ownership") unless told it is safe: it is the folder we were asked
        # to validate, and these commands run no program its config could name (no signature check,
        # no fsmonitor; no pager, hook or diff driver runs for them).
        options = [
            f"safe.directory={self.repository}",
            "log.showSignature=false",
            "core.fsmonitor=false",
        ]
        command = [self.program, *(part for option in options for part in ("-c", option)), *args]
        try:
            result = subprocess.run(
                command,
                cwd=self.root,
                input=stdin,
                capture_output=True,
                timeout=GIT_TIMEOUT,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _GitFailed(f"git {args[0]} did not answer within {GIT_TIMEOUT} s") from None
        except OSError as exc:
            raise _GitFailed(f"git could not be run: {exc.strerror}") from None
        if result.returncode not in ok:
            reason = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
            raise _GitFailed(
                f"git {args[0]} failed: {reason[0] if reason else f'exit status {result.returncode}'}"
            )
        return result.stdout
