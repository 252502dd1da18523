"""Reviewer routing end to end: a workspace repository with a history written by the test,
the fake GitHub's requested reviewers, permissions, review-request search and CODEOWNERS."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from action_runner import run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from markdown_check import mentions
from process_helpers import (
    AUTHOR,
    NOREPLY_AUTHOR,
    ROUTING_ONLY,
    Dev,
    HistoryRepo,
    build_history,
    build_team_history,
    requests_to,
    serve_pull,
)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> HistoryRepo:
    return build_history(tmp_path_factory.mktemp("history") / "repo")


def test_requests_the_most_familiar_people_with_write_access(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=ROUTING_ONLY,
        workspace=history.repo.root,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake_github.validation_errors == [] and fake_github.unhandled == []
    # bob: 8 commits (two emails joined by the base's .mailmap), alice: 5, more recent.
    assert requests_to(fake_github) == [{"reviewers": ["bob", "alice"], "team_reviewers": []}]
    summary = result.step_summary
    assert "### Suggested reviewers" in summary
    # The documented score: commits x e^(-0.05 x days since the last), x 30/33 of the
    # changed lines (charge.py: 30, docs/guide.md: 3).
    bob, alice = 8 * math.exp(-0.05 * 10.4) * 30 / 33, 5 * math.exp(-0.05 * 3) * 30 / 33
    assert f"| @bob | {bob:.2f} | 8 commits to `src/pay/charge.py`, last 10 days ago |" in summary
    assert f"| @alice | {alice:.2f} | 5 commits" in summary
    assert "**requested (0 open review requests)**" in summary
    assert "workspace's git history" in summary
    # The author and the bot are never candidates; no model was asked.
    assert AUTHOR not in summary.split("History:")[0] and "dependabot" not in summary
    assert fake_model.requests == []
    # alice, the author and the bot by their noreply addresses, bob's two addresses joined by
    # the .mailmap; bob, carol and dave asked of GitHub once each.
    lookups = [r.path for r in fake_github.requests if "/commits/" in r.path]
    assert len(lookups) == 3


def test_second_run_requests_nobody_again(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    for _ in range(2):
        run = run_action(
            tmp_path, fake_github, fake_model, event=event, inputs=ROUTING_ONLY,
            workspace=history.repo.root,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
    assert len(requests_to(fake_github)) == 1
    assert fake_github.requested_of(2)["users"] == ["bob", "alice"]
    assert "already requested or reviewed" in run.step_summary


def test_capacity_holds_back_a_busy_reviewer(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    for number in range(10, 15):  # bob is already asked on five open PRs
        fake_github.add_pull(number, head_sha=f"{number:040x}", base_sha=history.base, diff="")
        fake_github.request_review(number, user="bob", at="2024-05-30T00:00:00Z")
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=ROUTING_ONLY,
        workspace=history.repo.root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # alice is requested; dave (docs only) stays below min-familiarity: one request.
    assert requests_to(fake_github) == [{"reviewers": ["alice"], "team_reviewers": []}]
    assert "held back: at capacity (5 open review requests, max-open-reviews 5)" in (
        result.step_summary
    )
    assert (
        f"`dave` | {2 * math.exp(-0.05 * 0.9) * 3 / 33:.2f}" in result.step_summary
        and "below min-familiarity" in result.step_summary
    )


def test_codeowners_from_the_base_when_nobody_is_familiar_enough(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    inputs = {**ROUTING_ONLY, "min-familiarity": "50"}
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=inputs, workspace=history.repo.root
    )
    assert result.returncode == 0, result.stderr
    assert fake_github.validation_errors == []
    assert requests_to(fake_github) == [
        {"reviewers": ["payments-lead"], "team_reviewers": ["payments"]}
    ]
    assert "Nobody reached `min-familiarity`: requested the code owners from " in (
        result.step_summary
    )


def test_a_team_the_token_cannot_request_is_reported_and_the_users_still_asked(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    fake_github.teams_readable = False  # GITHUB_TOKEN: no organisation access
    inputs = {**ROUTING_ONLY, "min-familiarity": "50"}
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=inputs, workspace=history.repo.root
    )
    assert result.returncode == 0, result.stderr
    assert fake_github.requested_of(2) == {"users": ["payments-lead"], "teams": []}
    assert "::warning::GitHub refused to request a review from payments" in result.stdout
    # The team was not asked: it is named, not mentioned (a mention would notify it).
    assert mentions(result.step_summary) == ["@payments-lead"]
    assert f"`{AUTHOR}/payments`" in result.step_summary


def test_without_local_history_the_api_is_used_within_a_stated_bound(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    empty = tmp_path / "no-checkout"
    empty.mkdir()
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=ROUTING_ONLY, workspace=empty
    )
    assert result.returncode == 0, result.stderr
    assert fake_github.validation_errors == [] and fake_github.unhandled == []
    # GitHub links both of bob's addresses to his account: the same choice as locally.
    assert requests_to(fake_github) == [{"reviewers": ["bob", "alice"], "team_reviewers": []}]
    assert "GitHub's commit list for the 2 of 2 changed files with the most changed lines, " in (
        result.step_summary
    )
    assert "up to 300 commits each" in result.step_summary


def test_dry_run_and_a_push_after_requests_change_nothing(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    dry = run_action(
        tmp_path, fake_github, fake_model, event=event,
        inputs={**ROUTING_ONLY, "dry-run": "true"}, workspace=history.repo.root,
    )  # fmt: skip
    assert dry.returncode == 0 and requests_to(fake_github) == []
    assert "would be requested (dry run)" in dry.step_summary
    fake_github.request_review(2, user="carol", at="2024-06-01T13:00:00Z")
    pushed = {**event, "action": "synchronize"}
    sync = run_action(
        tmp_path, fake_github, fake_model, event=pushed, inputs=ROUTING_ONLY,
        workspace=history.repo.root,
    )  # fmt: skip
    assert sync.returncode == 0 and requests_to(fake_github) == []


def test_a_person_removing_a_request_is_respected(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    fake_github.request_review(2, user="bob", at="2024-06-01T12:30:00Z")
    fake_github.requested_of(2)["users"].remove("bob")
    fake_github.add_event(2, "review_request_removed", "2024-06-01T12:40:00Z")
    fake_github.timeline[2][-1]["requested_reviewer"] = {"login": "bob"}
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=ROUTING_ONLY,
        workspace=history.repo.root,
    )  # fmt: skip
    assert requests_to(fake_github) == [{"reviewers": ["alice"], "team_reviewers": []}]
    assert "not requested again: a person removed the request" in result.step_summary


def test_routing_then_review_puts_the_section_in_the_summary_comment(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs={"assign-reviewers": "1"},
        workspace=history.repo.root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert requests_to(fake_github) == [{"reviewers": ["bob"], "team_reviewers": []}]
    (summary,) = fake_github.issue_comments
    assert "### Suggested reviewers" in summary["body"] and "| @bob |" in summary["body"]
    assert summary["body"].rstrip().endswith("-->")  # the markers still end the comment


def test_a_pr_changing_the_mailmap_cannot_steer_routing(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    workspace = tmp_path / "checkout"
    shutil.copytree(history.repo.root, workspace)
    # The PR's checkout says bob's old commits are the author's: ignored, the base decides.
    (workspace / ".mailmap").write_text(
        f"{AUTHOR} <21031067+Codertocat@users.noreply.github.com> <bob.old@corp.example>\n"
    )
    event = serve_pull(fake_github, history)
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=ROUTING_ONLY, workspace=workspace
    )
    assert requests_to(fake_github) == [{"reviewers": ["bob", "alice"], "team_reviewers": []}]
    assert "8 commits" in result.step_summary


def test_the_section_mentions_only_who_was_asked_and_outlives_a_push(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    for number in range(10, 15):  # bob is already asked on five open PRs
        fake_github.add_pull(number, head_sha=f"{number:040x}", base_sha=history.base, diff="")
        fake_github.request_review(number, user="bob", at="2024-05-30T00:00:00Z")
    inputs = {"assign-reviewers": "2"}
    first = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=inputs, workspace=history.repo.root
    )
    assert first.returncode == 0, first.stdout + first.stderr
    (summary,) = fake_github.issue_comments_of(2)
    section = summary["body"][summary["body"].index("### Suggested reviewers") :]
    # alice was asked; bob (at capacity) and dave (below min-familiarity) are listed, unpinged.
    assert mentions(summary["body"]) == ["@alice"], section
    assert "| `bob` |" in section and "| `dave` |" in section
    # A push: routing has nothing to do (alice is asked) and the review runs again; the
    # section still says who was suggested and why.
    pushed = run_action(
        tmp_path, fake_github, fake_model, event={**event, "action": "synchronize"},
        inputs=inputs, workspace=history.repo.root,
    )  # fmt: skip
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert requests_to(fake_github) == [{"reviewers": ["alice"], "team_reviewers": []}]
    (summary,) = fake_github.issue_comments_of(2)
    assert summary["body"].count("### Suggested reviewers") == 1
    assert section.split("\n\n<sub>History")[0] in summary["body"]
    assert mentions(summary["body"]) == ["@alice"]


def test_a_team_whose_request_a_person_removed_is_not_asked_again(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    event = serve_pull(fake_github, history)
    fake_github.request_review(2, team="payments", at="2024-06-01T12:30:00Z")
    fake_github.requested_of(2)["teams"].remove("payments")
    fake_github.add_event(2, "review_request_removed", "2024-06-01T12:40:00Z", team="payments")
    inputs = {**ROUTING_ONLY, "min-familiarity": "50"}
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=inputs, workspace=history.repo.root
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert requests_to(fake_github) == [{"reviewers": ["payments-lead"], "team_reviewers": []}]


def test_requested_teams_count_towards_the_reviewers_wanted(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # Nobody knows the file well enough: the code owners, two teams, one wanted.
    author = Dev("Codertocat", NOREPLY_AUTHOR, 1, 0)
    history = build_team_history(
        tmp_path / "owned",
        [Dev("Dev", "7+dev@users.noreply.github.com", 1, 300)],
        author=author,
        codeowners=f"* @{AUTHOR}/core @{AUTHOR}/web\n",
    )
    event = serve_pull(fake_github, history, linked={}, writers=("dev",))
    fake_github.set_team(f"{AUTHOR}/core", ["erin"])
    fake_github.set_team(f"{AUTHOR}/web", ["finn"])
    inputs = {**ROUTING_ONLY, "assign-reviewers": "1"}
    for action in ("opened", "reopened", "ready_for_review"):
        result = run_action(
            tmp_path, fake_github, fake_model, event={**event, "action": action},
            inputs=inputs, workspace=history.repo.root,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    assert fake_github.requested_of(2) == {"users": [], "teams": ["core"]}
    assert requests_to(fake_github) == [{"reviewers": [], "team_reviewers": ["core"]}]
