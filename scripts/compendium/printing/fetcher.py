"""A WeasyPrint URL fetcher that serves only the project's own print assets and fonts.

WeasyPrint's default fetcher reads any local file (``file:///etc/passwd``,
``../``) and any web address into the PDF. Ours serves the files under the
print assets folder and the fonts shipped by the font packages, and refuses
everything else with an error that stops the render, so nothing unexpected is
ever embedded.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import font_source_sans_pro
import font_source_serif_pro
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

FONT_DIRS = tuple(
    Path(module.__file__).parent / "files" for module in (font_source_serif_pro, font_source_sans_pro)
)
"""Fonts come from Python packages pinned in pyproject.toml, never from the machine, so every
machine of a kind renders the same bytes."""


class FetchRefused(FatalURLFetchingError):  # type: ignore[misc]
    """The print edition asked for something outside the project's print assets."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused to fetch {url}: {reason}")
        self.url = url
        self.reason = reason


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``file:`` URLs inside ``assets`` and ``font:<file name>`` URLs; refuses the rest."""

    def __init__(self, assets: Path) -> None:
        super().__init__(allowed_protocols=("file", "font"), fail_on_errors=True)
        self.assets = assets.resolve()

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "font":
            return self._font(url, unquote(parts.path))
        if parts.scheme != "file":
            raise FetchRefused(
                url, "the print edition uses no network or data addresses; only its own assets"
            )
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.assets):
            raise FetchRefused(url, f"only files under {self.assets} may be embedded")
        if not path.is_file():
            raise FetchRefused(url, "no such file among the print assets")
        return self._file(url, path)

    def _font(self, url: str, name: str) -> URLFetcherResponse:
        if "/" in name or "\\" in name:
            raise FetchRefused(url, "a font is named by its file name alone")
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                return self._file(url, folder / name)
        raise FetchRefused(url, "no such font in the font packages")

    @staticmethod
    def _file(url: str, path: Path) -> URLFetcherResponse:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix in (".ttf", ".otf"):
            mime = "font/" + path.suffix[1:]
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})
