"""scripts/neo4j.sh keeps the Neo4j password off every command line and out of other users' reach.

The first start registers the password with `neo4j-admin dbms set-initial-password`, which took it
as an argument: while that JVM ran, any user's `ps` showed it. This runs the real script's `init`
(all that `start` does before it launches the server: jars, config, the password, through the same
function) on a fresh home, under `strace -f`, which records the argv of every program the script
runs: Java and Neo4j are real, nothing stands in for them. A whole `start` would add the server's
launch (its argv holds no password: `--home-dir` and `--config-dir` only) and some 40 s.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
from pathlib import Path

from tests.redteam.harness import run_limited

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "neo4j.sh"


def _verifies(auth_line: str, password: str) -> bool:
    """Neo4j's auth.ini line `user:SHA-256,hash,salt,iterations:` holds the hash of `password`."""
    _, credential, _ = auth_line.split(":", 2)
    algorithm, expected, salt, iterations = credential.split(",")
    digest = hashlib.sha256(bytes.fromhex(salt) + password.encode()).digest()
    for _ in range(int(iterations) - 1):
        digest = hashlib.sha256(digest).digest()
    return algorithm == "SHA-256" and digest.hex() == expected.lower()


def test_the_initial_password_is_on_no_command_line_and_auth_ini_is_private(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "neo4j.sh")  # its home is beside it: tmp_path/.neo4j
    trace = tmp_path / "execs.trace"
    strace = ["strace", "-f", "--seccomp-bpf", "-qq", "-s", "65536", "-e", "trace=execve", "-o", str(trace)]
    # a JVM reserves far more address space than it uses (heap, class space, code cache)
    run = run_limited("neo4j.sh init: set the initial password", [*strace, "bash", "scripts/neo4j.sh", "init"], tmp_path, memory_mb=16384, cpu_seconds=300)
    assert run.exit_code == 0, run.stderr
    home = tmp_path / ".neo4j"
    password = (home / "password").read_text(encoding="utf-8")
    execs = [line for line in trace.read_text(encoding="utf-8").splitlines() if " execve(" in line]
    assert len(password) == 32 and not any(password in line for line in execs)  # booleans: a failure prints no password
    assert sum('"set-initial-password", "@' + str(home / "password") + '"]' in line for line in execs) == 1
    assert password not in run.stdout + run.stderr
    auth = home / "data" / "dbms" / "auth.ini"
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in (home / "password", auth, auth.parent)} == {"password": 0o600, "auth.ini": 0o600, "dbms": 0o700}
    assert _verifies(auth.read_text(encoding="utf-8").strip(), password) is True  # what Neo4j got is the file's password
