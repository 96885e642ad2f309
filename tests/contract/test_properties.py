"""Property tests over generated warehouses, on every store: scans are idempotent and order-blind.

Each example is a few SQL files: base tables, then tables and views derived from earlier ones
(columns, expressions, `*` that only another file's DDL can expand, joins, filters), inserts into
earlier tables from other files, and now and then a statement that does not parse. Example counts
come from the hypothesis profile (tests/conftest.py): half the profile's, a few dozen in CI.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage.api import scan_into
from lineage.model import Edge, Node
from tests.contract.conftest import Backend
from tests.contract.test_store import everything

COLUMNS = ("a", "b", "c", "d")
FORMS = ("x.{c}", "sum(x.{c})", "x.{c} + 1", "case when x.{c} > 0 then x.{c} end", "coalesce(x.{c}, y.{d})")
Table = tuple[str, tuple[str, ...]]  # name, columns
Dump = tuple[list[str], list[Node], list[Edge]]

# the stores are emptied inside each example; the fixtures only provide them
STORE_EXAMPLES = settings(
    max_examples=max(10, settings().max_examples // 2),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)


@st.composite
def _select(draw: st.DrawFn, tables: list[Table], width: int | None) -> tuple[str, tuple[str, ...]]:
    """`select ... from a x [join b y on ...] [where ...]`, and the names of its outputs."""
    (source, cols), joined = draw(st.sampled_from(tables)), draw(st.none() | st.sampled_from(tables))
    other = joined[1] if joined else cols
    if width is None and draw(st.integers(0, 3)) == 0:
        select, outputs = "x.*", cols  # only the DDL of `source`, maybe in another file, says what this is
    else:
        picks = draw(st.lists(st.sampled_from(cols), min_size=width or 1, max_size=width or 3))
        forms = [draw(st.sampled_from(FORMS if joined else FORMS[:4])).format(c=c, d=other[0]) for c in picks]
        outputs = tuple(f"o{k}" for k in range(len(picks)))
        select = ", ".join(f"{form} as {name}" for form, name in zip(forms, outputs))
    sql = f"select {select} from {source} x"
    if joined:
        sql += f" join {joined[0]} y on x.{cols[0]} = y.{other[0]}"
    if draw(st.booleans()):
        sql += f" where x.{draw(st.sampled_from(cols))} > 0"
    return sql, outputs


@st.composite
def warehouses(draw: st.DrawFn) -> dict[str, str]:
    """{path: SQL}: one table or view per file, built from tables of earlier files; paths sort in any order."""
    count = draw(st.integers(min_value=2, max_value=6))
    paths = draw(st.lists(st.from_regex(r"[a-z]{1,5}(/[a-z]{1,5})?", fullmatch=True), min_size=count, max_size=count, unique=True))
    tables: list[Table] = []
    files: dict[str, str] = {}
    for i, path in enumerate(paths):
        name = f"w.t{i}"
        if not tables or draw(st.integers(0, 3)) == 0:
            cols = tuple(draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4, unique=True)))
            text = f"create table {name} ({', '.join(f'{c} int' for c in cols)});"
        else:
            select, cols = draw(_select(tables, None))
            text = f"create {draw(st.sampled_from(['table', 'view']))} {name} as {select};"
        if len(tables) > 1 and draw(st.integers(0, 3)) == 0:
            target, target_cols = draw(st.sampled_from(tables))
            select, _ = draw(_select(tables, len(target_cols)))
            text += f"\ninsert into {target} ({', '.join(target_cols)}) {select};"
        if draw(st.integers(0, 7)) == 0:
            text += "\nselect from where;"  # a diagnostic; the file's other statements still count
        tables.append((name, cols))
        files[f"{path}.sql"] = text + "\n"
    return files


def _write(root: Path, files: dict[str, str], order: list[str]) -> None:
    """The files under root/w, created in `order` (a directory lists its files in creation order on some file systems)."""
    for path in order:
        (root / "w" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "w" / path).write_text(files[path], encoding="utf-8")


def _scan(backend: Backend, root: Path, paths: list[Path], cache: Path | None = None) -> Dump:
    with contextlib.chdir(root), contextlib.closing(backend.open()) as store:
        scan_into(store, paths, cache=cache)
        return everything(store)


@STORE_EXAMPLES
@given(files=warehouses(), data=st.data())
def test_rescanning_the_same_files_is_idempotent(backend: Backend, tmp_path: Path, files: dict[str, str], data: st.DataObject) -> None:
    backend.reset()
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    _write(root, files, data.draw(st.permutations(sorted(files))))
    first = _scan(backend, root, [Path("w")], root / "cache.json")
    assert first[0] == sorted(f"w/{p}" for p in files)
    assert _scan(backend, root, [Path("w")], root / "cache.json") == first  # the second scan reuses the cache
    assert _scan(backend, root, [Path("w")]) == first


@STORE_EXAMPLES
@given(files=warehouses(), data=st.data())
def test_the_graph_does_not_depend_on_file_order(backend: Backend, tmp_path: Path, files: dict[str, str], data: st.DataObject) -> None:
    """Files created in two orders, each scanned as a directory and as a list of files in another order."""
    graphs = []
    for _ in range(2):
        root = Path(tempfile.mkdtemp(dir=tmp_path))
        _write(root, files, data.draw(st.permutations(sorted(files))))
        for paths in ([Path("w")], [Path("w", p) for p in data.draw(st.permutations(sorted(files)))]):
            backend.reset()
            graphs.append(_scan(backend, root, paths))
    assert graphs[0][0] == sorted(f"w/{p}" for p in files)
    assert graphs[1:] == graphs[:1] * 3
