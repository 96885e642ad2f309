"""BI tools and feature stores: the dashboards, tiles, worksheets and feature views defined in them, as consumers.

One module per tool (`looker`, `feast`, `tableau`), each turning the tool's own files into `BiFacts`: catalog
consumers with column-level reads and `file:line` provenance, the owners the tool names, and one diagnostic per
thing not understood; `common` holds what they share. Files are parsed with the tool's format library (lkml,
defusedxml) or `ast`, never executed or imported. May import `lineage/` and `parsers.sql`, `parsers.sources`;
never `graphs/` or `cli/`."""
