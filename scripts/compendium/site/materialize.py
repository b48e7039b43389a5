"""Writing the generated site pages to a folder: the way to any generator that reads ``mkdocs.yml``.

MkDocs 2.0 drops plugins and Material's successor has no plugin API yet; with
the pages on disk, such a generator can build the site from the folder alone.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from compendium.catalog import Catalog
from compendium.settings import Settings
from compendium.site.pages import build_site


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
