"""Ties the Compendium core to MkDocs: validate, generate pages in memory, sanitize, index, print.

The plugin does no work of its own beyond wiring; everything it serves comes
from :mod:`compendium.site` and :mod:`compendium.catalog`, so the same pages
can be written to a folder by ``compendium materialize``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from compendium.cache import LOCKS, PDF, WORK, Cache, CacheError, Memo, cache_folder, prepare_folder
from compendium.catalog import Catalog, load_catalog
from compendium.files import Lock
from compendium.plugin.config import CompendiumConfig
from compendium.plugin.output import ASIDE, PreviewOutput, SiteFile
from compendium.plugin.structure import ConvertedPage, ThemedPage
from compendium.records.docs_folder import stray_pages
from compendium.records.problem import Problem
from compendium.records.project import Project
from compendium.render.markdown import heading_slug
from compendium.render.templates import COMPILED
from compendium.settings import Settings, pdf_name, url_of
from compendium.site.converter import Converter, finish_html
from compendium.site.pages import build_site
from compendium.site.policy import (
    TemplateScripts,
    declared_policy,
    jinja_renderer,
    template_scripts,
    unapproved_script,
    with_policy,
)
from compendium.site.preview import with_problems
from compendium.site.search import BUNDLE, Indexing, SearchError

if TYPE_CHECKING:
    from compendium.printing.edition import Edition

log = logging.getLogger("mkdocs.plugins.compendium")

_HEAD_READ = 8192
"""How much of each written page the closing check reads first to find its policy."""

_Finishing = tuple[str, tuple[Problem, ...], bool, dict[str, str]]
"""What :meth:`CompendiumPlugin._finished` reads of a page: its themed HTML, the problems shown, whether
a good catalog stands behind them, and the policy's hashes for the page's base URL."""


TEMPLATES = Path(__file__).parent / "templates"
"""The plugin's own theme partials, which only a MkDocs build uses (see partials/cmp-cached.html)."""


