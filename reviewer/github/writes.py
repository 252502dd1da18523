"""Writing to a pull request: one review, the summary comment, replies.

A write is resent only when we know it did not land: after a rate limit (refused, not
applied), or after a 5xx once a look for the write's marker finds nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from github import GithubException

from reviewer.github.client import GitHubBase, PostedReview, ReviewComment, _review_of
from reviewer.github.errors import TRANSPORT_ERRORS, rate_limit_wait, translate, unreachable

log = logging.getLogger(__name__)

W = TypeVar("W")
WRITE_ATTEMPTS = 3
STATUS_CONTEXT = "reviewer"


class GitHubWrites(GitHubBase):
    def reply_to(self, comment_id: int, body: str) -> None:
        self._call(
            "reply to a review comment",
            lambda: self._gh.requester.requestJsonAndCheck(
                "POST", f"{self._pr_url}/comments/{comment_id}/replies", input={"body": body}
            ),
        )

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

    def accepts_comments(self, head_sha: str, comments: Sequence[ReviewComment]) -> bool:
        """Whether GitHub accepts these comments, asked with a pending review that nobody
        sees or is notified of, deleted at once. Used to find what a 422 refused."""
        payload = {"commit_id": head_sha, "comments": [c.as_payload() for c in comments]}
        _, data = self._call(
            "check the comments with a pending review",
            lambda: self._gh.requester.requestJsonAndCheck(
                "POST", f"{self._pr_url}/reviews", input=payload
            ),
            expected={422: lambda _e: (None, None)},
        )
        if data is None:
            return False
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
            # Ours only if it is the very body we sent: anyone can post our marker.
            for comment in self._issue.get_comments():
                text = comment.body or ""
                if marker in text and text.strip() == body.strip():
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
                    self._sleep(wait)
                    continue
                if error.status >= 500 and attempt < WRITE_ATTEMPTS:
                    found = self._call(f"check whether the attempt to {action} landed", landed)
                    if found is not None:
                        return found
                    log.warning("GitHub answered %s to %s; resending.", error.status, action)
                    self._sleep(attempt)
                    continue
                raise translate(error, action) from None
            except TRANSPORT_ERRORS as error:
                # No answer, or 5xx after retries: the write may have landed all the same.
                if attempt < WRITE_ATTEMPTS:
                    found = self._call(f"check whether the attempt to {action} landed", landed)
                    if found is not None:
                        return found
                    self._sleep(attempt)
                    continue
                raise unreachable(error, action) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def set_status(self, sha: str, *, state: str, description: str, target_url: str) -> None:
        """The commit status `reviewer` on `sha` (success, failure, error or pending): the
        check of a run that GitHub put on another commit (`/review`, a manual dispatch).
        Idempotent: the latest status of a context replaces the one before."""
        payload = {"state": state, "description": description[:140], "context": STATUS_CONTEXT}
        if target_url:
            payload["target_url"] = target_url
        self._call(
            "set the commit status",
            lambda: self._gh.requester.requestJsonAndCheck(
                "POST", f"{self._repo_url}/statuses/{sha}", input=payload
            ),
        )
