"""The print edition: one PDF per volume, made with WeasyPrint from a Jinja2 template kept in ``overrides/print/``."""
