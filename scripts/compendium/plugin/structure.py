"""MkDocs pages whose HTML the core has already made (see :mod:`compendium.site.converter`)."""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from compendium.site.converter import Html, split_front_matter


class ConvertedPage(Page):
    """A generated page that brings its HTML; MkDocs converts it only if its Markdown changed since.

    Another plugin's ``on_page_markdown`` may rewrite a page's Markdown; the HTML
    made ahead is used only while the Markdown is exactly what it was made from.
    """

    def __init__(self, file: File, config: MkDocsConfig, html: Html) -> None:
        super().__init__(None, file, config)
        self.html = html
        self.converted_ahead = False
        """True once :meth:`render` used the HTML made ahead (already sanitized, blocks in place)."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown != split_front_matter(self.file.content_string):
            self.converted_ahead = False
            super().render(config, files)
            return
        self.content = self.html.content
        self.toc = get_toc(self.html.toc)  # type: ignore[arg-type]  # Python-Markdown's own tokens
        self.present_anchor_ids = set(self.html.ids)
        # What MkDocs' anchor validation (validation.anchors) checks after the build.
        links: dict[File, dict[str, str]] = {}
        for path, anchor, written in self.html.anchor_links:
            target = files.get_file_from_path(path)
            if target is not None:
                links.setdefault(target, {}).setdefault(anchor, written)
        self.links_to_anchors = links
        self.converted_ahead = True


@dataclass(frozen=True)
class ThemedPage:
    """A generated page as a preview build put it into the theme, for the next rebuild to reuse."""

    key: str
    """The key of all the page was made from (:attr:`compendium.site.pages.Page.key`), with the theme's."""
    output: str
    """What the theme's templates wrote, before the policy and the problems panel."""
    base_url: str
    """The page's way back to the site's root, which its policy's script hashes are made with."""
    searched: str | None
    """The HTML handed to Pagefind for it, if it is indexed."""
