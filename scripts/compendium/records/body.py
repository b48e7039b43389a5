"""Checks on a record's Markdown text: required sections, no raw HTML, safe links only.

The site renders bodies with Python-Markdown, which passes raw HTML,
``javascript:`` links and ``attr_list`` event handlers straight through; the
site also sanitizes after rendering, but a contributor deserves to hear about
such input at validation, with the line. markdown-it-py gives us a CommonMark
token stream with line maps; its own link filter is switched off so we see
every link the way the site would, and judge it here.

Every check is linear in the text's length: a record is untrusted input, and a
pattern that backtracks (``(`+)(?:(?!\1).)+\1`` took 151 s on one line of 2,000
backticks) would stall every validation and build. Code spans are found by
markdown-it's own backtick rule; the remaining patterns cannot backtrack (their
repeated classes are disjoint from what follows) or are plain substring searches.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from compendium.records.addresses import AddressError, read_email, read_web_address

MAX_BODY_CHARS = 60_000
"""A practice's text is a few pages; anything longer belongs in a linked report."""

MAX_NESTING = 8
"""How deep Markdown may nest, each quote, list, table, emphasis, strong emphasis and link one level.

The tightest limit on the way to the page and the print edition, measured through the
print path (markdown-it-py 4.3, the typst wheel 0.15): markdown-it reads 20 block levels (a list
takes two, its item the second) and silently drops what lies deeper: ten nested lists
lost the rest of the text. Typst's show-rule depth stops nested quotes at 16 (a quote
takes about four of its 64 levels), and its JSON reader stops at depth 128, which 60
levels of emphasis in a paragraph reach. Eight levels keep one level of margin under
the nine lists markdown-it reads, and half the quotes Typst sets; no practice needs more.
"""

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

# The repeated classes below never match what follows them (letters then ':', spaces
# then a letter, a word then '=' ...), so a possessive quantifier changes no match
# and the engine never backtracks into them.
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*+):", re.IGNORECASE)
# An attribute list's opening; its closing '}' is found by _attribute_list, since
# searching "[^}\n]*\}" from every '{' of a long line without one is quadratic.
_ATTR_OPEN = re.compile(r"\{:?+[ \t]*+(?:[#.][\w-]|[\w-]++[ \t]*+=)")
# Letters a browser ignores inside a scheme name (tabs, newlines, controls, zero-width marks).
_INVISIBLE = re.compile(r"[\x00-\x20\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
# A line can only hide a dangerous scheme if it holds one of these (plainly or as
# the start of an entity or percent-escape); the rest skip the costly decoding.
_HINTS = ("script", "data", "file", "&", "%")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\u00ad\u200b-\u200f\u2060\ufeff]")
# Script schemes are refused anywhere; data: and file: only where a link target
# starts. Matched on lowercased text: case-insensitive alternation was the
# validator's slowest step.
_DANGEROUS = re.compile(r"(?:java|vb|live)script\s*+:|(?:[(<]|\]:)\s*+(?:data|file)\s*+:")


@dataclass(frozen=True)
class BodyProblem:
    """A problem in the body; ``line`` is counted from the body's first line (1-based)."""

    line: int
    column: int | None
    message: str


