"""Reviewer routing's pure parts: decay, weighting, ranking, the capacity filter."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from reviewer.core.routing import (
    MIN_LOOKUPS,
    UNLINKED,
    AuthoredCommit,
    Candidate,
    Outcome,
    Selection,
    familiarity,
    file_weights,
    lookup_budget,
    rank,
    reached_minimum,
    requested,
    select,
    touches,
    where,
)

T = datetime(2024, 6, 1, 12, tzinfo=UTC)


def days_ago(n: float) -> datetime:
    return T - timedelta(days=n)


def test_familiarity_decays_with_the_documented_half_life() -> None:
    assert familiarity(4, T, T, 0.05) == 4.0
    half_life = math.log(2) / 0.05  # about 13.9 days
    assert familiarity(4, T - timedelta(days=half_life), T, 0.05) == pytest.approx(2.0)
    assert familiarity(1, days_ago(365), T, 0.05) < 1e-7
    # No decay: every commit counts fully; a commit after t counts as made at t.
    assert familiarity(3, days_ago(900), T, 0.0) == 3.0
    assert familiarity(3, T + timedelta(days=5), T, 0.05) == 3.0


def test_weights_are_shares_of_the_changed_lines() -> None:
    weights = file_weights({"a.py": 30, "b.py": 10, "logo.png": 0})
    assert weights == pytest.approx({"a.py": 30 / 41, "b.py": 10 / 41, "logo.png": 1 / 41})
    assert sum(weights.values()) == pytest.approx(1.0)
    assert file_weights({}) == {}


def test_touches_count_commits_and_ignore_those_after_t() -> None:
    history = [
        AuthoredCommit("alice", days_ago(10), ("a.py",)),
        AuthoredCommit("alice", days_ago(2), ("a.py", "b.py")),
        AuthoredCommit("alice", T + timedelta(hours=1), ("a.py",)),  # after the PR: ignored
        AuthoredCommit("bob", days_ago(1), ("b.py",)),
    ]
    found = {(t.path, t.who): (t.commits, t.last) for t in touches(history, T)}
    assert found == {
        ("a.py", "alice"): (2, days_ago(2)),
        ("b.py", "alice"): (1, days_ago(2)),
        ("b.py", "bob"): (1, days_ago(1)),
    }


def test_score_sums_weighted_familiarity_and_ties_break_by_login() -> None:
    history = [
        *[AuthoredCommit("zed", days_ago(0), ("big.py",)) for _ in range(3)],
        *[AuthoredCommit("amy", days_ago(0), ("big.py",)) for _ in range(3)],
        *[AuthoredCommit("bob", days_ago(0), ("small.py",)) for _ in range(9)],
    ]
    weights = file_weights({"big.py": 90, "small.py": 10})
    ranked = rank(touches(history, T), weights, T, 0.05)
    assert [(c.who, round(c.score, 3)) for c in ranked] == [
        ("amy", 2.7),  # 3 commits x 0.9, tied with zed: login order
        ("zed", 2.7),
        ("bob", 0.9),  # 9 commits, but to the file with a tenth of the change
    ]
    again = rank(reversed(list(touches(history, T))), weights, T, 0.05)
    assert again == ranked  # deterministic whatever the input order


def test_reason_names_the_folder_and_the_last_commit() -> None:
    c = Candidate("alice", 4.0, 9, days_ago(3.5), ("src/pay/a.py", "src/pay/sub/b.py"))
    assert c.reason(T) == "9 commits to `src/pay/`, last 3 days ago"
    assert Candidate("bob", 1, 1, T, ("x.py",)).reason(T) == "1 commit to `x.py`, last today"
    assert where(("a.py", "src/b.py")) == "/"


def candidate(who: str, score: float) -> Candidate:
    return Candidate(who, score, 3, days_ago(1), ("a.py",))


def rules(**changes: object) -> Selection:
    base: dict[str, object] = {
        "wanted": 2,
        "excluded": frozenset({"author"}),
        "already": frozenset(),
        "removed": frozenset(),
        "min_score": 0.5,
        "max_open": 5,
        "max_lookups": 10,
    }
    base.update(changes)
    return Selection(**base)  # type: ignore[arg-type]


def test_capacity_write_access_and_exclusions_filter_the_ranking() -> None:
    ranked = [
        candidate("author", 9.0),
        candidate("busy", 8.0),
        candidate("reader", 7.0),
        candidate(f"{UNLINKED}ghost@example.com", 6.5),
        candidate("alice", 6.0),
        candidate("bob", 5.0),
        candidate("carol", 4.0),  # not needed: two already picked
    ]
    asked: list[str] = []

    def open_reviews(login: str) -> int:
        asked.append(login)
        return {"busy": 5, "alice": 4}.get(login, 0)

    picks = select(
        ranked, rules(), can_write=lambda login: login != "reader", open_reviews=open_reviews
    )
    assert [(p.candidate.who, p.outcome) for p in picks] == [
        ("busy", Outcome.AT_CAPACITY),
        ("reader", Outcome.NO_ACCESS),
        (f"{UNLINKED}ghost@example.com", Outcome.NO_LOGIN),
        ("alice", Outcome.REQUESTED),  # 4 open requests: one below the cap of 5
        ("bob", Outcome.REQUESTED),
    ]
    assert picks[0].detail == "5 open review requests, max-open-reviews 5"
    assert requested(picks) == ["alice", "bob"]
    assert asked == ["busy", "alice", "bob"]  # only the top candidates cost a lookup


def test_already_requested_removed_and_below_minimum_are_listed_not_requested() -> None:
    ranked = [candidate("amy", 3.0), candidate("ben", 2.0), candidate("cy", 0.4)]
    picks = select(
        ranked,
        rules(wanted=1, already=frozenset({"amy"}), removed=frozenset({"ben"})),
        can_write=lambda _: True,
        open_reviews=lambda _: 0,
    )
    assert [(p.candidate.who, p.outcome) for p in picks] == [
        ("amy", Outcome.ALREADY),
        ("ben", Outcome.REMOVED),
        ("cy", Outcome.BELOW_MINIMUM),
    ]
    assert requested(picks) == []


def test_lookups_are_bounded_and_dry_run_requests_nobody() -> None:
    ranked = [candidate(f"dev{i}", 10.0 - i) for i in range(8)]
    picks = select(
        ranked,
        rules(wanted=3, max_lookups=4),
        can_write=lambda _: True,
        open_reviews=lambda _: 99,
    )
    assert len(picks) == 4 and {p.outcome for p in picks} == {Outcome.AT_CAPACITY}
    dry = select(
        ranked, rules(wanted=1), can_write=lambda _: True, open_reviews=lambda _: 0, dry_run=True
    )
    assert [(p.candidate.who, p.outcome) for p in dry] == [("dev0", Outcome.WOULD_REQUEST)]
    assert requested(dry) == ["dev0"]


@pytest.mark.parametrize("wanted", [1, 6, 12, 15])
def test_the_lookup_budget_lets_any_allowed_number_be_met(wanted: int) -> None:
    # Every other candidate turned down: wanted people are still found.
    ranked = [candidate(f"dev{i:02}", 100.0 - i) for i in range(2 * wanted + 5)]
    picks = select(
        ranked,
        rules(wanted=wanted, max_lookups=lookup_budget(wanted)),
        can_write=lambda login: int(login[3:]) % 2 == 1,
        open_reviews=lambda _: 0,
    )
    assert len(requested(picks)) == wanted
    assert lookup_budget(1) == MIN_LOOKUPS  # a bound all the same


def test_one_person_is_one_candidate_whatever_the_case_of_their_login() -> None:
    # GitHub logins are case-insensitive: `Alice` from the API and `alice` from a noreply
    # address someone typed in lower case are one person, with one score.
    history = [
        AuthoredCommit("Alice", days_ago(1), ("a.py",)),
        AuthoredCommit("alice", days_ago(3), ("a.py",)),
        AuthoredCommit("ALICE", days_ago(5), ("a.py",)),
        AuthoredCommit("bob", days_ago(1), ("a.py",)),
        AuthoredCommit("bob", days_ago(1), ("a.py",)),
    ]
    found = touches(history, T)
    assert [(t.who.lower(), t.commits, t.last) for t in found] == [
        ("alice", 3, days_ago(1)),
        ("bob", 2, days_ago(1)),
    ]
    ranked = rank(found, {"a.py": 1.0}, T, 0.05)
    assert [(c.who.lower(), c.commits) for c in ranked] == [("alice", 3), ("bob", 2)]
    assert ranked[0].score == pytest.approx(familiarity(3, days_ago(1), T, 0.05))
    # The spelling shown is the same whatever order the history came in.
    assert rank(touches(reversed(history), T), {"a.py": 1.0}, T, 0.05) == ranked


def test_exclusions_and_earlier_requests_match_whatever_the_case() -> None:
    ranked = [
        candidate("alice", 9.0),  # the PR's author, `Alice`
        candidate("bob", 8.0),  # requested already, as `Bob`
        candidate("carol", 7.0),  # a person removed `Carol`'s request
        candidate("dave", 6.0),
    ]
    picks = select(
        ranked,
        rules(
            wanted=2,
            excluded=frozenset({"Alice"}),
            already=frozenset({"Bob"}),
            removed=frozenset({"CAROL"}),
        ),
        can_write=lambda _: True,
        open_reviews=lambda _: 0,
    )
    assert [(p.candidate.who, p.outcome) for p in picks] == [
        ("bob", Outcome.ALREADY),
        ("carol", Outcome.REMOVED),
        ("dave", Outcome.REQUESTED),
    ]
    assert reached_minimum([candidate("alice", 9.0)], rules(excluded=frozenset({"ALICE"}))) is False
