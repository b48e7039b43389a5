"""Synthetic, valid practice records for benchmarks (never committed, never part of the test run)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_WORDS = [
    "regional",
    "partners",
    "workforce",
    "board",
    "college",
    "consortium",
    "adult",
    "education",
    "pathway",
    "employer",
    "probation",
    "reentry",
    "students",
    "data",
    "governance",
    "convening",
    "sector",
    "training",
    "credential",
    "apprenticeship",
    "navigator",
    "outcomes",
    "county",
    "services",
    "coordination",
    "planning",
    "implementation",
    "funding",
    "community",
    "organisation",
    "quarterly",
    "shared",
]

_REGIONS = ["statewide", "los-angeles-k16", "inland-empire-k16", "central-coast-k16", "los-angeles-county"]
_FOCUS = [
    "shared-governance",
    "resource-distribution",
    "data-infrastructure",
    "reentry-services",
    "career-pathways",
]
_POPULATIONS = ["job-seekers", "adult-learners", "justice-involved", "college-students"]
_SECTORS = ["healthcare", "education", "engineering", "cross-sector"]
_SECTIONS = ["Need", "What they did", "Results", "Lessons learned", "How to replicate"]


def make_project(root: Path, count: int, *, seed: int = 7, words: int = 500) -> Path:
    """A project at ``root`` with the real vocabulary and ``count`` valid records."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    practices = root / "practices"
    practices.mkdir(parents=True)
    shutil.copy(REPO / "practices" / "vocabulary.yml", practices / "vocabulary.yml")
    for index in range(count):
        (practices / f"synthetic-practice-{index:05d}.md").write_text(
            record(index, rng, words), encoding="utf-8"
        )
    return root


def make_rich_project(root: Path, count: int) -> Path:
    """A project at ``root`` with the real vocabulary and ``count`` records as rich as real ones: the
    project's own records, then copies of them (under new titles) until there are ``count``.

    Real records name several regions across systems, partners with roles and phases, funding,
    outcomes, rules and sources; ``make_project``'s one-line records hid what grows with that
    (filing a practice on every region its footprint meets, cards "through" a region)."""
    if root.exists():
        shutil.rmtree(root)
    practices = root / "practices"
    practices.mkdir(parents=True)
    shutil.copy(REPO / "practices" / "vocabulary.yml", practices / "vocabulary.yml")
    real = sorted((REPO / "practices").glob("*.md"))
    for path in real[:count]:
        shutil.copy(path, practices / path.name)
    for index in range(max(0, count - len(real))):
        original = real[index % len(real)]
        (practices / f"{original.stem}-copy-{index:05d}.md").write_text(
            _retitled(original.read_text(encoding="utf-8"), f"(copy {index})"), encoding="utf-8"
        )
    return root


def _retitled(text: str, suffix: str) -> str:
    """``text`` with `` suffix`` added to its one-line title, quoted or not."""
    head, title, rest = text.partition("\ntitle: ")
    line, newline, tail = rest.partition("\n")
    line = line[:-1] + f' {suffix}"' if line.endswith('"') else f"{line} {suffix}"
    return f"{head}{title}{line}{newline}{tail}"


def _pick(rng: random.Random, terms: list[str], most: int) -> str:
    return "[" + ", ".join(rng.sample(terms, rng.randint(1, most))) + "]"


def _sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(length)).capitalize() + "."


def record(index: int, rng: random.Random, words: int = 500) -> str:
    """One realistic record: about 30 lines of front matter and ``words`` words of text."""
    front = f"""---
title: Synthetic practice {index} on {rng.choice(_WORDS)} {rng.choice(_WORDS)}
summary: >-
  {_sentence(rng, 25)}
regions: {_pick(rng, _REGIONS, 2)}
partners:
  - name: Synthetic Workforce Board {index}
    type: workforce-board
    role: lead
  - name: Synthetic College {index}
    type: community-college
    role: partner
focus: {_pick(rng, _FOCUS, 3)}
populations: {_pick(rng, _POPULATIONS, 2)}
sectors: {_pick(rng, _SECTORS, 2)}
funding:
  - stream: wioa
    amount: {rng.randint(10, 900) * 1000}
    period: 2022-2024
phases:
  - phase: planning
    start: 2021
    note: {_sentence(rng, 10)}
evidence:
  level: emerging
  basis: self-reported
status: accepted
submitted: 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}
contact:
  organisation: Synthetic Workforce Board {index}
  url: https://example.org/{index}
---
"""
    per_section = words // len(_SECTIONS)
    body = "\n".join(
        f"\n## {title}\n\n{' '.join(_sentence(rng, 10) for _ in range(per_section // 10))}\n"
        for title in _SECTIONS
    )
    return front + body
