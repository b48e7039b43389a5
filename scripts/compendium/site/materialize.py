"""Writing the whole site as a project any generator that reads ``mkdocs.yml`` can build.

MkDocs 2.0 drops plugins and Material's successor, Zensical, has no plugin API
yet. The materialized tree needs neither::

    DIR/mkdocs.yml    the project's settings, minus the compendium plugin
    DIR/docs/         every generated page and open-data file, the site's own
                      assets (stylesheet, scripts, fonts) and each volume's PDF
    DIR/overrides/    the theme overrides

``zensical build -f DIR/mkdocs.yml`` (or ``mkdocs build``) then makes the site in
``DIR/site``, and ``compendium finish DIR/site`` does what the plugin does in a
MkDocs build: it sanitizes each generated page's text and puts the templates'
blocks back (:mod:`compendium.site.finishing`), indexes the practice pages for
the finder and gives every page the site's security policy.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape

from compendium.catalog import Catalog
from compendium.records.docs_folder import stray_pages
from compendium.render.markdown import HEADING_SLUG
from compendium.settings import Settings, pdf_name
from compendium.site.converter import split_front_matter
from compendium.site.finishing import FINISHING, Stash
from compendium.site.pages import Page, build_site

CONFIG = "mkdocs.yml"
"""The tree's settings file, beside its ``docs`` and ``overrides`` folders."""
DOCS = "docs"
"""The tree's docs folder: the pages, their assets and the PDFs."""
THEME = "overrides"
"""The tree's theme overrides (``theme.custom_dir``)."""
VARIANT = "classic"
"""Zensical's look that is Material's (its default, "modern", is a new design); MkDocs ignores it."""
HEADER = (
    "# Written by `compendium materialize` from the project's mkdocs.yml: edit that one, not this.\n"
    "# Build: zensical build -f mkdocs.yml (or mkdocs build), then: compendium finish site\n"
)
"""The first lines of the tree's settings file."""
FRONT_MATTER = "---\n"
"""How a generated page's front matter opens and closes."""
PER_PAGE_EDIT = "content.action.edit"
"""The theme feature the tree goes without: see :func:`portable_config`."""


class MaterializeError(Exception):
    """The tree cannot be written; the message names the file and what was expected."""


def materialize(
    catalog: Catalog,
    settings: Settings,
    data: dict[str, Any],
    base: Path,
    target: Path,
    *,
    print_volumes: Callable[[Path], int] | None = None,
) -> int:
    """Write the tree (see the module's description) to ``target``, replacing it whole; return how
    many files it holds. ``data``: ``mkdocs.yml`` as :func:`read_config` reads it, from folder
    ``base``. ``print_volumes``: writes each volume's PDF beside its page under the docs folder it
    is given, and says how many it wrote (the print stage is not the site's to call).

    Written to a temporary folder first and moved into place, so an interrupted
    run never leaves a half-written tree.
    """
    project = catalog.project
    docs_dir = base / str(data.get("docs_dir") or "docs")
    theme: dict[str, Any] = data["theme"] if isinstance(data.get("theme"), dict) else {}
    custom_dir = base / str(theme["custom_dir"]) if theme.get("custom_dir") else None
    own = _files_under(docs_dir)
    overrides = _files_under(custom_dir) if custom_dir else []
    refused = project.refused([*own, *overrides]) + stray_pages(project, own)
    if refused:
        raise MaterializeError("\n".join(str(problem) for problem in refused))
    if print_volumes is not None:
        settings = dataclasses.replace(
            settings, pdfs={number: pdf_name(volume) for number, volume in catalog.volumes.items()}
        )
    pages, assets = build_site(catalog, settings)
    stash = Stash.new()
    generated = {page.path: _stashed(page, stash).encode("utf-8") for page in pages}
    generated |= {asset.path: asset.content for asset in assets}
    generated[FINISHING] = stash.data()
    for path in own:
        name = path.relative_to(docs_dir).as_posix()
        if name in generated:
            raise MaterializeError(
                f"{project.display(path)}: {name} is generated from the records; "
                "remove the file of that name from the docs folder"
            )

    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        docs = staging / DOCS
        for name, content in generated.items():
            _write(docs / name, content)
        for path in own:
            _write(docs / path.relative_to(docs_dir), path.read_bytes())
        for path in overrides:
            assert custom_dir is not None
            _write(staging / THEME / path.relative_to(custom_dir), path.read_bytes())
        count = len(generated) + len(own) + len(overrides)
        if print_volumes is not None:
            count += print_volumes(docs)
        portable = portable_config(data, has_overrides=custom_dir is not None)
        settings_text = HEADER + yaml.dump(
            portable, Dumper=_SettingsDumper, sort_keys=False, allow_unicode=True
        )
        _write(staging / CONFIG, settings_text.encode("utf-8"))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count + 1


