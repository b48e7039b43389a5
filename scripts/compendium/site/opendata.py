"""Open data: every practice as JSON (with its schema beside it), as CSV, and as an Atom feed."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment

from compendium.catalog import Catalog
from compendium.contribute.schema import dumps
from compendium.records.fields import NEW, Dollars, Pending
from compendium.records.places import PLACES
from compendium.records.practice import Practice
from compendium.render import facts, figures
from compendium.settings import Settings, practice_path, relative, url_of


@dataclass(frozen=True)
class Asset:
    """A generated file served as is (open data, the feed)."""

    path: str
    content: bytes


FEED_SIZE = 50
"""How many of the most recently added or updated practices a feed carries."""
FEED = "feed.xml"
"""The whole site's feed, at the site's root."""

CSV_COLUMNS = (
    "id", "title", "summary", "url", "regions", "outside_california", "partners", "focus", "populations",
    "sectors", "funding", "outcomes", "milestones", "evidence_level", "evidence_basis", "status", "submitted", "updated", "reviewed", "contact", "volumes",
    "people", "rules", "governance",
)  # fmt: skip
"""The CSV's columns; new ones go at the end, so a sheet that reads columns by position keeps working."""


def practice_data(practice: Practice, catalog: Catalog, url: str) -> dict[str, Any]:
    """Every front-matter field of ``practice``, plus its id, URL and volumes, as JSON-ready values."""
    fields = {
        f.name: _plain(getattr(practice, f.name))
        for f in dataclasses.fields(practice)
        if "spec" in f.metadata and getattr(practice, f.name) not in (None, ())
    }
    return {
        "id": practice.slug,
        "url": url,
        **fields,
        "volumes": [v.number for v in catalog.volumes_of(practice.slug)],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Pending):
        # A term the vocabulary lacks yet, as the record writes it, so no reader takes its name for an id:
        # {"new": name}, and a new region with where it lies (counties, within, state) as the record gives it.
        placed = {name: _plain(getattr(value, name)) for name in PLACES if getattr(value, name, None)}
        return {NEW: str(value), **placed}
    if isinstance(value, Dollars):
        # Whole dollars as a number, as before; an amount with cents as its exact decimal text ("122901.24"),
        # which the record's own schema takes, so no reader meets a float's rounding.
        return value.cents // 100 if value.cents % 100 == 0 else f"{value.exact:f}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    return value


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection)."""


def neutralise(cell: object) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a leading ``'``."""
    text = str(cell)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_line(row: dict[str, Any] | None, practice: Practice | None, catalog: Catalog) -> str:
    """One line of the CSV: the header (no ``row``), or a practice's columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    if row is None or practice is None:
        writer.writeheader()
    else:
        cells = _csv_cells(row) | _csv_facts(practice, catalog)
        writer.writerow({name: neutralise(value) for name, value in cells.items()})
    return out.getvalue()


@dataclass(frozen=True)
class Row:
    """A practice's part of the open data, made once per practice: its JSON object, as it stands in
    ``practices.json`` (indented), and its CSV line."""

    json: str
    csv: str


def practice_row(practice: Practice, catalog: Catalog, url: str) -> Row:
    """``practice``'s :class:`Row`, its page at ``url``."""
    data = practice_data(practice, catalog, url)
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    return Row(text.replace("\n", "\n    "), _csv_line(data, practice, catalog))


def _csv_cells(row: dict[str, Any]) -> dict[str, object]:
    """One practice's CSV columns, as plain values."""
    return {
        "id": row["id"],
        "title": row["title"],
        "summary": row["summary"],
        "url": row["url"],
        "regions": "; ".join(map(_term, row["regions"])),
        "partners": "; ".join(
            f"{p['name']} ({_term(p['type'])}, {' + '.join(p['role'])})" for p in row["partners"]
        ),
        "focus": "; ".join(map(_term, row["focus"])),
        "populations": "; ".join(map(_term, row.get("populations", []))),
        "sectors": "; ".join(map(_term, row.get("sectors", []))),
        "evidence_level": row["evidence"]["level"],
        "evidence_basis": row["evidence"]["basis"],
        "status": row["status"],
        "submitted": row["submitted"],
        "updated": row.get("updated", ""),
        "reviewed": row.get("reviewed", ""),
        "contact": row["contact"]["organisation"],
        "volumes": "; ".join(str(v) for v in row["volumes"]),
    }


def _term(term: str | dict[str, Any]) -> str:
    """A term in a CSV cell: its id, or a new term as ``new: name``, a new region with where it lies
    (``new: Salinas Valley (within: monterey-county)``; its places apart by ``|``, since ``;`` parts a list)."""
    if isinstance(term, str):
        return term
    placed = [
        f"{name}: {', '.join(term[name]) if isinstance(term[name], list) else term[name]}"
        for name in PLACES
        if name in term
    ]
    return f"{NEW}: {term[NEW]}" + (f" ({' | '.join(placed)})" if placed else "")


