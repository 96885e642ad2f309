"""Benchmarks of the SQL extractor against sqlglot's own lineage (issue 2) and its peers, sqllineage
and openlineage-sql (issue 7), plus scans and stores at scale.

Run from the repository root: `python -m bench.run [--quick]` (`make bench`, `make bench-quick`). Kept
out of the packages the tool ships (`lineage`, `parsers`, `graphs`, `cli`) so nothing there depends on
timing code or on the peers.
"""
