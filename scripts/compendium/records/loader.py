"""The strict front-matter loader: the one way any part of Compendium reads a record.

PyYAML's ``safe_load`` and python-frontmatter are forgiving in ways that lose
data silently (measured here, see DESIGN.md): duplicate keys overwrite, ``NO``
becomes ``False``, ``012345`` becomes 5349, ``1:30`` becomes 90, a missing
closing ``---`` yields ``{}``, an alias bomb loads quietly and explodes whatever
walks it. This loader reads libyaml's *event stream* (the C parser, so it stays
fast) and builds plain Python values itself, which lets it:

* refuse anchors, aliases and explicit tags at the first event (nothing from a
  record is ever expanded or executed);
* refuse duplicate keys, naming both lines;
* keep every scalar as written: only ``true``/``false``, ``null``/``~``/empty
  and plain decimal integers are typed; everything else stays a string and
  the record model decides what it means (a date is checked there, by field);
* stop at a small nesting depth, before libyaml's recursive composer could
  overflow the stack;
* remember the line and column of every key and list item, so that the model
  can name the line of any problem it finds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from compendium.records.characters import find_uncarried
from compendium.records.problem import Problem

MAX_FILE_BYTES = 256 * 1024
"""A record larger than this is refused before it is parsed (a practice is a few KB)."""
MAX_DEPTH = 6
"""Deepest nesting of lists and mappings a record may use (the model needs 3)."""
MAX_INT_DIGITS = 18
"""Plain digits longer than this stay text (``int()`` refuses 4,300 digits; no field takes 19)."""

KeyPath = tuple[str | int, ...]
"""Where a value sits in the front matter, e.g. ``("partners", 0, "role")``."""

_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_DELIMITER = re.compile(r"-{3}[ \t]*")
_LONG_ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})")

# libyaml's C parser reads valid files; PyYAML's pure-Python parser gives the same events, only
# slower. Every message about a file that is not valid comes from the pure-Python parser, which is the
# same in every PyYAML release and has no limits of its own: libyaml's vary between releases (6.0.4
# stops 1,000 nested brackets with its own words, before our nesting limit could answer).
_FAST: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_EXACT: type[Any] = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based position in a file."""

    line: int
    column: int


@dataclass
class Document:
    """What a file holds once strictly loaded: data, positions, and the Markdown body."""

    path: Path
    data: dict[str, Any]
    marks: dict[KeyPath, Mark] = field(default_factory=dict)
    """Position of each key (for mapping entries) or item (for list entries)."""
    body: str = ""
    body_line: int = 1
    """The file line on which ``body`` starts, so body problems can name file lines."""
    text: str = ""

    def mark(self, keypath: KeyPath) -> Mark | None:
        """The position of ``keypath`` or, failing that, of its nearest parent."""
        return find_mark(self.marks, keypath)


def find_mark(marks: dict[KeyPath, Mark], keypath: KeyPath) -> Mark | None:
    """The position of ``keypath`` in ``marks`` or, failing that, of its nearest parent."""
    while keypath:
        if keypath in marks:
            return marks[keypath]
        keypath = keypath[:-1]
    return marks.get(())


class LoadError(Exception):
    """The file could not be read as a record; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class _Located(Exception):
    def __init__(self, message: str, line: int, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class StrictYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler with a line-exact split and the strict loader.

    python-frontmatter strips the text and splits on a regular expression that can
    swallow blank lines, so line numbers drift, and it answers ``{}`` for anything
    it cannot split. We keep its handler interface: ``split`` is exact and loud, and
    ``export`` (writing a record, ``compendium new``) is python-frontmatter's own;
    reading the fields is :func:`load_record`'s.
    """

    def split(self, text: str) -> tuple[str, str]:
        lines = text.splitlines(keepends=True)
        if not lines or not text.strip():
            raise _Located("the file is empty; expected front matter that starts with '---'", 1)
        if not _DELIMITER.fullmatch(lines[0].rstrip("\r\n")):
            raise _Located(
                "no front matter: the first line must be '---', followed by the fields "
                "(title: …, summary: …) and another '---'",
                1,
                1,
            )
        for index in range(1, len(lines)):
            if _DELIMITER.fullmatch(lines[index].rstrip("\r\n")):
                return "".join(lines[1:index]), "".join(lines[index + 1 :])
        raise _Located(
            "the front matter opened on line 1 is never closed: expected a line '---' "
            "between the fields and the text",
            1,
            1,
        )


def load_record(path: Path, display: str) -> Document:
    """Read ``path`` as a front-matter Markdown record, strictly.

    ``display`` is how problems name the file. Raises :class:`LoadError`.
    """
    return parse_record(_read_text(path, display), path, display)


