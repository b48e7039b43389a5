"""A published volume's printings, read strictly and held to what was published.

``printings/<n>/printing.yml`` records printing ``n`` and ``printings/<n>/edition.pdf`` holds its
bytes (:class:`compendium.records.volume.Printing`). What must hold, each a problem naming the file:

* ``printings/`` holds one folder per printing, numbered 1, 2, 3 … without gaps, each holding its
  record and its PDF (regular files of the project) and nothing else; a hidden folder is a printing
  that ``publish`` or ``reprint`` was making when it was stopped, which the next run clears;
* each record says its own number, its PDF has that SHA-256 and that many pages, and from the
  second printing on it gives its reason and the SHA-256 of the printing it replaces;
* dates run in order, from the publication on, never in the future;
* each file is byte for byte its copy in the commit that first held it once the volume was
  published (:attr:`compendium.records.history.History.kept`), and no file the history holds is gone.

A draft has no printings: ``publish`` records the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from compendium.records.fields import Context, Reported
from compendium.records.history import History, blob_id
from compendium.records.loader import LoadError, load_yaml
from compendium.records.problem import Problem
from compendium.records.project import Project
from compendium.records.volume import (
    PRINTING_FOLDER,
    PRINTING_PDF,
    PRINTING_RECORD,
    PRINTING_RECORD_FILE,
    PRINTINGS,
    Printing,
    Volume,
    pdf_pages,
)


def load_printings(
    project: Project,
    volume: Volume,
    history: History,
    today: dt.date,
    problems: list[Problem],
    notes: list[Problem],
) -> tuple[Printing, ...]:
    """The printings of published ``volume``, oldest first; each problem found goes to ``problems``,
    and what could be checked less fully than it should (printing files not yet committed) to ``notes``.

    The printings are read up to the first with a problem, so the site never serves bytes that do not
    check out."""
    folder = volume.folder / PRINTINGS
    found: dict[int, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name.startswith("."):
                continue  # a printing being made, or left by a stopped publish or reprint
            if PRINTING_FOLDER.fullmatch(path.name) and path.is_dir() and not path.is_symlink():
                found[int(path.name)] = path
                continue
            problems.append(
                Problem(
                    project.display(path), None, None,
                    f"{PRINTINGS}/ holds one folder <n> for each printing n, with its {PRINTING_RECORD_FILE} and "
                    f"{PRINTING_PDF} ('compendium volume reprint' makes them); remove this",
                )
            )  # fmt: skip
    _check_history(project, volume, history, problems, notes)
    if not found:
        problems.append(
            Problem(
                project.display(volume.folder), None, None,
                f"{volume.label} is published but keeps no printing ({PRINTINGS}/1/{PRINTING_RECORD_FILE} and "
                f"{PRINTING_PDF}), so the site has no published bytes to serve; restore them from the "
                f"repository's history, or record a printing with 'compendium volume reprint {volume.number} "
                "--reason \"...\"'",
            )
        )  # fmt: skip
        return ()
    printings: list[Printing] = []
    previous: Printing | None = None
    for expected, number in enumerate(sorted(found), start=1):
        if number != expected:
            problems.append(
                Problem(
                    project.display(found[number]), None, None,
                    f"printing {expected} is missing: printings are numbered 1, 2, 3 … without gaps",
                )
            )  # fmt: skip
            break
        printing = _load_printing(project, volume, found[number], previous, today, problems)
        if printing is None:
            break  # a later printing cannot be checked against this one
        printings.append(printing)
        previous = printing
    return tuple(printings)


def _load_printing(
    project: Project,
    volume: Volume,
    folder: Path,
    previous: Printing | None,
    today: dt.date,
    problems: list[Problem],
) -> Printing | None:
    number = int(folder.name)
    record, pdf = folder / PRINTING_RECORD_FILE, folder / PRINTING_PDF
    before = len(problems)
    problems.extend(project.refused(sorted(folder.iterdir())))
    for path in sorted(folder.iterdir()):
        if path.name not in (PRINTING_RECORD_FILE, PRINTING_PDF):
            problems.append(
                Problem(
                    project.display(path), None, None,
                    f"a printing's folder holds only its {PRINTING_RECORD_FILE} and {PRINTING_PDF}; remove this",
                )
            )  # fmt: skip
    for path in (record, pdf):
        if not path.is_file():
            problems.append(
                Problem(
                    project.display(path), None, None,
                    f"is missing: printing {number} is its record ({PRINTING_RECORD_FILE}) and its bytes "
                    f"({PRINTING_PDF}); restore it from the repository's history",
                )
            )  # fmt: skip
    if len(problems) > before:
        return None
    display = project.display(record)
    try:
        document = load_yaml(record, display)
    except LoadError as exc:
        problems.extend(exc.problems)
        return None
    ctx = Context(document, display, problems, lambda name: {})
    try:
        printing: Printing = PRINTING_RECORD.validate(document.data, (), ctx, folder=volume.folder)
    except Reported:
        return None
    if printing.printing != number:
        ctx.report(
            ("printing",), f"printing: {printing.printing} does not match its folder, {PRINTINGS}/{number}"
        )
    if number > 1 and not printing.reason:
        ctx.report((), f"printing {number} needs its reason: 'reason: …' (why the volume was printed again)")
    if previous is not None and printing.replaces != previous.sha256:
        ctx.report(
            ("replaces",) if printing.replaces else (),
            f"replaces: expected the SHA-256 of printing {previous.printing} ({previous.sha256}), received "
            + (printing.replaces or "nothing"),
        )
    if previous is None and printing.replaces:
        ctx.report(("replaces",), "the first printing replaces none; remove 'replaces'")
    earliest = previous.date if previous is not None else volume.published
    if earliest is not None and printing.date < earliest:
        what = f"printing {previous.printing}" if previous is not None else "the publication"
        ctx.report(
            ("date",), f"date: {printing.date} is before {what} ({earliest}); printings follow one another"
        )
    if printing.date > today:
        ctx.report(("date",), f"date: {printing.date} is in the future; expected today or earlier")
    data = pdf.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != printing.sha256:
        problems.append(
            Problem(
                project.display(pdf), None, None,
                f"is not the PDF of printing {number}: its SHA-256 is {digest}, but {PRINTING_RECORD_FILE} "
                f"records {printing.sha256}; a printing never changes: restore the file (a new printing is "
                f"'compendium volume reprint {volume.number}')",
            )
        )  # fmt: skip
    elif pdf_pages(data) != printing.pages:
        ctx.report(("pages",), f"pages: {printing.pages}, but {PRINTING_PDF} has {pdf_pages(data)} pages")
    return printing if len(problems) == before else None


def _check_history(
    project: Project, volume: Volume, history: History, problems: list[Problem], notes: list[Problem]
) -> None:
    """Each printing file as the commit that first held it once published; none the history holds gone."""
    publication = history.publications.get(volume.number)
    if publication is None:
        return  # the volume itself cannot be held to its publication: the catalog says so once
    folder = volume.folder / PRINTINGS
    present = {
        path.relative_to(folder).as_posix(): path
        for path in (sorted(folder.glob("*/*")) if folder.is_dir() else [])
        if PRINTING_FOLDER.fullmatch(path.parent.name) and path.name in (PRINTING_RECORD_FILE, PRINTING_PDF)
    }
    prefix = f"{publication.folder}/{PRINTINGS}/"
    for name, kept in history.kept.items():
        if not name.startswith(prefix):
            continue
        relative = name[len(prefix) :]
        path = present.get(relative)
        shown = project.display(folder / relative)
        if path is None or not path.is_file():
            problems.append(
                Problem(
                    shown, None, None,
                    f"is missing, but {volume.label} kept it in {kept.where}; a printing is never removed: "
                    f"restore it (git checkout {kept.commit[:12]} -- {name})",
                )
            )  # fmt: skip
        elif blob_id(path.read_bytes(), kept.blob) != kept.blob:
            problems.append(
                Problem(
                    shown, None, None,
                    f"differs from the copy {volume.label} kept in {kept.where}; a printing never changes: "
                    f"restore it (git checkout {kept.commit[:12]} -- {name}); a new printing is 'compendium "
                    f"volume reprint {volume.number}'",
                )
            )  # fmt: skip
    unheld = [relative for relative in present if prefix + relative not in history.kept]
    if unheld:
        found = Problem(
            project.display(folder), None, None,
            f"{', '.join(unheld)}: in no commit on this branch yet, so held only to the records beside them, "
            "which a pull request can edit; commit what 'compendium volume publish' or 'reprint' wrote",
        )  # fmt: skip
        (problems if history.strict else notes).append(found)
