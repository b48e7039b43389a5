"""The build's caches are no input: outside the project, checked on read, never through a link.

The first three tests replay the security review's attacks on the caches that lived in the
checkout (``.cache/compendium/``): a linked font entry, a forged PDF with its page count, and
``.cache`` itself a link. None of them may reach the output any more.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from compendium.cache import Cache, CacheError, cache_folder
from compendium.catalog import load_catalog
from compendium.cli.main import main
from compendium.printing.edition import edition_data, inputs_digest, print_volume, source_date
from compendium.records.project import Project
from compendium.settings import Settings
from compendium.site.fonts import LATIN, WEB_FONTS
from compendium.typefaces import font_folder

from .conftest import RECORDS, REPO
from .sitebuild import fixture_project, mkdocs_build, seed_font_cache

SERIF = "source-serif-regular.woff2"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The machine's cache folder for this test: outside the project, with the cut fonts already in it."""
    folder = seed_font_cache(tmp_path / "machine")
    monkeypatch.setenv("COMPENDIUM_CACHE_DIR", str(folder))
    return folder


def volume_project(root: Path) -> Path:
    """A fixture project with one draft volume carrying the golden minimal record."""
    root = fixture_project(root)
    volume = root / "volumes" / "01-one"
    volume.mkdir(parents=True)
    (volume / "volume.yml").write_text(
        "number: 1\ntitle: One\npublishers: [Org]\nstatus: draft\nsections:\n  - title: S\n    practices: [minimal]\n",
        encoding="utf-8",
    )
    (volume / "foreword.md").write_text("A foreword.\n", encoding="utf-8")
    return root


def old_font_key(served: str) -> str:
    """The name the in-project font cache gave a cut font: computable offline, as the review found."""
    package, name = next((p, n) for p, n, s in WEB_FONTS if s == served)
    font = (font_folder(package) / name).read_bytes()
    return f"{served}.{hashlib.sha256(font + (version('fonttools') + LATIN).encode()).hexdigest()[:20]}"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


# -- the review's three attacks -----------------------------------------------------------------


def test_a_linked_font_entry_never_reaches_the_site(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"AWS_SECRET_ACCESS_KEY=do-not-publish\n")
    root = fixture_project(tmp_path / "project")
    # (a) as the review made it: a committed link where the in-project cache kept the cut font.
    planted = root / ".cache" / "compendium" / "fonts" / old_font_key(SERIF)
    planted.parent.mkdir(parents=True)
    planted.symlink_to("/proc/self/environ")
    # And the same in the real cache, named by the digest of what it points to.
    (entry,) = (cache / "fonts").glob(f"{SERIF}.*")
    entry.unlink()
    link = entry.with_name(
        entry.name.rsplit(".", 1)[0] + "." + hashlib.sha256(secret.read_bytes()).hexdigest()
    )
    link.symlink_to(secret)

    assert main(["--root", str(root), "materialize", "--no-pdf", str(tmp_path / "tree")]) == 0
    served = (tmp_path / "tree" / "docs" / "fonts" / SERIF).read_bytes()
    assert served.startswith(b"wOF2") and b"do-not-publish" not in served and b"PATH=" not in served
    # The link was removed, never what it pointed to, and the cut font is cached again.
    assert not link.is_symlink() and secret.read_bytes() == b"AWS_SECRET_ACCESS_KEY=do-not-publish\n"
    (again,) = (cache / "fonts").glob(f"{SERIF}.*")
    assert again.read_bytes() == served and not again.is_symlink()


def test_a_forged_pdf_in_the_project_never_becomes_the_print_edition(cache: Path, tmp_path: Path) -> None:
    root = volume_project(tmp_path / "project")
    catalog, problems = load_catalog(Project(root))
    assert catalog is not None and not problems
    volume = catalog.volumes[1]
    site_url = Settings.from_mkdocs_yml(root / "mkdocs.yml").site_url
    moment = source_date(volume)
    digest = inputs_digest(edition_data(catalog, volume, moment, site_url), catalog.project.print_assets)
    # (b) as the review made it: a hand-made PDF under the key the old cache looked up, and its page count.
    forged = b"%PDF-1.7\n% FORGED: not this volume\n%%EOF\n"
    pdf = root / ".cache" / "compendium" / "pdf" / f"{digest}.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(forged)
    pdf.with_suffix(".pages").write_text("1", encoding="utf-8")

    assert main(["--root", str(root), "materialize", str(tmp_path / "tree")]) == 0
    printed = (tmp_path / "tree" / "docs" / "volumes" / "01-one" / "01-one.pdf").read_bytes()
    assert printed.startswith(b"%PDF-") and b"FORGED" not in printed
    assert [p.name for p in (cache / "pdf").iterdir()] == [f"{digest}.{hashlib.sha256(printed).hexdigest()}"]


