"""Rendering a volume's print edition: Jinja2 HTML from ``overrides/print/`` through WeasyPrint to PDF/UA-1.

The same inputs give the same bytes: the PDF's dates come from
``SOURCE_DATE_EPOCH`` (by default the volume's publication date), its file
identifier from the content, its fonts from pinned Python packages, and every
list in it has a fixed order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from jinja2 import FileSystemLoader
from markupsafe import Markup

from compendium.catalog import Catalog
from compendium.files import write_atomically
from compendium.records.practice import Practice
from compendium.records.volume import Volume
from compendium.render.markdown import Links, TextRenderer
from compendium.render.templates import environment
from compendium.settings import practice_path, url_of

TEMPLATE = "volume.html.j2"
STYLESHEET = "print.css"

Progress = Callable[[str], None]


class PrintError(Exception):
    """The edition could not be printed; the message says why, for the editor."""


@dataclass(frozen=True)
class Edition:
    """A printed volume."""

    path: Path
    pages: int
    rendered: bool
    """False when the PDF was reused from the cache."""


def source_date(volume: Volume, practices: dict[str, Practice]) -> dt.datetime:
    """The moment the PDF claims to be from: ``SOURCE_DATE_EPOCH`` if set, else the publication date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    day = volume.published or max((p.last_changed for p in practices.values()), default=dt.date(2000, 1, 1))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def print_links(volume: Volume, site_url: str) -> Links:
    """Links between records as the PDF writes them: to the practice's pages in this volume, else to
    its public address (kept as text when the site's address is not known), never to a local file."""

    def resolve(link: str) -> str | None:
        scheme, netloc, path, query, anchor = urlsplit(link)
        if scheme or netloc or not path.endswith(".md"):
            return link
        slug = posixpath.basename(path)[: -len(".md")]
        if slug in volume.practices:
            return f"#practice-{slug}"
        if not site_url:
            return None
        return urlunsplit(("", "", site_url + url_of(practice_path(slug)), query, anchor))

    return resolve


def edition_html(catalog: Catalog, volume: Volume, assets: Path, site_url: str = "") -> str:
    """The volume as one HTML document, ready for WeasyPrint."""
    practices = catalog.volume_practices(volume)
    env = environment(FileSystemLoader(str(assets)), catalog.vocabulary, keep_trailing_newline=False)
    text = TextRenderer()
    links = print_links(volume, site_url)
    env.filters["markdown"] = lambda source, shift=0: Markup(text.html(source, links, shift))
    partners: dict[str, list[str]] = {}
    for slug in volume.practices:
        if slug in practices:
            for partner in practices[slug].partners:
                partners.setdefault(partner.name, [])
                if slug not in partners[partner.name]:
                    partners[partner.name].append(slug)
    index = sorted(partners.items(), key=lambda item: item[0].casefold().removeprefix("the "))
    moment = source_date(volume, practices)
    return env.get_template(TEMPLATE).render(
        volume=volume,
        practices=practices,
        partner_index=index,
        stylesheet=STYLESHEET,
        created=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        errata=volume.errata,
    )


def inputs_digest(html: str, assets: Path) -> str:
    """What the PDF depends on: the document, the print assets, the fonts and WeasyPrint itself."""
    digest = hashlib.sha256(html.encode("utf-8"))
    for path in sorted(p for p in assets.rglob("*") if p.is_file()):
        digest.update(path.relative_to(assets).as_posix().encode())
        digest.update(path.read_bytes())
    for package in ("weasyprint", "pydyf", "font-source-serif-pro", "font-source-sans-pro"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()


class _ProgressHandler(logging.Handler):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        self.progress(record.getMessage())


def print_volume(
    catalog: Catalog,
    volume: Volume,
    output: Path,
    progress: Progress | None = None,
    cache: Path | None = None,
    site_url: str = "",
) -> Edition:
    """Write ``volume``'s PDF to ``output``; reuse ``cache`` when nothing it depends on has changed.

    ``site_url``: the site's public address, for links to practices outside the volume."""
    say = progress or (lambda message: None)
    assets = catalog.project.print_assets
    if not (assets / TEMPLATE).is_file():
        raise PrintError(f"{catalog.project.display(assets / TEMPLATE)}: the print template is missing")
    html = edition_html(catalog, volume, assets, site_url)
    digest = inputs_digest(html, assets)
    cached = cache / f"{digest}.pdf" if cache else None
    output.parent.mkdir(parents=True, exist_ok=True)
    pages_file = cached.with_suffix(".pages") if cached is not None else None
    if cached is not None and pages_file is not None and cached.is_file() and pages_file.is_file():
        write_atomically(output, cached.read_bytes())
        say(f"{volume.label}: unchanged since the last render, reused its PDF")
        return Edition(output, int(pages_file.read_text(encoding="utf-8")), rendered=False)

    # WeasyPrint is imported only when a PDF is really rendered: a cached edition needs none of it.
    from weasyprint import HTML

    from compendium.printing.fetcher import AssetFetcher, FetchRefused

    say(f"{volume.label}: laying out {len(volume.practices)} practices")
    logger = logging.getLogger("weasyprint.progress")
    handler = _ProgressHandler(say)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        document = HTML(
            string=html, base_url=assets.as_uri() + "/", url_fetcher=AssetFetcher(assets)
        ).render()
        data = document.write_pdf(
            pdf_variant="pdf/ua-1",
            pdf_identifier=digest[:32].encode(),
            uncompressed_pdf=False,
        )
    except FetchRefused as exc:
        raise PrintError(f"{volume.label}: the print edition {exc}") from None
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    assert isinstance(data, bytes)
    write_atomically(output, data)
    if cached is not None and pages_file is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cached, data)
        write_atomically(pages_file, str(len(document.pages)).encode())
    say(f"{volume.label}: wrote {len(document.pages)} pages")
    return Edition(output, len(document.pages), rendered=True)