def body_parser() -> MarkdownIt:
    """The one Markdown parser of record and editor text: CommonMark with tables, raw HTML seen as such."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Keep every link so we can judge it ourselves (markdown-it would silently turn
    # a javascript: link into plain text, which Python-Markdown would not).
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = body_parser()

# Code spans within one line, by markdown-it's own backtick rule (linear: it keeps the
# last run of each length) and its escapes, so a backslashed backtick opens no span here either.
# Escapes stay as written (text_join off): the line is scanned as the contributor wrote it.
_SPANS = MarkdownIt("zero").enable(["backticks", "escape"]).disable("text_join")

# Markdown constructs that nest, by the token that opens them; each is one level.
_NESTS = {
    "blockquote_open": "quote",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "table_open": "table",
    "em_open": "emphasis",
    "strong_open": "strong emphasis",
    "link_open": "link",
}
_UNNESTS = frozenset(
    {"blockquote_close", "bullet_list_close", "ordered_list_close", "table_close"}
    | {"em_close", "strong_close", "link_close"}
)
# Block tokens whose content markdown-it parses one level further down, and drops at its limit.
_CONTAINERS = frozenset({"blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"})
_NAMES = {
    "quote": ("a quote", "{} quotes"),
    "list": ("a list", "{} lists"),
    "table": ("a table", "{} tables"),
    "emphasis": ("emphasis", "{} levels of emphasis"),
    "strong emphasis": ("strong emphasis", "{} levels of strong emphasis"),
    "link": ("a link", "{} links"),
}


PROMPT_LEFT = "still holds the template's prompt"
"""Part of the message for a section whose prompt was never replaced (``compendium new`` writes them)."""


def check_body(
    body: str,
    sections: tuple[str, ...],
    record: Path,
    root: Path,
    prompts: Mapping[str, str] | None = None,
) -> list[BodyProblem]:
    """Every problem in ``body``; ``record`` and ``root`` bound where relative links may point.

    ``prompts`` (section title -> what to write there) finds sections still holding the
    template's prompt, as ``compendium new`` writes them."""
    problems: list[BodyProblem] = []
    waiting = {" ".join(text.split()): title for title, text in (prompts or {}).items()}
    if len(body) > MAX_BODY_CHARS:
        problems.append(
            BodyProblem(
                1, None, f"the text is {len(body):,} characters; at most {MAX_BODY_CHARS:,} fit in a record"
            )
        )
        return problems
    lines = body.splitlines()
    tokens = _MD.parse(body)
    headings: list[tuple[str, int]] = []
    nesting = _Nesting(problems)
    attributes = _Attributes()
    columns = _Columns(lines)
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 1
        if token.type in _NESTS:
            nesting.enter(_NESTS[token.type], line)
        elif token.type in _UNNESTS:
            nesting.leave()
        if token.type in _CONTAINERS and token.level >= _MD.options["maxNesting"] - 1:
            nesting.cut()
        if token.type == "heading_open" and token.tag == "h2":
            headings.append((tokens[index + 1].content.strip(), line))
        elif token.type == "heading_open" and token.tag == "h1":
            problems.append(
                BodyProblem(
                    line,
                    None,
                    "a '#' heading (or a line underlined with ===) is the page's own title; "
                    "use '##' for a section and '###' inside one",
                )
            )
        elif token.type == "html_block":
            problems.append(_html_problem(token.content, line, columns))
        elif token.type == "inline":
            _check_inline(token, line, columns, record, root, problems, nesting, attributes)
            title = waiting.get(" ".join(token.content.split()))
            if title and headings and headings[-1][0] == title:
                problems.append(
                    BodyProblem(
                        line,
                        None,
                        f"the section '## {title}' {PROMPT_LEFT} "
                        f'("{token.content.strip()}"); replace it with what the partners did',
                    )
                )
    _check_sections(headings, sections, problems)
    for number, text in enumerate(lines if "8<" in body else [], start=1):
        column = _snippet_column(text)
        if column is not None:
            problems.append(
                BodyProblem(
                    number, column, "'--8<--' file includes are not allowed in records; paste the text itself"
                )
            )
    code_lines = {
        number
        for token in tokens
        if token.type in ("fence", "code_block") and token.map
        for number in range(token.map[0] + 1, token.map[1] + 1)
    }
    _check_dangerous_text(lines, code_lines, problems)
    return sorted(set(problems), key=lambda p: (p.line, p.column or 0, p.message))


