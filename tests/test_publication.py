"""A volume is a publication: drafts marked, editions kept to the byte and printed again only on purpose,
one practice in one volume, volumes published in order, each practice's text as published, and the
editors' commands around them (cut, reprint). The print edition's own layout is tested in test_print.py,
accepting practices in test_accept.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from compendium.cli.main import main
from compendium.records.volume import pdf_pages
from compendium.render.changes import Piece, text_changes

from .conftest import RECORDS, REPO
from .sitebuild import print_project

MINIMAL = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
TODAY = dt.date.today()


def record(title: str, status: str = "accepted", region: str = "statewide", focus: str | None = None) -> str:
    text = (
        MINIMAL.replace("Golden minimal record", title)
        .replace("status: submitted", f"status: {status}")
        .replace("regions: statewide", f"regions: {region}")
    )
    if focus:
        text = re.sub(r"^focus: .*$", f"focus: {focus}", text, count=1, flags=re.MULTILINE)
    return text


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def texts(pdf: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return print_project(
        tmp_path / "project",
        {
            "a-one.md": record("A one"),
            "b-two.md": record("B two"),
            "c-three.md": record("C three", status="submitted"),
        },
    )


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# -- drafts say so -----------------------------------------------------------------------------


def test_a_drafts_pdf_says_draft_with_its_day_on_the_cover_every_page_and_in_its_metadata(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Org")[0] == 0
    assert run(capsys, project, "print", "1", "-o", str(tmp_path / "draft.pdf"))[0] == 0
    mark = f"Draft printed {long_date(TODAY)}"
    pages = texts(tmp_path / "draft.pdf")
    # The cover: its mark is letter-spaced, so compared without spaces.
    assert (
        mark.upper().replace(" ", "") in pages[0].replace(" ", "") and "Not a published edition" in pages[0]
    )
    assert all(mark in page for page in pages[1:]), [n for n, page in enumerate(pages) if mark not in page]
    meta = PdfReader(tmp_path / "draft.pdf").metadata
    assert meta is not None and meta.title == f"First Steps (draft printed {long_date(TODAY)})"
    assert meta.subject.startswith(f"{mark}, not a published edition.")
    assert "draft" in meta["/Keywords"]
    # Published, the same volume says nothing of the kind.
    assert run(capsys, project, "volume", "publish", "1", "--date", TODAY.isoformat())[0] == 0
    assert run(capsys, project, "print", "1", "-o", str(tmp_path / "published.pdf"))[0] == 0
    assert not any("Draft" in page or "DRAFT" in page for page in texts(tmp_path / "published.pdf"))
    assert PdfReader(tmp_path / "published.pdf").metadata.title == "First Steps"  # type: ignore[union-attr]


# -- published editions frozen to the byte -------------------------------------------------------


def test_publish_keeps_the_first_printing_and_print_writes_exactly_those_bytes(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from compendium.printing.edition import template_version, typesetter

    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Org")
    code, out, _ = run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")
    assert code == 0, out
    folder = project / "volumes" / "01-first-steps" / "printings" / "1"
    assert sorted(p.name for p in folder.iterdir()) == ["edition.pdf", "printing.yml"]
    pdf = (folder / "edition.pdf").read_bytes()
    digest = hashlib.sha256(pdf).hexdigest()
    assert out.endswith(
        f"its first printing ({pdf_pages(pdf)} pages, SHA-256 {digest}) kept in "
        "volumes/01-first-steps/printings/1.\n"
    )
    recorded = (folder / "printing.yml").read_text(encoding="utf-8")
    assert f"printing: 1\ndate: 2026-01-15\nsha256: {digest}\npages: {pdf_pages(pdf)}\n" in recorded
    assert (
        f"template: {template_version(project / 'overrides' / 'print')}\ntypesetter: {typesetter()}\n"
        in recorded
    )
    assert "\nreason:" not in recorded and "\nreplaces:" not in recorded
    assert "First printing, January 15, 2026." in " ".join(texts(folder / "edition.pdf"))  # the imprint page
    assert run(capsys, project, "validate")[0] == 0
    # The edition is what was kept, whatever the template says now.
    template = project / "overrides" / "print" / "volume.typ"
    template.write_text(template.read_text().replace('rgb("#0b4f6c")', 'rgb("#6c0b4f")'), encoding="utf-8")
    assert run(capsys, project, "print", "1", "-o", str(tmp_path / "kept.pdf"))[0] == 0
    assert (tmp_path / "kept.pdf").read_bytes() == pdf
    assert run(capsys, project, "print", "1", "--render", "-o", str(tmp_path / "now.pdf"))[0] == 0
    assert (tmp_path / "now.pdf").read_bytes() != pdf
    # A kept PDF that no longer matches its record is refused, and never served.
    (folder / "edition.pdf").write_bytes(pdf + b"\n% appended\n")
    code, out, _ = run(capsys, project, "validate")
    assert code == 1 and out.startswith(
        "volumes/01-first-steps/printings/1/edition.pdf: is not the PDF of printing 1: its SHA-256 is "
    )


def test_reprint_records_a_new_printing_listed_on_the_imprint_and_refuses_when_nothing_changed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Org")
    run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")
    folder = project / "volumes" / "01-first-steps"
    first = hashlib.sha256((folder / "printings" / "1" / "edition.pdf").read_bytes()).hexdigest()
    code, _, err = run(capsys, project, "volume", "reprint", "1", "--reason", "Again.")
    assert code == 2
    assert err.endswith("nothing has changed, so there is nothing to reprint\n")
    assert not (folder / "printings" / "2").exists()
    (folder / "errata.yml").write_text(
        "errata:\n  - date: 2026-01-20\n    practice: b-two\n    text: The lead partner's name was misspelt.\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys,
        project,
        "volume",
        "reprint",
        "1",
        "--reason",
        "With its first erratum.",
        "--date",
        "2026-01-21",
    )
    assert code == 0, out
    second = folder / "printings" / "2"
    digest = hashlib.sha256((second / "edition.pdf").read_bytes()).hexdigest()
    assert out.startswith("Printed Volume 1 again: its second printing, 2026-01-21, ")
    assert f"SHA-256 {digest}, replacing SHA-256 {first}" in out
    kept = (second / "printing.yml").read_text(encoding="utf-8")
    assert f"reason: With its first erratum.\nsha256: {digest}\nreplaces: {first}\n" in kept
    printed = " ".join(texts(second / "edition.pdf"))
    assert (
        "First printing, January 15, 2026. Second printing, January 21, 2026: With its first erratum."
        in printed
    )
    # Errata print as the site shows them: the day in words and the practice by its title.
    assert "January 20, 2026, B two: The lead partner's name was misspelt." in printed
    assert run(capsys, project, "validate")[0] == 0
    code, out, _ = run(capsys, project, "volume", "list")
    assert out.startswith(" Volume 1  published 2026-01-15, printing 2 ")
    # The build serves the last printing; the first stays downloadable beside it.
    tree = project.parent / "tree"
    (project / "mkdocs.yml").write_text("site_name: S\nsite_url: https://example.org/c/\n", encoding="utf-8")
    shutil.copytree(REPO / "overrides" / "theme", project / "overrides" / "theme")
    (project / "overrides" / "assets").mkdir()
    code, out, err = run(capsys, project, "materialize", str(tree))
    assert code == 0, err
    served = tree / "docs" / "volumes" / "01-first-steps"
    assert (served / "01-first-steps.pdf").read_bytes() == (second / "edition.pdf").read_bytes()
    assert (served / "01-first-steps-printing-1.pdf").read_bytes() == (
        folder / "printings" / "1" / "edition.pdf"
    ).read_bytes()
    from compendium.catalog import load_catalog
    from compendium.records.project import Project
    from compendium.settings import Settings
    from compendium.site.pages import SiteBuilder

    catalog, _ = load_catalog(Project(project))
    assert catalog is not None
    settings = Settings.from_config("S", "", "", "main", {1: "01-first-steps.pdf"})
    page = next(
        p for p in SiteBuilder(catalog, settings).pages() if p.path == "volumes/01-first-steps/index.md"
    )
    assert (
        f'<li><strong>Second printing</strong>, <time datetime="2026-01-21">January 21, 2026</time>: With its '
        f"first erratum. {pdf_pages((second / 'edition.pdf').read_bytes())} pages; SHA-256 <code>{digest}</code>, "
        f'replacing <code>{first}</code>. <a href="01-first-steps.pdf" download>PDF</a></li>'
    ) in page.markdown
    assert '<a href="01-first-steps-printing-1.pdf" download>PDF of this printing</a>' in page.markdown


def test_reprint_and_publish_refuse_what_a_publication_cannot_be(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Org")
    code, _, err = run(capsys, project, "volume", "reprint", "1", "--reason", "Why not.")
    assert (code, err) == (
        2,
        "compendium: error: Volume 1 is a draft: its PDF is made afresh by every build and kept by none; "
        "'compendium volume publish 1' records its first printing\n",
    )
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    code, _, err = run(capsys, project, "volume", "publish", "1", "--date", tomorrow)
    assert (code, err) == (
        2,
        f"compendium: error: --date {tomorrow} is in the future; a volume is published today or on an earlier day\n",
    )
    assert not (project / "volumes" / "01-first-steps" / "printings").exists()


# -- one practice, one volume; volumes in order --------------------------------------------------


def test_a_practice_in_two_volumes_is_refused_naming_both(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Org")
    second = project / "volumes" / "02-second"
    second.mkdir()
    (second / "foreword.md").write_text("Words.\n", encoding="utf-8")
    (second / "volume.yml").write_text(
        "number: 2\ntitle: Second\npublishers: [Org]\nstatus: draft\nsections:\n"
        "  - title: One\n    practices: [b-two]\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, project, "validate")
    assert (code, out) == (
        1,
        "volumes/02-second/volume.yml:7:17: practice 'b-two' is already in the draft Volume 1 "
        "(volumes/01-first-steps/volume.yml); a practice appears in one volume only: remove it from Volume 2\n",
    )
    # Published, the first volume still holds it.
    (second / "volume.yml").write_text((second / "volume.yml").read_text().replace("b-two", "c-three"))
    run(capsys, project, "accept", "c-three")
    assert run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")[0] == 0
    (second / "volume.yml").write_text(
        (second / "volume.yml").read_text().replace("[c-three]", "[c-three, a-one]")
    )
    code, out, _ = run(capsys, project, "validate")
    assert "volumes/02-second/volume.yml:7:26: practice 'a-one' is already published in Volume 1" in out


def test_volumes_are_published_in_their_order(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Org")
    run(capsys, project, "accept", "c-three", "--date", "2026-01-10")
    run(capsys, project, "volume", "cut", "--title", "Second")
    code, _, err = run(capsys, project, "volume", "publish", "2", "--date", "2026-01-15")
    assert (code, err) == (
        2,
        "compendium: error: Volume 1 is still a draft; volumes are published in their order: publish Volume 1 first\n",
    )
    assert run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")[0] == 0
    code, _, err = run(capsys, project, "volume", "publish", "2", "--date", "2026-01-14")
    assert (code, err) == (
        2,
        "compendium: error: Volume 1 was published on 2026-01-15, after 2026-01-14; Volume 2 cannot be "
        "published before it\n",
    )
    # A manifest set to published by hand out of order, or dated ahead, is refused by validation.
    first = project / "volumes" / "01-first-steps" / "volume.yml"
    first.write_text(first.read_text().replace("published: 2026-01-15", "published: 2099-01-15"))
    code, out, _ = run(capsys, project, "validate")
    assert (code, out.splitlines()[-1]) == (
        1,
        "volumes/01-first-steps/volume.yml:9:1: published: 2099-01-15 is in the future; expected today or earlier",
    )


# -- editors' commands -----------------------------------------------------------------------------


def test_cut_slugs_whole_words_groups_by_what_practices_share_and_keeps_the_editors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = print_project(
        tmp_path / "project",
        {
            "a.md": record("A", region="inland-empire-rpu", focus="[reentry-services]"),
            "b.md": record("B", region="riverside-county", focus="[reentry-services]"),
            "c.md": record("C", region="los-angeles-k16", focus="[dual-enrollment]"),
            "d.md": record("D", region="central-coast-k16", focus="[dual-enrollment]"),
            "e.md": record("E", region="statewide", focus="[shared-governance]"),
        },
    )
    code, out, _ = run(
        capsys, root, "volume", "cut", "--title", "Reentry and Regional Workforce Partnerships Unlocked",
        "--publisher", "Org", "--editor", "Editors Org",
    )  # fmt: skip
    assert code == 0, out
    # The county's practice joins its planning unit's; two K-16 collaboratives share only their system.
    assert out.splitlines() == [
        "Created volumes/01-reentry-and-regional-workforce: Volume 1, a draft with 5 practices.",
        "  Edited by Editors Org",
        "  California (statewide)",
        "    e",
        "  Inland Empire Regional Planning Unit",
        "    a",
        "    b",
        "  Regional K-16 Education Collaboratives",
        "    c",
        "    d",
        "Next: edit volume.yml and foreword.md there, then 'compendium volume publish 1'.",
    ]
    manifest = (root / "volumes" / "01-reentry-and-regional-workforce" / "volume.yml").read_text()
    assert "- title: Inland Empire" in manifest and "  region: inland-empire-rpu\n" in manifest
    assert "- title: Regional K-16 Education Collaboratives\n  practices:" in manifest  # a system: no region
    assert "editors:\n- Editors Org\n" in manifest
    # The next cut takes the last volume's publishers and editors, and can group by focus area.
    for name, focus in (
        ("f.md", "[dual-enrollment]"),
        ("g.md", "[dual-enrollment, reentry-services]"),
        ("h.md", None),
    ):
        (root / "practices" / name).write_text(record(name[:-3].upper(), focus=focus), encoding="utf-8")
    code, out, _ = run(capsys, root, "volume", "cut", "--title", "Second", "--by", "focus")
    assert code == 0, out
    manifest = (root / "volumes" / "02-second" / "volume.yml").read_text()
    assert "publishers:\n- Org\neditors:\n- Editors Org\n" in manifest
    assert "- title: Dual enrollment\n  practices:\n  - f\n  - g\n" in manifest
    assert "region:" not in manifest


def test_a_folder_slug_never_ends_in_the_middle_of_a_word() -> None:
    from compendium.editorial.volumes import folder_slug

    assert folder_slug("Reentry and Regional Workforce Partnerships") == "reentry-and-regional-workforce"
    assert folder_slug("The Genius of Regions") == "the-genius-of-regions"
    assert (
        folder_slug("Supercalifragilisticexpialidocious-and-then-some-more-words")
        == "supercalifragilisticexpialidocious-and"
    )
    assert len(folder_slug("x" * 80)) == 40


# -- the text as published ----------------------------------------------------------------------------


def test_changes_mark_the_words_that_differ_within_a_line() -> None:
    published = "title: A\nsummary: One two three.\nregions: statewide\n\n## Need\nN.\n"
    living = "title: A\nsummary: One 2 three.\nregions: statewide\n\n## Need\nN.\n\n## More\nM.\n"
    (first,) = text_changes(published, living)  # two changes four kept lines apart: one place
    kinds = [(line.kind, line.old, line.new) for line in first.lines]
    assert kinds[:5] == [
        ("kept", 1, 1),
        ("removed", 2, None),
        ("added", None, 2),
        ("kept", 3, 3),
        ("kept", 4, 4),
    ]
    removed, added = first.lines[1], first.lines[2]
    assert removed.pieces == (Piece("summary: One ", False), Piece("two", True), Piece(" three.", False))
    assert added.pieces == (Piece("summary: One ", False), Piece("2", True), Piece(" three.", False))
    assert (first.removed, first.added) == (1, 4)
    assert [line.pieces for line in first.lines if line.kind == "added"][1:] == [
        (Piece("", True),),
        (Piece("## More", True),),
        (Piece("M.", True),),
    ]
    assert text_changes(published, published) == []


# -- drafts on the site, through both routes ---------------------------------------------------------


def site_project(tmp_path: Path, capsys: pytest.CaptureFixture[str], drafts: str | None) -> Path:
    """The golden records with Volume 1 published (and its first printing kept) and Volume 2 a draft;
    ``drafts``: the plugin's setting in mkdocs.yml (None: not written, so the default)."""
    from .sitebuild import fixture_project

    root = fixture_project(tmp_path / "project")
    minimal = root / "practices" / "minimal.md"
    minimal.write_text(minimal.read_text(encoding="utf-8").replace("status: submitted", "status: accepted"))
    (root / "practices" / "late.md").write_text(record("Late arrival"), encoding="utf-8")
    names = ["minimal"]
    (root / "volumes").mkdir()
    for number, title, slugs in ((1, "One", names), (2, "Two", ["late"])):
        folder = root / "volumes" / f"0{number}-{title.lower()}"
        folder.mkdir()
        (folder / "foreword.md").write_text("A foreword.\n", encoding="utf-8")
        (folder / "volume.yml").write_text(
            f"number: {number}\ntitle: {title}\npublishers: [Org]\nstatus: draft\nsections:\n"
            f"  - title: S\n    practices: [{', '.join(slugs)}]\n",
            encoding="utf-8",
        )
    assert run(capsys, root, "volume", "publish", "1", "--date", "2026-01-15")[0] == 0
    if drafts is not None:
        config = root / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                "  - compendium\n", f"  - compendium:\n      drafts: {drafts}\n"
            )
        )
    return root


