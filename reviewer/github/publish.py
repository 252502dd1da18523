"""Posting the plan on GitHub: one review for all new comments, and nothing lost on 422.

GitHub rejects a whole review when one comment is refused. Our plan only holds lines the
diff index accepts, but when GitHub still answers 422 we find the refused comments with
pending reviews (invisible, no notification, deleted at once), post the rest in one
review, and move the refused ones to the summary.

Right before posting, the PR's review comments are read once more: a concurrent run that
posted the same findings meanwhile is seen, and they are not posted twice.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from reviewer import __version__
from reviewer.core.fingerprint import read_finding_marker
from reviewer.core.plan import CommentGroup, Held, PublishPlan, SummaryEntry, posted_url
from reviewer.core.render import render_comment
from reviewer.errors import GitHubError
from reviewer.github.adapter import GitHubAdapter, ReviewComment
from reviewer.github.errors import GitHubPermissionError, GitHubUnprocessable

log = logging.getLogger(__name__)

PERMISSION_HINT = (
    "Give the workflow `permissions: { pull-requests: write }` to get inline comments."
)


@dataclass(frozen=True, slots=True)
class Published:
    plan: PublishPlan  # with anything that could not go inline moved to the summary
    review_url: str = ""
    comment_urls: dict[str, str] = field(default_factory=dict)  # fingerprint → URL
    # Said to the user when comments could not be posted (the step shows it as a warning).
    notes: tuple[str, ...] = ()


def publish_inline(
    github: GitHubAdapter,
    *,
    head_sha: str,
    plan: PublishPlan,
    posted_now: Callable[[], Mapping[str, str]] | None = None,
) -> Published:
    """`posted_now()`: the fingerprints on the PR right now (fingerprint → URL), read just
    before writing; groups found there moved to `already_posted` instead of posted again."""
    if not plan.new_inline:
        return Published(plan)
    if posted_now is not None:
        plan = _without_posted(plan, posted_now())
        if not plan.new_inline:
            return Published(plan)
    pairs = [(group, review_comment(group)) for group in plan.new_inline]
    try:
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
            for f in plan.inline_findings
        ]
        note = f"{error.message} {PERMISSION_HINT} Findings are reported as annotations instead."
        return Published(_without_inline(plan, moved), notes=(note,))
    except GitHubError as error:
        # GitHub failed (an outage, a rate limit past its retries): the findings still
        # reach the summary, the step summary and the findings file; a fresh review posts
        # them inline (or finds them posted, if the review landed after all).
        moved = [
            SummaryEntry(f, "GitHub failed to post the review", Held.NOT_POSTED)
            for f in plan.inline_findings
        ]
        note = (
            f"Could not post the review: {error.message} Its {len(moved)} finding(s) are "
            "listed in the summary instead; `/review` (or a new full review) posts them inline."
        )
        return Published(_without_inline(plan, moved), notes=(note,))


def _without_posted(plan: PublishPlan, posted: Mapping[str, str]) -> PublishPlan:
    """A concurrent run posted some of these since the plan was made: link, don't repost."""
    fresh: list[CommentGroup] = []
    landed: list[tuple[CommentGroup, str]] = []
    for group in plan.new_inline:
        url = posted_url(group.primary, posted)
        if url is None:
            fresh.append(group)
        else:
            landed.append((group, url))
    if landed:
        log.info("%d comment(s) were posted by a concurrent run meanwhile.", len(landed))
    already = tuple((f, url) for group, url in landed for f in group.findings)
    return dataclasses.replace(
        plan, new_inline=tuple(fresh), already_posted=plan.already_posted + already
    )


def review_comment(group: CommentGroup) -> ReviewComment:
    return ReviewComment(
        path=group.path,
        line=group.line,
        side=group.side.value,
        body=render_comment(group.findings),
        start_line=group.start_line,
    )


Pair = tuple[CommentGroup, ReviewComment]


def _post(
    github: GitHubAdapter,
    head_sha: str,
    plan: PublishPlan,
    pairs: Sequence[Pair],
    *,
    refused: Sequence[Pair],
) -> Published:
    moved = [
        SummaryEntry(f, "GitHub refused the inline comment (422)", Held.REFUSED)
        for group, _ in refused
        for f in group.findings
    ]
    if not pairs:
        return Published(_without_inline(plan, moved))
    run_marker = f"<!-- reviewer:review run={secrets.token_hex(8)} v={__version__} -->"
    count = sum(len(group.findings) for group, _ in pairs)
    body = f"**reviewer** found {count} new finding(s) on {head_sha[:12]}.\n\n{run_marker}"
    review = github.post_review(
        head_sha=head_sha, body=body, comments=[c for _, c in pairs], run_marker=run_marker
    )
    urls = {
        fp: comment.url
        for comment in github.comments_of_review(review.id)
        if (fp := read_finding_marker(comment.body)) is not None
    }
    kept = dataclasses.replace(
        plan,
        new_inline=tuple(group for group, _ in pairs),
        summary_only=tuple(moved) + plan.summary_only,
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
    return dataclasses.replace(plan, new_inline=(), summary_only=tuple(moved) + plan.summary_only)
