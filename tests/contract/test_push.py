"""`push` copies an embedded store into every kind of store, unchanged."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from cli.push import push
from graphs.stores.embedded import NetworkxStore
from lineage.api import impact_of, scan_into
from lineage.errors import ConfigError, StoreError
from lineage.impact import Change, ChangeKind
from lineage.model import GraphFacts
from tests.conftest import ROOT
from tests.contract.conftest import Backend
from tests.contract.test_store import everything

PINNED = {"sample_sql/lineage.yml", "sample_sql/staging/stg_orders.sql", "sample_sql/etl/nightly_orders.sql"}


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    directory = tmp_path / "embedded"
    scan_into(NetworkxStore(directory), [Path("sample_sql")])
    return directory


def test_push_copies_every_source_unchanged(backend: Backend, embedded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    source = NetworkxStore(embedded)
    sources = source.sources()
    assert PINNED <= set(sources)
    assert push(backend.spec, str(embedded)) == len(sources)
    assert push(backend.spec, str(embedded)) == len(sources)
    change = Change(ChangeKind.RENAME, "order_total_usd")
    with closing(backend.open()) as target:
        assert everything(target) == everything(source)
        assert target.sources() == sources
        assert impact_of(target, ["orders.order_value"], change) == impact_of(source, ["orders.order_value"], change)


def test_push_keeps_sources_only_the_target_has(backend: Backend, embedded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    other = GraphFacts("other-repo/x.sql", tuple(NetworkxStore(embedded).find("app.orders.order_value")))
    with closing(backend.open()) as target:
        target.replace_file(other)
    push(backend.spec, str(embedded))
    with closing(backend.open()) as target:
        assert target.sources() == ["other-repo/x.sql", *NetworkxStore(embedded).sources()]


def test_push_needs_an_embedded_store_and_another_target(tmp_path: Path, embedded: Path) -> None:
    with pytest.raises(StoreError, match=f"^no lineage store in '{tmp_path}/none'; run `lineage scan PATH` first, or pass --store$"):
        push(str(tmp_path / "target"), str(tmp_path / "none"))
    with pytest.raises(ConfigError, match="^cannot push the store in .* into itself"):
        push(str(embedded) + "/", str(embedded))
    with pytest.raises(ConfigError, match="^push copies from an embedded store directory, not from 'bolt://x:1'"):
        push(str(tmp_path / "target"), "bolt://x:1")
    assert not (tmp_path / "target").exists()