def _csv_facts(practice: Practice, catalog: Catalog) -> dict[str, object]:
    """The columns written as a reader reads them: ``$4,437 per participant (2021; source)``."""
    vocabulary = catalog.vocabulary
    return {
        "outside_california": "; ".join(vocabulary.outside_california(practice.regions)),
        "funding": "; ".join(
            vocabulary.label("funding_streams", f.stream)
            + (f" {figures.dollars(f.amount, f.qualifier)}" if f.amount is not None else "")
            + (" (offered)" if f.status == "offered" else "")
            + (f", {figures.period(f.period)}" if f.period else "")
            + (f", to {f.recipient}" if f.recipient else "")
            for f in practice.funding
        ),
        "outcomes": "; ".join(
            f"{o.measure}: {figures.quantity(o)} ({figures.when(o.as_of, o.period)}; {o.source})"
            + (f" [{o.kind}]" if o.kind != "outcome" else "")
            + (" [sources disagree]" if o.sources_disagree else "")
            for o in practice.outcomes
        ),
        "milestones": "; ".join(f"{figures.partial_date(m.date)}: {m.event}" for m in practice.milestones),
        "people": "; ".join(
            person.name
            + "".join(f", {part}" for part in (person.title, person.organisation, person.role) if part)
            for person in practice.people
        ),
        "rules": "; ".join(
            f"{r.rule} [{r.kind}]" + (f" ({facts.rule_figure(r)})" if r.value is not None else "")
            for r in practice.rules
        ),
        "governance": "; ".join(
            f"{s.body}: {s.member}"
            + (f", {s.role}" if s.role else "")
            + (f" ({figures.span(s.since, s.until)})" if s.since or s.until else "")
            + (f" (listed {figures.partial_date(s.as_of)})" if s.as_of else "")
            for s in practice.governance
        ),
    }


def build_open_data(
    catalog: Catalog,
    settings: Settings,
    env: Environment,
    url_of: Callable[[str], str],
    schema: dict[str, Any],
    row_of: Callable[[Practice], Row] | None = None,
) -> list[Asset]:
    """``data/practices.json``, ``data/practices.csv``, ``data/practice.schema.json`` and ``feed.xml``.

    Each practice's part is made by ``row_of`` (:func:`practice_row` by default), so a build can keep it."""
    practices = sorted(catalog.practices.values(), key=lambda p: p.slug)
    rows = [
        row_of(p) if row_of else practice_row(p, catalog, settings.site_url + url_of(practice_path(p.slug)))
        for p in practices
    ]
    # The data's own date, not the build's, so an unchanged catalog yields identical files.
    as_of = max((p.last_changed for p in practices), default=dt.date(1970, 1, 1))
    document = {
        "title": settings.site_name,
        "as_of": as_of.isoformat(),
        "schema": "practice.schema.json",
        "count": len(rows),
        "practices": [],
    }
    # The rows are put in as written (each one json.dumps would write there), one after the other.
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    if rows:
        head, tail = text.rsplit('"practices": []', 1)
        text = head + '"practices": [\n    ' + ",\n    ".join(row.json for row in rows) + "\n  ]" + tail
    feed = render_feed(
        env, settings, f"{settings.site_name}: new and updated practices", FEED, "index.md", practices, as_of
    )
    return [
        Asset("data/practices.json", (text + "\n").encode()),
        Asset(
            "data/practices.csv",
            (_csv_line(None, None, catalog) + "".join(row.csv for row in rows)).encode("utf-8"),
        ),
        Asset("data/practice.schema.json", dumps(schema).encode()),
        Asset(FEED, feed.encode()),
    ]


def render_feed(
    env: Environment,
    settings: Settings,
    title: str,
    path: str,
    page: str,
    practices: list[Practice],
    as_of: dt.date,
) -> str:
    """An Atom feed at ``path`` (site-relative) of the ``FEED_SIZE`` practices of ``practices`` added or
    updated last, announcing ``page`` as the page it follows; dated by its newest entry, else ``as_of``."""
    entries = sorted(practices, key=lambda p: (p.last_changed, p.slug), reverse=True)[:FEED_SIZE]
    # Without a public address the links stay relative, to the feed's own folder.
    return env.get_template("feed.xml.j2").render(
        site=settings,
        title=title,
        feed_id=settings.site_url + path if settings.site_url else "urn:compendium:" + path,
        self_url=path,
        page_url=url_of(page),
        as_of=max((p.last_changed for p in entries), default=as_of),
        entries=entries,
        link=lambda p: (
            settings.site_url + url_of(practice_path(p.slug))
            if settings.site_url
            else relative(path, practice_path(p.slug))
        ),
    )
