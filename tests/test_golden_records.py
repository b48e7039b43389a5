"""Golden records: each bad record sits beside the exact text users see for it.

Run with ``UPDATE_GOLDEN=1`` to rewrite the ``.expected`` files after an
intended change of wording, then review the diff.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from compendium.cli.main import main

from .conftest import RECORDS

GOOD = sorted((RECORDS / "good").glob("*.md"))
BAD = sorted((RECORDS / "bad").glob("*.md"))


def run_validate(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("record", GOOD, ids=[p.stem for p in GOOD])
def test_good_record_is_valid(
    record: Path, make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project({record.name: record})
    code, out, _ = run_validate(root, capsys)
    assert (code, out) == (0, "OK: 1 practices and 0 volume(s) are valid.\n")


@pytest.mark.parametrize("record", BAD, ids=[p.stem for p in BAD])
def test_bad_record_gives_exact_messages(
    record: Path, make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project({record.name: record})
    started = time.monotonic()
    code, out, err = run_validate(root, capsys)
    elapsed = time.monotonic() - started
    expected_file = record.with_suffix(".expected")
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(out, encoding="utf-8")
    assert code == 1
    assert out == expected_file.read_text(encoding="utf-8")
    # Every problem names this file, with a line wherever the hazard has one.
    for line in out.splitlines():
        assert line.startswith(f"practices/{record.name}")
    assert "Traceback" not in out + err
    assert elapsed < 5, f"validation took {elapsed:.1f}s"
    assert not (root / "compendium-was-exploited").exists()
    assert not Path("compendium-was-exploited").exists()
