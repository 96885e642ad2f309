"""The limits of the hostile-input harness hold: a normal scan fits inside them, an allocation past them fails, a spin is killed."""

from pathlib import Path
from tests.redteam.harness import run_lineage, run_python
def test_a_scan_fits_and_a_hog_or_a_spin_is_stopped(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("create table t as select a from s;\n")
    run = run_lineage("plain scan", "scan", "a.sql", "--store", "s", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    hog = run_python("hog", "x = bytearray(3 * 2**30)", tmp_path)
    assert hog.exit_code == 1 and "MemoryError" in hog.stderr
    spin = run_python("spin", "while True: pass", tmp_path, cpu_seconds=1)
    assert spin.exit_code == -24
