"""Reviewer routing when another run (or a person) requests reviewers on the same pull
request while this run is choosing: the requested reviewers are read again just before
the request, nobody is asked twice, no more than `assign-reviewers` are asked in all, and
the summary says what this run did and what it found done."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_runner import run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from process_helpers import ROUTING_ONLY, HistoryRepo, build_history, requests_to, serve_pull

REQUESTED = "/repos/Codertocat/Hello-World/pulls/2/requested_reviewers"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> HistoryRepo:
    return build_history(tmp_path_factory.mktemp("history") / "repo")


def row(summary: str, login: str) -> str:
    """The "Suggested reviewers" row of `login` (mentioned or named)."""
    return next(
        line
        for line in summary.splitlines()
        if line.startswith((f"| @{login} |", f"| `{login}` |"))
    )


def route_while_another_run_requests(
    tmp_path: Path,
    fake_github: FakeGitHub,
    fake_model: FakeModelServer,
    history: HistoryRepo,
    meanwhile: list[str],
) -> str:
    """Routes #2 with `min-familiarity` 0: bob, alice, dave (no write access) and carol are
    the candidates, in that order; bob is asked on four other open PRs, one short of
    `max-open-reviews` 5. Just before the run counts bob's open review requests, another
    run requests `meanwhile`. The step summary."""
    event = serve_pull(fake_github, history)
    for number in range(10, 14):
        fake_github.add_pull(number, head_sha=f"{number:040x}", base_sha=history.base, diff="")
        fake_github.request_review(number, user="bob", at="2024-05-30T00:00:00Z")

    def other_run() -> None:
        fake_github.act_as("ghs_test", "POST", REQUESTED, {"reviewers": meanwhile})

    fake_github.on_request("GET", r"/search/issues", other_run)
    result = run_action(
        tmp_path, fake_github, fake_model, event=event,
        inputs={**ROUTING_ONLY, "max-open-reviews": "5", "min-familiarity": "0"},
        workspace=history.repo.root,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake_github.validation_errors == [] and fake_github.unhandled == []
    return result.step_summary


def test_reviewers_requested_meanwhile_are_not_topped_up(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    summary = route_while_another_run_requests(
        tmp_path, fake_github, fake_model, history, ["bob", "alice"]
    )
    # The other run's request is the only one: two reviewers wanted, two requested.
    assert requests_to(fake_github) == [{"reviewers": ["bob", "alice"]}]
    assert fake_github.requested_of(2)["users"] == ["bob", "alice"]
    # Neither is said to be at capacity or requested by this run (nor mentioned).
    for login in ("bob", "alice"):
        assert "| already requested or reviewed (requested while this run ran) |" in (
            row(summary, login)
        ), summary
    assert "not requested: enough reviewers were" in row(summary, "carol")
    assert "held back" not in summary and "**requested" not in summary and "@" not in summary


def test_only_the_room_left_is_requested(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, history: HistoryRepo
) -> None:
    summary = route_while_another_run_requests(tmp_path, fake_github, fake_model, history, ["bob"])
    # bob was asked meanwhile: one place left, for alice; carol, also chosen, is not asked.
    assert requests_to(fake_github)[1:] == [{"reviewers": ["alice"], "team_reviewers": []}]
    assert fake_github.requested_of(2)["users"] == ["bob", "alice"]
    assert "already requested or reviewed (requested while this run ran)" in row(summary, "bob")
    assert "**requested (0 open review requests)**" in row(summary, "alice")
    assert "not requested: enough reviewers were requested while this run ran" in (
        row(summary, "carol")
    )
