"""Where lineage goes out: `stores/` (embedded, Neo4j), `render/` (DOT, Mermaid, Markdown, PR comment) and
`publish/` (GitHub). May import `lineage/`; never `parsers/` or `cli/`."""
