"""What happened on a pull request, as plain values: the PR, its reviews, its timeline.

The GitHub adapter builds these from REST answers; the review-process logic (SLA, routing)
reads only these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class OpenPull:
    number: int
    title: str
    author: str
    draft: bool
    created_at: datetime
    head_sha: str
    base_ref: str
    url: str
    labels: tuple[str, ...] = ()
    requested_users: tuple[str, ...] = ()
    requested_teams: tuple[str, ...] = ()  # team slugs


@dataclass(frozen=True, slots=True)
class Review:
    login: str
    is_bot: bool
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    submitted_at: datetime | None  # None while PENDING
    commit_id: str


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One issue-timeline event: `review_requested`, `review_request_removed`,
    `ready_for_review`, `convert_to_draft`, `committed`, `head_ref_force_pushed`, …

    `subject` is the requested reviewer (login, or team slug) or the commit's SHA; `at`
    is when it happened (for `committed`, the committer date: GitHub records no push
    time for an ordinary push)."""

    kind: str
    at: datetime
    subject: str = ""
    actor: str = ""


def human_reviews(pull: OpenPull, reviews: list[Review], *, ours: str | None) -> list[Review]:
    """Submitted reviews by people other than the author, oldest first. Bots, this
    action's own reviews (by `ours`, the login it posts as: with a user's token, a plain
    user) and the author's replies are not reviews."""
    kept = [
        r
        for r in reviews
        if not r.is_bot
        and r.login.lower() != pull.author.lower()
        and (ours is None or r.login.lower() != ours.lower())
        and r.state != "PENDING"
        and r.submitted_at is not None
    ]
    return sorted(kept, key=lambda r: (r.submitted_at or _NEVER, r.login))


def deciding_reviews(humans: list[Review]) -> dict[str, Review]:
    """Each reviewer's latest approval, change request or dismissal (comments don't
    change where a reviewer stands), as GitHub counts them."""
    latest: dict[str, Review] = {}
    for review in humans:
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[review.login.lower()] = review
    return latest
