"""The site in headless Chromium: the finder, its URL state, no third-party requests, and axe-core."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import REPO
from .sitebuild import HOSTILE_LABEL, HOSTILE_TITLE, serve

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site_url(repo_site: Path) -> Iterator[str]:
    with serve(repo_site) as url:
        yield url


def new_page(
    browser: Any, scheme: str = "light", viewport: dict[str, int] | None = None
) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport=viewport or PHONE, color_scheme=scheme)
    page = context.new_page()
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    return page, hosts


def results(page: Any) -> list[str]:
    return page.locator("#cmp-results .cmp-card__title a").all_inner_texts()


def wait_for_results(page: Any, expected_status: str) -> None:
    page.wait_for_function(
        "text => document.getElementById('cmp-status').textContent.includes(text)",
        arg=expected_status,
        timeout=15000,
    )


def choose(page: Any, facet: str, value: str) -> None:
    """Tick a filter value as a phone reader does: open the filters' sheet, tick, show the results."""
    page.click("#cmp-open")
    page.check(f"#cmp-{facet}-{value}")
    page.click("#cmp-done")


def counts(page: Any, facet: str) -> dict[str, int]:
    """The count beside each value the facet offers (values that would find nothing are shown disabled)."""
    found: dict[str, int] = page.eval_on_selector_all(
        f"fieldset[data-facet={facet}] li:not([hidden]) input:not(:disabled)",
        "boxes => Object.fromEntries(boxes.map(b => [b.value, Number(b.parentElement.querySelector('.cmp-count').textContent)]))",
    )
    return found


def test_finder_query_filters_url_state_and_no_other_host(browser: Any, site_url: str) -> None:
    page, hosts = new_page(browser)
    page.goto(site_url + "find/")
    page.fill("#cmp-q", "partners")
    wait_for_results(page, "match “partners”")
    broad = results(page)
    assert len(broad) >= 4

    # On a phone the filters wait in a sheet, behind one "Filters" button, and the results come first.
    assert not page.is_visible("#cmp-region-statewide")
    assert page.get_attribute("#cmp-open", "aria-expanded") == "false"
    choose(page, "region", "statewide")
    wait_for_results(page, "Region: California (statewide)")
    assert page.inner_text("#cmp-open") == "Filters (1 chosen)"
    assert page.get_attribute("#cmp-open", "aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "cmp-open"  # focus returns to the button
    choose(page, "population", "justice-involved")
    wait_for_results(page, "Population: Justice-involved people")
    narrow = results(page)
    assert 0 < len(narrow) < len(broad)
    assert set(narrow) <= set(broad)
    assert set(narrow) == {
        "Partnerships 2.0: adding corrections and county probation to regional convenings",
        "Prison to Employment regional reentry partnerships",
    }
    assert page.locator("#cmp-chips button").all_inner_texts() == [
        "Region: California (statewide) ✕",
        "Population: Justice-involved people ✕",
        "Clear all filters",
    ]

    state = parse_qs(urlsplit(page.url).query)
    assert state == {"q": ["partners"], "region": ["statewide"], "population": ["justice-involved"]}

    # The URL alone restores the view: share it, bookmark it, reload it.
    shared, shared_hosts = new_page(browser)
    shared.goto(page.url)
    wait_for_results(shared, "Population: Justice-involved people")
    assert shared.input_value("#cmp-q") == "partners"
    assert shared.is_checked("#cmp-region-statewide")
    assert set(results(shared)) == set(narrow)

    # Back undoes the last choice, forward redoes it.
    page.go_back()
    wait_for_results(page, "match “partners”, Region: California (statewide).")
    assert not page.is_checked("#cmp-population-justice-involved")
    page.go_forward()
    wait_for_results(page, "Population: Justice-involved people")
    # A chip removes its filter.
    page.click("#cmp-chips button >> text=Region: California (statewide) ✕")
    wait_for_results(page, "match “partners”, Population: Justice-involved people.")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["partners"], "population": ["justice-involved"]}

    shared.click("#cmp-results .cmp-card__title a >> nth=0")
    shared.wait_for_load_state()
    assert "/practices/" in shared.url
    assert shared.locator("h1").evaluate("e => e.firstChild.textContent") in narrow

    local = urlsplit(site_url).netloc
    assert set(hosts) | set(shared_hosts) == {local}


def test_values_of_one_facet_add_up_and_facets_narrow(browser: Any, site_url: str, repo_site: Path) -> None:
    """Any of one facet's values, all of the facets, and each count saying what choosing it would give."""
    page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site_url + "find/")
    wait_for_results(page, "practices, newest first.")
    everything = counts(page, "focus")
    page.check("#cmp-focus-reentry-services")
    wait_for_results(page, "Focus area: Reentry services.")
    reentry = set(results(page))
    assert len(reentry) == everything["reentry-services"]
    # The focus facet's own counts leave its choice out: what each other value would add.
    assert counts(page, "focus") == everything
    page.check("#cmp-focus-dual-enrollment")
    wait_for_results(page, "Focus area: Dual enrollment or Reentry services.")  # in the list's order
    either = set(results(page))
    assert reentry < either and len(either) <= everything["reentry-services"] + everything["dual-enrollment"]
    # Another facet's counts are within what is chosen, and choosing one gives exactly its count.
    populations = counts(page, "population")
    assert populations and all(0 < n <= len(either) for n in populations.values())
    value, expected = max(populations.items(), key=lambda item: item[1])
    page.check(f"#cmp-population-{value}")
    wait_for_results(page, f"{expected} practice")
    assert len(results(page)) == expected and set(results(page)) <= either
    assert parse_qs(urlsplit(page.url).query) == {
        "focus": ["dual-enrollment", "reentry-services"],
        "population": [value],
    }


