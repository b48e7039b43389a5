"""Compendium: records, vocabulary, catalog, rendering and print for the regional practices compendium.

The core modules import nothing from MkDocs; only :mod:`compendium.plugin` does.
"""

from __future__ import annotations

__version__ = "0.1.0"
