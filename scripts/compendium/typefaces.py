"""The typefaces site and print share: Source Serif Pro and Source Sans Pro, from pinned packages.

A PDF is reproducible only with the same fonts, and the site serves the same ones
(cut and compressed, :mod:`compendium.site.fonts`), so both find them here.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

FONT_PACKAGES = ("font_source_serif_pro", "font_source_sans_pro")
"""The pinned packages whose fonts are the only ones the edition and the site use."""


def font_folder(package: str) -> Path:
    """The folder holding font package ``package``'s files."""
    return Path(import_module(package).__file__ or "").parent / "files"
