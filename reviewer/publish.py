"""Posting the plan on GitHub: one review for all new comments, and nothing lost on 422.

GitHub rejects a whole review when one comment is refused. Our plan only holds lines the
diff index accepts, but when GitHub still answers 422 we find the refused comments with
pending reviews (invisible, no notification, deleted at once), post the rest in one
review, and move the refused ones to the summary.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from reviewer import __version__
from reviewer.actions_io import annotation
from reviewer.anchoring import AnchoredFinding
from reviewer.fingerprint import read_finding_marker
from reviewer.github_adapter import GitHubAdapter, ReviewComment
from reviewer.github_errors import GitHubPermissionError, GitHubUnprocessable
from reviewer.plan import PublishPlan, SummaryEntry
from reviewer.render import render_comment
from reviewer.severity import Severity

log = logging.getLogger(__name__)

# GitHub shows at most 10 error and 10 warning annotations per step.
ANNOTATIONS_PER_LEVEL = 10


@dataclass(frozen=True, slots=True)
class Published:
    plan: PublishPlan  # with anything that could not go inline moved to the summary
    review_url: str = ""
    comment_urls: dict[str, str] = field(default_factory=dict)  # fingerprint → URL


def publish_inline(github: GitHubAdapter, *, head_sha: str, plan: PublishPlan) -> Published:
    if not plan.new_inline:
        return Published(plan)
    pairs = [(finding, review_comment(finding)) for finding in plan.new_inline]
    try:
        return _post(github, head_sha, plan, pairs, refused=[])
    except GitHubUnprocessable as error:
        log.warning("GitHub refused the review (%s); finding the refused comment(s).", error)
        refused = _refused(github, head_sha, pairs)
        accepted = [pair for pair in pairs if pair not in refused]
        return _post(github, head_sha, plan, accepted, refused=refused)
    except GitHubPermissionError as error:
        annotation("warning", f"{error.message} Findings are reported as annotations instead.")
        annotate(plan.new_inline)
        moved = [SummaryEntry(f, "the token may not post review comments") for f in plan.new_inline]
        return Published(_without_inline(plan, moved))


def review_comment(finding: AnchoredFinding) -> ReviewComment:
    assert finding.line is not None
    return ReviewComment(
        path=finding.path,
        line=finding.line,
        side=finding.side.value,
        body=render_comment(finding),
        start_line=finding.start_line,
    )


Pair = tuple[AnchoredFinding, ReviewComment]


def _post(
    github: GitHubAdapter,
    head_sha: str,
    plan: PublishPlan,
    pairs: Sequence[Pair],
    *,
    refused: Sequence[Pair],
) -> Published:
    moved = [SummaryEntry(f, "GitHub refused the inline comment (422)") for f, _ in refused]
    if not pairs:
        return Published(_without_inline(plan, moved))
    run_marker = f"<!-- reviewer:review run={secrets.token_hex(8)} v={__version__} -->"
    body = f"**reviewer** found {len(pairs)} new finding(s) on {head_sha[:12]}.\n\n{run_marker}"
    review = github.post_review(
        head_sha=head_sha, body=body, comments=[c for _, c in pairs], run_marker=run_marker
    )
    urls = {
        fp: comment.url
        for comment in github.comments_of_review(review.id)
        if (fp := read_finding_marker(comment.body)) is not None
    }
    kept = PublishPlan(
        tuple(f for f, _ in pairs), plan.already_posted, tuple(moved) + plan.summary_only
    )
    return Published(kept, review.url, urls)


def _refused(github: GitHubAdapter, head_sha: str, pairs: Sequence[Pair]) -> list[Pair]:
    """Bisect with pending reviews down to the comments GitHub refuses."""
    if github.accepts_comments(head_sha, [c for _, c in pairs]):
        return []
    if len(pairs) == 1:
        return list(pairs)
    middle = len(pairs) // 2
    return _refused(github, head_sha, pairs[:middle]) + _refused(github, head_sha, pairs[middle:])


def _without_inline(plan: PublishPlan, moved: Sequence[SummaryEntry]) -> PublishPlan:
    return PublishPlan((), plan.already_posted, tuple(moved) + plan.summary_only)


def annotate(findings: Sequence[AnchoredFinding]) -> None:
    """Findings as `::error`/`::warning` annotations on their lines, most severe first,
    within GitHub's per-step limits (the step summary lists them all)."""
    shown = {"error": 0, "warning": 0}
    for finding in sorted(findings, key=lambda f: -f.finding.severity.rank):
        level = "error" if finding.finding.severity is Severity.CRITICAL else "warning"
        if shown[level] >= ANNOTATIONS_PER_LEVEL:
            continue
        shown[level] += 1
        annotation(
            level,
            finding.finding.body,
            title=finding.finding.title,
            file=finding.path,
            line=finding.line,
        )
