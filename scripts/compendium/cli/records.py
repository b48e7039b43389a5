"""The commands on records: validate, vocabulary, new, schema, upgrade, stale."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from compendium.catalog import Catalog, load_catalog
from compendium.cli.shared import UsageError, report, usable_catalog, valid_catalog
from compendium.files import write_atomically
from compendium.records.project import Project


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the ``compendium`` parser."""
    validate = sub.add_parser(
        "validate",
        help="check records, the vocabulary and volumes",
        description="Check every record against the model and the vocabularies, and across "
        "records; report each problem as path:line:column: message.",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="records or folders to report on (default: the whole project)",
    )
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    validate.set_defaults(run=_validate)

    vocabulary = sub.add_parser(
        "vocabulary",
        help="list the vocabularies' terms, how many practices use each, unused and missing ones",
        description="For each vocabulary records use, list its terms with the number of practices "
        "using each; then the unused terms and the terms contributors wrote in words ({new: …}) "
        "for an editor to add.",
    )
    vocabulary.add_argument("name", nargs="?", help="one vocabulary only, e.g. regions (default: all)")
    vocabulary.add_argument("--unused", action="store_true", help="list only the terms no practice uses")
    vocabulary.set_defaults(run=_vocabulary)

    new = sub.add_parser(
        "new",
        help="write a new, valid skeleton record",
        description="Write practices/<id>.md from the flags given, asking for missing ones "
        "when run in a terminal.",
    )
    new.add_argument("--title", help="the practice's name")
    new.add_argument("--summary", help="two or three sentences: who did what, for whom")
    new.add_argument(
        "--region",
        action="append",
        dest="regions",
        metavar="ID",
        help="a region: its id or its name, e.g. fresno-county or 'Fresno County' (repeatable)",
    )
    new.add_argument(
        "--new-region",
        metavar="NAME",
        help="a region the list lacks, in words, for an editor to add; say where it lies with --in",
    )
    new.add_argument(
        "--in",
        action="append",
        dest="places",
        metavar="PLACE",
        default=[],
        help="where the --new-region lies: a county or another region (id or name), or a US state "
        "outside California (repeatable)",
    )
    new.add_argument("--focus", action="append", metavar="ID", help="a focus area id (repeatable)")
    new.add_argument(
        "--population",
        action="append",
        dest="populations",
        metavar="ID",
        default=[],
        help="a population id (repeatable)",
    )
    new.add_argument(
        "--sector", action="append", dest="sectors", metavar="ID", default=[], help="a sector id (repeatable)"
    )
    new.add_argument("--lead", metavar="ORGANISATION", help="the lead partner organisation")
    new.add_argument("--lead-type", metavar="ID", help="the lead partner's type id")
    new.add_argument(
        "--contact", metavar="ORGANISATION", help="the organisation to contact (default: the lead)"
    )
    new.add_argument("--slug", help="the file name without .md (default: made from the title)")
    new.set_defaults(run=_new)

    schema = sub.add_parser(
        "schema",
        help="write the record's JSON Schema and the issue form made from it",
        description="Write the record's JSON Schema to practices/practice.schema.json "
        "(or to stdout with -o -) and GitHub's 'Propose a practice' issue form, "
        "read off the same declarations, to .github/ISSUE_TEMPLATE/propose-a-practice.yml.",
    )
    schema.add_argument("-o", "--output", metavar="FILE", help="where to write it ('-' for stdout)")
    schema.add_argument(
        "--check", action="store_true", help="exit 1 if the committed schema or issue form is not current"
    )
    schema.set_defaults(run=_schema)

    upgrade = sub.add_parser(
        "upgrade",
        help="bring records written for an earlier model up to date, in place",
        description="Rewrite records that the model no longer reads as they were meant (a convener "
        "that led the practice now says lead), changing only those characters: comments, order and "
        "quoting stay. Prints each change as path:line: what changed. Frozen texts of published "
        "volumes are never changed.",
    )
    upgrade.add_argument(
        "paths", nargs="*", metavar="PATH", help="records to upgrade (default: every record in practices/)"
    )
    upgrade.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any record would change"
    )
    upgrade.set_defaults(run=_upgrade)

    stale = sub.add_parser(
        "stale",
        help="list practices not reviewed for a while",
        description="List practices whose last review (or, if never reviewed, last change) is older "
        "than N months, oldest first, with the organisation to contact. Retired practices are left out.",
    )
    stale.add_argument(
        "--months", type=int, default=None, metavar="N", help="how many months without review (default: 18)"
    )
    stale.add_argument("--as-of", metavar="YYYY-MM-DD", help="count from this day instead of today")
    stale.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="output format; markdown makes a table for an issue (default: text)",
    )
    stale.set_defaults(run=_stale)


