"""The sticky summary comment: found by its marker among our own comments, edited in place."""

from __future__ import annotations

from collections.abc import Iterable

from reviewer.core.fingerprint import PostedComment, is_summary, is_trusted, summary_marker
from reviewer.errors import GitHubError
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.errors import GitHubPermissionError


def find_summary(github: GitHubAdapter, identity: str | None) -> PostedComment | None:
    """Our summary comment on the PR, if a previous run left one."""
    return summary_among(github.issue_comments(), identity)


def summary_among(comments: Iterable[PostedComment], identity: str | None) -> PostedComment | None:
    """Our summary among the PR's comments (the first, if two overlapping runs each made
    one); nobody else's comment is, whatever marker it holds."""
    ours = [c for c in comments if is_trusted(c, identity) and is_summary(c.body)]
    return ours[0] if ours else None


def upsert_summary(
    github: GitHubAdapter,
    body: str,
    *,
    head_sha: str,
    existing: PostedComment | None,
    identity: str | None,
) -> tuple[str, str]:
    """Edit the summary in place (or create it): its URL, or "" and what went wrong.

    With no summary when the run started, the comments are read again right before one is
    created: a run that overlapped this one may have made it meanwhile."""
    try:
        if existing is None:
            existing = find_summary(github, identity)
        url = github.upsert_comment(
            body=body,
            existing_id=existing.id if existing else None,
            marker=summary_marker(head_sha),
        )
    except GitHubPermissionError as error:
        return "", f"{error.message} The summary is in the job's step summary."
    except GitHubError as error:
        return "", f"Could not update the summary comment: {error}"
    return url, ""
