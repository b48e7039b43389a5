"""A volume as data for the Typst template: every value a string or a structure, never Typst source.

The template (``overrides/print/volume.typ``) reads ``volume.json`` from its
compile root and typesets it; record text arrives as the blocks and runs of
:mod:`compendium.render.structure`, facts as strings already written the way
readers read them (:mod:`compendium.render.figures`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from compendium.catalog import Catalog
from compendium.records.fields import UNKNOWN
from compendium.records.practice import Person, Practice, Source
from compendium.records.vocabulary import Vocabulary
from compendium.records.volume import Volume, ordinal
from compendium.render import charts, facts, figures
from compendium.render.markdown import Links
from compendium.render.structure import text_structure


@dataclass(frozen=True)
class Impression:
    """A printing as the imprint page lists it (its bytes' checksum is not known inside them)."""

    number: int
    date: dt.date
    reason: str | None = None
    note: str | None = None


def long_date(day: dt.date) -> str:
    """A date as the edition prints it, as the site does: December 4, 2026."""
    return f"{day:%B} {day.day}, {day.year}"


def volume_data(
    catalog: Catalog,
    volume: Volume,
    links: Links,
    moment: dt.datetime,
    impressions: Sequence[Impression] = (),
    address: str = "",
) -> dict[str, Any]:
    """Everything the template prints, in reading order. ``impressions``: the printings the imprint lists
    (a draft has none: it is marked a draft printed on ``moment``'s day); ``address``: the volume's
    page on the public site, if known."""
    vocabulary = catalog.vocabulary
    practices = catalog.volume_practices(volume)
    partners: dict[str, list[str]] = {}
    for slug in volume.practices:
        for partner in practices[slug].partners if slug in practices else ():
            users = partners.setdefault(partner.name, [])
            if slug not in users:
                users.append(slug)
    count = len(practices)
    subject = f"{volume.label} of the Regional Partnership Practices Compendium: {count} practices"
    return {
        "subject": subject + (f". {volume.description}" if volume.description else ""),
        "keywords": ["regional partnerships", "workforce development", "California"]
        + [section.title for section in volume.sections],
        "title": volume.title,
        "subtitle": volume.subtitle or "",
        "label": volume.label,
        "publishers": list(volume.publishers),
        "date": {"year": moment.year, "month": moment.month, "day": moment.day},
        "published": figures.partial_date(volume.published.isoformat()) if volume.published else "",
        "published_long": long_date(volume.published) if volume.published and volume.is_published else "",
        "draft": "" if volume.is_published else long_date(moment.date()),
        "editors": list(volume.editors),
        "address": address,
        "printings": [
            {
                "ordinal": ordinal(impression.number),
                "date": long_date(impression.date),
                "reason": impression.reason or "",
                "note": impression.note or "",
            }
            for impression in impressions
        ],
        "description": volume.description or "",
        "foreword": text_structure(volume.foreword, links),
        "sections": [
            {
                "title": section.title,
                "profile": _profile(vocabulary, section.region) if section.region else [],
                "practices": [
                    _practice(vocabulary, practices[slug], links)
                    for slug in section.practices
                    if slug in practices
                ],
            }
            for section in volume.sections
        ],
        "index": [
            {"name": name, "practices": slugs}
            for name, slugs in sorted(
                partners.items(), key=lambda item: item[0].casefold().removeprefix("the ")
            )
        ],
        "errata": [
            {
                "date": long_date(erratum.date),
                "practice": erratum.practice or "",
                "title": practices[erratum.practice].title
                if erratum.practice and erratum.practice in practices
                else "",
                "text": erratum.text,
            }
            for erratum in volume.errata
        ],
    }


def _profile(vocabulary: Vocabulary, region: str) -> list[str]:
    """A section's region, as lines: its system and place, what it holds, its figures."""
    if region not in vocabulary.regions:
        return []
    entry = vocabulary.regions[region]
    place = vocabulary.label("systems", entry.system)
    parents = [vocabulary.label("regions", r) for r in vocabulary.region_parents(region)]
    if parents:
        place += ", within " + "; ".join(parents)
    lines = [place + "." + (f" {entry.description}" if entry.description else "")]
    for system, ids in facts.regions_grouped(vocabulary, vocabulary.region_children(region)):
        name = vocabulary.file.systems[system]
        heading = name.several if len(ids) != 1 else name.label
        lines.append(f"{heading} in it: " + "; ".join(vocabulary.label("regions", r) for r in ids) + ".")
    for figure in entry.figures:
        source = vocabulary.file.sources[figure.source].title
        lines.append(
            f"{figure.measure}: {figures.quantity(figure)} ({figures.partial_date(figure.as_of)}; {source})."
        )
    return lines


def _practice(vocabulary: Vocabulary, practice: Practice, links: Links) -> dict[str, Any]:
    label = vocabulary.label
    glance: list[list[Any]] = [["Regions", "; ".join(label("regions", r) for r in practice.regions)]]
    outside = vocabulary.outside_california(practice.regions)
    if outside:
        glance[0][1] += f" (outside California: {', '.join(outside)})"
    if practice.instance_of:
        glance.append(
            ["Part of", f"This region's instance of {label('funding_streams', practice.instance_of)}"]
        )
    against = facts.disputed(practice.outcomes)
    groups = [
        {
            "role": label("partner_roles", role),
            "partners": [_partner(vocabulary, partner, role) for partner in members],
        }
        for role, members in facts.partner_groups(practice.partners)
    ]
    for name, vocab, terms in (
        ("Focus", "focus", practice.focus),
        ("Populations", "populations", practice.populations),
        ("Sectors", "sectors", practice.sectors),
    ):
        if terms:
            glance.append([name, "; ".join(label(vocab, t) for t in terms)])
    if practice.no_lead_named:
        glance.append(["Lead", "The sources name no lead organisation"])
    if practice.people:
        glance.append(["People named", "; ".join(_person(person) for person in practice.people)])
    if practice.funding:
        glance.append(["Funding", "; ".join(_funding(vocabulary, f) for f in practice.funding)])
    glance.append(
        [
            "Evidence",
            f"{label('evidence_levels', practice.evidence.level)} ({label('evidence_bases', practice.evidence.basis)})",
        ]
    )
    added = figures.partial_date(practice.submitted.isoformat())
    if practice.updated:
        added += f"; updated {figures.partial_date(practice.updated.isoformat())}"
    glance.append(["Added", added])
    return {
        "slug": practice.slug,
        "title": practice.title,
        "summary": practice.summary,
        "glance": glance,
        "partners": groups,
        "body": text_structure(practice.body, links, shift=1),
        "phases": [
            [label("phases", ph.phase), figures.span(ph.start, ph.end), ph.note] for ph in practice.phases
        ],
        "milestones": [
            ["Date not known" if m.date == UNKNOWN else figures.partial_date(m.date), m.event]
            for m in practice.milestones
        ],
        "outcomes": [
            {
                "heading": heading,
                "rows": [
                    [
                        o.measure
                        + (f" ({label('populations', o.group)})" if o.group else "")
                        + (" (the wider programme)" if o.scope == "programme" else "")
                        + (" (sources disagree on this figure)" if o in against else ""),
                        figures.quantity(o),
                        "Undated: the source gives no date" if o.undated else figures.when(o.as_of, o.period),
                        facts.source_label(o.source),
                    ]
                    for o in rows
                ],
            }
            for heading, rows in facts.outcome_tables(practice.outcomes)
        ],
        "rules": [
            [
                r.rule
                + (f" ({facts.rule_figure(r)})" if r.value is not None else "")
                + (f" ({label('phases', r.phase).lower()})" if r.phase else ""),
                RULE_KIND_LABELS[r.kind],
                ", ".join(
                    part
                    for part in (r.set_by, figures.partial_date(r.adopted) if r.adopted else None)
                    if part
                ),
                facts.source_label(r.source),
            ]
            for r in practice.rules
        ],
        "governance": [
            {
                "body": body,
                "seats": [
                    seat.member
                    + (f" ({seat.person})" if seat.person else "")
                    + (f", {seat.role}" if seat.role else "")
                    + (f": {figures.span(seat.since, seat.until)}" if seat.since or seat.until else "")
                    + (f"; listed {figures.partial_date(seat.as_of)}" if seat.as_of else "")
                    for seat in seats
                ],
            }
            for body, seats in facts.bodies(practice.governance)
        ],
        "charts": [
            {
                "measure": chart.measure,
                "summary": chart.summary,
                "bars": [{"when": b.when, "text": b.text, "ratio": b.ratio} for b in chart.bars],
            }
            for chart in charts.charts(practice.outcomes)
        ],
        "recognition": [
            award.award
            + (f", {award.by}" if award.by else "")
            + (f" ({figures.partial_date(award.date)})" if award.date else "")
            for award in practice.recognition
        ],
        "contact": practice.contact.organisation
        + (f" ({practice.contact.url})" if practice.contact.url else ""),
        "sources": [_source(s) for s in practice.sources],
    }


RULE_KIND_LABELS = {"condition": "Condition", "pledge": "Pledge", "governance": "Governance"}


def _source(source: Source) -> str:
    if source.copy_of is None:
        return (
            (source.title or source.url or "")
            + (f", {source.publisher}" if source.publisher else "")
            + (f" ({source.date})" if source.date else "")
        )
    original = source.copy_of
    copy = source.url or source.title or ""
    return (
        original.title
        + (f", {original.publisher}" if original.publisher else "")
        + (f" ({original.date})" if original.date else "")
        + f"; read in a copy at {copy}"
        + (f", titled “{source.title}”" if source.title and source.url else "")
    )


def _person(person: Person) -> str:
    held = ", ".join(part for part in (person.title, person.organisation) if part)
    return person.name + (f" ({held})" if held else "") + (f": {person.role}" if person.role else "")


def _partner(vocabulary: Vocabulary, partner: Any, role: str) -> str:
    kind = [vocabulary.label("partner_types", partner.type)]
    kind += [f"also {vocabulary.label('partner_roles', r).lower()}" for r in partner.role if r != role]
    if partner.part_of:
        kind.append(f"part of {partner.part_of}")
    if partner.phases:
        kind.append("in " + ", ".join(vocabulary.label("phases", ph).lower() for ph in partner.phases))
    if partner.left == UNKNOWN:
        kind.append("has left (date not known)")
    if partner.formerly:
        kind.append(
            f"formerly {partner.formerly}"
            + (f" (renamed {figures.partial_date(partner.renamed)})" if partner.renamed else "")
        )
    return f"{partner.name} ({'; '.join(kind)})" + (f": {partner.note}" if partner.note else "")


def _funding(vocabulary: Vocabulary, funding: Any) -> str:
    text = vocabulary.label("funding_streams", funding.stream)
    if funding.name_in_source:
        text += f" (“{funding.name_in_source}”)"
    if funding.amount is not None:
        text += f": {figures.dollars(funding.amount, funding.qualifier)}"
    if funding.status == "offered":
        text += " offered"
    if funding.awarded:
        text += f", {figures.partial_date(funding.awarded)}"
    if funding.period:
        text += f", for {figures.period(funding.period)}"
    if funding.recipient:
        text += f", to {funding.recipient} (a share for one partner, not the practice's whole funding)"
    if funding.note:
        text += f". {funding.note}"
    return text
