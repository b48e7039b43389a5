"""The ``compendium`` command."""

from __future__ import annotations

from compendium.cli.main import main

__all__ = ["main"]
