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
from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.fingerprint import read_finding_marker
from reviewer.core.plan import Held, PublishPlan, SummaryEntry
from reviewer.core.render import render_comment
from reviewer.github.adapter import GitHubAdapter, ReviewComment
from reviewer.github.errors import GitHubPermissionError, GitHubUnprocessable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Published:
    plan: PublishPlan  # with anything that could not go inline moved to the summary
    review_url: str = ""
    comment_urls: dict[str, str] = field(default_factory=dict)  # fingerprint → URL
    # Said to the user when comments could not be posted (the step shows it as a warning).
    notes: tuple[str, ...] = ()


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
        moved = [
            SummaryEntry(f, "the token may not post review comments", Held.NO_PERMISSION)
            for f in plan.new_inline
        ]
        note = f"{error.message} Findings are reported as annotations instead."
        return Published(_without_inline(plan, moved), notes=(note,))


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
    moved = [
        SummaryEntry(f, "GitHub refused the inline comment (422)", Held.REFUSED) for f, _ in refused
    ]
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
