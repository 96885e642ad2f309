"""The Jinja sandbox every template runs in, and the budget that bounds each render.

Used by dbt and ETL readers; may import `lineage/` and `parsers/sources/` only."""
