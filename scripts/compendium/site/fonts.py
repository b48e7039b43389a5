"""The site's fonts: the print edition's Source Serif and Source Sans, served from the site itself.

The pinned packages carry whole OpenType fonts (about 230 KB a weight); a page
needs the Latin letters and punctuation only, so each weight the stylesheet
names is cut to those characters (kerning and ligatures kept) and compressed as
WOFF2 with fontTools, about a tenth of the size. The result depends only on the
font and fontTools, so it is cached (outside the project): a build cuts the fonts once.
"""

from __future__ import annotations

import hashlib
import io
from importlib.metadata import version
from pathlib import Path

from compendium.cache import Cache
from compendium.site.opendata import Asset
from compendium.typefaces import font_folder

FOLDER = "fonts"
"""Where the site serves them; ``overrides/assets/css/compendium.css`` names them there."""

WEB_FONTS = (
    ("font_source_serif_pro", "SourceSerifPro-Regular.otf", "source-serif-regular.woff2"),
    ("font_source_serif_pro", "SourceSerifPro-It.otf", "source-serif-italic.woff2"),
    ("font_source_serif_pro", "SourceSerifPro-Semibold.otf", "source-serif-semibold.woff2"),
    ("font_source_sans_pro", "SourceSansPro-Regular.otf", "source-sans-regular.woff2"),
    ("font_source_sans_pro", "SourceSansPro-Bold.otf", "source-sans-bold.woff2"),
)
"""(package, font file, name on the site) for each weight the stylesheet uses."""

LATIN = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,"
    "U+2074,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+2713,U+2715,U+25B8,U+25BE,U+FEFF,U+FFFD"
)
"""The characters kept: Latin-1, typographic punctuation and the few symbols the pages use (✓ ✕ ▸ ▾)."""


def cut(font: bytes) -> bytes:
    """``font`` cut to :data:`LATIN`, as WOFF2."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = [
        "kern",
        "liga",
        "clig",
        "calt",
        "ccmp",
        "locl",
        "mark",
        "mkmk",
        "onum",
        "lnum",
        "tnum",
    ]
    options.hinting = False  # screens today rasterise without it; it is a third of the size
    loaded = subset.load_font(io.BytesIO(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(LATIN))
    subsetter.subset(loaded)
    out = io.BytesIO()
    subset.save_font(loaded, out, options)
    return out.getvalue()


def web_fonts(cache: Path | None = None) -> list[Asset]:
    """The site's font files, from the cache folder ``cache`` (outside the project: :mod:`compendium.cache`)
    when the same font was cut by the same fontTools before; a cached font is used only when it checks out."""
    assets = []
    cutter = (version("fonttools") + LATIN).encode()
    store = Cache(cache) if cache is not None else None
    for package, name, served in WEB_FONTS:
        font = (font_folder(package) / name).read_bytes()
        key = f"{served}.{hashlib.sha256(font + cutter).hexdigest()[:20]}"
        data = store.get(key) if store is not None else None
        if data is None:
            data = cut(font)
            if store is not None:
                store.put(key, data)
        assets.append(Asset(f"{FOLDER}/{served}", data))
    return assets
