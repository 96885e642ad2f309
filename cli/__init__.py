"""The `lineage` command: a thin typer layer. Each command module parses options, makes one call into the
layers below and renders the answer; `common.py` holds the shared options and error handling, `main.py` wires
the commands. Nothing imports `cli/`."""
