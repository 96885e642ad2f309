"""`lineage export --format openlineage`: every event of the sample warehouse validates against the
OpenLineage JSON Schemas the client pins (the event and each facet), a small warehouse exports exactly
the events written out below, and `--url` posts them, each once and in order, to a real HTTP server."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from typer.testing import CliRunner

from cli.main import app
from graphs.render.openlineage import FACETS, SPEC
from tests.conftest import ROOT
from tests.github_stand_in import served

SPEC_DIR = Path(__file__).parent / "openlineage_spec"
runner = CliRunner()


def _registry() -> Registry:
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SPEC_DIR.rglob("*.json"))]
    return Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)


REGISTRY = _registry()


def _facets(event: dict) -> Iterator[dict]:
    """Every facet of an event: the job's, the dataset's, and each input's and output's."""
    holders = [event.get("job"), event.get("dataset"), *event.get("inputs", []), *event.get("outputs", [])]
    for holder in holders:
        if holder:
            yield from holder.get("facets", {}).values()


def problems(event: dict) -> list[str]:
    """What the spec (OpenLineage.json) and each facet's own schema say is wrong with `event`."""
    found = [f"event: {e.message}" for e in Draft202012Validator({"$ref": SPEC}, registry=REGISTRY).iter_errors(event)]
    for facet in _facets(event):
        validator = Draft202012Validator({"$ref": facet["_schemaURL"]}, registry=REGISTRY)
        found += [f"{facet['_schemaURL']}: {e.message}" for e in validator.iter_errors(facet)]
    return found


def _export(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[dict], str]:
    result = runner.invoke(app, ["export", "--format", "openlineage", *args], env=env)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture(scope="module")
def sample_events(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], str]:
    store = tmp_path_factory.mktemp("sample") / "store"
    with _cwd(ROOT):  # the store names files relative to where the scan ran: the sql facets are read there
        assert runner.invoke(app, ["scan", "sample_sql", "--store", str(store)]).exit_code == 0
        code, events, stderr = _export("--store", str(store))
    assert code == 0, stderr
    return events, stderr


def test_the_vendored_schemas_are_the_versions_the_client_pins() -> None:
    from openlineage.client.event_v2 import DatasetEvent, JobEvent
    from openlineage.client.generated import column_lineage_dataset, documentation_dataset, ownership_dataset, ownership_job, schema_dataset, sql_job

    pinned = [c._get_schema() for c in (schema_dataset.SchemaDatasetFacet, column_lineage_dataset.ColumnLineageDatasetFacet, ownership_dataset.OwnershipDatasetFacet, documentation_dataset.DocumentationDatasetFacet, ownership_job.OwnershipJobFacet, sql_job.SQLJobFacet)]
    assert sorted(FACETS.values()) == sorted(pinned)
    assert [JobEvent._get_schema(), DatasetEvent._get_schema()] == [f"{SPEC}#/$defs/JobEvent", f"{SPEC}#/$defs/DatasetEvent"]
    vendored = sorted(json.loads(p.read_text(encoding="utf-8"))["$id"] for p in SPEC_DIR.rglob("*.json"))
    assert vendored == sorted({SPEC, *(url.partition("#")[0] for url in pinned)})


def test_every_event_of_the_sample_warehouse_validates(sample_events: tuple[list[dict], str]) -> None:
    events, stderr = sample_events
    kinds = [e["schemaURL"].rpartition("/")[2] for e in events]
    assert (kinds.count("DatasetEvent"), kinds.count("JobEvent"), len(kinds)) == (29, 68, 97)
    assert {i: problems(e) for i, e in enumerate(events) if problems(e)} == {}
    assert stderr.splitlines() == [
        "Wrote standard output: 29 dataset events, 68 job events (OpenLineage static lineage).",
        "No sql facet on 47 of 68 jobs: their text is not one statement of a .sql file readable from here (ETL code, BI files, catalog entries listing columns, or a file changed since the scan).",
    ]


def test_the_sample_warehouse_uses_every_transformation_type_and_subtype(sample_events: tuple[list[dict], str]) -> None:
    seen = set()
    for event in sample_events[0]:
        for output in event.get("outputs", []):
            lineage = output["facets"]["columnLineage"]
            fields = [f for column in lineage["fields"].values() for f in column["inputFields"]] + lineage.get("dataset", [])
            seen |= {(t["type"], t["subtype"]) for f in fields for t in f["transformations"]}
    direct = {("DIRECT", s) for s in ("IDENTITY", "TRANSFORMATION", "AGGREGATION")}
    indirect = {("INDIRECT", s) for s in ("JOIN", "FILTER", "GROUP_BY", "SORT", "WINDOW", "CONDITIONAL")}
    assert seen == direct | indirect


