"""Benchmark: ``compendium validate`` against a bare ``yaml.load(..., Loader=CSafeLoader)`` of the same front matter.

Both run as whole processes in the same run, on the same synthetic records, and
the best of several repeats is kept (these machines are shared and noisy).
Prints records per second, peak memory and the ratio. Not part of the test run::

    python -m tests.benchmarks.validate --records 5000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.synthetic import REPO, make_project

BASELINE = r"""
import sys, pathlib, yaml
count = 0
for path in sorted(pathlib.Path(sys.argv[1], "practices").glob("*.md")):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    data = yaml.load(front, Loader=yaml.CSafeLoader)
    count += isinstance(data, dict)
print(count)
"""


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KB) of one process."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty process never blocks on it
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = make_project(Path(temp) / "project", args.records)
        ours_cmd = [sys.executable, "-m", "compendium", "--root", str(root), "validate"]
        base_cmd = [sys.executable, "-c", BASELINE, str(root)]
        ours: list[tuple[float, int]] = []
        base: list[tuple[float, int]] = []
        for _ in range(args.repeat):  # interleave, so drift in machine load hits both alike
            base.append(measure(base_cmd))
            ours.append(measure(ours_cmd))
    ours_time, ours_mem = min(t for t, _ in ours), max(m for _, m in ours)
    base_time, base_mem = min(t for t, _ in base), max(m for _, m in base)
    print(f"records:                  {args.records}")
    print(
        f"compendium validate:      {ours_time:.2f} s  {args.records / ours_time:,.0f} records/s  peak {ours_mem / 1024:.0f} MB"
    )
    print(
        f"bare CSafeLoader parse:   {base_time:.2f} s  {args.records / base_time:,.0f} records/s  peak {base_mem / 1024:.0f} MB"
    )
    print(f"ratio (ours / baseline):  {ours_time / base_time:.2f}x  (target: at most 8x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
