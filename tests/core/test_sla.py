"""The SLA state machine: where a PR stands, since when a review is owed, and each scan's
step (escalate one tier, stay, clear), plus the marker that remembers it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from reviewer.core.pull_activity import OpenPull, Review, TimelineEvent
from reviewer.core.sla import (
    Action,
    Escalation,
    PullState,
    SlaPolicy,
    Standing,
    decide,
    pull_state,
    standing,
    tier_reviewers,
)
from reviewer.core.sla_comment import breach_comment, is_sla_comment, read_marker, sla_marker

T0 = datetime(2024, 6, 3, 9, tzinfo=UTC)
HEAD = "a" * 40
POLICY = SlaPolicy(
    review_sla=timedelta(hours=24),
    escalation_sla=timedelta(hours=12),
    tiers=(("lead",), ("acme/seniors", "cto")),
)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def pull(**changes: object) -> OpenPull:
    base = OpenPull(7, "Fix", "author", False, T0, HEAD, "main", "https://x/7")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def review(login: str, state: str, at: datetime, commit: str = HEAD) -> Review:
    return Review(login, login.endswith("[bot]"), state, at, commit)


def asked(who: str, at: datetime) -> TimelineEvent:
    return TimelineEvent("review_requested", at, who, "author")


def test_state_follows_each_reviewers_latest_deciding_review() -> None:
    p = pull()
    assert pull_state(p, [], queued=False) is PullState.PENDING_REVIEW
    bot = review("github-actions[bot]", "COMMENTED", h(1))
    own = review("author", "COMMENTED", h(1))
    assert pull_state(p, [bot, own], queued=False) is PullState.PENDING_REVIEW
    # This action's own review, posted with a user's token (any case of its login).
    ours = review("review-bot", "APPROVED", h(1))
    assert pull_state(p, [ours], queued=False, ours="Review-Bot") is PullState.PENDING_REVIEW
    assert standing(p, [ours], [], queued=False, ours="review-bot").owed_since == T0
    assert pull_state(p, [review("amy", "COMMENTED", h(1))], queued=False) is PullState.IN_REVIEW
    approved = [review("amy", "CHANGES_REQUESTED", h(1)), review("amy", "APPROVED", h(2))]
    assert pull_state(p, approved, queued=False) is PullState.APPROVED
    mixed = [*approved, review("ben", "CHANGES_REQUESTED", h(3)), review("ben", "COMMENTED", h(4))]
    assert pull_state(p, mixed, queued=False) is PullState.CHANGES_REQUESTED
    assert pull_state(p, mixed, queued=True) is PullState.MERGE_QUEUED


def test_owed_since_the_request_or_the_ready_time() -> None:
    p = pull(requested_users=("amy",))
    assert standing(p, [], [asked("amy", h(2))], queued=False).owed_since == h(2)
    # Nobody asked: the PR itself waits from when it became ready.
    ready = TimelineEvent("ready_for_review", h(5))
    assert standing(pull(), [], [ready], queued=False).owed_since == h(5)
    # A request made while it was a draft counts from when it became ready.
    assert standing(p, [], [asked("amy", h(1)), ready], queued=False).owed_since == h(5)
    assert standing(pull(draft=True), [], [], queued=False).owed_since is None
    assert standing(p, [], [], queued=True).owed_since is None


def test_a_review_resets_the_clock_for_whoever_is_still_pending() -> None:
    p = pull(requested_users=("ben",))
    events = [asked("amy", h(1)), asked("ben", h(1))]
    found = standing(p, [review("amy", "COMMENTED", h(30))], events, queued=False)
    assert found.state is PullState.IN_REVIEW and found.owed_since == h(30)
    # Reviewed and nobody else pending: nobody owes anything.
    done = standing(pull(), [review("amy", "APPROVED", h(30))], events, queued=False)
    assert done.owed_since is None and done.state is PullState.APPROVED


def test_changes_requested_stops_the_clock_until_the_author_pushes() -> None:
    changes = [review("amy", "CHANGES_REQUESTED", h(10), commit="b" * 40)]
    waiting_for_author = standing(pull(head_sha="b" * 40), changes, [], queued=False)
    assert waiting_for_author.owed_since is None
    pushed = [TimelineEvent("committed", h(20), HEAD), TimelineEvent("committed", h(5), "c" * 40)]
    after_push = standing(pull(), changes, pushed, queued=False)
    assert after_push.state is PullState.CHANGES_REQUESTED and after_push.owed_since == h(20)
    # A pushed commit dated before the request stands in for a push at the request.
    old = standing(pull(), changes, [TimelineEvent("committed", h(5), HEAD)], queued=False)
    assert old.owed_since == h(10)


def test_a_review_after_the_push_restarts_the_clock_again() -> None:
    # Changes requested at hour 1, the author pushes at hour 5, a reviewer comments at 10:
    # the change request still stands, and the PR is owed a review from hour 10, not 5.
    changes = review("amy", "CHANGES_REQUESTED", h(1), commit="b" * 40)
    pushed = [TimelineEvent("committed", h(5), HEAD)]
    for commenter in ("amy", "ben"):
        reviews = [changes, review(commenter, "COMMENTED", h(10))]
        found = standing(pull(), reviews, pushed, queued=False)
        assert found.state is PullState.CHANGES_REQUESTED and found.owed_since == h(10)
        assert not found.overdue(h(33), POLICY) and found.overdue(h(35), POLICY)
    # A review before the push does not hold the clock back: it restarts at the push.
    early = [changes, review("ben", "COMMENTED", h(3))]
    assert standing(pull(), early, pushed, queued=False).owed_since == h(5)


def owed(since: datetime) -> Standing:
    return Standing(PullState.PENDING_REVIEW, since)


def test_tiers_progress_one_per_window_and_stop_at_the_last() -> None:
    since = h(0)
    assert (
        decide(owed(since), None, labelled=False, now=h(23), policy=POLICY).action is Action.NOTHING
    )
    first = decide(owed(since), None, labelled=False, now=h(25), policy=POLICY)
    assert (first.action, first.tier) == (Action.ESCALATE, 1)
    marker = Escalation(since, 1, h(25))
    # Re-runs in the same window change nothing: idempotent.
    for now in (h(25), h(30), h(36.9)):
        assert (
            decide(owed(since), marker, labelled=True, now=now, policy=POLICY).action
            is Action.NOTHING
        )
    second = decide(owed(since), marker, labelled=True, now=h(37), policy=POLICY)
    assert (second.action, second.tier) == (Action.ESCALATE, 2)
    # Even after a week without a scan, one step at a time, and never past the last tier.
    marker = Escalation(since, 2, h(37))
    last = decide(owed(since), marker, labelled=True, now=h(200), policy=POLICY)
    assert (last.action, last.tier) == (Action.NOTHING, 2)


def test_a_reset_starts_again_from_tier_one_and_a_review_clears() -> None:
    marker = Escalation(h(0), 2, h(40))
    reset = decide(owed(h(50)), marker, labelled=True, now=h(80), policy=POLICY)
    assert (reset.action, reset.tier) == (Action.ESCALATE, 1)
    cleared = decide(owed(h(50)), marker, labelled=True, now=h(60), policy=POLICY)
    assert cleared.action is Action.CLEAR
    reviewed = Standing(PullState.APPROVED, None)
    assert decide(reviewed, marker, labelled=False, now=h(60), policy=POLICY).action is Action.CLEAR
    quiet = Escalation(None, 0, h(61))  # already cleared
    assert (
        decide(reviewed, quiet, labelled=False, now=h(70), policy=POLICY).action is Action.NOTHING
    )


def test_without_tiers_a_breach_is_reported_once() -> None:
    plain = dataclasses.replace(POLICY, tiers=())
    first = decide(owed(h(0)), None, labelled=False, now=h(30), policy=plain)
    assert (first.action, first.tier) == (Action.ESCALATE, 0)
    again = decide(owed(h(0)), Escalation(h(0), 0, h(30)), labelled=True, now=h(99), policy=plain)
    assert again.action is Action.NOTHING


def test_tier_members_without_the_author() -> None:
    assert tier_reviewers(POLICY, 2, "cto") == ([], ["acme/seniors"])
    assert tier_reviewers(POLICY, 1, "author") == (["lead"], [])
    assert tier_reviewers(POLICY, 3, "author") == ([], [])


def test_marker_round_trip_and_forgeries() -> None:
    state = Escalation(h(0), 2, h(37))
    body = breach_comment(state, now=h(40), waiting=["amy"], asked=["cto"], policy=POLICY)
    assert is_sla_comment(body) and read_marker(body) == state
    assert "@amy" in body and "tier 2 of 2" in body
    # Only a marker ending the comment counts; garbage reads as no state.
    assert read_marker(sla_marker(state) + "\n\nmore text") is None
    assert read_marker("<!-- reviewer:sla bm90IGpzb24= -->") is None
    assert read_marker(sla_marker(Escalation(None, 0, None))) == Escalation(None, 0, None)


@pytest.mark.parametrize("tier", [0, 1])
def test_comment_says_who_is_asked(tier: int) -> None:
    body = breach_comment(
        Escalation(h(0), tier, h(25)), now=h(25), waiting=[], asked=["lead"], policy=POLICY
    )
    assert ("Escalated to tier 1 of 2: @lead" in body) is (tier == 1)
    assert "Waiting for: nobody" in body
