"""The build's caches (cut fonts, rendered PDFs): outside the project, checked on every read.

A cache inside the checkout is input a pull request controls: ``.gitignore`` does
not stop ``git add -f``, and the keys are computable offline, so a committed link
published the build's environment as a font and a committed PDF became Volume 1.
So the caches live in the user's cache folder (``$COMPENDIUM_CACHE_DIR``, else
``$XDG_CACHE_HOME/compendium``, else ``~/.cache/compendium``; the plugin's
``cache_dir`` or ``--cache-dir`` choose another), and a folder inside the project
is refused. Each entry is named by the SHA-256 of its content, checked on read:
an entry that does not match is removed and made again. Entries and folders are
opened without following links, and a folder must be a real one its user owns
and nobody else may write to, so no write can be sent elsewhere.

The core's own module: it imports nothing from MkDocs.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import importlib.metadata
import io
import os
import pickle
import re
import secrets
import stat
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from compendium.records.problem import Problem

ENVIRONMENT = "COMPENDIUM_CACHE_DIR"
"""The variable that moves the caches, e.g. where CI restores and saves them."""
DEFAULT = "~/.cache/compendium"
"""Where the caches live when nothing else is said (and ``XDG_CACHE_HOME`` is not set)."""
FONTS = "fonts"
"""The cut web fonts' folder in the cache."""
PDF = "pdf"
"""The rendered print editions' folder in the cache."""
LOCKS = "locks"
"""The folder of the locks that make two builds of one site take turns."""
WORK = "work"
"""The folder of work kept between builds (:class:`Memo`): each record's reading, each page's HTML."""
PROJECT_CACHE = ".cache"
"""Where the caches once lived inside the project: git may not track it."""
TRACKED = (
    "is tracked by git, but the build keeps its caches outside the project and a cache in the "
    "repository is input a pull request controls; expected no .cache in the repository: "
    "remove it with 'git rm -r --cached .cache'"
)
"""What ``compendium validate`` says of each tracked file under ``.cache``."""

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")
_DIGEST = re.compile(r"[0-9a-f]{64}")
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO planted as an entry must not hang the build before fstat refuses it.
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class CacheError(Exception):
    """The cache folder cannot be used; the message names it and says what was expected."""


def cache_folder(
    project_root: Path,
    chosen: Path | None = None,
    origin: str = "",
    environ: Mapping[str, str] = os.environ,
) -> Path:
    """The folder the caches live in, made if need be: ``chosen`` (``origin`` names where it was set,
    for messages), else ``$COMPENDIUM_CACHE_DIR``, else ``$XDG_CACHE_HOME/compendium``, else
    ``~/.cache/compendium``. Refused (:class:`CacheError`) when it lies inside the project or holds it."""
    if chosen is None and environ.get(ENVIRONMENT):
        chosen, origin = Path(environ[ENVIRONMENT]), ENVIRONMENT
    if chosen is None:
        xdg = environ.get("XDG_CACHE_HOME", "")
        # The XDG rule: a relative XDG_CACHE_HOME is invalid and ignored.
        chosen = Path(xdg) / "compendium" if os.path.isabs(xdg) else Path(DEFAULT)
        origin = "the default cache folder"
    written = Path(os.path.abspath(chosen.expanduser()))
    folder = written.resolve()
    root = Path(os.path.abspath(project_root))
    real_root = root.resolve()
    # Both as written and as resolved: a link inside the project to a folder outside is still the project's.
    if written.is_relative_to(root) or folder.is_relative_to(real_root):
        raise CacheError(
            f"{origin}: expected a cache folder outside the project {root}, received {written}: a cache "
            "inside the project is input a pull request controls; choose a folder outside it "
            f"(or leave it unset for {DEFAULT})"
        )
    if real_root.is_relative_to(folder):
        raise CacheError(
            f"{origin}: expected a cache folder outside the project {root}, received {written}, which "
            f"holds the project; choose a folder of its own (or leave it unset for {DEFAULT})"
        )
    return prepare_folder(folder)


def prepare_folder(folder: Path) -> Path:
    """``folder``, made if need be (mode 0o700) and checked: a real folder, not a link, of this user,
    that nobody else may write to. :class:`CacheError` otherwise."""
    with _opened(folder):
        return folder


class Cache:
    """One folder of the cache: entries by key, each named ``<key>.<SHA-256 of its content>``.

    ``get`` returns an entry only when its content matches its name; anything else under a key
    (a link, a folder, a changed file) is removed. ``put`` writes through the folder it checked,
    never through a link, and one step at a time, so a reader never sees half an entry."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str) -> bytes | None:
        """The content stored under ``key``, or None when there is none that checks out."""
        with _opened(self.folder) as fd:
            for name in _entries(fd, key):
                data = _read_regular(fd, name)
                if data is not None and hashlib.sha256(data).hexdigest() == name.rsplit(".", 1)[1]:
                    return data
                _remove(fd, name)
        return None

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, in place of what was there.

        A write that fails (a full disk) only costs the next build the work again."""
        name = f"{key}.{hashlib.sha256(data).hexdigest()}"
        with _opened(self.folder) as fd:
            stale = [other for other in _entries(fd, key) if other != name]
            temp = f".{name}.{secrets.token_hex(8)}.tmp"
            try:
                handle = os.open(temp, _WRITE_FLAGS, 0o600, dir_fd=fd)
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)
            except OSError:
                _remove(fd, temp)
                return
            for other in stale:
                _remove(fd, other)