def _validate(args: argparse.Namespace, project: Project) -> int:
    wanted = [Path(p) for p in args.paths]
    for path in wanted:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{path}: no such file or folder")
    extra = [p for p in wanted if p.is_file() or p.is_symlink()]
    extra = [
        p
        for p in extra
        if p.suffix == ".md"
        and p.absolute().parent != project.volumes.absolute()
        and not _inside(p, project.volumes)
    ]
    catalog, problems = load_catalog(project, extra=extra)
    if wanted:
        scopes = [project.display(p) for p in wanted]
        problems = [
            p
            for p in problems
            if any(p.path == s or p.path.startswith(s.rstrip("/") + "/") for s in scopes)
            or any(s in (".", "") for s in scopes)
        ]
    report(problems, args.format)
    if catalog is not None and args.format == "text":
        for note in catalog.notes:
            print(f"note: {note}", file=sys.stderr)
    if problems:
        if args.format == "text":
            files = len({p.path for p in problems})
            print(f"{len(problems)} problem(s) in {files} file(s).", file=sys.stderr)
        return 1
    if args.format == "text":
        assert catalog is not None
        print(f"OK: {len(catalog.practices)} practices and {len(catalog.volumes)} volume(s) are valid.")
    return 0


def _vocabulary(args: argparse.Namespace, project: Project) -> int:
    from compendium.records.fields import Pending
    from compendium.records.places import PendingRegion

    catalog = usable_catalog(project)
    usage = catalog.term_usage()
    names = list(usage)
    if args.name:
        if args.name not in usage:
            raise UsageError(f"'{args.name}' is not a vocabulary records use; one of: {', '.join(names)}")
        names = [args.name]
    missing = 0
    for name in names:
        terms = usage[name]
        labels = catalog.vocabulary.terms(name)
        listed = {t: u for t, u in terms.items() if not isinstance(t, Pending)}
        unused = [t for t, u in listed.items() if not u]
        print(f"{name}: {len(listed)} terms, {len(listed) - len(unused)} used")
        for term, users in listed.items():
            if users and not args.unused:
                print(f"  {len(users):4}  {term:40} {labels[term]}")
        if unused:
            print(f"  unused ({len(unused)}): " + ", ".join(unused))
        for term, users in terms.items():
            if isinstance(term, Pending) and not (name == "regions" and isinstance(term, PendingRegion)):
                missing += 1
                print(
                    f"  missing: '{term}' (written in words by {', '.join(users)}; add it to vocabulary.yml)"
                )
        if name == "regions":
            missing += _waiting_regions(catalog)
    if missing:
        print(f"{missing} term(s) written in words wait for an editor to add them.")
    return 0


def _waiting_regions(catalog: Catalog) -> int:
    """Print each region written in words: where it lies, the practices waiting on it, and the pages
    that list them meanwhile. Returns how many there are."""
    label = catalog.vocabulary.terms("regions")
    waiting = catalog.filing.waiting()
    for term, practices, listed in waiting:
        where = [
            ("counties", ", ".join(label[c] for c in term.counties)),
            ("within", ", ".join(label[r] for r in term.within)),
            ("outside California, in", term.state or ""),
        ]
        lies = "; ".join(f"{how} {what}" for how, what in where if what)
        print(f"  waiting: '{term}' ({lies}); add it to vocabulary.yml")
        print(f"    practices waiting on it: {', '.join(p.slug for p in practices)}")
        shown = ", ".join(label[r] for r in listed) if listed else "none (no region of the vocabulary yet)"
        print(f"    listed meanwhile on {len(listed)} region page{'s' if len(listed) != 1 else ''}: {shown}")
    return len(waiting)


def _inside(path: Path, folder: Path) -> bool:
    return path.absolute().is_relative_to(folder.absolute())


def _schema(args: argparse.Namespace, project: Project) -> int:
    from compendium.contribute import issueform
    from compendium.contribute.schema import dumps, practice_schema

    catalog = usable_catalog(project)
    schema = practice_schema(catalog.vocabulary)
    text = dumps(schema)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    # The issue form is read off the same schema, so the two are written and checked together.
    outputs = {
        Path(args.output) if args.output else project.schema: text,
        project.issue_form: issueform.dumps(issueform.issue_form(schema)),
    }
    if args.check:
        stale = [
            path for path, content in outputs.items()
            if not path.is_file() or path.read_text(encoding="utf-8") != content
        ]  # fmt: skip
        for path in stale:
            print(f"{project.display(path)}: not current; run 'compendium schema' and commit it")
        if not stale:
            print("OK: " + " and ".join(project.display(p) for p in outputs) + " are current.")
        return 1 if stale else 0
    for target, content in outputs.items():
        write_atomically(target, content)
        print(f"wrote {project.display(target)}")
    return 0


