"""Posting the PR comment, against a real local HTTP server that answers like GitHub; and the comment's size budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphs.render.comment import GITHUB_LIMIT, MARKER, CommentOptions, mention, render_comment
from graphs.render.comment_diagram import diagram, mermaid_label
from graphs.publish.github import Action, GitHubError, GitHubTarget, Posted, find_comment, upsert_comment
from graphs.publish.http_call import same_origin
from lineage.contracts import Contract, ContractLevel, Terms
from lineage.diff import AssessedChange, BrokenStatement, Details, DiffReport, HeadStatus, RevisionId
from lineage.impact import Change, ImpactReport, OwnerNotice, Reached, Statement
from lineage.model import Edge, Flow, Location, Node, NodeKind, Relation, Subtype, Tier
from lineage.schema_diff import Delta, DiffKind
from lineage.severity import ChangeSeverity
from lineage.shared_reach import Reach
from tests.cli.test_diff import GITHUB_VARIABLES, Repo, lineage_app, story  # noqa: F401  (story is a fixture)
from tests.github_stand_in import TOKEN, GitHub

runner = CliRunner()


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in GITHUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)


def target(github: GitHub, token: str = TOKEN) -> GitHubTarget:
    return GitHubTarget.checked(github.url, "acme/shop", 7, token)


def calls(github: GitHub) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in github.requests]


PAGE_1 = ("GET", "/repos/acme/shop/issues/7/comments?per_page=100")
PAGE_2 = ("GET", "/repos/acme/shop/issues/7/comments?per_page=100&page=2")


def test_the_first_run_creates_the_comment_and_the_second_updates_it(github: GitHub) -> None:
    for text in ("LGTM", "please add a test", "CI is green"):
        github.add(text)
    first = upsert_comment(target(github), f"{MARKER}\nfirst", MARKER)
    assert first == Posted(Action.CREATED, 1003, "https://github.com/acme/shop/pull/7#issuecomment-1003")
    assert calls(github) == [PAGE_1, PAGE_2, ("POST", "/repos/acme/shop/issues/7/comments")]
    github.requests.clear()
    second = upsert_comment(target(github), f"{MARKER}\nsecond", MARKER)
    assert second == Posted(Action.UPDATED, 1003, "https://github.com/acme/shop/pull/7#issuecomment-1003")
    assert calls(github) == [PAGE_1, PAGE_2, ("PATCH", "/repos/acme/shop/issues/comments/1003")]
    assert [c["body"] for c in github.comments] == ["LGTM", "please add a test", "CI is green", f"{MARKER}\nsecond"]
    assert {r.authorization for r in github.requests} == {f"Bearer {TOKEN}"}
    assert github.requests[-1].body == {"body": f"{MARKER}\nsecond"}


def test_a_next_link_to_another_host_is_not_followed_with_the_token(github: GitHub) -> None:
    for text in ("one", "two", "three"):
        github.add(text)
    github.link_host = "http://127.0.0.2:9"
    upsert_comment(target(github), f"{MARKER}\nbody", MARKER)
    assert calls(github) == [PAGE_1, ("POST", "/repos/acme/shop/issues/7/comments")]


def test_a_redirect_on_the_apis_own_origin_is_followed_with_the_token(github: GitHub) -> None:
    github.add(f"{MARKER}\nold")
    github.moved = {"/repos/acme/old/": f"{github.url}/repos/acme/shop/"}  # GitHub's answer for a renamed repository
    assert find_comment(GitHubTarget.checked(github.url, "acme/old", 7, TOKEN), MARKER) == 1000
    assert calls(github) == [("GET", "/repos/acme/old/issues/7/comments?per_page=100"), PAGE_1]
    assert {r.authorization for r in github.requests} == {f"Bearer {TOKEN}"}


@pytest.mark.parametrize(
    ("url", "other", "same"),
    [
        ("https://api.github.com", "https://API.github.com:443/repos", True),
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080/elsewhere?x=1", True),
        ("https://api.github.com", "http://api.github.com", False),
        ("https://api.github.com", "https://api.github.com:8443", False),
        ("https://api.github.com", "https://api.github.com.evil.example", False),
        ("https://api.github.com", "https://x@evil.example", False),
    ],
)
def test_an_origin_is_scheme_host_and_port(url: str, other: str, same: bool) -> None:
    assert same_origin(url, other) is same


@pytest.mark.parametrize("value", ["abc", "0", "-1", "3601", "nan"])
def test_a_bad_http_timeout_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> None:
    monkeypatch.setenv("LINEAGE_HTTP_TIMEOUT", value)
    (tmp_path / "c.md").write_text("body\n", encoding="utf-8")
    result = runner.invoke(lineage_app(), ["comment", "--repo", "acme/shop", "--pr", "7", "--body-file", str(tmp_path / "c.md")])
    assert (result.exit_code, result.stderr) == (2, f"LINEAGE_HTTP_TIMEOUT must be a number of seconds above 0 and up to 3600, not '{value}'\n")


def test_the_cli_posts_a_body_file_then_updates_it_and_never_prints_the_token(github: GitHub, tmp_path: Path) -> None:
    body = tmp_path / "comment.md"
    body.write_text(f"{MARKER}\n### ✅ 1 non-breaking change\n", encoding="utf-8")
    args = ["comment", "--repo", "acme/shop", "--pr", "7", "--api-url", github.url, "--body-file", str(body)]
    created = runner.invoke(lineage_app(), args)
    assert (created.exit_code, created.stdout, created.stderr) == (0, "Created comment 1000 on acme/shop#7: https://github.com/acme/shop/pull/7#issuecomment-1000\n", "")
    body.write_text(f"{MARKER}\n### ❌ 1 breaking change\n", encoding="utf-8")
    updated = runner.invoke(lineage_app(), args)
    assert (updated.exit_code, updated.stdout) == (0, "Updated comment 1000 on acme/shop#7: https://github.com/acme/shop/pull/7#issuecomment-1000\n")
    assert [c["body"] for c in github.comments] == [f"{MARKER}\n### ❌ 1 breaking change\n"]
    assert TOKEN not in created.output + updated.output


def test_a_body_without_the_marker_gets_it(github: GitHub, tmp_path: Path) -> None:
    (tmp_path / "c.md").write_text("hello\n", encoding="utf-8")
    result = runner.invoke(lineage_app(), ["comment", "--repo", "acme/shop", "--pr", "7", "--api-url", github.url, "--body-file", str(tmp_path / "c.md")])
    assert result.exit_code == 0, result.output
    assert github.comments[0]["body"] == f"{MARKER}\nhello\n"


def test_the_cli_runs_the_diff_and_posts_it(github: GitHub, story: Repo) -> None:  # noqa: F811
    story.edit("sample_sql/ml/fraud_features.sql", "    s.card_share,\n", "")
    story.commit("drop card_share")
    markdown = runner.invoke(lineage_app(), ["diff", "--base", "main~1", "sample_sql", "--format", "markdown", "--repo", "acme/shop"])
    posted = runner.invoke(lineage_app(), ["comment", "--repo", "acme/shop", "--pr", "7", "--api-url", github.url, "--base", "main~1", "sample_sql", "--fail-on", "breaking"])
    assert posted.exit_code == 3, posted.output
    assert posted.stdout == "Created comment 1000 on acme/shop#7: https://github.com/acme/shop/pull/7#issuecomment-1000\n"
    assert github.comments[0]["body"] == markdown.stdout


@pytest.mark.parametrize(
    ("status", "headers", "payload", "line"),
    [
        (401, {}, {"message": "Bad credentials"}, "GitHub API: 401 on GET /repos/acme/shop/issues/7/comments: the token is missing, expired or invalid (check GITHUB_TOKEN) (Bad credentials)"),
        (403, {}, {"message": "Resource not accessible by integration"}, "GitHub API: 403 on GET /repos/acme/shop/issues/7/comments: the token may not comment here (the workflow needs `permissions: pull-requests: write`) (Resource not accessible by integration)"),
        (404, {}, {"message": "Not Found"}, "GitHub API: 404 on GET /repos/acme/shop/issues/7/comments: no such repository or pull request, or the token cannot see it (Not Found)"),
        (
            422,
            {},
            {"message": "Validation Failed", "errors": [{"resource": "IssueComment", "code": "custom", "field": "body", "message": "body is too long (maximum is 65536 characters)"}]},
            "GitHub API: 422 on GET /repos/acme/shop/issues/7/comments: GitHub rejected the comment (Validation Failed: body is too long (maximum is 65536 characters))",
        ),
        (429, {"Retry-After": "60"}, {"message": "You have exceeded a secondary rate limit."}, "GitHub API: 429 on GET /repos/acme/shop/issues/7/comments: rate limit exceeded; retry after 60 seconds"),
        (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1735689600"}, {"message": "API rate limit exceeded"}, "GitHub API: 403 on GET /repos/acme/shop/issues/7/comments: rate limit exceeded; the limit resets at 2025-01-01T00:00:00Z"),
    ],
    ids=["401", "403", "404", "422", "429", "403-rate-limit"],
)
def test_github_errors_are_one_line_without_the_token(github: GitHub, tmp_path: Path, status: int, headers: dict[str, str], payload: dict[str, object], line: str) -> None:
    github.failure = (status, headers, payload)
    (tmp_path / "c.md").write_text(f"{MARKER}\nbody\n", encoding="utf-8")
    result = runner.invoke(lineage_app(), ["comment", "--repo", "acme/shop", "--pr", "7", "--api-url", github.url, "--body-file", str(tmp_path / "c.md")])
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", line + "\n")
    assert TOKEN not in result.output
    assert github.requests[0].authorization == f"Bearer {TOKEN}"


def test_a_wrong_token_is_the_401_line(github: GitHub) -> None:
    with pytest.raises(GitHubError) as caught:
        upsert_comment(target(github, "ghp_wrong"), "body", MARKER)
    assert str(caught.value) == "GitHub API: 401 on GET /repos/acme/shop/issues/7/comments: the token is missing, expired or invalid (check GITHUB_TOKEN) (Bad credentials)"
    assert "ghp_wrong" not in str(caught.value)


def test_an_unreachable_api_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "c.md").write_text("body\n", encoding="utf-8")
    result = runner.invoke(lineage_app(), ["comment", "--repo", "acme/shop", "--pr", "7", "--api-url", "http://127.0.0.1:9", "--body-file", str(tmp_path / "c.md")])
    assert result.exit_code == 1
    assert result.stderr.startswith("GitHub API: cannot reach http://127.0.0.1:9 (")
    assert len(result.stderr.splitlines()) == 1 and TOKEN not in result.output


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (["--repo", "acme/shop", "--pr", "7", "--body-file", "c.md"], {"GITHUB_TOKEN": ""}, "GITHUB_TOKEN is not set; export a token that may write pull-request comments"),
        (["--repo", "acme/shop/extra", "--pr", "7", "--body-file", "c.md"], {}, "'acme/shop/extra' is not a repository: give it as OWNER/NAME"),
        (["--pr", "7", "--body-file", "c.md"], {}, "no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY"),
        (["--repo", "acme/shop", "--pr", "7"], {}, "give either --body-file FILE or --base REF"),
    ],
)
def test_bad_comment_usage_is_one_line(monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], line: str) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = runner.invoke(lineage_app(), ["comment", *args])
    assert (result.exit_code, result.stderr) == (2, line + "\n")


# -- the comment body --------------------------------------------------------------------------------
def _node(kind: NodeKind, name: str, **attrs: str) -> Node:
    return Node(f"{kind}:{name}", kind, name, tuple(sorted(attrs.items())))


def _synthetic_change(i: int) -> AssessedChange:
    """A breaking rename that reaches 60 columns, 3 dashboards and 2 ML features, with an owner each."""
    table = f"warehouse.fact_{i:05d}"
    target = _node(NodeKind.COLUMN, f"{table}.amount", table=table, column="amount")
    columns = tuple(Reached(_node(NodeKind.COLUMN, f"mart.m{i}_{j}.value", table=f"mart.m{i}_{j}"), 1 + j % 4, "direct/identity", f"mart.m{i}_{j}") for j in range(60))
    tables = tuple(Reached(_node(NodeKind.TABLE, f"mart.m{i}_{j}"), 1, "direct/identity", "") for j in range(60))
    dashboards = tuple(Reached(_node(NodeKind.DASHBOARD, f"dash_{i}_{j}", title=f"Dashboard {j}", owner="bi"), 5, "direct/identity", "") for j in range(3))
    features = tuple(Reached(_node(NodeKind.ML_FEATURE, f"feature_{i}_{j}", owner="ml"), 5, "direct/identity", "") for j in range(2))
    statements = tuple(Statement(f"models/m{i}_{j}.sql", j + 1, 1 + j % 2, (target.name,), (columns[j].node.name,)) for j in range(40))
    owners = (OwnerNotice(_node(NodeKind.OWNER, f"team-{i % 50}", github=f"acme/team-{i % 50}"), (table,)),)
    edges = tuple(Edge(target.id, c.node.id, Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "m.sql", 1) for c in columns[:10])
    edges += tuple(Edge(columns[j].node.id, d.node.id, Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "m.sql", 2) for j, d in enumerate(dashboards))
    impact = ImpactReport((target,), Change(), columns, tables, dashboards, features, statements, owners, edges, None)
    delta = Delta(DiffKind.COLUMN_RENAMED, table, "amount", "amount_usd", evidence="same type and position", base_at=Location(f"ddl/{i}.sql", 3), head_at=Location(f"ddl/{i}.sql", 3))
    contract = Contract(ContractLevel.VIOLATION, Terms(table, Tier.CORE, mapping=(("amount", "amount_usd"),)), f"breaking change to core table `{table}`")
    broken = tuple(BrokenStatement(s.file, s.line, s.reads, HeadStatus.STILL_READS) for s in statements if s.breaks)
    return AssessedChange(delta, ChangeSeverity.BREAKING, contract, Reach.summary(impact), broken, details=Details.of(impact))


def _report(changes: tuple[AssessedChange, ...]) -> DiffReport:
    return DiffReport(RevisionId("main", "a" * 40), RevisionId("HEAD", "b" * 40), changes, ())


def test_a_huge_change_set_is_summarised_under_githubs_limit() -> None:
    report = _report(tuple(_synthetic_change(i) for i in range(3000)))
    text = render_comment(report, CommentOptions(repo="acme/shop"))
    assert len(text) < GITHUB_LIMIT and len(text.encode()) <= CommentOptions().budget
    assert text.startswith(f"{MARKER}\n### ❌ 3000 breaking changes (3000 contract violations)\n")
    assert "…and 2900 more changes (2900 breaking, 0 data-changing, 0 non-breaking): run `lineage diff --format json` for all of them." in text
    assert "Details for 10 of 3000 changes; run `lineage diff --format json` for the rest." in text
    assert text.count("<details>") == text.count("</details>") == 10 and text.count("```") % 2 == 0


def test_a_budget_too_small_for_any_summary_cuts_the_text_and_says_so() -> None:
    text = render_comment(_report(tuple(_synthetic_change(i) for i in range(30))), CommentOptions(budget=1500))
    assert len(text.encode()) <= 1500
    assert text.startswith(MARKER)
    assert text.endswith("…cut to fit GitHub's comment size limit: run `lineage diff --format json` for the whole report.\n")


def test_a_few_changes_are_shown_in_full() -> None:
    text = render_comment(_report(tuple(_synthetic_change(i) for i in range(2))), CommentOptions(repo="acme/shop"))
    assert text.count("<details>") == 2 and text.count("```mermaid") == 2
    assert "[`models/m0_0.sql:1`](https://github.com/acme/shop/blob/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/models/m0_0.sql#L1) reads `warehouse.fact_00000.amount`: still reads it" in text


def test_mermaid_labels_are_escaped_and_ids_are_deterministic() -> None:
    assert mermaid_label('a "b" #1 <x> & y; |z|`') == "a #quot;b#quot; #35;1 #lt;x#gt; #amp; y#59; #124;z#124;#96;"
    target = _node(NodeKind.COLUMN, 'raw."odd-name".v', table='raw."odd-name"')
    twin = _node(NodeKind.COLUMN, "raw.odd_name.v", table="raw.odd_name")
    dashboard = _node(NodeKind.DASHBOARD, "board <main>")
    edges = (
        Edge(target.id, twin.id, Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY),
        Edge(twin.id, dashboard.id, Relation.FEEDS, Flow.INDIRECT, Subtype.FILTER),
    )
    impact = ImpactReport((target,), Change(), (Reached(twin, 1, "direct/identity", "raw.odd_name"),), (), (Reached(dashboard, 2, "indirect/filter", ""),), (), (), (), edges, None)
    change = AssessedChange(Delta(DiffKind.COLUMN_REMOVED, 'raw."odd-name"', "v"), ChangeSeverity.BREAKING, Contract(ContractLevel.NONE, Terms("t", None), ""), Reach.summary(impact), (), details=Details.of(impact))
    assert diagram(change) == [
        "```mermaid",
        "flowchart LR",
        '  c_raw_odd_name_v_06d7ab5e["raw.#quot;odd-name#quot;.v"]:::changed',
        '  c_raw_odd_name_v_afc23648["raw.odd_name.v"]',
        '  d_board_main[/"board #lt;main#gt;"/]:::consumer',
        "  c_raw_odd_name_v_06d7ab5e --> c_raw_odd_name_v_afc23648",
        "  c_raw_odd_name_v_afc23648 -.-> d_board_main",
        "  classDef changed fill:#fdd0c2,stroke:#cb181d",
        "  classDef consumer fill:#fff2cc,stroke:#b08800",
        "```",
    ]
    assert diagram(change) == diagram(change)


def test_no_changes_is_one_line_and_a_sha_named_revision_is_not_repeated() -> None:
    report = DiffReport(RevisionId("a" * 40, "a" * 40), RevisionId("HEAD", "b" * 40), (), ())
    assert render_comment(report) == f"{MARKER}\n### ✅ No changes to the tables and views in the scanned SQL\n\nLineage impact of `HEAD` (`bbbbbbb`) against `aaaaaaa`.\n"


def test_owners_are_named_then_their_contacts_with_or_without_a_github_handle() -> None:
    bi = _node(NodeKind.OWNER, "bi", display="BI team", email="bi@acme.example", slack="#bi")
    assert mention(OwnerNotice(bi, ("dash",))) == "BI team (#bi, bi@acme.example)"
    assert mention(OwnerNotice(_node(NodeKind.OWNER, "ml", display="ML team", github="acme/ml", email="ml@acme.example"), ())) == "ML team (@acme/ml, ml@acme.example)"
    assert mention(OwnerNotice(_node(NodeKind.OWNER, "ml"), ())) == "ml"


def test_an_answer_whose_comment_id_is_no_number_is_one_line(github: GitHub) -> None:
    github.add(f"{MARKER}\nold")
    github.comments[0]["id"] = "../../x"  # it would go into the next URL
    with pytest.raises(GitHubError) as caught:
        upsert_comment(target(github), f"{MARKER}\nnew", MARKER)
    assert str(caught.value) == "GitHub API: unexpected answer: a comment id that is not a number"
    assert calls(github) == [PAGE_1]