class Memo:
    """Results of work, by the SHA-256 of everything they were made from, kept from one build to the next.

    A build asks for each result by its key (:func:`key_of` of its inputs, this code's version among them)
    and stores what it had to make. The results the build used are kept, as one entry of ``cache``
    (one read, one check of its SHA-256, one write a build, however many records), so the entry holds
    what the last build needed and no more. Under ``mkdocs serve`` the same Memo lives from one rebuild to
    the next, and nothing is read again. Entries are pickles: the folder is the user's own and nobody
    else may write to it (:func:`prepare_folder`), and an entry is read only when its content matches
    the SHA-256 in its name, as the fonts and PDFs are."""

    def __init__(self, cache: Cache | None, name: str) -> None:
        self._cache = cache
        self.name = name
        """The entry's key in ``cache``."""
        self._stored: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}
        self.made = 0
        """How many results this round had to make (for the build's closing line and the tests)."""
        self.kept = 0
        """How many results this round found kept."""
        self._unwritten = False

    def get(self, key: str) -> Any | None:
        """The result stored under ``key``, or None."""
        if self._stored is None:
            self._stored = self._read()
        found = self._used.get(key)
        if found is None:
            found = self._stored.get(key)
            if found is not None:
                self._used[key] = found
        if found is not None:
            self.kept += 1
        return found

    def put(self, key: str, value: Any) -> None:
        """Keep ``value``, made from what ``key`` sums up."""
        self._used[key] = value
        self.made += 1

    def save(self, write: bool = True) -> None:
        """Keep what this round used for the next, and start a new round: under ``mkdocs serve`` the
        next rebuild finds them in memory. With ``write``, store them in the cache folder too (else
        :meth:`flush` does, when the preview ends: writing took a rebuild a second at 1,000 practices)."""
        stored = self._stored or {}
        self._unwritten = self._unwritten or bool(self.made) or stored.keys() != self._used.keys()
        self._stored, self._used, self.made, self.kept = self._used, {}, 0, 0
        if write:
            self.flush()

    def flush(self) -> None:
        """Store what the last round used in the cache folder, if it is not there yet."""
        if self._cache is not None and self._unwritten:
            # Pages repeat much of each other (the same cards, the same markup): the fastest level
            # makes the entry a fifth of its size. Pickled straight into the compressor, so the
            # whole pickle is never held in memory beside what it pickles (600 MB at 10,000 practices).
            buffer = io.BytesIO()
            with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=1, mtime=0) as packed:
                pickle.dump((code_version(), self._stored or {}), packed, pickle.HIGHEST_PROTOCOL)
            self._cache.put(self.name, buffer.getvalue())
        self._unwritten = False

    def _read(self) -> dict[str, Any]:
        data = self._cache.get(self.name) if self._cache is not None else None
        if data is None:
            return {}
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb") as packed:
                version, stored = pickle.load(packed)
        except Exception:  # an entry an older Python or Compendium wrote: made again
            return {}
        return stored if version == code_version() and isinstance(stored, dict) else {}


def key_of(*parts: str | bytes) -> str:
    """One key for results made from ``parts`` (and this code: see :func:`code_version`)."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@functools.cache
def code_version() -> str:
    """A digest of this package's files and of the installed distributions' versions: work kept by
    another version of the code (or of Python-Markdown, PyYAML…) is never reused."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()


def tracked_cache_problems(root: Path) -> list[Problem]:
    """A problem for each file under the project's ``.cache`` that git tracks; none outside a checkout.

    Nothing reads that folder any more, but a tracked one says a pull request put it there."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", PROJECT_CACHE],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):  # no git here
        return []
    if listed.returncode != 0:  # not a git checkout
        return []
    paths = listed.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [Problem(path, None, None, TRACKED) for path in sorted(filter(None, paths))]


@contextlib.contextmanager
def _opened(folder: Path) -> Iterator[int]:
    """A descriptor of ``folder`` (made if missing), checked as :func:`prepare_folder` says."""
    parent = folder.parent
    try:
        os.makedirs(parent, mode=0o700, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
    except OSError as exc:
        raise CacheError(f"{folder}: the cache folder could not be made: {exc.strerror}") from None
    try:
        fd = os.open(folder, _FOLDER_FLAGS)
    except OSError:
        kind = "a symbolic link" if folder.is_symlink() else "a file" if folder.is_file() else "no folder"
        raise CacheError(
            f"{folder}: expected a cache folder, received {kind}; the caches are never read or written "
            "through a link: remove it, and the build makes the folder again"
        ) from None
    try:
        _check_folder(folder, os.fstat(fd))
        yield fd
    finally:
        os.close(fd)


def _check_folder(folder: Path, info: os.stat_result) -> None:
    if info.st_uid != os.geteuid():
        raise CacheError(
            f"{folder}: expected a cache folder of your own (user {os.geteuid()}), received one of user "
            f"{info.st_uid}: choose another with {ENVIRONMENT}"
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise CacheError(
            f"{folder}: expected a cache folder only you may write to, received mode "
            f"{stat.S_IMODE(info.st_mode):o}: run 'chmod go-w {folder}' or choose another with {ENVIRONMENT}"
        )


def _entries(fd: int, key: str) -> list[str]:
    """The names in the folder that claim to hold ``key``'s content."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a cache key: {key!r}")
    prefix = key + "."
    return sorted(
        name for name in os.listdir(fd) if name.startswith(prefix) and _DIGEST.fullmatch(name[len(prefix) :])
    )


def _read_regular(fd: int, name: str) -> bytes | None:
    """``name``'s content when it is a regular file (a link is never followed), else None."""
    try:
        handle = os.open(name, _READ_FLAGS, dir_fd=fd)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        return None
    with os.fdopen(handle, "rb") as entry:
        return entry.read()


def _remove(fd: int, name: str) -> None:
    """Remove ``name`` (a link itself, never what it points to); a folder there stays and is skipped."""
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=fd)