def with_escaped_metadata(markdown: str) -> str:
    """A generated page with its front matter's text escaped for HTML, as the plugin escapes it.

    Material's and Zensical's templates write ``page.meta`` and ``page.title`` into ``<title>``, the
    header and ``<meta name="description">`` as they are; a record's title must arrive there as text.
    """
    if not markdown.startswith(FRONT_MATTER):
        return markdown
    end = markdown.index("\n" + FRONT_MATTER, len(FRONT_MATTER) - 1)
    meta = yaml.safe_load(markdown[len(FRONT_MATTER) : end + 1])  # written by our own templates
    escaped = {key: str(escape(value)) if isinstance(value, str) else value for key, value in meta.items()}
    front = yaml.safe_dump(escaped, sort_keys=False, allow_unicode=True, width=1_000_000)
    return FRONT_MATTER + front + markdown[end + 1 :]


def _stashed(page: Page, stash: Stash) -> str:
    """``page`` as the tree holds it: its metadata escaped, then the Markdown the plugin converts, with
    the templates' blocks and record text as tokens that ``compendium finish`` puts back."""
    document = with_escaped_metadata(page.stashed or page.markdown)
    body = split_front_matter(document)
    return stash.page(document[: len(document) - len(body)], body, page.blocks)


def read_config(path: Path, display: Callable[[Path], str]) -> dict[str, Any]:
    """``mkdocs.yml`` as plain data; a tag (``!ENV``, ``!!python/name``) cannot be carried over and
    is an error naming its line."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MaterializeError(f"{display(path)}: could not be read: {exc.strerror}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{display(path)}:{mark.line + 1}:{mark.column + 1}" if mark else display(path)
        raise MaterializeError(
            f"{where}: expected plain settings (the materialized tree's mkdocs.yml is written from them), "
            f"received {exc.problem}"
        ) from None
    if not isinstance(loaded, dict):
        raise MaterializeError(
            f"{display(path)}: expected a mapping of settings, received {type(loaded).__name__}"
        )
    return loaded


def portable_config(data: dict[str, Any], *, has_overrides: bool) -> dict[str, Any]:
    """``mkdocs.yml``'s settings for the tree: its folders, no compendium plugin, Zensical's Material look.

    The tree also goes without the per-page edit button: the plugin points a practice page's at its
    record and gives a generated index page none, while a generator without it would point every
    page at a file of the page's name, which for the index pages does not exist. Each practice page
    keeps its own "Suggest an update" link.
    """
    portable = {key: value for key, value in data.items() if key not in ("docs_dir", "plugins", "theme")}
    portable["docs_dir"] = DOCS
    theme = (
        dict(data["theme"])
        if isinstance(data.get("theme"), dict)
        else {"name": data.get("theme") or "material"}
    )
    if has_overrides:
        theme["custom_dir"] = THEME
    theme.setdefault("variant", VARIANT)
    if isinstance(theme.get("features"), list):
        theme["features"] = [feature for feature in theme["features"] if feature != PER_PAGE_EDIT]
    portable["theme"] = theme
    plugins = [entry for entry in data.get("plugins") or [] if _plugin_name(entry) != "compendium"]
    if "plugins" in data and not any(_plugin_name(entry) == "search" for entry in plugins):
        # Listing plugins without search turns MkDocs' search off; Zensical's is on unless it is
        # turned off, and a second search box beside the finder's would search other pages.
        plugins.append({"search": {"enabled": False}})
    if plugins:
        portable["plugins"] = plugins
    if "markdown_extensions" in data:
        portable["markdown_extensions"] = [
            _with_heading_ids(entry) for entry in data["markdown_extensions"] or []
        ]
    return portable


class _PythonName(str):
    """A setting that names a Python object, written as MkDocs and Zensical both read it (``!!python/name:``)."""


class _SettingsDumper(yaml.SafeDumper):
    """YAML for the tree's settings: plain values, and :class:`_PythonName` as its tag."""


_SettingsDumper.add_representer(
    _PythonName, lambda dumper, name: dumper.represent_scalar(f"tag:yaml.org,2002:python/name:{name}", "")
)


def _with_heading_ids(entry: object) -> object:
    """The ``toc`` extension's entry with the site's heading ids (:func:`heading_slug`), as the plugin sets them."""
    if entry == "toc":
        entry = {"toc": {}}
    if isinstance(entry, dict) and "toc" in entry:
        options = dict(entry["toc"] or {})
        options.setdefault("slugify", _PythonName(HEADING_SLUG))
        return {**entry, "toc": options}
    return entry


def _plugin_name(entry: object) -> str:
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return str(entry)


def _files_under(folder: Path) -> list[Path]:
    """The files MkDocs would publish from ``folder`` (hidden ones left out, as it does)."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if not path.is_dir() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
