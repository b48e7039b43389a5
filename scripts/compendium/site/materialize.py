"""Writing the generated site pages to a folder: the way to any generator that reads ``mkdocs.yml``.

MkDocs 2.0 drops plugins and Material's successor has no plugin API yet; with
the pages on disk, such a generator can build the site from the folder alone.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from compendium.catalog import Catalog
from compendium.site.pages import Settings, build_site


class _Lenient(yaml.SafeLoader):
    """Reads ``mkdocs.yml`` for a few plain settings, ignoring its ``!ENV``-style tags."""


_Lenient.add_multi_constructor("!", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:", lambda loader, suffix, node: None)


def settings_from_mkdocs_yml(path: Path) -> Settings:
    """The site settings that ``mkdocs.yml`` gives (name, URLs, the plugin's branch), without importing MkDocs."""
    data: dict[str, Any] = {}
    if path.is_file():
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_Lenient)
        data = loaded if isinstance(loaded, dict) else {}
    options: dict[str, Any] = next(
        (
            entry["compendium"]
            for entry in data.get("plugins") or []
            if isinstance(entry, dict) and isinstance(entry.get("compendium"), dict)
        ),
        {},
    )
    return Settings.from_config(
        str(data.get("site_name") or "Compendium"),
        str(data.get("site_url") or ""),
        str(data.get("repo_url") or ""),
        str(options.get("branch") or "main"),
    )


def materialize(catalog: Catalog, settings: Settings, target: Path) -> int:
    """Write every page and generated file under ``target``, replacing it whole; return the file count.

    Written to a temporary folder first and moved into place, so an interrupted
    run never leaves a half-written site.
    """
    pages, assets = build_site(catalog, settings)
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for page in pages:
            path = staging / page.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page.markdown, encoding="utf-8")
        for asset in assets:
            path = staging / asset.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(asset.content)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(pages) + len(assets)
