"""Ours with and without the compiled `sqlglotc` build, each in a fresh interpreter.

`sqlglotc` has no switch: its wheel drops mypyc-built `.so` files beside sqlglot's `.py` files,
and Python's path finder prefers extension modules over source. The pure-Python run therefore
installs a finder that sees only `.py` files for `sqlglot.*` before anything imports sqlglot.
Run as `python -m bench.compiled --mode pure|compiled --repeat N`; it prints one JSON object.
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import json
import subprocess
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

# Nothing at module level may import sqlglot, even indirectly: see `measure`.
MODES = ("compiled", "pure")


class _SourceOnlyFinder(importlib.abc.MetaPathFinder):
    """Finds `sqlglot` and its submodules from `.py` files only, hiding the sqlglotc overlays."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] != "sqlglot":
            return None
        for entry in path if path is not None else sys.path:
            finder = importlib.machinery.FileFinder(entry or ".", (importlib.machinery.SourceFileLoader, importlib.machinery.SOURCE_SUFFIXES))
            spec = finder.find_spec(fullname, target)
            if spec is not None:
                return spec
        return None


def extension_modules() -> int:
    """How many imported `sqlglot.*` modules are sqlglotc extension modules (0 means pure Python)."""
    return sum(
        1
        for name, module in list(sys.modules.items())
        if name.partition(".")[0] == "sqlglot" and not (getattr(module, "__file__", None) or ".py").endswith(".py")
    )


def measure(repeat: int) -> dict[str, object]:
    """Parse floor and ours per corpus, in whichever sqlglot build this interpreter imported."""
    # Imported here, not at the top: in pure mode they must load after the finder is installed.
    import sqlglot.optimizer.scope

    from bench.corpus import load_corpora
    from bench.edges import our_edges
    from bench.measure import parse_floor, run_ours
    from bench.timing import best_of, warm_up

    corpora: dict[str, object] = {}
    for corpus in load_corpora():
        warm_up(corpus, parse_floor, run_ours)
        parse_s, _ = best_of(partial(parse_floor, corpus), repeat)
        ours_s, facts = best_of(partial(run_ours, corpus), repeat)
        corpora[corpus.name] = {"statements": corpus.statements, "parse_s": parse_s, "ours_s": ours_s, "ours_direct_edges": len(our_edges(facts).direct)}
    modules = extension_modules()
    return {"compiled": modules > 0, "sqlglot_extension_modules": modules, "scope_module": Path(sqlglot.optimizer.scope.__file__ or "").name, "corpora": corpora}


def run_in_subprocess(mode: str, repeat: int) -> dict[str, Any]:
    """Measure in a fresh interpreter, so neither build's modules are already imported."""
    command = [sys.executable, "-m", "bench.compiled", "--mode", mode, "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=MODES, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.mode == "pure":
        sys.meta_path.insert(0, _SourceOnlyFinder())
    print(json.dumps({"mode": args.mode, **measure(args.repeat)}))


if __name__ == "__main__":
    main()
