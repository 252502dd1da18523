"""The GitHub adapter: the few REST calls a review needs, through PyGithub.

Reads are retried by PyGithub's urllib3 retry (5xx, rate limits with Retry-After).
Writes are not blindly resent: a POST that failed with a 5xx may still have been
applied, so before resending we look for the marker the write carried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from github import Auth, Github, GithubException, GithubRetry
from github.IssueComment import IssueComment
from github.PullRequestComment import PullRequestComment

from reviewer.errors import GitHubError
from reviewer.fingerprint import PostedComment
from reviewer.github_errors import (
    MAX_RATE_LIMIT_WAIT_S,
    DiffTooLarge,
    GitHubPermissionError,
    error_message,
    rate_limit_wait,
    translate,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
W = TypeVar("W")

DIFF_MEDIA_TYPE = "application/vnd.github.diff"
WRITE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One entry of the PR's files list; `patch` is None when GitHub omits it (binary, huge)."""

    filename: str
    status: str
    previous_filename: str | None
    patch: str | None


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


def make_github(token: str, api_url: str, *, sleep_between_writes_s: float = 1.0) -> Github:
    retry = GithubRetry(
        total=4,
        backoff_factor=0.5,
        # POST is left out on purpose: see the module docstring.
        allowed_methods=frozenset({"GET", "HEAD", "PATCH", "PUT", "DELETE"}),
        max_rate_limit_wait=MAX_RATE_LIMIT_WAIT_S,
    )
    return Github(
        auth=Auth.Token(token),
        base_url=api_url.rstrip("/"),
        per_page=100,
        retry=retry,
        timeout=30,
        seconds_between_requests=None,
        seconds_between_writes=sleep_between_writes_s,
    )


def _posted(comment: IssueComment | PullRequestComment) -> PostedComment:
    user = comment.user
    return PostedComment(
        id=comment.id,
        body=comment.body or "",
        author=user.login if user else "",
        author_is_bot=bool(user and user.type == "Bot"),
        url=comment.html_url,
    )


