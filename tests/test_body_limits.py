"""Limits on a record's text: every check is linear in its length, nesting stops where the page and the
print edition stop, and a published volume's frozen texts pass the same safety checks as living ones."""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from compendium.cli.main import main
from compendium.records.body import MAX_BODY_CHARS, MAX_NESTING, check_body
from compendium.render.structure import text_structure

from .conftest import RECORDS
from .sitebuild import print_project

MINIMAL = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
NEED_LINE = 14  # the line of the minimal record's text under '## Need'
BUDGET = 20.0
"""Seconds one 60,000-character body may take to check and to structure for print: a guard against the
catastrophic (one line of 2,000 backticks once took 151 s), not a speed target, since these machines are
shared (the slowest shape, 60,000 '[', takes about 0.8 s alone and took 3 s beside four other builds).
What this test holds is the ratio below; speed is measured by the benchmarks."""


def filled(unit: str, size: int, prefix: str = "") -> str:
    """``prefix`` then ``unit`` repeated, cut to exactly ``size`` characters."""
    body = prefix + unit * ((size - len(prefix)) // len(unit) + 1)
    return body[:size]


def repeated(unit: str) -> Callable[[int], str]:
    return lambda size: filled(unit, size)


def numbered(template: str) -> Callable[[int], str]:
    """``template`` with 0, 1, 2 ... in turn, so that no two pieces are alike."""
    return lambda size: "".join(template.format(n) for n in range(size))[:size]


SHAPES: dict[str, Callable[[int], str]] = {
    **{f"{mark!r} repeated": repeated(mark) for mark in string.punctuation},
    "'a' then backticks": lambda size: filled("`", size, "a"),
    "'Data flow: ' then backticks": lambda size: filled("`", size, "Data flow: "),
    "'`a' repeated": repeated("`a"),
    "'*a' repeated": repeated("*a"),
    "'> ' repeated": repeated("> "),
    "'- ' repeated": repeated("- "),
    "'1. ' repeated": repeated("1. "),
    "'&#' repeated": repeated("&#"),
    "'](' repeated": repeated("]("),
    "'{:' repeated": repeated("{:"),
    "'{#a' repeated": repeated("{#a"),
    "'{a=' repeated": repeated("{a="),
    "dashes after '8<'": lambda size: filled("-", size, "8<\n\n"),
    "'{.a}' paragraphs": repeated("{.a}\n\n"),
    "refused links, a line each": repeated("[a](file:x)\n"),
    "distinct raw HTML on one line": numbered("<x{}>"),
    # Problems whose text the line does not hold as written: their column is searched for in vain.
    "distinct encoded addresses on one line": numbered("[a](f:%z{:05}) "),
    "attribute lists with entities, between code spans": numbered("{{#a &amp; {}}}`x`"),
    "table rows": lambda size: filled("|a\n", size, "|a|\n|-|\n"),
    "'&#106;avascript' in code spans": repeated("`x` &#106;avascript: `"),
}


def seconds(body: str, record: Path, repeat: int) -> float:
    """The best of ``repeat`` runs of the checks and the print structure on ``body``, in this process's CPU
    time: other work on a shared machine slows the wall clock far more than it does this."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        check_body(body, (), record, record.parent.parent)
        text_structure(body)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_checks_take_time_in_proportion_to_the_text(shape: str, tmp_path: Path) -> None:
    record = tmp_path / "practices" / "x.md"
    record.parent.mkdir()
    quarter, whole = SHAPES[shape](MAX_BODY_CHARS // 4), SHAPES[shape](MAX_BODY_CHARS)
    assert len(whole) == MAX_BODY_CHARS
    small, large = seconds(quarter, record, 1), seconds(whole, record, 1)
    if large >= BUDGET or (large > 0.05 and large / small >= 10):  # one slow moment is not a trend
        small, large = seconds(quarter, record, 3), seconds(whole, record, 3)
    assert large < BUDGET, f"{large:.2f} s for {MAX_BODY_CHARS:,} characters"
    # Linear work takes four times as long on four times the text; quadratic, sixteen.
    assert large <= 0.05 or large / small < 10, f"{small:.3f} s, then {large:.3f} s on four times the text"


def practice(text: str, title: str = "Golden minimal record") -> str:
    return (
        MINIMAL.replace("Golden minimal record", title)
        .replace("status: submitted", "status: accepted")
        .replace("## Need\nN.", "## Need\n" + text)
    )


def validate(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--root", str(root), "validate"])
    return code, capsys.readouterr().out.splitlines()


def too_deep(line: int, depth: str, path: str) -> str:
    return (
        f"practices/deep.md:{line}: the text nests {depth} levels deep here ({path}); "
        f"at most {MAX_NESTING} levels fit the page and the print edition"
    )


def nested_list(levels: int, word: str = "item") -> str:
    return "\n".join("  " * level + f"- {word} {level + 1}" for level in range(levels)) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Some context.\n\n" + "*a " * 60 + "x" + " b*" * 60,
            too_deep(NEED_LINE + 2, "60", "60 levels of emphasis"),
        ),
        # markdown-it reads 20 levels and drops the rest: the message says so.
        ("> " * 200 + "deep", too_deep(NEED_LINE, "20 or more", "at least 20 quotes")),
        # Ten nested lists are where markdown-it stops: it lost the rest of the text, sections and all.
        (
            nested_list(12),
            "practices/deep.md:13: missing sections '## What they did', '## Results', '## Lessons learned', "
            "'## How to replicate'; every practice has the sections: Need, What they did, Results, Lessons "
            "learned, How to replicate\n"
            + too_deep(NEED_LINE + MAX_NESTING, "10 or more", "at least 10 lists"),
        ),
        (nested_list(MAX_NESTING + 1), too_deep(NEED_LINE + MAX_NESTING, "9", "9 lists")),
        (
            "> " * 4 + "- - [**a *b* c**](https://example.org)",
            too_deep(
                NEED_LINE, "9", "emphasis inside strong emphasis inside a link inside 2 lists inside \u2026"
            ),
        ),
        (
            "> " * 7 + "| a |\n" + "> " * 7 + "|---|\n" + "> " * 7 + "| x *b* |",
            too_deep(NEED_LINE + 2, "9", "emphasis inside a table inside 7 quotes"),
        ),
    ],
    ids=["emphasis", "quotes", "lists-past-the-parser", "lists", "mixed", "table"],
)
def test_text_nested_deeper_than_the_page_and_print_is_refused_with_its_line(
    text: str, message: str, make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project({"deep.md": practice(text + "\n")})
    code, out = validate(root, capsys)
    assert code == 1
    assert out == message.splitlines()


def test_each_too_deep_stretch_is_reported_once(tmp_path: Path) -> None:
    body = "> " * 9 + "a\n" + "> " * 9 + "b\n\nBetween.\n\n" + "*a " * 9 + "c" + " d*" * 9 + "\n"
    found = check_body(body, (), tmp_path / "practices" / "x.md", tmp_path)
    assert [(p.line, p.message.split(";")[0]) for p in found] == [
        (1, "the text nests 9 levels deep here (9 quotes)"),
        (6, "the text nests 9 levels deep here (9 levels of emphasis)"),
    ]


# Text at the limit, in the shapes that cost the print edition most: quotes (Typst's show rules), lists
# (markdown-it's levels), a table in quotes, and inline nesting in blocks. Each ends in a word the PDF must hold.
AT_THE_LIMIT = "\n\n".join(
    [
        "> " * MAX_NESTING + "innermost-quote",
        nested_list(MAX_NESTING - 1) + "  " * (MAX_NESTING - 1) + "- innermost-list",
        "\n".join("> " * (MAX_NESTING - 1) + row for row in ("| a |", "|---|", "| innermost-table |")),
        "> " * 3 + "- - [**a *innermost-inline* b**](https://example.org)",
        "*a " * MAX_NESTING + "innermost-emphasis" + " b*" * MAX_NESTING,
    ]
)


def test_text_at_the_limit_is_valid_and_prints_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = print_project(tmp_path / "project", {"deep.md": practice(AT_THE_LIMIT + "\n")})
    assert validate(root, capsys) == (0, ["OK: 1 practices and 0 volume(s) are valid."])
    assert main(["--root", str(root), "volume", "cut", "--title", "One", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "print", "1", "-o", str(tmp_path / "one.pdf")]) == 0
    text = " ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "one.pdf").pages)
    for word in ("quote", "list", "table", "inline", "emphasis"):
        assert f"innermost-{word}" in text, word


def test_code_spans_are_markdown_its_own(tmp_path: Path) -> None:
    record = tmp_path / "practices" / "x.md"
    body = (
        "Write `javascript:void(0)` in code, or ``a `javascript:` b``.\n\n"
        "An escaped \\`javascript:alert(1)` opens no code span.\n"
    )
    found = check_body(body, (), record, tmp_path)
    assert [(p.line, p.message) for p in found] == [
        (3, "'javascript:' addresses are not allowed in a record's text; links may use http, https or mailto")
    ]


def test_a_frozen_text_passes_the_same_safety_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A published text cannot change, so a checksum written over a bad one must not make it pass; the
    sections of its day stand, though: a rule added later cannot fault a text that may never change."""
    from compendium.records.volume import CHECKSUMS, checksums_text

    texts = {"a.md": practice("See [b](b.md).", "A"), "b.md": practice("N.", "B")}
    root = print_project(tmp_path / "project", texts)
    assert main(["--root", str(root), "volume", "cut", "--title", "One", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "volume", "publish", "1", "--date", "2026-01-15"]) == 0
    assert validate(root, capsys)[0] == 0  # its link to another practice is judged from practices/
    folder = root / "volumes" / "01-one"
    frozen = folder / "frozen" / "a.md"
    frozen.write_text(
        frozen.read_text(encoding="utf-8")
        .replace("See [b](b.md).", "See [b](javascript:alert(1)) and [c](file:///etc/passwd).")
        .replace("## Results\nR.\n", ""),
        encoding="utf-8",
    )
    (folder / CHECKSUMS).write_text(checksums_text(folder), encoding="utf-8")
    code, out = validate(root, capsys)
    assert code == 1
    refused = "is not allowed; links may use http, https or mailto, or point to a file in the project"
    assert f"volumes/01-one/frozen/a.md:{NEED_LINE}:9: link target 'javascript:alert(1)' {refused}" in out
    assert f"volumes/01-one/frozen/a.md:{NEED_LINE}:38: link target 'file:///etc/passwd' {refused}" in out
    assert not [line for line in out if "missing section" in line], out
