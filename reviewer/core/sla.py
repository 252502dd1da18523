"""Review SLAs: where a pull request stands, since when its reviewers owe a review, and
whether this scan escalates it, clears it, or leaves it alone.

- **Owed since.** The PR became ready (opened, or marked ready for review); each pending
  reviewer owes a review from when they were asked, but never from before the latest human
  review (a review resets the clock). After changes were requested, the clock stops until
  the author pushes; it restarts at the push, or at a human review after the push (one
  that leaves the change request standing, e.g. a comment). Drafts and queued PRs owe
  nothing.
- **Breach.** Owed for more than `review-sla` hours.
- **Tiers.** A breach asks tier 1 at once; each `escalation-sla` hours without a review
  moves one tier up, never past the last, never two steps in one window. A reset (a new
  "owed since") starts again from tier 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from reviewer.core.pull_activity import (
    OpenPull,
    Review,
    TimelineEvent,
    deciding_reviews,
    human_reviews,
)


class PullState(Enum):
    PENDING_REVIEW = "PENDING_REVIEW"
    IN_REVIEW = "IN_REVIEW"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    APPROVED = "APPROVED"
    MERGE_QUEUED = "MERGE_QUEUED"


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    review_sla: timedelta
    escalation_sla: timedelta
    tiers: tuple[tuple[str, ...], ...] = ()  # each: users and `org/team`s


@dataclass(frozen=True, slots=True)
class Standing:
    """One PR as the scan sees it."""

    state: PullState
    owed_since: datetime | None  # None: nobody owes a review now

    def overdue(self, now: datetime, policy: SlaPolicy) -> bool:
        return self.owed_since is not None and now - self.owed_since > policy.review_sla


def pull_state(
    pull: OpenPull, reviews: list[Review], *, queued: bool, ours: str | None = None
) -> PullState:
    """`ours`: the login this action posts as; its own reviews are no human's."""
    if queued:
        return PullState.MERGE_QUEUED
    humans = human_reviews(pull, reviews, ours=ours)
    states = {r.state for r in deciding_reviews(humans).values()}
    if "CHANGES_REQUESTED" in states:
        return PullState.CHANGES_REQUESTED
    if "APPROVED" in states:
        return PullState.APPROVED
    return PullState.IN_REVIEW if humans else PullState.PENDING_REVIEW


def standing(
    pull: OpenPull,
    reviews: list[Review],
    events: list[TimelineEvent],
    *,
    queued: bool,
    ours: str | None = None,
) -> Standing:
    """Where `pull` stands; `ours` is the login this action posts as (its reviews are
    not human reviews, whatever kind of account the token is)."""
    state = pull_state(pull, reviews, queued=queued, ours=ours)
    if pull.draft or state is PullState.MERGE_QUEUED:
        return Standing(state, None)
    return Standing(state, owed_since(pull, human_reviews(pull, reviews, ours=ours), events, state))


def owed_since(
    pull: OpenPull, humans: list[Review], events: list[TimelineEvent], state: PullState
) -> datetime | None:
    """Since when a review is owed, from the human reviews (`human_reviews`, oldest first)."""
    ready = max((e.at for e in events if e.kind == "ready_for_review"), default=pull.created_at)
    last_review = humans[-1].submitted_at if humans else None
    if state is PullState.CHANGES_REQUESTED:
        pushed = pushed_after_changes_requested(pull, humans, events)
        if pushed is None or last_review is None:
            return pushed
        return max(pushed, last_review)  # a review since the push resets the clock too
    pending = [*pull.requested_users, *pull.requested_teams]
    if not pending:
        # Nobody asked: the PR itself waits for a first review once ready.
        return ready if last_review is None else None
    floor = max(ready, last_review) if last_review is not None else ready
    # Each pending reviewer owes from when they were asked (never before the floor). One
    # whose request is not on record (e.g. made by this action's own escalation, which the
    # caller leaves out) owes from the floor, as the PR was already waiting then.
    owed = []
    for reviewer in pending:
        asked = [
            e.at
            for e in events
            if e.kind == "review_requested" and e.subject.lower() == reviewer.lower()
        ]
        if asked:
            owed.append(max(max(asked), floor))
    return min(owed, default=floor)


def pushed_after_changes_requested(
    pull: OpenPull, humans: list[Review], events: list[TimelineEvent]
) -> datetime | None:
    """When the author pushed after the latest change request, or None if they have not.

    GitHub's REST API keeps no time for an ordinary push: the latest committer date of a
    commit (or a force-push) after the request stands for it, never earlier than the
    request itself."""
    requests = [r for r in deciding_reviews(humans).values() if r.state == "CHANGES_REQUESTED"]
    if not requests:
        return None
    latest = max(requests, key=lambda r: r.submitted_at or pull.created_at)
    asked_at = latest.submitted_at or pull.created_at
    if latest.commit_id == pull.head_sha:
        return None
    pushes = [
        e.at for e in events if e.kind in ("committed", "head_ref_force_pushed") and e.at > asked_at
    ]
    return max(pushes, default=asked_at)


@dataclass(frozen=True, slots=True)
class Escalation:
    """What the sticky comment's marker remembers: the clock and the tier reached."""

    owed_since: datetime | None
    tier: int = 0  # 0: breached with no tiers configured, or not breached
    at: datetime | None = None  # when the tier was last raised (or the breach first seen)


class Action(Enum):
    NOTHING = "nothing"
    ESCALATE = "escalate"  # write the breach at `tier`: comment, label, review request
    CLEAR = "clear"  # no longer overdue: remove the label, say so in the comment


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    tier: int = 0


def decide(
    standing: Standing,
    marker: Escalation | None,
    *,
    labelled: bool,
    now: datetime,
    policy: SlaPolicy,
) -> Decision:
    """One scan's step for one PR. Idempotent: a re-run in the same window decides
    NOTHING, as the marker already says what this step would write."""
    breached = marker is not None and marker.owed_since is not None
    if not standing.overdue(now, policy):
        return Decision(Action.CLEAR) if breached or labelled else Decision(Action.NOTHING)
    first = 1 if policy.tiers else 0
    if marker is None or marker.owed_since != standing.owed_since:
        return Decision(Action.ESCALATE, first)  # a new breach, or one after a reset
    if marker.tier < len(policy.tiers) and (
        marker.at is None or now - marker.at >= policy.escalation_sla
    ):
        return Decision(Action.ESCALATE, marker.tier + 1)
    return Decision(Action.NOTHING, marker.tier)


def tier_reviewers(policy: SlaPolicy, tier: int, author: str) -> tuple[list[str], list[str]]:
    """The users and the `org/team`s of a tier (1-based), without the PR's author."""
    if tier < 1 or tier > len(policy.tiers):
        return [], []
    members = policy.tiers[tier - 1]
    teams = [m for m in members if "/" in m]
    users = [m for m in members if "/" not in m and m.lower() != author.lower()]
    return users, teams