def test_drafts_are_listed_and_marked_by_default_and_hidden_when_mkdocs_yml_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the Zensical route (materialize reads mkdocs.yml without MkDocs)."""
    listed = site_project(tmp_path / "listed", capsys, None)
    assert run(capsys, listed, "materialize", "--no-pdf", str(tmp_path / "listed-tree"))[0] == 0
    docs = tmp_path / "listed-tree" / "docs"
    assert (docs / "volumes" / "02-two" / "index.md").is_file()
    hidden = site_project(tmp_path / "hidden", capsys, "hidden")
    assert run(capsys, hidden, "materialize", str(tmp_path / "hidden-tree"))[0] == 0
    docs = tmp_path / "hidden-tree" / "docs"
    assert not (docs / "volumes" / "02-two").exists()
    assert sorted(p.name for p in (docs / "volumes").iterdir()) == ["01-one", "index.md"]
    # The published volume's PDF is its first printing's bytes, as kept.
    kept = hidden / "volumes" / "01-one" / "printings" / "1" / "edition.pdf"
    assert (docs / "volumes" / "01-one" / "01-one.pdf").read_bytes() == kept.read_bytes()
    for path in docs.rglob("*"):
        if path.suffix in (".md", ".json", ".csv", ".xml"):
            assert "02-two" not in path.read_text(encoding="utf-8"), path
    # A value the setting cannot take is refused, as MkDocs would refuse it.
    config = hidden / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("drafts: hidden", "drafts: maybe"))
    code, _, err = run(capsys, hidden, "materialize", "--no-pdf", str(tmp_path / "bad-tree"))
    assert (code, err) == (
        1,
        "compendium: error: mkdocs.yml: plugins.compendium.drafts: expected one of 'listed', 'hidden', "
        "received 'maybe'\n",
    )


def test_the_plugin_hides_drafts_when_told_and_serves_the_kept_printing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through MkDocs: the same setting, read by the plugin's own declaration."""
    from .sitebuild import mkdocs_build

    root = site_project(tmp_path, capsys, "hidden")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert not (site / "volumes" / "02-two").exists()
    assert "02-two" not in (site / "volumes" / "index.html").read_text(encoding="utf-8")
    kept = root / "volumes" / "01-one" / "printings" / "1" / "edition.pdf"
    assert (site / "volumes" / "01-one" / "01-one.pdf").read_bytes() == kept.read_bytes()
    late = (site / "practices" / "late" / "index.html").read_text(encoding="utf-8")
    assert "Volume 2" not in late
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("drafts: hidden", "drafts: maybe"))
    result = mkdocs_build(root, tmp_path / "site2")
    assert result.returncode != 0
    assert "drafts" in result.stderr and "'maybe'" in result.stderr