def test_sorting_by_title_and_by_newest(browser: Any, site_url: str, repo_site: Path) -> None:
    import json

    page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site_url + "find/?sort=title")
    wait_for_results(page, "practices, by title (a to z).")
    assert page.input_value("#cmp-sort") == "title"
    shown = results(page)
    assert len(shown) == 12 and shown == sorted(shown, key=str.casefold)
    page.select_option("#cmp-sort", "newest")
    wait_for_results(page, "practices, newest first.")
    records = json.loads((repo_site / "data" / "practices.json").read_text(encoding="utf-8"))["practices"]
    newest = sorted(records, key=lambda r: r["submitted"], reverse=True)
    shown = results(page)
    dates = [next(r["submitted"] for r in records if r["title"] == title) for title in shown]
    assert dates == sorted(dates, reverse=True) and dates[0] == newest[0]["submitted"]
    assert parse_qs(urlsplit(page.url).query) == {"sort": ["newest"]}


@pytest.mark.parametrize("format", ["json", "csv"])
def test_download_these_results_from_the_open_data(
    browser: Any, site_url: str, repo_site: Path, format: str, tmp_path: Path
) -> None:
    import csv
    import io
    import json

    page, _ = new_page(browser)
    page.goto(site_url + "find/?population=justice-involved&sort=title")
    wait_for_results(page, "Population: Justice-involved people")
    shown = results(page)
    with page.expect_download() as download:
        page.click(f"#cmp-download button[data-format={format}]")
    saved = tmp_path / "found"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"practices-found.{format}"
    # As bytes: reading text would turn the CSV's CRLF line ends into LF.
    published = (repo_site / "data" / f"practices.{format}").read_bytes().decode("utf-8")
    if format == "json":
        found = json.loads(saved.read_text(encoding="utf-8"))
        assert [p["title"] for p in found["practices"]] == shown and found["count"] == len(shown)
        whole = {p["id"]: p for p in json.loads(published)["practices"]}
        assert all(p == whole[p["id"]] for p in found["practices"])  # the open data's own records
    else:
        text = saved.read_bytes().decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert [r["title"] for r in rows] == shown
        lines = published.split("\r\n")
        assert text.split("\r\n")[0] == lines[0]  # the open data's own header and quoting
        whole = {r["id"]: r for r in csv.DictReader(io.StringIO(published, newline=""))}
        assert all(r == whole[r["id"]] for r in rows)
    assert (
        page.inner_text("#cmp-download-status") == f"Downloaded {len(shown)} practices as {format.upper()}."
    )


def test_without_javascript_the_finder_is_a_listing_of_pages(
    browser: Any, site_url: str, repo_site: Path
) -> None:
    # A browser without script parses <noscript>: its note and style replace what needs script (Playwright
    # turns script off but still parses <noscript> as if on, so that part is checked in the page itself).
    html = (repo_site / "find" / "index.html").read_text(encoding="utf-8")
    noscript = re.findall(r"<noscript>(.*?)</noscript>", html, re.DOTALL)
    assert ".cmp-finder [data-needs-script] { display: none !important; }" in noscript[0]
    assert ".cmp-finder__facets { display: block !important;" in noscript[0]
    assert noscript[1].startswith('<p class="cmp-finder__status">Search needs JavaScript.')
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "find/")
    link = page.locator("fieldset[data-facet=focus] li[data-value=reentry-services]")
    assert link.inner_text().split() == ["Reentry", "services", "3"]
    link.locator("a").click()
    page.wait_for_load_state()
    assert page.url.endswith("/topics/reentry-services/")
    assert len(page.locator(".cmp-card").all()) == 3


def test_region_filter_finds_practices_of_regions_within(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser)
    page.goto(site_url + "find/?region=riverside-county")
    wait_for_results(page, "Region: Riverside County")
    # Practices filed under the regions that hold Riverside County are found from it: the four of the
    # Inland Empire K-16 collaborative and the Inland Empire RPU's SlingShot initiative.
    found = results(page)
    assert len(found) == 5 and "Inland Empire Job-Driven SlingShot Initiative" in found


def test_empty_finder_lists_every_practice_newest_first(browser: Any, site_url: str, repo_site: Path) -> None:
    import json

    page, _ = new_page(browser)
    page.goto(site_url + "find/")
    total = json.loads((repo_site / "data" / "practices.json").read_text(encoding="utf-8"))["count"]
    wait_for_results(page, f"{total} practices, newest first.")
    assert page.input_value("#cmp-sort") == "newest"
    # The newest twelve come with the page, made at build time; the rest are a link away.
    assert len(results(page)) == 12 and page.is_visible("#cmp-all") and not page.is_visible("#cmp-more")
    assert page.inner_text("#cmp-all") == f"All {total} practices, A to Z"


def test_a_card_the_script_makes_is_the_card_the_build_made(browser: Any, site_url: str) -> None:
    """Same markup, same words for a screen reader ("Regions:"), same emphasis, however the card was made."""
    shape = """card => {
        const copy = card.cloneNode(true);
        copy.querySelector('a').removeAttribute('href');  // relative at build time, absolute from Pagefind
        copy.querySelectorAll('[hidden]').forEach(e => e.remove());
        return copy.outerHTML;
    }"""
    page, _ = new_page(browser)
    page.goto(site_url + "find/")
    wait_for_results(page, "newest first")
    title = "Project QUEST, San Antonio, Texas"  # outside California: the card says so, in bold
    built = page.eval_on_selector(f"#cmp-results li:has(a:text-is('{title}'))", shape)
    assert "<strong>Outside California (<span>Texas</span>)</strong>" in built
    page.fill("#cmp-q", "QUEST San Antonio")
    wait_for_results(page, "match")
    made = page.eval_on_selector(f"#cmp-results li:has(a:text-is('{title}'))", shape)
    assert made == built
    page.context.close()


