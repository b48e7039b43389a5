"""The site's own fonts: the print edition's typefaces, cut to Latin as WOFF2, named by the stylesheet."""

from __future__ import annotations

import io
import re
from pathlib import Path

from fontTools.ttLib import TTFont

from compendium.site.fonts import WEB_FONTS, cut, web_fonts

from .conftest import REPO


def test_each_weight_is_a_small_woff2_with_the_letters_the_pages_use(tmp_path: Path) -> None:
    assets = web_fonts(tmp_path / "cache")
    assert [a.path for a in assets] == [f"fonts/{served}" for _, _, served in WEB_FONTS]
    for asset in assets:
        assert asset.content[:4] == b"wOF2" and len(asset.content) < 40_000, asset.path
        font = TTFont(io.BytesIO(asset.content))
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in "Aa\u00e9\u2013\u2014\u2019\u201c\u201d"), asset.path
        assert 0x0416 not in cmap  # Cyrillic is cut away
        assert "GPOS" in font  # kerning kept
    # Cached: the second build reads the cut fonts back, byte for byte.
    assert [a.content for a in web_fonts(tmp_path / "cache")] == [a.content for a in assets]
    assert len(list((tmp_path / "cache").iterdir())) == len(WEB_FONTS)


def test_cutting_is_reproducible() -> None:
    from compendium.typefaces import font_folder

    package, name, _ = WEB_FONTS[0]
    font = (font_folder(package) / name).read_bytes()
    assert cut(font) == cut(font)


def test_the_stylesheet_names_exactly_the_fonts_the_site_serves(repo_site: Path) -> None:
    css = (REPO / "overrides" / "assets" / "css" / "compendium.css").read_text(encoding="utf-8")
    named = re.findall(r'url\("\.\./(fonts/[^"]+)"\)', css)
    assert sorted(named) == sorted(f"fonts/{served}" for _, _, served in WEB_FONTS)
    for path in named:
        assert (repo_site / path).read_bytes()[:4] == b"wOF2"
    home = (repo_site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="preload" href="fonts/source-serif-regular.woff2" as="font"' in home
    assert "fonts.googleapis" not in home and "fonts.gstatic" not in home
