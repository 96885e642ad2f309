"""A scan killed at any point leaves the embedded store readable, with the old graph or the new one."""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.warehouse import write
from graphs.stores.embedded import FILENAME, LOCKNAME, NetworkxStore
from graphs.stores.sqlite import SqliteStore

LINEAGE = Path(sys.executable).parent / "lineage"


def _default_sigint() -> None:
    # A shell without job control starts background commands (`make test &`, nohup) with SIGINT
    # ignored, the child inherits that, and Python then never raises KeyboardInterrupt: the scan
    # would finish and exit 0. A user's Ctrl-C reaches a foreground process: give the child that.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# each embedded store: how `--store` names it, and how to read what it holds
STORES = {"json": (lambda p: f"json:{p}", lambda p: NetworkxStore(p).sources()), "sqlite": (str, lambda p: SqliteStore(p).sources())}


def _scan(sql: Path, store: Path, kind: str = "sqlite") -> subprocess.Popen[bytes]:
    spec = STORES[kind][0](store)
    return subprocess.Popen([str(LINEAGE), "scan", str(sql), "--store", spec, "--jobs", "1", "--no-cache"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_default_sigint)


@pytest.mark.parametrize("kind", sorted(STORES))
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_scan_leaves_the_old_or_the_new_graph(tmp_path: Path, sig: signal.Signals, kind: str) -> None:
    stored = STORES[kind][1]
    old_sql, new_sql, pristine = tmp_path / "old", tmp_path / "new", tmp_path / "pristine"
    write(20, old_sql)
    write(300, new_sql)
    assert _scan(old_sql, pristine, kind).wait() == 0
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference)
    assert _scan(new_sql, reference, kind).wait() == 0
    old, new = stored(pristine), stored(reference)
    assert len(new) > len(old)  # the new scan adds files to what the old one wrote
    rng = random.Random(int(sig))
    for attempt in range(4):
        store = tmp_path / f"store{attempt}"
        shutil.copytree(pristine, store)
        child = _scan(new_sql, store, kind)
        time.sleep(rng.uniform(0.3, 2.5))
        child.send_signal(sig)
        child.wait()
        assert stored(store) in (old, new)  # loading raises if the file were half-written
        assert _scan(old_sql, store, kind).wait() == 0  # the store takes the next scan
        assert not [p for p in store.iterdir() if p.name.endswith(".tmp")], "a killed writer's temp file was not swept"


@pytest.mark.parametrize("kind", sorted(STORES))
def test_sigint_is_one_line_and_exit_130(tmp_path: Path, kind: str) -> None:
    write(300, tmp_path / "sql")
    store = tmp_path / "s"
    store.mkdir()
    # The test holds the store's write lock: the scan parses every model, then waits for the lock
    # with its transaction open. Once the scan has the lock file open it is waiting there, past
    # start-up and parsing, however fast or loaded the host is; the signal lands then. (A FIFO
    # among the models no longer stops a scan: it is refused, not opened.)
    with open(store / LOCKNAME, "a+", encoding="utf-8") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        child = subprocess.Popen([str(LINEAGE), "scan", str(tmp_path / "sql"), "--store", STORES[kind][0](store), "--jobs", "1"], stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)
        while child.poll() is None and not _holds_open(child.pid, store / LOCKNAME):
            time.sleep(0.01)  # a condition polled for, not a guess at how long the scan takes
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=120)
    assert child.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == "interrupted: nothing was written to the store"
    assert not (store / FILENAME).exists()
    assert STORES[kind][1](store) == []


def _holds_open(pid: int, path: Path) -> bool:
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd) == str(path) for fd in fds.iterdir())
    except OSError:  # a descriptor closed while listed
        return False


@pytest.mark.parametrize("kind", sorted(STORES))
def test_two_concurrent_scans_both_land_whole(tmp_path: Path, kind: str) -> None:
    """Two scans of different trees into one store at once: the second writer waits for the first,
    then starts from its graph, so the store ends with both trees' sources, none lost."""
    stored = STORES[kind][1]
    first_sql, second_sql = tmp_path / "first", tmp_path / "second"
    write(40, first_sql)
    write(60, second_sql)
    alone = []
    for sql in (first_sql, second_sql):
        assert _scan(sql, tmp_path / f"alone-{sql.name}", kind).wait() == 0
        alone += stored(tmp_path / f"alone-{sql.name}")
    store = tmp_path / "store"
    scans = [_scan(first_sql, store, kind), _scan(second_sql, store, kind)]
    assert [child.wait() for child in scans] == [0, 0]
    assert stored(store) == sorted(alone)
