"""dbt projects: models, sources, seeds, exposures and macros read from the project (or its manifest).

Renders Jinja through `parsers/templating/` and hands the SQL to `parsers/sql/`; may import `lineage/` and
`parsers/sources/`, never `graphs/` or `cli/`. `extract.py` is the entry point."""
