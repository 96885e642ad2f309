"""The Neo4j store: `store.py` implements the store interface, `cypher.py` holds every query (values always
as parameters, labels and relationship types from the model's enums), `retry.py` retries transient errors.

The driver is imported here, before any module of the package, without its optional dataframe
libraries: `neo4j` imports numpy, pandas and pyarrow whenever they are installed (for `Result.to_df()`
and vectors, which this store never uses). With pyarrow alone installed that was 0.08-0.1 s of CPU of
every `lineage impact` on Neo4j (0.25-0.30 s importing the driver, 0.17-0.21 s without them); pandas
costs more. They are hidden only while the driver's own modules load, so anything else still imports them.
"""

import sys

_UNUSED = ("numpy", "pandas", "pyarrow")


def _import_driver() -> None:
    hidden = [name for name in _UNUSED if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # an import of it raises ImportError, which the driver expects
    try:
        import neo4j  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


_import_driver()
