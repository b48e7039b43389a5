"""Rendering a volume's print edition: the volume as JSON data, typeset by Typst to PDF/UA-1.

The template (``overrides/print/volume.typ``) reads ``volume.json`` and typesets
strings as text, so no record is ever Typst source (:mod:`compendium.printing.typeset`).
Typst compiles in a sandbox: a fresh compile root holding only the print assets
and the data, empty package folders (nothing is fetched), and the fonts of the
pinned font packages with system fonts ignored. The same inputs give the same
bytes: the PDF's dates come from ``SOURCE_DATE_EPOCH`` (by default the day of the
printing it makes; a draft's, the day it is printed).

A published volume's edition is kept, not remade: ``publish`` records its first
printing (:func:`new_printing`), the site serves the last printing's bytes
(:func:`site_edition`), and only ``compendium volume reprint`` renders it again.
Keeping the bytes, rather than rendering again and failing when they differ,
means the template, Typst and the fonts can change (and be upgraded by
Dependabot) without a build ever failing or a published page number moving.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from compendium.cache import Cache
from compendium.catalog import Catalog
from compendium.files import write_atomically
from compendium.printing.typeset import Impression, volume_data
from compendium.records.volume import Printing, Volume, pdf_pages
from compendium.render.markdown import Links
from compendium.scratch import scratch
from compendium.settings import pdf_name, practice_path, printing_pdf_name, url_of, volume_path
from compendium.typefaces import FONT_PACKAGES, font_folder

TEMPLATE = "volume.typ"
DATA = "volume.json"

Progress = Callable[[str], None]
HEARTBEAT = 5.0
"""Seconds between the messages that say a long render is still typesetting."""


class PrintError(Exception):
    """The edition could not be printed; the message says why, for the editor."""


@dataclass(frozen=True)
class Edition:
    """A printed volume."""

    path: Path
    pages: int
    rendered: bool
    """False when the PDF was reused from the cache."""


def source_date(volume: Volume, impressions: tuple[Impression, ...] = ()) -> dt.datetime:
    """The moment the PDF claims to be from: ``SOURCE_DATE_EPOCH`` if set, else the day of the printing
    it makes (the last of ``impressions``), the publication day, or for a draft today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    if volume.is_published:
        day = impressions[-1].date if impressions else volume.published or dt.date.today()
    else:
        day = dt.date.today()
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def impressions_of(volume: Volume) -> tuple[Impression, ...]:
    """The printings ``volume`` keeps, as its imprint page lists them."""
    return tuple(Impression(p.printing, p.date, p.reason, p.note) for p in volume.printings)


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


def edition_data(
    catalog: Catalog,
    volume: Volume,
    moment: dt.datetime,
    site_url: str = "",
    impressions: tuple[Impression, ...] | None = None,
) -> str:
    """The volume as the JSON document the template reads, dated ``moment``, its imprint listing
    ``impressions`` (default: the printings the volume keeps)."""
    listed = impressions_of(volume) if impressions is None else impressions
    address = site_url + url_of(volume_path(volume)) if site_url else ""
    data = volume_data(catalog, volume, print_links(volume, site_url), moment, listed, address)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)


def font_paths() -> list[str]:
    """The folders of the pinned font packages' files: the only fonts Typst may use."""
    return [str(font_folder(name)) for name in FONT_PACKAGES]


def template_version(assets: Path) -> str:
    """The print template's version: the SHA-256 of the ``sha256sum`` listing of ``assets`` (each file's
    digest, two spaces and its path, sorted by path), which anyone can recompute with
    ``cd overrides/print && find . -type f | sed 's|^./||' | sort | xargs sha256sum | sha256sum``."""
    listing = "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(assets).as_posix()}\n"
        for path in sorted(
            (p for p in assets.rglob("*") if p.is_file()), key=lambda p: p.relative_to(assets).as_posix()
        )
    )
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def typesetter() -> str:
    """The typesetter and its version, as a printing records it."""
    return f"typst {version('typst')}"


def font_versions() -> list[str]:
    """The font packages and their versions, as a printing records them."""
    return [f"{package.replace('_', '-')} {version(package)}" for package in FONT_PACKAGES]


