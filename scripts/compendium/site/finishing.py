"""The HTML pass the plugin makes on each generated page, made after a generator without plugins.

In a MkDocs build the plugin converts a generated page's Markdown, in which the
templates' HTML blocks and all record text stand as tokens, then sanitizes the
result and puts the blocks back (:func:`finish_html`) before the theme wraps it.
Zensical runs no plugin, so ``compendium materialize`` writes the same stashed
Markdown, between two marker paragraphs, and the blocks into :data:`FINISHING`
beside the pages; once the generator has built the site, ``compendium finish``
cleans what it made between the markers and puts the blocks back: the same
sanitizer on the same HTML, so a title's ``[x](javascript:…)`` is no live link
on either route, and the generator's Markdown never reads a record's text.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from compendium.files import write_atomically
from compendium.site.converter import finish_html

FINISHING = "compendium-finishing.json"
"""The blocks of every generated page, written into the docs folder by materialize; finish removes it."""
_TOKEN = "CMPBLOCK"
"""How a token starts, so that the sanitizer keeps it as text (see :class:`compendium.site.pages.Page`)."""


class FinishError(Exception):
    """A built page cannot be finished; the message names it and says what was expected."""


@dataclass(frozen=True)
class Stash:
    """Generated pages' Markdown as the generator is to read it, and the blocks ``finish`` puts back."""

    start: str
    end: str
    blocks: dict[str, str]

    @classmethod
    def new(cls) -> Stash:
        # Secret, as the pages' own tokens are: no record text can forge a marker.
        start, end = (f"{_TOKEN}{secrets.token_hex(10).upper()}" for _ in range(2))
        return cls(start, end, {})

    def page(self, front_matter: str, body: str, blocks: dict[str, str]) -> str:
        """A page's document: its front matter, then its stashed body between the markers."""
        self.blocks.update(blocks)
        return f"{front_matter}{self.start}\n\n{body.strip()}\n\n{self.end}\n"

    def data(self) -> bytes:
        """The :data:`FINISHING` file."""
        document = {"start": self.start, "end": self.end, "blocks": self.blocks}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def finish_pages(site: Path) -> int:
    """Clean and complete every generated page of ``site``, built from the materialized tree; return
    how many were finished. Pages are finished one by one and the blocks removed last, so running
    this again, after an interruption or not, finishes what is left and changes nothing more."""
    stash = site / FINISHING
    if not stash.is_file():
        return 0
    try:
        data = json.loads(stash.read_text(encoding="utf-8"))
        start, end, blocks = f"<p>{data['start']}</p>", f"<p>{data['end']}</p>", dict(data["blocks"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FinishError(
            f"{stash}: expected the blocks 'compendium materialize' wrote, could not read them ({exc}); "
            "materialize and build the site again"
        ) from None
    finished = 0
    problems: list[str] = []
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        opening = html.find(start)
        if opening < 0:
            continue
        closing = html.find(end, opening)
        if closing < 0 or html.count(start) != 1 or html.count(end) != 1:
            problems.append(
                f"{path}: expected the page's text between one pair of the tree's markers, found "
                f"{html.count(start)} opening and {html.count(end)} closing; build the site again"
            )
            continue
        content = finish_html(html[opening + len(start) : closing], blocks)
        write_atomically(path, html[:opening] + content + html[closing + len(end) :])
        finished += 1
    if problems:
        raise FinishError("\n".join(problems))
    stash.unlink()
    return finished
