"""The SLA scan's clock end to end, from the timeline GitHub serves: a draft marked ready
late owes a review from when it became ready; a force-push after a change request restarts
the clock (GitHub keeps no push time for an ordinary push, but it does for a force-push);
and the action's own review, posted with a user's token, is no human review."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_runner import run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from test_sla_e2e import INPUTS, SCHEDULE, at, iso, open_prs, scan, sla_comments

from reviewer.core.sla_comment import read_marker

READY_LATE = 7
TABLE_ROW = "| [#{n}](https://github.com/Codertocat/Hello-World/pull/{n}) Change {n} | {rest}"


@pytest.fixture
def prs(fake_github: FakeGitHub) -> FakeGitHub:
    open_prs(fake_github)
    return fake_github


def row(number: int, rest: str) -> str:
    return TABLE_ROW.format(n=number, rest=rest)


def test_a_draft_marked_ready_late_owes_a_review_from_then(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # Opened as a draft at hour 0, amy asked at hour 1 while it was one, ready at hour 20.
    prs.add_pull(
        READY_LATE, head_sha="7" * 40, base_sha="f" * 40, diff="", draft=True,
        user_login="octocat", created_at=iso(0), title=f"Change {READY_LATE}",
    )  # fmt: skip
    prs.request_review(READY_LATE, user="amy", at=iso(1))
    prs.pulls[READY_LATE].draft = False
    prs.add_event(READY_LATE, "ready_for_review", iso(20))
    waiting = scan(tmp_path, prs, fake_model, 30)
    # 30 hours old, waiting 10: not overdue (counted from hour 0 or 1, it would be).
    assert row(READY_LATE, "PENDING_REVIEW | 30 h | 10 h | 0 | no | nothing |") in (
        waiting.step_summary
    )
    assert sla_comments(prs, READY_LATE) == [] and READY_LATE not in prs.labels
    overdue = scan(tmp_path, prs, fake_model, 45)
    assert row(READY_LATE, "PENDING_REVIEW | 45 h | 25 h | 1 | **yes** | escalate |") in (
        overdue.step_summary
    )
    (comment,) = sla_comments(prs, READY_LATE)
    assert read_marker(comment["body"]).owed_since == at(20)  # type: ignore[union-attr]
    assert prs.labels[READY_LATE] == ["review-overdue"]


def test_a_force_push_after_changes_requested_restarts_the_clock(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # #4: amy requested changes at hour 2. At hour 6 the author force-pushes a head that
    # was committed at hour 1 (e.g. reset to an earlier commit): its commit date is before
    # the request, so only the force-push's own time says when the author answered.
    new_head = "9" * 40
    prs.pulls[4].head_sha = new_head
    prs.add_event(4, "committed", iso(1), sha=new_head)
    prs.add_event(4, "head_ref_force_pushed", iso(6), sha=new_head, by="octocat")
    waiting = scan(tmp_path, prs, fake_model, 28)
    assert row(4, "CHANGES_REQUESTED | 28 h | 22 h | 0 | no | nothing |") in waiting.step_summary
    overdue = scan(tmp_path, prs, fake_model, 31)
    assert row(4, "CHANGES_REQUESTED | 31 h | 25 h | 1 | **yes** | escalate |") in (
        overdue.step_summary
    )
    (comment,) = sla_comments(prs, 4)
    assert read_marker(comment["body"]).owed_since == at(6)  # type: ignore[union-attr]


def test_our_own_review_with_a_users_token_is_no_human_review(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # The action posts as a machine user (a PAT; `bot-login` names it): a plain User
    # account to GitHub. Its review of #1 at hour 20 neither starts the review nor resets
    # the clock: #1 still waits for amy, asked at hour 1.
    prs.add_token("ghp_reviewbot", login="review-bot", user_type="User")
    prs.add_review(1, "review-bot", "COMMENT", at=iso(20))
    prs.set_clock(at(30))
    result = run_action(
        tmp_path, prs, fake_model, event=SCHEDULE, event_name="schedule", token="ghp_reviewbot",
        inputs={**INPUTS, "bot-login": "review-bot"}, now=at(30),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert row(1, "PENDING_REVIEW | 30 h | 29 h | 1 | **yes** | escalate |") in (
        result.step_summary
    )
    (comment,) = sla_comments(prs, 1)
    assert comment["user"]["login"] == "review-bot"
    assert read_marker(comment["body"]).owed_since == at(1)  # type: ignore[union-attr]
