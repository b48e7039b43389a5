"""How a practice's facts are grouped for readers, the same on the site and in print."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from compendium.records.addresses import AddressError, read_web_address
from compendium.records.practice import Outcome, Partner, Rule, Seat
from compendium.records.vocabulary import FIRST_ROLES, Vocabulary
from compendium.render import figures


def partner_groups(partners: Sequence[Partner]) -> list[tuple[str, list[Partner]]]:
    """Partners by their first role, the lead and conveners first, then in the order roles first appear;
    a partner with several roles is listed once, under its first (an organisation listed once per
    phase, its role having changed, is listed under each entry's role)."""
    groups: dict[str, list[Partner]] = {role: [] for role in FIRST_ROLES}
    for partner in partners:
        groups.setdefault(partner.role[0], []).append(partner)
    return [(role, members) for role, members in groups.items() if members]


def outcome_tables(outcomes: Iterable[Outcome]) -> list[tuple[str, list[Outcome]]]:
    """The figures a practice reports as its results, then its targets, then the context figures,
    each as one table."""
    listed = list(outcomes)
    results = [o for o in listed if o.kind not in ("context", "target")]
    targets = [o for o in listed if o.kind == "target"]
    context = [o for o in listed if o.kind == "context"]
    tables = [("Reported outcomes", results), ("Targets", targets), ("Context figures", context)]
    return [(heading, rows) for heading, rows in tables if rows]


def disputed(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """The figures whose sources disagree: each marked so, and every other figure of the same measure,
    so a reader sees both sides and takes neither for the fact."""
    listed = list(outcomes)
    measures = {_key(o.measure) for o in listed if o.sources_disagree}
    return [o for o in listed if _key(o.measure) in measures]


def bodies(seats: Iterable[Seat]) -> list[tuple[str, list[Seat]]]:
    """Seats by the body they are on, bodies in the order they first appear."""
    grouped: dict[str, list[Seat]] = {}
    for seat in seats:
        grouped.setdefault(seat.body, []).append(seat)
    return list(grouped.items())


@dataclass(frozen=True)
class _Figure:
    value: str
    unit: str | None
    qualifier: str
    up_to: str | None
    per: str | None


def rule_figure(rule: Rule) -> str:
    """The number a rule holds, as readers read it (``local employers among the steering committee's
    members: 25%+``), or nothing when it holds none."""
    if rule.value is None:
        return ""
    shown = figures.quantity(_Figure(rule.value, rule.unit, rule.qualifier, rule.up_to, rule.per))
    return f"{rule.applies_to}: {shown}" if rule.applies_to else shown


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def regions_by_system(vocabulary: Vocabulary) -> list[tuple[str, list[str]]]:
    """Every region, grouped by its system in the vocabulary's order of systems, by label within one."""
    return regions_grouped(vocabulary, vocabulary.regions)


def regions_grouped(vocabulary: Vocabulary, children: Iterable[str]) -> list[tuple[str, list[str]]]:
    """``regions`` grouped by system, in the vocabulary's order of systems and by label within one."""
    by_system: dict[str, list[str]] = {system: [] for system in vocabulary.file.systems}
    for child in children:
        by_system[vocabulary.regions[child].system].append(child)
    return [
        (system, sorted(ids, key=lambda r: vocabulary.label("regions", r).casefold()))
        for system, ids in by_system.items()
        if ids
    ]


def source_label(source: str) -> str:
    """How a source is named in a table: its site for a web address (the link holds the rest)."""
    if not source.startswith(("http://", "https://")):
        return source
    try:
        host = read_web_address(source).host  # the host a browser opens, as validation read it
    except AddressError:
        return source
    return host.removeprefix("www.")
