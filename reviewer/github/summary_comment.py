"""The sticky summary comment: found by its marker among our own comments, edited in place."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reviewer.core.fingerprint import PostedComment, is_summary, is_trusted, summary_marker
from reviewer.errors import GitHubError
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.errors import GitHubPermissionError


def find_summary(github: GitHubAdapter, identity: str | None) -> PostedComment | None:
    """Our summary comment on the PR, if a previous run left one."""
    return summary_among(github.issue_comments(), identity)


def summary_among(comments: Iterable[PostedComment], identity: str | None) -> PostedComment | None:
    """Our summary among the PR's comments (the oldest, if overlapping runs each made one);
    nobody else's comment is, whatever marker it holds."""
    ours = summaries_among(comments, identity)
    return ours[0] if ours else None


def summaries_among(comments: Iterable[PostedComment], identity: str | None) -> list[PostedComment]:
    """All our summaries on the PR, oldest first."""
    return sorted(
        (c for c in comments if is_trusted(c, identity) and is_summary(c.body)),
        key=lambda c: c.id,
    )


def upsert_summary(
    github: GitHubAdapter,
    body: str,
    *,
    head_sha: str,
    existing: PostedComment | None,
    identity: str | None,
    duplicates: Sequence[PostedComment] = (),
) -> tuple[str, str]:
    """Edit the summary in place (or create it): its URL, or "" and what went wrong.

    With no summary when the run started, the comments are read again right before one is
    created: a run that overlapped this one may have made it meanwhile. Two runs can still
    both create one (each read before the other wrote), so after creating, the oldest of
    ours is kept: a run whose comment is not the oldest writes its body there and deletes
    its own. `duplicates`: other summaries of ours seen at the start, deleted after the
    edit (left by overlapping runs of a version that did not converge)."""
    try:
        if existing is None:
            existing = find_summary(github, identity)
        marker = summary_marker(head_sha)
        url = github.upsert_comment(
            body=body, existing_id=existing.id if existing else None, marker=marker
        )
        if existing is None:
            url = _keep_the_oldest(github, body, url, identity, marker)
        for duplicate in duplicates:
            if existing is None or duplicate.id != existing.id:
                github.delete_comment(duplicate.id)
    except GitHubPermissionError as error:
        return "", f"{error.message} The summary is in the job's step summary."
    except GitHubError as error:
        return "", f"Could not update the summary comment: {error}"
    return url, ""


def _keep_the_oldest(
    github: GitHubAdapter, body: str, created_url: str, identity: str | None, marker: str
) -> str:
    ours = summaries_among(github.issue_comments(), identity)
    mine = next((c for c in ours if c.url == created_url), None)
    if mine is None or not ours or ours[0].id == mine.id:
        return created_url
    oldest = ours[0]
    url = github.upsert_comment(body=body, existing_id=oldest.id, marker=marker)
    github.delete_comment(mine.id)
    return url
