"""GitHub's failures, translated into the project's errors with a fix in each message."""

from __future__ import annotations

import time

from github import GithubException
from requests.exceptions import RequestException

from reviewer.errors import GitHubAuthError, GitHubError

MAX_RATE_LIMIT_WAIT_S = 120.0


class GitHubPermissionError(GitHubError):
    """The token may read but not write (fork PRs, `permissions:` without pull-requests)."""


class GitHubUnprocessable(GitHubError):
    """GitHub refused the request's content (422), e.g. a comment on a line not in the diff."""


class DiffTooLarge(GitHubError):
    """GitHub refuses the diff media type for this PR (406: too many files or lines)."""


class GitHubRateLimited(GitHubError):
    """GitHub's primary or secondary rate limit, still in force after the waits and retries
    allowed: every further request of the token would be refused the same way."""


def _headers(error: GithubException) -> dict[str, str]:
    return {k.lower(): v for k, v in (error.headers or {}).items()}


def is_rate_limited(error: GithubException) -> bool:
    """A 403 or 429 that is GitHub's rate limit: the primary one (no requests remaining) or
    a secondary one (its message, or a Retry-After), not a refused permission."""
    if error.status not in (403, 429):
        return False
    headers = _headers(error)
    return (
        headers.get("x-ratelimit-remaining") == "0"
        or "retry-after" in headers
        or "rate limit" in error_message(error).lower()
    )


def rate_limit_wait(error: GithubException) -> float | None:
    if error.status not in (403, 429):
        return None
    headers = _headers(error)
    retry_after = headers.get("retry-after")
    if retry_after is not None and retry_after.isdigit():
        return min(float(retry_after), MAX_RATE_LIMIT_WAIT_S)
    message = str(error.data.get("message", "") if isinstance(error.data, dict) else "").lower()
    if "rate limit" in message:
        reset = headers.get("x-ratelimit-reset")
        if reset is not None and reset.isdigit():
            return min(max(float(reset) - time.time(), 1.0), MAX_RATE_LIMIT_WAIT_S)
        return 60.0
    return None


def error_message(error: GithubException) -> str:
    data = error.data
    if isinstance(data, dict):
        return str(data.get("message", "")) or str(error.status)
    return str(error.status)


# What PyGithub lets through from the HTTP stack: urllib3's retries exhausted on 5xx
# ("too many 500 error responses"), a refused or dropped connection, a read timeout.
TRANSPORT_ERRORS = (RequestException,)


def unreachable(error: RequestException, action: str) -> GitHubError:
    """GitHub kept failing (5xx after retries) or could not be reached."""
    cause = str(error).split(" (Caused by", 1)[0] or type(error).__name__
    return GitHubError(
        f"GitHub failed to {action}: {cause}.",
        hint="GitHub is having trouble (see githubstatus.com) or cannot be reached: "
        "re-run the job later.",
    )


def translate(error: GithubException, action: str) -> GitHubError | GitHubAuthError:
    message = error_message(error)
    if error.status == 422:
        details = error.data.get("errors") if isinstance(error.data, dict) else None
        return GitHubUnprocessable(f"GitHub refused to {action} (422 {message}: {details}).")
    if error.status == 401:
        return GitHubAuthError(
            f"GitHub rejected the token while trying to {action} (401 {message}).",
            hint="Check the `github-token` input; the default `${{ github.token }}` works.",
        )
    if error.status == 404:
        return GitHubPermissionError(
            f"GitHub found nothing when trying to {action} (404).",
            hint="The pull request may have been deleted, or the token cannot see this "
            "repository: check `github-token` and the workflow's `permissions:`.",
        )
    if is_rate_limited(error):
        return GitHubRateLimited(
            f"GitHub rate-limited the request to {action} ({error.status} {message}).",
            hint="The token made too many requests: re-run the job once the limit has "
            "reset (within the hour), or space out the runs that share the token.",
        )
    if error.status == 403:
        return GitHubPermissionError(
            f"GitHub refused to {action} ({error.status} {message}).",
            hint="Give the workflow `permissions: { contents: read, pull-requests: write }`. "
            "Pull requests from forks get a read-only token under `pull_request`.",
        )
    return GitHubError(
        f"GitHub failed to {action} ({error.status} {message}).",
        hint="This is usually temporary: re-run the job.",
    )
