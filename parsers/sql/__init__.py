"""SQL extraction: statements in, column-level lineage facts out (sqlglot lives here).

May import `lineage/` (the model) and `parsers/sources/`; never `graphs/` or `cli/`. `extract.py` is the entry point;
`blocks` splits scripts, `trace` follows columns through a query, `writes` finds what a statement writes."""
