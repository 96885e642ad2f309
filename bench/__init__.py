"""Benchmarks of the SQL extractor against sqlglot's own per-column lineage (issue 2).

Run from the repository root: `python -m bench.run [--quick]`. Kept out of the packages the tool
ships (`lineage`, `parsers`, `graphs`, `cli`) so nothing there depends on timing code.
"""
