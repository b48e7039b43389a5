"""The security policy approves only the scripts the site's templates write, on both build routes.

A review found that the policy hashed every inline script a page held, so a
``notice.md`` in the docs folder ran its script on the public site, a static
``.html`` there got no policy at all, and on the Zensical route a ``javascript:``
link in a title reached the page unsanitized. These tests hold each of those shut.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import RECORDS
from .sitebuild import PWN, fixture_project, mkdocs_build, serve
from .test_browser import new_page, violations, watch_violations
from .test_zensical import require_zensical

SCRIPT = f"<script>{PWN}</script>"
"""An inline script no template writes."""
CLICK_TITLE = "Click [here](javascript:window.__pwned=1) now"
"""A valid record's title that Python-Markdown, reading the page's heading, would make a live link."""
UNESCAPED = '[there](javascript:window.__pwned=2) <img src="data:," onerror="window.__pwned=3">'
"""Markdown a template might write if it left a value unescaped."""
DOCS_PAGE = (
    "expected only the site's own assets (stylesheets, scripts, fonts, data) in the docs folder, received "
    "{kind}; every page is generated from the records and the templates: remove this file"
)
MARKDOWN_KIND = "a Markdown page, which would be published with its raw HTML and scripts as they are"
HTML_KIND = "a .html document, which would be served without the site's security policy"
UNAPPROVED = (
    "{page}: expected only the inline scripts the site's templates write, received one they do not write: "
    "<script>window.__pwned = (window.__pwned || 0) + 1</script>; a script in a page's text, a file of the "
    "docs folder or a plugin's output is never approved by the security policy, so it would not run"
)


def clickable_record() -> str:
    record = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    return record.replace("title: Golden minimal record", f"title: {json.dumps(CLICK_TITLE)}")


def policy_of(html: str) -> str:
    """The ``script-src`` of the policy ``html`` declares."""
    meta = html.split('<meta http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    return meta.split("script-src ", 1)[1].split(";", 1)[0]


def hash_of(script: str) -> str:
    from compendium.site.policy import script_hash

    return script_hash(script)


# -- the docs folder holds no page ---------------------------------------------------------------


def with_stray_pages(root: Path) -> Path:
    assets = root / "overrides" / "assets"
    (assets / "notice.md").write_text(f"# Notice\n\n{SCRIPT}\n", encoding="utf-8")
    (assets / "css" / "static.html").write_text(f"<html><body>{SCRIPT}</body></html>", encoding="utf-8")
    return root


def stray_problems() -> list[str]:
    return [
        "overrides/assets/css/static.html: " + DOCS_PAGE.format(kind=HTML_KIND),
        "overrides/assets/notice.md: " + DOCS_PAGE.format(kind=MARKDOWN_KIND),
    ]


def test_validate_refuses_a_page_in_the_docs_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.cli.main import main

    root = with_stray_pages(fixture_project(tmp_path / "project"))
    assert main(["--root", str(root), "validate"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("overrides/")] == stray_problems()


def test_the_build_refuses_a_page_in_the_docs_folder(tmp_path: Path) -> None:
    root = with_stray_pages(fixture_project(tmp_path / "project"))
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 1
    for problem in stray_problems():
        assert result.stderr.count(problem) == 1, result.stderr  # named once, though two checks see it
        assert f"ERROR   -  {problem}\n" in result.stderr
    assert not (tmp_path / "site" / "notice").exists()


def test_materialize_refuses_a_page_in_the_docs_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.catalog import load_catalog
    from compendium.cli.main import main
    from compendium.records.project import Project
    from compendium.settings import Settings
    from compendium.site.materialize import MaterializeError, materialize, read_config

    root = with_stray_pages(fixture_project(tmp_path / "project"))
    assert main(["--root", str(root), "materialize", "--no-pdf", str(tmp_path / "tree")]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if line.startswith("overrides/")] == (
        stray_problems()
    )
    # Called on its own, with a catalog that loaded, materialize refuses them too.
    project = Project(root)
    catalog, _ = load_catalog(project)
    assert catalog is not None
    data = read_config(root / "mkdocs.yml", project.display)
    with pytest.raises(MaterializeError) as refused:
        materialize(catalog, Settings.from_mkdocs_data(data), data, root, tmp_path / "tree")
    assert str(refused.value) == "\n".join(stray_problems())
    assert not (tmp_path / "tree").exists()


# -- only the templates' scripts are approved ----------------------------------------------------


def test_the_policy_hashes_the_templates_scripts_never_the_page_s(tmp_path: Path) -> None:
    from jinja2 import Environment, StrictUndefined

    from compendium.site.policy import TemplateScripts, template_scripts, unapproved_script, with_policy

    overrides, theme = tmp_path / "overrides", tmp_path / "theme"
    (overrides / "partials").mkdir(parents=True)
    (theme / "partials").mkdir(parents=True)
    (theme / "partials" / "scope.html").write_text(
        '<script>var scope = new URL("{{ config.extra.scope | d(base_url) }}", location)</script>\n'
        '<script id="__config" type="application/json">{"title": "{{ page.title }}"}</script>\n'
        "<script src=\"{{ 'bundle.js' | url }}\"></script>\n",
        encoding="utf-8",
    )
    (theme / "partials" / "title.html").write_text(
        '<script>document.title = "{{ page.title }}"</script>', encoding="utf-8"
    )
    # An override replaces the theme's template of that name, and its scripts with it.
    (theme / "partials" / "gone.html").write_text("<script>var theme = 1</script>", encoding="utf-8")
    (overrides / "partials" / "gone.html").write_text("<p>No script here.</p>", encoding="utf-8")
    scripts = template_scripts([overrides, theme])
    assert [(s.template, s.source[:20]) for s in scripts] == [
        ("partials/scope.html", "var scope = new URL("),
        ("partials/title.html", 'document.title = "{{'),
    ]
    env = Environment(undefined=StrictUndefined)
    allowed = TemplateScripts(
        scripts, [lambda source, context: env.from_string(source).render(context)], {"extra": {}}
    )

    scope = '<script>var scope = new URL("../..", location)</script>'
    retitle = '<script>document.title = "Injected"</script>'
    page = f'<html><head><meta charset="utf-8"><title>T</title>{scope}</head><body>{SCRIPT}{retitle}</body></html>'
    declared, refused = with_policy(page, allowed.hashes(["../.."]))
    assert policy_of(declared) == "'self' 'wasm-unsafe-eval' " + hash_of(scope[8:-9])
    assert refused == [PWN, 'document.title = "Injected"']
    assert declared.index("Content-Security-Policy") < declared.index("<title>")
    # The same script for another depth is another text: not approved at this one.
    assert with_policy(page, allowed.hashes(["."]))[1][0] == scope[8:-9]
    assert unapproved_script("p/index.html", PWN, allowed) == UNAPPROVED.format(page="p/index.html")
    assert unapproved_script("p/index.html", refused[1], allowed) == (
        "p/index.html: expected only the inline scripts the site's templates write, received one they do not "
        'write: <script>document.title = "Injected"</script>; a script in a page\'s text, a file of the docs '
        "folder or a plugin's output is never approved by the security policy, so it would not run; it looks "
        "like the script of partials/title.html (UndefinedError: 'page' is undefined), which depends on more "
        "than the site's settings and the page's depth, so the policy cannot list it"
    )


INJECTING_HOOK = """
from mkdocs.structure.files import File


