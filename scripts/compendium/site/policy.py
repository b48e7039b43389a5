"""The Content-Security-Policy every page declares, so an injected script or handler never runs.

GitHub Pages sets no headers, so the policy travels in the page as a
``<meta http-equiv>``. Scripts run only from the site itself, or inline when
their exact text is one the site's templates write (by its SHA-256 hash);
inline event handlers, ``javascript:`` addresses and other hosts are refused by
the browser. Pagefind compiles WebAssembly (``'wasm-unsafe-eval'``, which allows
no JavaScript ``eval``). Styles may be inline: Material sets some from its script.

The hashes come from the templates, never from the page: :class:`TemplateScripts`
reads every inline script of the theme, its overrides and the plugin's partials,
and renders the few that hold a setting (Material's ``__md_scope`` names the
site's base URL) with the build's settings for the page's depth. A page holding
any other inline script (one its text, a file of the docs folder or a plugin put
there) is reported by name and never gets that script's hash: a script in a
page's content can no longer approve itself.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, StrictUndefined

from compendium.files import write_atomically

_INLINE_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
_SOURCE = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_EXECUTABLE = {"", "text/javascript", "application/javascript", "module"}
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.IGNORECASE)
_DECLARED = re.compile(r"<meta\s+http-equiv=[\"']?Content-Security-Policy[^>]*>", re.IGNORECASE)
_EXCERPT = 60
"""How much of a refused script its problem quotes."""

POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)
"""The policy, with the hashes of the page's own inline scripts filled in."""

Render = Callable[[str, Mapping[str, Any]], str]
"""Renders a template's inline script (its Jinja source) with the given variables; raises if it cannot."""


def inline_scripts(html: str) -> Iterator[str]:
    """The text of each inline script in ``html`` that a browser would run, in page order."""
    for match in _INLINE_SCRIPT.finditer(html):
        attributes = match.group("attributes")
        if _SOURCE.search(attributes):
            continue
        kind = _TYPE.search(attributes)
        if (kind.group(1).lower() if kind else "") not in _EXECUTABLE:
            continue  # data, such as Material's JSON configuration: never run, needs no hash
        yield match.group("body")


def script_hash(script: str) -> str:
    """The policy's ``'sha256-…'`` source for an inline script of exactly this text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@dataclass(frozen=True)
class TemplateScript:
    """An inline script as a template writes it."""

    template: str
    """The template's name in its theme (``partials/javascripts/base.html``)."""
    source: str
    """The script's text as Jinja source: rendered, it is what the page holds."""


def template_scripts(dirs: Iterable[Path]) -> list[TemplateScript]:
    """Every inline script the templates of one theme write: ``dirs`` in the order the theme looks
    for a template (its overrides first), so an overridden template's scripts are not among them."""
    seen: set[str] = set()
    found: list[TemplateScript] = []
    for folder in dirs:
        for path in _templates_in(folder):
            name = path.relative_to(folder).as_posix()
            if name not in seen:
                seen.add(name)
                source = path.read_text(encoding="utf-8")
                found += [TemplateScript(name, script) for script in inline_scripts(source)]
    return found


def _templates_in(folder: Path) -> list[Path]:
    """The HTML templates under ``folder``, hidden folders left out (Material's ``.icons`` holds
    thousands of files and no template)."""
    found: list[Path] = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        found += [Path(root, name) for name in sorted(files) if name.endswith(".html")]
    return found


class TemplateScripts:
    """The hashes of the inline scripts the site's templates write, which alone the policy lets run.

    ``scripts``: from :func:`template_scripts`, for each theme the site may be built with.
    ``renderers``: each renders a script as the generator would (its Jinja, its escaping).
    ``config``: the build's settings, as the templates read them (``config.extra.scope``…).
    A script is rendered with those and a page's ``base_url``, nothing of the page itself: a
    template script that needs more (the page's title, say) gets no hash, and the problem of a
    page holding it says which template and why.
    """

    def __init__(
        self, scripts: Sequence[TemplateScript], renderers: Sequence[Render], config: object
    ) -> None:
        self.scripts = scripts
        self.renderers = renderers
        self.config = config
        self.unrendered: dict[str, tuple[str, str]] = {}
        """Template -> why its inline script could not be rendered from the settings alone, and the
        script's text up to its first Jinja tag (to tell a page's script from it)."""
        self._by_base: dict[str, dict[str, str]] = {}

    def hashes(self, base_urls: Iterable[str]) -> dict[str, str]:
        """Hash -> the template writing it, for every template script as a page at any of ``base_urls`` holds it."""
        approved: dict[str, str] = {}
        for base_url in base_urls:
            if base_url not in self._by_base:
                self._by_base[base_url] = self._render(base_url)
            approved |= self._by_base[base_url]
        return approved

    def _render(self, base_url: str) -> dict[str, str]:
        context = {"config": self.config, "base_url": base_url}
        approved: dict[str, str] = {}
        for script in self.scripts:
            for render in self.renderers:
                try:
                    text = render(script.source, context)
                except Exception as exc:  # any template error: the script is not approved
                    opening = re.split(r"\{[{%#]", script.source, maxsplit=1)[0].strip()
                    self.unrendered.setdefault(script.template, (f"{type(exc).__name__}: {exc}", opening))
                    continue
                approved.setdefault(script_hash(text), script.template)
        return approved

    def why_unapproved(self, script: str) -> str:
        """What the problem of a page holding unapproved ``script`` adds, when it looks like the
        script of a template that could not be rendered."""
        named = [
            f"{template} ({reason})"
            for template, (reason, opening) in sorted(self.unrendered.items())
            if opening and " ".join(script.split()).startswith(" ".join(opening.split()))
        ]
        if not named:
            return ""
        return (
            f"; it looks like the script of {', '.join(named)}, which depends on more than the site's "
            "settings and the page's depth, so the policy cannot list it"
        )


