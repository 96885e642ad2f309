"""`make`'s install step keeps pip's and setuptools' chatter out of `make demo` unless pip fails.

The recipe is run for real with a stand-in Python whose `venv` makes a `pip` that prints a banner
(no network, no real install), and its output and exit code checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

BANNER = "Editable install will be performed using a meta path finder."
PIP = f"""#!/bin/sh
echo "  {BANNER}" >&2
echo "Successfully installed lineage"
exit "${{FAKE_PIP_EXIT:-0}}"
"""
PYTHON = """#!/bin/sh
# called as: python -m venv DIR
mkdir -p "$3/bin" && cp "$(dirname "$0")/pip" "$3/bin/pip" && chmod +x "$3/bin/pip"
"""


def _install(tmp_path: Path, pip_exit: int) -> subprocess.CompletedProcess[str]:
    if shutil.which("make") is None:
        pytest.fail("the Makefile test needs make")
    for name, text in (("pip", PIP), ("python", PYTHON)):
        (tmp_path / name).write_text(text)
        (tmp_path / name).chmod(0o755)
    venv = tmp_path / "venv"
    env = {**os.environ, "FAKE_PIP_EXIT": str(pip_exit)}
    command = ["make", "--no-print-directory", "-C", str(ROOT), f"VENV={venv}", f"PYTHON={tmp_path / 'python'}", f"{venv}/.installed"]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


def test_a_good_install_prints_nothing(tmp_path: Path) -> None:
    done = _install(tmp_path, 0)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "venv" / "pip.log").read_text().count(BANNER) == 2  # kept for whoever wants it


def test_a_failed_install_shows_what_pip_said_and_fails(tmp_path: Path) -> None:
    done = _install(tmp_path, 1)
    assert done.returncode != 0
    assert done.stderr.splitlines()[:2] == [f"  {BANNER}", "Successfully installed lineage"]
    assert not (tmp_path / "venv" / ".installed").exists()
