"""The Neo4j store: `store.py` implements the store interface, `cypher.py` holds every query (values always
as parameters, labels and relationship types from the model's enums), `retry.py` retries transient errors."""
