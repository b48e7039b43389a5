"""A longer search for "validate OK => build OK" than the test run's fixed budget.

The test run checks the same 150 generated records every time
(``tests/test_properties.py``); this searches new ones, from a new seed each run
unless one is given, and prints how many published, how many were refused and
the records per second. A failure prints the smallest record Hypothesis found
that breaks the promise, and the seed to find it again. Not part of the test run::

    python -m tests.benchmarks.properties --examples 5000 [--seed N]
"""

from __future__ import annotations

import argparse
import collections
import random
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

from compendium.catalog import load_catalog
from compendium.records.project import Project
from tests.properties import check_record, new_project, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="records to generate (default 2000)")
    parser.add_argument("--seed", type=int, default=None, help="search from this seed (default: a new one)")
    args = parser.parse_args()
    chosen = args.seed if args.seed is not None else random.randrange(2**32)
    project = new_project(Path(tempfile.mkdtemp(prefix="compendium-properties-")) / "project")
    catalog, _ = load_catalog(Project(project), processes=1)
    assert catalog is not None
    seen: collections.Counter[str] = collections.Counter()

    @seed(chosen)
    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(text=records(catalog.vocabulary))
    def search(text: str) -> None:
        seen[check_record(project, text)] += 1

    print(f"seed {chosen}: {args.examples} records")
    started = time.perf_counter()
    search()
    elapsed = time.perf_counter() - started
    total = sum(seen.values())
    print(
        f"published {seen['published']}, refused {seen['refused']} "
        f"({total / elapsed:.1f} records/s, {elapsed:.0f} s): the promise held"
    )


if __name__ == "__main__":
    main()
