"""Following a region, a topic or a population: an Atom feed for each, announced on its page.

Each region, topic and population page names its feed in a ``<link rel="alternate">``, where feed
readers look. Material's script also reads every such link, as a page in another language, and
fetches a ``sitemap.xml`` beside the address it names; beside the site's own feed that is the whole
sitemap (a third of a practice page's first load, see the README). So the feeds live in folders of
their own, each with a one-entry sitemap (:data:`SITEMAP`), and a region page's first load pays a
few hundred bytes for the announcement instead of the site's sitemap.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from jinja2 import Environment

from compendium.records.practice import Practice
from compendium.settings import Settings, url_of
from compendium.site.opendata import Asset, render_feed

FOLDER = "feeds"
"""Where the feeds are: ``feeds/<folder>/<term>.xml`` (``feeds/regions/fresno-county.xml``)."""

FOLLOW_PAGE = "follow.md"
"""The page that lists every feed."""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{loc}</loc></url>
</urlset>
"""
"""What Material's script finds beside a feed it takes for another language's page: a valid sitemap
naming only the Follow page, so it costs a reader a few hundred bytes, not the site's whole sitemap."""


def feed_path(folder: str, term: str) -> str:
    """The feed of the region, topic or population ``term`` whose pages are in ``folder``."""
    return f"{FOLDER}/{folder}/{term}.xml"


@dataclass(frozen=True)
class Followed:
    """One feed the Follow page lists."""

    term: str
    label: str
    count: int
    """How many practices its page lists now."""
    path: str
    """The feed, relative to the site's root."""


def term_feed(
    env: Environment,
    settings: Settings,
    folder: str,
    term: str,
    label: str,
    practices: list[Practice],
    as_of: dt.date,
) -> Asset:
    """The feed of one region, topic or population (``term`` of the pages in ``folder``): its practices,
    as its page lists them."""
    return Asset(
        feed_path(folder, term),
        render_feed(
            env,
            settings,
            f"{label}: new and updated practices ({settings.site_name})",
            feed_path(folder, term),
            f"{folder}/{term}.md",
            practices,
            as_of,
        ).encode(),
    )


def follow_sitemap(settings: Settings, folder: str) -> Asset:
    """The small sitemap beside one kind of page's feeds (``folder``: regions, topics or populations)."""
    # The Follow page's absolute address where the site has one; a relative reference otherwise,
    # which a sitemap does not allow, so then the page's path from the site's root.
    loc = settings.site_url + url_of(FOLLOW_PAGE) if settings.site_url else "/" + url_of(FOLLOW_PAGE)
    return Asset(f"{FOLDER}/{folder}/sitemap.xml", SITEMAP.format(loc=html.escape(loc)).encode())
