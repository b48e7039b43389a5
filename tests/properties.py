"""Records generated from the field declarations, hostile text included, and the promise they test.

"validate OK => build OK": every generated record is either refused by
validation with a message that names the file and a line, or its site page and
its volume's PDF are made, with its text coming out as text. Shared by
``tests/test_properties.py`` (a fixed, seeded budget in every test run) and
``tests/benchmarks/properties.py`` (a longer search).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from hypothesis import strategies as st

from compendium.catalog import load_catalog
from compendium.printing.edition import print_volume
from compendium.records.characters import printable_characters
from compendium.records.fields import (
    Amount,
    Choice,
    Date,
    Email,
    Field,
    Figure,
    Flag,
    ListOf,
    PartialDate,
    PeriodOf,
    Slug,
    Struct,
    Term,
    Text,
    Url,
)
from compendium.records.practice import PRACTICE
from compendium.records.project import Project
from compendium.records.vocabulary import Vocabulary
from compendium.settings import Settings
from compendium.site.converter import Converter
from compendium.site.pages import SiteBuilder

from .conftest import RECORDS, REPO

RECORD = "generated"
"""The generated record's id (its file is ``practices/generated.md``)."""

MARKUP = (
    "<script>window.__pwned=1</script>", '<img src=x onerror="alert(1)">', "[login](https://evil.example/)",
    "[x](javascript:alert(1))", "&#106;avascript:alert(1)", "](", "**", "_", "`", "~~", "# ", "## Notice",
    "| a | b |", "{: #x }", "{{ 7*7 }}", "{% raw %}", "#read(\"/etc/passwd\")", "$x$", "@", "\\", "<!-- -->",
    "&amp;", "<b>", "</p>", "\u2067x\u2069", "\u200b", "\u0430", "NaN", "Infinity", "1e400", "9" * 40,
)  # fmt: skip
"""Markup and look-alikes that have broken, or could break, a page, the feed or the PDF, written as text."""
TRAPS = (
    "\n\n", "\n", "--8<-- 'x'", "\u202e", "\u2067", "\ufffe", "\ud800", "\x07", "\x00",
    "https://evil.example\\@www.cwdb.ca.gov/", "\U0010ffff",
)  # fmt: skip
"""Text that validation must refuse."""

_ANY_CHARACTER = st.characters(codec=None, categories=None, exclude_characters=None)
_SOME_CHARACTERS = st.sampled_from(sorted(c for c in printable_characters() if c.isprintable()))
"""Characters the print edition can set (Latin, Greek, Cyrillic, punctuation)."""


def hostile_text(max_size: int = 12, *, traps: bool = True) -> st.SearchStrategy[str]:
    """Text from every Unicode category, mixed with markup; with ``traps``, also lone surrogates,
    noncharacters, controls and the other text validation must refuse."""
    words = st.sampled_from(("Regional", "partners", "K-16", "Fresno County", "reentry", " "))
    markup = st.sampled_from(MARKUP)
    pieces = [words] * 6 + [st.text(_SOME_CHARACTERS, min_size=1, max_size=8)] * 2 + [markup] * 6
    if traps:  # rarer than the rest: one of them in a record is enough to have it refused
        pieces += [st.sampled_from(TRAPS), st.text(_ANY_CHARACTER, min_size=1, max_size=3)]
    piece = st.one_of(*pieces)
    return st.lists(piece, min_size=1, max_size=max_size).map("".join)


