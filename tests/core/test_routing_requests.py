"""Routing's request, decided again from who is requested just before it is sent (the
picks' case is end to end in tests/app/test_routing_overlap_e2e.py; the code owners'
case, and the count, here)."""

from __future__ import annotations

from datetime import UTC, datetime

from reviewer.core.ownership import Owner
from reviewer.core.routing import Candidate, Outcome, Pick
from reviewer.core.routing_requests import recount, room

T = datetime(2024, 6, 1, 12, tzinfo=UTC)


def pick(who: str, outcome: Outcome) -> Pick:
    return Pick(Candidate(who, 1.0, 3, T, ("src/a.py",)), outcome)


def test_room_counts_people_once_whatever_the_case_and_teams_apart() -> None:
    # bob requested and reviewed, the author never counted, a team counts as one.
    assert room(3, "Cat", ["Bob", "cat"], ["bob"], ["payments"]) == 1
    assert room(1, "cat", ["bob"], [], ["payments"]) == 0


def test_code_owners_requested_meanwhile_are_not_asked_and_fill_the_room() -> None:
    owners = [
        Owner("Org/payments", True, 0.6),
        Owner("lead", False, 0.3),
        Owner("ops", False, 0.1),
    ]
    held_back = pick("bob", Outcome.AT_CAPACITY)
    now = recount(
        [held_back, pick("carol", Outcome.BELOW_MINIMUM)],
        owners,
        requested_users=["BOB"],
        requested_teams=["payments"],
        room=1,
    )
    assert (now.users, now.teams) == (["lead"], [])
    assert [o.name for o in now.fallback] == ["lead"]
    assert [(p.outcome, p.detail) for p in now.picks] == [
        (Outcome.ALREADY, "requested while this run ran"),
        (Outcome.BELOW_MINIMUM, ""),
    ]
    assert now.notes == [
        "Code owners already requested while this run ran: Org/payments.",
        "Code owners not requested: enough reviewers were requested while this run ran: ops.",
    ]


def test_a_team_and_a_user_of_the_same_name_are_told_apart() -> None:
    now = recount(
        [], [Owner("Org/ops", True, 0.5), Owner("ops", False, 0.5)],
        requested_users=["ops"], requested_teams=[], room=2,
    )  # fmt: skip
    assert (now.users, now.teams, now.notes) == ([], ["ops"], [
        "Code owners already requested while this run ran: ops."
    ])  # fmt: skip
