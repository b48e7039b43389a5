"""Rendering the catalog into site pages, open data and (see :mod:`compendium.printing`) PDFs.

Nothing here imports MkDocs: the pages are Markdown strings with paths, which
the MkDocs plugin serves in memory and ``compendium materialize`` writes to a
folder for any other static site generator that reads ``mkdocs.yml``.
"""
