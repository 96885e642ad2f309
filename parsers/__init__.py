"""Readers: source files (SQL, dbt, ETL code, catalogs, git revisions) in, `lineage.model.FileFacts` out.

One sub-package per source kind (`sql/`, `dbt/`, `etl/`), with `templating/` and `sources/` shared by them and
`scan.py` orchestrating. May import `lineage/`; never `graphs/` or `cli/`."""
