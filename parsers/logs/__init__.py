"""Warehouse query logs (Snowflake, BigQuery, PostgreSQL, Redshift) into observed facts."""