def _nav_paths(nav: object) -> set[str]:
    """Every page path mkdocs.yml's ``nav`` lists, however deeply nested."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return {path for value in nav.values() for path in _nav_paths(value)}
    if isinstance(nav, list):
        return {path for item in nav for path in _nav_paths(item)}
    return set()


def _theme_key(config: MkDocsConfig) -> str:
    """The key of what a page's theme is made from that can change while a preview runs: mkdocs.yml and
    the project's theme overrides (by size and time of change). The theme's and the plugin's own
    templates change only with the installed packages, which a preview does not outlive."""
    parts = [Path(config.config_file_path).read_bytes().hex()]
    if config.theme.custom_dir:
        for path in sorted(Path(config.theme.custom_dir).rglob("*")):
            info = path.stat()
            parts.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _log_progress(message: str) -> None:
    log.info(message)


class CompendiumPlugin(BasePlugin[CompendiumConfig]):  # type: ignore[no-untyped-call]
    """``plugins: [compendium]`` in ``mkdocs.yml``."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.project: Project | None = None
        self.catalog: Catalog | None = None
        self.generated: set[str] = set()
        self.blocks: dict[str, str] = {}
        self.indexing: Indexing | None = None
        self.indexed: dict[str, str] = {}
        """Source path -> URL of each page the search covers."""
        self.page_count = 0
        """How many pages the records made, for the build's closing line."""
        self.cache: Path | None = None
        """The folder of the build's caches, outside the project (see :meth:`on_config`)."""
        self.lock: Lock | None = None
        """Held from on_config to the end of the build (see :meth:`on_config`)."""
        self.serving = False
        """True under ``mkdocs serve``, where a record's problems are shown on the pages, not fatal."""
        self.problems: list[Problem] = []
        """The problems of the last load, while serving: every page shows them until they are fixed."""
        self.last_good: Catalog | None = None
        """While serving, the last catalog without problems: the preview keeps showing it."""
        self.scripts: TemplateScripts | None = None
        """The inline scripts the theme's templates write: the only ones a page's policy lets run."""
        self.base_url = "."
        """The ``base_url`` of the page being written (its scripts are rendered with it)."""
        self.unapproved: list[str] = []
        """The build's pages that hold an inline script no template writes: the build fails naming each."""
        self.memos: dict[str, Memo] = {}
        """Work kept between builds, by what it is (records…): made once, kept across a serve's rebuilds."""
        self.themed: dict[str, ThemedPage] = {}
        """While serving: each kept page as the last rebuild put it into the theme, by source path."""
        self.theming: dict[str, ThemedPage] = {}
        """While serving: what this rebuild puts into the theme, to be :attr:`themed` once it succeeds."""
        self.reused: dict[str, tuple[SiteFile, ThemedPage]] = {}
        """While serving: the pages this rebuild writes as the last one themed them, by source path."""
        self.theme_key = ""
        """While serving: the key of the theme and mkdocs.yml the pages were put into."""
        self.behind: tuple[threading.Thread, Indexing] | None = None
        """While serving: the search index being made behind the last rebuild (:meth:`_index_after`)."""
        self.output = PreviewOutput()
        """While serving: the files the last rebuild wrote, left in place when a rebuild writes them unchanged."""
        self.dirty = False
        """True under ``mkdocs serve --dirty``, whose rebuilds do not empty the site folder."""
        self.contents: list[tuple[SiteFile, str | bytes]] = []
        """While serving: each file the plugin gives MkDocs to copy (the reused pages and the assets)
        with its final content, for :attr:`output` to find those already written."""
        self.finished: dict[str, tuple[_Finishing, str]] = {}
        """While serving: each reused page as :meth:`_finished` finished it, with what that read; the
        same inputs give the same text object, which :attr:`output` recognises without reading it."""
        self.listed: list[File] | None = None
        """While serving: the files ``sitemap.xml`` lists when this rebuild reused pages, which MkDocs
        takes for plain files and would leave out; None lets MkDocs list its pages."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # With on_startup defined, MkDocs keeps this plugin for every rebuild of one `mkdocs serve`,
        # so the last good catalog and the problems outlive a rebuild.
        self.serving = command == "serve"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        self._stop_indexing_behind()
        self.output.close()  # before mkdocs serve removes the site folder
        for memo in self.memos.values():
            try:
                memo.flush()
            except CacheError as exc:  # the folder went away meanwhile: the next build makes them again
                log.warning(str(exc))

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # Every page and link is made for directory URLs (practices/<id>/); with file URLs a
        # quarter of the site's local links would break while --strict still passed.
        if not config.use_directory_urls:
            raise PluginError(
                f"{config.config_file_path}: 'use_directory_urls: false' is not supported by the compendium "
                "plugin, whose pages link each other as directory URLs (practices/<id>/); remove the setting "
                "or set it to true"
            )
        if self.config.concurrency < 1:
            raise PluginError(
                f"{config.config_file_path}: plugins.compendium.concurrency: expected a whole number of "
                f"processes, 1 or more, received {self.config.concurrency}"
            )
        # The plugin's own partials (templates/partials: Material's, rendered once for every practice
        # page) come after the project's overrides and before the theme.
        if str(TEMPLATES) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        root = Path(self.config.root or Path(config.config_file_path).parent).absolute()
        self.project = Project(root)
        # The caches live outside the project, where no pull request can put a file the build then reads.
        chosen = self.config.cache_dir
        try:
            self.cache = cache_folder(
                root,
                Path(config.config_file_path).parent / Path(chosen).expanduser() if chosen else None,
                f"{config.config_file_path}: plugins.compendium.cache_dir",
            )
            locks = prepare_folder(self.cache / LOCKS)
            work = Cache(prepare_folder(self.cache / WORK))
        except CacheError as exc:
            raise PluginError(str(exc)) from None
        # Two builds writing one site at once made MkDocs' cleanup crash: the second waits. Taken
        # before MkDocs cleans the site folder; the system drops it if this build is killed.
        site = Path(config.site_dir).absolute()
        digest = hashlib.sha1(str(site).encode()).hexdigest()[:12]
        self.lock = Lock(locks / f"build-{digest}.lock")
        # One project's kept work (whichever folder its site is built into): kept in memory across a
        # serve's rebuilds, unless the project's folder changes.
        for kind in ("records", "pages"):
            name = f"{kind}-{hashlib.sha1(str(root).encode()).hexdigest()[:12]}"
            if kind not in self.memos or self.memos[kind].name != name:
                self.memos[kind] = Memo(work, name)
        self.lock.acquire(lambda: log.info(f"Waiting for another build of {site} to finish"))
        # A record's heading never takes an id the theme or the templates use (Material's `__config`).
        if "toc" in config.markdown_extensions:
            config.mdx_configs.setdefault("toc", {}).setdefault("slugify", heading_slug)
        # `mkdocs serve` rebuilds when a record, the vocabulary or a volume changes.
        for folder in (self.project.practices, self.project.volumes):
            if folder.is_dir() and str(folder) not in config.watch:
                config.watch.append(str(folder))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.project is not None
        processes = self.config.concurrency
        catalog, problems = load_catalog(self.project, processes=processes, memo=self.memos["records"])
        problems += self._unsafe_site_files(files, config, problems)
        if problems or catalog is None:
            for problem in problems:
                log.error(str(problem))
            if not self.serving:
                raise PluginError(f"{len(problems)} problem(s) in the records; fix them and build again")
            # A preview does not stop at a typo: it keeps the last good site and shows the problems
            # on every page (on_post_page), until a save fixes them.
            self.problems = problems
            log.warning(f"{len(problems)} problem(s) in the records: the preview shows them on every page")
            catalog = self.last_good
            if catalog is None:
                self.catalog = None
                return files
        else:
            self.problems = []
            if self.serving:
                self.last_good = catalog
        self.catalog = catalog
        # Practice pages come with their HTML, made on both cores with the site's own
        # Markdown settings; MkDocs then only puts them into the theme.
        converter = Converter(config.markdown_extensions, config.mdx_configs)
        try:
            pages, assets = build_site(
                catalog,
                self._settings(config),
                converter,
                processes,
                self.memos["pages"],
                # The converter's settings come from mkdocs.yml (its Markdown extensions).
                Path(config.config_file_path).read_bytes().hex(),
            )
        except CacheError as exc:
            raise PluginError(str(exc)) from None
        self.generated = set()
        self.blocks = {}
        nav = _nav_paths(config.nav) if config.nav is not None else None
        self.page_count = len(pages)
        self.theming, self.reused, self.contents = {}, {}, []
        theme_key = _theme_key(config) if self.serving else ""
        if theme_key != self.theme_key:
            self.themed, self.theme_key = {}, theme_key
        for page in pages:
            themed = self.themed.get(page.path) if page.key else None
            if themed is not None and themed.key == page.key:
                # A preview's rebuild writes a page it made from the same inputs into the same theme as
                # the last rebuild wrote it: only what an edit changed goes through the theme again.
                copied = SiteFile.made(config, url_of(page.path) + "index.html", b"")
                self._add(files, copied)
                self.reused[page.path] = (copied, themed)
                continue
            # Pages that mkdocs.yml's nav does not list are linked from every page's footer
            # (About, Open data…); saying so keeps MkDocs from listing them as if forgotten.
            listed = page.in_nav and (nav is None or page.path in nav)
            inclusion = InclusionLevel.UNDEFINED if listed else InclusionLevel.NOT_IN_NAV
            file = File.generated(
                config, page.path, content=page.stashed or page.markdown, inclusion=inclusion
            )
            self.blocks.update(page.blocks)
            file.edit_uri = page.source  # "edit this page" opens the record, not a generated file
            self._add(files, file)
            if self.serving and page.key:
                self.theming[page.path] = ThemedPage(page.key, "", "", None)
            if page.html is not None:
                ConvertedPage(file, config, page.html)  # becomes file.page
        for asset in assets:
            made = SiteFile.made(config, asset.path, asset.content)
            self._add(files, made)
            if self.serving:
                self.contents.append((made, asset.content))
        # Practice pages go to the search index as MkDocs renders them (on_page_content).
        if self.indexing is not None:  # left by a build that stopped early
            self.indexing.cancel()
            self.indexing = None
        self.indexed = {page.path: url_of(page.path) for page in pages if page.indexed}
        if self.config.search and not self.indexed:
            log.info("Pagefind: no practice to index yet")
        elif self.config.search:
            self.indexing = Indexing(
                Path(config.site_dir),
                config.theme.get("language", "en"),
                pages=len(self.indexed),
                in_memory=processes > 1,
            )
        return files

    def _unsafe_site_files(
        self, files: Files, config: MkDocsConfig, problems: list[Problem]
    ) -> list[Problem]:
        """The docs folder's files and the theme overrides MkDocs would publish or render, that are
        links or lie outside the project (the build reads only the project's own regular files), and
        the docs folder's would-be pages not among ``problems`` already."""
        assert self.project is not None
        docs = Path(config.docs_dir).absolute()
        paths = [
            Path(file.abs_src_path)
            for file in files
            if file.abs_src_path and Path(file.abs_src_path).absolute().is_relative_to(docs)
        ]
        custom = config.theme.custom_dir
        refused = self.project.refused(paths)
        # A page in the docs folder would skip the sanitizer; load_catalog names those of the
        # project's own mkdocs.yml already.
        refused += [problem for problem in stray_pages(self.project, paths) if problem not in problems]
        if custom:
            refused += self.project.refused(sorted(Path(custom).rglob("*")))
        return refused

    def _add(self, files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            raise PluginError(
                f"{file.src_uri} is generated from the records; remove the file of that name from the docs folder"
            )
        files.append(file)
        self.generated.add(file.src_uri)

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # Every page's content is rendered by now: Pagefind indexes the practice pages on the
        # other core while MkDocs puts the pages into the theme and writes them. A preview indexes
        # after the build instead, with the pages it reused (on_post_build).
        if self.indexing is not None and not self.serving:
            if self.indexing.count == len(self.indexed):
                self._start_indexing()
            else:  # a dirty rebuild rendered only some pages: keep the previous index
                self.indexing.cancel()
                self.indexing = None
        # Let overrides include Material's own partials as "material/…" (to wrap, not copy, them),
        # and give them a per-build cache for what is the same on every practice page.
        theme_dirs = [Path(d) for d in config.theme.dirs]
        material = next(
            (
                d
                for d in theme_dirs
                if (d / "partials" / "nav.html").is_file()
                and d.name == "templates"
                and d.parent.name == "material"
            ),
            None,
        )
        if material is not None and env.loader is not None:
            env.loader = ChoiceLoader(
                [env.loader, PrefixLoader({"material": FileSystemLoader(str(material))})]
            )
        env.globals["compendium_cache"] = {}
        # The policy's hashes: every inline script the theme's templates write, rendered as this build
        # renders them (undefined names fail, so a script needing a page's own values gets no hash).
        strict = env.overlay(undefined=StrictUndefined)
        self.scripts = TemplateScripts(template_scripts(theme_dirs), [jinja_renderer(strict)], config)
        self.unapproved = []
        # Jinja checks a template's file for changes at every include: on a 1,000-practice site,
        # 56,000 checks. Templates cannot change during a build, and each build (each save under
        # `mkdocs serve` too) makes a new environment.
        env.auto_reload = False
        env.bytecode_cache = (
            COMPILED  # a preview's rebuild compiles the theme's templates once, not each time
        )
        # The pages a preview reuses get this rebuild's policy and problems, as the others do.
        finished, self.finished = self.finished, {}
        for path, (file, themed) in self.reused.items():
            file.content_string = page = self._refinished(path, file.dest_uri, themed, finished)
            self.contents.append((file, page))
        self.listed = None
        if self.reused:  # a reused page is in sitemap.xml where MkDocs would list it, with its own Page
            listed = {file.src_uri for file in files.documentation_pages()}
            for file, _ in self.reused.values():
                Page(None, file, config)
                listed.add(file.src_uri)
            self.listed = [file for file in files if file.src_uri in listed]  # in MkDocs' order
        if self.serving and not self.dirty:  # every file of the plugin's is final now
            self.output.keep(self.contents)
            if self.indexing is not None:  # the finder searches the last index until the new one replaces it
                self.output.take_back(Path(config.site_dir), BUNDLE)
        return env

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # MkDocs' and Material's templates write page.meta and page.title into the HTML as they
        # are (their autoescaping is off), in <title>, the header and <meta name="description">.
        # Our pages' metadata comes from records, so it reaches the theme escaped; Markup keeps
        # any template that does escape from escaping it twice.
        if page.file.src_uri in self.generated:
            page.meta = {
                key: escape(value) if isinstance(value, str) else value for key, value in page.meta.items()
            }
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Second wall after validation: nothing from a record reaches a reader as script.
        if page.file.src_uri in self.generated:
            if not (isinstance(page, ConvertedPage) and page.converted_ahead):
                html = finish_html(html, self.blocks)  # as the converter finishes its pages
            url = self.indexed.get(page.file.src_uri)
            if url is not None and self.indexing is not None:
                self._index(url, html)
            themed = self.theming.get(page.file.src_uri)
            if themed is not None and url is not None:
                self.theming[page.file.src_uri] = dataclasses.replace(themed, searched=html)
        return html

    def _index_after(self, indexing: Indexing) -> str:
        """While previewing: index the site behind the build, so the edited page reloads at once and
        the finder's search follows a second or two later (a rebuild stops an indexing still running)."""
        pages = [
            (self.indexed[path], themed.searched)
            for path, (_, themed) in self.reused.items()
            if themed.searched is not None and path in self.indexed
        ]
        if indexing.count + len(pages) != len(self.indexed):  # a dirty rebuild rendered only some pages
            indexing.cancel()
            return "the search index kept as it was"

        def run() -> None:
            try:
                for url, html in pages:
                    indexing.add(url, html)
                log.info(indexing.finish().replace("Pagefind: Indexed", "Search indexed"))
            except (SearchError, OSError) as exc:
                # OSError: a rebuild stopped it while it read Pagefind's output.
                if not indexing.cancelled:
                    log.error(str(exc))

        self.behind = (threading.Thread(target=run, name="compendium-search", daemon=True), indexing)
        self.behind[0].start()
        return "the search index follows"

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._stop_indexing_behind()  # before MkDocs empties the site folder it would write into
        if self.serving and not self.dirty:
            self.output.set_aside(Path(config.site_dir))

    def _stop_indexing_behind(self) -> None:
        if self.behind is not None:
            thread, indexing = self.behind
            self.behind = None
            indexing.cancel()
            thread.join()

    def _index(self, url: str, html: str) -> None:
        assert self.indexing is not None
        try:
            self.indexing.add(url, html)
        except SearchError as exc:
            self.indexing = None
            raise PluginError(str(exc)) from None

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        self.base_url = context["base_url"]  # the page's scripts are rendered with it (see _finished)
        return context

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        self.base_url = context["base_url"]  # 404.html's: the site's path, since it is served anywhere
        if template_name == "sitemap.xml" and self.listed is not None:
            context["pages"] = self.listed
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        themed = self.theming.get(page.file.src_uri)
        if themed is not None:
            self.theming[page.file.src_uri] = dataclasses.replace(
                themed, output=output, base_url=self.base_url
            )
        finished = self._finished(output, page.file.dest_uri)
        if self.serving and not self.dirty and page.file.src_uri in self.generated:
            self.output.wrote(page.file.dest_uri, finished)  # the next rebuild may reuse it unchanged
        return finished

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        # The theme's own pages (404.html) carry the policy too; sitemap.xml is no page.
        if not template_name.endswith(".html"):
            return output_content
        return self._finished(output_content, template_name)

    def _finished(self, html: str, name: str) -> str:
        """A written page as readers get it: its policy, and while previewing, the records' problems.
        An inline script no template writes gets no hash, and the build fails naming the page."""
        assert self.scripts is not None
        page, refused = with_policy(
            with_problems(html, self.problems, self.last_good is not None),
            self.scripts.hashes([self.base_url]),
        )
        self.unapproved += [unapproved_script(name, script, self.scripts) for script in refused]
        return page

    def _refinished(
        self, path: str, name: str, themed: ThemedPage, finished: dict[str, tuple[_Finishing, str]]
    ) -> str:
        """A reused page finished (:meth:`_finished`), or as the last rebuild finished it if what that
        reads is the same: 0.13 s a rebuild at 1,000 practices, and the same text object again."""
        assert self.scripts is not None
        self.base_url = themed.base_url
        reading: _Finishing = (
            themed.output,
            tuple(self.problems),
            self.last_good is not None,
            self.scripts.hashes([themed.base_url]),
        )
        last = finished.get(path)
        if last is not None and last[0] == reading:
            self.finished[path] = last
            return last[1]
        unapproved = len(self.unapproved)
        page = self._finished(themed.output, name)
        if len(self.unapproved) == unapproved:  # a refused script is named again at each rebuild
            self.finished[path] = (reading, page)
        return page

    def _check_policies(self, config: MkDocsConfig) -> None:
        """Fail the build for each page that holds an unapproved script, or that MkDocs wrote without
        the theme (a file it copied, another plugin's page): every page carries the policy."""
        site = Path(config.site_dir)
        for path in _pages_in(site):
            with path.open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(_HEAD_READ)  # the policy comes first in the head: no need to read on
            if declared_policy(head) is None and declared_policy(path.read_text("utf-8", "replace")) is None:
                self.unapproved.append(
                    f"{path.relative_to(site).as_posix()}: expected a page written through the theme, "
                    "which declares the site's security policy, received one without it"
                )
        if self.unapproved:
            for problem in self.unapproved:
                log.error(problem)
            raise PluginError(
                f"{len(self.unapproved)} page(s) would run a script the site did not write; see above"
            )

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            pages = self.memos["pages"]
            reused = f"{pages.kept} kept from an earlier build" if pages.kept else ""
            if self.reused:
                reused += f", {len(self.reused)} not themed again"
            if self.output.kept:
                reused += f", {self.output.kept} files left in place"
            self.output.remove_aside()  # before the policies' check reads every page of the site
            for memo in self.memos.values():
                memo.save(write=not self.serving)  # a preview writes them when it ends (on_shutdown)
            if self.serving:  # the next rebuild reuses what this one put into the theme
                self.themed = {path: themed for path, (_, themed) in self.reused.items()} | self.theming
            self._check_policies(config)
            printed = self._print_volumes(config) if self.config.pdf else []
            searched = ""
            if self.indexing is not None:
                indexing, self.indexing = self.indexing, None
                if self.serving:
                    searched = self._index_after(indexing)
                else:
                    try:
                        searched = indexing.finish()
                    except SearchError as exc:
                        raise PluginError(str(exc)) from None
            self.output.finish(succeeded=True)
            rendered = sum(edition.rendered for edition in printed)
            if self.catalog is None:  # a preview whose first load had problems: nothing to sum up
                return
            log.info(
                f"Compendium: {len(self.catalog.practices)} practices and {len(self.catalog.volumes)} "
                f"volume(s) in {self.page_count} pages{f' ({reused})' if reused else ''}; "
                + (
                    f"{rendered} PDF(s) rendered, {len(printed) - rendered} reused; "
                    if self.config.pdf
                    else ""
                )
                + (searched.replace("Pagefind: Indexed", "search indexed") if searched else "no search index")
            )
        finally:
            self._release()

    def on_build_error(self, *, error: Exception) -> None:
        self.output.finish(succeeded=False)
        if self.indexing is not None:
            self.indexing.cancel()
            self.indexing = None
        self._release()

    def _release(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def _print_volumes(self, config: MkDocsConfig) -> list[Edition]:
        # Each volume's PDF sits beside its page; the cache (keyed by everything the PDF
        # depends on) means an unchanged volume is never rendered twice.
        from compendium.printing.edition import PrintError, volume_pdfs

        assert self.project is not None
        if self.catalog is None:
            return []
        cache = self.cache / PDF if self.cache is not None else None
        settings = self._settings(config)
        printed: list[Edition] = []
        # A draft is rendered (cached); a published volume's PDFs are its printings' bytes, as kept.
        for volume in settings.listed(self.catalog.volumes).values():
            folder = Path(config.site_dir) / "volumes" / volume.folder.name
            try:
                printed += volume_pdfs(self.catalog, volume, folder, _log_progress, cache, settings.site_url)
            except (PrintError, CacheError) as exc:
                raise PluginError(str(exc)) from None
        return printed

    def _start_indexing(self) -> None:
        assert self.indexing is not None
        try:
            self.indexing.start()
        except SearchError as exc:
            self.indexing = None
            raise PluginError(str(exc)) from None

    def _settings(self, config: MkDocsConfig) -> Settings:
        pdfs = (
            {number: pdf_name(volume) for number, volume in self.catalog.volumes.items()}
            if self.config.pdf and self.catalog is not None
            else {}
        )
        settings = Settings.from_config(
            config.site_name,
            config.site_url or "",
            config.repo_url or "",
            self.config.branch,
            pdfs,
            drafts=self.config.drafts,
        )
        return dataclasses.replace(settings, cache=self.cache)


def _pages_in(site: Path) -> list[Path]:
    """The HTML files of ``site``, but for a preview's folder of the last rebuild's leftovers, which it
    deletes while the check runs and which is never published (:data:`compendium.plugin.output.ASIDE`)."""
    pages = []
    for folder, subfolders, names in os.walk(site):
        if folder == str(site):
            subfolders[:] = [name for name in subfolders if not name.startswith(ASIDE)]
        pages += [Path(folder, name) for name in names if name.endswith(".html")]
    return sorted(pages)
