"""The commands on records: validate, new, schema, stale."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from compendium.catalog import load_catalog
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

    new = sub.add_parser(
        "new",
        help="write a new, valid skeleton record",
        description="Write practices/<id>.md from the flags given, asking for missing ones "
        "when run in a terminal.",
    )
    new.add_argument("--title", help="the practice's name")
    new.add_argument("--summary", help="two or three sentences: who did what, for whom")
    new.add_argument(
        "--region", action="append", dest="regions", metavar="ID", help="a region id (repeatable)"
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
    if problems:
        if args.format == "text":
            files = len({p.path for p in problems})
            print(f"{len(problems)} problem(s) in {files} file(s).", file=sys.stderr)
        return 1
    if args.format == "text":
        assert catalog is not None
        print(f"OK: {len(catalog.practices)} practices and {len(catalog.volumes)} volume(s) are valid.")
    return 0


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


def _new(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.scaffold import NewPractice, render_record
    from compendium.records.fields import slugify, suggest

    catalog = usable_catalog(project)
    vocabulary = catalog.vocabulary
    interactive = sys.stdin.isatty()

    def ask(value: str | None, flag: str, question: str) -> str:
        if value:
            return value.strip()
        if not interactive:
            raise UsageError(f"{flag} is required (or run in a terminal to be asked)")
        answer = input(f"{question}: ").strip()
        if not answer:
            raise UsageError(f"{flag} is required")
        return answer

    def ask_terms(values: list[str] | None, flag: str, vocab: str, question: str) -> list[str]:
        known = vocabulary.terms(vocab)
        if not values:
            if not interactive:
                raise UsageError(f"{flag} is required (or run in a terminal to be asked)")
            print(f"{question} (ids, separated by commas):")
            for term, label in known.items():
                print(f"  {term:32} {label}")
            values = [v.strip() for v in input("> ").split(",") if v.strip()]
        for value in values:
            if value not in known:
                raise UsageError(
                    f"{flag} '{value}' is not a known term in {vocab}{suggest(value, list(known))}"
                )
        return list(dict.fromkeys(values))

    title = ask(args.title, "--title", "Title of the practice")
    new = NewPractice(
        title=title,
        summary=ask(args.summary, "--summary", "Summary (who did what, for whom)"),
        regions=ask_terms(args.regions, "--region", "regions", "Regions"),
        focus=ask_terms(args.focus, "--focus", "focus", "Focus areas"),
        lead=ask(args.lead, "--lead", "Lead partner organisation"),
        lead_type=ask_terms(
            [args.lead_type] if args.lead_type else None,
            "--lead-type",
            "partner_types",
            "Lead partner's type",
        )[0],
        contact="",
        populations=ask_terms(args.populations, "--population", "populations", "")
        if args.populations
        else [],
        sectors=ask_terms(args.sectors, "--sector", "sectors", "") if args.sectors else [],
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
    mine = [p for p in problems if p.path == project.display(path)]
    if mine:
        path.unlink()
        report(mine, "text")
        print("compendium: the record was not written; fix the values above", file=sys.stderr)
        return 1
    print(f"wrote {project.display(path)}: fill in its sections, then run 'compendium validate'")
    return 0


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