class _Nesting:
    """The constructs open at the current token, and each stretch of text that nests deeper than
    :data:`MAX_NESTING`, reported once with its deepest point."""

    def __init__(self, problems: list[BodyProblem]) -> None:
        self.problems = problems
        self.open: list[str] = []
        # How many constructs of the same kind end at each level: describing the deepest
        # point then takes a few steps, not one per level.
        self.runs: list[int] = []
        self.start: int | None = None
        self.deepest = 0
        self.path: list[tuple[str, int]] = []
        self.dropped = False

    def enter(self, kind: str, line: int) -> None:
        same = bool(self.open) and self.open[-1] == kind
        self.runs.append(self.runs[-1] + 1 if same else 1)
        self.open.append(kind)
        depth = len(self.open)
        if depth <= MAX_NESTING:
            return
        if self.start is None:
            self.start = line
        if depth > self.deepest:
            self.deepest = depth
            self.path = self._innermost(4)

    def leave(self) -> None:
        if self.open:
            self.open.pop()
            self.runs.pop()
        if self.start is not None and len(self.open) <= MAX_NESTING:
            self._report(self.start)

    def cut(self) -> None:
        """markdown-it read no deeper than here: the text nests deeper still than what it counted
        (always past MAX_NESTING, which stays under markdown-it's limit)."""
        if self.start is not None:
            self.dropped = True

    def _innermost(self, most: int) -> list[tuple[str, int]]:
        path: list[tuple[str, int]] = []
        level = len(self.open) - 1
        while level >= 0 and len(path) < most:
            path.append((self.open[level], self.runs[level]))
            level -= self.runs[level]
        if level >= 0:
            path.append(("", 0))
        return path

    def _report(self, line: int) -> None:
        named = []
        for position, (kind, count) in enumerate(self.path):
            if not kind:
                named.append("…")
                continue
            one, many = _NAMES[kind]
            text = one if count == 1 else many.format(count)
            named.append(f"at least {text}" if self.dropped and position == 0 else text)
        deep = f"{self.deepest} or more" if self.dropped else str(self.deepest)
        self.problems.append(
            BodyProblem(
                line,
                None,
                f"the text nests {deep} levels deep here ({' inside '.join(named)}); at most "
                f"{MAX_NESTING} levels fit the page and the print edition",
            )
        )
        self.start, self.deepest, self.path, self.dropped = None, 0, [], False


def _check_sections(
    headings: list[tuple[str, int]], sections: tuple[str, ...], problems: list[BodyProblem]
) -> None:
    found = [title for title, _ in headings]
    missing = [title for title in sections if title not in found]
    if missing:
        hints = [f"'## {h}'" for title in missing for h in found if h.lower() == title.lower()]
        hint = f" (found {', '.join(hints)}: match the capitals)" if hints else ""
        names = ", ".join(f"'## {title}'" for title in missing)
        problems.append(
            BodyProblem(
                1,
                None,
                f"missing section{'s' if len(missing) > 1 else ''} {names}{hint}; every practice has the "
                f"sections: {', '.join(sections)}",
            )
        )
    present = [title for title in found if title in sections]
    if not missing and present != [t for t in sections if t in present][: len(present)]:
        line = headings[0][1]
        problems.append(
            BodyProblem(line, None, "the sections are out of order; expected: " + ", ".join(sections))
        )


def _html_problem(content: str, line: int, columns: _Columns) -> BodyProblem:
    snippet = content.strip().splitlines()[0] if content.strip() else content
    column = columns.find(line, snippet[:20])
    shown = snippet if len(snippet) <= 40 else snippet[:37] + "..."
    return BodyProblem(line, column, f"raw HTML ({shown}) is not allowed in a record; use Markdown")


@dataclass
class _Attributes:
    """The last line given an attribute-list problem: a list found in an inline token's whole
    text is reported only when none of its parts was."""

    last_line: int = 0


