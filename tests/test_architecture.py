"""The import direction of the layers (STYLE.md, README's architecture): a test that fails when a module
imports across a boundary, or imports another module's private name.

Every import counts, also those inside functions (the CLI loads layers lazily) and under TYPE_CHECKING:
a boundary is about what a module knows, not only about what it loads at start-up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lineage", "parsers", "graphs", "cli")
THIRD_PARTY = ("sqlglot", "networkx", "neo4j", "typer", "graphviz", "yaml", "jinja2")

# What each package (or sub-package) may import of ours; the most specific entry applies.
ALLOWED: dict[str, tuple[str, ...]] = {
    "lineage": ("lineage",),
    "lineage.api": ("lineage", "parsers", "graphs"),  # the documented façade for library users
    "parsers": ("lineage", "parsers"),
    "parsers.sources": ("lineage", "parsers.sources"),
    "parsers.templating": ("lineage", "parsers.sources", "parsers.templating"),
    "graphs": ("lineage", "graphs"),
    "graphs.render": ("lineage", "graphs.render"),
    "graphs.stores": ("lineage", "graphs.stores"),
    "cli": ("lineage", "parsers", "graphs", "cli"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names imported from it) for every import statement in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module, tuple(alias.name for alias in node.names)))
    return found


def rule_for(module: str) -> tuple[str, ...]:
    keys = [k for k in ALLOWED if module == k or module.startswith(k + ".")]
    return ALLOWED[max(keys, key=len)]


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(path: Path) -> list[str]:
    here = module_name(path)
    allowed = rule_for(here)
    found = []
    for line, target, names in imports(path):
        ours = target.split(".")[0] in PACKAGES
        if ours and not any(within(target, a) for a in allowed):
            found.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {target}")
        if within(here, "lineage") and here != "lineage.api" and target.split(".")[0] in THIRD_PARTY:
            found.append(f"{path.relative_to(ROOT)}:{line}: lineage/ is pure but imports {target}")
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if ours and private and target != here:
            found.append(f"{path.relative_to(ROOT)}:{line}: imports the private {', '.join(private)} of {target}")
    return found


def test_no_module_imports_across_the_layers_or_a_private_name() -> None:
    assert [v for path in modules() for v in violations(path)] == []


def test_nothing_outside_cli_imports_cli() -> None:
    others = [p for p in ROOT.rglob("*.py") if p.relative_to(ROOT).parts[0] in ("lineage", "parsers", "graphs", "bench")]
    assert [f"{p.relative_to(ROOT)}:{line}" for p in others for line, target, _ in imports(p) if within(target, "cli")] == []


@pytest.mark.parametrize(
    ("where", "source", "expected"),
    [
        ("lineage/x.py", "from parsers.sql.extract import extract_sql\n", "lineage/x.py:1: lineage.x imports parsers.sql.extract"),
        ("lineage/x.py", "def f():\n    import networkx\n", "lineage/x.py:2: lineage/ is pure but imports networkx"),
        ("parsers/sql/x.py", "from graphs.stores.open import open_store\n", "parsers/sql/x.py:1: parsers.sql.x imports graphs.stores.open"),
        ("graphs/render/x.py", "from cli import output\n", "graphs/render/x.py:1: graphs.render.x imports cli"),
        ("parsers/sources/x.py", "from parsers.sql import extract\n", "parsers/sources/x.py:1: parsers.sources.x imports parsers.sql"),
        ("cli/x.py", "from cli.main import _errors\n", "cli/x.py:1: imports the private _errors of cli.main"),
    ],
)
def test_the_check_catches_each_kind_of_crossing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, source: str, expected: str) -> None:
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert violations(path) == [expected]


def test_every_package_says_what_it_holds_and_may_import() -> None:
    missing = [str(p.relative_to(ROOT)) for p in modules() if p.name == "__init__.py" and not ast.get_docstring(ast.parse(p.read_text()))]
    assert missing == []
