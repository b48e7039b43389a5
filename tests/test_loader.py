"""The strict loader on its own: values stay as written, hazards are refused quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from compendium.records.loader import MAX_DEPTH, LoadError, load_record, load_yaml


def load(tmp_path: Path, text: str | bytes) -> dict[str, object]:
    path = tmp_path / "r.md"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return load_record(path, "r.md").data


def error(tmp_path: Path, text: str | bytes) -> str:
    with pytest.raises(LoadError) as caught:
        load(tmp_path, text)
    return str(caught.value.problems[0])


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("NO", "NO"),
        ("yes", "yes"),
        ("off", "off"),
        ("012345", "012345"),
        ("1:30", "1:30"),
        ("1.10", "1.10"),
        ("1e3", "1e3"),
        ("0x1F", "0x1F"),
        ("2024-02-30", "2024-02-30"),
        ("2024-01-01", "2024-01-01"),
        ("'quoted 12'", "quoted 12"),
        ("12", 12),
        ("-3", -3),
        ("true", True),
        ("false", False),
        ("~", None),
        ("", None),
    ],
)
def test_scalars_reach_the_model_as_written(tmp_path: Path, written: str, expected: object) -> None:
    assert load(tmp_path, f"---\nvalue: {written}\n---\nbody\n") == {"value": expected}


def test_quoted_numbers_stay_text(tmp_path: Path) -> None:
    assert load(tmp_path, '---\nvalue: "12"\n---\n') == {"value": "12"}


def test_byte_order_mark_is_accepted_and_keeps_the_fields(tmp_path: Path) -> None:
    assert load(tmp_path, "\ufeff---\ntitle: Kept\n---\nbody\n") == {"title": "Kept"}


def test_body_line_counts_file_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text("---\na: 1\nb: 2\n---\n\n## Need\n", encoding="utf-8")
    document = load_record(path, "r.md")
    assert document.body_line == 5
    assert document.body.splitlines()[1] == "## Need"
    assert document.marks[("b",)].line == 3


def test_alias_bomb_is_refused_in_milliseconds(tmp_path: Path) -> None:
    rows = ["a: &a [" + ", ".join(["x"] * 9) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    text = "---\n" + "\n".join(rows) + "\n---\n"
    started = time.perf_counter()
    message = error(tmp_path, text)
    assert time.perf_counter() - started < 0.05
    assert message == "r.md:2:4: YAML anchors (&a) are not allowed in records; write the value out"


def test_alias_without_anchor_is_named(tmp_path: Path) -> None:
    assert "YAML aliases (*x)" in error(tmp_path, "---\na: *x\n---\n")


@pytest.mark.parametrize(
    "nested",
    ["[" * 30000, "{a: " * 30000, "\n  " + "- " * 30000 + "x"],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_our_nesting_limit_answers_before_the_parsers(tmp_path: Path, nested: str) -> None:
    # libyaml (PyYAML 6.0.4) stops at 1,000 levels with its own message; ours must come first.
    started = time.perf_counter()
    message = error(tmp_path, "---\na: " + nested + "\n---\n")
    assert time.perf_counter() - started < 5  # no hang: the lookahead is bounded, whatever the size
    assert f"nested more than {MAX_DEPTH} levels deep; records need at most 3" in message


def test_python_tag_is_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = f"---\na: !!python/object/apply:os.system ['touch {marker}']\n---\n"
    assert "YAML tags (!!python/object/apply:os.system)" in error(tmp_path, text)
    assert not marker.exists()


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    assert error(tmp_path, "---\na: 1\nb: 2\na: 3\n---\n") == (
        "r.md:4:1: duplicate key 'a' (first given on line 2); give each field once"
    )


def test_nested_duplicate_key(tmp_path: Path) -> None:
    assert "duplicate key 'role' (first given on line 3)" in error(
        tmp_path, "---\np:\n  role: a\n  role: b\n---\n"
    )


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    assert error(tmp_path, "---\ntitle: [unclosed\nsummary: x\n---\n") == (
        "r.md:3:8: this is not valid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts on line 2)"
    )


HAZARDS = [
    "---\na: " + "[" * 30000 + "\n---\n",
    "---\na: " + "{a: " * 2000 + "\n---\n",
    "---\na: " + "- " * 1500 + "x\n---\n",
    "---\ntitle: [unclosed\nsummary: x\n---\n",
    "---\ntitle: a\x07b\n---\n",
    "---\ntitle: 'open\n---\n",
    "---\na: b: c\n---\n",
]


@pytest.mark.parametrize("text", HAZARDS, ids=range(len(HAZARDS)))
def test_messages_are_the_same_with_or_without_libyaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    from compendium.records import loader

    with_libyaml = error(tmp_path, text)
    monkeypatch.setattr(loader, "_FAST", loader._EXACT)
    assert error(tmp_path, text) == with_libyaml


def test_control_character_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    assert "not valid YAML" in error(tmp_path, "---\ntitle: a\x07b\n---\n")


def test_complex_key_is_refused(tmp_path: Path) -> None:
    assert "a key must be a plain name" in error(tmp_path, "---\n? [a, b]\n: c\n---\n")


def test_yaml_file_loader_shares_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "v.yml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_yaml(path, "v.yml")
    assert str(caught.value.problems[0]).startswith("v.yml:2:1: duplicate key 'a'")