def jinja_renderer(env: Environment) -> Render:
    """Renders a template's script with ``env`` (which should fail on undefined names, so that a
    script needing a page's own values gets no hash), each script compiled once for every depth."""
    compile_script = functools.lru_cache(maxsize=None)(env.from_string)
    return lambda source, context: compile_script(source).render(context)


GENERATORS = ("zensical", "material")
"""The packages whose templates may have built a site from the materialized tree: Zensical's, or
Material's under ``mkdocs build``."""


def generator_scripts(data: Mapping[str, Any], base: Path) -> TemplateScripts:
    """The template scripts of a site built from the materialized tree, by whichever of
    :data:`GENERATORS` is installed (each theme with the project's overrides first). ``data``: the
    project's ``mkdocs.yml``, from folder ``base``. Scripts are rendered as plain Jinja and as Jinja
    escaping for HTML, since a generator may do either."""
    theme = data.get("theme")
    custom = [base / str(theme["custom_dir"])] if isinstance(theme, dict) and theme.get("custom_dir") else []
    scripts: list[TemplateScript] = []
    for package in GENERATORS:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            scripts += template_scripts([*custom, Path(spec.origin).parent / "templates"])
    renderers = [
        jinja_renderer(Environment(undefined=StrictUndefined, autoescape=escaping))
        for escaping in (False, True)
    ]
    # The generators' settings always have `extra`, which the templates read without a default.
    return TemplateScripts(scripts, renderers, {**data, "extra": data.get("extra") or {}})


def with_policy(html: str, approved: Mapping[str, str]) -> tuple[str, list[str]]:
    """``html`` declaring its policy first thing in ``<head>`` (after the charset), before any script,
    with the hash of each of its inline scripts that is in ``approved``; and the text of each that
    is not, which the policy does not let run."""
    hashes: dict[str, None] = {}
    refused: list[str] = []
    for script in inline_scripts(html):
        digest = script_hash(script)
        if digest in approved:
            hashes.setdefault(digest)
        else:
            refused.append(script)
    meta = (
        '<meta http-equiv="Content-Security-Policy" '
        f'content="{POLICY.format(hashes="".join(f" {h}" for h in hashes))}">'
    )
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    if anchor is None:
        return html, refused
    return html[: anchor.end()] + meta + html[anchor.end() :], refused


def unapproved_script(page: str, script: str, scripts: TemplateScripts) -> str:
    """The problem of ``page`` holding inline ``script``, which no template writes."""
    text = " ".join(script.split())
    excerpt = text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"
    return (
        f"{page}: expected only the inline scripts the site's templates write, received one they do not "
        f"write: <script>{excerpt}</script>; a script in a page's text, a file of the docs folder or a "
        f"plugin's output is never approved by the security policy, so it would not run"
        f"{scripts.why_unapproved(script)}"
    )


def base_urls_of(relative_path: str, site_url: str) -> list[str]:
    """What a template may have written as ``base_url`` in the page at ``relative_path`` of a site:
    the way up to the site's root, or, on a page served at any address (404.html), the site's path
    (MkDocs writes it with its closing ``/``, Zensical without)."""
    depth = len(PurePosixPath(relative_path).parts) - 1
    up = posixpath.join(*([".."] * depth)) if depth else "."
    path = urlsplit(site_url).path or "/"
    return list(dict.fromkeys([up, path, path.rstrip("/") or "/"]))


def declared_policy(html: str) -> re.Match[str] | None:
    """The policy ``html`` declares in its head, if any (the body's text is no guide)."""
    head = html.find("</head>")
    return _DECLARED.search(html, 0, head if head >= 0 else len(html))


def declare_policy(site_dir: Path, scripts: TemplateScripts, site_url: str) -> tuple[int, list[str]]:
    """Give every HTML page of a site built without the plugin (from the materialized tree) its
    policy, as the plugin does to each page it writes; return how many pages were given one, and
    the problems: a page holding an inline script no template writes, or declaring a policy that
    is not the one this would give it. A page declaring the site's policy already is left as it
    is, so running this twice changes nothing."""
    given = 0
    problems: list[str] = []
    for path in sorted(site_dir.rglob("*.html")):
        name = path.relative_to(site_dir).as_posix()
        page = path.read_text(encoding="utf-8")
        approved = scripts.hashes(base_urls_of(name, site_url))
        declared = declared_policy(page)
        if declared is not None:
            bare = page[: declared.start()] + page[declared.end() :]
            expected, refused = with_policy(bare, approved)
            if expected != page:
                problems.append(
                    f"{site_dir / name}: expected the site's own security policy, received a page declaring "
                    "another one; build the site again and finish it once"
                )
        else:
            finished, refused = with_policy(page, approved)
            write_atomically(path, finished)
            given += 1
        problems += [unapproved_script(str(site_dir / name), script, scripts) for script in refused]
    return given, problems