def test_the_order_value_job_reads_orders_and_writes_the_enriched_facts(sample_events: tuple[list[dict], str]) -> None:
    jobs = {e["job"]["name"]: e for e in sample_events[0] if "job" in e}
    job = jobs["sample_sql/etl/nightly_orders.sql#6"]
    assert job["job"]["facets"]["sql"]["query"].startswith("INSERT INTO intermediate.orders_enriched (")
    fields = job["outputs"][0]["facets"]["columnLineage"]["fields"]
    assert fields["order_value_usd"]["inputFields"] == [
        {"namespace": "default", "name": "etl.tmp_orders_usd", "field": "order_value_usd", "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]},
    ]
    dashboard = jobs["dashboard:executive_revenue"]
    assert (dashboard["job"]["facets"]["ownership"]["owners"], [i["name"] for i in dashboard["inputs"]], [o["name"] for o in dashboard["outputs"]]) == (
        [{"name": "bi-team"}],
        ["mart.daily_revenue"],
        ["dashboard:executive_revenue"],
    )
    assert dashboard["job"]["facets"]["sql"]["query"].startswith("-- Dashboard: Executive revenue")


SMALL_SQL = """\
create table app.orders (order_id int, amount numeric(10, 2), status text);

create view mart.revenue as
select o.status, sum(o.amount) as total
from app.orders as o
where o.status <> 'void'
group by o.status;
"""
SMALL_CATALOG = """\
namespace: postgres://db.acme.example:5432
owners:
  sales: {name: Sales team, email: sales@acme.example}
tables:
  app.orders: {owner: sales, tier: core, description: Orders placed at checkout}
"""
NS = "postgres://db.acme.example:5432"
P = "urn:lineage:0.1.0"
FACET = "https://openlineage.io/spec/facets/"


def _small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The small warehouse, scanned into .lineage, in the current directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "revenue.sql").write_text(SMALL_SQL, encoding="utf-8")
    (tmp_path / "lineage.yml").write_text(SMALL_CATALOG, encoding="utf-8")
    assert runner.invoke(app, ["scan", ".", "--store", ".lineage"]).exit_code == 0


def expected_small(namespace: str = NS) -> list[dict]:
    def field(table: str, column: str, *kinds: tuple[str, str]) -> dict:
        return {"namespace": namespace, "name": table, "field": column, "transformations": [{"type": t, "subtype": s} for t, s in kinds]}

    revenue_schema = {"_producer": P, "_schemaURL": f"{FACET}1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet", "fields": [{"name": "status"}, {"name": "total"}]}
    return [
        {"producer": P, "schemaURL": f"{SPEC}#/$defs/DatasetEvent", "dataset": {"namespace": namespace, "name": "app.orders", "facets": {
            "schema": {"_producer": P, "_schemaURL": f"{FACET}1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet", "fields": [{"name": "amount", "type": "DECIMAL(10, 2)"}, {"name": "order_id", "type": "INT"}, {"name": "status", "type": "TEXT"}]},
            "ownership": {"_producer": P, "_schemaURL": f"{FACET}1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet", "owners": [{"name": "sales"}]},
            "documentation": {"_producer": P, "_schemaURL": f"{FACET}1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet", "description": "Orders placed at checkout"},
        }}},
        {"producer": P, "schemaURL": f"{SPEC}#/$defs/DatasetEvent", "dataset": {"namespace": namespace, "name": "mart.revenue", "facets": {"schema": revenue_schema}}},
        {"producer": P, "schemaURL": f"{SPEC}#/$defs/JobEvent",
         "job": {"namespace": namespace, "name": "models/revenue.sql#2", "facets": {"sql": {"_producer": P, "_schemaURL": f"{FACET}1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet", "query": SMALL_SQL.split("\n\n")[1].rstrip().rstrip(";")}}},
         "inputs": [{"namespace": namespace, "name": "app.orders"}],
         "outputs": [{"namespace": namespace, "name": "mart.revenue", "facets": {
             "columnLineage": {"_producer": P, "_schemaURL": f"{FACET}1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",
                               "fields": {"status": {"inputFields": [field("app.orders", "status", ("DIRECT", "IDENTITY"))]}, "total": {"inputFields": [field("app.orders", "amount", ("DIRECT", "AGGREGATION"))]}},
                               "dataset": [field("app.orders", "status", ("INDIRECT", "FILTER"), ("INDIRECT", "GROUP_BY"))]},
             "schema": revenue_schema,
         }}]},
    ]


def _timeless(events: list[dict], before: datetime) -> list[dict]:
    """The events without their eventTime, once each is checked to be the export's time, in UTC."""
    for event in events:
        when = datetime.fromisoformat(event.pop("eventTime"))
        assert when.utcoffset() is not None and before.replace(microsecond=0) <= when <= datetime.now(when.tzinfo)
    return events


def test_a_small_warehouse_exports_exactly_these_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _small(tmp_path, monkeypatch)
    before = datetime.now().astimezone()
    code, events, stderr = _export()
    assert (code, stderr) == (0, "Wrote standard output: 2 dataset events, 1 job event (OpenLineage static lineage).\n")
    assert [problems(e) for e in events] == [[], [], []]
    assert _timeless(events, before) == expected_small()


