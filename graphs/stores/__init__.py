"""The lineage stores: the embedded store on disk and Neo4j, each implementing `lineage.store.LineageStore`.

May import `lineage/`; never `parsers/` or `cli/`. `open.py` turns a `--store` value into an opened store."""
