"""BI tools, feature stores and notebooks: the dashboards, tiles, worksheets, measures and feature views defined in them, as consumers.

One module per tool (`looker`, `feast`, `tableau`, `superset`, `powerbi` with `tmdl` and `powerbi_report`,
`metabase`, `notebooks`), each turning the tool's own files into `BiFacts`: catalog consumers with
column-level reads and `file:line` provenance, the owners the tool names, and one diagnostic per thing not
understood; `common` holds what they share, `jobs` the scan's units. Files are parsed with the tool's format
library (lkml, defusedxml, nbformat), `json`, YAML or `ast`, never executed or imported. May import `lineage/`,
`parsers.sql`, `parsers.sources`, `parsers.templating` and (notebooks, whose code cells follow the ETL reader's
rules) `parsers.etl`; never `graphs/` or `cli/`."""
