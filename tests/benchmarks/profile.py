"""Where a full ``mkdocs build`` spends its time: the method behind the README's profile table.

Builds a project of ``--count`` practices as rich as the real ones (the real records and copies of
them, :func:`make_rich_project`) in this process, with the plugin's ``concurrency: 1`` so one
profiler sees all the work, and prints

* the time of each phase, exclusive of the phases it calls: MkDocs' plugin events (``on_files`` holds
  loading the catalog and making every generated page), the Markdown of the pages MkDocs converts
  itself (``populate``), the theme's templates (``theme``) and writing the files;
* the functions that cost most, by their own time and with what they call.

A first build, untimed, fills the caches outside the project, as a second build or a serve loop
would find them; ``--cold`` profiles that first build instead, and ``--serve`` a preview's rebuild
(``mkdocs serve``: the same plugin, kept) after one record is edited. ``--no-profiler`` times the
phases only, in real seconds (the profiler about doubles Python's share). Not part of the test run::

    python -m tests.benchmarks.profile --count 1000
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.benchmarks.synthetic import REPO, make_rich_project

PHASES = {
    "_populate_page": "populate: Markdown of pages MkDocs converts",
    "_build_page": "theme: pages into the theme's templates",
    "_build_theme_template": "theme: 404, sitemap",
}
"""``mkdocs.commands.build``'s functions timed as phases, and the name each is shown by."""


class PhaseClock:
    """Exclusive time per phase: a phase called inside another is taken out of the outer one."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[tuple[str, float]] = []

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        now = time.perf_counter()
        if self._stack:
            outer, since = self._stack[-1]
            self.spent[outer] += now - since
        self._stack.append((name, now))
        self.calls[name] += 1
        try:
            yield
        finally:
            now = time.perf_counter()
            inner, since = self._stack.pop()
            self.spent[inner] += now - since
            if self._stack:
                self._stack[-1] = (self._stack[-1][0], now)

    def timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return function(*args, **kwargs)

        return wrapper


@contextmanager
def phases_timed(clock: PhaseClock) -> Iterator[None]:
    """MkDocs' build functions and plugin events, timed by ``clock`` while the block runs."""
    from mkdocs import plugins, utils
    from mkdocs.commands import build
    from mkdocs.structure.files import Files

    saved: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, label: str) -> None:
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, clock.timed(label, getattr(owner, name)))

    for name, label in PHASES.items():
        patch(build, name, label)
    patch(utils, "write_file", "writing pages")
    patch(Files, "copy_static_files", "copying assets and generated files")
    run_event = plugins.PluginCollection.run_event

    def timed_event(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        # Page events run once per page inside populate/theme: they are shown as their own phase.
        with clock.phase(f"on_{name}"):
            return run_event(self, name, *args, **kwargs)

    saved.append((plugins.PluginCollection, "run_event", run_event))
    plugins.PluginCollection.run_event = timed_event  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


def build_once(config_file: Path, site: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


class Preview:
    """``mkdocs serve``'s rebuilds in this process: one configuration and plugin, kept between builds."""

    def __init__(self, config_file: Path, site: Path) -> None:
        from mkdocs.config import load_config

        self.config = load_config(str(config_file), site_dir=str(site))
        self.config.plugins.on_startup(command="serve", dirty=False)

    def build(self) -> None:
        from mkdocs.commands.build import build

        build(self.config)


def edit(project: Path) -> None:
    """Change one sentence of one record, as a contributor saving it does."""
    record = sorted((project / "practices").glob("*.md"))[0]
    record.write_text(record.read_text(encoding="utf-8") + f"\nEdited at {time.time_ns()}.\n", "utf-8")


def project(root: Path, count: int) -> Path:
    """A rich project of ``count`` practices with the real site's settings, built in one process."""
    make_rich_project(root, count)
    shutil.copytree(REPO / "overrides", root / "overrides")
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - compendium\n" in text
    config = root / "mkdocs.yml"
    config.write_text(text.replace("  - compendium\n", "  - compendium:\n      concurrency: 1\n"), "utf-8")
    return config


def report(clock: PhaseClock, wall: float, stats: pstats.Stats | None, top: int) -> None:
    print(f"build: {wall:.2f} s" + (" under the profiler" if stats is not None else ""))
    print(f"  {'phase':<48} {'seconds':>8} {'share':>6} {'calls':>7}")
    for name, spent in sorted(clock.spent.items(), key=lambda item: -item[1]):
        print(f"  {name:<48} {spent:8.2f} {spent / wall:6.1%} {clock.calls[name]:7d}")
    outside = wall - sum(clock.spent.values())
    print(f"  {'(MkDocs between phases: nav, config, cleanup)':<48} {outside:8.2f} {outside / wall:6.1%}")
    for order in ("tottime", "cumulative") if stats is not None else ():
        assert stats is not None
        out = io.StringIO()
        stats.stream = out  # type: ignore[attr-defined]
        stats.sort_stats(order).print_stats(top)
        print(f"\nfunctions by {order}:")
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print("\n".join(lines[start:]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25, help="functions to list")
    parser.add_argument("--cold", action="store_true", help="profile the first build (empty caches)")
    parser.add_argument("--save", type=Path, help="also write the profile there, for pstats or snakeviz")
    parser.add_argument(
        "--serve", action="store_true", help="profile a preview's rebuild after one record is edited"
    )
    parser.add_argument("--no-profiler", action="store_true", help="time the phases only, in real seconds")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    sys.path.insert(0, str(REPO / "scripts"))
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        os.environ["COMPENDIUM_CACHE_DIR"] = str(root / "cache")
        config = project(root / "project", args.count)
        preview = Preview(config, root / "site") if args.serve else None
        if preview is not None:
            preview.build()
            edit(root / "project")
        elif not args.cold:
            build_once(config, root / "site")
        clock = PhaseClock()
        profiler = None if args.no_profiler else cProfile.Profile()
        started = time.perf_counter()
        with phases_timed(clock):
            if profiler is not None:
                profiler.enable()
            preview.build() if preview is not None else build_once(config, root / "site")
            if profiler is not None:
                profiler.disable()
        wall = time.perf_counter() - started
        if args.save and profiler is not None:
            profiler.dump_stats(args.save)
        report(clock, wall, pstats.Stats(profiler) if profiler is not None else None, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
