"""Whom a routing run asks, decided again from who is requested right before it asks.

A run reads the PR's requested reviewers at its start, then spends seconds on lookups
(write access, open review requests). Another run on the same PR (a push right after it
was opened) or a person may request reviewers meanwhile; so the requested reviewers are
read again just before the request. Nobody requested by then is asked again, only the room
`assign-reviewers` leaves by then is filled, and the picks and code owners say what this
run did rather than what it found at its start."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from reviewer.core.ownership import Owner
from reviewer.core.routing import Outcome, Pick, identity_key

MEANWHILE = "requested while this run ran"


def room(
    assign: int, author: str, users: Iterable[str], reviewed: Iterable[str], teams: Sequence[str]
) -> int:
    """How many more reviewers `assign-reviewers` allows, with `users` and `teams`
    requested and `reviewed` having reviewed. Requested teams count as reviewers too: a
    CODEOWNERS team asked by an earlier run (or a person) is not topped up with another one
    on every routed event."""
    people = {identity_key(who) for who in (*users, *reviewed)} - {identity_key(author)}
    return max(assign - len(people) - len(teams), 0)


@dataclass(frozen=True, slots=True)
class Requests:
    users: list[str]  # logins to request
    teams: list[str]  # team slugs to request
    picks: list[Pick]  # each candidate's outcome, as it stands now
    fallback: list[Owner]  # the code owners requested
    notes: list[str]  # the code owners chosen but not requested, and why


def _named(owner: Owner) -> tuple[str, bool]:
    """A code owner as a review request names it: a login, or a team's slug."""
    return (owner.name.split("/", 1)[1], True) if owner.is_team else (owner.name, False)


def recount(
    picks: list[Pick],
    fallback: list[Owner],
    *,
    requested_users: Iterable[str],
    requested_teams: Iterable[str],
    room: int,
) -> Requests:
    """This run's choice (its picks, or the code owners when the history gave nobody)
    against who is requested now, with `room` reviewers left to request."""
    asked = {(identity_key(u), False) for u in requested_users}
    asked |= {(identity_key(t), True) for t in requested_teams}

    def found(name: str, is_team: bool) -> bool:
        return (identity_key(name), is_team) in asked

    chosen = [_named(o) for o in fallback] or [
        (p.candidate.who, False) for p in picks if p.outcome is Outcome.REQUESTED
    ]
    kept = [c for c in chosen if not found(*c)][:room]
    recounted = []
    for pick in picks:
        if found(pick.candidate.who, False) and pick.outcome is not Outcome.ALREADY:
            pick = Pick(pick.candidate, Outcome.ALREADY, MEANWHILE)
        elif pick.outcome is Outcome.REQUESTED and (pick.candidate.who, False) not in kept:
            pick = replace(pick, outcome=Outcome.ENOUGH, detail="")
        recounted.append(pick)
    already = [o.name for o in fallback if found(*_named(o))]
    left = [o.name for o in fallback if not found(*_named(o)) and _named(o) not in kept]
    notes = [f"Code owners already {MEANWHILE}: {', '.join(already)}."] if already else []
    if left:
        notes.append(f"Code owners {Outcome.ENOUGH.value}: {', '.join(left)}.")
    return Requests(
        users=[name for name, is_team in kept if not is_team],
        teams=[name for name, is_team in kept if is_team],
        picks=recounted,
        fallback=[o for o in fallback if _named(o) in kept],
        notes=notes,
    )
