"""The print edition, checked with pypdf and pdfua: contents, bookmarks, tagging, metadata, reproducibility,
the sandbox and record text that looks like Typst."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader

from compendium.catalog import load_catalog
from compendium.printing.edition import PrintError, print_volume
from compendium.records.project import Project
from compendium.settings import Settings

from .conftest import REPO
from .sitebuild import print_project


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    loaded, problems = load_catalog(Project(REPO))
    assert loaded is not None and not problems
    return loaded


SITE_URL = Settings.from_mkdocs_yml(REPO / "mkdocs.yml").site_url
"""The site's address, as 'compendium print' reads it: the imprint page gives the volume's address there."""


@pytest.fixture(scope="module")
def volume_one(catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    output = tmp_path_factory.mktemp("print") / "volume-1.pdf"
    messages: list[str] = []
    edition = print_volume(catalog, catalog.volumes[1], output, messages.append, site_url=SITE_URL)
    assert edition.rendered and edition.pages == len(PdfReader(output).pages)
    assert messages == ["Volume 1: typesetting 6 practices", f"Volume 1: wrote {edition.pages} pages"]
    return output


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def test_contents_give_the_page_where_each_practice_starts(volume_one: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    texts = [" ".join(t.split()) for t in page_texts(PdfReader(volume_one))]
    contents = next(i for i, t in enumerate(texts) if t.startswith("Contents") or " Contents " in t[:80])
    practices = catalog.volume_practices(catalog.volumes[1])
    for practice in practices.values():
        # "Title . . . . . 14": the number after the title's dot leaders.
        title = " ".join(practice.title.split())
        found = re.search(re.escape(title) + r"[ .]*?(\d+)", texts[contents])
        assert found is not None, title
        page = int(found.group(1))
        # The practice starts at the top of that page, and on no earlier page after the contents.
        assert texts[page - 1].find(title[:30]) != -1
        earlier = [n + 1 for n in range(contents + 1, page - 1) if title[:30] in texts[n]]
        assert earlier == [], f"{title} also appears on pages {earlier}"


def test_every_practice_has_a_bookmark_at_its_page(volume_one: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(volume_one)
    marks: dict[str, int] = {}

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                marks[item.title] = reader.get_destination_page_number(item) + 1  # type: ignore[attr-defined]

    walk(reader.outline)
    texts = page_texts(reader)
    for practice in catalog.volume_practices(catalog.volumes[1]).values():
        assert practice.title in marks
        assert practice.title.split(":")[0][:30] in texts[marks[practice.title] - 1].replace("\n", " ")
    for section in catalog.volumes[1].sections:
        assert section.title in marks
    assert "Index of partner organisations" in marks and "Foreword" in marks


def test_metadata_language_tagging_and_page_size(volume_one: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(volume_one)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "The Genius of Regions \u2013 Partnerships That Unlock Social Mobility"
    assert meta.author == (
        "California Workforce Association, California Workforce Development Board, "
        "California Community Colleges Chancellor's Office"
    )
    assert meta.subject and meta.subject.startswith(
        "Volume 1 of the Regional Partnership Practices Compendium"
    )
    # Dated the day of the printing it makes: here, rendered as Volume 1's last printing would be.
    last = catalog.volumes[1].printing
    assert meta["/CreationDate"] == f"D:{last.date:%Y%m%d}000000Z"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-US"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612.0, 792.0)  # US Letter


def test_pdf_ua_identification_is_embedded(volume_one: Path) -> None:
    xmp = PdfReader(volume_one).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp


def test_fonts_come_from_the_font_packages(volume_one: Path) -> None:
    reader = PdfReader(volume_one)
    fonts: set[str] = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("SourceSerifPro" in f or "SourceSansPro" in f for f in fonts), fonts


def test_two_renders_are_byte_identical(volume_one: Path, catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    again = tmp_path / "again.pdf"
    print_volume(catalog, catalog.volumes[1], again, site_url=SITE_URL)
    assert again.read_bytes() == volume_one.read_bytes()


def test_cache_reuses_an_unchanged_render(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    first = print_volume(catalog, catalog.volumes[2], tmp_path / "a.pdf", cache=cache)
    second = print_volume(catalog, catalog.volumes[2], tmp_path / "b.pdf", cache=cache)
    assert first.rendered and not second.rendered
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert second.pages == first.pages


def test_the_template_reads_nothing_outside_its_compile_root(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from compendium.records.project import Project as P

    root = tmp_path / "project"
    shutil.copytree(REPO / "overrides" / "print", root / "overrides" / "print")
    template = root / "overrides" / "print" / "volume.typ"
    for reach in ('#read("/etc/passwd")', '#read("../../pyproject.toml")', '#import "@preview/cetz:0.3.0"'):
        template.write_text(template.read_text() + "\n" + reach + "\n", encoding="utf-8")
        evil = dataclasses.replace(catalog, project=P(root))
        with pytest.raises(PrintError, match="could not be typeset") as raised:
            print_volume(evil, catalog.volumes[1], tmp_path / "out.pdf")
        # The editor is told where, in the project's own names: the template's last line.
        lines = len(template.read_text().splitlines())
        assert str(raised.value).startswith(f"overrides/print/volume.typ:{lines}:"), raised.value
        assert "compendium-print-" not in str(raised.value)
        assert not (tmp_path / "out.pdf").exists()
        template.write_text(template.read_text().replace("\n" + reach + "\n", ""), encoding="utf-8")


def test_record_text_prints_as_text_never_as_typst(tmp_path: Path) -> None:
    from compendium.cli.main import main

    from .conftest import RECORDS

    hostile = '#read("/etc/passwd") #import "x.typ" #include "y.typ" $x^2$ `#raw` ]] [ #let a = 1'
    record = (
        (RECORDS / "good" / "minimal.md")
        .read_text(encoding="utf-8")
        .replace("Golden minimal record", "Typst " + hostile.replace('"', "'"))
        .replace("status: submitted", "status: accepted")
        .replace("## Need\nN.", "## Need\n" + hostile + '\n\n```\n#eval("1")\n```')
    )
    root = print_project(tmp_path / "project", {"hostile.md": record})
    assert main(["--root", str(root), "volume", "cut", "--title", "One", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "print", "1", "-o", str(tmp_path / "one.pdf")]) == 0
    text = " ".join(" ".join(page_texts(PdfReader(tmp_path / "one.pdf"))).split())
    assert '#read("/etc/passwd")' in text and "$x^2$" in text and '#eval("1")' in text
    assert "root:" not in text
    assert_pdf_ua(tmp_path / "one.pdf")


def assert_pdf_ua(path: Path) -> None:
    """pdfua covers the machine-checkable part of PDF/UA-1 (see README: what it does not check)."""
    import pdfua

    report = pdfua.validate(str(path))
    serious = [f for f in report.findings if f.severity >= pdfua.Severity.WARNING]
    assert not serious, serious


def test_pdf_ua_checks_pass(volume_one: Path) -> None:
    assert_pdf_ua(volume_one)


def test_print_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from compendium.cli.main import main

    output = tmp_path / "v2.pdf"
    assert main(["--root", str(REPO), "print", "2", "-o", str(output)]) == 0
    out = capsys.readouterr()
    assert out.out.startswith(f"wrote {output} (")
    assert "Volume 2: typesetting 4 practices" in out.err
    assert main(["--root", str(REPO), "print", "9"]) == 2
    assert_pdf_ua(output)


def test_a_fresh_install_of_the_lock_in_another_checkout_prints_the_same_bytes(
    volume_one: Path, tmp_path: Path
) -> None:
    """A render's promise: the same bytes from any checkout, installed from uv.lock alone (what makes a
    printing checkable; a published volume's printings are kept, not rendered, by the site)."""
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH: run the tests as the README says (uv run --locked ...)")
    checkout = tmp_path / "elsewhere" / "compendium"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        source = REPO / name
        if source.is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, checkout / name)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "SOURCE_DATE_EPOCH")}
    env["UV_PROJECT_ENVIRONMENT"] = str(tmp_path / "fresh-venv")  # a new environment, not this one
    output = tmp_path / "volume-1.pdf"
    result = subprocess.run(
        [uv, "run", "--locked", "--no-dev", "compendium", "print", "1", "--render", "-o", str(output)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == volume_one.read_bytes()


def test_links_between_practices_stay_in_the_volume_or_go_to_the_public_site(tmp_path: Path) -> None:
    from compendium.cli.main import main

    from .conftest import RECORDS

    minimal = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")

    def record(title: str, status: str = "accepted", need: str = "N.") -> str:
        return (
            minimal.replace("Golden minimal record", title)
            .replace("status: submitted", f"status: {status}")
            .replace("## Need\nN.", f"## Need\n{need}")
        )

    texts = {
        "a": record("A", need="See [B](b.md) and [C](c.md#results)."),
        "b": record("B"),
        "c": record("C", status="submitted"),
    }
    root = print_project(tmp_path / "project", {f"{name}.md": text for name, text in texts.items()})
    (root / "mkdocs.yml").write_text(
        "site_name: S\nsite_url: https://example.org/compendium\n", encoding="utf-8"
    )
    assert main(["--root", str(root), "volume", "cut", "--title", "One", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "print", "1", "-o", str(tmp_path / "one.pdf")]) == 0
    reader = PdfReader(tmp_path / "one.pdf")
    uris, internal = [], 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
            elif "/Dest" in annotation or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    # The imprint page gives the volume's own address; C is not in the volume: its link goes to the site.
    assert uris == [
        "https://example.org/compendium/volumes/01-one/",
        "https://example.org/compendium/practices/c/#results",
    ]
    assert internal >= 1  # B is in the volume: its link goes to B's pages in the PDF
    assert_pdf_ua(tmp_path / "one.pdf")


def page_fills(reader: PdfReader) -> list[tuple[float, set[float]]]:
    """For each page, how far down its text block the text reaches (0 to 1) and the font sizes set there.

    The text block is the template's: US Letter less a 0.85in top and a 0.8in bottom margin, where the
    running head and the page number sit."""
    top, bottom = 11 * 72 - 0.85 * 72, 0.8 * 72

    def fill(page: PageObject) -> tuple[float, set[float]]:
        lowest, sizes = top, set()

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            nonlocal lowest
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and bottom < y < top:
                lowest = min(lowest, y)
                sizes.add(round(size * tm[3] * cm[3], 1))

        page.extract_text(visitor_text=visit)
        return (top - lowest) / (top - bottom), sizes

    return [fill(page) for page in reader.pages]


def test_no_practice_ends_on_a_near_empty_page(tmp_path: Path) -> None:
    """Practices from under one page to three, a few lines apart: one that would leave its last lines
    alone on a page is copy-fitted (set a little tighter) back onto fewer pages."""
    from compendium.cli.main import main

    from .conftest import RECORDS

    minimal = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    sentence = (
        "Partners met each quarter to compare whom they served and where people fell between programmes. "
    )
    texts = {
        f"p{n:02}.md": minimal.replace("Golden minimal record", f"Practice {n:02}")
        .replace("status: submitted", "status: accepted")
        .replace("## Need\nN.", "## Need\n" + sentence * (30 + 5 * n))
        for n in range(16)
    }
    root = print_project(tmp_path / "project", texts)
    assert main(["--root", str(root), "volume", "cut", "--title", "One", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "print", "1", "-o", str(tmp_path / "one.pdf")]) == 0
    reader = PdfReader(tmp_path / "one.pdf")
    texts, fills = page_texts(reader), page_fills(reader)
    titled = [n for n, text in enumerate(texts) if re.search(r"^Practice \d\d$", text, re.MULTILINE)]
    starts = [n for n in titled if 17.0 in fills[n][1]]  # the practice's title, not its contents line
    index = max(n for n, text in enumerate(texts) if "Index of partner organisations" in text)
    assert len(starts) == 16, starts
    ends = [n - 1 for n in starts[1:]] + [index - 1]
    assert [(n + 1, round(fills[n][0], 2)) for n in ends if fills[n][0] < 0.25] == []
    # The test means something only if some practices needed fitting: their text is set under 10pt.
    fitted = [n for n in starts if 10.0 not in fills[n][1]]
    assert len(fitted) >= 3, fitted
    assert_pdf_ua(tmp_path / "one.pdf")


def test_a_long_render_keeps_saying_it_is_still_typesetting() -> None:
    import time

    from compendium.printing.edition import heartbeat

    messages: list[str] = []
    with heartbeat(messages.append, "Volume 3", every=0.05):
        time.sleep(0.3)
    said = len(messages)
    assert said >= 2 and all(m.startswith("Volume 3: still typesetting, ") for m in messages), messages
    assert messages[0].endswith(" s so far")
    time.sleep(0.15)
    assert len(messages) == said  # and falls silent when the render ends


def lines_at(page: PageObject) -> list[tuple[float, float, float, str]]:
    """The page's text runs as (y, x, font size, text), top to bottom."""
    runs: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append(
                (tm[5] * cm[3] + cm[5], tm[4] * cm[0] + cm[4], round(size * tm[3] * cm[3], 1), text.strip())
            )

    page.extract_text(visitor_text=visit)
    return sorted(runs, key=lambda run: (-run[0], run[1]))


def running_heads(reader: PdfReader) -> list[tuple[str, str]]:
    """For each page after the cover: (its running head's chapter, the chapter its first line belongs to),
    the latter worked out from where the chapter headings (set at 24pt) fall."""
    top = 11 * 72 - 0.85 * 72
    pairs, current = [], ""
    for page in reader.pages[1:]:
        runs = lines_at(page)
        head = next((text for y, _, size, text in runs if y > top and size == 8.0), "")
        headings: list[tuple[float, str]] = []  # a heading set on two lines is one heading
        for n, (y, _, size, text) in enumerate(runs):
            if size == 24.0:
                if n > 0 and runs[n - 1][2] == 24.0:
                    headings[-1] = (headings[-1][0], headings[-1][1] + " " + text)
                else:
                    headings.append((y, text))
        body = [y for y, _, size, _ in runs if y < top and size > 7.0]
        first_line_y = max(body, default=0.0)
        opening = next((text for y, text in headings if abs(y - first_line_y) < 1), None)
        pairs.append((head.split("Volume ")[0].strip(), (opening or current).upper()))
        if headings:
            current = headings[-1][1]
    return pairs


def test_every_running_head_names_the_chapter_of_the_pages_first_line(volume_one: Path) -> None:
    pairs = running_heads(PdfReader(volume_one))
    assert [head for head, _ in pairs[:3]] == ["", "FOREWORD", "CONTENTS"]  # the imprint page has none
    assert pairs[-1][1] in ("INDEX OF PARTNER ORGANISATIONS", "ERRATA")
    assert [n + 2 for n, (head, chapter) in enumerate(pairs) if chapter and head != chapter] == []


def test_the_partner_index_is_set_in_two_balanced_columns_with_no_page_number_alone(tmp_path: Path) -> None:
    """Thirty practices of six partners each, some with long names: an index of two pages, whose last
    page's columns end within a line of each other, and no line holding only page numbers."""
    from compendium.cli.main import main

    from .conftest import RECORDS

    minimal = (RECORDS / "good" / "minimal.md").read_text(encoding="utf-8")
    texts = {}
    for n in range(30):
        partners = "\n".join(
            f"  - {{name: {'Regional Consortium for Adult Education and Workforce Development of ' if k % 2 else ''}"
            f"Partner {n:02}-{k}, type: workforce-board, role: {'lead' if k == 0 else 'partner'}}}"
            for k in range(6)
        )
        texts[f"p{n:02}.md"] = (
            minimal.replace("Golden minimal record", f"Practice {n:02}")
            .replace("status: submitted", "status: accepted")
            .replace("  - {name: Example Board, type: workforce-board, role: lead}", partners)
        )
    root = print_project(tmp_path / "project", texts)
    assert main(["--root", str(root), "volume", "cut", "--title", "One", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "print", "1", "-o", str(tmp_path / "one.pdf")]) == 0
    reader = PdfReader(tmp_path / "one.pdf")
    index = [
        n
        for n, page in enumerate(reader.pages)
        if "INDEX OF PARTNER ORGANISATIONS" in (page.extract_text() or "")
    ]
    assert len(index) >= 2, index
    top, bottom = 11 * 72 - 0.85 * 72, 0.8 * 72
    for number in index:
        runs = [run for run in lines_at(reader.pages[number]) if bottom < run[0] < top and run[2] == 9.0]
        lines: dict[tuple[float, bool], list[str]] = {}
        middle = 8.5 * 72 / 2
        for y, x, _, text in runs:
            lines.setdefault((round(y, 1), x > middle), []).append(text)
        left = [y for y, right in lines if not right]
        right = [y for y, right in lines if right]
        assert left and right, f"page {number + 1} has one column"
        for words in lines.values():
            assert not re.fullmatch(r"[\d,\s]+", " ".join(words)), words
        if number == index[-1]:
            assert abs(len(left) - len(right)) <= 1, (len(left), len(right))
    assert_pdf_ua(tmp_path / "one.pdf")


def test_a_source_named_by_a_long_site_stays_inside_its_column(tmp_path: Path) -> None:
    """A figure's or rule's source is named by its site, which Typst takes for one word: a real one
    (fresnomaderahigheredforall.org, 30 characters) breaks after a dot, and one wider than its column
    in any part is set smaller or broken; no word reaches past the text block's right edge."""
    from compendium.cli.main import main

    from .browser import skip_here_fail_in_ci

    if shutil.which("pdftotext") is None:  # poppler-utils: the words' boxes
        skip_here_fail_in_ci(
            "the print layout's check", "pdftotext is not installed (apt-get install poppler-utils)"
        )
    # A real record, whose figures and rules cite the collaborative's site, and a copy citing a longer one.
    real = (REPO / "practices" / "central-san-joaquin-valley-k16-partnership.md").read_text(encoding="utf-8")
    assert real.count("fresnomaderahigheredforall.org/") >= 10 and "\nstatus: submitted\n" in real
    real = real.replace("\nstatus: submitted\n", "\nstatus: accepted\n")
    real = re.sub(r"\nrelated: \[[^]]*\]\n", "\n", real)  # practices this project does not hold
    texts = {
        "real.md": real,
        "long.md": real.replace(
            "fresnomaderahigheredforall.org/",
            "regionalworkforceandeducationcollaborativeofthevalley.example.org/",
        ).replace("title: ", "title: Long ", 1),
    }
    root = print_project(tmp_path / "project", texts)
    assert main(["--root", str(root), "volume", "cut", "--title", "One", "--publisher", "Org"]) == 0
    assert main(["--root", str(root), "print", "1", "-o", str(tmp_path / "one.pdf")]) == 0
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(tmp_path / "one.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes
    )
    assert any("fresnomaderahigheredforall." in word for _, word in words)  # broken after the dot, whole
    # The template's text block is US Letter less 0.9in each side; a justified line's last comma, full
    # stop or hyphen hangs up to about 2.5pt past it (Typst's overhang, for an optically even edge).
    right = 8.5 * 72 - 0.9 * 72 + 3
    assert [(word, float(x)) for x, word in words if float(x) > right] == []
    assert_pdf_ua(tmp_path / "one.pdf")
