"""The site in headless Chromium: the finder, its URL state, no third-party requests, and axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .sitebuild import serve

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


def test_finder_query_filters_url_state_and_no_other_host(browser: Any, site_url: str) -> None:
    page, hosts = new_page(browser)
    page.goto(site_url + "find/")
    page.fill("#cmp-q", "partners")
    wait_for_results(page, "match “partners”")
    broad = results(page)
    assert len(broad) >= 4

    page.select_option("#cmp-f-region", "statewide")
    wait_for_results(page, "Region: California (statewide)")
    page.select_option("#cmp-f-population", "justice-involved")
    wait_for_results(page, "Population: Justice-involved people")
    narrow = results(page)
    assert 0 < len(narrow) < len(broad)
    assert set(narrow) <= set(broad)
    assert set(narrow) == {
        "Partnerships 2.0: adding corrections and county probation to regional convenings",
        "Prison to Employment regional reentry partnerships",
    }

    state = parse_qs(urlsplit(page.url).query)
    assert state == {"q": ["partners"], "region": ["statewide"], "population": ["justice-involved"]}

    # The URL alone restores the view: share it, bookmark it, reload it.
    shared, shared_hosts = new_page(browser)
    shared.goto(page.url)
    wait_for_results(shared, "Population: Justice-involved people")
    assert shared.input_value("#cmp-q") == "partners"
    assert shared.input_value("#cmp-f-region") == "statewide"
    assert set(results(shared)) == set(narrow)

    shared.click("#cmp-results .cmp-card__title a >> nth=0")
    shared.wait_for_load_state()
    assert "/practices/" in shared.url
    assert shared.locator("h1").evaluate("e => e.firstChild.textContent") in narrow

    local = urlsplit(site_url).netloc
    assert set(hosts) | set(shared_hosts) == {local}


def test_region_filter_finds_practices_of_regions_within(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser)
    page.goto(site_url + "find/?region=riverside-county")
    wait_for_results(page, "Region: Riverside County")
    assert len(results(page)) == 4  # the Inland Empire K-16 practices sit within Riverside County


def test_empty_finder_invites_a_search(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser)
    page.goto(site_url + "find/")
    wait_for_results(page, "Type words to search")
    assert results(page) == []


AXE_PAGES = [
    "",
    "practices/k16-shared-governance/",
    "regions/los-angeles-k16/",
    "find/?focus=reentry-services",
    "coverage/",
    "topics/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", AXE_PAGES, ids=[p or "home" for p in AXE_PAGES])
def test_no_serious_accessibility_violations(browser: Any, site_url: str, path: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = new_page(browser, scheme)
    page.goto(site_url + path)
    if path.startswith("find/"):
        wait_for_results(page, "Focus area: Reentry services")
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


def test_pages_fit_a_phone_without_sideways_scrolling(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser)
    for path in ("", "practices/k16-shared-governance/", "find/", "regions/", "about/"):
        page.goto(site_url + path)
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('.md-content *')].filter(e => !e.closest('.cmp-table-scroll'))"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName)"
        )
        assert overflow == [], f"{path}: {overflow[:5]}"
