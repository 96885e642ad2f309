"""Reading what a scan is given: paths contained to the scanned root, bounded file reads, YAML/JSON documents.

The only place in `parsers/` that opens files; may import `lineage/` only."""
