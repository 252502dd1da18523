"""What a run reviews: the whole PR, only what the PR's new commits changed, or nothing new
(the head was already reviewed with the same configuration: the recorded review stands)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from reviewer.core.diff import LineKind, parse_diff
from reviewer.core.filters import SkippedFile
from reviewer.core.state import PreviousReview, touched_lines
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.diff_source import fetch_pull_diff

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReviewScope:
    pr_text: str  # the whole PR's diff: what is reviewed, what GitHub accepts comments on
    unavailable: tuple[SkippedFile, ...] = ()
    since: str | None = None  # incremental review: the head reviewed before
    touched: set[tuple[str, int]] = field(default_factory=set)
    # Incremental: the PR's added lines (path, new number) its new commits wrote; only the
    # hunks holding them are reviewed. None: every hunk.
    focus: frozenset[tuple[str, int]] | None = None
    reuse: bool = False  # the head was reviewed already, in full, with the same configuration


def review_scope(
    github: GitHubAdapter,
    *,
    base_sha: str,
    head_sha: str,
    workspace: str | None,
    previous: PreviousReview | None,
    incremental: bool,
    config: str,
    fresh: bool = False,
    changed_files: int | None = None,
) -> ReviewScope:
    """`incremental`: a push (`synchronize`) may review only what it changed. `fresh`: a
    review was asked for (`/review`), nothing recorded is reused."""
    pr = fetch_pull_diff(
        github,
        base_sha=base_sha,
        head_sha=head_sha,
        workspace=workspace,
        changed_files=changed_files,
    )
    full = ReviewScope(pr.text, pr.unavailable)
    if previous is None or fresh:
        return full
    trusted = previous.complete and previous.reviewed_all
    if previous.head_sha == head_sha:
        if trusted and previous.config == config and not pr.unavailable:
            log.info("Head %s was reviewed already; reusing that review.", head_sha[:12])
            return ReviewScope(pr.text, pr.unavailable, reuse=True)
        return full
    if not incremental or not trusted:
        # A record that could not hold every open finding, or of a review that left part
        # of the PR unreviewed, is not built upon (fail closed): an incremental review of
        # it would look only at the new commits and never at what was missed.
        return full
    status = github.compare(previous.head_sha, head_sha)
    if status != "ahead":
        # A force-push or rebase: the old head is not in the new history.
        log.info("Head %s is %s of the last review: full review.", head_sha[:12], status)
        return full
    new_commits = parse_diff(github.compare_diff(previous.head_sha, head_sha))
    # The compare diff also holds whatever a merge of the base branch brought in: not the
    # PR's own change, not reviewed. Only lines the PR itself adds are in focus.
    written = {
        (file.path, line.new_no)
        for file in new_commits
        for _, line in file.lines()
        if line.kind is LineKind.ADDED and line.new_no is not None
    }
    pr_files = parse_diff(pr.text)
    added = {
        (file.path, line.new_no)
        for file in pr_files
        for _, line in file.lines()
        if line.kind is LineKind.ADDED and line.new_no is not None
    }
    pr_paths = {file.old_path or file.path for file in pr_files} | {f.path for f in pr_files}
    touched = {(path, line) for path, line in touched_lines(new_commits) if path in pr_paths}
    return ReviewScope(
        pr.text,
        pr.unavailable,
        since=previous.head_sha,
        touched=touched,
        focus=frozenset(written & added),
    )
