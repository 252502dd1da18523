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


def rate_limit_wait(error: GithubException) -> float | None:
    if error.status not in (403, 429):
        return None
    headers = {k.lower(): v for k, v in (error.headers or {}).items()}
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
    if error.status == 403 and "rate limit" not in message.lower():
        return GitHubPermissionError(
            f"GitHub refused to {action} ({error.status} {message}).",
            hint="Give the workflow `permissions: { contents: read, pull-requests: write }`. "
            "Pull requests from forks get a read-only token under `pull_request`.",
        )
    return GitHubError(
        f"GitHub failed to {action} ({error.status} {message}).",
        hint="This is usually temporary: re-run the job.",
    )
