"""The GitHub adapter's shared parts: the PyGithub client, request plumbing, data types.

Reads are retried by PyGithub's urllib3 retry (5xx, rate limits with Retry-After), which
waits through the run's own `sleep` (`RunWaits`), never longer than MAX_RATE_LIMIT_WAIT_S.
Writes are not blindly resent: a POST that failed with a 5xx may still have been
applied, so before resending we look for the marker the write carried (github_writes).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from github import Auth, Github, GithubException, GithubRetry
from github.IssueComment import IssueComment
from github.PullRequestComment import PullRequestComment
from urllib3.response import BaseHTTPResponse

from reviewer.core.fingerprint import PostedComment
from reviewer.github.errors import (
    MAX_RATE_LIMIT_WAIT_S,
    TRANSPORT_ERRORS,
    translate,
    unreachable,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

DIFF_MEDIA_TYPE = "application/vnd.github.diff"


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One entry of the PR's files list; `patch` is None when GitHub omits it (binary, huge)."""

    filename: str
    status: str
    previous_filename: str | None
    patch: str | None
    changes: int = 0  # lines added plus deleted; 0 for a binary file


@dataclass(frozen=True, slots=True)
class PostedReview:
    id: int
    url: str


def _review_of(data: Any) -> PostedReview:
    return PostedReview(int(data["id"]), str(data["html_url"]))


@dataclass(frozen=True, slots=True)
class ReviewComment:
    path: str
    line: int
    side: str
    body: str
    start_line: int | None = None

    def as_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "side": self.side,
            "body": self.body,
        }
        if self.start_line is not None:
            payload["start_line"] = self.start_line
            payload["start_side"] = self.side
        return payload


class RunWaits(GithubRetry):
    """PyGithub's retry, waiting through the run's `sleep` instead of urllib3's own
    `time.sleep`: the waits are the run's to choose (tests record them), and a Retry-After
    longer than MAX_RATE_LIMIT_WAIT_S is cut to it (GithubRetry caps only the waits it
    computes from the body, not the header)."""

    def __init__(self, *, wait: Callable[[float], None] = time.sleep, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wait = wait

    def new(self, **kw: Any) -> Self:
        return super().new(wait=self.wait, **kw)

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.wait(min(seconds, MAX_RATE_LIMIT_WAIT_S))

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after:
            self._pause(retry_after)
            return True
        return False

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        if self.respect_retry_after_header and response and self.sleep_for_retry(response):
            return
        self._pause(self.get_backoff_time())


def make_github(
    token: str,
    api_url: str,
    *,
    seconds_between_writes: float = 1.0,
    retry_backoff_factor: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> Github:
    retry = RunWaits(
        wait=sleep,
        total=4,
        backoff_factor=retry_backoff_factor,
        # POST is left out on purpose: see the module docstring.
        allowed_methods=frozenset({"GET", "HEAD", "PATCH", "PUT", "DELETE"}),
        max_rate_limit_wait=MAX_RATE_LIMIT_WAIT_S,
        # Retries used up: hand back GitHub's last answer (a GithubException the adapter
        # translates), not urllib3's RetryError, which no caller could tell from a bug.
        raise_on_status=False,
    )
    return Github(
        auth=Auth.Token(token),
        base_url=api_url.rstrip("/"),
        per_page=100,
        retry=retry,
        timeout=30,
        seconds_between_requests=None,
        seconds_between_writes=seconds_between_writes,
    )


def _posted(comment: IssueComment | PullRequestComment) -> PostedComment:
    user = comment.user
    return PostedComment(
        id=comment.id,
        body=comment.body or "",
        author=user.login if user else "",
        author_is_bot=bool(user and user.type == "Bot"),
        url=comment.html_url,
        path=getattr(comment, "path", "") or "",
    )


class GitHubBase:
    """The calls for one pull request of one repository: what reads and writes share."""

    def __init__(
        self,
        github: Github,
        repository: str,
        number: int,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._gh = github
        self._sleep = sleep
        self._permissions: dict[str, str] = {}  # login (lower case) → permission, once a run
        self._spellings: dict[str, str] = {}  # login (lower case) → as GitHub spells it
        self._repository = repository
        self._number = number
        self._repo_url = f"{github.requester.base_url}/repos/{repository}"
        self._pr_url = f"{self._repo_url}/pulls/{number}"
        self._issue_url = f"{self._repo_url}/issues/{number}"
        self._repo = github.withLazy(True).get_repo(repository)
        # Lazy objects built from URLs: listing their comments costs no extra GET. (A lazy
        # PullRequest would fetch itself to learn its issue URL, hence the Issue.)
        self._pull = self._repo.get_pull(number)
        self._issue = self._repo.get_issue(number)

    @property
    def repository(self) -> str:
        return self._repository

    @property
    def number(self) -> int:
        return self._number

    def _call(
        self,
        action: str,
        fn: Callable[[], T],
        *,
        expected: Mapping[int, Callable[[GithubException], T]] | None = None,
    ) -> T:
        """`fn()`, with GitHub's failures translated into our errors; a status listed in
        `expected` is an answer, not a failure (e.g. 404 for a file that isn't there)."""
        try:
            return fn()
        except GithubException as error:
            if expected and error.status in expected:
                return expected[error.status](error)
            raise translate(error, action) from None
        except TRANSPORT_ERRORS as error:
            raise unreachable(error, action) from None
