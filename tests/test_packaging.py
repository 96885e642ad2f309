"""pyproject's dependencies: the compiled sqlglot comes by default exactly where PyPI has a wheel for it."""

from __future__ import annotations

import tomllib

import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
MAIN = {r.name: r for r in map(Requirement, PROJECT["dependencies"])}


def where(system: str, machine: str, python: str = "3.11", implementation: str = "CPython") -> dict[str, str]:
    return {
        "sys_platform": system,
        "platform_machine": machine,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "platform_python_implementation": implementation,
        "implementation_name": implementation.lower(),
    }


# sqlglotc 30.30.0's wheels: cp311-cp315 for manylinux x86_64/aarch64, macOS universal2, win_amd64
@pytest.mark.parametrize(
    ("environment", "compiled"),
    [
        (where("linux", "x86_64"), True),
        (where("linux", "aarch64", "3.13"), True),
        (where("linux", "x86_64", "3.15"), True),
        (where("darwin", "arm64", "3.12"), True),
        (where("darwin", "x86_64"), True),
        (where("win32", "AMD64", "3.14"), True),
        (where("linux", "x86_64", "3.16"), False),
        (where("linux", "x86_64", implementation="PyPy"), False),
        (where("linux", "ppc64le"), False),
        (where("linux", "i686"), False),
        (where("linux", "x86"), False),
        (where("win32", "ARM64"), False),
        (where("win32", "x86"), False),
        (where("freebsd14", "amd64"), False),
    ],
)
def test_sqlglotc_is_a_main_dependency_where_it_has_wheels(environment: dict[str, str], compiled: bool) -> None:
    marker = MAIN["sqlglotc"].marker
    assert marker is not None
    assert marker.evaluate(environment) is compiled


def test_sqlglotc_and_sqlglot_allow_the_same_versions() -> None:
    # sqlglotc requires sqlglot == its own version, so the two ranges must be one
    assert str(MAIN["sqlglotc"].specifier) == str(MAIN["sqlglot"].specifier) == "<31,>=30.30"
    assert MAIN["sqlglot"].marker is None


def test_the_fast_extra_still_names_the_compiled_builds() -> None:
    fast = {r.name: r for r in map(Requirement, PROJECT["optional-dependencies"]["fast"])}
    assert sorted(fast) == ["neo4j-rust-ext", "sqlglotc"]
    assert fast["sqlglotc"].specifier == MAIN["sqlglotc"].specifier and fast["sqlglotc"].marker is None