def fill_submit_form(page: Any) -> None:
    """A whole practice, typed as a contributor would, with text that YAML must quote."""
    page.fill("#f-title", 'Navigators: "earn and learn" in the Inland Empire')
    page.fill(
        "#f-summary", "Workforce boards and colleges share navigators #1 priority: adults into paid training."
    )
    # Regions are typed, as a contributor names them, and chosen with the keyboard.
    page.fill("#f-regions-search", "inland empire k")
    page.keyboard.press("Enter")  # the one match
    page.fill("#f-regions-search", "Riverside Co.")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    partners = [
        ("Example Workforce Board", "workforce-board", "lead"),
        ("Example Community College", "community-college", "partner"),
    ]
    for number, (name, kind, role) in enumerate(partners, start=1):
        if number > 1:
            page.click("#f-partners [data-add]")
        page.fill(f"#f-partners-{number}-name", name)
        page.select_option(f"#f-partners-{number}-type", kind)
        page.check(f"#f-partners-{number}-role-{role}")
    page.check("#f-focus-career-pathways")
    page.check("#f-populations-adult-learners")
    page.fill("#f-populations-new", "Farmworkers")  # not in the list: named for an editor to add
    page.click("#f-funding [data-add]")
    page.select_option("#f-funding-1-stream", "wioa")
    page.fill("#f-funding-1-amount", "250000")
    page.click("#f-outcomes [data-add]")
    page.fill("#f-outcomes-1-measure", "adults enrolled in training")
    page.fill("#f-outcomes-1-value", "120")
    page.fill("#f-outcomes-1-as_of", "2025-06-30")
    page.fill("#f-outcomes-1-source", "Partners' annual report")
    page.select_option("#f-evidence-level", "emerging")
    page.select_option("#f-evidence-basis", "self-reported")
    page.fill("#f-contact-organisation", "Example Workforce Board")
    page.fill("#f-contact-url", "https://example.org/navigators")
    page.click("#f-related [data-add]")
    page.fill("#f-related-1", "k16-shared-governance")
    for index in range(1, 6):
        page.fill(f"#f-section-{index}", f"Paragraph {index}: with a colon.\n\n- a point\n- another point")


