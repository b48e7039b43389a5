"""The thin MkDocs plugin: the only part of Compendium that imports MkDocs."""