def markdown_text() -> st.SearchStrategy[str]:
    """A section's text: paragraphs, lists, quotes, tables, code, links and emphasis, nested and long."""
    clean = hostile_text(4, traps=False)
    inline = st.recursive(
        st.one_of(clean, clean, clean, clean, clean, clean, clean, clean, hostile_text(2)),
        lambda inner: st.one_of(
            inner.map(lambda t: f"*{t}*"),
            inner.map(lambda t: f"**{t}**"),
            st.tuples(inner, st.sampled_from(("https://www.cwdb.ca.gov/", "other.md", "#results"))).map(
                lambda pair: f"[{pair[0]}]({pair[1]})"
            ),
            inner.map(lambda t: f"`{t}`"),
            st.lists(inner, min_size=2, max_size=4).map(" ".join),
        ),
        max_leaves=12,
    )
    block = st.recursive(
        inline,
        lambda inner: st.one_of(
            inner.map(lambda t: "> " + t.replace("\n", "\n> ")),
            inner.map(lambda t: "- " + t.replace("\n", "\n  ")),
            inner.map(lambda t: "1. " + t.replace("\n", "\n   ")),
            st.lists(inner, min_size=1, max_size=3).map(
                lambda cells: "| a |\n| --- |\n| " + " | ".join(cells) + " |"
            ),
            st.lists(inner, min_size=2, max_size=3).map("\n\n".join),
        ),
        max_leaves=8,
    )
    deep = st.sampled_from(("*", "_", "> ", "- ", "[")).flatmap(
        lambda mark: st.integers(1, 80).map(lambda n: mark * n + "deep")
    )
    long = st.sampled_from(tuple("`*_[]()<>&#!|~\\-=+.:")).flatmap(
        lambda char: st.integers(1, 3000).map(lambda n: "Data flow: " + char * n)
    )
    return st.one_of(block, block, deep, long)


def _value(spec: Field[Any], vocabulary: Vocabulary) -> st.SearchStrategy[Any]:
    """Values for one declared field: mostly of its kind, sometimes anything."""
    if isinstance(spec, Struct):
        return _mapping(spec, vocabulary)
    if isinstance(spec, ListOf):
        return st.lists(_value(spec.item, vocabulary), min_size=max(1, spec.min_items), max_size=3)
    if isinstance(spec, Text) and spec.required:
        # Mostly without traps, so that many records get through to the site and the PDF.
        clean = hostile_text(6 if spec.max_length < 300 else 16, traps=False)
        return st.one_of(clean, clean, clean, hostile_text(6 if spec.max_length < 300 else 16))
    kind = field_kind(spec, vocabulary)
    assert kind is not None, f"no strategy for {type(spec).__name__}: add one to field_kind"
    return st.one_of(kind, kind, kind, kind, kind, hostile_text(3))


AMOUNTS = (
    "$467,225", "18.1 million", "122901.24", "$18.13 Million", "1,000,000,000,000", "0.001", "up to $5",
    "1001 billion", "$10M", "0", "999999999999.99", "1.2345678 million",
)  # fmt: skip
"""Amounts as sources write them, at and past the model's bounds."""


def field_kind(spec: Field[Any], vocabulary: Vocabulary) -> st.SearchStrategy[Any] | None:
    """Values of ``spec``'s own kind (None for a kind this module has no strategy for: a test fails)."""
    if isinstance(spec, Term):
        return st.sampled_from(sorted(vocabulary.terms(spec.vocabulary)))
    if isinstance(spec, Text):
        return hostile_text(6 if spec.max_length < 300 else 16)
    if isinstance(spec, Url):
        return st.one_of(
            st.just("https://www.cwdb.ca.gov/plan"),
            hostile_text(3).map(lambda t: "https://www.example.org/" + t),
            st.sampled_from(
                ("https://evil.example\\@www.cwdb.ca.gov/", "https://u:p@x.org/", "javascript:x")
            ),
        )
    if isinstance(spec, Email):
        return st.sampled_from(("info@example.org", "info@county.gov?cc=a%40evil.example", "a@b"))
    if isinstance(spec, Amount):
        written = st.tuples(
            st.integers(0, 10**9),
            st.integers(0, 99),
            st.sampled_from(("", " thousand", " million", " billion")),
        ).map(lambda t: f"${t[0]:,}.{t[1]:02d}{t[2]}")
        numbers = st.one_of(
            st.integers(0, 10**6), st.integers(0, 10**40), st.decimals(allow_nan=False).map(str)
        )
        return st.one_of(numbers, written, st.sampled_from(AMOUNTS))
    if isinstance(spec, Figure):
        return st.one_of(st.integers(0, 10**6), st.integers(0, 10**40), st.decimals(allow_nan=False).map(str))
    if isinstance(spec, Date):
        return st.dates(dt.date(1990, 1, 1), dt.date(2026, 1, 1)).map(dt.date.isoformat)
    if isinstance(spec, PartialDate):
        dates = st.one_of(st.integers(1990, 2030).map(str), st.sampled_from(("2021 to 2023", "since 2020")))
        return st.one_of(dates, st.sampled_from((*spec.words, "Unknown", "soon"))) if spec.words else dates
    if isinstance(spec, PeriodOf):
        return st.one_of(st.integers(1990, 2030).map(str), st.sampled_from(("2021 to 2023", "since 2020")))
    if isinstance(spec, Flag):
        return st.booleans()
    if isinstance(spec, Choice):
        return st.sampled_from(spec.choices)
    if isinstance(spec, Slug):
        return st.sampled_from((RECORD, "another-practice", "Not_A_Slug"))
    return None