def test_namespace_option_overrides_the_catalogs_and_output_writes_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _small(tmp_path, monkeypatch)
    before = datetime.now().astimezone()
    code, printed, stderr = _export("--namespace", "warehouse", "-o", "events.jsonl")
    assert (code, printed, stderr) == (0, [], "Wrote events.jsonl: 2 dataset events, 1 job event (OpenLineage static lineage).\n")
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert _timeless(events, before) == expected_small("warehouse")


class _Recorder(ThreadingHTTPServer):
    """An OpenLineage endpoint on loopback: records each request, answers `status`."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str, str, str, dict]] = []
        self.status = 201

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Recorder

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.command, self.path, self.headers.get("Content-Type") or "", self.headers.get("Authorization") or "", body))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    with served(_Recorder()) as server:
        yield server


def test_url_posts_every_event_once_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder: _Recorder) -> None:
    _small(tmp_path, monkeypatch)
    before = datetime.now().astimezone()
    code, printed, stderr = _export("--url", recorder.url, env={"OPENLINEAGE_API_KEY": "ol-secret-key"})
    assert (code, printed, stderr) == (0, [], f"Posted 3 events to {recorder.url}: 2 dataset events, 1 job event (OpenLineage static lineage).\n")
    assert [r[:4] for r in recorder.requests] == [("POST", "/api/v1/lineage", "application/json", "Bearer ol-secret-key")] * 3
    assert _timeless([r[4] for r in recorder.requests], before) == expected_small()
    assert "ol-secret-key" not in stderr


def test_a_refused_event_is_one_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder: _Recorder) -> None:
    _small(tmp_path, monkeypatch)
    recorder.status = 400
    code, printed, stderr = _export("--url", recorder.url)
    assert (code, printed) == (1, [])
    assert stderr == f"{recorder.url}: event 1 of 3 not posted: the server answered 400 Bad Request (0 posted before it)\n"
    assert [(r[1], r[3]) for r in recorder.requests] == [("/api/v1/lineage", "")]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--format", "graphml", "--url", "http://127.0.0.1:9"], "--url and --namespace are for --format openlineage"),
        (["--format", "openlineage", "--url", "http://127.0.0.1:9", "-o", "x.jsonl"], "give either --output or --url, not both"),
        (["--format", "openlineage", "--url", "not a url"], "--url 'not a url' is not an http(s) URL"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], line: str) -> None:
    _small(tmp_path, monkeypatch)
    result = runner.invoke(app, ["export", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n")


def test_the_validation_catches_what_the_spec_forbids() -> None:
    """The checks above can fail: a facet missing a required field, an event of no kind."""
    job = {"eventTime": "2026-12-05T12:00:00Z", **expected_small()[2]}
    assert problems(job) == []
    del job["job"]["facets"]["sql"]["query"]
    assert problems(job) == [f"{FACET}1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet: 'query' is a required property"]
    jobless = {"eventTime": "2026-12-05T12:00:00Z", **expected_small()[2]}
    del jobless["job"]
    assert [p.partition(" is not valid under")[2] for p in problems(jobless)] == [" any of the given schemas"]  # no event kind matches
    dataset = {"eventTime": "2026-12-05T12:00:00Z", **expected_small()[0]}
    dataset["dataset"]["facets"]["ownership"]["owners"] = [{"type": "MAINTAINER"}]
    assert problems(dataset) == [f"{FACET}1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet: 'name' is a required property"]


def test_what_the_events_cannot_say_is_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A column of no named table, a statement that did not parse, a file changed since the scan."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.sql").write_text("create view v as select x, a.id from a join b on a.id = b.id;\nselect from where;\n", encoding="utf-8")
    assert runner.invoke(app, ["scan", ".", "--store", ".lineage"]).exit_code == 1  # the second statement fails
    code, events, stderr = _export()
    assert code == 0
    assert [e["job"]["facets"]["sql"]["query"] for e in events if "job" in e] == ["create view v as select x, a.id from a join b on a.id = b.id"]
    assert stderr.splitlines() == [
        "Wrote standard output: 3 dataset events, 1 job event (OpenLineage static lineage).",
        "1 edge is left out: their source column belongs to no table the SQL names (column:<unresolved>.x).",
        "1 place did not parse (see `lineage scan`): their lineage is missing from the events.",
    ]
    (tmp_path / "q.sql").write_text("-- moved down\n\ncreate view v as select x, a.id from a join b on a.id = b.id;\n", encoding="utf-8")
    code, events, stderr = _export()
    assert [e["job"]["facets"] for e in events if "job" in e] == [{}]  # the statement no longer spans the lines the scan recorded
    assert stderr.splitlines()[1] == "No sql facet on 1 of 1 job: their text is not one statement of a .sql file readable from here (ETL code, BI files, catalog entries listing columns, or a file changed since the scan)."
