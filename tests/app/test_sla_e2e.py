"""The SLA scan end to end (`schedule` event): standing of every open PR, escalation one
tier per window, idempotent re-runs, the label and sticky comment, clearing on review."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from action_runner import run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from markdown_check import live_html
from paths import EVENTS

from reviewer.core.sla_comment import read_marker

T0 = datetime(2024, 6, 3, 9, tzinfo=UTC)
SCHEDULE = json.loads((EVENTS / "schedule.json").read_text())
INPUTS = {
    "api-key": "",  # the scan never asks the model
    "base-url": "",
    "review-sla": "24",
    "escalation": "lead\nCodertocat/seniors, cto",
    "escalation-sla": "12",
}


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def iso(hours: float) -> str:
    return at(hours).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_prs(fake: FakeGitHub) -> None:
    """#1 waits for amy since hour 1; #2 was commented on at hour 20 and waits for ben;
    #3 is approved; #4 has changes requested on its head; #5 is a draft; #6 is queued."""
    for number in range(1, 7):
        fake.add_pull(
            number,
            head_sha=f"{number:040x}",
            base_sha="f" * 40,
            diff="",
            draft=number == 5,
            user_login="octocat",
            created_at=iso(0),
            title=f"Change {number}",
        )
    for login in ("amy", "ben", "lead", "cto"):
        fake.set_permission(login, "write")
    fake.set_team("Codertocat/seniors", ["sam"])
    fake.request_review(1, user="amy", at=iso(1))
    fake.request_review(2, user="amy", at=iso(1))
    fake.request_review(2, user="ben", at=iso(1))
    fake.add_review(2, "amy", "COMMENT", at=iso(20))
    fake.add_review(3, "amy", "APPROVE", at=iso(2))
    fake.add_review(4, "amy", "REQUEST_CHANGES", at=iso(2))
    fake.set_merge_queue("main", [6])


