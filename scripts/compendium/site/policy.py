"""The Content-Security-Policy every page declares, so an injected script or handler never runs.

GitHub Pages sets no headers, so the policy travels in the page as a
``<meta http-equiv>``. Scripts run only from the site itself, or inline when
their exact text is one the theme wrote (by its SHA-256 hash); inline event
handlers, ``javascript:`` addresses and other hosts are refused by the browser.
Pagefind compiles WebAssembly (``'wasm-unsafe-eval'``, which allows no
JavaScript ``eval``). Styles may be inline: Material sets some from its script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from compendium.files import write_atomically

_INLINE_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_EXECUTABLE = {"", "text/javascript", "application/javascript", "module"}
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.IGNORECASE)
_DECLARED = re.compile(r"<meta\s+http-equiv=[\"']?Content-Security-Policy", re.IGNORECASE)

POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)
"""The policy, with the hashes of the page's own inline scripts filled in."""


def inline_script_hashes(html: str) -> list[str]:
    """``'sha256-…'`` of each inline script the browser would run, in page order, each once."""
    hashes: dict[str, None] = {}
    for match in _INLINE_SCRIPT.finditer(html):
        attributes = match.group("attributes")
        if re.search(r"\bsrc\s*=", attributes, re.IGNORECASE):
            continue
        kind = _TYPE.search(attributes)
        if (kind.group(1).lower() if kind else "") not in _EXECUTABLE:
            continue  # data, such as Material's JSON configuration: never run, needs no hash
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.setdefault(f"'sha256-{base64.b64encode(digest).decode()}'")
    return list(hashes)


def with_policy(html: str) -> str:
    """``html`` declaring its policy first thing in ``<head>`` (after the charset), before any script."""
    hashes = "".join(f" {h}" for h in inline_script_hashes(html))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY.format(hashes=hashes)}">'
    charset = _CHARSET.search(html)
    anchor = charset or _HEAD.search(html)
    if anchor is None:
        return html
    return html[: anchor.end()] + meta + html[anchor.end() :]


def declare_policy(site_dir: Path) -> int:
    """Give every HTML page of a site built without the plugin (from the materialized tree) its
    policy, as the plugin does to each page it writes; return how many pages were given one.
    A page that declares one already is left as it is, so running this twice changes nothing."""
    given = 0
    for path in sorted(site_dir.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        head = page.find("</head>")  # the policy is declared in the head; the body's text is no guide
        if _DECLARED.search(page, 0, head if head >= 0 else len(page)):
            continue
        write_atomically(path, with_policy(page))
        given += 1
    return given
