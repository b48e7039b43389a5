"""Issue 26 in headless Chromium: evidence badges and the finder's filters and sort, comparing practices,
printing a packet, and the map on a keyboard, a mouse and a phone."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .sitebuild import serve
from .test_browser import new_page, results, wait_for_results

DESKTOP = {"width": 1280, "height": 900}

CONTRAST = """badge => {
    const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const style = getComputedStyle(badge);
    const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
    return [badge.className, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
}"""


@pytest.fixture(scope="module")
def site_url(repo_site: Path) -> Iterator[str]:
    with serve(repo_site) as url:
        yield url


def records(repo_site: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((repo_site / "data" / "practices.json").read_text(encoding="utf-8"))
    return {p["title"]: p for p in data["practices"]}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_badge_says_its_level_in_words_that_meet_contrast(
    browser: Any, site_url: str, scheme: str
) -> None:
    page, _ = new_page(browser, scheme)
    page.goto(site_url + "evidence/")
    measured = page.eval_on_selector_all(".cmp-badge", f"badges => badges.map({CONTRAST})")
    assert {name for name, _ in measured} == {
        "cmp-badge cmp-badge--s1",
        "cmp-badge cmp-badge--s2",
        "cmp-badge cmp-badge--s3",
    }
    assert all(ratio >= 4.5 for _, ratio in measured), measured
    assert page.locator(".cmp-badge").all_inner_texts() == ["Emerging", "Promising", "Established"]
    page.context.close()


def test_a_card_s_badge_names_the_level_and_opens_its_definition(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser)
    page.goto(site_url + "find/?sort=title")
    wait_for_results(page, "by title")
    badge = page.locator("#cmp-results .cmp-card .cmp-badge").first
    assert re.fullmatch(r"Evidence: (Emerging|Promising|Established)", badge.inner_text())
    level = badge.inner_text().split(": ")[1].lower()
    badge.click()
    page.wait_for_url(re.compile(r"/evidence/#level-"))
    assert page.url.endswith(f"/evidence/#level-{level}")
    assert page.locator(f"#level-{level} h3").inner_text() == level.title()
    page.context.close()


def test_values_that_find_nothing_stay_in_view_disabled_with_their_count(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser, viewport=DESKTOP)
    page.goto(site_url + "find/")
    wait_for_results(page, "newest first")
    page.click("fieldset[data-facet=region] summary >> text=County")
    empty = page.locator(
        "fieldset[data-facet=region] details:has(> summary:text-is('County')) li:has(input:disabled)"
    ).first
    assert empty.is_visible()
    assert empty.locator(".cmp-count").inner_text() == "0"
    # A value the chosen filters leave empty is shown disabled too, with its 0, and comes back.
    page.check("#cmp-population-justice-involved")
    wait_for_results(page, "Population: Justice-involved people")
    reentry = page.locator("#cmp-focus-dual-enrollment")
    assert reentry.is_visible() and reentry.is_disabled()
    assert (
        page.locator("fieldset[data-facet=focus] li[data-value=dual-enrollment] .cmp-count").inner_text()
        == "0"
    )
    page.uncheck("#cmp-population-justice-involved")
    page.wait_for_function("() => !document.getElementById('cmp-focus-dual-enrollment').disabled")
    page.context.close()


def test_sort_by_strongest_evidence(browser: Any, site_url: str, repo_site: Path) -> None:
    page, _ = new_page(browser, viewport=DESKTOP)
    page.goto(
        site_url + "find/?focus=shared-governance&focus=career-pathways&focus=reentry-services&sort=evidence"
    )
    wait_for_results(page, "match")
    assert page.input_value("#cmp-sort") == "evidence"
    scale = ["emerging", "promising", "established"]
    by_title = records(repo_site)
    shown = [by_title[title] for title in results(page)]
    ranks = [scale.index(r["evidence"]["level"]) for r in shown]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) > 1
    # Within a level, the newest first.
    for rank in set(ranks):
        dates = [r["submitted"] for r in shown if scale.index(r["evidence"]["level"]) == rank]
        assert dates == sorted(dates, reverse=True)
    page.context.close()


def test_two_to_four_practices_side_by_side_at_an_address_to_share(browser: Any, site_url: str) -> None:
    page, hosts = new_page(browser, viewport=DESKTOP)
    page.goto(site_url + "find/?sort=title")
    wait_for_results(page, "by title")
    assert page.is_hidden("#cmp-compare-bar")
    boxes = page.locator("#cmp-results .cmp-card__compare input")
    titles = results(page)
    boxes.nth(0).check()
    assert page.inner_text("#cmp-compare-status").startswith("1 of 4 chosen to compare")
    assert page.get_attribute("#cmp-compare-go", "aria-disabled") == "true"
    for n in (1, 2, 3):
        boxes.nth(n).check()
    assert boxes.nth(4).is_disabled()  # four at most
    boxes.nth(3).uncheck()
    assert not boxes.nth(4).is_disabled()
    # The choices last while the reader searches on.
    page.fill("#cmp-q", "K-16")
    wait_for_results(page, "match")
    assert page.inner_text("#cmp-compare-status").startswith("3 of 4 chosen")
    page.click("#cmp-compare-go")
    page.wait_for_url(re.compile(r"/compare/\?"))
    slugs = parse_qs(urlsplit(page.url).query)["practice"]
    assert len(slugs) == 3
    page.wait_for_function(
        "() => document.getElementById('cmp-compare-status').textContent === 'Comparing 3 practices.'"
    )
    heads = page.locator("#cmp-compare-table thead th a:not(.cmp-compare__remove)").all_inner_texts()
    assert heads == titles[:3]
    fields = page.locator("#cmp-compare-table tbody th").all_inner_texts()
    assert fields[:2] == ["Summary", "Regions"] and {"Partners", "Focus", "Evidence", "Status"} <= set(fields)
    evidence = page.locator("#cmp-compare-table tbody tr:has(th:text-is('Evidence')) td")
    assert evidence.count() == 3 and all(
        "/evidence/#level-" in (evidence.nth(i).locator("a.cmp-badge").get_attribute("href") or "")
        for i in range(3)
    )
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    # The address alone makes the same comparison; "Remove" takes one out.
    shared, _ = new_page(browser)
    shared.goto(page.url)
    shared.wait_for_function(
        "() => document.getElementById('cmp-compare-status').textContent === 'Comparing 3 practices.'"
    )
    assert (
        shared.locator("#cmp-compare-table thead th a:not(.cmp-compare__remove)").all_inner_texts() == heads
    )
    shared.click("#cmp-compare-table thead th >> nth=1 >> a.cmp-compare__remove")
    shared.wait_for_function(
        "() => document.getElementById('cmp-compare-status').textContent === 'Comparing 2 practices.'"
    )
    assert parse_qs(urlsplit(shared.url).query)["practice"] == slugs[1:]
    assert set(hosts) == {urlsplit(site_url).netloc}
    shared.context.close()
    page.context.close()


def test_the_comparison_says_what_it_cannot_show(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser)
    page.goto(
        site_url + "compare/?practice=k16-shared-governance&practice=../../etc&practice=no-such-practice"
    )
    page.wait_for_function(
        "() => !document.getElementById('cmp-compare-status').textContent.startsWith('Reading')"
    )
    status = page.inner_text("#cmp-compare-status")
    assert "Choose at least two practices" in status and "“no-such-practice”" in status
    assert "etc" not in status  # not an id: never fetched, never named
    page.context.close()


def packet_ready(page: Any) -> None:
    page.wait_for_function(
        "() => document.getElementById('cmp-packet-status').textContent.startsWith('Ready')", timeout=30000
    )


def test_a_region_s_packet_prints_a_cover_contents_and_each_practice_from_a_new_page(
    browser: Any, site_url: str, tmp_path: Path
) -> None:
    import pypdf

    page, _ = new_page(browser, viewport=DESKTOP)
    page.goto(site_url + "regions/los-angeles-k16/")
    listed = page.locator(".cmp-cards .cmp-card__title a").all_inner_texts()
    page.click("text=Print a packet of these practices")
    packet_ready(page)
    assert page.inner_text("#cmp-packet-title") == "Los Angeles Regional K-16 Collaborative"
    assert page.locator("#cmp-packet-list a").all_inner_texts() == sorted(listed, key=str.casefold)
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
    headings = page.eval_on_selector_all("article h1, article h2, article h3", "hs => hs.map(h => h.tagName)")
    assert headings.count("H1") == 1
    pdf = tmp_path / "packet.pdf"
    page.pdf(path=str(pdf), format="Letter")
    pages = [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages]
    assert "Los Angeles Regional K-16 Collaborative" in pages[0] and "Contents" not in pages[0]
    assert re.search(r"[A-Z][a-z]+ \d{1,2}, \d{4}", pages[0])  # the day it was made
    assert pages[1].lstrip().startswith("Contents")
    starts = [" ".join(text.split()) for text in pages[2:]]
    for title in listed:
        assert sum(1 for text in starts if text.startswith(title)) == 1, title  # each from a new page
    assert "Contact and sources" in "".join(pages)
    assert "Suggest an update" not in "".join(pages) and "Copy the reference" not in "".join(pages)
    page.context.close()


def test_a_finder_view_prints_as_the_packet_of_what_it_found(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser, viewport=DESKTOP)
    page.goto(site_url + "find/?population=justice-involved&sort=title")
    wait_for_results(page, "Population: Justice-involved people")
    found = results(page)
    assert page.is_visible("#cmp-packet")
    page.click("#cmp-packet")
    page.wait_for_url(re.compile(r"/packet/\?"))
    assert parse_qs(urlsplit(page.url).query) == {"population": ["justice-involved"], "sort": ["title"]}
    packet_ready(page)
    assert page.inner_text("#cmp-packet-title") == "Justice-involved people"
    assert page.locator("#cmp-packet-list a").all_inner_texts() == found
    page.goto(site_url + "packet/?population=justice-involved&evidence=emerging&q=partners")
    packet_ready(page)
    assert page.inner_text("#cmp-packet-title") == "Practices found"
    assert page.inner_text("#cmp-packet-selection") == (
        "Words: “partners”; Population: Justice-involved people; Evidence level: Emerging"
    )
    page.context.close()


def test_a_selection_that_is_a_volume_points_to_its_pdf(browser: Any, site_url: str, repo_site: Path) -> None:
    page, _ = new_page(browser)
    page.goto(site_url + "packet/?volume=1")
    packet_ready(page)
    link = page.locator("#cmp-packet-volume a")
    assert page.is_visible("#cmp-packet-volume") and link.inner_text().startswith("Volume 1")
    pdf = urlsplit(link.get_attribute("href") or "").path.lstrip("/")
    assert pdf.endswith(".pdf") and (repo_site / pdf).is_file()
    page.goto(site_url + "packet/?region=los-angeles-k16")
    packet_ready(page)
    assert page.is_hidden("#cmp-packet-volume")
    page.context.close()


def test_the_map_has_a_way_past_it_and_names_the_county_in_view(browser: Any, site_url: str) -> None:
    page, _ = new_page(browser, viewport=DESKTOP)
    page.goto(site_url)
    skip = page.locator(".cmp-map a.cmp-skip")
    page.focus(".cmp-map a.cmp-skip")
    assert skip.bounding_box()["width"] > 50 and "58 county links" in skip.inner_text()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "cmp-map-side"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.cmp-map__counties')") is None
    # A county named on focus and on hover, in words a sighted reader sees.
    first = page.locator(".cmp-map__counties a").first
    name = (first.get_attribute("aria-label") or "").split(":")[0]
    first.focus()
    assert page.inner_text(".cmp-map__name").startswith(name + ":")
    page.mouse.move(0, 0)
    fresno = page.locator(".cmp-map__counties a[href$='regions/fresno-county/']")
    fresno.hover()
    assert page.inner_text(".cmp-map__name").startswith("Fresno County:")
    page.context.close()


def test_on_a_phone_a_first_tap_names_the_county_and_a_second_opens_it(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site_url)
    assert page.inner_text(".cmp-map__name").startswith("Tap a county")
    fresno = page.locator(".cmp-map__counties a[href$='regions/fresno-county/']")
    fresno.tap()
    page.wait_for_timeout(300)
    assert urlsplit(page.url).path == "/"
    line = page.inner_text(".cmp-map__name")
    assert line.startswith("Fresno County:") and "Open Fresno County" in line
    with page.expect_navigation():
        fresno.tap()
    assert page.url.endswith("/regions/fresno-county/")
    context.close()
