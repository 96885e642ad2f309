"""What a new user sees every day: summaries, empty answers, piped tables, catalog typos (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()

WAREHOUSE = """\
create table ml.rider_features (rider_id int, ltv_band text);
create table mart.riders as select rider_id, ltv_band from ml.rider_features where rider_id > 0;
"""
CATALOG = """\
owners:
  growth: {name: Growth team, email: growth@acme.example, slack: "#growth", github: acme/growth}
tables:
  ml.rider_featurs: {owner: growth}
  "raw.*": {owner: growth}
  mart.riders: {owner: growth}
ml_features:
  rider_ltv:
    owner: growth
    columns:
      - ml.rider_features.ltv_bnd
      - ml.rider_featurez.ltv_band
      - ml.rider_features.rider_id
"""
TYPOS = [
    "w/lineage.yml:4: table 'ml.rider_featurs' matches no scanned table; did you mean 'ml.rider_features'?",
    "w/lineage.yml:5: table glob 'raw.*' matches no scanned table",
    "w/lineage.yml:11: ML feature 'rider_ltv' reads 'ml.rider_features.ltv_bnd', a column no scanned SQL has; did you mean 'ml.rider_features.ltv_band'?",
    "w/lineage.yml:12: ML feature 'rider_ltv' reads 'ml.rider_featurez.ltv_band', of a table no scanned SQL names; did you mean 'ml.rider_features.ltv_band'?",
]
INCOMPLETE = "May be incomplete: 4 catalog names match nothing scanned (w/lineage.yml:4, w/lineage.yml:5, w/lineage.yml:11, w/lineage.yml:12)."


def _scan(tmp_path: Path, *args: str, sql: str = WAREHOUSE, catalog: str | None = None) -> tuple[int, list[str]]:
    folder = tmp_path / "w"
    folder.mkdir(exist_ok=True)
    (folder / "a.sql").write_text(sql)
    if catalog is not None:
        (folder / "lineage.yml").write_text(catalog)
    result = runner.invoke(app, ["scan", "w", "--store", str(tmp_path / "store"), *args])
    return result.exit_code, result.stderr.splitlines()


def test_catalog_names_that_match_nothing_are_warnings_with_their_line_and_a_guess(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code, lines = _scan(tmp_path, catalog=CATALOG)
    assert (code, lines) == (0, [*TYPOS, "Scanned 1 file, 2 statements; 4 warnings; 4 catalog names match nothing scanned (listed above); 3 edges written."])


def test_strict_makes_an_unmatched_catalog_name_an_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code, lines = _scan(tmp_path, "--strict", catalog=CATALOG)
    assert (code, lines[-1]) == (1, "Scanned 1 file, 2 statements; 4 failed (listed above); 4 catalog names match nothing scanned (listed above); 3 edges written.")


def test_an_answer_an_unmatched_catalog_name_could_change_says_it_may_be_incomplete(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    _scan(tmp_path, catalog=CATALOG)
    drop = runner.invoke(app, ["impact", "ml.rider_features.ltv_band", "--drop", "--store", "store"])
    assert drop.stdout.splitlines()[:3] == ["Impact of drop on ml.rider_features.ltv_band", "1 column, 1 table, 0 dashboards, 0 ML features affected.", INCOMPLETE]
    gated = runner.invoke(app, ["impact", "ml.rider_features.ltv_band", "--drop", "--fail-on", "incomplete", "--store", "store"])
    assert gated.exit_code == 3
    down = runner.invoke(app, ["downstream", "ml.rider_features.ltv_band", "--store", "store"])
    assert down.stdout.splitlines()[-1] == INCOMPLETE
    # fixing the catalog makes the same answers complete again
    (tmp_path / "w" / "lineage.yml").write_text(CATALOG.replace("featurs", "features").replace("ltv_bnd", "ltv_band").replace("featurez", "features").replace('  "raw.*": {owner: growth}\n', ""))
    assert _scan(tmp_path) == (0, ["Scanned 1 file, 2 statements (1 file extraction reused from the cache); 3 edges written (1 unchanged file kept as stored)."])
    fixed = runner.invoke(app, ["impact", "ml.rider_features.ltv_band", "--drop", "--store", "store"])
    assert fixed.stdout.splitlines()[1:3] == ["1 column, 1 table, 0 dashboards, 1 ML feature affected.", "Complete."]


def test_owners_are_shown_by_name_then_contacts(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    _scan(tmp_path, catalog=CATALOG)
    result = runner.invoke(app, ["impact", "ml.rider_features.rider_id", "--store", "store"])
    lines = result.stdout.splitlines()
    assert lines[lines.index("Owners to notify") + 3] == "Growth team (@acme/growth, #growth, growth@acme.example) │ mart.riders, rider_ltv"


def test_counts_of_one_are_singular(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    assert _scan(tmp_path, sql="create table b as select a from t;\n") == (0, ["Scanned 1 file, 1 statement; 1 edge written."])
    (tmp_path / "w" / "gone.sql").write_text("create table c as select a from b;\n")
    _scan(tmp_path, sql="create table b as select a from t;\n")
    (tmp_path / "w" / "gone.sql").unlink()
    assert _scan(tmp_path, sql="create table b as select a from t;\n") == (0, ["Scanned 1 file, 1 statement (1 file extraction reused from the cache); 1 edge written (1 unchanged file kept as stored), 1 removed file dropped from the graph."])


def test_without_the_cache_files_are_not_said_to_be_kept_as_stored(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    _scan(tmp_path)
    assert _scan(tmp_path, "--no-cache") == (0, ["Scanned 1 file, 2 statements; 3 edges written (1 file extracted again with the lineage already stored)."])


def test_a_catalog_query_with_nothing_of_its_own_to_store_is_not_rewritten_at_every_scan(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "dash.sql").write_text("select ltv_band from ml.rider_features")
    catalog = "owners:\n  growth: {name: Growth team}\ndashboards:\n  riders: {owner: growth, sql: dash.sql}\n"
    _scan(tmp_path, catalog=catalog)
    again = _scan(tmp_path, catalog=catalog)
    assert again == (0, ["Scanned 2 files, 3 statements (1 file extraction reused from the cache; 1 file it does not hold (ETL code, BI files, catalog queries, changed dbt projects) extracted again); 4 edges written (2 unchanged files kept as stored)."])


def test_a_directory_without_sql_says_what_was_looked_for(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("select a from t")
    result = runner.invoke(app, ["scan", str(tmp_path / "docs"), "--store", str(tmp_path / "store")])
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        ["Scanned 0 files, 0 statements; 0 edges written.", f"No SQL found in {tmp_path / 'docs'}: looked for *.sql and *.py files (in any case) and dbt projects (dbt_project.yml)."],
    )


def test_upper_case_sql_suffixes_are_scanned(tmp_path: Path) -> None:
    (tmp_path / "up").mkdir()
    (tmp_path / "up" / "LOAD.SQL").write_text("create table b as select a from t;\n")
    result = runner.invoke(app, ["scan", str(tmp_path / "up"), "--store", str(tmp_path / "store")])
    assert (result.exit_code, result.stderr) == (0, "Scanned 1 file, 1 statement; 1 edge written.\n")


def test_a_missing_catalog_is_one_plain_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.sql").write_text("select 1")
    result = runner.invoke(app, ["scan", "a.sql", "--catalog", "nope.yml", "--store", "store"])
    assert (result.exit_code, result.stderr) == (2, "nope.yml: cannot read: No such file or directory\n")


def test_no_hits_upstream_or_downstream_is_said_in_words(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    _scan(tmp_path)
    up = runner.invoke(app, ["upstream", "ml.rider_features.rider_id", "--store", "store"])
    assert (up.exit_code, up.stdout) == (0, "Nothing upstream of ml.rider_features.rider_id.\nComplete.\n")
    down = runner.invoke(app, ["downstream", "mart.riders.ltv_band", "--store", "store"])
    assert (down.exit_code, down.stdout) == (0, "Nothing downstream of mart.riders.ltv_band.\nComplete.\n")
    assert json.loads(runner.invoke(app, ["upstream", "ml.rider_features.rider_id", "--format", "json", "--store", "store"]).stdout) == []


def test_piped_tables_carry_no_trailing_padding_and_max_depth_1_keeps_the_filter(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    _scan(tmp_path)
    result = runner.invoke(app, ["upstream", "mart.riders.ltv_band", "--max-depth", "1", "--store", "store"])
    assert result.stdout.splitlines() == [
        "depth ┃ from                       ┃ to                   ┃ how             ┃ where",
        "━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━",
        "1     │ ml.rider_features.ltv_band │ mart.riders.ltv_band │ direct/identity │ w/a.sql:2",
        "1     │ ml.rider_features.rider_id │ mart.riders          │ indirect/filter │ w/a.sql:2",
        "Complete.",
    ]


def test_a_diff_whose_base_catalog_has_an_unmatched_name_says_it_may_be_incomplete(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess

    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)

    monkeypatch.chdir(tmp_path)
    _scan(tmp_path, catalog=CATALOG)
    git("init", "-q", "-b", "main")
    git("add", "w")
    git("commit", "-q", "-m", "base")
    (tmp_path / "w" / "a.sql").write_text(WAREHOUSE.replace(", ltv_band text", "").replace(", ltv_band from", " from"))
    git("commit", "-q", "-am", "drop ltv_band")
    result = runner.invoke(app, ["diff", "--base", "main~1", "w"])
    assert result.stdout.splitlines()[1] == INCOMPLETE