ATTEMPTS = 5
"""How often ``compendium new`` asks again for an answer it cannot use before it gives up."""


def _new(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.scaffold import NewPractice, new_region, render_record, resolve
    from compendium.records.body import PROMPT_LEFT
    from compendium.records.fields import NEW, slugify

    catalog = usable_catalog(project)
    vocabulary = catalog.vocabulary
    interactive = sys.stdin.isatty()

    def read(prompt: str, flag: str) -> str:
        try:
            return input(prompt).strip()
        except EOFError:  # the input ended (Ctrl+D): nothing more will be typed
            print()
            raise UsageError(f"{flag} is required") from None

    def ask(value: str | None, flag: str, question: str) -> str:
        if value:
            return value.strip()
        if not interactive:
            raise UsageError(f"{flag} is required (or run in a terminal to be asked)")
        for _ in range(ATTEMPTS):
            if answer := read(f"{question}: ", flag):
                return answer
            print("  (an answer is needed here)")
        raise UsageError(f"{flag} is required")

    def ask_terms(
        values: list[str] | None,
        flag: str,
        vocab: str,
        question: str,
        *,
        many: bool = True,
        needed: bool = True,
    ) -> list[str]:
        known = vocabulary.terms(vocab)
        if values:  # given as flags: a wrong one is a usage error that names the flag
            chosen = []
            for value in values:
                term, said = resolve(vocabulary, vocab, value)
                if term is None:
                    raise UsageError(f"{flag} {said}")
                if said:
                    print(f"  ({said})")
                chosen.append(term)
            return list(dict.fromkeys(chosen))
        if not interactive:
            if not needed:
                return []
            raise UsageError(f"{flag} is required (or run in a terminal to be asked)")
        how = "ids or names separated by commas" if many else "one id or name"
        hint = "; Enter to skip" if not needed else ""
        if len(known) <= 40:
            print(f"{question} ({how}{hint}):")
            for term, label in known.items():
                print(f"  {term:32} {label}")
        else:
            print(f"{question} ({how}{hint}; type part of a name to find its id):")
        for _ in range(ATTEMPTS):
            answer = [v.strip() for v in read("> ", flag).split(",") if v.strip()]
            if not answer and not needed:
                return []
            found = [resolve(vocabulary, vocab, value) for value in answer]
            for term, said in found:
                if term is not None and said:
                    print(f"  ({said})")
            wrong = [said for term, said in found if term is None]
            if answer and not wrong and (many or len(answer) == 1):
                return list(dict.fromkeys(term for term, _ in found if term is not None))
            if not answer:
                print("  (at least one is needed)")
            elif not many and len(answer) > 1:
                print("  (one id only here)")
            for said in wrong:  # ask again, keeping everything typed so far
                print(f"  {said}")
            if wrong and vocab == "regions":
                print(
                    f"  (a region not in the list: answer '{NEW}: its name', and you are asked where it lies)"
                )
        raise UsageError(f"{flag}: no usable answer after {ATTEMPTS} tries")

    def ask_regions() -> list[str | dict[str, object]]:
        """Regions by id or name; a new one (--new-region, or 'new: name' when asked) with where it lies."""
        if args.new_region or args.regions or not interactive:
            chosen: list[str | dict[str, object]] = []
            if args.regions or not args.new_region:
                chosen += ask_terms(
                    args.regions, "--region", "regions", "Regions", needed=not args.new_region
                )
            if args.new_region:
                written, wrong = new_region(vocabulary, args.new_region.strip(), args.places)
                if wrong:
                    raise UsageError("--new-region: " + "; ".join(wrong))
                chosen.append(written)
            elif args.places:
                raise UsageError("--in says where a --new-region lies; give --new-region too")
            return chosen
        print("Regions (ids or names separated by commas; a region not in the list as 'new: its name'):")
        for _ in range(ATTEMPTS):
            answer = [v.strip() for v in read("> ", "--region").split(",") if v.strip()]
            named = [v for v in answer if v.lower().startswith(f"{NEW}:")]
            found = [resolve(vocabulary, "regions", v) for v in answer if v not in named]
            wrong = [said for term, said in found if term is None]
            for term, said in found:
                if term is not None and said:
                    print(f"  ({said})")
            for said in wrong:
                print(f"  {said}")
            if not answer:
                print("  (at least one is needed)")
            if wrong or not answer:
                if wrong:
                    print(
                        f"  (a region not in the list: answer '{NEW}: its name', and you are asked where it lies)"
                    )
                continue
            chosen = list(dict.fromkeys(term for term, _ in found if term is not None))
            for value in named:
                chosen.append(ask_where(value.split(":", 1)[1].strip()))
            return chosen
        raise UsageError(f"--region: no usable answer after {ATTEMPTS} tries")

    def ask_where(name: str) -> dict[str, object]:
        print(
            f"Where does '{name}' lie? Its counties, a region it lies in, or, outside California, its US "
            "state (ids or names separated by commas):"
        )
        for _ in range(ATTEMPTS):
            places = [v.strip() for v in read("> ", "--in").split(",") if v.strip()]
            written, wrong = new_region(vocabulary, name, places)
            if not wrong:
                return written
            for said in wrong:
                print(f"  {said}")
        raise UsageError(f"--in: no usable answer after {ATTEMPTS} tries")

    title = ask(args.title, "--title", "Title of the practice")
    new = NewPractice(
        title=title,
        summary=ask(args.summary, "--summary", "Summary (who did what, for whom)"),
        regions=ask_regions(),
        focus=ask_terms(args.focus, "--focus", "focus", "Focus areas"),
        lead=ask(args.lead, "--lead", "Lead partner organisation"),
        lead_type=ask_terms(
            [args.lead_type] if args.lead_type else None,
            "--lead-type",
            "partner_types",
            "Lead partner's type",
            many=False,
        )[0],
        contact="",
        populations=ask_terms(
            args.populations, "--population", "populations", "Populations served", needed=False
        ),
        sectors=ask_terms(args.sectors, "--sector", "sectors", "Industry sectors", needed=False),
    )
    new.contact = args.contact or new.lead
    slug = args.slug or slugify(title)
    path = project.practices / f"{slug}.md"
    if path.exists():
        raise UsageError(f"{project.display(path)} already exists; choose another --slug")
    text = render_record(new, vocabulary, dt.date.today())
    try:
        write_atomically(path, text, replace=False)
    except FileExistsError:
        raise UsageError(f"{project.display(path)} already exists; choose another --slug") from None
    _, problems = load_catalog(project)
    # The sections hold the prompts until the writer replaces them; anything else means a bad value.
    mine = [p for p in problems if p.path == project.display(path) and PROMPT_LEFT not in p.message]
    if mine:
        path.unlink()
        report(mine, "text")
        print("compendium: the record was not written; fix the values above", file=sys.stderr)
        return 1
    print(
        f"wrote {project.display(path)}: replace the prompt under each section with the practice's "
        "own text, then run 'compendium validate'"
    )
    return 0


def _upgrade(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.upgrade import upgrade
    from compendium.records.loader import LoadError

    paths = [Path(p) for p in args.paths] or sorted(project.practices.glob("*.md"))
    for path in paths:
        if not path.is_file() or path.is_symlink() or path.suffix != ".md":
            raise UsageError(f"{path}: not a record (a .md file in practices/)")
        if _inside(path, project.volumes):
            raise UsageError(f"{path}: a frozen text of a published volume never changes; it is not upgraded")
    changed, problems = 0, []
    for path in paths:
        display = project.display(path)
        try:
            result = upgrade(path, display)
        except LoadError as exc:
            problems += exc.problems
            continue
        for line, what in result.changes:
            print(f"{display}:{line}: {what}")
        if result.changes:
            changed += 1
            if not args.check:
                write_atomically(path, result.text)
    if problems:
        report(problems, "text")
        print(
            f"{len(problems)} record(s) could not be read, so were not upgraded; fix them first",
            file=sys.stderr,
        )
    if not changed:
        if not problems:
            print("Nothing to upgrade: every record is written for the current model.")
    elif args.check:
        print(f"{changed} record(s) would change; run 'compendium upgrade' to write them.")
    else:
        print(f"Upgraded {changed} record(s): review the changes (git diff), then commit them.")
    return 1 if problems or (changed and args.check) else 0


def _stale(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.review import DEFAULT_MONTHS, stale_practices, stale_report

    months = DEFAULT_MONTHS if args.months is None else args.months
    if months < 1:
        raise UsageError(f"--months expects a whole number of months, 1 or more, received {months}")
    try:
        today = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        raise UsageError(f"--as-of '{args.as_of}' is not a date written YYYY-MM-DD") from None
    catalog = valid_catalog(project)
    due = stale_practices(catalog, today, months)
    print(stale_report(due, today, months, args.format, project.display), end="")
    return 0
