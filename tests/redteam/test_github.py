"""Hostile GitHub API servers: `lineage comment` ends with one line inside the harness's limits, and the token stays with the API.

Each server is the local stand-in turned hostile: it drips its answer a byte at a time (the old
per-read timeout of 30 s never fired), streams a body without end or declares one of 120 MB (the
old client read it whole: 1.3 GB, then MemoryError), or redirects to another origin (the old
client followed, Authorization header and all). The drip is bounded: it would end after about
10 s per request, so the old client finished with exit 0 rather than hanging the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graphs.render.comment import MARKER
from tests.github_stand_in import TOKEN, Drip, Flood, GitHub, github_stand_in
from tests.redteam.harness import Run, run_lineage

GET_PAGE_1 = "GET /repos/acme/shop/issues/7/comments"
# room for `lineage comment` and a 10 MB answer; the old client's endless read ran into it (MemoryError)
MEMORY_MB = 640


def _comment(name: str, github: GitHub, cwd: Path, **options: object) -> Run:
    (cwd / "c.md").write_text(f"{MARKER}\nbody\n", encoding="utf-8")
    env = {"GITHUB_TOKEN": TOKEN, "LINEAGE_HTTP_TIMEOUT": "1"}
    return run_lineage(name, "comment", "--repo", "acme/shop", "--pr", "7", "--api-url", github.url, "--body-file", "c.md", cwd=cwd, env=env, **options)


@pytest.mark.parametrize("headers", [True, False], ids=["status-line", "body"])
def test_an_answer_dripped_a_byte_at_a_time_meets_the_calls_deadline(github: GitHub, tmp_path: Path, headers: bool) -> None:
    for text in ("one", "two", "three"):
        github.add(text)  # a page of two comments: a body of 250 bytes, 25 s of drip
    github.drip = Drip(0.1, headers=headers)
    run = _comment(f"github: answer dripped from its {'status line' if headers else 'body'} on, a byte per 0.1 s", github, tmp_path)
    assert (run.exit_code, run.lines()) == (1, [f"GitHub API: no complete answer to {GET_PAGE_1} within 1 s; gave up (LINEAGE_HTTP_TIMEOUT sets the limit)"])
    assert [(r.method, r.path) for r in github.requests] == [("GET", "/repos/acme/shop/issues/7/comments?per_page=100")]


@pytest.mark.parametrize("declared", [None, 120 * 2**20], ids=["endless", "120MB-declared"])
def test_a_body_past_10_mb_is_refused_not_read(github: GitHub, tmp_path: Path, declared: int | None) -> None:
    github.flood = Flood(declared)
    what = "without end" if declared is None else "of 120 MB, declared"
    run = _comment(f"github: body {what}", github, tmp_path, memory_mb=MEMORY_MB)
    assert (run.exit_code, run.lines()) == (1, ["GitHub API: response larger than 10 MB; refused"])
    assert len(github.requests) == 1


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_origin_is_refused_and_gets_no_token(github: GitHub, tmp_path: Path, status: int) -> None:
    with github_stand_in() as elsewhere:
        github.failure = (status, {"Location": f"{elsewhere.url}/collect?from=lineage"}, {})
        run = _comment(f"github: {status} to another origin", github, tmp_path)
    assert run.exit_code == 1
    assert run.lines() == [f"GitHub API: {GET_PAGE_1} was redirected to {elsewhere.url}, another origin than {github.url}; not followed, so the token is not sent there"]
    assert elsewhere.requests == []
    assert [r.authorization for r in github.requests] == [f"Bearer {TOKEN}"]
