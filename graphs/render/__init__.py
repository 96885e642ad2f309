"""Renderers: functions from a `lineage` value (impact report, diagram, diff) to text or a file.

DOT/graphviz, Mermaid, Markdown reports and the pull-request comment. May import `lineage/` only."""
