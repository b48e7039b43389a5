"""How a practice's facts are grouped for readers, the same on the site and in print."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from compendium.records.addresses import AddressError, read_web_address
from compendium.records.practice import Outcome, Partner
from compendium.records.vocabulary import LEADING_ROLES, Vocabulary


def partner_groups(partners: Sequence[Partner]) -> list[tuple[str, list[Partner]]]:
    """Partners by their first role, leading roles first, then in the order roles first appear;
    a partner with several roles is listed once, under its first."""
    groups: dict[str, list[Partner]] = {role: [] for role in LEADING_ROLES}
    for partner in partners:
        groups.setdefault(partner.role[0], []).append(partner)
    return [(role, members) for role, members in groups.items() if members]


def outcome_tables(outcomes: Iterable[Outcome]) -> list[tuple[str, list[Outcome]]]:
    """The figures a practice reports as its results, then the context figures, each as one table."""
    results = [o for o in outcomes if o.kind != "context"]
    context = [o for o in outcomes if o.kind == "context"]
    tables = [("Reported outcomes", results), ("Context figures", context)]
    return [(heading, rows) for heading, rows in tables if rows]


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