def _check_inline(
    token: Token,
    line: int,
    columns: _Columns,
    record: Path,
    root: Path,
    problems: list[BodyProblem],
    nesting: _Nesting,
    attributes: _Attributes,
) -> None:
    # Inline tokens carry no line of their own: track the line by counting softbreaks.
    current = line
    for child in token.children or []:
        if child.type in _NESTS:
            nesting.enter(_NESTS[child.type], current)
        elif child.type in _UNNESTS:
            nesting.leave()
        if child.type in ("softbreak", "hardbreak"):
            current += 1
        elif child.type == "html_inline":
            problems.append(_html_problem(child.content, current, columns))
        elif child.type == "text":
            found = _attribute_list(child.content)
            if found:
                attributes.last_line = max(attributes.last_line, current)
                problems.append(
                    BodyProblem(
                        current,
                        columns.find(current, found),
                        f"attribute lists ({found}) are not allowed in records",
                    )
                )
        elif child.type in ("link_open", "image"):
            target = str(child.attrGet("href" if child.type == "link_open" else "src") or "")
            problem: str | None = (
                _image_problem(target, record, root)
                if child.type == "image"
                else judge_target(target, record, root)
            )
            if problem:
                what = "image" if child.type == "image" else "link"
                problems.append(
                    BodyProblem(
                        current,
                        columns.find(current, target[:12]),
                        f"{what} target '{_shown(target)}' {problem}",
                    )
                )
    found = _attribute_list(token.content)
    if found and attributes.last_line < line:
        attributes.last_line = line
        problems.append(
            BodyProblem(
                line,
                columns.find(line, found),
                f"attribute lists ({found}) are not allowed in records",
            )
        )


def _attribute_list(text: str) -> str | None:
    """The first ``{: ...}`` or ``{#id ...}`` in ``text`` that closes on its line, or None.

    Each opening is matched once; the next ``}`` and the next line break are looked up
    only when the scan passes the last ones found, so the whole search is one pass."""
    close = newline = -1
    for opening in _ATTR_OPEN.finditer(text):
        start = opening.start()
        if close < start:
            close = text.find("}", opening.end())
            if close < 0:
                return None
        if newline < start:
            newline = text.find("\n", start)
            if newline < 0:
                newline = len(text)
        if close < newline:
            return text[start : close + 1]
    return None


def _snippet_column(text: str) -> int | None:
    """Where a ``--8<--`` include starts in ``text`` (1-based), or None: one or more dashes, ``8<``,
    one or more dashes, found as ``-8<-`` and widened over the dashes before it."""
    found = text.find("-8<-")
    if found < 0:
        return None
    start = found
    while start > 0 and text[start - 1] == "-":
        start -= 1
    return start + 1


def judge_target(target: str, record: Path, root: Path) -> str | None:
    """Why a link or image target is refused, or None when it is allowed."""
    decoded = _normalise(target)
    scheme = _SCHEME.match(decoded)
    if scheme:
        name = scheme.group(1).lower()
        if name not in ALLOWED_SCHEMES:
            return "is not allowed; links may use http, https or mailto, or point to a file in the project"
        # Read as the reader's browser or mail program will read it: one host, one address.
        try:
            if name == "mailto":
                read_email(urllib.parse.unquote(target.strip()[len("mailto:") :]))
            else:
                read_web_address(target.strip())
        except AddressError as exc:
            return str(exc)
        return None
    if decoded.startswith("//"):
        return "is not allowed; write the full address with https://"
    path_part = urllib.parse.urlsplit(decoded).path
    if not path_part:
        return None  # a #fragment or ?query on the same page
    if path_part.startswith("/"):
        return "points outside the compendium; use a path relative to the record"
    resolved = (record.parent / path_part).resolve()
    if not resolved.is_relative_to(root.resolve()):
        return "points outside the project ('../' leaves the repository)"
    # The site publishes practices, not the repository's other files: a relative
    # link must name another record, e.g. 'other-practice.md'.
    practices = (root / "practices").resolve()
    if resolved.suffix != ".md" or resolved.parent != practices:
        return "is not a practice record; relative links may only point to another practice, e.g. 'other-practice.md'"
    if not resolved.is_file():
        return "points to a practice that does not exist"
    return None


