"""The site's pages, built from the catalog with the Jinja2 templates in ``compendium/site/templates``.

Every page is Markdown with HTML blocks for cards and facts; links inside those
blocks are made relative here (``href``), since MkDocs rewrites links only in
Markdown. Pages assume directory URLs (``practices/<slug>/``), MkDocs' default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import html
import json
import posixpath
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from jinja2 import PackageLoader
from markupsafe import Markup

from compendium.cache import Memo, key_of
from compendium.catalog import Catalog
from compendium.contribute.schema import practice_schema
from compendium.parallel import DEFAULT_PROCESSES, map_in_halves
from compendium.records.fields import SLUG, Pending
from compendium.records.filing import ways_text
from compendium.records.names import ABBREVIATIONS, REORDERED, SAME, STOP_WORDS
from compendium.records.places import nowhere
from compendium.records.practice import Practice
from compendium.records.vocabulary import LEAD, SUBMITTED
from compendium.records.volume import Volume
from compendium.render import citation, figures
from compendium.render.changes import text_changes
from compendium.render.facts import regions_by_system
from compendium.render.markdown import Heading, TextRenderer, site_links
from compendium.render.templates import environment
from compendium.settings import (
    Settings,
    frozen_path,
    practice_path,
    printing_pdf_name,
    relative,
    url_of,
    volume_path,
)
from compendium.site import evidence, feeds
from compendium.site.converter import Converter, Html
from compendium.site.evidence import EVIDENCE_PAGE
from compendium.site.fonts import web_fonts
from compendium.site.maps import Cartographer, CountyMap, shade_breaks, shade_of
from compendium.site.opendata import FEED_SIZE, Asset, Row, build_open_data, practice_row


@dataclass(frozen=True)
class Page:
    """A generated Markdown page at ``path`` (relative to the site's docs folder)."""

    path: str
    markdown: str
    """The whole page as Markdown with HTML blocks, as ``compendium materialize`` writes it."""
    source: str | None = None
    """The repository file a reader's "suggest an update" should edit, if any."""
    in_nav: bool = True
    """False for the many item pages (a practice, a region…) that are reached from index pages only."""
    indexed: bool = False
    """True for practice pages, the only pages the finder's search covers."""
    stashed: str = ""
    """``markdown`` with each template-made HTML block replaced by a token paragraph (see ``blocks``)."""
    blocks: dict[str, str] = field(default_factory=dict)
    """Token -> the HTML block it stands for.

    Python-Markdown re-parses every raw HTML block with ``html.parser``, which
    made half of a 1,000-practice build; the blocks our own templates make need
    no Markdown, so a renderer may convert ``stashed`` and put each block back
    where ``<p>token</p>`` appears. Record text is stashed too, as HTML its own parser
    made and the narrow sanitizer cleaned; Python-Markdown never reads it.
    """
    html: Html | None = None
    """The page's final HTML when a :class:`Converter` made it with the page (practice pages)."""
    key: str = ""
    """The key of all the page is made from, when it is one of the pages kept between builds (:meth:`SiteBuilder._kept`)."""


T = TypeVar("T")
R = TypeVar("R")

FacetItem = tuple[tuple[str, str, str, str], str, list[Practice]]

OUTSIDE_LABEL = "States outside California"
"""The finder's group of the states practices outside California lie in."""

CITATION = "citation"
"""The name of a page's citation files, beside it: ``citation.bib``, ``citation.ris``, ``citation.json``."""

PACKET_PAGE = "packet.md"
"""A printable packet of the practices the address selects (a region's, a finder view's), made in the browser."""
COMPARE_PAGE = "compare.md"
"""Two to four practices side by side, their at-a-glance facts in columns, made in the browser."""

FINDER_PAGE = 12
"""Result cards the finder shows at a time (its script's PAGE_SIZE): the newest, before any search."""

FINDER_FACETS = (
    ("region", "Region", "regions", "regions"),
    ("focus", "Focus area", "focus", "topics"),
    ("population", "Population", "populations", "populations"),
    ("sector", "Sector", "sectors", ""),
    ("partner", "Partner type", "partner_types", ""),
    ("evidence", "Evidence level", "evidence_levels", ""),
    ("volume", "Volume", "", "volumes"),
)
"""(URL parameter and Pagefind filter, label, vocabulary, folder of its pages or "") for each finder facet."""


@dataclass(frozen=True)
class FacetValue:
    """One value a finder facet offers."""

    value: str
    label: str
    count: int
    """How many practices it finds on its own."""
    page: str
    """Its page (a region's, a topic's…), for readers without JavaScript; "" when it has none."""


@dataclass(frozen=True)
class FinderFacet:
    """A filter of the finder: its values, in groups (a region's system; one unnamed group elsewhere)."""

    name: str
    label: str
    groups: list[tuple[str, list[FacetValue]]]
    browsable: bool
    """Whether its values have pages, which a reader without JavaScript can follow."""


"""((folder, vocabulary, heading, singular), term, its practices): one region, topic or population page."""

CARD_LIMIT = 24
"""An index page shows every practice as a card up to this many; beyond, the newest as cards and all as a list.

A region of 400 cards would cost a phone reader 400 KB; titles alone stay light."""
NEWEST_COUNT = 12

INDEX_FACETS = (
    ("regions", "regions", "Regions", "region"),
    ("topics", "focus", "Topics", "focus area"),
    ("populations", "populations", "Populations", "population"),
)
"""(folder, vocabulary, heading, singular) for each "ways in" index."""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def _as_markdown_text(text: str) -> str:
    """``text`` as Markdown that says exactly that: every character Markdown would act on escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


class SiteBuilder:
    """Renders every page of the site from one catalog."""

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        converter: Converter | None = None,
        processes: int = DEFAULT_PROCESSES,
        memo: Memo | None = None,
        converter_key: str = "",
    ) -> None:
        # With drafts hidden (mkdocs.yml), the site is built from the published volumes alone: no page,
        # card, filter, open data or PDF can then mention a draft.
        listed = settings.listed(catalog.volumes)
        self.catalog = (
            catalog if len(listed) == len(catalog.volumes) else dataclasses.replace(catalog, volumes=listed)
        )
        self.processes = processes
        """How many processes may make the practice pages (:mod:`compendium.parallel`)."""
        self.settings = settings
        self.converter = converter
        """Makes each practice page's HTML as the page is made (so on both cores); None: Markdown only."""
        self.vocabulary = catalog.vocabulary
        self.env = environment(PackageLoader("compendium.site", "templates"), self.vocabulary)
        self.practices = sorted(catalog.practices.values(), key=lambda p: p.title.casefold())
        # Tokens carry a per-build secret, so no record can forge one.
        self._nonce = secrets.token_hex(6).upper()
        self._cards: dict[tuple[str, str, str, str], Markup] = {}
        self._groups: dict[str, list[tuple[str, list[Practice]]]] = {}
        self._text = TextRenderer()
        self._card_template = self.env.get_template("_card.html.j2")
        self._strengths = evidence.strengths(self.vocabulary)
        """Each evidence level's colour step, for the badges on cards and the key."""
        self.schema = practice_schema(self.vocabulary)
        """The record's JSON Schema: published with the open data and the form is built from it."""
        self._practice_keys: dict[str, str] = {}
        # Pages are kept only by the keys of a catalog loaded with a memo (Catalog.keys).
        self.memo = memo if converter is not None and catalog.setting else None
        """Pages made by earlier builds, by the key of all they were made from (:meth:`_kept`)."""
        self._setting = key_of(converter_key, repr(settings), catalog.setting)
        """What every page is made with: the converter's settings (``converter_key``: mkdocs.yml), the site's
        settings and what every record's reading depends on, the vocabulary among it (this code's version
        is in every key)."""

    def pages(self) -> list[Page]:
        """Every page of the site, each rendered once."""
        # Practice pages first, on both cores when there are many.
        pages = self._kept(self.practice_page, self.practices, self._practice_key)
        pages += [
            self._render(
                "home.md.j2", "index.md", latest=self._latest_volume(), map=self._maps.draw(), **self._home()
            ),
            self._render(
                "finder.md.j2",
                "find.md",
                facets=self._finder_facets(),
                total=len(self.practices),
                newest=self._newest(FINDER_PAGE),
            ),
            self._render("all.md.j2", "practices/index.md", practices=self.practices),
            self._render("coverage.md.j2", "coverage.md", map=self._maps.draw(), **self._coverage()),
            self._render("volumes.md.j2", "volumes/index.md", volumes=list(self.catalog.volumes.values())),
            self._render("opendata.md.j2", "data/index.md", count=len(self.practices)),
            self._render("contribute.md.j2", "contribute.md"),
            self._submit_page(),
            self._render("about.md.j2", "about.md"),
            self._render("accessibility.md.j2", "accessibility.md"),
            *self._reading_pages(),
        ]
        items: list[FacetItem] = []
        for folder, vocabulary, heading, singular in INDEX_FACETS:
            groups = self._grouped(vocabulary)
            pages.append(
                self._render(
                    "facet_index.md.j2", f"{folder}/index.md", groups=groups, heading=heading,
                    folder=folder, vocabulary=vocabulary, singular=singular,
                    waiting=self.catalog.filing.waiting() if folder == "regions" else [],
                )
            )  # fmt: skip
            items += [
                ((folder, vocabulary, heading, singular), term, practices) for term, practices in groups
            ]
        # One page per region, topic and population: some 250 with California's regions, so they too
        # are made, and converted, on both cores (the map's shapes made first, once).
        self._maps  # noqa: B018
        pages += self._kept(self._facet_page, items, self._facet_key)
        for volume in self.catalog.volumes.values():
            pages.append(
                self._render(
                    "volume.md.j2",
                    volume_path(volume),
                    in_nav=False,
                    slots={"foreword": volume.foreword},
                    volume=volume,
                    citation=citation.head(
                        citation.of_volume(volume, self.settings, self.settings.pdfs.get(volume.number))
                    ),
                    pdf=self.settings.pdfs.get(volume.number),
                    earlier_pdfs={
                        p.printing: printing_pdf_name(volume, p.printing) for p in volume.printings[:-1]
                    }
                    if volume.number in self.settings.pdfs
                    else {},
                    frozen=self.catalog.volume_practices(volume) if volume.is_published else {},
                )
            )
            if volume.is_published:
                pages += [self._frozen_page(volume, slug) for slug in volume.practices]
        return pages

    def _kept(self, make: Callable[[T], Page], items: Sequence[T], key: Callable[[T], str]) -> list[Page]:
        """``[make(item) for item in items]``, on both cores when there are many; with a memo, only the
        pages whose key (all they are made from) no earlier build made are made again."""
        if self.memo is None:
            return map_in_halves(make, items, self.processes)
        keys = [key(item) for item in items]
        kept: list[Page | None] = [self.memo.get(k) for k in keys]
        made = iter(
            map_in_halves(
                make, [item for item, page in zip(items, kept, strict=True) if page is None], self.processes
            )
        )
        pages = []
        for k, page in zip(keys, kept, strict=True):
            if page is None:
                page = dataclasses.replace(next(made), key=k)
                # Kept without the page as plain Markdown, which only materialize writes (it keeps
                # nothing): a MkDocs build reads the stashed text and its blocks.
                self.memo.put(k, dataclasses.replace(page, markdown="") if page.stashed else page)
            pages.append(page)
        return pages

    def _kept_one(self, key: str, make: Callable[[], R]) -> R:
        """``make()``, or what the memo keeps under ``key`` (all it is made from)."""
        if self.memo is None:
            return make()
        kept: R | None = self.memo.get(key)
        if kept is None:
            kept = make()
            self.memo.put(key, kept)
        return kept

    def _practice_key(self, practice: Practice) -> str:
        """All a practice's page is made from: the practice, its volumes, its related practices' titles."""
        if practice.slug not in self._practice_keys:
            self._practice_keys[practice.slug] = self._make_practice_key(practice)
        return self._practice_keys[practice.slug]

    def _make_practice_key(self, practice: Practice) -> str:
        volumes = [
            f"{volume!r}{self.catalog.changed_since(volume, practice.slug)}"
            for volume in self.catalog.volumes_of(practice.slug)
        ]
        related = [
            f"{slug}\0{other.title}"
            for slug in practice.related
            if (other := self.catalog.practices.get(slug))
        ]
        return key_of(
            self._setting,
            "practice",
            self.catalog.keys[practice.slug],
            *volumes,
            "\0",
            *related,
        )

    def _facet_key(self, item: FacetItem) -> str:
        """All a region's, topic's or population's page is made from: its practices and how they got there,
        the volume holding just those, and on a region's page the map's shading."""
        (folder, _, _, _), term, practices = item
        via = [self._through(p, term) for p in practices] if folder == "regions" else []
        shading = repr(sorted(self._maps_counts.items())) if folder == "regions" else ""
        return key_of(
            self._setting, "facet", repr(item[0]), term, shading, repr(self._volume_holding(practices)),
            *(self.catalog.keys[p.slug] for p in practices), "\0", *via,
        )  # fmt: skip

    def _frozen_page(self, volume: Volume, slug: str) -> Page:
        """A practice's text as ``volume`` published it, with what changed in the living record since."""
        frozen = self.catalog.frozen[(volume.number, slug)]
        living = self.catalog.practices.get(slug)
        changes = (
            text_changes(frozen.path.read_text(encoding="utf-8"), living.path.read_text(encoding="utf-8"))
            if living is not None and self.catalog.changed_since(volume, slug)
            else []
        )
        return self._render(
            "frozen.md.j2",
            frozen_path(volume, slug),
            in_nav=False,
            slots={"body": frozen.body},
            volume=volume,
            p=frozen,
            living=living,
            changes=changes,
            published_file=self.catalog.project.display(frozen.path),
            living_file=self.catalog.project.display(living.path) if living else "",
        )

    def open_data(self) -> list[Asset]:
        """The open data: the records as JSON and CSV, their schema, and the Atom feed."""
        return build_open_data(self.catalog, self.settings, self.env, url_of, self.schema, self._row_of)

    def _row_of(self, practice: Practice) -> Row:
        """A practice's part of the open data, made from what its page is made from: kept with it."""
        return self._kept_one(
            f"{self._practice_key(practice)}-row",
            lambda: practice_row(
                practice, self.catalog, self.settings.site_url + url_of(practice_path(practice.slug))
            ),
        )

    def assets(self) -> list[Asset]:
        """Every file of the site that is not a page: the open data and the web fonts."""
        fonts = web_fonts(self.settings.cache / "fonts" if self.settings.cache is not None else None)
        return self.open_data() + self.citations() + self._feeds() + fonts

    # -- helpers used by templates -------------------------------------------------

    def _render(
        self,
        template: str,
        path: str,
        source: str | None = None,
        in_nav: bool = True,
        indexed: bool = False,
        slots: dict[str, str] | None = None,
        **context: Any,
    ) -> Page:
        slots = slots or {}
        markers = {name: f"CMPSLOT{self._nonce}{name.upper()}" for name in slots}

        def href(target: str) -> str:
            return relative(path, target)

        rendered = self.env.get_template(template).render(
            href=href,
            card=lambda practice, heading="h3", via="": self._card(practice, heading, path, via),
            slot=markers.__getitem__,
            site=self.settings,
            catalog=self.catalog,
            practice_path=practice_path,
            volume_path=volume_path,
            frozen_path=frozen_path,
            url_of=url_of,
            card_limit=CARD_LIMIT,
            newest_count=NEWEST_COUNT,
            **context,
        )
        # Stash the template's own HTML blocks (they start a paragraph with '<'); record text is
        # filled into its slot only afterwards, so none of it can pass for a template's block.
        parts: list[str] = []
        blocks: dict[str, str] = {}
        # Unique across pages (a renderer may pool every page's blocks) without a shared
        # counter, so pages can be rendered in two processes.
        page_key = hashlib.sha1(path.encode()).hexdigest()[:12].upper()
        for number, chunk in enumerate(rendered.split("\n\n")):
            if chunk.lstrip("\n").startswith("<"):
                token = f"CMPBLOCK{self._nonce}{page_key}{number:04X}"
                blocks[token] = chunk
                parts.append(token)
            else:
                parts.append(chunk)
        stashed = "\n\n".join(parts)
        markdown = rendered
        # Record and editor text, read by the validator's parser: its headings become the page's own
        # (escaped, for the table of contents), the HTML between them a block of its own.
        links = site_links(path, relative)
        for name, marker in markers.items():
            written: list[str] = []
            shown: list[str] = []
            for number, part in enumerate(self._text.parts(slots[name], links)):
                if isinstance(part, Heading):
                    line = "#" * part.level + " " + _as_markdown_text(part.text)
                    written.append(line)
                    shown.append(line)
                else:
                    token = f"CMPBLOCK{self._nonce}{page_key}{0x8000 + number:04X}"
                    blocks[token] = part
                    written.append(token)
                    shown.append(part)
            stashed = stashed.replace(marker, "\n\n".join(written))
            markdown = markdown.replace(marker, "\n\n".join(shown))
        return Page(path, markdown, source, in_nav, indexed, stashed, blocks)

    def _card(self, practice: Practice | None, heading: str, path: str, via: str = "") -> Markup:
        """A practice's card for a page at ``path``; cards depend only on the page's folder (and, on a
        region's page, on how the practice got there), so each is made once.
        With no practice, the empty card the finder's script fills for each result."""
        folder = posixpath.dirname(url_of(path).rstrip("/"))
        key = ("" if practice is None else practice.slug, heading, folder, via)
        if key not in self._cards:
            self._cards[key] = Markup(
                self._card_template.render(
                    p=practice,
                    heading=heading,
                    via=via,
                    href=lambda target: relative(path, target),
                    practice_path=practice_path,
                    strengths=self._strengths,
                    evidence_href=relative(path, EVIDENCE_PAGE),
                ).strip()
            )
        return self._cards[key]

    def practice_page(self, practice: Practice) -> Page:
        """One practice's page, with its final HTML when the builder has a converter."""
        source = self.catalog.project.display(practice.path)
        volumes = self.catalog.volumes_of(practice.slug)
        page = self._render(
            "practice.md.j2",
            practice_path(practice.slug),
            source=source,
            in_nav=False,
            indexed=True,
            slots={"body": practice.body},
            p=practice,
            volumes=volumes,
            updated_since=[v for v in volumes if self.catalog.changed_since(v, practice.slug)],
            filters=self._filters_of(practice),
            outside=self.vocabulary.outside_california(practice.regions),
            author=next((x.name for x in practice.partners if LEAD in x.role), practice.contact.organisation),
            edit_url=self.settings.edit_base + source if self.settings.edit_base else "",
            cite_url=self.settings.site_url + url_of(practice_path(practice.slug))
            if self.settings.site_url
            else "",
            citation=citation.head(self._citation_of(practice)),
            evidence_strength=self._strengths[practice.evidence.level],
            evidence_sort=evidence.sort_key(self.vocabulary, practice),
        )
        return self._converted(page)

    def _citation_of(self, practice: Practice) -> citation.Citation:
        return citation.of_practice(
            practice,
            self.catalog.volumes_of(practice.slug),
            self.settings,
            lambda v: self.settings.site_url + url_of(volume_path(v)),
        )

    def citations(self) -> list[Asset]:
        """Each practice's and each volume's citation, to download beside its page: BibTeX, RIS and
        CSL-JSON (``citation.bib``, ``citation.ris``, ``citation.json``)."""
        assets: list[Asset] = []
        for practice in self.practices:
            # A practice's citation is made from what its page is made from (BibTeX's LaTeX encoding
            # alone cost 0.4 s at 1,000 practices): kept with the page.
            assets += self._kept_one(
                f"{self._practice_key(practice)}-{CITATION}",
                lambda: self._citation_files(practice_path(practice.slug), self._citation_of(practice)),  # noqa: B023
            )
        for volume in self.catalog.volumes.values():
            cited = citation.of_volume(volume, self.settings, self.settings.pdfs.get(volume.number))
            assets += self._citation_files(volume_path(volume), cited)
        return assets

    @staticmethod
    def _citation_files(page: str, cited: citation.Citation) -> list[Asset]:
        folder = url_of(page)
        return [
            Asset(f"{folder}{CITATION}.bib", citation.bibtex(cited).encode()),
            Asset(f"{folder}{CITATION}.ris", citation.ris(cited).encode()),
            Asset(
                f"{folder}{CITATION}.json", (json.dumps([citation.csl_json(cited)], indent=2) + "\n").encode()
            ),
        ]

    def _facet_page(self, item: FacetItem) -> Page:
        (folder, vocabulary, heading, singular), term, practices = item
        via = {p.slug: self._through(p, term) for p in practices} if folder == "regions" else {}
        page = self._render(
            "facet.md.j2", f"{folder}/{term}.md", in_nav=False, term=term, practices=practices,
            vocabulary=vocabulary, heading=heading, singular=singular, folder=folder, via=via,
            entry=self.vocabulary.entry(vocabulary, term), map=self._region_map(term) if folder == "regions" else None,
            feed=feeds.feed_path(folder, term), packet=PACKET_PAGE, holding=self._volume_holding(practices),
        )  # fmt: skip
        return self._converted(page)

    @cached_property
    def _maps(self) -> Cartographer:
        """The county map's shapes and shading, made once a build (before the pages are made on two cores)."""
        return Cartographer(self.vocabulary, self._maps_counts)

    @cached_property
    def _maps_counts(self) -> dict[str, int]:
        """How many practices each region has: the map's shading."""
        return {region: len(found) for region, found in self._grouped("regions")}

    def _region_map(self, region: str) -> CountyMap | None:
        """The map on a Californian region's page, its counties picked out; None for statewide and outside."""
        entry = self.vocabulary.regions[region]
        if entry.outside_california or entry.system == "statewide":
            return None
        marked = self.catalog.filing.counties(region) & self._maps.county_regions
        return self._maps.draw(marked, overlays=False) if marked else None

    def _converted(self, page: Page) -> Page:
        """``page`` with its HTML made now, in this process, when a converter is at hand."""
        if self.converter is None:
            return page
        return dataclasses.replace(page, html=self.converter.convert(page.path, page.stashed, page.blocks))

    # -- reading, following, carrying (issue 26) -----------------------------------------

    def _reading_pages(self) -> list[Page]:
        """The evidence key, the Follow page, and the two pages that assemble practices in the browser
        from their own pages: a printable packet and a side-by-side comparison. Neither repeats any
        practice's text at build time, so the site grows by four pages whatever the practices."""
        levels, bases = evidence.key(self.vocabulary, self.practices)
        follow = [
            (heading, folder, self._follow_groups(folder, vocabulary))
            for folder, vocabulary, heading, _ in INDEX_FACETS
        ]
        return [
            self._render(EVIDENCE_PAGE + ".j2", EVIDENCE_PAGE, in_nav=False, levels=levels, bases=bases),
            self._render(
                feeds.FOLLOW_PAGE + ".j2", feeds.FOLLOW_PAGE, in_nav=False, follow=follow, feed_size=FEED_SIZE
            ),
            self._render(
                PACKET_PAGE + ".j2",
                PACKET_PAGE,
                in_nav=False,
                facets=self._finder_facets(),
                volumes=[(v, self._volume_pdf(v)) for v in self.catalog.volumes.values()],
            ),
            self._render(COMPARE_PAGE + ".j2", COMPARE_PAGE, in_nav=False),
        ]

    def _follow_groups(self, folder: str, vocabulary: str) -> list[tuple[str, list[feeds.Followed]]]:
        """The feeds of one kind of page, for the Follow page: regions by their system, others in one group."""
        followed = {
            term: feeds.Followed(
                term, self.vocabulary.label(vocabulary, term), len(found), feeds.feed_path(folder, term)
            )
            for term, found in self._grouped(vocabulary)
        }
        if vocabulary != "regions":
            return [("", list(followed.values()))]
        return [
            (self.vocabulary.file.systems[system].several, [followed[r] for r in ids if r in followed])
            for system, ids in regions_by_system(self.vocabulary)
        ]

    def _feeds(self) -> list[Asset]:
        """An Atom feed for each region, topic and population, of the practices its page lists."""
        as_of = max((p.last_changed for p in self.practices), default=dt.date(1970, 1, 1))
        assets: list[Asset] = []
        for folder, vocabulary, _, _ in INDEX_FACETS:
            for term, found in self._grouped(vocabulary):
                label = self.vocabulary.label(vocabulary, term)
                # Made from its practices (the build's date only matters to a feed without any): kept.
                key = key_of(
                    self._setting, "feed", folder, term, label, "" if found else as_of.isoformat(),
                    *(self.catalog.keys[p.slug] for p in found),
                )  # fmt: skip
                assets.append(
                    self._kept_one(
                        key,
                        lambda: feeds.term_feed(self.env, self.settings, folder, term, label, found, as_of),  # noqa: B023
                    )
                )
            assets.append(feeds.follow_sitemap(self.settings, folder))
        return assets

    def _volume_pdf(self, volume: Volume) -> str:
        """The print edition of ``volume`` (site-relative), or its page while it has none."""
        pdf = self.settings.pdfs.get(volume.number)
        return url_of(volume_path(volume)) + pdf if pdf else volume_path(volume)

    def _volume_holding(self, practices: list[Practice]) -> tuple[Volume, str] | None:
        """The volume that holds exactly ``practices``, with its print edition, then the better packet."""
        slugs = {p.slug for p in practices}
        held = [v for v in self.catalog.volumes.values() if slugs and set(v.practices) == slugs]
        return (held[0], self._volume_pdf(held[0])) if held else None

    def _submit_page(self) -> Page:
        """The "Submit a practice" form, built from the record's JSON Schema and the vocabularies."""
        schema = self.schema
        return self._render(
            "submit.md.j2",
            "submit.md",
            schema=schema,
            labels=schema["x-labels"],
            sections=schema["x-body-sections"],
            prompts=schema["x-body-prompts"],
            slug_pattern=SLUG.pattern,
            practices=self.practices,
            folder=self.catalog.project.display(self.catalog.project.practices) + "/",
            names=self._names_for_the_form(),
            record_shape={
                "order": list(schema["properties"]),
                # A contribution always enters review as submitted, dated the day it is made.
                "fixed": {"status": SUBMITTED},
                "dated": "submitted",
                "sections": schema["x-body-sections"],
                "rules": schema["x-rules"],
                "labels": schema["x-labels"],
                "titles": {name: prop.get("title", name) for name, prop in schema["properties"].items()},
                "nowhere": nowhere("{name}"),
            },
        )

    def _names_for_the_form(self) -> dict[str, Any]:
        """What the Submit form's script needs to find regions and suggest as validate does: the rules of
        :mod:`compendium.records.names`, and each region's other names, system and counties."""
        regions = self.vocabulary.regions
        label = self.vocabulary.terms("regions")
        filing = self.catalog.filing
        return {
            "abbreviations": ABBREVIATIONS,
            "stop_words": sorted(STOP_WORDS),
            "same": SAME,
            "reordered": REORDERED,
            "regions": {
                region: {
                    "system": self.vocabulary.label("systems", entry.system),
                    "aliases": list(entry.aliases),
                    "counties": [label[c] for c in regions if c in filing.counties(region) and c != region],
                }
                for region, entry in regions.items()
            },
        }

    def _regions_of(self, practice: Practice) -> list[str]:
        """Every region whose page lists the practice (:mod:`compendium.records.filing`): the finder's
        region filter and the region pages read this one list, so they always agree."""
        return list(self.catalog.filing.regions_of(practice))

    def _through(self, practice: Practice, region: str) -> str:
        """How ``practice`` came to be on ``region``'s page, as its card says it; "" when filed there."""
        ways = self.catalog.filing.regions_of(practice).get(region, [])
        return ways_text(ways, self.vocabulary.terms("regions"), figures.period)

    def _terms_of(self, practice: Practice, vocabulary: str) -> Iterable[str]:
        if vocabulary == "regions":
            return self._regions_of(practice)
        value: Iterable[str] = getattr(practice, vocabulary)
        return value

    def _grouped(self, vocabulary: str) -> list[tuple[str, list[Practice]]]:
        """Each term of ``vocabulary`` with its practices, in the vocabulary's order (empty terms included).

        Made once a build: the index pages, the home page's ways in and the map all ask for it."""
        if vocabulary not in self._groups:
            self._groups[vocabulary] = self._group(vocabulary)
        return self._groups[vocabulary]

    def _group(self, vocabulary: str) -> list[tuple[str, list[Practice]]]:
        # One pass over the practices, not one per term: hundreds of regions times thousands of practices.
        grouped: dict[str, list[Practice]] = {term: [] for term in self.vocabulary.terms(vocabulary)}
        for practice in self.practices:
            for term in dict.fromkeys(self._terms_of(practice, vocabulary)):
                if term in grouped:  # a term written in words for an editor has no page yet
                    grouped[term].append(practice)
        return list(grouped.items())

    def _newest(self, count: int) -> list[Practice]:
        """The ``count`` practices submitted last, newest first."""
        return sorted(self.practices, key=lambda p: (p.submitted, p.title), reverse=True)[:count]

    def _latest_volume(self) -> Volume | None:
        published = [v for v in self.catalog.volumes.values() if v.is_published]
        return published[-1] if published else None

    def _home(self) -> dict[str, Any]:
        newest = self._newest(6)
        updated = sorted(
            (p for p in self.practices if p.updated), key=lambda p: p.last_changed, reverse=True
        )[:6]
        return {
            "newest": newest,
            "recently_updated": updated,
            "counts": {
                "practices": len(self.practices),
                "regions": len({r for p in self.practices for r in p.regions}),
                "partners": len({partner.name for p in self.practices for partner in p.partners}),
                "volumes": len(self.catalog.volumes),
            },
            "ways_in": [
                (folder, heading, self._grouped(vocabulary))
                for folder, vocabulary, heading, _ in INDEX_FACETS
            ],
        }

    def _finder_facets(self) -> list[FinderFacet]:
        """The finder's filters, from the vocabularies, each value with how many practices it finds
        (regions counted through the nesting, as the search finds them). Values that find none stay, with
        their count of 0 (the finder shows them disabled): a reader sees that nothing is there yet, rather
        than wonder where "Established" went. Regions are grouped by their system, the other facets form
        one group."""
        counts: dict[str, dict[str, int]] = {name: {} for name, *_ in FINDER_FACETS}
        for practice in self.practices:
            for name, terms in self._filters_of(practice).items():
                for term in terms:
                    counts[name][term] = counts[name].get(term, 0) + 1

        def values(name: str, terms: Iterable[tuple[str, str]], page: Any) -> list[FacetValue]:
            return [
                FacetValue(value, label, counts[name].get(value, 0), page(value) if page else "")
                for value, label in terms
            ]

        facets = []
        for name, label, vocabulary, folder in FINDER_FACETS:
            page = (lambda value, folder=folder: f"{folder}/{value}.md") if folder else None
            if name == "region":
                groups = [
                    (
                        self.vocabulary.label("systems", system),
                        values(name, ((r, self.vocabulary.label("regions", r)) for r in ids), page),
                    )
                    for system, ids in regions_by_system(self.vocabulary)
                ]
                # The states outside California (a value with no page): whole states, and where a new
                # region lies until an editor adds it.
                states = sorted(v for v in counts[name] if v not in self.vocabulary.regions)
                if states:
                    groups.append(
                        (
                            OUTSIDE_LABEL,
                            values(name, ((state, f"{state} (the state)") for state in states), None),
                        )
                    )
            elif name == "volume":
                numbered = {str(n): v for n, v in self.catalog.volumes.items()}
                listed = [(n, v.label + ("" if v.is_published else " (draft)")) for n, v in numbered.items()]
                groups = [("", values(name, listed, lambda n, numbered=numbered: volume_path(numbered[n])))]
            else:
                groups = [("", values(name, self.vocabulary.terms(vocabulary).items(), page))]
            groups = [(group, found) for group, found in groups if found]
            if groups:
                facets.append(FinderFacet(name, label, groups, browsable=bool(folder)))
        return facets

    def _filters_of(self, practice: Practice) -> dict[str, list[str]]:
        """The finder's filter values of ``practice``: what its page gives Pagefind, facet by facet."""
        return {
            # States outside California too: a new region there has no page of its own yet.
            "region": self._regions_of(practice) + self.vocabulary.outside_california(practice.regions),
            "focus": [t for t in practice.focus if not isinstance(t, Pending)],
            "population": [t for t in practice.populations if not isinstance(t, Pending)],
            "sector": [t for t in practice.sectors if not isinstance(t, Pending)],
            "partner": list(
                dict.fromkeys(x.type for x in practice.partners if not isinstance(x.type, Pending))
            ),
            "evidence": [practice.evidence.level],
            "volume": [str(v.number) for v in self.catalog.volumes_of(practice.slug)],
        }

    def _coverage(self) -> dict[str, Any]:
        regions = list(self.vocabulary.terms("regions"))
        focus = list(self.vocabulary.terms("focus"))
        counts: dict[tuple[str, str], int] = {}
        for practice in self.practices:
            for region in self._regions_of(practice):
                for topic in practice.focus:
                    counts[(region, topic)] = counts.get((region, topic), 0) + 1
        empty = sum(1 for r in regions for f in focus if not counts.get((r, f)))
        covered = {region for region, _ in counts}
        # Per system: the regions with practices (a row each) and those without (a list of gaps).
        systems = [
            (system, [r for r in ids if r in covered], [r for r in ids if r not in covered])
            for system, ids in regions_by_system(self.vocabulary)
        ]
        # The grid is a heat map: each cell shaded in the map's steps, so gaps and clusters show at a glance.
        breaks = shade_breaks(max(counts.values(), default=0))
        heat = functools.partial(shade_of, breaks=breaks)
        return {
            "regions": regions, "focus": focus, "counts": counts, "empty": empty, "systems": systems,
            "heat": heat,
        }  # fmt: skip


def build_site(
    catalog: Catalog,
    settings: Settings,
    converter: Converter | None = None,
    processes: int = DEFAULT_PROCESSES,
    memo: Memo | None = None,
    converter_key: str = "",
) -> tuple[list[Page], list[Asset]]:
    """All pages and generated files of the site; with ``converter``, practice pages come with their HTML.
    With a ``memo`` (and ``converter_key``, what the converter's settings come from), pages an earlier
    build made from the same inputs are not made again."""
    builder = SiteBuilder(catalog, settings, converter, processes, memo, converter_key)
    return builder.pages(), builder.assets()