class GitHubAdapter:
    """The calls for one pull request of one repository."""

    def __init__(self, github: Github, repository: str, number: int) -> None:
        self._gh = github
        self._repository = repository
        self._number = number
        self._repo_url = f"{github.requester.base_url}/repos/{repository}"
        self._pr_url = f"{self._repo_url}/pulls/{number}"
        self._issue_url = f"{self._repo_url}/issues/{number}"
        self._repo = github.get_repo(repository, lazy=True)
        # Lazy objects built from URLs: listing their comments costs no extra GET. (A lazy
        # PullRequest would fetch itself to learn its issue URL, hence the Issue.)
        self._pull = self._repo.get_pull(number)
        self._issue = self._repo.get_issue(number)

    def identity(self) -> str | None:
        """The login we post as, or None when the token may not read it (GITHUB_TOKEN)."""
        try:
            return self._gh.get_user().login
        except GithubException as error:
            if error.status in (401,):
                raise translate(error, "read the token's identity") from None
            return None

    def fetch_diff(self) -> str:
        try:
            _, data = self._gh.requester.requestJsonAndCheck(
                "GET", self._pr_url, headers={"Accept": DIFF_MEDIA_TYPE}
            )
        except GithubException as error:
            if error.status == 406:
                raise DiffTooLarge(
                    f"GitHub will not serve this diff: {error_message(error)}"
                ) from None
            raise translate(error, "read the pull request's diff") from None
        if data is None:
            return ""
        diff = data.get("data") if isinstance(data, dict) else None
        if isinstance(diff, str):
            return diff
        raise GitHubError("GitHub answered the diff request with JSON instead of a diff.")

    def pull_request_json(self) -> dict[str, Any]:
        _, data = self._call(
            "read the pull request",
            lambda: self._gh.requester.requestJsonAndCheck("GET", self._pr_url),
        )
        return dict(data)

    def permission_of(self, login: str) -> str:
        """The user's permission on the repository: admin, maintain, write, triage, read, none."""
        _, data = self._call(
            f"read {login}'s permission",
            lambda: self._gh.requester.requestJsonAndCheck(
                "GET", f"{self._repo_url}/collaborators/{login}/permission"
            ),
        )
        return str(data.get("role_name") or data.get("permission") or "none")

    def graphql(self, action: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A GraphQL request (GITHUB_GRAPHQL_URL's endpoint, derived from the API URL)."""
        try:
            _, data = self._gh.requester.graphql_query(query, variables)
        except GithubException as error:
            errors = error.data.get("errors") if isinstance(error.data, dict) else None
            if errors and any(e.get("type") == "FORBIDDEN" for e in errors):
                raise GitHubPermissionError(f"GitHub refused to {action}: {errors}") from None
            raise translate(error, action) from None
        return dict(data.get("data") or {})

    def reply_to(self, comment_id: int, body: str) -> None:
        self._call(
            "reply to a review comment",
            lambda: self._gh.requester.requestJsonAndCheck(
                "POST", f"{self._pr_url}/comments/{comment_id}/replies", input={"body": body}
            ),
        )

    @property
    def repository(self) -> str:
        return self._repository

    @property
    def number(self) -> int:
        return self._number

    def compare(self, base: str, head: str) -> str:
        """How `head` relates to `base`: ahead, behind, identical, diverged (or "missing"
        when GitHub no longer has `base`, e.g. after a force-push and garbage collection)."""
        try:
            _, data = self._gh.requester.requestJsonAndCheck(
                "GET", f"{self._repo_url}/compare/{base}...{head}", parameters={"per_page": 1}
            )
        except GithubException as error:
            if error.status == 404:
                return "missing"
            raise translate(error, "compare the new commits") from None
        return str(data.get("status", "diverged"))

    def compare_diff(self, base: str, head: str) -> str:
        _, data = self._call(
            "read the new commits' diff",
            lambda: self._gh.requester.requestJsonAndCheck(
                "GET",
                f"{self._repo_url}/compare/{base}...{head}",
                headers={"Accept": DIFF_MEDIA_TYPE},
            ),
        )
        diff = data.get("data") if isinstance(data, dict) else None
        return diff if isinstance(diff, str) else ""

    def changed_files(self) -> list[ChangedFile]:
        """The PR's files with their patches (paginated; GitHub lists at most 3,000)."""
        return self._call(
            "list the pull request's files",
            lambda: [
                ChangedFile(f.filename, f.status, f.previous_filename, f.patch)
                for f in self._pull.get_files()
            ],
        )

    def review_comments(self) -> list[PostedComment]:
        return self._call(
            "list the review comments",
            lambda: [_posted(c) for c in self._pull.get_review_comments()],
        )

    def issue_comments(self) -> list[PostedComment]:
        return self._call(
            "list the PR's comments", lambda: [_posted(c) for c in self._issue.get_comments()]
        )

    def read_file(self, path: str, ref: str) -> str | None:
        """A file's text at `ref`, or None when it does not exist there."""
        try:
            content = self._repo.get_contents(path, ref=ref)
        except GithubException as error:
            if error.status == 404:
                return None
            raise translate(error, f"read {path} at {ref[:12]}") from None
        if isinstance(content, list):
            return None  # a directory
        return content.decoded_content.decode("utf-8", "replace")

    def post_review(
        self, *, head_sha: str, body: str, comments: Iterable[ReviewComment], run_marker: str
    ) -> PostedReview:
        """Post one review with all comments. `run_marker` is in `body`, so a resend after
        an ambiguous failure can first check whether the review landed."""
        payload = {
            "commit_id": head_sha,
            "body": body,
            "event": "COMMENT",
            "comments": [c.as_payload() for c in comments],
        }

        def landed() -> PostedReview | None:
            for review in self._pull.get_reviews():
                if run_marker in (review.body or ""):
                    return PostedReview(review.id, review.html_url)
            return None

        return self._write(
            "post the review",
            lambda: _review_of(
                self._gh.requester.requestJsonAndCheck(
                    "POST", f"{self._pr_url}/reviews", input=payload
                )[1]
            ),
            landed=landed,
        )

    def comments_of_review(self, review_id: int) -> list[PostedComment]:
        return self._call(
            "list the review's comments",
            lambda: [_posted(c) for c in self._pull.get_single_review_comments(review_id)],
        )

    def accepts_comments(self, head_sha: str, comments: Sequence[ReviewComment]) -> bool:
        """Whether GitHub accepts these comments, asked with a pending review that nobody
        sees or is notified of, deleted at once. Used to find what a 422 refused."""
        payload = {"commit_id": head_sha, "comments": [c.as_payload() for c in comments]}
        try:
            _, data = self._gh.requester.requestJsonAndCheck(
                "POST", f"{self._pr_url}/reviews", input=payload
            )
        except GithubException as error:
            if error.status == 422:
                return False
            raise translate(error, "check the comments with a pending review") from None
        self._call(
            "delete the pending review",
            lambda: self._gh.requester.requestJsonAndCheck(
                "DELETE", f"{self._pr_url}/reviews/{data['id']}"
            ),
        )
        return True

    def upsert_comment(self, *, body: str, existing_id: int | None, marker: str) -> str:
        """Edit our summary comment in place, or create it; return its URL."""
        if existing_id is not None:
            return self._call(
                "update the summary comment", lambda: self._write_patch(existing_id, body)
            )

        def landed() -> str | None:
            for comment in self._issue.get_comments():
                if marker in (comment.body or ""):
                    return comment.html_url
            return None

        return self._write(
            "post the summary comment",
            lambda: str(
                self._gh.requester.requestJsonAndCheck(
                    "POST", f"{self._issue_url}/comments", input={"body": body}
                )[1]["html_url"]
            ),
            landed=landed,
        )

    def _write_patch(self, comment_id: int, body: str) -> str:
        _, data = self._gh.requester.requestJsonAndCheck(
            "PATCH", f"{self._repo_url}/issues/comments/{comment_id}", input={"body": body}
        )
        return str(data["html_url"])

    def _call(self, action: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except GithubException as error:
            raise translate(error, action) from None

    def _write(self, action: str, fn: Callable[[], W], *, landed: Callable[[], W | None]) -> W:
        """One write, resent only when we know it did not land."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return fn()
            except GithubException as error:
                wait = rate_limit_wait(error)
                if wait is not None and attempt < WRITE_ATTEMPTS:
                    # A rate-limited write was refused, not applied: safe to resend.
                    log.warning(
                        "GitHub rate limit while trying to %s; waiting %.0fs.", action, wait
                    )
                    time.sleep(wait)
                    continue
                if error.status >= 500 and attempt < WRITE_ATTEMPTS:
                    found = self._call(f"check whether the attempt to {action} landed", landed)
                    if found is not None:
                        return found
                    log.warning("GitHub answered %s to %s; resending.", error.status, action)
                    time.sleep(attempt)
                    continue
                raise translate(error, action) from None
        raise AssertionError("unreachable")  # pragma: no cover
