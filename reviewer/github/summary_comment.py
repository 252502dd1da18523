"""The sticky summary comment: found by its marker among our own comments, edited in place."""

from __future__ import annotations

from reviewer.core.fingerprint import PostedComment, is_summary, is_trusted, summary_marker
from reviewer.core.report import RunReport
from reviewer.core.summary import render_summary
from reviewer.errors import GitHubError
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.errors import GitHubPermissionError


def find_summary(github: GitHubAdapter, identity: str | None) -> PostedComment | None:
    """Our summary comment on the PR, if a previous run left one."""
    ours = [c for c in github.issue_comments() if is_trusted(c, identity) and is_summary(c.body)]
    return ours[0] if ours else None


def upsert_summary(
    github: GitHubAdapter, report: RunReport, existing: PostedComment | None
) -> tuple[str, str]:
    """Edit the summary in place (or create it): its URL, or "" and what went wrong."""
    try:
        url = github.upsert_comment(
            body=render_summary(report),
            existing_id=existing.id if existing else None,
            marker=summary_marker(report.head_sha),
        )
    except GitHubPermissionError as error:
        return "", f"{error.message} The summary is in the job's step summary."
    except GitHubError as error:
        return "", f"Could not update the summary comment: {error}"
    return url, ""
