"""ruff and mypy --strict are part of the test command, so a red linter fails the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import REPO


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "scripts", "tests"],
        [sys.executable, "-m", "ruff", "format", "--check", "scripts", "tests"],
        [sys.executable, "-m", "mypy", "--strict", "scripts/compendium"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_tool_is_green(command: list[str]) -> None:
    if command[2] == "ruff" and shutil.which("ruff") is None:
        pytest.fail("ruff is not installed: install the test extras (pip install -e '.[test]')")
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
