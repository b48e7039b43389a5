"""The package's tree shows the pipeline: each stage a folder, importing only from the stages before it.

records -> cache -> catalog -> editorial, contribute -> settings -> render -> site, printing -> plugin, cli

(after the shared base: ``parallel``, ``files``, ``scratch`` and ``typefaces``)

Read from the source (every import, at the top of a module or inside a function),
so a deferred import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "scripts" / "compendium"

STAGES: list[set[str]] = [
    {"__init__", "parallel", "files", "scratch", "typefaces"},
    {"records"},
    {"cache"},
    {"catalog"},
    {"editorial", "contribute"},
    {"settings"},
    {"render"},
    {"site", "printing"},
    {"plugin", "cli"},
    {"__main__"},
]
"""Each module's stage is its first name under ``compendium``; names in one set are siblings, which
may not import each other."""

MKDOCS = {"plugin"}
"""The only stage that may import MkDocs or Material."""


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, name: str) -> Iterator[str]:
    """Every module ``path`` imports, absolute, whether at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base]).strip(".")
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {target for target in imports(path, name) if target in known and target != name}
        for name, path in known.items()
    }


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def rank(module: str) -> int:
    return next(i for i, names in enumerate(STAGES) if stage(module) in names)


def test_every_module_sits_in_a_known_stage() -> None:
    unknown = [m for m in modules() if not any(stage(m) in names for names in STAGES)]
    assert unknown == []


def test_each_stage_imports_only_from_stages_before_it() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in sorted(targets)
        if stage(target) != stage(module) and rank(target) >= rank(module) and stage(target) != "__init__"
    ]
    assert wrong == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    edges = graph()
    cycles: list[str] = []

    def visit(module: str, trail: list[str]) -> None:
        for target in sorted(edges[module]):
            if target in trail:
                cycle = " -> ".join([*trail[trail.index(target) :], target])
                if cycle not in cycles:
                    cycles.append(cycle)
            elif len(trail) < len(edges):
                visit(target, [*trail, target])

    for module in sorted(edges):
        visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(modules()))
def test_only_the_plugin_imports_mkdocs(module: str) -> None:
    path = modules()[module]
    outside = [t for t in imports(path, module) if t.split(".")[0] in ("mkdocs", "material")]
    assert stage(module) in MKDOCS or outside == []


def test_the_checks_see_a_planted_cycle_and_a_backward_import(tmp_path: Path) -> None:
    """The graph reads deferred imports too: the kind that hid site <-> opendata."""
    source = "def f():\n    from compendium.site.pages import build_site\n"
    found = set(imports(_write(tmp_path, source), "compendium.records.body"))
    assert "compendium.site.pages" in found and rank("compendium.site.pages") > rank(
        "compendium.records.body"
    )


def _write(folder: Path, text: str) -> Path:
    path = folder / "m.py"
    path.write_text(text, encoding="utf-8")
    return path
