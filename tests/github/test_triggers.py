"""Which events start a review: `/review` comments, manual dispatch, drafts."""

import json
from pathlib import Path

import pytest
from action_runner import EVENTS, add_event_pull, make_diff, pr_event, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

from reviewer.errors import ConfigError
from reviewer.github.event import PullRequestNumber, Skip, target_from_event

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")


@pytest.fixture
def pr(tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer) -> FakeGitHub:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL])
    return fake_github


def review_comment_event(login: str, body: str = "/review") -> dict:  # type: ignore[type-arg]
    event = json.loads((EVENTS / "issue_comment.created.json").read_text())
    event["issue"]["number"] = 2
    event["issue"]["pull_request"] = {"url": "https://api.github.com/repos/o/r/pulls/2"}
    event["comment"]["body"] = body
    event["comment"]["user"]["login"] = login
    return event


def test_review_command_from_a_writer_reviews_the_pr(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.set_permission("maintainer", "write")
    event = review_comment_event("maintainer")
    result = run_action(tmp_path, pr, fake_model, event=event, event_name="issue_comment")
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(pr.reviews) == 1
    assert pr.reviews[0]["commit_id"] == pr_event()["pull_request"]["head"]["sha"]


def test_review_command_from_a_non_collaborator_is_refused(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    event = review_comment_event("drive-by")
    result = run_action(tmp_path, pr, fake_model, event=event, event_name="issue_comment")
    assert result.returncode == 0
    assert "only users with write access" in result.stdout
    assert fake_model.requests == []
    assert pr.writes() == []


def test_workflow_dispatch_reviews_the_named_pr(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    event = json.loads((EVENTS / "workflow_dispatch.json").read_text())
    result = run_action(
        tmp_path, pr, fake_model, event=event, event_name="workflow_dispatch",
        inputs={"pr-number": "2"},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(pr.review_comments) == 1


def test_drafts_wait_unless_asked(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    event = pr_event()
    event["pull_request"]["draft"] = True
    skipped = run_action(tmp_path, pr, fake_model, event=event)
    assert skipped.returncode == 0 and "draft" in skipped.stdout
    assert fake_model.requests == []
    reviewed = run_action(tmp_path, pr, fake_model, event=event, inputs={"review-drafts": "true"})
    assert reviewed.returncode == 1


def test_event_parsing_for_commands_and_dispatch() -> None:
    assert target_from_event("issue_comment", review_comment_event("a")) == PullRequestNumber(
        2, requested_by="a"
    )
    assert isinstance(target_from_event("issue_comment", review_comment_event("a", "lgtm")), Skip)
    on_issue = review_comment_event("a")
    del on_issue["issue"]["pull_request"]
    assert isinstance(target_from_event("issue_comment", on_issue), Skip)
    assert target_from_event("workflow_dispatch", {"inputs": {"pr-number": "7"}}) == (
        PullRequestNumber(7)
    )
    with pytest.raises(ConfigError, match="pr-number"):
        target_from_event("workflow_dispatch", {"inputs": {}})
