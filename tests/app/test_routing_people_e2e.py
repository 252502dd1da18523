"""Reviewer routing end to end, about people: one person whatever the case of their login,
an author name made to split the log, as many reviewers as the input allows. Each test
writes a history of its own people (`process_helpers.build_team_history`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_runner import run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from process_helpers import (
    NOREPLY_AUTHOR,
    ROUTING_ONLY,
    Dev,
    HistoryRepo,
    build_history,
    build_team_history,
    requests_to,
    serve_pull,
)


def test_as_many_reviewers_as_the_input_allows_can_be_requested(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # 16 people know the file, the newest best; assign-reviewers accepts up to 15.
    devs = [Dev(f"Dev {i}", f"{100 + i}+dev{i}@users.noreply.github.com", 2, i) for i in range(16)]
    author = Dev("Codertocat", NOREPLY_AUTHOR, 1, 0)
    history = build_team_history(tmp_path / "team", devs, author=author)
    logins = [f"dev{i}" for i in range(16)]
    event = serve_pull(fake_github, history, linked={}, writers=tuple(logins))
    result = run_action(
        tmp_path, fake_github, fake_model, event=event,
        inputs={**ROUTING_ONLY, "assign-reviewers": "15", "min-familiarity": "0.01"},
        workspace=history.repo.root,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake_github.requested_of(2)["users"] == logins[:15]


def test_an_author_name_made_to_split_the_log_is_just_a_name(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # git keeps any byte but NUL, < and > in a name: a name holding the separators of a
    # log format could forge records (here one with a date that does not parse).
    sha = "1" * 40
    crafted = f"E\x1e{sha}\x1fX\x1fmallory@example.com\x1fbad\x1e{sha}\x1fY"
    author = Dev("Codertocat", NOREPLY_AUTHOR, 1, 0)
    devs = [
        Dev("Bob", "2+bob@users.noreply.github.com", 3, 2),
        Dev(crafted, "8+mallory@users.noreply.github.com", 5, 1),
    ]
    history = build_team_history(tmp_path / "crafted", devs, author=author)
    event = serve_pull(fake_github, history, linked={}, writers=("bob", "mallory"))
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=ROUTING_ONLY,
        workspace=history.repo.root,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # Mallory's five commits are hers (by her noreply address); nothing else was made up.
    assert fake_github.requested_of(2)["users"] == ["mallory", "bob"]
    assert "| @mallory | " in result.step_summary and "5 commits" in result.step_summary


MIXED_CASE = [
    Dev("Bob", "2+Bob@users.noreply.github.com", 3, 2),
    Dev("Bob", "bob@corp.example", 2, 3, login="Bob"),  # linked to his account by GitHub
    Dev("Carol", "3+carol@users.noreply.github.com", 3, 4),  # her login is `Carol`
    Dev("Dave", "dave@example.com", 1, 5, login="Dave"),
]


@pytest.fixture
def mixed_case(tmp_path: Path, fake_github: FakeGitHub) -> tuple[HistoryRepo, dict]:  # type: ignore[type-arg]
    # The PR's author, `Alice`, committed most, under her noreply address.
    alice = Dev("Alice", "1+Alice@users.noreply.github.com", 6, 1)
    history = build_team_history(tmp_path / "mixed", [alice, *MIXED_CASE], author=alice)
    linked = {d.email: d.login for d in MIXED_CASE if d.login}
    event = serve_pull(
        fake_github, history, author="Alice", linked=linked, writers=("Bob", "Carol", "Dave")
    )
    return history, event


def route_mixed(tmp_path: Path, fake: FakeGitHub, model: FakeModelServer, mixed_case):  # type: ignore[no-untyped-def]
    history, event = mixed_case
    result = run_action(
        tmp_path, fake, model, event=event, inputs=ROUTING_ONLY, workspace=history.repo.root
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::warning::" not in result.stdout, result.stdout  # nothing refused
    assert fake.validation_errors == [] and fake.unhandled == []
    return result


def test_logins_match_whatever_their_case(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, mixed_case
) -> None:  # type: ignore[no-untyped-def]
    result = route_mixed(tmp_path, fake_github, fake_model, mixed_case)
    # `1+Alice@…` is the author: never a candidate. Bob's commits under both addresses are
    # one score; everyone is requested and shown as GitHub spells them.
    assert requests_to(fake_github) == [{"reviewers": ["Bob", "Carol"], "team_reviewers": []}]
    summary = result.step_summary.split("History:")[0]
    assert "Alice" not in summary and "alice" not in summary
    assert "| @Bob | " in summary and "5 commits" in summary and "| @Carol | " in summary


def test_a_removed_request_is_respected_whatever_the_case(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, mixed_case
) -> None:  # type: ignore[no-untyped-def]
    fake_github.request_review(2, user="Bob", at="2024-06-01T12:30:00Z")
    fake_github.requested_of(2)["users"].remove("Bob")
    fake_github.add_event(2, "review_request_removed", "2024-06-01T12:40:00Z")
    fake_github.timeline[2][-1]["requested_reviewer"] = {"login": "Bob"}
    result = route_mixed(tmp_path, fake_github, fake_model, mixed_case)
    assert requests_to(fake_github) == [{"reviewers": ["Carol", "Dave"], "team_reviewers": []}]
    assert "not requested again: a person removed the request" in result.step_summary


def test_someone_already_requested_is_not_asked_again_whatever_the_case(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, mixed_case
) -> None:  # type: ignore[no-untyped-def]
    fake_github.request_review(2, user="Bob", at="2024-06-01T12:30:00Z")
    result = route_mixed(tmp_path, fake_github, fake_model, mixed_case)
    assert requests_to(fake_github) == [{"reviewers": ["Carol"], "team_reviewers": []}]
    assert "already requested or reviewed" in result.step_summary


def test_our_own_review_with_a_users_token_is_no_human_review(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # The action runs as a machine user (a PAT; `bot-login` names it), a plain User
    # account to GitHub, and has already reviewed the PR. On a push, routing still runs:
    # nobody has been requested and no person has reviewed; both wanted are asked.
    history = build_history(tmp_path / "history")
    event = serve_pull(fake_github, history)
    fake_github.add_token("ghp_reviewbot", login="review-bot", user_type="User")
    fake_github.add_review(2, "review-bot", "COMMENT", at="2024-06-01T12:10:00Z")
    result = run_action(
        tmp_path, fake_github, fake_model, event={**event, "action": "synchronize"},
        token="ghp_reviewbot", inputs={**ROUTING_ONLY, "bot-login": "review-bot"},
        workspace=history.repo.root,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert requests_to(fake_github) == [{"reviewers": ["bob", "alice"], "team_reviewers": []}]
    assert "review-bot" not in result.step_summary
