"""The ``compendium`` command: :func:`compendium.cli.main.main`, with one module per kind of command."""
