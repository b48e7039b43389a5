"""Indexing practice pages with Pagefind (``pagefind[bin]`` from PyPI), for the "Find a practice" page.

Only practice pages are indexed, with their facets as Pagefind filters, so a
reader's browser loads index chunks on demand instead of one whole index.

The index is built from the generated pages themselves, not from the finished
site: as soon as a build has generated its pages, a second process converts the
practice pages' Markdown (with the site's Markdown settings), writes each as a
bare HTML document under its own URL in a scratch folder, and runs Pagefind
over that, writing the bundle into the site. So indexing runs on the second
core while the build renders every page on the first, instead of after it.
"""

from __future__ import annotations

import html
import pickle
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BUNDLE = "pagefind"
"""The bundle's folder in the site, where the finder's script loads it from."""

_BLOCK = re.compile(r"<p>(CMPBLOCK[0-9A-F]+)</p>")


class SearchError(Exception):
    """Pagefind could not index the site; the message says why."""


@dataclass(frozen=True)
class SearchDocument:
    """One page to index: its URL in the site and its generated Markdown (see ``render.site.Page``)."""

    url: str
    """The page's directory URL relative to the site root, e.g. ``practices/<slug>/``."""
    markdown: str
    blocks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MarkdownSettings:
    """The site's Markdown extensions, so indexed text is the text readers see."""

    extensions: list[Any]
    configs: dict[str, Any]
    language: str = "en"


class Indexing:
    """A Pagefind run over ``documents``, started now in its own process and awaited with ``finish``."""

    def __init__(self, site_dir: Path, documents: list[SearchDocument], settings: MarkdownSettings) -> None:
        self.site_dir = site_dir
        with tempfile.NamedTemporaryFile(
            "wb", prefix="compendium-search-", suffix=".pickle", delete=False
        ) as job:
            pickle.dump((documents, settings), job, protocol=pickle.HIGHEST_PROTOCOL)
        self._job = Path(job.name)
        command = [sys.executable, "-m", "compendium.search", str(self._job), str(site_dir / BUNDLE)]
        try:
            self._process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        except OSError as exc:
            self._job.unlink(missing_ok=True)
            raise SearchError(f"Pagefind could not start: {exc}") from None

    def finish(self) -> str:
        """Wait for Pagefind; return its one-line summary or raise :class:`SearchError`."""
        try:
            stdout, stderr = self._process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            self.cancel()
            raise SearchError("Pagefind took more than 10 minutes and was stopped") from None
        finally:
            self._job.unlink(missing_ok=True)
        if self._process.returncode != 0:
            raise SearchError(f"Pagefind failed to index {self.site_dir}:\n{stdout}{stderr}")
        lines = [line.strip() for line in stdout.splitlines() if line.strip()]
        pages = next((line for line in lines if line.startswith("Indexed ") and "page" in line), "")
        return f"Pagefind: {pages or 'indexed the site'}"

    def cancel(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._job.unlink(missing_ok=True)


def write_documents(documents: list[SearchDocument], settings: MarkdownSettings, folder: Path) -> None:
    """Each document as ``folder/<url>/index.html``: the page's content, sanitized, as Pagefind reads it."""
    import markdown

    from compendium.render.sanitize import clean_html

    # One converter, reset between pages: MkDocs builds a new one per page, which costs more than the text.
    converter = markdown.Markdown(extensions=settings.extensions, extension_configs=settings.configs)
    # Block tokens are unique across a build's pages, so one table serves every document.
    blocks = {token: block for document in documents for token, block in document.blocks.items()}
    for document in documents:
        converter.reset()
        body = clean_html(converter.convert(_without_front_matter(document.markdown)))
        body = _BLOCK.sub(lambda m: blocks.get(m.group(1), m.group(0)), body)
        target = folder / document.url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f'<!DOCTYPE html>\n<html lang="{html.escape(settings.language)}"><head><meta charset="utf-8">'
            "</head>"
            f"<body><main data-pagefind-body>{body}</main></body></html>\n",
            encoding="utf-8",
        )


def _without_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + len("\n---\n") :]
    return text


def main(argv: list[str]) -> int:
    """``python -m compendium.search JOB BUNDLE``: index the pickled documents into the bundle folder."""
    job, bundle = Path(argv[0]), Path(argv[1])
    with job.open("rb") as handle:
        documents, settings = pickle.load(handle)  # written by Indexing, in this build
    with tempfile.TemporaryDirectory(prefix="compendium-search-") as scratch:
        write_documents(documents, settings, Path(scratch))
        command = [
            sys.executable, "-m", "pagefind", "--site", scratch, "--output-path", str(bundle),
            "--glob", "**/index.html",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
