"""The contributor workflow: GitHub workflows and forms, pre-commit, the guide, and vendored code."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import RECORDS, REPO

GITHUB = REPO / ".github"
WORKFLOWS = GITHUB / "workflows"

NEEDED: dict[str, dict[str, str]] = {
    "pull-request.yml": {"contents": "read"},
    "pages.yml": {"contents": "read", "pages": "write", "id-token": "write"},
    "upkeep.yml": {"contents": "read", "issues": "write"},
}
"""The most each workflow may be granted: what its jobs need, and nothing more."""

LEVELS = {"none": 0, "read": 1, "write": 2}


def load_workflow(name: str) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps_text(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job.get("steps", []))


def test_the_workflows_are_the_known_ones() -> None:
    assert sorted(p.name for p in WORKFLOWS.iterdir()) == sorted(NEEDED)


def test_workflows_and_forms_match_githubs_schemas() -> None:
    checks = {
        "vendor.github-workflows": sorted(WORKFLOWS.glob("*.yml")),
        "vendor.github-issue-forms": [GITHUB / "ISSUE_TEMPLATE" / "propose-a-practice.yml"],
        "vendor.github-issue-config": [GITHUB / "ISSUE_TEMPLATE" / "config.yml"],
        "vendor.dependabot": [GITHUB / "dependabot.yml"],
    }
    for schema, files in checks.items():
        result = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_by_commit() -> None:
    """A tag can be moved to other code; a commit cannot (Dependabot keeps the pins current)."""
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for match in re.finditer(r"uses:\s*([^\s#]+)", path.read_text(encoding="utf-8")):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}", match.group(1)), (
                path.name,
                match.group(1),
            )


def test_no_workflow_uses_pull_request_target() -> None:
    for path in GITHUB.rglob("*.yml"):
        assert "pull_request_target" not in path.read_text(encoding="utf-8"), path
    for name in NEEDED:
        triggers = load_workflow(name)["on"]
        assert "pull_request_target" not in ([triggers] if isinstance(triggers, str) else triggers), name
    assert set(load_workflow("pull-request.yml")["on"]) == {"pull_request"}


@pytest.mark.parametrize("name", sorted(NEEDED))
def test_workflow_permissions_are_no_broader_than_needed(name: str) -> None:
    workflow = load_workflow(name)
    top = workflow.get("permissions")
    # Without a top-level block a job gets the repository's default token, which may be read-write.
    assert isinstance(top, dict), f"{name}: set 'permissions:' at the top, scope by scope"
    granted: dict[str, str] = {}
    for job_name, job in workflow["jobs"].items():
        scopes = job.get("permissions", top)
        assert isinstance(scopes, dict), f"{name}: job {job_name} must list its permissions scope by scope"
        for scope, level in scopes.items():
            allowed = NEEDED[name].get(scope, "none")
            assert LEVELS[level] <= LEVELS[allowed], f"{name}: job {job_name} has {scope}: {level}"
            if LEVELS[level] > LEVELS[granted.get(scope, "none")]:
                granted[scope] = level
        if "pages" in scopes:
            # The job that may publish runs none of the project's code.
            assert not any("run" in step for step in job["steps"]), job_name
    assert granted == NEEDED[name], f"{name}: granted {granted}, the table says {NEEDED[name]}"


UV = "uv==0.13.9"
"""The uv the README installs; every other package comes from uv.lock."""
BUILD = f"python3 -m pip install '{UV}' && uv run --locked mkdocs build"
TEST = f"python3 -m pip install '{UV}' && uv run --locked --group test python -m pytest"


def readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    fresh = readme.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", fresh, flags=re.S)


def test_readme_gives_two_commands_for_a_fresh_machine_and_ci_runs_the_second() -> None:
    assert readme_commands() == [BUILD, TEST]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == TEST.replace("python3 -m pip install", "python3 -m pip install -q")


def test_every_install_comes_from_the_lock() -> None:
    """No workflow, hook or script installs a package by name, except the pinned uv."""
    texts = {
        path: path.read_text(encoding="utf-8") for path in [*WORKFLOWS.glob("*.yml"), REPO / ".ci" / "run"]
    }
    for path, text in texts.items():
        for line in text.splitlines():
            if re.search(r"\bpip3? install\b", line) and not line.lstrip().startswith("#"):
                assert f"install -q '{UV}'" in line or f"install '{UV}'" in line, (
                    f"{path.name}: {line.strip()}"
                )
            if re.search(r"\buv (run|sync)\b", line):
                assert "--locked" in line, f"{path.name}: {line.strip()}"


def test_the_lock_matches_pyproject() -> None:
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH: run the tests as the README says (uv run --locked ...)")
    result = subprocess.run([uv, "lock", "--check"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_dependabot_proposes_lock_updates() -> None:
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {update["package-ecosystem"]: update for update in config["updates"]}
    assert ecosystems["uv"]["directory"] == "/"
    assert "github-actions" in ecosystems


def test_pull_request_workflow_checks_as_the_readme_says() -> None:
    job = load_workflow("pull-request.yml")["jobs"]["check"]
    runs = [str(step.get("run", "")).strip() for step in job["steps"]]
    for command in (
        f"pip install '{UV}'",
        "uv run --locked compendium validate",
        "uv run --locked --group test python -m pytest",
        "uv run --locked mkdocs build --strict",
    ):
        assert command in runs, command
    upload = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "site/"
    # In CI a skipped browser test fails, so the job must have Chromium.
    assert "chromium" in steps_text(job)


def test_pages_workflow_publishes_main_with_the_readme_build() -> None:
    workflow = load_workflow("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    build = steps_text(workflow["jobs"]["build"])
    assert f"pip install '{UV}' && uv run --locked mkdocs build --strict" in build
    assert "actions/upload-pages-artifact" in build
    assert "actions/deploy-pages" in steps_text(workflow["jobs"]["deploy"])


def test_upkeep_workflow_checks_links_and_reviews_weekly_in_one_issue() -> None:
    workflow = load_workflow("upkeep.yml")
    (cron,) = (entry["cron"] for entry in workflow["on"]["schedule"])
    assert len(cron.split()) == 5 and cron.split()[4] != "*" and cron.split()[2] == "*"  # one weekday a week
    text = steps_text(workflow["jobs"]["report"])
    assert "uv sync --locked --group upkeep" in text and "lychee " in text
    assert "compendium stale --months 18 --format markdown" in text
    # One issue kept up to date: edit the open one, create only when there is none.
    assert "gh issue list --label upkeep" in text and "gh issue edit" in text


def test_issue_form_asks_for_what_a_record_holds() -> None:
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "propose-a-practice.yml").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "practices" / "practice.schema.json").read_text(encoding="utf-8"))
    elements = {e["id"]: e for e in form["body"] if "id" in e}
    assert len(elements) == len([e for e in form["body"] if "id" in e]), "ids must be unique"
    for name, prop in schema["properties"].items():
        asked = {i: e for i, e in elements.items() if i == name or i.startswith(name + "-")}
        if prop.get("readOnly"):
            assert not asked, f"{name} is set by editors"
            continue
        assert asked, f"the form does not ask for {name}"
        if name in schema["required"] and prop.get("type") != "object":
            assert asked[name]["validations"]["required"] is True, name
    regions = elements["regions"]["attributes"]
    assert regions["multiple"] is True
    # Every region, then a way to name one that is missing, in words, for an editor to add.
    assert regions["options"] == [
        *schema["x-labels"]["regions"].values(),
        "Not in the list (name it under “Terms not in the lists”)",
    ]
    assert "not-in-the-list" in elements
    roles = elements["partners"]["attributes"]["description"]
    assert "Not in the list" not in roles  # roles mean something to the software: never free text
    for section in schema["x-body-sections"]:
        assert any(e["attributes"]["label"] == section for e in elements.values()), section


def test_contributing_guide_explains_the_evidence_scale_and_retiring() -> None:
    guide = " ".join((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    vocabulary = yaml.safe_load((REPO / "practices" / "vocabulary.yml").read_text(encoding="utf-8"))
    for term in vocabulary["evidence_levels"].values():
        assert f"**{term['label']}** | {term['description']}" in guide, term["label"]
    for term in vocabulary["evidence_bases"].values():
        assert term["label"].lower() in guide.lower(), term["label"]
    for section in vocabulary["sections"]:
        assert f"**{section['title']}**" in guide, section["title"]
    assert "status: retired" in guide and "never deleted" in guide
    # Web editor first, local second.
    assert guide.index("## 2. In your browser, on GitHub") < guide.index("## 3. On your own computer")
    assert "## 1. The easiest way: the site's form" in guide


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_pre_commit_hook_validates_changed_records(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project({"good.md": RECORDS / "good" / "minimal.md"})
    shutil.copy(REPO / ".pre-commit-config.yaml", root / ".pre-commit-config.yaml")
    git(root, "init", "-q")
    git(root, "add", "-A")
    env_home = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}

    def pre_commit(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--files", *files],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, **env_home},
        )

    good = pre_commit("practices/good.md")
    assert good.returncode == 0, good.stdout + good.stderr
    record = root / "practices" / "good.md"
    record.write_text(record.read_text().replace("status: submitted", "status: submited"), encoding="utf-8")
    bad = pre_commit("practices/good.md")
    assert bad.returncode == 1
    assert re.search(r"practices/good\.md:\d+:1: status: 'submited' is not a known term", bad.stdout), (
        bad.stdout
    )


def test_vendored_javascript_is_byte_for_byte_as_recorded() -> None:
    vendor = REPO / "overrides" / "assets" / "js" / "vendor"
    sources = (vendor / "SOURCES.txt").read_text(encoding="utf-8")
    entries = re.findall(r"^(\S+\.m?js)\n(?:  .*\n)*?  sha256:\s+([0-9a-f]{64})", sources, re.MULTILINE)
    assert entries, "SOURCES.txt names no file"
    assert {name for name, _ in entries} == {p.name for p in vendor.glob("*.*js")}
    for name, digest in entries:
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