def inputs_digest(data: str, assets: Path) -> str:
    """What the PDF depends on: the data, the print assets, the fonts and Typst itself."""
    digest = hashlib.sha256(data.encode("utf-8"))
    for path in sorted(p for p in assets.rglob("*") if p.is_file()):
        digest.update(path.relative_to(assets).as_posix().encode())
        digest.update(path.read_bytes())
    for package in ("typst", "font-source-serif-pro", "font-source-sans-pro"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()


_LOCATION = re.compile(r"^\s*\S+\s+(.+?):(\d+):(\d+)\s*$", re.MULTILINE)


def _template_location(exc: Exception, root: Path, assets: str) -> str:
    """``overrides/print/volume.typ:6:30: `` for the first place Typst's diagnostic points at, named
    as the project has it (Typst names it relative to the working folder, inside the scratch root)."""
    match = _LOCATION.search(str(getattr(exc, "diagnostic", "")))
    if not match:
        return ""
    path = (Path.cwd() / match.group(1)).resolve()
    if not path.is_relative_to(root.resolve()):
        return ""
    return f"{assets}/{path.relative_to(root.resolve()).as_posix()}:{match.group(2)}:{match.group(3)}: "


@contextmanager
def heartbeat(say: Progress, label: str, every: float = HEARTBEAT) -> Iterator[None]:
    """Say every ``every`` seconds that ``label`` is still typesetting, until the block ends.

    Typst gives no progress of its own, but it releases the GIL while it compiles, so a
    thread can keep the editor informed through a render of a thousand pages."""
    done = threading.Event()
    start = time.monotonic()

    def beat() -> None:
        while not done.wait(every):
            say(f"{label}: still typesetting, {time.monotonic() - start:.0f} s so far")

    thread = threading.Thread(target=beat, name="print-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def print_volume(
    catalog: Catalog,
    volume: Volume,
    output: Path,
    progress: Progress | None = None,
    cache: Path | None = None,
    site_url: str = "",
    impressions: tuple[Impression, ...] | None = None,
) -> Edition:
    """Render ``volume``'s PDF to ``output``; reuse the one in the cache folder ``cache`` (outside the
    project: :mod:`compendium.cache`) when nothing it depends on has changed and it checks out.

    ``site_url``: the site's public address, for links to practices outside the volume.
    ``impressions``: the printings the imprint lists, the last being the one made (default: those the
    volume keeps, so a published volume renders as its last printing would, given today's template)."""
    say = progress or (lambda message: None)
    assets = catalog.project.print_assets
    if not (assets / TEMPLATE).is_file():
        raise PrintError(f"{catalog.project.display(assets / TEMPLATE)}: the print template is missing")
    listed = impressions_of(volume) if impressions is None else impressions
    moment = source_date(volume, listed)
    document = edition_data(catalog, volume, moment, site_url, listed)
    digest = inputs_digest(document, assets)
    store = Cache(cache) if cache is not None else None
    output.parent.mkdir(parents=True, exist_ok=True)
    cached = store.get(digest) if store is not None else None
    if cached is not None:
        # The pages are counted again, as for a fresh render: nothing but the checked PDF is taken on trust.
        write_atomically(output, cached)
        say(f"{volume.label}: unchanged since the last render, reused its PDF")
        return Edition(output, pdf_pages(cached), rendered=False)

    # Typst is imported only when a PDF is really rendered: a cached edition needs none of it.
    import typst

    say(f"{volume.label}: typesetting {len(volume.practices)} practices")
    with scratch("print") as folder:
        # The compile root holds only the print assets and the data: the template can read nothing else.
        root = folder / "root"
        shutil.copytree(assets, root, symlinks=False)
        (root / DATA).write_text(document, encoding="utf-8")
        nowhere = folder / "packages"
        nowhere.mkdir()
        try:
            with heartbeat(say, volume.label):
                data = typst.compile(
                    str(root / TEMPLATE),
                    root=str(root),
                    font_paths=font_paths(),
                    ignore_system_fonts=True,
                    pdf_standards="ua-1",
                    package_path=str(nowhere),
                    package_cache_path=str(nowhere),
                    timestamp=int(moment.timestamp()),
                )
        except typst.TypstError as exc:
            where = _template_location(exc, root, catalog.project.display(assets))
            # The scratch root stands for the print assets: say so, not where the scratch folder was.
            message = exc.message.replace(str(root), catalog.project.display(assets))
            raise PrintError(
                f"{where}{volume.label}: the print edition could not be typeset: {message}"
            ) from None
    assert isinstance(data, bytes)
    pages = pdf_pages(data)
    write_atomically(output, data)
    if store is not None:
        store.put(digest, data)
    say(f"{volume.label}: wrote {pages} pages")
    return Edition(output, pages, rendered=True)


def site_edition(
    catalog: Catalog,
    volume: Volume,
    output: Path,
    progress: Progress | None = None,
    cache: Path | None = None,
    site_url: str = "",
) -> Edition:
    """The PDF the site serves for ``volume`` at ``output``: a published volume's last printing, byte for
    byte as kept (checked again as it is copied); a draft's, rendered (marked a draft, with the day)."""
    printing = volume.printing
    if not volume.is_published:
        return print_volume(catalog, volume, output, progress, cache, site_url)
    if printing is None:  # validation refuses this; a build never serves a volume without its bytes
        raise PrintError(
            f"{catalog.project.display(volume.folder)}: {volume.label} keeps no printing to serve"
        )
    data = printing.pdf.read_bytes()
    if hashlib.sha256(data).hexdigest() != printing.sha256:
        raise PrintError(
            f"{catalog.project.display(printing.pdf)}: changed since it was checked; expected SHA-256 "
            f"{printing.sha256}"
        )
    write_atomically(output, data)
    (progress or (lambda message: None))(
        f"{volume.label}: serving its {printing.ordinal.lower()} printing as kept"
    )
    return Edition(output, printing.pages, rendered=False)


def rendered_bytes(
    catalog: Catalog, volume: Volume, progress: Progress | None = None, site_url: str = ""
) -> bytes:
    """``volume`` rendered now as its last printing would be (:func:`print_volume`'s default), as bytes:
    what ``reprint`` compares with the kept PDF to tell whether printing again would change anything."""
    with scratch("reproduce") as folder:
        output = folder / "again.pdf"
        print_volume(catalog, volume, output, progress, None, site_url)
        return output.read_bytes()


def new_printing(
    catalog: Catalog,
    volume: Volume,
    day: dt.date,
    reason: str | None,
    progress: Progress | None = None,
    site_url: str = "",
) -> tuple[bytes, Printing]:
    """Render the next printing of ``volume`` (published, or as ``publish`` is about to publish it) on
    ``day``, its imprint listing the printings kept and this one; its bytes and its record.

    Never from the cache: a printing is what Typst makes of these inputs now."""
    previous = volume.printing
    number = previous.printing + 1 if previous is not None else 1
    impressions = (*impressions_of(volume), Impression(number, day, reason))
    with scratch("printing") as folder:
        output = folder / "printing.pdf"
        edition = print_volume(catalog, volume, output, progress, None, site_url, impressions)
        data = output.read_bytes()
    printing = Printing(
        printing=number,
        date=day,
        reason=reason,
        sha256=hashlib.sha256(data).hexdigest(),
        replaces=previous.sha256 if previous is not None else None,
        pages=edition.pages,
        template=template_version(catalog.project.print_assets),
        typesetter=typesetter(),
        fonts=tuple(font_versions()),
        folder=volume.folder,
    )
    return data, printing


def volume_pdfs(
    catalog: Catalog,
    volume: Volume,
    folder: Path,
    progress: Progress | None = None,
    cache: Path | None = None,
    site_url: str = "",
) -> list[Edition]:
    """Every PDF of ``volume`` the site offers, written into ``folder`` (its page's): the edition
    (:func:`site_edition`) and each earlier printing kept, as it was, so a page cited in it can be found."""
    editions = [site_edition(catalog, volume, folder / pdf_name(volume), progress, cache, site_url)]
    for printing in volume.printings[:-1]:
        target = folder / printing_pdf_name(volume, printing.printing)
        data = printing.pdf.read_bytes()
        if hashlib.sha256(data).hexdigest() != printing.sha256:
            raise PrintError(
                f"{catalog.project.display(printing.pdf)}: changed since it was checked; expected SHA-256 "
                f"{printing.sha256}"
            )
        write_atomically(target, data)
        editions.append(Edition(target, printing.pages, rendered=False))
    return editions
