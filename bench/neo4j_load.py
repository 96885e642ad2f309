"""Issue 3's benchmark: loading a large lineage graph into Neo4j, and impact latency on both stores.

`python -m bench.neo4j_load [--edges N]` from the repository root, with a Neo4j running
(`bash scripts/neo4j.sh start`; settings from NEO4J_URI/USER/PASSWORD, else `.neo4j/env`). The graph
is synthetic and deterministic: layers of tables, each a "model file" whose columns read columns of
a few nearby tables of the layer below, plus a join and a filter per model (table-level edges), run
through `lineage.graph.build_graph` so each source asserts what a real scan would. Prints a
Markdown table and writes `bench/results/neo4j.json`.

The database must be empty (pass --wipe to empty it first); what was loaded is deleted afterwards
unless --keep.

By default the whole graph loads in one transaction, as a scan does. Neo4j keeps a transaction's
changes on its heap (measured: about 1.2 GB per 100,000 column edges of this graph) and refuses
more than 70% of the heap, so a million edges in one go needs a server started with
`NEO4J_HEAP=18g`; `--tx-edges N` commits every N edges instead and reports how many commits it took.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j

from graphs.stores.neo4j.store import Neo4jStore
from graphs.stores.embedded import NetworkxStore
from lineage.graph import build_graph
from lineage.impact import Change, ImpactReport, analyse_impact
from lineage.model import ColumnEdge, FileFacts, Flow, GraphFacts, Location, Relation, Subtype, TableFact, TableKind
from lineage.store import LineageStore
from bench.worker import run_module

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "bench" / "results" / "neo4j.json"
TARGETS = {"load_edges_per_s": 20_000, "neo4j_impact_p95_ms": 100, "neo4j_impact_max_ms": 1_000, "embedded_impact_p95_ms": 50}  # issue 18


@dataclass(frozen=True, slots=True)
class Shape:
    edges: int  # column FEEDS edges wanted; the generated count is close to it
    layers: int = 10
    columns: int = 10  # per table
    reads: int = 2  # columns each output column reads
    window: int = 2  # a model reads tables at most this far from its own index in the layer below
    seed: int = 3


def synthetic(shape: Shape) -> list[FileFacts]:
    """One model file per table of layers 1.., deterministic for a given shape."""
    per_model = shape.columns * shape.reads + 2
    width = max(1, round(shape.edges / per_model / (shape.layers - 1)))
    rng = random.Random(shape.seed)
    return [_model(shape, rng, layer, index, width) for layer in range(1, shape.layers) for index in range(width)]


def _model(shape: Shape, rng: random.Random, layer: int, index: int, width: int) -> FileFacts:
    path = f"models/l{layer}/t{index}.sql"
    target = f"l{layer}.t{index}"
    inputs = [f"l{layer - 1}.t{(index + rng.randint(-shape.window, shape.window)) % width}" for _ in range(shape.reads + 1)]
    at = Location(path, 1, 1)
    edges = [
        ColumnEdge(inputs[k], f"c{rng.randrange(shape.columns)}", target, f"c{c}", Flow.DIRECT, Subtype.TRANSFORMATION if k else Subtype.IDENTITY, Location(path, c + 2, 1))
        for c in range(shape.columns)
        for k in range(shape.reads)
    ]
    edges.append(ColumnEdge(inputs[-1], "c0", target, None, Flow.INDIRECT, Subtype.JOIN, at))
    edges.append(ColumnEdge(inputs[0], "c1", target, None, Flow.INDIRECT, Subtype.FILTER, at))
    table = TableFact(target, TableKind.TABLE, tuple((f"c{c}", "INT") for c in range(shape.columns)), at)
    return FileFacts(path, tuple(edges), (table,), statements=1)


def feeds(graphs: Sequence[GraphFacts]) -> int:
    return len({e for g in graphs for e in g.edges if e.relation is Relation.FEEDS})


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


@dataclass(frozen=True, slots=True)
class Options:
    shape: Shape
    queries: int = 100
    tx_edges: int | None = None  # column edges per Neo4j transaction; None: the whole graph in one
    wipe: bool = False
    keep: bool = False


def load(store: LineageStore, graphs: Sequence[GraphFacts]) -> None:
    with store.transaction():
        for graph in graphs:
            store.replace_file(graph)


def load_all(store: LineageStore, groups: Sequence[Sequence[GraphFacts]]) -> None:
    for group in groups:
        load(store, group)


def in_transactions(graphs: Sequence[GraphFacts], tx_edges: int | None) -> list[list[GraphFacts]]:
    """The sources split into consecutive groups of about `tx_edges` FEEDS edges each."""
    groups: list[list[GraphFacts]] = [[]]
    count = 0
    for graph in graphs:
        if tx_edges is not None and count >= tx_edges:
            groups.append([])
            count = 0
        groups[-1].append(graph)
        count += sum(1 for e in graph.edges if e.relation is Relation.FEEDS)
    return groups


def latencies(store: LineageStore, targets: Sequence[str]) -> tuple[list[float], list[ImpactReport]]:
    """Seconds per full-depth downstream impact query, one per target column id."""
    seconds: list[float] = []
    reports: list[ImpactReport] = []
    for target in targets:
        node = store.nodes([target])
        start = time.perf_counter()
        reports.append(analyse_impact(store, node, Change()))
        seconds.append(time.perf_counter() - start)
    return seconds, reports


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: a latency that was actually observed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(seconds: Sequence[float], reports: Sequence[ImpactReport]) -> dict[str, Any]:
    reached = sorted(len(r.columns) + len(r.dashboards) + len(r.features) for r in reports)
    return {
        "p50_ms": round(percentile(seconds, 50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 95) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
        "columns_reached_median": reached[len(reached) // 2],
        "columns_reached_max": reached[-1],
    }


def neo4j_settings() -> tuple[str, str, str]:
    values = {k: os.environ[k] for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD") if os.environ.get(k)}
    env_file = REPO_ROOT / ".neo4j" / "env"
    if "NEO4J_URI" not in values and env_file.exists():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            values[key] = value
    if "NEO4J_URI" not in values or "NEO4J_PASSWORD" not in values:
        sys.exit("bench.neo4j_load: no Neo4j settings: run `bash scripts/neo4j.sh start` or set NEO4J_URI/NEO4J_PASSWORD")
    return values["NEO4J_URI"], values.get("NEO4J_USER", "neo4j"), values["NEO4J_PASSWORD"]


def admin(settings: tuple[str, str, str], cypher: str) -> list[dict[str, Any]]:
    uri, user, password = settings
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver, driver.session() as session:
        return [record.data() for record in session.run(cypher)]


def wipe(settings: tuple[str, str, str]) -> None:
    """Delete everything in batches: one transaction for millions of rows would need a huge heap."""
    admin(settings, "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS")


def server(settings: tuple[str, str, str]) -> dict[str, Any]:
    versions = admin(settings, "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")
    heap = admin(settings, "SHOW SETTINGS YIELD name, value WHERE name IN ['server.memory.heap.max_size', 'server.memory.pagecache.size'] RETURN name, value")
    return {"components": versions, "settings": {r["name"]: r["value"] for r in heap}, "jvm_max_heap_note": "set by NEO4J_HEAP in scripts/neo4j.sh"}


def jvm_heap_mb(settings: tuple[str, str, str]) -> float | None:
    rows = admin(settings, "CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes RETURN attributes.HeapMemoryUsage.value.properties.max AS max")
    return round(rows[0]["max"] / 2**20) if rows and rows[0]["max"] else None


class PeakMemory:
    """Polls the server for the largest heap estimate of any running transaction (once a second)."""

    def __init__(self, settings: tuple[str, str, str]) -> None:
        self.peak, self._done = 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(settings,), daemon=True)

    def _watch(self, settings: tuple[str, str, str]) -> None:
        while not self._done.wait(1.0):
            rows = admin(settings, "SHOW TRANSACTIONS YIELD estimatedUsedHeapMemory AS heap RETURN max(heap) AS heap")
            self.peak = max(self.peak, int(rows[0]["heap"] or 0))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def server_cpu_s(settings: tuple[str, str, str]) -> float:
    """CPU seconds the server's JVM has used: with the client's, what a load costs whatever else the host runs."""
    rows = admin(settings, "CALL dbms.queryJmx('java.lang:type=OperatingSystem') YIELD attributes RETURN attributes.ProcessCpuTime.value AS ns")
    return rows[0]["ns"] / 1e9


def measure_neo4j(settings: tuple[str, str, str], graphs: Sequence[GraphFacts], options: Options, picked: Sequence[str]) -> tuple[dict[str, Any], list[ImpactReport]]:
    store = Neo4jStore(*settings)
    groups = in_transactions(graphs, options.tx_edges)
    try:
        busy, server, client = os.getloadavg()[0], server_cpu_s(settings), time.process_time()
        with PeakMemory(settings) as memory:
            load_s = timed(lambda: load_all(store, groups))
        server, client = server_cpu_s(settings) - server, time.process_time() - client
        latencies(store, picked[options.queries :])  # query plans and page cache: not the figure we report
        seconds, reports = latencies(store, picked[: options.queries])
    finally:
        store.close()
    record = {
        "load_s": round(load_s, 2),
        "transactions": len(groups),
        "peak_transaction_heap_mb": round(memory.peak / 2**20),
        "server_cpu_s": round(server, 1),
        "client_cpu_s": round(client, 1),
        "load_average_before": busy,
    }
    return {**record, "impact": summary(seconds, reports)}, reports


def measure_embedded(graphs: Sequence[GraphFacts], options: Options, picked: Sequence[str]) -> tuple[dict[str, Any], list[ImpactReport]]:
    with tempfile.TemporaryDirectory() as directory:
        store = NetworkxStore(Path(directory))
        load_s = timed(lambda: load(store, graphs))
        build_s = timed(lambda: latencies(store, picked[options.queries :]))  # the first read builds the graph
        seconds, reports = latencies(store, picked[: options.queries])
        size = (Path(directory) / "graph.json").stat().st_size
        opened = reopen(Path(directory))
    record = {"load_s": round(load_s, 2), "first_query_s": round(build_s, 2), "file_mb": round(size / 2**20, 1), "impact": summary(seconds, reports)}
    return record | {"reopen": opened}, reports


def reopen(directory: Path) -> dict[str, Any]:
    """Open and index the store in a fresh process (as `lineage impact` does): time and memory per edge."""
    opened = run_module("bench.store_open", [str(directory)])
    opened["bytes_per_relationship"] = round((opened["peak_mb"] - opened["baseline_mb"]) * 2**20 / opened["relationships"])
    return opened


def describe(graphs: Sequence[GraphFacts]) -> dict[str, int]:
    return {
        "sources": len(graphs),
        "feeds_edges": feeds(graphs),
        "nodes": len({n.id for g in graphs for n in g.nodes} | {i for g in graphs for e in g.edges for i in (e.source, e.target)}),
        "relationships": len({(g.source, e) for g in graphs for e in g.edges}),
        "node_claims": sum(len(g.nodes) for g in graphs),
    }


def run(options: Options) -> dict[str, Any]:
    settings = neo4j_settings()
    if admin(settings, "MATCH (n) RETURN count(n) AS n")[0]["n"]:
        if not options.wipe:
            sys.exit("bench.neo4j_load: the Neo4j database is not empty; pass --wipe to delete everything in it first")
        wipe(settings)
    start = time.perf_counter()
    graphs = build_graph(synthetic(options.shape), None)
    generate_s = time.perf_counter() - start
    columns = sorted({n.id for g in graphs for n in g.nodes if n.kind == "column"})
    picked = random.Random(options.shape.seed + 1).sample(columns, options.queries + 3)
    graph = describe(graphs)
    neo, neo_reports = measure_neo4j(settings, graphs, options, picked)
    embedded, embedded_reports = measure_embedded(graphs, options, picked)
    neo["edges_per_s"] = round(graph["feeds_edges"] / neo["load_s"])
    neo["relationships_per_s"] = round(graph["relationships"] / neo["load_s"])
    neo["edges_per_cpu_s"] = round(graph["feeds_edges"] / (neo["server_cpu_s"] + neo["client_cpu_s"]))
    embedded["edges_per_s"] = round(graph["feeds_edges"] / embedded["load_s"])
    results = {
        "command": " ".join([Path(sys.executable).name, "-m", "bench.neo4j_load", *sys.argv[1:]]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"nproc": os.cpu_count(), "cpu": _cpu(), "python": platform.python_version(), "neo4j_driver": neo4j.__version__},
        "server": {**server(settings), "jvm_max_heap_mb": jvm_heap_mb(settings)},
        "shape": asdict(options.shape),
        "tx_edges": options.tx_edges,
        "graph": graph,
        "generate_s": round(generate_s, 2),
        "neo4j": neo,
        "embedded": embedded,
        "queries": options.queries,
        "identical_reports": neo_reports == embedded_reports,
        "targets": TARGETS,
    }
    if not options.keep:
        wipe(settings)
    return results


def _cpu() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or "unknown"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "unknown")


def markdown(results: dict[str, Any]) -> str:
    neo, embedded, targets = results["neo4j"], results["embedded"], results["targets"]
    graph = results["graph"]
    rows = [
        f"Synthetic graph: {graph['feeds_edges']:,} column edges (FEEDS), {graph['relationships']:,} relationships, "
        f"{graph['nodes']:,} nodes, {graph['sources']:,} sources; {results['queries']} impact queries at full depth.",
        f"Neo4j load: {neo['transactions']} transaction(s), peak transaction heap {neo['peak_transaction_heap_mb']:,} MiB "
        f"(server heap {results['server']['jvm_max_heap_mb']:,} MiB).",
        "",
        "| measure | target | measured | |",
        "| --- | ---: | ---: | --- |",
        _row("Neo4j load, column edges/s", f"≥ {targets['load_edges_per_s']:,}", neo["edges_per_s"], neo["edges_per_s"] >= targets["load_edges_per_s"]),
        f"| Neo4j load, total | | {neo['load_s']:,} s ({neo['relationships_per_s']:,} relationships/s) | |",
        _row("Neo4j impact p50 / p95 (ms)", f"p95 ≤ {targets['neo4j_impact_p95_ms']}", f"{neo['impact']['p50_ms']} / {neo['impact']['p95_ms']}", neo["impact"]["p95_ms"] <= targets["neo4j_impact_p95_ms"]),
        _row("embedded impact p50 / p95 (ms)", f"p95 ≤ {targets['embedded_impact_p95_ms']}", f"{embedded['impact']['p50_ms']} / {embedded['impact']['p95_ms']}", embedded["impact"]["p95_ms"] <= targets["embedded_impact_p95_ms"]),
        f"| embedded load (JSON file {embedded['file_mb']} MB), first query | | {embedded['load_s']} s, {embedded['first_query_s']} s | |",
        f"| columns reached per query, median / max | | {neo['impact']['columns_reached_median']:,} / {neo['impact']['columns_reached_max']:,} | |",
        f"| reports identical across stores | | {'yes' if results['identical_reports'] else 'NO'} | |",
    ]
    return "\n".join(rows)


def _row(label: str, target: str, value: object, met: bool) -> str:
    shown = f"{value:,}" if isinstance(value, int) else str(value)
    return f"| {label} | {target} | {shown} | {'met' if met else 'missed'} |"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.neo4j_load", description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--edges", type=int, default=1_000_000, help="column edges to generate (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=100, help="impact queries per store (default 100)")
    parser.add_argument("--tx-edges", type=int, default=None, help="column edges per Neo4j transaction (default: all in one)")
    parser.add_argument("--wipe", action="store_true", help="empty a non-empty database first (deletes EVERYTHING in it)")
    parser.add_argument("--keep", action="store_true", help="leave the loaded graph in Neo4j")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS.relative_to(REPO_ROOT)})")
    args = parser.parse_args(argv)
    gc.set_threshold(10_000, 10, 10)  # as `lineage` itself runs (cli.main._few_collections): the graph is millions of objects
    results = run(Options(Shape(args.edges), args.queries, args.tx_edges, args.wipe, args.keep))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
