"""The commands for building the site without MkDocs: materialize, then finish what another generator built."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from compendium.cli.shared import UsageError, valid_catalog
from compendium.records.project import Project


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the ``compendium`` parser."""
    materialize = sub.add_parser(
        "materialize",
        help="write the whole site as a project another generator can build",
        description="Write DIR/mkdocs.yml (the project's settings without the compendium plugin), DIR/docs "
        "(every generated page, the open data, the site's assets and each volume's PDF) and DIR/overrides "
        "(the theme overrides), for generators that read mkdocs.yml but run no MkDocs plugins, such as "
        "Zensical: 'zensical build -f DIR/mkdocs.yml', then 'compendium finish DIR/site'. DIR is replaced whole.",
    )
    materialize.add_argument("directory", metavar="DIR", help="the folder to write (replaced if it exists)")
    materialize.add_argument(
        "--no-pdf",
        dest="pdf",
        action="store_false",
        help="leave the volumes' PDFs out (they take seconds each)",
    )
    materialize.add_argument(
        "--cache-dir",
        metavar="FOLDER",
        help="where to keep the cut fonts and rendered PDFs, outside the project (default: "
        "$COMPENDIUM_CACHE_DIR, else $XDG_CACHE_HOME/compendium, else ~/.cache/compendium)",
    )
    materialize.set_defaults(run=_materialize)
    finish = sub.add_parser(
        "finish",
        help="sanitize and index a site built from the materialized tree and give its pages their security policy",
        description="Do to SITE, built by another generator from 'compendium materialize', what the MkDocs "
        "plugin does to the site it builds: sanitize each generated page's text and put the templates' blocks "
        "back, index the practice pages with Pagefind for 'Find a practice', and declare the site's "
        "Content-Security-Policy in every page (a page holding an inline script the templates do not write "
        "is an error). Running it twice changes nothing more.",
    )
    finish.add_argument("site", metavar="SITE", help="the built site's folder (e.g. DIR/site)")
    finish.set_defaults(run=_finish)


def _materialize(args: argparse.Namespace, project: Project) -> int:
    from compendium.cache import PDF, CacheError, cache_folder
    from compendium.printing.edition import PrintError, volume_pdfs
    from compendium.settings import Settings, SettingsError
    from compendium.site.materialize import MaterializeError, materialize, read_config

    target = Path(args.directory)
    if target.absolute() in (
        project.root.absolute(),
        *project.root.absolute().parents,
    ) or target.absolute() in (
        project.practices.absolute(),
        project.volumes.absolute(),
    ):
        raise UsageError(f"{target}: refusing to replace the project or one of its source folders")
    try:
        chosen = Path(args.cache_dir).expanduser() if args.cache_dir else None
        cache = cache_folder(project.root, chosen, "--cache-dir")
    except CacheError as exc:
        raise UsageError(str(exc)) from None
    catalog = valid_catalog(project)
    config = project.root / "mkdocs.yml"

    def print_volumes(docs: Path) -> int:
        # Each volume's PDFs beside its page, as the plugin places them: a draft's rendered (the same
        # cache spares the renders), a published volume's printings as kept.
        written = 0
        for volume in settings.listed(catalog.volumes).values():
            folder = docs / "volumes" / volume.folder.name
            written += len(volume_pdfs(catalog, volume, folder, print, cache / PDF, settings.site_url))
        return written

    try:
        data = read_config(config, project.display)
        settings = dataclasses.replace(Settings.from_mkdocs_data(data), cache=cache)
        count = materialize(
            catalog, settings, data, config.parent, target, print_volumes=print_volumes if args.pdf else None
        )
    except (MaterializeError, PrintError, CacheError, SettingsError) as exc:
        print(f"compendium: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {count} files to {target}")
    return 0


def _finish(args: argparse.Namespace, project: Project) -> int:
    from compendium.settings import Settings
    from compendium.site.finishing import FinishError, finish_pages
    from compendium.site.materialize import MaterializeError, read_config
    from compendium.site.policy import declare_policy, generator_scripts
    from compendium.site.search import SearchError, index_built_site

    site = Path(args.site)
    if not (site / "index.html").is_file():
        raise UsageError(f"{site}: expected a built site (a folder with index.html), found none")
    try:
        data = read_config(project.root / "mkdocs.yml", project.display)
        finished = finish_pages(site)  # first: the index and the policy read the finished pages
        summary = index_built_site(site)
    except (MaterializeError, FinishError, SearchError) as exc:
        print(f"compendium: error: {exc}", file=sys.stderr)
        return 1
    print(f"text sanitized and completed in {finished} page(s)")
    print(summary)
    scripts = generator_scripts(data, project.root)
    given, problems = declare_policy(site, scripts, Settings.from_mkdocs_data(data).site_url)
    print(f"security policy declared in {given} page(s)")
    for problem in problems:
        print(f"compendium: error: {problem}", file=sys.stderr)
    return 1 if problems else 0