def test_listed_drafts_are_marked_on_their_pages_and_never_the_latest_volume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.catalog import load_catalog
    from compendium.records.project import Project
    from compendium.settings import Settings
    from compendium.site.pages import SiteBuilder

    root = site_project(tmp_path, capsys, None)
    catalog, _ = load_catalog(Project(root))
    assert catalog is not None
    settings = Settings.from_config("S", "", "", "main", {1: "01-one.pdf", 2: "02-two.pdf"})
    pages = {page.path: page.markdown for page in SiteBuilder(catalog, settings).pages()}
    draft = pages["volumes/02-two/index.md"]
    assert "<strong>Draft, not yet published.</strong>" in draft
    assert '<a class="md-button" href="02-two.pdf" download>Download the draft (PDF)</a>' in draft
    assert "Download the print edition" not in draft
    assert "(draft, not yet published)" in pages["practices/late.md"]
    home = pages["index.md"]
    latest = home[home.index("## Latest volume") :]
    assert "Volume 1" in latest[:400] and "Two" not in latest[:400]


# -- the text as published ----------------------------------------------------------------------------


def test_each_published_practice_has_its_text_as_published_with_what_changed_escaped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from compendium.catalog import load_catalog
    from compendium.records.project import Project
    from compendium.settings import Settings
    from compendium.site.pages import SiteBuilder

    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Org")
    run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")
    living = project / "practices" / "b-two.md"
    text = living.read_text(encoding="utf-8")
    summary = re.search(r"^summary: (.*)$", text, re.MULTILINE)
    assert summary is not None
    living.write_text(
        text.replace(
            summary.group(0), f"summary: {summary.group(1)} Now with <script>window.x=1</script> as text."
        ),
        encoding="utf-8",
    )
    assert run(capsys, project, "validate")[0] == 0
    catalog, _ = load_catalog(Project(project))
    assert catalog is not None
    pages = {page.path: page for page in SiteBuilder(catalog, Settings(site_name="S")).pages()}
    assert {"volumes/01-first-steps/practices/a-one.md", "volumes/01-first-steps/practices/b-two.md"} <= set(
        pages
    )
    unchanged = pages["volumes/01-first-steps/practices/a-one.md"].markdown
    assert "is unchanged since" in unchanged and "What has changed since" not in unchanged
    changed = pages["volumes/01-first-steps/practices/b-two.md"].markdown
    assert "## What has changed since" in changed
    assert "<script>" not in changed
    assert '<del><span class="cmp-visually-hidden">Removed, line ' in changed
    assert "<mark> Now with &lt;script&gt;window.x=1&lt;/script&gt; as text.</mark>" in changed
    # The living page says it was updated, and links to the text as published.
    practice = pages["practices/b-two.md"].markdown
    assert (
        '<a href="../../volumes/01-first-steps/practices/b-two/">the text published in Volume 1 on January 15, 2026</a>'
        in practice
    )
    # The volume's contents lead to the texts as published.
    volume = pages["volumes/01-first-steps/index.md"].markdown
    assert '<a href="practices/b-two/">B two</a> <span class="cmp-index__note">(updated since' in volume