def test_submit_form_writes_a_record_that_validates(
    browser: Any, site_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.cli.main import main

    page, hosts = new_page(browser)
    page.goto(site_url + "submit/")
    page.click("#cmp-submit button[type=submit]")
    problems = page.locator("#cmp-errors li").all_inner_texts()
    assert problems[:3] == ["Fill in “Title”", "Fill in “Summary”", "Choose at least one of the regions"]
    assert "Partner 1: choose at least one of the roles" in problems
    assert "Write the “Need” section" in problems
    assert page.evaluate("document.activeElement.id") == "cmp-errors"
    assert page.get_attribute("#f-title", "aria-invalid") == "true"

    fill_submit_form(page)
    page.fill("#f-contact-url", "example.org")  # not a web address
    page.click("#cmp-submit button[type=submit]")
    assert page.locator("#cmp-errors li").all_inner_texts() == [
        "Contact: Web page: enter a web address starting with https://"
    ]
    page.fill("#f-contact-url", "https://example.org/navigators")
    page.click("#cmp-submit button[type=submit]")
    page.wait_for_selector("#cmp-output:not([hidden])")
    assert page.is_hidden("#cmp-errors")
    record = page.text_content("#cmp-record")
    assert record is not None and record.startswith("---\ntitle: ")
    assert "populations:\n  - adult-learners\n  - new: Farmworkers\n" in record
    assert page.input_value("#f-slug") == "navigators-earn-and-learn-in-the-inland-empire"

    # "Propose it on GitHub" opens the repository's new-file page with this file filled in.
    link = urlsplit(page.get_attribute("#cmp-propose", "href") or "")
    assert link.netloc == "github.com" and link.path.endswith("/new/main/practices/")
    query = parse_qs(link.query)
    assert query["filename"] == ["navigators-earn-and-learn-in-the-inland-empire.md"]
    assert query["value"] == [record]
    with page.expect_download() as download:
        page.click("#cmp-download")
    assert download.value.suggested_filename == "navigators-earn-and-learn-in-the-inland-empire.md"

    root = tmp_path / "project"
    shutil.copytree(REPO / "practices", root / "practices")
    (root / "practices" / query["filename"][0]).write_text(record, encoding="utf-8")
    code = main(["--root", str(root), "validate"])
    assert code == 0, capsys.readouterr().out
    assert set(hosts) == {urlsplit(site_url).netloc}

    # The draft survives a reload, and "Clear the form" empties it.
    page.reload()
    assert page.input_value("#f-partners-2-name") == "Example Community College"
    assert page.is_checked("#f-regions-riverside-county")
    assert "Inland Empire Regional K-16 Collaborative" in page.inner_text("#f-regions-chosen")  # listed again
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cmp-reset")
    assert page.input_value("#f-title") == ""
    assert page.locator("#f-partners li").count() == 1
    page.reload()
    assert page.input_value("#f-title") == ""


AXE_PAGES = [
    "",
    "submit/",
    "practices/k16-shared-governance/",
    "regions/los-angeles-k16/",
    "find/?focus=reentry-services",
    "coverage/",
    "topics/",
    "regions/fresno-county/",
    "evidence/",
    "follow/",
    "packet/?region=los-angeles-k16",
    "compare/?practice=k16-shared-governance&practice=inland-empire-slingshot",
]
READY = {
    "find/?focus=reentry-services": ("#cmp-status", "Focus area: Reentry services"),
    "find/": ("#cmp-status", "newest first"),
    "packet/": ("#cmp-packet-status", "Ready:"),
    "compare/": ("#cmp-compare-status", "Comparing 2 practices."),
}
"""Pages that finish in the browser: where to read that they have, and the words that say so."""


def wait_until_ready(page: Any, path: str) -> None:
    """Wait until the page's script has finished, where it has one (the first of READY that matches)."""
    for start, (where, words) in READY.items():
        if path.startswith(start):
            page.wait_for_function(
                "([where, words]) => document.querySelector(where).textContent.includes(words)",
                arg=[where, words],
                timeout=20000,
            )
            return


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", AXE_PAGES, ids=[p or "home" for p in AXE_PAGES])
def test_no_serious_accessibility_violations(browser: Any, site_url: str, path: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = new_page(browser, scheme)
    page.goto(site_url + path)
    wait_until_ready(page, path)
    if path == "submit/":
        page.click("#cmp-submit button[type=submit]")  # with its error summary and marked fields
        page.wait_for_selector("#cmp-errors:not([hidden])")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == (
        "slate" if scheme == "dark" else "default"
    )
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious


PAGE_TYPES = [
    "",
    "practices/k16-shared-governance/",
    "volumes/01-the-genius-of-regions/practices/partnerships-2-0-corrections-and-probation/",
    "regions/los-angeles-county/",
    "topics/reentry-services/",
    "populations/justice-involved/",
    "regions/",
    "topics/",
    "populations/",
    "find/",
    "practices/",
    "coverage/",
    "volumes/",
    "volumes/01-the-genius-of-regions/",
    "data/",
    "contribute/",
    "submit/",
    "about/",
    "accessibility/",
    "evidence/",
    "follow/",
    "packet/?region=los-angeles-county",
    "compare/?practice=k16-shared-governance&practice=inland-empire-slingshot",
    "404.html",
]
"""One page of every kind the site makes."""
SEARCHED = "find/?focus=reentry-services"
"""The finder showing results (its first search loads the search index, as README's benchmark says)."""


@pytest.mark.parametrize(
    "path", [*PAGE_TYPES, SEARCHED], ids=[p.split("?")[0] or "home" for p in PAGE_TYPES] + ["searched"]
)
def test_pages_fit_a_small_phone_without_sideways_scrolling(browser: Any, site_url: str, path: str) -> None:
    """At 320 px, the narrowest phone WCAG's reflow asks for: the page never scrolls sideways, and nothing
    but a table's own scrolling box reaches past the screen's edge."""
    page, _ = new_page(browser, viewport={"width": 320, "height": 640})
    page.goto(site_url + path)
    wait_until_ready(page, path)
    sideways = page.evaluate(
        "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('.md-content *')].filter(e => !e.closest('.cmp-table-scroll'))"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className)"
    )
    page.context.close()
    assert sideways <= 0 and overflow == [], f"{path}: {sideways} px; {overflow[:5]}"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose record, vocabulary label and volume carry markup where text belongs; it validates."""
    from .sitebuild import hostile_project, mkdocs_build

    root = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    site = root / "site"
    result = mkdocs_build(root, site, "--strict")
    assert result.returncode == 0, result.stderr
    return site


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("practices/hostile/", HOSTILE_TITLE),
        ("regions/los-angeles-county/", HOSTILE_LABEL),
        ("volumes/01-hostile/", f"Volume 1: {HOSTILE_TITLE}"),
        ("", "Home"),
        ("find/", "Find a practice"),
        ("coverage/", "Coverage"),
    ],
    ids=["practice", "region", "volume", "home", "finder", "coverage"],
)
def test_markup_in_text_fields_is_shown_as_text_and_never_runs(
    browser: Any, hostile_site: Path, path: str, title: str
) -> None:
    with serve(hostile_site) as url:
        page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
        page.goto(url + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)  # a broken image's onerror runs right after load
        assert page.evaluate("window.__pwned") is None
        assert page.title() == f"{title} - Regional Partnership Practices Compendium"
        page.context.close()
    head = (hostile_site / path / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert "<img" not in head


def violations(page: Any) -> list[str]:
    """Every Content-Security-Policy violation the page has reported so far."""
    found: list[str] = page.evaluate("window.__violations || []")
    return found


def watch_violations(page: Any) -> None:
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )


def test_every_page_declares_its_policy_before_any_script(repo_site: Path) -> None:
    pages = sorted(repo_site.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        html = path.read_text(encoding="utf-8")
        policy = html.find('<meta http-equiv="Content-Security-Policy"')
        assert html.count('http-equiv="Content-Security-Policy"') == 1, path
        assert -1 < policy < html.find("<script"), path
        assert "'unsafe-inline'" not in html[policy:].split(">", 1)[0].split("script-src", 1)[1].split(";")[0]


def test_the_site_works_under_its_policy_and_an_injected_handler_does_not_run(
    browser: Any, site_url: str
) -> None:
    page, hosts = new_page(browser, viewport={"width": 1280, "height": 900})
    watch_violations(page)
    # The finder: Pagefind's script, its WebAssembly and its index chunks.
    page.goto(site_url + "find/")
    page.fill("#cmp-q", "partners")
    wait_for_results(page, "match “partners”")
    assert results(page)
    # The palette toggle: Material's own script.
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') !== s", arg=scheme)
    # The Submit form builds its fields from the schema with its own script.
    page.goto(site_url + "submit/")
    page.wait_for_function(
        "() => !document.getElementById('cmp-submit-status').textContent.includes('needs JavaScript')"
    )
    assert violations(page) == []
    # Markup that reached a page some other way: its handler and its script are refused.
    page.goto(site_url + "practices/k16-shared-governance/")
    page.evaluate(
        """() => {
            document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__pwned = 1">');
            const script = document.createElement('script');
            script.textContent = 'window.__pwned = 2';
            document.body.append(script);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert any(v.startswith("script-src") for v in violations(page))
    assert {host for host in hosts if host} == {urlsplit(site_url).netloc}
    page.context.close()


FIRST_LOAD_BUDGET = 200 * 1024
"""Issue 26's ceiling for any page's first load, as a phone downloads it (gzipped). The Submit form's was
204 KB while it loaded js-yaml with the page; fetched when a record is first written, it is 185 KB."""


@pytest.mark.parametrize("path", PAGE_TYPES, ids=[p.split("?")[0] or "home" for p in PAGE_TYPES])
def test_every_page_type_s_first_load_is_small_and_asks_for_nothing_it_does_not_show(
    browser: Any, repo_site: Path, path: str
) -> None:
    """Everything a phone downloads until the page is still, under the budget. A packet reads the pages
    of the practices it prints, as many as the reader asked for: they are counted apart (each is the
    practice page's own first download, which this test holds for one practice page)."""
    with serve(repo_site, compress=True) as url:
        page, _ = new_page(browser)
        loaded: dict[str, int] = {}
        page.on(
            "response",
            lambda response: loaded.__setitem__(
                urlsplit(response.url).path, int(response.header_value("content-length") or 0)
            ),
        )
        page.goto(url + path)
        wait_until_ready(page, path)
        page.wait_for_load_state("networkidle")
        page.context.close()
    if path.startswith("packet/"):
        printed = {p: n for p, n in loaded.items() if re.fullmatch(r"/practices/[a-z0-9-]+/", p)}
        assert len(printed) == 7 and all(n < 30 * 1024 for n in printed.values()), printed
        loaded = {p: n for p, n in loaded.items() if p not in printed}
    # Material fetches the sitemap for each rel=alternate link: the whole one only on the home page
    # (the site's feed), a one-entry one beside a region's, topic's or population's feed.
    sitemaps = [p for p in loaded if p.endswith("sitemap.xml")]
    if path == "":
        assert sitemaps == ["/sitemap.xml"]
    else:
        assert all(p.startswith("/feeds/") and loaded[p] < 300 for p in sitemaps), sitemaps
    assert sum(loaded.values()) <= FIRST_LOAD_BUDGET, sorted(loaded.items(), key=lambda kv: -kv[1])


def test_no_script_holds_the_first_paint_back(repo_site: Path) -> None:
    """Every external script is deferred or a module, so it is fetched while the page paints."""
    blocking = re.compile(r"<script(?![^>]*\b(?:defer|type=\"module\"))[^>]*\bsrc=")
    for path in sorted(repo_site.rglob("*.html")):
        assert not blocking.search(path.read_text(encoding="utf-8")), path


SECTION_TEXTS = [
    ("   ## Results\nMore.", False),
    ("Results\n-------", False),
    ("Results\n=======", False),
    ("Plain text {: .warning}", False),
    ("--8<-- 'secrets.txt'", False),
    ("See [the README](../README.md).", False),
    ("See [a practice not yet written](no-such-practice.md).", False),
    ("[Click](javascript:alert(1))", False),
    ("[Click](&#106;avascript:alert(1))", False),
    ("[x]: data:text/html,hi", False),
    ("<b>bold</b>", False),
    ("![A chart](https://tracker.example/c.png)", False),
    ("See [its governance](k16-shared-governance.md#need) and [the report](https://example.org/r).", True),
    ("### A smaller heading\n\nText with *emphasis*, `code` and a list:\n\n- one\n- two", True),
    ("Write to [the board](mailto:info@example.org) --- or call.", True),
]
"""A section's text, and whether `compendium validate` accepts it: the form must agree on each."""


@pytest.mark.parametrize(("text", "valid"), SECTION_TEXTS, ids=[t[:24] for t, _ in SECTION_TEXTS])
def test_the_submit_form_accepts_exactly_what_validate_accepts(
    browser: Any, site_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, valid: bool
) -> None:
    from compendium.cli.main import main

    from .conftest import RECORDS

    record = (
        (RECORDS / "good" / "minimal.md")
        .read_text(encoding="utf-8")
        .replace("## Need\nN.", f"## Need\n\n{text}")
    )
    root = tmp_path / "project"
    shutil.copytree(REPO / "practices", root / "practices")
    (root / "practices" / "checked.md").write_text(record, encoding="utf-8")
    assert (main(["--root", str(root), "validate"]) == 0) is valid, capsys.readouterr().out

    page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site_url + "submit/")
    fill_submit_form(page)
    page.fill("#f-section-1", text)
    page.click("#cmp-submit button[type=submit]")
    errors = page.locator("#cmp-errors li").all_inner_texts() if page.is_visible("#cmp-errors") else []
    need = [error for error in errors if error.startswith("Need")]
    assert (need == []) is valid, errors
    page.context.close()


def test_the_map_is_reached_by_keyboard_and_its_outlines_switch_without_script(
    browser: Any, site_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    layer = "[data-layer=wioa-rpu]"
    assert page.eval_on_selector(layer, "e => getComputedStyle(e).display") == "none"
    page.check(".cmp-map input[value=wioa-rpu]")
    assert page.eval_on_selector(layer, "e => getComputedStyle(e).display") == "inline"
    # Each county is a link in the tab order, named with its count; Enter opens its page.
    page.focus(".cmp-map__counties a >> nth=0")
    for _ in range(3):
        page.keyboard.press("Tab")
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert re.fullmatch(r"[A-Z][A-Za-z ]+ County: \d+ practices?", name), name
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/regions/" in page.url and page.url.endswith("-county/")


def test_regions_are_found_by_typing_with_keyboard_and_screen_reader(browser: Any, site_url: str) -> None:
    """The ARIA combobox pattern: a named box that says whether its list is open and which option is
    active; arrows, Enter and Escape; a live count; the chosen regions as a list with remove buttons."""
    page, _ = new_page(browser)
    page.goto(site_url + "submit/")
    box = "#f-regions-search"
    assert page.get_attribute(box, "role") == "combobox"
    assert page.get_attribute(box, "aria-controls") == "f-regions-options"
    assert page.evaluate("document.querySelector('label[for=f-regions-search]').textContent").startswith(
        "Find a region"
    )
    page.focus(box)
    page.keyboard.type("fresno")
    assert page.get_attribute(box, "aria-expanded") == "true"
    options = page.locator("#f-regions-options [role=option]").all_inner_texts()
    assert options[0] == "Fresno County — County"
    # A region holding the county is found by it, and says so.
    assert (
        "Central San Joaquin Valley K-16 Partnership — Regional K-16 Education Collaborative, includes Fresno County"
        in options
    )
    assert "found" in page.inner_text("#f-regions-found")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute(box, "aria-activedescendant") == "f-regions-option-fresno-county"
    page.keyboard.press("Enter")
    assert page.is_checked("#f-regions-fresno-county")
    assert page.inner_text("#f-regions-found") == "Fresno County added. 1 region chosen."
    assert page.get_attribute(box, "aria-expanded") == "false"
    assert page.get_attribute("#f-regions-chosen button", "aria-label") == "Remove Fresno County"
    # By a county, by an abbreviation, by another name.
    for typed, first in [
        ("LA County", "Los Angeles County"),
        ("Kern Co.", "Kern County"),
        ("adult education consortium", "ABOUT"),
    ]:
        page.fill(box, typed)
        got = page.locator("#f-regions-options [role=option] .cmp-combo__name").all_inner_texts()
        assert got and (first == "ABOUT" or got[0] == first), (typed, got)
    page.keyboard.press("Escape")
    assert page.get_attribute(box, "aria-expanded") == "false"
    # A name no region has: what validate would suggest, one press away.
    page.fill(box, "Fresmo County")
    assert page.is_visible("#f-regions-suggest")
    assert page.locator("#f-regions-suggest button").all_inner_texts() == ["Fresno County"]
    page.click("#f-regions-suggest button")
    assert page.is_checked("#f-regions-fresno-county")
    assert page.inner_text("#f-regions-found") == "Fresno County is chosen already. 1 region chosen."
    # The chosen region's remove button takes it off the list.
    page.click("#f-regions-chosen button")
    assert not page.is_checked("#f-regions-fresno-county")
    assert page.inner_text("#f-regions-found") == "Fresno County removed. 0 regions chosen."
    page.context.close()


NAME_PROBES = [
    "fresno", "fresno-cnty", "la-county", "LA County", "Fresno Co.", "Fresno Cnty", "County of Fresno",
    "los-angelse-county", "riverside-cnty", "Fresno City", "SLO", "San Luis Obispo Co", "Inland Empire",
    "Sacramento", "kern k-16", "monterey", "inland-empirerpu", "San Joaquin Valey Regional Planing Unit",
    "Humboldt County workforce area", "Orange County North", "county", "Coastal RPU",
]  # fmt: skip


def test_the_form_suggests_what_validate_suggests(browser: Any, site_url: str) -> None:
    """The form's copy of records/names.py gives the same answers, name by name."""
    from compendium.catalog import load_catalog
    from compendium.records import names as rules_of_names
    from compendium.records.project import Project

    catalog, _ = load_catalog(Project(REPO), processes=1)
    assert catalog is not None
    names = catalog.vocabulary.names("regions")
    expected = [[names.exact(p), names.same(p), names.close(p)] for p in NAME_PROBES]
    page, _ = new_page(browser)
    page.goto(site_url + "submit/")
    script = page.get_attribute('script[src$="submit.js"]', "src") or ""
    data = {
        "abbreviations": rules_of_names.ABBREVIATIONS,
        "stop_words": sorted(rules_of_names.STOP_WORDS),
        "same": rules_of_names.SAME,
        "reordered": rules_of_names.REORDERED,
    }
    got = page.evaluate(
        """async ([url, probes, data, labels, aliases]) => {
            const m = await import(new URL(url, document.baseURI).href);
            m.configure(data);
            const n = new m.Names(labels, aliases);
            return probes.map((p) => [n.exact(p), n.same(p), n.close(p)]);
        }""",
        [
            re.sub(r"submit\.js$", "names.mjs", script),
            NAME_PROBES,
            data,
            dict(catalog.vocabulary.terms("regions")),
            {region: list(entry.aliases) for region, entry in catalog.vocabulary.regions.items()},
        ],
    )
    assert got == expected
    page.context.close()


RULE_CASES: list[tuple[str, list[tuple[str, str]], Any]] = [
    # (what a contributor did, the form steps [(action, selector[, value])], the same change to the record)
    (
        "promising evidence, no outcome",
        [("select", "#f-evidence-level", "promising"), ("click", "#f-outcomes .cmp-list__remove")],
        lambda r: (r["evidence"].update(level="promising"), r.pop("outcomes")),
    ),
    (
        "an outcome with no date",
        [("select", "#f-evidence-level", "promising"), ("fill", "#f-outcomes-1-as_of", "")],
        lambda r: (r["evidence"].update(level="promising"), r["outcomes"][0].pop("as_of")),
    ),
    (
        "an outcome with two dates",
        [("fill", "#f-outcomes-1-period", "2021 to 2023")],
        lambda r: r["outcomes"][0].update(period="2021 to 2023"),
    ),
    (
        "a dated outcome marked undated",
        [("check", "#f-outcomes-1-undated")],
        lambda r: r["outcomes"][0].update(undated=True),
    ),
    (
        "a source with neither title nor address",
        [("click", "#f-sources [data-add]"), ("fill", "#f-sources-1-publisher", "Example Board")],
        lambda r: r.update(sources=[{"publisher": "Example Board"}]),
    ),
    (
        "a range that runs high to low",
        [("fill", "#f-outcomes-1-up_to", "100")],
        lambda r: r["outcomes"][0].update(up_to=100),
    ),
    (
        "a phase that ends before it starts",
        [
            ("click", "#f-phases [data-add]"),
            ("select", "#f-phases-1-phase", "pilot"),
            ("fill", "#f-phases-1-start", "2023-05"),
            ("fill", "#f-phases-1-end", "2022"),
            ("fill", "#f-phases-1-note", "A pilot."),
        ],
        lambda r: r.update(
            phases=[{"phase": "pilot", "start": "2023-05", "end": "2022", "note": "A pilot."}]
        ),
    ),
    (
        "a partner that left before it joined",
        [("fill", "#f-partners-1-joined", "2022-05"), ("fill", "#f-partners-1-left", "2022-04-30")],
        lambda r: r["partners"][0].update(joined="2022-05", left="2022-04-30"),
    ),
    (
        "funding for an organisation not among the partners",
        [("fill", "#f-funding-1-recipient", "Another Board")],
        lambda r: r["funding"][0].update(recipient="Another Board"),
    ),
    (
        "no partner leads",
        [("uncheck", "#f-partners-1-role-lead"), ("check", "#f-partners-1-role-partner")],
        lambda r: r["partners"][0].update(role=["partner"]),
    ),
    (
        "a convener, and no partner leads",
        [("uncheck", "#f-partners-1-role-lead"), ("check", "#f-partners-1-role-convener")],
        lambda r: r["partners"][0].update(role=["convener"]),
    ),
    (
        "a lead, and no lead named",
        [("check", "#f-no_lead_named")],
        lambda r: r.update(no_lead_named=True),
    ),
    (
        "part of an organisation not among the partners",
        [("fill", "#f-partners-2-part_of", "Example Consortium")],
        lambda r: r["partners"][1].update(part_of="Example Consortium"),
    ),
    (
        "part of itself",
        [("fill", "#f-partners-2-part_of", "example  community college")],
        lambda r: r["partners"][1].update(part_of="example  community college"),
    ),
    (
        "renamed, without its former name",
        [("fill", "#f-partners-1-renamed", "2016")],
        lambda r: r["partners"][0].update(renamed="2016"),
    ),
]


@pytest.mark.parametrize(("case", "steps", "change"), RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_the_form_refuses_what_validate_refuses_across_fields(
    browser: Any,
    site_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    steps: Any,
    change: Any,
) -> None:
    """The same bad record, made in the form and written as a file: the form's problems are validate's."""
    import yaml

    from compendium.cli.main import main

    page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site_url + "submit/")
    fill_submit_form(page)
    page.click("#cmp-submit button[type=submit]")
    page.wait_for_selector("#cmp-output:not([hidden])")
    good = page.text_content("#cmp-record") or ""
    for action, selector, *value in steps:
        getattr(page, {"select": "select_option"}.get(action, action))(selector, *value)
    page.click("#cmp-submit button[type=submit]")
    page.wait_for_selector("#cmp-errors:not([hidden])")
    form = sorted(
        page.eval_on_selector_all("#cmp-errors li[data-rule]", "items => items.map(i => i.dataset.validate)")
    )
    assert form, page.locator("#cmp-errors li").all_inner_texts()

    _, front, body = good.split("---\n", 2)
    record = yaml.safe_load(front)
    change(record)
    root = tmp_path / "project"
    shutil.copytree(REPO / "practices", root / "practices")
    (root / "practices" / "bad.md").write_text(
        "---\n" + yaml.safe_dump(record, sort_keys=False, allow_unicode=True) + "---\n" + body,
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["--root", str(root), "validate", str(root / "practices" / "bad.md")]) == 1
    validate = sorted(line.split(": ", 1)[1] for line in capsys.readouterr().out.splitlines())
    assert form == validate
    page.context.close()


def test_the_form_names_the_partner_a_rule_is_about_as_the_form_shows_it(browser: Any, site_url: str) -> None:
    """A rule's message names a partner as its legend does ("Partner 2"); validate's, as the record does."""
    page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site_url + "submit/")
    fill_submit_form(page)
    page.uncheck("#f-partners-1-role-lead")
    page.check("#f-partners-1-role-partner")
    page.check("#f-partners-2-role-convener")
    page.fill("#f-partners-2-part_of", "Example Consortium")
    page.click("#cmp-submit button[type=submit]")
    page.wait_for_selector("#cmp-errors:not([hidden])")
    problems = page.locator("#cmp-errors li[data-rule]")
    assert problems.all_inner_texts() == [
        "Partner 2: Part of: 'Example Consortium' is not another partner of this practice; name one of the "
        "partners listed (as written there)",
        "No partner leads: give the lead organisation role: lead, first in the list; if the sources name no "
        "lead, write no_lead_named: true (a convener no longer counts as the lead: if Partner 2 led it, "
        "'compendium upgrade' writes role: [convener, lead] for you)",
    ]
    assert problems.evaluate_all("items => items.map(i => i.dataset.validate.split(':')[0])") == [
        "partners[2].part_of",
        "no partner leads",
    ]
    assert "if partners[2] led it" in (problems.nth(1).get_attribute("data-validate") or "")
    # Each message sits with its field, and its link leads there.
    assert page.locator("#f-partners > .cmp-error").count() == 1
    assert page.get_attribute("#f-partners-2-part_of", "aria-invalid") == "true"
    problems.nth(1).locator("a").click()
    assert page.evaluate("document.activeElement.id") == "f-partners-1-name"
    page.context.close()


def test_the_form_fetches_its_yaml_writer_only_to_write_a_record_and_again_after_a_failure(
    browser: Any, site_url: str
) -> None:
    """js-yaml is not part of the first load (issue 26's budget); pressing "Create the record" fetches it,
    and a fetch that fails (a phone losing its signal) says so and succeeds on the next press."""
    page, _ = new_page(browser, viewport=PHONE)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    offline = [True]

    def answer(route: Any) -> None:
        if offline[0]:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(r".*/js/vendor/js-yaml\.mjs(\?.*)?$"), answer)
    watch_violations(page)  # the site's policy lets the script import the module it asks for
    page.goto(site_url + "submit/")
    page.wait_for_load_state("networkidle")
    fill_submit_form(page)
    assert not [path for path in fetched if "js-yaml" in path]
    page.click("#cmp-submit button[type=submit]")
    page.wait_for_function(
        "() => document.getElementById('cmp-submit-status').textContent.includes('could not be written')"
    )
    assert page.is_hidden("#cmp-output")
    assert page.is_hidden("#cmp-errors")
    offline[0] = False
    page.click("#cmp-submit button[type=submit]")
    page.wait_for_selector("#cmp-output:not([hidden])")
    assert (page.text_content("#cmp-record") or "").startswith("---\ntitle: ")
    assert page.text_content("#cmp-submit-status") == ""
    assert len([path for path in fetched if "js-yaml" in path]) == 2
    assert violations(page) == []
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390px", "1280px"])
def test_the_finished_record_reads_as_a_summary_and_stays_in_its_box(
    browser: Any, site_url: str, tmp_path: Path, viewport: dict[str, int]
) -> None:
    page, _ = new_page(browser, viewport=viewport)
    page.goto(site_url + "submit/")
    fill_submit_form(page)
    page.fill("#f-regions-new", "Coachella Valley")  # a new region, placed by its county
    page.click("summary:has-text('Its counties')")
    page.check("#f-regions-new-county-riverside-county")
    page.fill("#f-section-2", "A line without a single space " + "x" * 400)
    page.click("#cmp-submit button[type=submit]")
    page.wait_for_selector("#cmp-output:not([hidden])")
    summary = page.inner_text("#cmp-summary")
    assert (
        "Inland Empire Regional K-16 Collaborative; Riverside County; Coachella Valley (new, for an editor to add; Riverside County)"
        in summary
    )
    assert "Example Workforce Board (Workforce development board; Lead)" in summary
    # The summary comes first; the file is one step away, and the record scrolls within its box.
    assert page.evaluate(
        "document.getElementById('cmp-summary').compareDocumentPosition(document.getElementById('cmp-record')) & 4"
    )
    page.click(".cmp-submit__file > summary")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths  # nothing wider than the phone's screen
    output = page.eval_on_selector("#cmp-output", "e => e.getBoundingClientRect().bottom + window.scrollY")
    footer = page.eval_on_selector("footer", "e => e.getBoundingClientRect().top + window.scrollY")
    assert output <= footer
    page.screenshot(path=str(tmp_path / f"submit-{viewport['width']}.png"), full_page=True)
    page.context.close()


def test_a_new_region_must_say_where_it_lies_and_be_new(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site_url + "submit/")
    fill_submit_form(page)
    page.fill("#f-regions-new", "Fresno Cnty")
    page.select_option("#f-regions-new-within", "san-joaquin-valley-rpu")
    page.click("#cmp-submit button[type=submit]")
    problems = page.locator("#cmp-errors li").all_inner_texts()
    assert problems == [
        "Regions: “Fresno Cnty” is Fresno County, which the list has already: choose it above instead"
    ]
    page.fill("#f-regions-new", "Iron Range")
    page.select_option("#f-regions-new-within", "")
    page.click("#cmp-submit button[type=submit]")
    problems = page.locator("#cmp-errors li").all_inner_texts()
    assert len(problems) == 1 and "'Iron Range' is a new region and says nowhere where it lies" in problems[0]
    page.select_option("#f-regions-new-state", "Minnesota")
    page.click("#cmp-submit button[type=submit]")
    page.wait_for_selector("#cmp-output:not([hidden])")
    assert "  - new: Iron Range\n    state: Minnesota\n" in (page.text_content("#cmp-record") or "")
    page.context.close()