def _image_problem(target: str, record: Path, root: Path) -> str:
    # A record's image would be fetched from its host by every reader's browser (the site makes no
    # request to another host), and neither the site nor the print edition has images of its own yet.
    decoded = _normalise(target)
    scheme = _SCHEME.match(decoded)
    if decoded.startswith("//") or (scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES):
        return judge_target(target, record, root) or ""
    if scheme:
        return (
            "is on another host, which every reader's browser would then call; the compendium shows no "
            "images from elsewhere: link to the page that shows it instead"
        )
    return (
        "is not allowed: records cannot carry images yet; describe it in words or link to where it is shown"
    )


def _normalise(target: str) -> str:
    # A browser decodes entities and percent-escapes and ignores invisible
    # characters before it reads the scheme; do the same before judging it.
    text = target
    for _ in range(3):
        text = urllib.parse.unquote(html.unescape(text))
    text = unicodedata.normalize("NFKC", text)
    return _INVISIBLE.sub("", text)


def _check_dangerous_text(lines: list[str], code_lines: set[int], problems: list[BodyProblem]) -> None:
    # Belt and braces for spellings a Markdown engine might still turn into a link
    # (entity-encoded schemes, autolinks, reference definitions): any dangerous
    # scheme anywhere in the text, once decoded, is refused with its line.
    judged = {p.line for p in problems if p.message.startswith(("link target", "image target"))}
    for number, text in enumerate(lines, start=1):
        if number in code_lines:
            continue
        lowered = text.lower()
        if not any(hint in lowered for hint in _HINTS):
            continue  # nothing here could spell a dangerous scheme, even encoded
        decoded = _without_code_spans(text) if "`" in text else text
        for _ in range(3):
            decoded = urllib.parse.unquote(html.unescape(decoded))
        match = _DANGEROUS.search(_CONTROL.sub("", unicodedata.normalize("NFKC", decoded)).lower())
        if match and number not in judged:
            problems.append(
                BodyProblem(
                    number,
                    None,
                    f"'{match.group(0).lstrip('(<]: ')}' addresses are not allowed in a record's text; "
                    "links may use http, https or mailto",
                )
            )


def _without_code_spans(text: str) -> str:
    """``text`` as written, less each code span markdown-it finds in it (what is left on either side
    is scanned as one, as a reader's eye would join it)."""
    parts: list[str] = []
    for child in _SPANS.parseInline(text)[0].children or []:
        if child.type == "code_inline":
            continue
        if child.type == "text_special":
            parts.append(child.markup)
        else:
            parts.append(child.content)
    return "".join(parts)


class _Columns:
    """Where a problem's text starts on its line (1-based), or None when the line does not hold it
    as written (a decoded entity, a normalised address).

    Problems arrive in reading order, so each search starts just after the line's last find: a
    line of thousands of problems is read about once, not once per problem, and a text that occurs
    twice on a line is placed at each occurrence in turn. A search that finds nothing reads the
    whole line, so after a few of those a line's problems are reported without a column."""

    MISSES = 16

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.after: dict[int, int] = {}
        self.misses: dict[int, int] = {}

    def find(self, line: int, needle: str) -> int | None:
        if not 1 <= line <= len(self.lines) or not needle or self.misses.get(line, 0) >= self.MISSES:
            return None
        text = self.lines[line - 1]
        start = self.after.get(line, 0)
        found = text.find(needle, start)
        if found < 0:  # reported out of reading order: look before the last find
            found = text.find(needle, 0, start + len(needle) - 1)
        if found < 0:
            self.misses[line] = self.misses.get(line, 0) + 1
            return None
        self.after[line] = max(start, found + 1)
        return found + 1


def _shown(target: str) -> str:
    return target if len(target) <= 40 else target[:37] + "..."