def parse_record(text: str, path: Path, display: str) -> Document:
    """A record's text, already read from ``path``, checked as :func:`load_record` checks a file."""
    handler = StrictYAMLHandler()
    try:
        fm, body = handler.split(text)
        _refuse_uncarried(fm, line_offset=2)
        data, marks = _compose(fm, line_offset=2)
        _refuse_uncarried(body, line_offset=fm.count("\n") + 3, controls=True)
    except _Located as exc:
        raise LoadError([Problem(display, exc.line, exc.column, exc.message)]) from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {_kind(data)}"
        raise LoadError(
            [Problem(display, 2, 1, f"the front matter is {kind}; expected fields as 'name: value' lines")]
        )
    body_line = fm.count("\n") + 3
    return Document(path, data, marks, body, body_line, text)


def load_yaml(path: Path, display: str) -> Document:
    """Read a whole YAML file (the vocabulary, a volume manifest) with the same strict rules."""
    text = _read_text(path, display)
    try:
        _refuse_uncarried(text, line_offset=1)
        data, marks = _compose(text, line_offset=1)
    except _Located as exc:
        raise LoadError([Problem(display, exc.line, exc.column, exc.message)]) from None
    if not isinstance(data, dict):
        raise LoadError([Problem(display, 1, 1, "expected a mapping of 'name: value' lines")])
    return Document(path, data, marks, text=text)


def read_text(path: Path, display: str) -> str:
    """A text file of the project (a foreword), with the same size, UTF-8 and character checks as a record."""
    text = _read_text(path, display)
    try:
        _refuse_uncarried(text, line_offset=1, controls=True)
    except _Located as exc:
        raise LoadError([Problem(display, exc.line, exc.column, exc.message)]) from None
    return text


def _refuse_uncarried(text: str, line_offset: int, *, controls: bool = False) -> None:
    """:class:`_Located` at the first character of ``text`` that no output can carry."""
    refusal = find_uncarried(text, controls=controls)
    if refusal is not None:
        line_start = text.rfind("\n", 0, refusal.index) + 1
        line = text.count("\n", 0, refusal.index) + line_offset
        raise _Located(refusal.message, line, refusal.index - line_start + 1)


