"""Problems found in the project's files, reported as ``path:line:column: message``.

Every check collects problems instead of raising, so a contributor sees all of
them at once (the way MkDocs reports configuration errors) and fixes them in one
pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, with where it is and what was expected."""

    path: str
    """The file, relative to the project root when it lies inside it."""
    line: int | None
    """1-based line of the offending key or text, when the problem has a line."""
    column: int | None
    """1-based column, when known."""
    message: str
    """What is wrong and what was expected, in words a non-programmer can act on."""

    @property
    def where(self) -> str:
        """``path:line:column``, as far as it is known."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.message)

    def github_annotation(self) -> str:
        """The problem as a GitHub Actions workflow command, shown on the pull request's diff."""
        parts = [f"file={self.path}"]
        if self.line is not None:
            parts.append(f"line={self.line}")
            if self.column is not None:
                parts.append(f"col={self.column}")
        # Workflow commands end at a newline; percent-encode as GitHub documents.
        text = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error {','.join(parts)}::{text}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file, line, column order, each once."""
    return sorted(set(problems), key=Problem.sort_key)


def problems_to_json(problems: Iterable[Problem]) -> str:
    """The problems machine-readably, for editors' tooling and CI."""
    return json.dumps([asdict(p) for p in sort_problems(problems)], indent=2, ensure_ascii=False)