def leaf_fields(spec: Field[Any]) -> list[Field[Any]]:
    """Every declaration inside ``spec`` that holds a value (the items of lists, the fields of structs)."""
    if isinstance(spec, Struct):
        return [leaf for field in spec.specs.values() for leaf in leaf_fields(field)]
    if isinstance(spec, ListOf):
        return leaf_fields(spec.item)
    return [spec]


def _mapping(spec: Struct[Any], vocabulary: Vocabulary) -> st.SearchStrategy[dict[str, Any]]:
    required = {name: _value(field, vocabulary) for name, field in spec.specs.items() if field.required}
    optional = {
        name: _value(field, vocabulary)
        for name, field in spec.specs.items()
        if not field.required and not field.editorial
    }
    return st.fixed_dictionaries(required, optional=optional)


BASE: dict[str, Any] = {
    "title": "Golden minimal record",
    "summary": "Only the required fields.",
    "regions": ["statewide"],
    "partners": [{"name": "Example Board", "type": "workforce-board", "role": "lead"}],
    "focus": ["reentry-services"],
    "evidence": {"level": "emerging", "basis": "self-reported"},
    "status": "submitted",
    "submitted": "2024-01-01",
    "contact": {"organisation": "Example Board"},
}
"""A valid record (``tests/records/good/minimal.md``'s fields), which generated fields change."""


def records(vocabulary: Vocabulary) -> st.SearchStrategy[str]:
    """Whole record files: the base record with some fields drawn from their declarations, and a body
    of the required sections drawn as Markdown."""
    fields = _mapping(PRACTICE, vocabulary)
    sections = [section.title for section in vocabulary.file.sections]
    texts = st.lists(markdown_text(), min_size=len(sections), max_size=len(sections))
    # The title and the summary are written everywhere (cards, search, the feed, the PDF's contents):
    # always drawn; of the other fields, a few at a time, so that many records stay valid.
    changed = st.sets(st.sampled_from(sorted(PRACTICE.specs)), max_size=5).map(
        lambda names: names | {"title", "summary"}
    )
    return st.tuples(fields, changed, texts).map(
        lambda drawn: _record_text(drawn[0], drawn[1], sections, drawn[2])
    )


def _record_text(fields: dict[str, Any], changed: set[str], sections: list[str], texts: list[str]) -> str:
    data = dict(BASE)
    for name in changed:
        if name in fields:
            data[name] = fields[name]
    front = "".join(f"{name}: {_yaml(value)}\n" for name, value in data.items())
    body = "".join(f"## {title}\n\n{text}\n\n" for title, text in zip(sections, texts, strict=True))
    return f"---\n{front}---\n{body}"


