"""The catalog: every record, the vocabulary and the volumes, loaded strictly and checked together.

This is the one entry point the validator, the site and the print edition share,
so that all three see the same records and the same problems.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from compendium.cache import Memo, key_of, tracked_cache_problems
from compendium.parallel import DEFAULT_PROCESSES, map_in_halves
from compendium.records.body import check_body
from compendium.records.docs_folder import check_docs_folder
from compendium.records.fields import (
    SLUG,
    Context,
    Pending,
    Reported,
    describe,
    pending_terms,
    slugify,
    suggest,
    terms_in,
)
from compendium.records.filing import Filing
from compendium.records.history import History, read_history
from compendium.records.loader import KeyPath, LoadError, Mark, find_mark, load_record, load_yaml, read_text
from compendium.records.lookalikes import skeleton
from compendium.records.practice import PRACTICE, RESERVED_IDS, Practice
from compendium.records.printings import load_printings
from compendium.records.problem import Problem, sort_problems
from compendium.records.project import SCHEMA_FILE, VOCABULARY_FILE, Project
from compendium.records.rules import broken as broken_rules
from compendium.records.rules import name_key
from compendium.records.vocabulary import (
    RETIRED,
    Vocabulary,
    load_vocabulary,
)
from compendium.records.volume import (
    CHECKSUMS,
    ERRATA,
    ERRATA_FILE,
    FOLDER,
    FOREWORD,
    FROZEN,
    FROZEN_VOCABULARY,
    MANIFEST,
    PRINTINGS,
    VOLUME,
    Errata,
    Volume,
    compare_checksums,
    frozen_files,
    parse_checksums,
    sha256,
)


@dataclass
class Catalog:
    """Everything the outputs are built from, valid or not yet checked across records."""

    project: Project
    vocabulary: Vocabulary
    practices: dict[str, Practice] = field(default_factory=dict)
    """Every practice by slug, in slug order."""
    volumes: dict[int, Volume] = field(default_factory=dict)
    """Every volume by number, in number order."""
    frozen: dict[tuple[int, str], Practice] = field(default_factory=dict)
    """The practices as each published volume carries them, by (volume number, slug)."""
    marks: dict[Path, dict[KeyPath, Mark]] = field(default_factory=dict, repr=False)
    """Where each field of each loaded record and manifest sits, for problems found after loading."""
    notes: list[Problem] = field(default_factory=list)
    """What validation could check less fully than it should, and why (no git history here): said, not failed."""
    keys: dict[str, str] = field(default_factory=dict, repr=False)
    """Each practice's key (:func:`~compendium.cache.key_of`) of everything its reading depends on: its
    bytes, the vocabulary, the day, the project. Work made from a practice alone is kept under it.
    Empty when the catalog was loaded without a memo (nothing is kept then)."""
    setting: str = ""
    """The key of what every record's reading depends on (the vocabulary, the day, the project), the part
    of :attr:`keys` they share; empty without a memo."""

    @functools.cached_property
    def filing(self) -> Filing:
        """Where each practice is listed, and why (:mod:`compendium.records.filing`), worked out once."""
        return Filing(self.vocabulary, self.practices.values())

    def problem_at(self, path: Path, keypath: KeyPath, message: str) -> Problem:
        """A problem about ``keypath`` in ``path``, with its line, found without reading the file again."""
        mark = find_mark(self.marks.get(path, {}), keypath)
        return Problem(
            self.project.display(path), mark.line if mark else None, mark.column if mark else None, message
        )

    def term_usage(self) -> dict[str, dict[str, list[str]]]:
        """vocabulary -> term -> the practices using it, for every term of every vocabulary a record
        can use (unused terms have no practices); terms written in words for an editor appear too."""
        usage: dict[str, dict[str, list[str]]] = {}
        for practice in self.practices.values():
            for _, vocabulary, term in terms_in(practice):
                if vocabulary not in usage:
                    usage[vocabulary] = {known: [] for known in self.vocabulary.terms(vocabulary)}
                users = usage[vocabulary].setdefault(term, [])
                if practice.slug not in users:
                    users.append(practice.slug)
        return usage

    def volume_practices(self, volume: Volume) -> dict[str, Practice]:
        """The practices of ``volume`` by slug: the frozen texts once published, the living records before."""
        source = (
            {slug: self.frozen.get((volume.number, slug)) for slug in volume.practices}
            if volume.is_published
            else {slug: self.practices.get(slug) for slug in volume.practices}
        )
        return {slug: practice for slug, practice in source.items() if practice is not None}

    def volumes_of(self, slug: str) -> list[Volume]:
        """The volumes that carry practice ``slug``, oldest first."""
        return [volume for volume in self.volumes.values() if slug in volume.practices]

    def frozen_text(self, volume: Volume, slug: str) -> Path:
        return volume.folder / FROZEN / f"{slug}.md"

    def changed_since(self, volume: Volume, slug: str) -> bool:
        """Whether the living record differs from the text ``volume`` published."""
        frozen = self.frozen_text(volume, slug)
        practice = self.practices.get(slug)
        if not volume.is_published or practice is None or not frozen.is_file():
            return False
        return frozen.read_bytes() != practice.path.read_bytes()


def load_catalog(
    project: Project,
    extra: Iterable[Path] = (),
    today: dt.date | None = None,
    processes: int = DEFAULT_PROCESSES,
    memo: Memo | None = None,
) -> tuple[Catalog | None, list[Problem]]:
    """Load and check the whole project (plus ``extra`` record files); return it with every problem found.

    With ``processes`` of 2 or more, many records are loaded on two cores (:mod:`compendium.parallel`).
    With a ``memo``, a record read before from the same bytes, vocabulary, project and day is not read
    again (the memo's :meth:`~Memo.save` is the caller's, once the build is done with it).

    The catalog is None only when the vocabulary itself is unusable, since no
    record can be checked without it.
    """
    problems = project.refused((project.practices, project.volumes, project.vocabulary))
    if problems:
        return None, problems
    vocabulary = load_vocabulary(project.vocabulary, project.display(project.vocabulary), problems)
    if vocabulary is None:
        return None, sort_problems(problems)
    catalog = Catalog(project, vocabulary)
    today = today or dt.date.today()
    paths = sorted(project.practices.glob("*.md")) if project.practices.is_dir() else []
    paths += [p for p in extra if p.absolute() not in {q.absolute() for q in paths}]
    # Keys only where work is kept: `compendium validate` reads each record once, and hashes nothing.
    if memo is not None:
        catalog.setting, keys = _reading_keys(project, paths, today)
    else:
        keys = {}
    for path, practice, marks, found in _load_practices(
        project, vocabulary, paths, today, processes, keys, memo
    ):
        problems.extend(found)
        if marks is not None:
            catalog.marks[path] = marks
        if practice is not None:
            catalog.practices[practice.slug] = practice
            catalog.keys[practice.slug] = keys.get(path, "")
    _check_practice_folder(project, problems)
    _check_print_assets(project, problems)
    problems.extend(check_docs_folder(project))  # a page there would skip the sanitizer and the policy
    problems.extend(tracked_cache_problems(project.root))
    _check_across(catalog, problems)
    _load_volumes(catalog, problems, today)
    catalog.notes.extend(_waiting_notes(catalog))
    return catalog, sort_problems(problems)


def _waiting_notes(catalog: Catalog) -> list[Problem]:
    """For editors: each region written in words, the practice waiting on it, and where the practice
    is listed meanwhile (said, never failed)."""
    notes = []
    for practice in catalog.practices.values():
        # Regions are a top-level list: no need to walk the whole record for them (pending_terms).
        for index, region in enumerate(practice.regions):
            if isinstance(region, Pending):
                keypath: KeyPath = ("regions", index)
                text = str(region)
                where = catalog.filing.listed_through(practice, text)
                notes.append(
                    catalog.problem_at(
                        practice.path,
                        keypath,
                        f"{describe(keypath)}: '{text}' waits for an editor to add it to practices/vocabulary.yml; "
                        f"meanwhile the practice is listed on the pages of {where} "
                        "('compendium vocabulary regions' names them all)",
                    )
                )
    return notes


Loaded = tuple[Path, "Practice | None", "dict[KeyPath, Mark] | None", list[Problem]]
"""A record file, the practice read from it (None if invalid), where its fields are, its problems."""


def _load_practices(
    project: Project,
    vocabulary: Vocabulary,
    paths: list[Path],
    today: dt.date,
    processes: int,
    keys: dict[Path, str],
    memo: Memo | None = None,
) -> list[Loaded]:
    """Every record of ``paths``, in order; records are independent until the cross-record checks.
    With a ``memo``, a record whose key (``keys``) it holds is not read again."""

    def load(path: Path) -> Loaded:
        problems: list[Problem] = []
        marks: dict[Path, dict[KeyPath, Mark]] = {}
        practice = _load_practice(project, vocabulary, path, today, problems, marks=marks)
        return path, practice, marks.get(path), problems

    if memo is None:
        return map_in_halves(load, paths, processes)
    found: dict[Path, Loaded] = {}
    for path, key in keys.items():
        kept = memo.get(key)
        if kept is not None:
            found[path] = (path, *kept)
    made = map_in_halves(load, [path for path in paths if path not in found], processes)
    for loaded in made:
        if loaded[0] in keys:
            memo.put(keys[loaded[0]], loaded[1:])
        found[loaded[0]] = loaded
    return [found[path] for path in paths]


def _reading_keys(project: Project, paths: list[Path], today: dt.date) -> tuple[str, dict[Path, str]]:
    """The key of what every record's reading depends on (the vocabulary, the day: dates in the future,
    where the project is, which records exist: a body may link to another), and each record's key: that
    and its bytes, never another record's text. A file the project may not read gets none: it is never
    looked up, its refusal is made afresh."""
    setting = key_of(
        project.vocabulary.read_bytes(),
        today.isoformat(),
        str(project.root.absolute()),
        "\0".join(sorted(p.name for p in project.practices.glob("*.md")))
        if project.practices.is_dir()
        else "",
    )
    return setting, {
        path: key_of(setting, project.display(path), path.read_bytes())
        for path in paths
        if project.refusal(path) is None and path.is_file()
    }


def _load_practice(
    project: Project,
    vocabulary: Vocabulary,
    path: Path,
    today: dt.date,
    problems: list[Problem],
    check_text: bool = True,
    marks: dict[Path, dict[KeyPath, Mark]] | None = None,
) -> Practice | None:
    display = project.display(path)
    if path.absolute().is_relative_to(project.root.absolute()) or path.is_symlink():
        refused = project.refusal(path)
    else:  # a draft named on the command line, checked where it is
        refused = None
    if refused:
        problems.append(Problem(display, None, None, refused))
        return None
    slug = path.stem
    if not SLUG.fullmatch(slug):
        problems.append(
            Problem(
                display,
                None,
                None,
                f"the file name '{path.name}' cannot be a practice id; use lowercase letters, digits "
                f"and hyphens, e.g. '{slugify(slug)}.md'",
            )
        )
    elif slug in RESERVED_IDS:
        problems.append(
            Problem(
                display,
                None,
                None,
                f"the file name '{path.name}' is {RESERVED_IDS[slug]}; choose another name",
            )
        )
    try:
        document = load_record(path, display)
    except LoadError as exc:
        problems.extend(exc.problems)
        return None
    if marks is not None:
        marks[path] = document.marks
    # A frozen text (check_text=False) is printed and shown like a living one, so it passes every
    # check that keeps readers safe (a checksum proves only that it did not change, not that it
    # was checked); only the editorial rules of its day stand: sections and prompts may change
    # later, and a published text never does. Its links are judged from practices/, where it was written.
    for found in (
        check_body(document.body, vocabulary.sections, path, project.root, vocabulary.prompts)
        if check_text
        else check_body(document.body, (), project.practices / path.name, project.root)
    ):
        problems.append(Problem(display, document.body_line + found.line - 1, found.column, found.message))
    ctx = Context(document, display, problems, vocabulary.terms, vocabulary.names)
    try:
        practice: Practice = PRACTICE.validate(
            document.data, (), ctx, slug=slug, path=path, body=document.body, body_line=document.body_line
        )
    except Reported:
        return None
    _check_practice(practice, ctx, today)
    for keypath, message in broken_rules(document.data, frozen=not check_text):  # the Submit form's too
        ctx.report(keypath, message)
    return practice


def _check_practice(practice: Practice, ctx: Context, today: dt.date) -> None:
    if practice.is_retired and not practice.retired:
        ctx.report(
            ("status",), "a retired practice needs 'retired:' with a line on why, shown in its page's banner"
        )
    if practice.retired and not practice.is_retired:
        ctx.report(("retired",), f"'retired:' is given but status is not '{RETIRED}'")
    for name in ("submitted", "updated", "reviewed"):
        value = getattr(practice, name)
        if value is not None and value > today:
            ctx.report((name,), f"{name}: {value.isoformat()} is in the future; expected today or earlier")
    for name in ("updated", "reviewed"):
        value = getattr(practice, name)
        if value is not None and value < practice.submitted:
            ctx.report(
                (name,), f"{name}: {value.isoformat()} is before submitted ({practice.submitted.isoformat()})"
            )
    _check_partners(practice, ctx)
    _check_outcomes(practice, ctx)
    _check_facts(practice, ctx)
    for keypath, text in pending_terms(practice):
        if not practice.is_submitted:
            ctx.report(
                keypath,
                f"{describe(keypath)}: '{text}' is not in the vocabulary yet; an editor adds it to "
                "practices/vocabulary.yml and writes its id here before the practice is accepted",
            )
    if practice.slug in practice.related:
        ctx.report(("related",), "a practice cannot be related to itself")


_name_key = name_key  # a partner's name as names are compared, in the form too: case and spacing aside


def _check_partners(practice: Practice, ctx: Context) -> None:
    """Each organisation once (or once per phase, when its role changed between phases): the one partner
    rule that compares each partner with those before it. The others (a lead or no_lead_named, part_of,
    renamed) are rules.py's, the Submit form's too."""
    names: dict[str, int] = {}
    phases_of: dict[str, list[set[str]]] = {}
    for index, partner in enumerate(practice.partners):
        key = _name_key(partner.name)
        earlier = phases_of.setdefault(key, [])
        if key in names and (not partner.phases or any(not p or p & set(partner.phases) for p in earlier)):
            ctx.report(
                ("partners", index, "name"),
                f"partners[{index + 1}] repeats '{partner.name}' (first listed as partners[{names[key] + 1}]); "
                "list an organisation once, with all its roles: role: [lead, fiscal-agent]; if its role "
                "changed from one phase to another, give each entry its own phases "
                "(phases: [planning], phases: [implementation])",
            )
        earlier.append(set(partner.phases))
        names.setdefault(key, index)


def _check_outcomes(practice: Practice, ctx: Context) -> None:
    for index, outcome in enumerate(practice.outcomes):
        where = f"outcomes[{index + 1}]"  # its date, its range and the evidence: records/rules.py
        if outcome.up_to is not None and outcome.qualifier in ("at-least", "more-than", "at-most"):
            ctx.report(
                ("outcomes", index, "qualifier"),
                f"{where} is a range (value to up_to), so it cannot also be '{outcome.qualifier}'",
            )
        if outcome.sources_disagree and not any(
            _name_key(other.measure) == _name_key(outcome.measure) and other.source != outcome.source
            for other in practice.outcomes
        ):
            ctx.report(
                ("outcomes", index, "sources_disagree"),
                f"{where} says sources disagree, but no other outcome gives '{outcome.measure}' from another "
                "source; add the other source's figure with the same measure",
            )


def _check_facts(practice: Practice, ctx: Context) -> None:
    """Funding, rules and seats: a number's words need the number; a seat has a date. (That funding and
    people name a listed partner, and that spans end after they start, are rules.py's, the form's too.)"""
    for index, funding in enumerate(practice.funding):
        if funding.amount is None and funding.qualifier != "exact":
            ctx.report(
                ("funding", index, "qualifier"),
                f"funding[{index + 1}].qualifier says how exact the amount is, but no amount is given",
            )
    for index, rule in enumerate(practice.rules):
        if rule.value is None:
            given = [name for name in ("unit", "per") if getattr(rule, name)]
            given += ["qualifier"] if rule.qualifier != "exact" else []
            if given:
                ctx.report(
                    ("rules", index, given[0]),
                    f"rules[{index + 1}].{given[0]} belongs to a number; give it as value (25 for 'at least "
                    "25%'), or leave it out",
                )
    for index, seat in enumerate(practice.governance):
        if not (seat.since or seat.until or seat.as_of):
            ctx.report(
                ("governance", index),
                f"governance[{index + 1}] needs a date: since, until, or as_of (the date of a roster or of "
                "minutes that show it)",
            )


def _check_practice_folder(project: Project, problems: list[Problem]) -> None:
    if not project.practices.is_dir():
        return
    known = {VOCABULARY_FILE, SCHEMA_FILE}
    for path in sorted(project.practices.iterdir()):
        if path.suffix != ".md" and path.name not in known and not path.name.startswith("."):
            problems.append(
                Problem(
                    project.display(path),
                    None,
                    None,
                    "is not a record; practices/ holds <id>.md records, vocabulary.yml and the schema",
                )
            )


def _check_print_assets(project: Project, problems: list[Problem]) -> None:
    """The print edition embeds what its folder holds: it too is read only as regular files of the project."""
    assets = project.print_assets
    problems.extend(project.refused([assets]) or project.refused(sorted(assets.rglob("*"))))


def _check_across(catalog: Catalog, problems: list[Problem]) -> None:
    titles: dict[str, Practice] = {}
    for practice in catalog.practices.values():
        # Compared as a reader sees them: capitals, spacing, invisible and look-alike characters aside.
        first = titles.setdefault(skeleton(practice.title), practice)
        if first is not practice:
            same = (
                "is already used by"
                if first.title.casefold().split() == practice.title.casefold().split()
                else "looks the same as the title of"
            )
            problems.append(
                catalog.problem_at(
                    practice.path,
                    ("title",),
                    f"the title '{practice.title}' {same} {catalog.project.display(first.path)}; "
                    "titles must be unique",
                )
            )
        for index, slug in enumerate(practice.related):
            if slug not in catalog.practices and slug != practice.slug:
                problems.append(
                    catalog.problem_at(
                        practice.path,
                        ("related", index),
                        f"related practice '{slug}' does not exist{suggest(slug, list(catalog.practices))}",
                    )
                )


def _load_volumes(catalog: Catalog, problems: list[Problem], today: dt.date) -> None:
    history = read_history(catalog.project.root)
    _load_volume_folders(catalog, history, problems, today)
    _check_publications(catalog, history, problems)
    _check_volume_order(catalog, problems, today)


def _load_volume_folders(catalog: Catalog, history: History, problems: list[Problem], today: dt.date) -> None:
    project = catalog.project
    if not project.volumes.is_dir():
        return
    # Hidden folders are where cut and publish stage their work; the next run clears what they left.
    for folder in sorted(p for p in project.volumes.iterdir() if p.is_dir() and not p.name.startswith(".")):
        display = project.display(folder)
        match = FOLDER.fullmatch(folder.name)
        if not match:
            problems.append(
                Problem(
                    display,
                    None,
                    None,
                    "a volume folder is named <number>-<slug>, e.g. '01-genius-of-regions'",
                )
            )
            continue
        volume = _load_volume(catalog, folder, history, problems, today)
        if volume is None:
            continue
        if volume.number != int(match.group(1)):
            problems.append(
                catalog.problem_at(
                    folder / MANIFEST,
                    ("number",),
                    f"number {volume.number} does not match the folder name '{folder.name}'",
                )
            )
        if volume.number in catalog.volumes:
            problems.append(
                catalog.problem_at(
                    folder / MANIFEST,
                    ("number",),
                    f"volume number {volume.number} is already used by "
                    f"{project.display(catalog.volumes[volume.number].folder)}",
                )
            )
            continue
        catalog.volumes[volume.number] = volume
    catalog.volumes = dict(sorted(catalog.volumes.items()))
    for expected, number in enumerate(catalog.volumes, start=1):
        if number != expected:
            problems.append(
                catalog.problem_at(
                    catalog.volumes[number].folder / MANIFEST,
                    ("number",),
                    f"volume {expected} is missing: volumes are numbered 1, 2, 3 … without gaps",
                )
            )
            break


def _load_volume(
    catalog: Catalog, folder: Path, history: History, problems: list[Problem], today: dt.date
) -> Volume | None:
    project = catalog.project
    manifest = folder / MANIFEST
    display = project.display(manifest)
    refused = project.refused([folder])
    if not refused:
        names = (MANIFEST, FOREWORD, ERRATA, CHECKSUMS, FROZEN, PRINTINGS)
        refused = project.refused(folder / name for name in names)
    if not refused:
        refused = project.refused(
            [*sorted((folder / FROZEN).glob("*")), *sorted((folder / PRINTINGS).glob("*"))]
        )
    if refused:
        problems.extend(refused)
        return None
    if not manifest.is_file():
        problems.append(Problem(project.display(folder), None, None, f"a volume needs a {MANIFEST} manifest"))
        return None
    try:
        document = load_yaml(manifest, display)
    except LoadError as exc:
        problems.extend(exc.problems)
        return None
    catalog.marks[manifest] = document.marks
    foreword_path = folder / FOREWORD
    foreword = ""
    if foreword_path.is_file():
        try:
            foreword = read_text(foreword_path, project.display(foreword_path))
        except LoadError as exc:
            problems.extend(exc.problems)
        for found in check_body(foreword, (), foreword_path, project.root):
            problems.append(Problem(project.display(foreword_path), found.line, found.column, found.message))
    else:
        problems.append(Problem(project.display(folder), None, None, f"a volume needs a {FOREWORD}"))
    ctx = Context(document, display, problems, catalog.vocabulary.terms)
    try:
        volume: Volume = VOLUME.validate(document.data, (), ctx, folder=folder, foreword=foreword)
    except Reported:
        return None
    seen: dict[str, int] = {}
    for s, section in enumerate(volume.sections):
        for i, slug in enumerate(section.practices):
            where = ("sections", s, "practices", i)
            if slug in seen:
                ctx.report(
                    where,
                    f"practice '{slug}' is listed twice in this volume (first in section {seen[slug] + 1})",
                )
            seen.setdefault(slug, s)
            if slug not in catalog.practices:
                ctx.report(
                    where,
                    f"practice '{slug}' does not exist in practices/{suggest(slug, list(catalog.practices))}",
                )
    if volume.is_published and volume.published is None:
        ctx.report(("status",), "a published volume needs its publication date: 'published: YYYY-MM-DD'")
    if volume.is_published:
        _check_frozen(catalog, volume, history, problems)
        printings = load_printings(project, volume, history, today, problems, catalog.notes)
        volume = dataclasses.replace(volume, printings=printings)
    errata_path = folder / ERRATA
    if errata_path.is_file():
        volume = _with_errata(catalog, volume, errata_path, problems)
    return volume


def _with_errata(catalog: Catalog, volume: Volume, path: Path, problems: list[Problem]) -> Volume:
    display = catalog.project.display(path)
    try:
        document = load_yaml(path, display)
    except LoadError as exc:
        problems.extend(exc.problems)
        return volume
    ctx = Context(document, display, problems, catalog.vocabulary.terms)
    try:
        errata: Errata = ERRATA_FILE.validate(document.data, (), ctx)
    except Reported:
        return volume
    for index, erratum in enumerate(errata.errata):
        if erratum.practice and erratum.practice not in volume.practices:
            ctx.report(
                ("errata", index, "practice"), f"practice '{erratum.practice}' is not in {volume.label}"
            )
    return dataclasses.replace(volume, errata=errata.errata)


def _check_frozen(catalog: Catalog, volume: Volume, history: History, problems: list[Problem]) -> None:
    project = catalog.project
    sums_path = volume.folder / CHECKSUMS
    display = project.display(sums_path)
    publication = history.publications.get(volume.number)
    sums: dict[str, str] | None = None
    if not sums_path.is_file():
        problems.append(
            Problem(
                project.display(volume.folder),
                None,
                None,
                f"{volume.label} is published but has no {CHECKSUMS}; restore it from the repository's "
                f"history (git checkout -- {display})",
            )
        )
    else:
        try:
            checksums = parse_checksums(read_text(sums_path, display), display)
            problems.extend(checksums.problems)
            sums = checksums.sums
        except LoadError as exc:
            problems.extend(exc.problems)
    if publication is not None:
        # The sums the volume was published with, not the ones beside it, which a pull request can edit.
        if sums_path.is_file():
            published_in = f"{volume.label} was published with in {publication.where}"
            problems.extend(
                compare_checksums(sums_path.read_bytes(), publication.checksums, display, published_in)
            )
        sums = parse_checksums(publication.checksums.decode("utf-8", errors="replace"), display).sums
        if publication.folder != project.display(volume.folder):
            problems.append(
                Problem(
                    project.display(volume.folder),
                    None,
                    None,
                    f"{volume.label} was published as {publication.folder} ({publication.where}); a published "
                    f"volume never changes: rename the folder back to {publication.folder}",
                )
            )
    else:
        _report_unheld(catalog, volume, history, problems)
    if sums is None:
        return
    present = {path.relative_to(volume.folder).as_posix(): path for path in frozen_files(volume.folder)}
    for name, digest in sums.items():
        path = volume.folder / name
        if name not in present or not path.is_file():
            problems.append(
                Problem(
                    project.display(path), None, None, f"is missing, but {volume.label} was published with it"
                )
            )
        elif sha256(path) != digest:
            problems.append(
                Problem(
                    project.display(path),
                    None,
                    None,
                    f"has changed since {volume.label} was published; a published volume never "
                    f"changes: restore the file and record corrections in {ERRATA}",
                )
            )
    for name, path in present.items():
        if name not in sums and path.exists():
            problems.append(
                Problem(
                    project.display(path),
                    None,
                    None,
                    f"was added after {volume.label} was published; a published volume never changes",
                )
            )
    vocabulary = catalog.vocabulary  # volumes published before snapshots were kept
    snapshot = volume.folder / FROZEN / FROZEN_VOCABULARY
    if snapshot.is_file():
        kept = load_vocabulary(snapshot, project.display(snapshot), problems)
        if kept is None:
            return
        vocabulary = kept
    for slug in volume.practices:
        path = catalog.frozen_text(volume, slug)
        if not path.is_file():
            problems.append(
                Problem(
                    project.display(path), None, None,
                    f"is missing: {volume.label} lists '{slug}' but holds no frozen text for it",
                )
            )  # fmt: skip
            continue
        practice = _load_practice(project, vocabulary, path, dt.date.max, problems, check_text=False)
        if practice is not None:
            catalog.frozen[(volume.number, slug)] = practice


def _report_unheld(catalog: Catalog, volume: Volume, history: History, problems: list[Problem]) -> None:
    """Say that ``volume`` could be held only to its own SHA256SUMS: a problem in CI, where a pull request's
    checkout must carry the history, and a note elsewhere."""
    display = catalog.project.display(volume.folder / CHECKSUMS)
    if history.gap:
        message = f"cannot be held to the commit that published {volume.label}: {history.gap}"
    elif history.repository:
        message = (
            f"no commit on this branch publishes {volume.label}, so it is held only to this {CHECKSUMS}, "
            "which a pull request can edit; commit what 'compendium volume publish' wrote"
        )
    else:
        message = (
            f"is the only record of what {volume.label} was published with: the project is not in a git "
            "repository, whose history would hold the commit that published it"
        )
    found = Problem(display, None, None, message)
    (problems if history.strict and history.repository else catalog.notes).append(found)


def _check_publications(catalog: Catalog, history: History, problems: list[Problem]) -> None:
    """A volume the history says was published is still there, and still published."""
    project = catalog.project
    for number, publication in history.publications.items():
        volume = catalog.volumes.get(number)
        if volume is not None and not volume.is_published:
            problems.append(
                catalog.problem_at(
                    volume.folder / MANIFEST,
                    ("status",),
                    f"{volume.label} was published in {publication.where}; a published volume stays published: "
                    f"restore 'status: published' and record corrections in {ERRATA}",
                )
            )
        elif volume is None and not any(
            (match := FOLDER.fullmatch(folder.name)) and int(match.group(1)) == number
            for folder in (project.volumes.iterdir() if project.volumes.is_dir() else ())
        ):  # a folder with this number that did not load has its own problems
            problems.append(
                Problem(
                    project.display(project.volumes),
                    None,
                    None,
                    f"Volume {number} was published in {publication.where} as {publication.folder} and is "
                    f"gone; a published volume is never removed: restore it (git checkout "
                    f"{publication.commit[:12]} -- {publication.folder})",
                )
            )


def _check_volume_order(catalog: Catalog, problems: list[Problem], today: dt.date) -> None:
    """One practice in one volume; volumes published in their order, never dated in the future."""
    first: dict[str, Volume] = {}
    for volume in catalog.volumes.values():
        for s, section in enumerate(volume.sections):
            for i, slug in enumerate(section.practices):
                other = first.setdefault(slug, volume)
                if other is not volume:
                    state = "published in" if other.is_published else "in the draft"
                    problems.append(
                        catalog.problem_at(
                            volume.folder / MANIFEST,
                            ("sections", s, "practices", i),
                            f"practice '{slug}' is already {state} {other.label} "
                            f"({catalog.project.display(other.folder / MANIFEST)}); a practice appears in one "
                            f"volume only: remove it from {volume.label}",
                        )
                    )
    drafts = [volume for volume in catalog.volumes.values() if not volume.is_published]
    for volume in catalog.volumes.values():
        if not volume.is_published or volume.published is None:
            continue
        earlier = [draft for draft in drafts if draft.number < volume.number]
        if earlier:
            problems.append(
                catalog.problem_at(
                    volume.folder / MANIFEST,
                    ("status",),
                    f"{volume.label} is published while {earlier[0].label} is still a draft; volumes are "
                    f"published in their order: publish {earlier[0].label} first",
                )
            )
        before = catalog.volumes.get(volume.number - 1)
        if before is not None and before.published is not None and before.published > volume.published:
            problems.append(
                catalog.problem_at(
                    volume.folder / MANIFEST,
                    ("published",),
                    f"published: {volume.published.isoformat()} is before {before.label}'s publication "
                    f"({before.published.isoformat()}); volumes are published in their order",
                )
            )
        if volume.published > today:
            problems.append(
                catalog.problem_at(
                    volume.folder / MANIFEST,
                    ("published",),
                    f"published: {volume.published.isoformat()} is in the future; expected today or earlier",
                )
            )