def _read_text(path: Path, display: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError(
                [
                    Problem(
                        display,
                        None,
                        None,
                        f"the file is {size:,} bytes; a record may be at most {MAX_FILE_BYTES:,} bytes",
                    )
                ]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError([Problem(display, None, None, f"cannot be read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            [
                Problem(
                    display,
                    line,
                    column,
                    f"byte 0x{raw[exc.start]:02x} is not UTF-8 text; save the file as UTF-8",
                )
            ]
        ) from None
    # A byte-order mark is how some Windows editors say "UTF-8"; it carries no
    # content, so accept it rather than losing the fields behind it.
    return text.removeprefix("\ufeff")


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "piece of text"
    return type(value).__name__


def _resolve(event: yaml.ScalarEvent) -> Any:
    value: str = event.value
    if not event.style:  # plain, unquoted: the only scalars we type at all
        if value in _NULLS:
            return None
        if value in _TRUES:
            return True
        if value in _FALSES:
            return False
        if len(value) <= MAX_INT_DIGITS + 1 and _INT.fullmatch(value):
            return int(value)  # longer runs of digits stay text, for the field to refuse with its bound
    return value


def _compose(text: str, line_offset: int) -> tuple[Any, dict[KeyPath, Mark]]:
    """Build plain values from YAML events; ``line_offset`` is the file line of ``text``'s line 1."""
    for number, source in enumerate(text.splitlines(), start=line_offset):
        indent = len(source) - len(source.lstrip(" \t"))
        if "\t" in source[:indent]:
            raise _Located(
                "a tab is used for indentation; YAML needs spaces here",
                number,
                source.index("\t") + 1,
            )

    refused: yaml.YAMLError | None = None
    if _FAST is not _EXACT:
        try:
            return _build(text, line_offset, _FAST)
        except yaml.YAMLError as exc:
            refused = (
                exc  # read it again with the exact parser, whose checks and words are the same everywhere
            )
    try:
        built = _build(text, line_offset, _EXACT)
    except (ValueError, OverflowError):
        # PyYAML's own parser turns an escape such as "\U00110000" into chr(), which fails.
        escape = next((m for m in _LONG_ESCAPE.finditer(text) if int(m.group(1), 16) > 0x10FFFF), None)
        line = text.count("\n", 0, escape.start()) + line_offset if escape else line_offset
        column = escape.start() - text.rfind("\n", 0, escape.start()) if escape else None
        shown = escape.group() if escape else "an escape"
        raise _Located(
            f"{shown} is not a Unicode character (they end at \\U0010FFFF); write the character itself",
            line,
            column,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + line_offset if mark else line_offset
        column = mark.column + 1 if mark else None
        # The parser names the end of the text as a token; readers know it as the end of the fields.
        problem = (exc.problem or "invalid YAML").replace("'<stream end>'", "the end of the fields")
        context = ""
        if exc.context and exc.context_mark:
            context = f" ({exc.context} that starts on line {exc.context_mark.line + line_offset})"
        if problem == "mapping values are not allowed here" and mark:
            # The commonest slip: a colon inside a value, as in a title like "From jail to jobs: LA".
            source = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
            field, _, value = source.strip().removeprefix("- ").partition(": ")
            raise _Located(
                f"this value holds a colon followed by a space, which YAML reads as a new field; "
                f"put the value in quotes: {field}: {json.dumps(value.strip(), ensure_ascii=False)}",
                line,
                column,
            ) from None
        raise _Located(f"this is not valid YAML: {problem}{context}", line, column) from None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        raise _Located(f"this is not valid YAML: {exc}", line_offset) from None
    if refused is not None:
        # One set of rules: what libyaml refuses is refused, even where PyYAML's own parser would read it.
        mark = getattr(refused, "problem_mark", None)
        problem = getattr(refused, "problem", None) or str(refused)
        raise _Located(
            f"this is not valid YAML: {problem}",
            mark.line + line_offset if mark else line_offset,
            mark.column + 1 if mark else None,
        )
    return built


def _build(text: str, line_offset: int, loader: type[Any]) -> tuple[Any, dict[KeyPath, Mark]]:
    """Walk ``loader``'s events into plain values and marks; :class:`_Located` when one of our own
    checks fails, ``yaml.YAMLError`` when the parser finds the text is not YAML."""

    def at(event: Any) -> tuple[int, int]:
        return event.start_mark.line + line_offset, event.start_mark.column + 1

    marks: dict[KeyPath, Mark] = {}
    # Each open container: (value, its key path, pending key, pending key's mark)
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0

    def add(value: Any, event: Any) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            marks[(*path, len(container))] = Mark(*at(event))
            container.append(value)
        elif frame[2] is None:
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise _Located("a key must be a plain name such as 'title'", *at(event))
            key = str(value)
            if key in container:
                first = marks[(*path, key)]
                raise _Located(
                    f"duplicate key '{key}' (first given on line {first.line}); give each field once",
                    *at(event),
                )
            frame[2] = key
            marks[(*path, key)] = Mark(*at(event))
            container[key] = None  # reserve the key so a duplicate is seen even before its value
        else:
            container[frame[2]] = value
            frame[2] = None

    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise _Located(
                f"YAML aliases (*{event.anchor}) are not allowed in records; write the value out",
                *at(event),
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Located(
                f"YAML anchors (&{anchor}) are not allowed in records; write the value out",
                *at(event),
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            raise _Located(
                f"YAML tags ({tag.replace('tag:yaml.org,2002:', '!!')}) are not allowed; write a plain value",
                *at(event),
            )
        if isinstance(event, yaml.ScalarEvent):
            # An escape in quotes ("\\ud800") makes characters the file's text does not hold.
            if event.style == '"':
                refusal = find_uncarried(event.value)
                if refusal is not None:
                    raise _Located(refusal.message, *at(event))
            add(_resolve(event), event)
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _Located(
                    f"nested more than {MAX_DEPTH} levels deep; records need at most 3",
                    *at(event),
                )
            container: Any = [] if isinstance(event, yaml.SequenceStartEvent) else {}
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                raise _Located("a key must be a plain name such as 'title'", *at(event))
            parent = stack[-1] if stack else None
            if parent is None:
                path: KeyPath = ()
            elif isinstance(parent[0], list):
                path = (*parent[1], len(parent[0]))
            else:
                path = (*parent[1], parent[2])
            stack.append([container, path, None, at(event)])
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            frame = stack.pop()
            if stack and isinstance(stack[-1][0], list):
                marks[(*stack[-1][1], len(stack[-1][0]))] = Mark(*frame[3])
                stack[-1][0].append(frame[0])
            elif stack:
                stack[-1][0][stack[-1][2]] = frame[0]
                stack[-1][2] = None
            else:
                root = frame[0]
                marks[()] = Mark(*frame[3])
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Located("only one block of fields is allowed", *at(event))
    return root, marks
