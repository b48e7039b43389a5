"""What ``mkdocs serve`` shows while the records have problems: the problems themselves, on every page.

MkDocs stops a rebuild at the first error and leaves the browser on the old page
("the server will appear stuck"). The preview instead keeps the last good site and
puts the problems, each with its file and line, at the top of every page, so a
contributor sees them where they look and the page reloads clean once they are fixed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import escape

from compendium.records.problem import Problem, sort_problems

_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def problems_panel(problems: Sequence[Problem], showing_last_good: bool) -> str:
    """The panel listing ``problems``, escaped (a problem quotes the record's text)."""
    found = sort_problems(problems)
    count = f"{len(found)} problem{'s' if len(found) != 1 else ''} in the records"
    shown = (
        "This preview shows the site as it was before them."
        if showing_last_good
        else "The site cannot be shown until they are fixed."
    )
    items = "".join(f"<li><code>{escape(p.where)}</code> {escape(p.message)}</li>" for p in found)
    return (
        f'<div class="cmp-problems" role="alert"><p class="cmp-problems__title"><strong>{count}.</strong> '
        f"{shown} Fix them and save: the page reloads.</p><ul>{items}</ul></div>"
    )


def with_problems(page: str, problems: Sequence[Problem], showing_last_good: bool) -> str:
    """``page`` with the problems panel first in its body; ``page`` itself when there are none."""
    if not problems:
        return page
    match = _BODY.search(page)
    if match is None:
        return page
    return page[: match.end()] + problems_panel(problems, showing_last_good) + page[match.end() :]