def test_the_repository_keeps_every_printing_of_volume_1() -> None:
    """Volume 1's editions as readers were offered them: 12 pages, then 10 from the copy-fitting template
    (the second printing, the bytes served since 2 December 2026), then the printings made since."""
    from compendium.catalog import load_catalog
    from compendium.records.project import Project

    catalog, problems = load_catalog(Project(REPO))
    assert catalog is not None and not [p for p in problems if "volumes/01" in str(p)]
    printings = catalog.volumes[1].printings
    assert [(p.printing, p.pages) for p in printings[:2]] == [(1, 12), (2, 10)]
    assert printings[1].sha256 == "63fe92d44b20049e81ccc3e006ac294f0cb40d5c6566f84d83108832885a0082"
    assert printings[1].replaces == printings[0].sha256 and printings[1].reason
    for earlier, later in itertools.pairwise(printings):
        assert later.replaces == earlier.sha256 and later.reason


def test_announce_gives_the_addresses_and_the_checksum_readers_will_use(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, project, "volume", "cut", "--title", "First Steps", "--publisher", "Org", "--editor", "Eds")
    assert run(capsys, project, "volume", "announce", "1")[2] == (
        "compendium: error: Volume 1 is a draft; announce it once 'compendium volume publish 1' is merged\n"
    )
    run(capsys, project, "volume", "publish", "1", "--date", "2026-01-15")
    (project / "mkdocs.yml").write_text("site_name: S\nsite_url: https://example.org/c\n", encoding="utf-8")
    pdf = project / "volumes" / "01-first-steps" / "printings" / "1" / "edition.pdf"
    code, out, _ = run(capsys, project, "volume", "announce", "1")
    assert (code, out) == (
        0,
        "Volume 1 of the S, *First Steps*, was published on January 15, 2026.\n\n"
        "It gathers 2 practices, edited by Eds:\n\n"
        "- California (statewide)\n"
        "  - A one: https://example.org/c/volumes/01-first-steps/practices/a-one/\n"
        "  - B two: https://example.org/c/volumes/01-first-steps/practices/b-two/\n\n"
        "Read it online: https://example.org/c/volumes/01-first-steps/\n"
        f"Print edition (first printing, {pdf_pages(pdf.read_bytes())} pages): "
        "https://example.org/c/volumes/01-first-steps/01-first-steps.pdf\n"
        f"SHA-256 of the PDF: {hashlib.sha256(pdf.read_bytes()).hexdigest()}\n\n"
        "Published by Org.\n",
    )
