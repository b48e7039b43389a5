"""Checks on a record's Markdown text: required sections, no raw HTML, safe links only.

The site renders bodies with Python-Markdown, which passes raw HTML,
``javascript:`` links and ``attr_list`` event handlers straight through; the
site also sanitizes after rendering, but a contributor deserves to hear about
such input at validation, with the line. markdown-it-py gives us a CommonMark
token stream with line maps; its own link filter is switched off so we see
every link the way the site would, and judge it here.
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

MAX_BODY_CHARS = 60_000
"""A practice's text is a few pages; anything longer belongs in a linked report."""

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_ATTR_LIST = re.compile(r"\{:?[ \t]*(?:[#.][\w-]|[\w-]+[ \t]*=)[^}\n]*\}")
_SNIPPET = re.compile(r"-{1,}8<-{1,}")
# Letters a browser ignores inside a scheme name (tabs, newlines, controls, zero-width marks).
_INVISIBLE = re.compile(r"[\x00-\x20\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
# A line can only hide a dangerous scheme if it holds one of these (plainly or as
# the start of an entity or percent-escape); the rest skip the costly decoding.
_HINTS = ("script", "data", "file", "&", "%")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+\1")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\u00ad\u200b-\u200f\u2060\ufeff]")
# Script schemes are refused anywhere; data: and file: only where a link target
# starts. Matched on lowercased text: case-insensitive alternation was the
# validator's slowest step.
_DANGEROUS = re.compile(r"(?:java|vb|live)script\s*:|(?:[(<]|\]:)\s*(?:data|file)\s*:")


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
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 1
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
            problems.append(_html_problem(token.content, line, lines))
        elif token.type == "inline":
            _check_inline(token, line, lines, record, root, problems)
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
        if _SNIPPET.search(text):
            problems.append(
                BodyProblem(
                    number,
                    _SNIPPET.search(text).start() + 1,  # type: ignore[union-attr]
                    "'--8<--' file includes are not allowed in records; paste the text itself",
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


def _html_problem(content: str, line: int, lines: list[str]) -> BodyProblem:
    snippet = content.strip().splitlines()[0] if content.strip() else content
    column = _column(lines, line, snippet[:20])
    shown = snippet if len(snippet) <= 40 else snippet[:37] + "..."
    return BodyProblem(line, column, f"raw HTML ({shown}) is not allowed in a record; use Markdown")


def _check_inline(
    token: Token, line: int, lines: list[str], record: Path, root: Path, problems: list[BodyProblem]
) -> None:
    # Inline tokens carry no line of their own: track the line by counting softbreaks.
    current = line
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            current += 1
        elif child.type == "html_inline":
            problems.append(_html_problem(child.content, current, lines))
        elif child.type == "text":
            match = _ATTR_LIST.search(child.content)
            if match:
                problems.append(
                    BodyProblem(
                        current,
                        _column(lines, current, match.group(0)),
                        f"attribute lists ({match.group(0)}) are not allowed in records",
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
                        _column(lines, current, target[:12]),
                        f"{what} target '{_shown(target)}' {problem}",
                    )
                )
    match = _ATTR_LIST.search(token.content)
    if match and not any(p.message.startswith("attribute lists") and p.line >= line for p in problems):
        problems.append(
            BodyProblem(
                line,
                _column(lines, line, match.group(0)),
                f"attribute lists ({match.group(0)}) are not allowed in records",
            )
        )


def judge_target(target: str, record: Path, root: Path) -> str | None:
    """Why a link or image target is refused, or None when it is allowed."""
    decoded = _normalise(target)
    scheme = _SCHEME.match(decoded)
    if scheme:
        if scheme.group(1).lower() in ALLOWED_SCHEMES:
            return None
        return "is not allowed; links may use http, https or mailto, or point to a file in the project"
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
    for number, text in enumerate(lines, start=1):
        if number in code_lines:
            continue
        lowered = text.lower()
        if not any(hint in lowered for hint in _HINTS):
            continue  # nothing here could spell a dangerous scheme, even encoded
        decoded = _CODE_SPAN.sub("", text) if "`" in text else text
        for _ in range(3):
            decoded = urllib.parse.unquote(html.unescape(decoded))
        match = _DANGEROUS.search(_CONTROL.sub("", unicodedata.normalize("NFKC", decoded)).lower())
        if match and not any(p.line == number and "target" in p.message for p in problems):
            problems.append(
                BodyProblem(
                    number,
                    None,
                    f"'{match.group(0).lstrip('(<]: ')}' addresses are not allowed in a record's text; "
                    "links may use http, https or mailto",
                )
            )


def _column(lines: list[str], line: int, needle: str) -> int | None:
    if 1 <= line <= len(lines) and needle:
        found = lines[line - 1].find(needle)
        if found >= 0:
            return found + 1
    return None


def _shown(target: str) -> str:
    return target if len(target) <= 40 else target[:37] + "..."