def scan(tmp_path: Path, fake: FakeGitHub, model: FakeModelServer, hours: float, **inputs: str):  # type: ignore[no-untyped-def]
    fake.set_clock(at(hours))
    result = run_action(
        tmp_path, fake, model, event=SCHEDULE, event_name="schedule",
        inputs={**INPUTS, **inputs}, now=at(hours),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake.validation_errors == [] and fake.unhandled == []
    return result


def sla_comments(fake: FakeGitHub, number: int = 1) -> list[dict]:  # type: ignore[type-arg]
    return [c for c in fake.issue_comments_of(number) if "reviewer:sla" in c["body"]]


@pytest.fixture
def prs(fake_github: FakeGitHub) -> FakeGitHub:
    open_prs(fake_github)
    return fake_github


def test_first_breach_asks_tier_one_labels_and_comments(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    result = scan(tmp_path, prs, fake_model, 30)
    assert result.outputs == {"overdue": "1", "escalated": "1", "open-prs": "5"}
    assert prs.requested_of(1)["users"] == ["amy", "lead"]
    assert prs.labels[1] == ["review-overdue"]
    (comment,) = sla_comments(prs)
    assert "Waiting for: @amy" in comment["body"]
    assert "Escalated to tier 1 of 2: @lead" in comment["body"]
    marker = read_marker(comment["body"])
    assert marker is not None and (marker.tier, marker.owed_since) == (1, at(1))
    table = result.step_summary
    for row in (
        "| [#1](https://github.com/Codertocat/Hello-World/pull/1) Change 1 | PENDING_REVIEW | "
        "30 h | 29 h | 1 | **yes** | escalate |",
        "| IN_REVIEW | 30 h | 10 h | 0 | no | nothing |",
        "Change 3 | APPROVED | 30 h | - | 0 | no |",
        "Change 4 | CHANGES_REQUESTED | 30 h | - | 0 | no |",
        "Change 6 | MERGE_QUEUED |",
    ):
        assert row in table, table
    assert "Change 5" not in table and "(1 draft(s) not counted)" in table
    assert fake_model.requests == []


def test_reruns_in_the_window_write_nothing_and_the_next_window_moves_one_tier(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    scan(tmp_path, prs, fake_model, 30)
    writes = len(prs.writes())
    again = scan(tmp_path, prs, fake_model, 31)
    assert len(prs.writes()) == writes and again.outputs["escalated"] == "0"
    second = scan(tmp_path, prs, fake_model, 42)
    assert second.outputs["escalated"] == "1"
    assert prs.requested_of(1) == {"users": ["amy", "lead", "cto"], "teams": ["seniors"]}
    (comment,) = sla_comments(prs)
    assert "Escalated to tier 2 of 2: @Codertocat/seniors, @cto" not in comment["body"]
    assert "Escalated to tier 2 of 2: @cto, @Codertocat/seniors" in comment["body"]
    # A week later (#2 reviewed meanwhile): still the last tier, nothing written.
    prs.add_review(2, "ben", "APPROVE", at=iso(40))
    writes = len(prs.writes())
    late = scan(tmp_path, prs, fake_model, 200)
    assert late.outputs == {"overdue": "1", "escalated": "0", "open-prs": "5"}
    assert len(prs.writes()) == writes
    assert read_marker(sla_comments(prs)[0]["body"]).tier == 2  # type: ignore[union-attr]


def test_bot_login_spelled_in_another_case_is_still_us(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    """GitHub logins are case-insensitive: with `bot-login` in another case, the scan still
    finds its own comment and request, and a re-run in the window writes nothing."""
    spelled = {"bot-login": "GitHub-Actions[bot]"}
    first = scan(tmp_path, prs, fake_model, 30, **spelled)
    assert first.outputs["escalated"] == "1"
    writes = len(prs.writes())
    again = scan(tmp_path, prs, fake_model, 31, **spelled)
    assert again.outputs["escalated"] == "0" and len(prs.writes()) == writes
    assert len(sla_comments(prs)) == 1


def test_a_review_clears_the_breach(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    scan(tmp_path, prs, fake_model, 30)
    prs.add_review(1, "lead", "APPROVE", at=iso(33))
    result = scan(tmp_path, prs, fake_model, 34)
    assert result.outputs["overdue"] == "0"
    assert prs.labels[1] == []
    (comment,) = sla_comments(prs)
    assert "No longer overdue" in comment["body"]
    assert read_marker(comment["body"]).owed_since is None  # type: ignore[union-attr]
    writes = len(prs.writes())
    scan(tmp_path, prs, fake_model, 35)
    assert len(prs.writes()) == writes


def test_a_pr_back_to_draft_is_cleared(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    scan(tmp_path, prs, fake_model, 30)
    prs.pulls[1].draft = True
    result = scan(tmp_path, prs, fake_model, 31)
    assert result.outputs["open-prs"] == "4" and prs.labels[1] == []
    assert "No longer overdue" in sla_comments(prs)[0]["body"]


def test_a_push_after_changes_requested_restarts_the_clock(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    prs.pulls[4].head_sha = "9" * 40
    prs.add_event(4, "committed", iso(5), sha="9" * 40)
    result = scan(tmp_path, prs, fake_model, 30)
    assert result.outputs["overdue"] == "2"
    assert "Change 4 | CHANGES_REQUESTED | 30 h | 25 h | 1 | **yes** | escalate |" in (
        result.step_summary
    )


def test_dry_run_reports_and_writes_nothing(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    result = scan(tmp_path, prs, fake_model, 30, **{"dry-run": "true"})
    assert result.outputs["overdue"] == "1" and prs.writes() == []
    # Nothing was escalated: the output counts writes; the table says what would be done.
    assert result.outputs["escalated"] == "0"
    assert "0 escalated in this run (1 would be, without `dry-run`)" in result.step_summary
    assert "| 1 | **yes** | would escalate (dry run) |" in result.step_summary


def test_workflow_dispatch_without_a_pr_runs_the_scan(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    dispatch = json.loads((EVENTS / "workflow_dispatch.json").read_text())
    result = run_action(
        tmp_path, prs, fake_model, event=dispatch, event_name="workflow_dispatch",
        inputs=INPUTS, now=at(30),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.outputs["open-prs"] == "5"


def test_a_bad_tier_is_a_configuration_error(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    result = run_action(
        tmp_path, prs, fake_model, event=SCHEDULE, event_name="schedule",
        inputs={**INPUTS, "escalation": "lead\nnot a user!"}, now=at(30),
    )  # fmt: skip
    assert result.returncode == 2
    assert "Input escalation, line 2: 'not a user!'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_pr_that_cannot_be_read_is_reported_and_the_others_scanned(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    prs.fail_next("GET", r"/issues/3/timeline", 500, times=10)
    result = run_action(
        tmp_path, prs, fake_model, event=SCHEDULE, event_name="schedule", inputs=INPUTS,
        now=at(30),
    )  # fmt: skip
    assert result.returncode == 3
    assert "::error::#3 could not be scanned" in result.stdout
    assert result.outputs["escalated"] == "1" and result.outputs["open-prs"] == "4"


def test_a_base_branch_name_with_markdown_in_it_is_shown_inert(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    prs.pulls[1].base_ref = "x`<img src=x onerror=alert(1)>`"
    prs.fail_next("POST", r"/graphql", 502, times=20)  # its merge queue cannot be read
    result = scan(tmp_path, prs, fake_model, 30)
    assert "could not be read" in result.step_summary
    assert live_html(result.step_summary) == [], result.step_summary


def test_the_label_is_matched_whatever_its_case(
    tmp_path: Path, prs: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # GitHub's label names are case-insensitive: `Review-Overdue` is the `sla-label`.
    prs.labels[3] = ["Review-Overdue"]  # approved: no longer overdue
    prs.labels[1] = ["Review-Overdue"]  # overdue: already labelled
    result = scan(tmp_path, prs, fake_model, 30)
    assert prs.labels[3] == []
    assert prs.labels[1] == ["Review-Overdue"]
    assert result.outputs["overdue"] == "1"
