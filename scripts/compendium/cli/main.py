"""The ``compendium`` command. Each subcommand parses its arguments, calls the core and returns an exit code.

Exit codes: 0 all good, 1 problems found in the project, 2 a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from compendium import __version__
from compendium.catalog import Catalog, load_catalog
from compendium.files import write_atomically
from compendium.records.problem import Problem, problems_to_json
from compendium.records.project import NotAProject, Project, find_project
from compendium.records.volume import FOREWORD, MANIFEST


class UsageError(Exception):
    """The command line asked for something that cannot be done; exit 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        project = Project(Path(args.root).absolute()) if args.root else find_project()
        result: int = args.run(args, project)
        return result
    except (UsageError, NotAProject) as exc:
        print(f"compendium: error: {exc}", file=sys.stderr)
        return 2
    except ProjectInvalid as exc:
        print(f"{exc.args[0]} problem(s) found; fix them first.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("compendium: interrupted; nothing was written", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compendium",
        description="Validate, gather and publish the regional partnership practices compendium.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--root", metavar="DIR", help="the project folder (default: found from the current folder)"
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

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

    materialize = sub.add_parser(
        "materialize",
        help="write the generated site pages to a folder",
        description="Write every generated page (Markdown) and open-data file to DIR, for static site "
        "generators that read mkdocs.yml but run no MkDocs plugins. DIR is replaced whole.",
    )
    materialize.add_argument("directory", metavar="DIR", help="the folder to write (replaced if it exists)")
    materialize.set_defaults(run=_materialize)

    volume = sub.add_parser(
        "volume",
        help="cut, publish and list numbered volumes",
        description="Editors' commands for numbered volumes.",
    )
    vsub = volume.add_subparsers(title="volume commands", metavar="ACTION", required=True)
    cut = vsub.add_parser(
        "cut",
        help="create the next numbered draft volume",
        description="Create the next numbered draft from accepted practices not yet in any "
        "volume, grouped by region; print what was selected and what was left out.",
    )
    cut.add_argument("--title", required=True, help="the volume's title")
    cut.add_argument("--subtitle", help="the volume's subtitle")
    cut.add_argument(
        "--publisher",
        action="append",
        dest="publishers",
        metavar="ORGANISATION",
        help="a publishing organisation (repeatable; default: as the latest volume)",
    )
    cut.add_argument(
        "--editor",
        action="append",
        dest="editors",
        metavar="ORGANISATION",
        default=[],
        help="an editing organisation (repeatable)",
    )
    cut.set_defaults(run=_volume_cut)
    publish = vsub.add_parser(
        "publish",
        help="freeze a draft volume",
        description="Freeze draft volume N: keep the practice texts as published with "
        "SHA-256 checksums and set the publication date.",
    )
    publish.add_argument("number", type=int, metavar="N", help="the volume number")
    publish.add_argument("--date", help="publication date, YYYY-MM-DD (default: today)")
    publish.set_defaults(run=_volume_publish)
    listing = vsub.add_parser(
        "list",
        help="show every volume with its status and counts",
        description="Show every volume with its status and counts.",
    )
    listing.set_defaults(run=_volume_list)

    printing = sub.add_parser(
        "print",
        help="render a volume's print edition (PDF)",
        description="Render volume N as a PDF with WeasyPrint, from overrides/print/.",
    )
    printing.add_argument("number", type=int, metavar="N", help="the volume number")
    printing.add_argument(
        "-o", "--output", metavar="FILE", help="the PDF to write (default: <volume folder>.pdf)"
    )
    printing.set_defaults(run=_print)
    return parser


def _report(problems: list[Problem], fmt: str) -> None:
    if fmt == "json":
        print(problems_to_json(problems))
        return
    for problem in problems:
        print(problem)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(problem.github_annotation())


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
    _report(problems, args.format)
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

    catalog, problems = load_catalog(project)
    if catalog is None:
        _report(problems, "text")
        return 1
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

    catalog, problems = load_catalog(project)
    if catalog is None:
        _report(problems, "text")
        return 1
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
        _report(mine, "text")
        print("compendium: the record was not written; fix the values above", file=sys.stderr)
        return 1
    print(f"wrote {project.display(path)}: fill in its sections, then run 'compendium validate'")
    return 0


def _materialize(args: argparse.Namespace, project: Project) -> int:
    from compendium.settings import Settings
    from compendium.site.materialize import materialize

    target = Path(args.directory)
    if target.absolute() in (
        project.root.absolute(),
        *project.root.absolute().parents,
    ) or target.absolute() in (
        project.practices.absolute(),
        project.volumes.absolute(),
    ):
        raise UsageError(f"{target}: refusing to replace the project or one of its source folders")
    catalog, problems = load_catalog(project)
    if problems or catalog is None:
        _report(problems, "text")
        return 1
    count = materialize(catalog, Settings.from_mkdocs_yml(project.root / "mkdocs.yml"), target)
    print(f"wrote {count} files to {target}")
    return 0


def _valid_catalog(project: Project) -> Catalog:
    catalog, problems = load_catalog(project)
    if problems or catalog is None:
        _report(problems, "text")
        raise ProjectInvalid(len(problems))
    return catalog


class ProjectInvalid(Exception):
    """The project has problems (already printed); exit 1."""


def _stale(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.review import DEFAULT_MONTHS, stale_practices, stale_report

    months = DEFAULT_MONTHS if args.months is None else args.months
    if months < 1:
        raise UsageError(f"--months expects a whole number of months, 1 or more, received {months}")
    try:
        today = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        raise UsageError(f"--as-of '{args.as_of}' is not a date written YYYY-MM-DD") from None
    catalog = _valid_catalog(project)
    due = stale_practices(catalog, today, months)
    print(stale_report(due, today, months, args.format, project.display), end="")
    return 0


def _volume_cut(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.volumes import EditorialError, cut_volume

    catalog = _valid_catalog(project)
    latest = list(catalog.volumes.values())[-1] if catalog.volumes else None
    publishers = args.publishers or (list(latest.publishers) if latest else None)
    if not publishers:
        raise UsageError("--publisher is required for the first volume")
    try:
        cut = cut_volume(catalog, args.title, args.subtitle, publishers, args.editors)
    except EditorialError as exc:
        raise UsageError(str(exc)) from None
    count = sum(len(practices) for _, _, practices in cut.sections)
    print(f"Created {project.display(cut.folder)}: Volume {cut.number}, a draft with {count} practices.")
    for _, heading, practices in cut.sections:
        print(f"  {heading}")
        for practice in practices:
            print(f"    {practice.slug}")
    if cut.left_out:
        print(f"Left out {len(cut.left_out)}:")
        for practice, reason in cut.left_out:
            print(f"    {practice.slug}: {reason}")
    print(f"Next: edit {MANIFEST} and {FOREWORD} there, then 'compendium volume publish {cut.number}'.")
    return 0


def _volume_publish(args: argparse.Namespace, project: Project) -> int:
    from compendium.editorial.volumes import EditorialError, publish_volume

    try:
        day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        raise UsageError(f"--date '{args.date}' is not a date written YYYY-MM-DD") from None
    catalog = _valid_catalog(project)
    try:
        volume = publish_volume(catalog, args.number, day)
    except EditorialError as exc:
        raise UsageError(str(exc)) from None
    print(
        f"Published {volume.label} on {day.isoformat()}: {len(volume.practices)} practice texts frozen in "
        f"{project.display(volume.folder)}/frozen with SHA-256 checksums."
    )
    return 0


def _volume_list(args: argparse.Namespace, project: Project) -> int:
    catalog = _valid_catalog(project)
    if not catalog.volumes:
        print("No volumes yet; 'compendium volume cut --title …' creates the first.")
        return 0
    for volume in catalog.volumes.values():
        state = f"published {volume.published}" if volume.is_published else "draft"
        changed = sum(catalog.changed_since(volume, slug) for slug in volume.practices)
        note = f", {changed} updated since" if changed else ""
        errata = f", {len(volume.errata)} correction(s)" if volume.errata else ""
        print(
            f"{volume.label:>9}  {state:<20} {len(volume.practices):>3} practices in {len(volume.sections)} "
            f"section(s){note}{errata}  {volume.title}"
        )
    return 0


def _print(args: argparse.Namespace, project: Project) -> int:
    from compendium.printing.edition import PrintError, print_volume
    from compendium.settings import pdf_name

    catalog = _valid_catalog(project)
    volume = catalog.volumes.get(args.number)
    if volume is None:
        raise UsageError(f"there is no Volume {args.number}; 'compendium volume list' shows the volumes")
    output = Path(args.output) if args.output else Path(pdf_name(volume))

    interactive = sys.stderr.isatty()

    def progress(message: str) -> None:
        # In a terminal, WeasyPrint's steps overwrite one line; in logs, each is a line.
        if interactive and message.startswith("Step "):
            print(f"\r  {message[:70]:<70}", end="", file=sys.stderr, flush=True)
        else:
            print(("\r" if interactive else "") + f"  {message:<70}", file=sys.stderr, flush=True)

    try:
        edition = print_volume(catalog, volume, output, progress)
    except PrintError as exc:
        print(f"compendium: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {output} ({edition.pages} pages)")
    return 0