def test_a_linked_cache_folder_in_the_project_is_never_written_through(cache: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = volume_project(tmp_path / "project")
    # (c) a committed `.cache` that is itself a link: the old build wrote its lock, fonts and PDFs there.
    (root / ".cache").symlink_to(outside)
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert main(["--root", str(root), "materialize", str(tmp_path / "tree")]) == 0
    assert list(outside.iterdir()) == []
    assert (tmp_path / "site" / "volumes" / "01-one" / "01-one.pdf").read_bytes().startswith(b"%PDF-")
    # Asked to keep the caches there, the build says no, naming where the request came from.
    with pytest.raises(CacheError) as refused:
        cache_folder(root, root / ".cache" / "compendium", "COMPENDIUM_CACHE_DIR")
    assert str(refused.value) == (
        f"COMPENDIUM_CACHE_DIR: expected a cache folder outside the project {root}, received "
        f"{root}/.cache/compendium: a cache inside the project is input a pull request controls; choose a "
        "folder outside it (or leave it unset for ~/.cache/compendium)"
    )
    assert list(outside.iterdir()) == []


# -- where the caches live ----------------------------------------------------------------------


def test_the_environment_and_xdg_choose_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    assert cache_folder(project, environ={}) == home / ".cache" / "compendium"
    assert (
        cache_folder(project, environ={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
        == tmp_path / "xdg" / "compendium"
    )
    # A relative XDG_CACHE_HOME is invalid by the XDG rule, and ignored.
    assert cache_folder(project, environ={"XDG_CACHE_HOME": "relative"}) == home / ".cache" / "compendium"
    chosen = {"COMPENDIUM_CACHE_DIR": str(tmp_path / "env"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert cache_folder(project, environ=chosen) == tmp_path / "env"
    # A setting or an option wins over the environment.
    assert cache_folder(project, tmp_path / "option", "--cache-dir", environ=chosen) == tmp_path / "option"
    for folder in ("home/.cache/compendium", "xdg/compendium", "env", "option"):
        assert stat.S_IMODE((tmp_path / folder).stat().st_mode) == 0o700, folder


def test_a_cache_folder_that_holds_the_project_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    with pytest.raises(CacheError) as refused:
        cache_folder(project, tmp_path, "--cache-dir")
    assert str(refused.value) == (
        f"--cache-dir: expected a cache folder outside the project {project}, received {tmp_path}, which "
        "holds the project; choose a folder of its own (or leave it unset for ~/.cache/compendium)"
    )


def test_the_plugin_setting_is_honoured_and_refused_inside_the_project(cache: Path, tmp_path: Path) -> None:
    root = fixture_project(tmp_path / "project")
    chosen = seed_font_cache(tmp_path / "chosen")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - compendium\n" in text
    config.write_text(
        text.replace("\n  - compendium\n", f"\n  - compendium:\n      cache_dir: ../{chosen.name}\n")
    )
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    # mkdocs_build points COMPENDIUM_CACHE_DIR at the project's own test cache: the setting won.
    assert list((chosen / "locks").iterdir()) and not (tmp_path / "project-cache" / "locks").exists()

    config.write_text(
        text.replace("\n  - compendium\n", "\n  - compendium:\n      cache_dir: .cache/compendium\n")
    )
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 1
    assert (
        f"{config}: plugins.compendium.cache_dir: expected a cache folder outside the project {root}, received "
        f"{root}/.cache/compendium: a cache inside the project is input a pull request controls; choose a "
        "folder outside it (or leave it unset for ~/.cache/compendium)"
    ) in result.stderr
    assert "Traceback" not in result.stderr and not (root / ".cache").exists()


def test_materialize_keeps_its_caches_where_cache_dir_says(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = fixture_project(tmp_path / "project")
    chosen = seed_font_cache(tmp_path / "chosen")
    shutil.rmtree(cache / "fonts")  # what the environment names must stay untouched
    code = main(
        ["--root", str(root), "materialize", "--no-pdf", "--cache-dir", str(chosen), str(tmp_path / "t")]
    )
    assert code == 0
    assert not (cache / "fonts").exists() and len(list((chosen / "fonts").iterdir())) >= len(WEB_FONTS)
    capsys.readouterr()
    code = main(["--root", str(root), "materialize", "--cache-dir", str(root / "cache"), str(tmp_path / "t")])
    assert code == 2
    assert capsys.readouterr().err == (
        f"compendium: error: --cache-dir: expected a cache folder outside the project {root}, received "
        f"{root}/cache: a cache inside the project is input a pull request controls; choose a folder outside "
        "it (or leave it unset for ~/.cache/compendium)\n"
    )


# -- what the cache returns ---------------------------------------------------------------------


def test_a_corrupted_pdf_entry_is_rendered_again(tmp_path: Path) -> None:
    catalog, _ = load_catalog(Project(REPO))
    assert catalog is not None
    store = tmp_path / "cache" / "pdf"
    first = print_volume(catalog, catalog.volumes[2], tmp_path / "a.pdf", cache=store)
    (entry,) = store.iterdir()
    entry.write_bytes(b"%PDF-1.7\n% FORGED\n%%EOF\n")  # same name, other content
    second = print_volume(catalog, catalog.volumes[2], tmp_path / "b.pdf", cache=store)
    assert first.rendered and second.rendered and second.pages == first.pages
    assert (tmp_path / "b.pdf").read_bytes() == (tmp_path / "a.pdf").read_bytes()
    assert entry.read_bytes() == (tmp_path / "a.pdf").read_bytes()
    third = print_volume(catalog, catalog.volumes[2], tmp_path / "c.pdf", cache=store)
    assert not third.rendered and third.pages == first.pages


def test_only_regular_files_whose_content_matches_their_name_are_returned(tmp_path: Path) -> None:
    store = Cache(tmp_path / "cache")
    assert store.get("key") is None
    store.put("key", b"content")
    assert store.get("key") == b"content"
    (entry,) = (tmp_path / "cache").iterdir()
    assert entry.name == "key." + hashlib.sha256(b"content").hexdigest()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    # A FIFO is skipped without waiting on it; a folder is skipped; a changed file is removed.
    fifo = entry.with_name("key." + hashlib.sha256(b"other").hexdigest())
    os.mkfifo(fifo)
    folder = entry.with_name("key." + "0" * 64)
    folder.mkdir()
    entry.write_bytes(b"changed")
    assert store.get("key") is None
    assert not entry.exists() and not fifo.exists() and folder.is_dir()
    store.put("key", b"content")
    assert store.get("key") == b"content"


def test_a_linked_or_shared_cache_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(CacheError) as refused:
        Cache(tmp_path / "link").put("key", b"content")
    assert str(refused.value) == (
        f"{tmp_path}/link: expected a cache folder, received a symbolic link; the caches are never read or "
        "written through a link: remove it, and the build makes the folder again"
    )
    assert list(real.iterdir()) == []
    real.chmod(0o770)
    with pytest.raises(CacheError) as refused:
        Cache(real).get("key")
    assert str(refused.value) == (
        f"{real}: expected a cache folder only you may write to, received mode 770: run 'chmod go-w {real}' "
        "or choose another with COMPENDIUM_CACHE_DIR"
    )


# -- a tracked .cache ---------------------------------------------------------------------------

TRACKED = (
    ": is tracked by git, but the build keeps its caches outside the project and a cache in the "
    "repository is input a pull request controls; expected no .cache in the repository: remove it with "
    "'git rm -r --cached .cache'"
)


def test_validate_reports_each_tracked_cache_file(
    make_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project({"good.md": RECORDS / "good" / "minimal.md"})
    (root / ".cache" / "compendium" / "pdf").mkdir(parents=True)
    (root / ".cache" / "compendium" / "pdf" / "0.pdf").write_bytes(b"%PDF-")
    (root / ".cache" / "compendium" / "pdf" / "0.pages").write_text("1")
    # Outside a git checkout there is nothing to ask git: no problem.
    assert main(["--root", str(root), "validate"]) == 0
    git(root, "init", "-q")
    git(root, "add", "practices")
    assert main(["--root", str(root), "validate"]) == 0  # present but untracked: .gitignore's business
    capsys.readouterr()
    git(root, "add", "-f", ".cache")
    assert main(["--root", str(root), "validate"]) == 1
    out, err = capsys.readouterr()
    assert out == f".cache/compendium/pdf/0.pages{TRACKED}\n.cache/compendium/pdf/0.pdf{TRACKED}\n"
    assert err == "2 problem(s) in 2 file(s).\n"


def test_validate_reports_a_tracked_cache_link(
    make_project: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project({"good.md": RECORDS / "good" / "minimal.md"})
    (root / ".cache").symlink_to(tmp_path)
    git(root, "init", "-q")
    git(root, "add", "-f", ".cache")
    assert main(["--root", str(root), "validate"]) == 1
    assert capsys.readouterr().out == f".cache{TRACKED}\n"


# -- CI -----------------------------------------------------------------------------------------


def workflow_steps(name: str) -> list[dict[str, object]]:
    data = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_a_pull_request_never_saves_a_cache_main_reads() -> None:
    for name in ("pull-request.yml", "pages.yml"):
        data = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
        folder = data["jobs"][next(iter(data["jobs"]))]["env"]["COMPENDIUM_CACHE_DIR"]
        assert folder.startswith("/") and "workspace" not in folder and "/__w/" not in folder, name
    uses = {str(step.get("uses", "")).split("@")[0]: step for step in workflow_steps("pull-request.yml")}
    # Restore only: actions/cache would save at the end of the job, actions/cache/save at once.
    assert "actions/cache" not in uses and "actions/cache/save" not in uses
    restore = uses["actions/cache/restore"]["with"]
    assert isinstance(restore, dict) and restore["restore-keys"] == "compendium-main-"
    pages = {str(step.get("uses", "")).split("@")[0]: step for step in workflow_steps("pages.yml")}
    assert "actions/cache" not in pages
    saved, restored = pages["actions/cache/save"], pages["actions/cache/restore"]
    assert saved["if"] == "github.ref == 'refs/heads/main'"
    assert isinstance(saved["with"], dict) and isinstance(restored["with"], dict)
    assert str(saved["with"]["key"]).startswith("compendium-main-")
    assert restored["with"]["restore-keys"] == "compendium-main-"
    assert saved["with"]["path"] == restored["with"]["path"] == "${{ env.COMPENDIUM_CACHE_DIR }}"
