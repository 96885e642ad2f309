"""Posting the pull-request comment through GitHub's REST API: update ours if it is there, else create it.

Our comment is the first one whose body holds the marker; the issue-comment endpoints are used
because a pull request is an issue: https://docs.github.com/en/rest/issues/comments
The token goes in the Authorization header and nowhere else: not in errors, not in output.
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from enum import StrEnum
from urllib.parse import urlsplit

from graphs.publish.http_call import TIMEOUT_ENV, Answer, CrossOrigin, HttpLimits, Malformed, TimedOut, TooLarge, call, origin, same_origin
from lineage.errors import ConfigError, LineageError

DEFAULT_API = "https://api.github.com"
MAX_PAGES = 100  # 10,000 comments: far more than any pull request has
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
_REASONS = {
    401: "the token is missing, expired or invalid (check GITHUB_TOKEN)",
    403: "the token may not comment here (the workflow needs `permissions: pull-requests: write`)",
    404: "no such repository or pull request, or the token cannot see it",
    422: "GitHub rejected the comment",
}


class GitHubError(LineageError):
    """GitHub said no, or could not be reached; one line, never the token."""


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"


@dataclass(frozen=True, slots=True)
class GitHubTarget:
    api_url: str
    repo: str  # OWNER/NAME
    pr: int
    token: str = field(repr=False)
    limits: HttpLimits = HttpLimits()

    @classmethod
    def checked(cls, api_url: str, repo: str, pr: int, token: str, limits: HttpLimits = HttpLimits()) -> GitHubTarget:
        """A target whose parts are safe to put in a URL; bad ones are usage errors."""
        if not _REPO.match(repo):
            raise ConfigError(f"'{repo}' is not a repository: give it as OWNER/NAME")
        if urlsplit(api_url).scheme not in ("http", "https") or not urlsplit(api_url).netloc:
            raise ConfigError(f"'{api_url}' is not an API URL such as {DEFAULT_API}")
        if not token:
            raise ConfigError("GITHUB_TOKEN is not set", hint="export a token that may write pull-request comments")
        return cls(api_url.rstrip("/"), repo, pr, token, limits)


@dataclass(frozen=True, slots=True)
class Posted:
    action: Action
    id: int
    url: str


def upsert_comment(target: GitHubTarget, body: str, marker: str) -> Posted:
    """Update the pull request's comment that holds `marker`, or create one."""
    existing = find_comment(target, marker)
    if existing is None:
        data = _call(target, "POST", f"{target.api_url}/repos/{target.repo}/issues/{target.pr}/comments", {"body": body})[0]
        action = Action.CREATED
    else:
        data = _call(target, "PATCH", f"{target.api_url}/repos/{target.repo}/issues/comments/{existing}", {"body": body})[0]
        action = Action.UPDATED
    if not isinstance(data, dict):
        raise GitHubError(f"GitHub API: unexpected answer to the {action} comment")
    return Posted(action, _comment_id(data.get("id")), str(data.get("html_url") or ""))


def find_comment(target: GitHubTarget, marker: str) -> int | None:
    """The id of the first comment on the pull request whose body holds `marker`, following pagination."""
    url: str | None = f"{target.api_url}/repos/{target.repo}/issues/{target.pr}/comments?per_page=100"
    for _ in range(MAX_PAGES):
        if url is None:
            return None
        page, headers = _call(target, "GET", url, None)
        for item in page if isinstance(page, list) else []:
            if isinstance(item, dict) and marker in str(item.get("body") or ""):
                return _comment_id(item.get("id"))
        url = _next_page(headers, target.api_url)
    return None


def _comment_id(value: object) -> int:
    """A comment id from GitHub's answer; it goes into the next URL, so it must be a number."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise GitHubError("GitHub API: unexpected answer: a comment id that is not a number")  # not echoed: it is the server's text


def _next_page(headers: Message, api_url: str) -> str | None:
    """The Link header's next page, only on the API's own host: the token must not follow a link elsewhere."""
    match = _NEXT.search(headers.get("Link") or "")
    if match is None:
        return None
    return match[1] if same_origin(match[1], api_url) else None


def _call(target: GitHubTarget, method: str, url: str, payload: dict[str, object] | None) -> tuple[object, Message]:
    request = urllib.request.Request(url, method=method, data=json.dumps(payload).encode() if payload is not None else None)
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    request.add_header("User-Agent", "lineage-impact")
    request.add_header("Authorization", f"Bearer {target.token}")
    if payload is not None:
        request.add_header("Content-Type", "application/json")
    where = f"{method} {urlsplit(url).path}"
    answer = _answer(target, request, where)
    if not 200 <= answer.status < 300:
        raise GitHubError(_scrub(_http_error(answer, where), target.token))
    try:
        return json.loads(answer.body or b"null"), answer.headers
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise GitHubError(f"GitHub API: {where} answered with something that is not JSON") from None


def _answer(target: GitHubTarget, request: urllib.request.Request, where: str) -> Answer:
    """The call within the target's limits; each way it can fail is one line, never the token."""
    try:
        return call(request, target.limits)
    except (TimedOut, TooLarge, CrossOrigin, Malformed) as err:
        raise GitHubError(_scrub(_refusal(err, target, where), target.token)) from None
    except OSError as err:
        reason = getattr(err, "reason", err)
        raise GitHubError(_scrub(f"GitHub API: cannot reach {target.api_url} ({reason})", target.token)) from None


def _refusal(err: Exception, target: GitHubTarget, where: str) -> str:
    if isinstance(err, TimedOut):
        return f"GitHub API: no complete answer to {where} within {target.limits.seconds:g} s; gave up ({TIMEOUT_ENV} sets the limit)"
    if isinstance(err, TooLarge):
        return f"GitHub API: response larger than {target.limits.max_bytes // 2**20} MB; refused"
    if isinstance(err, CrossOrigin):
        return f"GitHub API: {where} was redirected to {err.origin}, another origin than {origin(target.api_url)}; not followed, so the token is not sent there"
    return f"GitHub API: {where} answered with something that is not HTTP ({err})"


def _http_error(answer: Answer, where: str) -> str:
    status = answer.status
    message = _message(answer.body)
    limited = _rate_limit(answer.headers, status)
    if limited:
        return f"GitHub API: {status} on {where}: rate limit exceeded; {limited}"
    reason = _REASONS.get(status, "unexpected error")
    return f"GitHub API: {status} on {where}: {reason}" + (f" ({message})" if message else "")


def _rate_limit(headers: Message, status: int) -> str:
    """When to retry, if GitHub says this is a rate limit (429, or 403 with the limit headers)."""
    retry_after = headers.get("retry-after")
    exhausted = headers.get("x-ratelimit-remaining") == "0"
    if status not in (403, 429) or not (retry_after or exhausted or status == 429):
        return ""
    if retry_after and retry_after.strip().isdigit():
        return f"retry after {int(retry_after)} seconds"
    reset = headers.get("x-ratelimit-reset")
    if reset and reset.strip().isdigit():
        return f"the limit resets at {datetime.fromtimestamp(int(reset), UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"
    return "retry later"


def _message(body: bytes) -> str:
    """GitHub's own explanation, on one line: `message`, plus the first validation error's."""
    try:
        data = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [str(data.get("message") or "")]
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict) and errors[0].get("message"):
        parts.append(str(errors[0]["message"]))
    return ": ".join(p for p in parts if p).replace("\n", " ")[:300]


def _scrub(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text
