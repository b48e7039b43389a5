"""The site outlives its theme: the materialized tree built by Zensical, then finished by ``compendium finish``.

Zensical is in the test dependencies, so CI always runs these; locally they skip,
with the reason, where it is not installed (a skip in CI is a failure).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .browser import skip_here_fail_in_ci
from .conftest import REPO
from .sitebuild import HOSTILE_LABEL, HOSTILE_TITLE, hostile_project, serve
from .test_browser import choose, counts, new_page, results, violations, wait_for_results, watch_violations


def require_zensical() -> None:
    if importlib.util.find_spec("zensical") is None:
        skip_here_fail_in_ci("the Zensical tests", "Zensical is not installed (uv sync --group test)")


def zensical_site(project: Path, tree: Path) -> Path:
    """``project`` materialized into ``tree``, built by Zensical and finished; the built site."""
    from compendium.cli.main import main

    require_zensical()
    assert main(["--root", str(project), "materialize", str(tree)]) == 0
    result = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "-f", str(tree / "mkdocs.yml")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert main(["--root", str(project), "finish", str(tree / "site")]) == 0
    return tree / "site"


@pytest.fixture(scope="module")
def zen_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return zensical_site(REPO, tmp_path_factory.mktemp("zensical") / "tree")


def pages_of(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.suffix in (".html", ".pdf")}


def test_zensical_builds_every_page_and_pdf_at_the_same_address(zen_site: Path, repo_site: Path) -> None:
    mkdocs = pages_of(repo_site)
    assert len(mkdocs) > 40
    assert mkdocs <= pages_of(zen_site)
    assert "volumes/01-the-genius-of-regions/01-the-genius-of-regions.pdf" in mkdocs
    volume = (zen_site / "volumes" / "01-the-genius-of-regions" / "index.html").read_text(encoding="utf-8")
    assert 'href="01-the-genius-of-regions.pdf"' in volume


def test_every_finished_page_declares_its_policy_before_any_script(
    zen_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.cli.main import main

    for path in sorted(zen_site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert html.count('http-equiv="Content-Security-Policy"') == 1, path
        assert -1 < html.find('http-equiv="Content-Security-Policy"') < html.find("<script"), path
    capsys.readouterr()
    assert main(["--root", str(REPO), "finish", str(zen_site)]) == 0
    assert "security policy declared in 0 page(s)" in capsys.readouterr().out  # a second run changes nothing


def test_the_finder_searches_and_filters_on_the_zensical_site_as_on_the_mkdocs_one(
    browser: Any, zen_site: Path
) -> None:
    with serve(zen_site) as url:
        page, hosts = new_page(browser)
        watch_violations(page)
        page.goto(url + "find/")
        wait_for_results(page, "newest first")
        assert len(results(page)) >= 12
        page.fill("#cmp-q", "partners")
        wait_for_results(page, "match “partners”")
        broad = results(page)
        choose(page, "region", "statewide")
        wait_for_results(page, "Region: California (statewide)")
        choose(page, "population", "justice-involved")
        wait_for_results(page, "Population: Justice-involved people")
        assert set(results(page)) == {
            "Partnerships 2.0: adding corrections and county probation to regional convenings",
            "Prison to Employment regional reentry partnerships",
        }
        assert len(broad) > 2
        page.click("#cmp-open")
        assert counts(page, "population")["justice-involved"] == 2
        page.click("#cmp-done")
        # The palette toggle: Zensical's own script, under the policy `finish` declared.
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') !== s", arg=scheme)
        assert violations(page) == []
        assert {host for host in hosts if host} == {url.split("/")[2]}
        page.context.close()


LOOK = {
    "h1": "color fontFamily fontWeight fontSize",
    ".cmp-lead": "fontFamily fontSize lineHeight",
    ".md-header": "backgroundColor color height",
    ".md-tabs": "backgroundColor",
    ".cmp-glance": "backgroundColor borderTopColor",
    ".md-footer": "backgroundColor",
    ".md-header__topic .md-ellipsis::after": "content fontWeight",
}
"""What makes the site look like itself: each element's computed styles must be the same in both builds."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_zensical_pages_look_like_the_mkdocs_ones(
    browser: Any, zen_site: Path, repo_site: Path, scheme: str, width: int
) -> None:
    script = """look => Object.fromEntries(Object.entries(look).map(([selector, props]) => {
        const [element_selector, pseudo] = selector.split('::');
        const element = document.querySelector(element_selector);
        const style = element && getComputedStyle(element, pseudo ? '::' + pseudo : null);
        return [selector, style ? props.split(' ').map(p => style[p]).join(' | ') : 'missing'];
    }))"""
    seen = []
    for site in (repo_site, zen_site):
        with serve(site) as url:
            page, _ = new_page(browser, scheme, {"width": width, "height": 900})
            page.goto(url + "practices/k16-shared-governance/")
            seen.append(page.evaluate(script, LOOK))
            page.context.close()
    assert "missing" not in str(seen[0])
    assert seen[1] == seen[0]


