"""The Neo4j store loads the driver without numpy, pandas or pyarrow, which it never uses (their import
cost every `lineage impact` on Neo4j 0.08-0.1 s of CPU with pyarrow alone installed), and leaves them
importable for everything else. Run in a fresh interpreter: this one may have imported them already."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
import graphs.stores.neo4j.store
print(sorted(name for name in ("numpy", "pandas", "pyarrow") if name in sys.modules))
import pyarrow, neo4j._optional_deps as optional
print(pyarrow.__name__, optional.pa)
"""


def test_the_driver_loads_without_the_dataframe_libraries_and_leaves_them_importable() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\npyarrow None\n"
