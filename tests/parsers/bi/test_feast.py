"""Feast: a feature repository read with `ast`, never imported, into consumers with exact column reads."""

from __future__ import annotations

from pathlib import Path

from parsers.bi.common import Sql
from parsers.bi.feast import is_feature_repo, read_feast
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT, check_golden
from tests.parsers.bi.reads import notes, read_lines, sample_texts

GOLDEN = ROOT / "tests" / "golden" / "bi" / "feast.reads"


def test_sample_feature_repository_reads_are_golden(update_golden: bool) -> None:
    facts = read_feast(sample_texts("feast", (".py",)), Sql(SchemaRegistry()))
    assert notes(facts) == []
    assert sorted(o.id for o in facts.owners) == ["fraud-ml@acme.example", "growth-ml@acme.example"]
    check_golden(GOLDEN, read_lines(facts.consumers), update_golden)


REPO = '''
from feast import Entity, FeatureService, FeatureView, Field, FileSource
from feast.infra.offline_stores.bigquery_source import BigQuerySource

user = Entity(name="user", join_keys=["user_id"])
src = BigQuerySource(table="proj.ds.events", timestamp_field="ts", field_mapping={"amt": "amount"})
files = FileSource(path="data/x.parquet", timestamp_field="ts")
spend = FeatureView(name="spend", entities=[user], schema=[Field(name="amount"), Field(name="n")], source=src, owner="ana", tags={"team": "risk"})
local = FeatureView(name="local", entities=[user], schema=[Field(name="n")], source=files)
svc = FeatureService(name="svc", features=[spend[["n"]], missing])
'''


def test_field_mapping_entities_projections_and_sources_without_a_table() -> None:
    facts = read_feast([("repo/defs.py", REPO)], Sql(SchemaRegistry()))
    reads = {c.id: sorted((e.source_table, e.source_column, str(e.subtype)) for e in c.reads) for c in facts.consumers}
    assert reads == {
        "feast:spend": [("proj.ds.events", "amt", "identity"), ("proj.ds.events", "n", "identity"), ("proj.ds.events", "ts", "join"), ("proj.ds.events", "user_id", "join")],
        "feast:local": [],
        "feast:svc": [("proj.ds.events", "n", "identity"), ("proj.ds.events", "ts", "join"), ("proj.ds.events", "user_id", "join")],
    }
    assert {c.id: (c.owner, c.tags) for c in facts.consumers}["feast:spend"] == ("ana", "team=risk")
    assert notes(facts) == [
        "repo/defs.py:7: FileSource 'local' reads no warehouse table or query (a file); its reads are not traced",
        "repo/defs.py:10: feature service 'svc' names a feature view not defined in the repository; it is not traced",
    ]


def test_a_feast_file_that_tries_to_run_code_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    hostile = f'''from feast import FeatureView, Field
import os
os.system("touch {marker}")
src = __import__("os").system("touch {marker}")
view = FeatureView(name=open("{marker}", "w").write("x") and "v", schema=[Field(name=exec("1"))], source=src)
view2 = FeatureView(name="v2", schema=[Field(name=eval("'a'"))], source=exec("import os"), owner=os.getenv("USER"))
'''
    facts = read_feast([("evil.py", hostile)], Sql(SchemaRegistry()))
    assert not marker.exists()
    assert [c.id for c in facts.consumers] == ["feast:v2"] and facts.consumers[0].reads == () and facts.consumers[0].owner == ""
    assert notes(facts) == [
        "evil.py:5: the name of a feature view is not a literal; it is not read (nothing in the file is run)",
        "evil.py:6: an owner is not a literal; it is not read (nothing in the file is run)",
        "evil.py:6: the source of feature view 'v2' is not a data source defined in the repository; its reads are unknown",
    ]


def test_only_files_importing_feast_are_feature_definitions_and_bad_python_is_one_line() -> None:
    assert is_feature_repo("from feast import FeatureView\n") and is_feature_repo("import feast\n")
    assert not is_feature_repo("import feasting\n# from feast import x is only mentioned here? no: it starts a line\n".replace("# from", "#from"))
    facts = read_feast([("bad.py", "from feast import FeatureView\nview = FeatureView(\n")], Sql(SchemaRegistry()))
    assert notes(facts) == ["bad.py:2: not valid Python (SyntaxError); its features are not read"]