def test_markup_in_text_fields_stays_text_on_the_zensical_site(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = hostile_project(tmp_path_factory.mktemp("zen-hostile") / "project")
    site = zensical_site(root, root / "tree")
    for path in sorted(site.rglob("*.html")):
        assert "<img src=x onerror" not in path.read_text(encoding="utf-8"), path
    with serve(site) as url:
        page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
        for path, title in (
            ("practices/hostile/", HOSTILE_TITLE),
            ("regions/los-angeles-county/", HOSTILE_LABEL),
        ):
            page.goto(url + path)
            page.wait_for_load_state("load")
            page.wait_for_timeout(200)
            assert page.evaluate("window.__pwned") is None
            assert page.title().startswith(title)
        page.context.close()


def test_the_tree_settings_are_the_project_s_without_the_plugin() -> None:
    from compendium.site.materialize import portable_config

    data = {
        "site_name": "S",
        "docs_dir": "overrides/assets",
        "theme": {
            "name": "material",
            "custom_dir": "overrides/theme",
            "features": ["navigation.tabs", "content.action.edit"],
        },
        "plugins": [{"compendium": {"branch": "trunk"}}, "tags"],
        "nav": [{"Home": "index.md"}],
    }
    assert portable_config(data, has_overrides=True) == {
        "site_name": "S",
        "nav": [{"Home": "index.md"}],
        "docs_dir": "docs",
        "theme": {
            "name": "material",
            "custom_dir": "overrides",
            "features": ["navigation.tabs"],
            "variant": "classic",
        },
        "plugins": ["tags", {"search": {"enabled": False}}],
    }
    # No plugins listed: MkDocs' default search stays, as it would; a theme given by name becomes a mapping.
    assert portable_config({"site_name": "S", "theme": "material"}, has_overrides=False) == {
        "site_name": "S",
        "docs_dir": "docs",
        "theme": {"name": "material", "variant": "classic"},
    }


def test_materialize_refuses_settings_it_cannot_carry_over_and_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.cli.main import main

    from .sitebuild import fixture_project

    root = fixture_project(tmp_path / "project")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra_css_dir: !ENV CSS_DIR\n", encoding="utf-8")
    line = config.read_text(encoding="utf-8").count("\n")
    assert main(["--root", str(root), "materialize", "--no-pdf", str(tmp_path / "tree")]) == 1
    assert capsys.readouterr().err == (
        f"compendium: error: mkdocs.yml:{line}:16: expected plain settings (the materialized tree's "
        "mkdocs.yml is written from them), received could not determine a constructor for the tag '!ENV'\n"
    )
    assert not (tmp_path / "tree").exists()  # nothing half-written


def test_finish_expects_a_built_site_with_practice_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.cli.main import main

    assert main(["--root", str(REPO), "finish", str(tmp_path)]) == 2
    assert capsys.readouterr().err.endswith(
        f"{tmp_path}: expected a built site (a folder with index.html), found none\n"
    )
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    assert main(["--root", str(REPO), "finish", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"compendium: error: {tmp_path}: expected a built site with practice pages "
        "(practices/*/index.html), found none\n"
    )
