"""Rendering a volume's print edition: the volume as JSON data, typeset by Typst to PDF/UA-1.

The template (``overrides/print/volume.typ``) reads ``volume.json`` and typesets
strings as text, so no record is ever Typst source (:mod:`compendium.printing.typeset`).
Typst compiles in a sandbox: a fresh compile root holding only the print assets
and the data, empty package folders (nothing is fetched), and the fonts of the
pinned font packages with system fonts ignored. The same inputs give the same
bytes: the PDF's dates come from ``SOURCE_DATE_EPOCH`` (by default the volume's
publication date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
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
from compendium.printing.typeset import volume_data
from compendium.records.practice import Practice
from compendium.records.volume import Volume
from compendium.render.markdown import Links
from compendium.settings import practice_path, url_of
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


def edition_data(catalog: Catalog, volume: Volume, moment: dt.datetime, site_url: str = "") -> str:
    """The volume as the JSON document the template reads, dated ``moment``."""
    data = volume_data(catalog, volume, print_links(volume, site_url), moment)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)


def font_paths() -> list[str]:
    """The folders of the pinned font packages' files: the only fonts Typst may use."""
    return [str(font_folder(name)) for name in FONT_PACKAGES]


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


_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def print_volume(
    catalog: Catalog,
    volume: Volume,
    output: Path,
    progress: Progress | None = None,
    cache: Path | None = None,
    site_url: str = "",
) -> Edition:
    """Write ``volume``'s PDF to ``output``; reuse the one in the cache folder ``cache`` (outside the
    project: :mod:`compendium.cache`) when nothing it depends on has changed and it checks out.

    ``site_url``: the site's public address, for links to practices outside the volume."""
    say = progress or (lambda message: None)
    assets = catalog.project.print_assets
    if not (assets / TEMPLATE).is_file():
        raise PrintError(f"{catalog.project.display(assets / TEMPLATE)}: the print template is missing")
    moment = source_date(volume, catalog.volume_practices(volume))
    document = edition_data(catalog, volume, moment, site_url)
    digest = inputs_digest(document, assets)
    store = Cache(cache) if cache is not None else None
    output.parent.mkdir(parents=True, exist_ok=True)
    cached = store.get(digest) if store is not None else None
    if cached is not None:
        # The pages are counted again, as for a fresh render: nothing but the checked PDF is taken on trust.
        write_atomically(output, cached)
        say(f"{volume.label}: unchanged since the last render, reused its PDF")
        return Edition(output, len(_PAGE.findall(cached)), rendered=False)

    # Typst is imported only when a PDF is really rendered: a cached edition needs none of it.
    import typst

    say(f"{volume.label}: typesetting {len(volume.practices)} practices")
    with tempfile.TemporaryDirectory(prefix="compendium-print-") as scratch:
        # The compile root holds only the print assets and the data: the template can read nothing else.
        root = Path(scratch) / "root"
        shutil.copytree(assets, root, symlinks=False)
        (root / DATA).write_text(document, encoding="utf-8")
        nowhere = Path(scratch) / "packages"
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
    pages = len(_PAGE.findall(data))
    write_atomically(output, data)
    if store is not None:
        store.put(digest, data)
    say(f"{volume.label}: wrote {pages} pages")
    return Edition(output, pages, rendered=True)
