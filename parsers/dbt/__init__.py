"""dbt projects: models, sources, seeds, exposures and macros read from the project (or its manifest).

Renders Jinja through `parsers/templating/` and hands the SQL to `parsers/sql/`; may import `lineage/` and
`parsers/sources/`, never `graphs/` or `cli/`. `extract.py` is the entry point; `files.py` reads a project without a manifest, rendering in
`jinja.py` with the macros of `packages.py` (project and installed packages), `builtins.py` (dbt's
own) and `fallbacks.py` (stand-ins for packages not installed), and the warehouse questions of
`warehouse.py` answered by `knowledge.py` from the project itself."""