def on_files(files, config):
    # A file MkDocs copies as it is, as a static .html from the docs folder would be.
    files.append(File.generated(config, "extra.html", content="<html><head></head><body>x</body></html>"))
    return files


def on_page_content(html, page, config, files):
    # Markup that reached a page's content after the sanitizer (another plugin, say).
    if page.file.src_uri == "practices/clickable.md":
        return html + "<script>window.__pwned = (window.__pwned || 0) + 1</script>"
    return html
"""


@pytest.fixture(scope="module")
def mkdocs_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A MkDocs build of a project with a clickable title and a hook putting a script into that page."""
    root = fixture_project(
        tmp_path_factory.mktemp("policy") / "project", {"clickable.md": clickable_record()}
    )
    (root / "inject.py").write_text(INJECTING_HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - inject.py\n", encoding="utf-8")
    return root / "site", mkdocs_build(root, root / "site")


def test_mkdocs_fails_naming_a_page_whose_content_holds_a_script(
    mkdocs_result: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    site, result = mkdocs_result
    assert result.returncode == 1
    assert f"ERROR   -  {UNAPPROVED.format(page='practices/clickable/index.html')}\n" in result.stderr
    assert (
        "ERROR   -  extra.html: expected a page written through the theme, which declares the site's security "
        "policy, received one without it\n"
    ) in result.stderr
    assert "2 page(s) would run a script the site did not write; see above" in result.stderr
    page = (site / "practices" / "clickable" / "index.html").read_text(encoding="utf-8")
    assert SCRIPT in page
    assert hash_of(PWN) not in policy_of(page)
    assert policy_of(page).count("'sha256-") == 3  # the theme's: its scope, the palette, the tabs


def test_a_javascript_link_in_a_title_is_no_live_link_on_mkdocs(
    mkdocs_result: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    site, _ = mkdocs_result
    for path in sorted(site.rglob("*.html")):
        assert 'href="javascript:' not in path.read_text(encoding="utf-8").lower(), path


# -- the Zensical route: the same pass, the same policy ------------------------------------------


@pytest.fixture(scope="module")
def zensical_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """The clickable project materialized, with a notice.md and a static page slipped into the tree
    afterwards, built by Zensical and finished: (site, finish's exit code, its output, its errors)."""
    from compendium.cli.main import main

    require_zensical()
    root = fixture_project(
        tmp_path_factory.mktemp("zen-policy") / "project", {"clickable.md": clickable_record()}
    )
    tree = root / "tree"
    assert main(["--root", str(root), "materialize", "--no-pdf", str(tree)]) == 0
    (tree / "docs" / "notice.md").write_text(f"# Notice\n\n{SCRIPT}\n", encoding="utf-8")
    # What a template that forgot to escape a value would hand the generator's Markdown.
    page = tree / "docs" / "practices" / "clickable.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n# ", f"\n{UNESCAPED}\n\n# ", 1), encoding="utf-8")
    (tree / "docs" / "static.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body>{SCRIPT}</body></html>', encoding="utf-8"
    )
    built = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "-f", str(tree / "mkdocs.yml")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    finish = subprocess.run(
        [sys.executable, "-m", "compendium", "--root", str(root), "finish", str(tree / "site")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    return tree / "site", finish.returncode, finish.stdout, finish.stderr


def test_finish_fails_naming_each_page_holding_a_script_and_gives_it_the_policy(
    zensical_result: tuple[Path, int, str, str],
) -> None:
    site, code, _, errors = zensical_result
    assert code == 1
    assert errors.splitlines() == [
        "compendium: error: " + UNAPPROVED.format(page=site / "notice" / "index.html"),
        "compendium: error: " + UNAPPROVED.format(page=site / "static.html"),
    ]
    for page in (site / "notice" / "index.html", site / "static.html"):
        html = page.read_text(encoding="utf-8")
        assert html.count('http-equiv="Content-Security-Policy"') == 1, page
        assert hash_of(PWN) not in policy_of(html), page


def test_finish_a_second_time_changes_nothing_and_still_names_the_pages(
    zensical_result: tuple[Path, int, str, str],
) -> None:
    site, _, _, errors = zensical_result
    before = {path: path.read_bytes() for path in site.rglob("*.html")}
    again = subprocess.run(
        [sys.executable, "-m", "compendium", "--root", str(site.parent.parent), "finish", str(site)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert again.returncode == 1
    assert "text sanitized and completed in 0 page(s)\n" in again.stdout
    assert "security policy declared in 0 page(s)\n" in again.stdout
    assert again.stderr == errors
    assert {path: path.read_bytes() for path in site.rglob("*.html")} == before


def test_a_javascript_link_in_a_title_is_no_live_link_on_zensical(
    zensical_result: tuple[Path, int, str, str], mkdocs_result: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    site, _, output, _ = zensical_result
    generated = [path for path in (site.parent / "docs").rglob("*.md") if path.name != "notice.md"]
    assert f"text sanitized and completed in {len(generated)} page(s)\n" in output  # every generated page
    assert not (site / "compendium-finishing.json").exists()
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert 'href="javascript:' not in html.lower(), path
        assert "onerror" not in html, path
        assert "CMPBLOCK" not in html, path
    # Whatever the generator's Markdown made of the page, the site's sanitizer cleaned it, as in MkDocs.
    page = (site / "practices" / "clickable" / "index.html").read_text(encoding="utf-8")
    assert "<p><a>there</a> <img></p>" in page
    # The heading is what the MkDocs build made of the same title.
    heading = [
        route.joinpath("practices", "clickable", "index.html")
        .read_text(encoding="utf-8")
        .split("<h1", 1)[1]
        .split("</h1>")[0]
        for route in (site, mkdocs_result[0])
    ]
    assert heading[0] == heading[1]


def test_on_the_zensical_site_neither_the_title_nor_a_slipped_in_script_runs(
    browser: Any, zensical_result: tuple[Path, int, str, str]
) -> None:
    site, _, _, _ = zensical_result
    with serve(site) as url:
        page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
        watch_violations(page)
        page.goto(url + "practices/clickable/")
        page.wait_for_load_state("load")
        assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\" i]').length") == 0
        page.locator("h1").get_by_text("here").first.click()
        page.wait_for_timeout(200)
        assert page.evaluate("window.__pwned") is None
        assert violations(page) == []  # the theme's own scripts all ran under the policy
        for path in ("notice/", "static.html"):
            page.goto(url + path)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__pwned") is None
            assert any(v.startswith("script-src") for v in violations(page)), path
        page.context.close()
