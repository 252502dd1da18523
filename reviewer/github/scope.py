"""What a run reviews: the whole PR, or only the commits pushed since the last review."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from reviewer.core.diff import parse_diff
from reviewer.core.filters import SkippedFile
from reviewer.core.state import PreviousReview, touched_lines
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.diff_source import fetch_pull_diff

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReviewScope:
    review_text: str  # the diff the model reviews
    pr_text: str  # the whole PR's diff: what GitHub accepts comments on
    unavailable: tuple[SkippedFile, ...] = ()
    since: str | None = None  # the head reviewed before, for an incremental review
    touched: set[tuple[str, int]] = field(default_factory=set)


def review_scope(
    github: GitHubAdapter,
    *,
    base_sha: str,
    head_sha: str,
    workspace: str | None,
    previous: PreviousReview | None,
    incremental: bool,
    changed_files: int | None = None,
) -> ReviewScope:
    pr = fetch_pull_diff(
        github,
        base_sha=base_sha,
        head_sha=head_sha,
        workspace=workspace,
        changed_files=changed_files,
    )
    if not incremental or previous is None or previous.head_sha == head_sha:
        return _full(pr.text, pr.unavailable)
    status = github.compare(previous.head_sha, head_sha)
    if status != "ahead":
        # A force-push or rebase: the old head is not in the new history.
        log.info("Head %s is %s of the last review: full review.", head_sha[:12], status)
        return _full(pr.text, pr.unavailable)
    new_commits = github.compare_diff(previous.head_sha, head_sha)
    return ReviewScope(
        new_commits,
        pr.text,
        pr.unavailable,
        since=previous.head_sha,
        touched=touched_lines(parse_diff(new_commits)),
    )


def _full(text: str, unavailable: tuple[SkippedFile, ...]) -> ReviewScope:
    return ReviewScope(text, text, unavailable)