def _yaml(value: Any) -> str:
    """``value`` as YAML: JSON (every string double-quoted), with each lone surrogate written as the escape a
    contributor would type (``\\ud800``); JSON's own ASCII escapes would split every character beyond
    U+FFFF into two, which YAML reads as two lone surrogates."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


_SURROGATE = re.compile("[\ud800-\udfff]")


def new_project(root: Path) -> Path:
    """A project with the real vocabulary and print template, and a draft volume of the generated record."""
    if root.exists():
        shutil.rmtree(root)
    (root / "practices").mkdir(parents=True)
    shutil.copy(REPO / "practices" / "vocabulary.yml", root / "practices")
    shutil.copy(RECORDS / "good" / "minimal.md", root / "practices" / f"{RECORD}.md")
    shutil.copytree(REPO / "overrides" / "print", root / "overrides" / "print")
    volume = root / "volumes" / "01-generated"
    volume.mkdir(parents=True)
    (volume / "volume.yml").write_text(
        "number: 1\ntitle: Generated\npublishers: [Org]\nstatus: draft\n"
        f"sections:\n  - title: One\n    practices: [{RECORD}]\n",
        encoding="utf-8",
    )
    (volume / "foreword.md").write_text("A foreword.\n", encoding="utf-8")
    return root


class _Page(HTMLParser):
    """What a reader's browser would run or follow in a page, and the text and tags of its title and lead."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts = 0
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.text: dict[str, list[str]] = {"h1": [], "lead": []}
        self.inner: dict[str, list[str]] = {"h1": [], "lead": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag in ("script", "iframe", "object", "embed", "form", "style")
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.links += [value or "" for name, value in attrs if name in ("href", "src")]
        if self._open is not None and ("class", "headerlink") not in attrs:
            self.inner[self._open].append(tag)
        elif tag == "h1":
            self._open = "h1"
        elif tag == "p" and ("class", "cmp-lead") in attrs:
            self._open = "lead"

    def handle_endtag(self, tag: str) -> None:
        if (self._open, tag) in (("h1", "h1"), ("lead", "p")):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and data != "¶":
            self.text[self._open].append(data)

    def shown(self, part: str) -> str:
        return " ".join("".join(self.text[part]).split())


def _refuse_constant(name: str) -> None:
    raise AssertionError(f"the open data holds {name}, which JSON does not")


def check_record(root: Path, text: str) -> str:
    """Write ``text`` as the generated record and hold the promise; say which way it went."""
    record = root / "practices" / f"{RECORD}.md"
    record.write_text(text, encoding="utf-8", errors="surrogatepass")
    catalog, problems = load_catalog(Project(root), processes=1, today=dt.date(2026, 12, 4))
    if problems:
        for problem in problems:
            assert problem.path in (f"practices/{RECORD}.md", "volumes/01-generated/volume.yml"), problem
            assert problem.line is not None, f"no line: {problem}"
        return "refused"
    assert catalog is not None
    practice = catalog.practices[RECORD]
    builder = SiteBuilder(catalog, Settings(site_name="Compendium"), Converter(["tables", "toc"], {}), 1)
    page = builder.practice_page(practice)
    assert page.html is not None
    parsed = _Page()
    parsed.feed(page.html.content)
    assert parsed.scripts == 0 and parsed.handlers == [], page.html.content
    for link in parsed.links:
        assert not re.match(r"\s*(javascript|data|vbscript|file):", link, re.IGNORECASE), link
    # The title and the summary come out as the very text the record gives, with no markup of their own.
    assert (parsed.shown("h1"), parsed.inner["h1"]) == (" ".join(practice.title.split()), [])
    assert (parsed.shown("lead"), parsed.inner["lead"]) == (" ".join(practice.summary.split()), [])
    # The open data and the feed, which carry the same text: strict JSON, well-formed XML.
    data = {asset.path: asset.content for asset in builder.open_data()}
    json.loads(data["data/practices.json"], parse_constant=_refuse_constant)
    feed = ElementTree.fromstring(data["feed.xml"])
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    edition = print_volume(catalog, catalog.volumes[1], root / "volume.pdf")
    assert edition.pages >= 1
    return "published"
