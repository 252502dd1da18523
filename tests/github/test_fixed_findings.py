"""Fixed findings: their threads are resolved (or answered once), never deleted, and never
touched when a human replied."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_runner import add_event_pull, make_diff, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

from reviewer.github.threads import ADDRESSED_MARKER

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
SECRET = Trigger('PASSWORD = "', severity="warning", category="security", title="Secret")


@pytest.fixture
def reviewed(tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer) -> FakeGitHub:
    """A PR reviewed once (two findings), then fixed: the eval line is gone."""
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL, SECRET])
    assert run_action(tmp_path, fake_github, fake_model).returncode == 1
    eval_comment = next(c for c in fake_github.review_comments if "eval" in c["body"])
    fake_github.mark_outdated(int(eval_comment["id"]))
    fake_model.model = ReadingModel([SECRET])  # the model no longer finds the eval
    return fake_github


def test_a_fixed_finding_is_resolved_in_one_mutation(
    tmp_path: Path, reviewed: FakeGitHub, fake_model: FakeModelServer
) -> None:
    result = run_action(tmp_path, reviewed, fake_model)
    assert result.returncode == 0  # the critical finding is gone
    eval_comment = next(c for c in reviewed.review_comments if "eval" in c["body"])
    assert reviewed.resolved_threads == {int(eval_comment["id"])}
    assert reviewed.graphql_mutations == 1
    assert len(reviewed.review_comments) == 2  # nothing deleted, nothing added
    assert "eval() of input" not in reviewed.issue_comments[0]["body"]
    # A third run has nothing more to do.
    run_action(tmp_path, reviewed, fake_model)
    assert reviewed.graphql_mutations == 1


def test_without_permission_to_resolve_it_replies_once(
    tmp_path: Path, reviewed: FakeGitHub, fake_model: FakeModelServer
) -> None:
    reviewed.add_token("ghs_noresolve", can_resolve=False)
    for _ in range(2):
        assert run_action(tmp_path, reviewed, fake_model, token="ghs_noresolve").returncode == 0
    replies = [c for c in reviewed.review_comments if c.get("in_reply_to_id")]
    assert len(replies) == 1
    assert ADDRESSED_MARKER in replies[0]["body"]
    assert reviewed.resolved_threads == set()


def test_a_thread_a_human_replied_to_is_left_alone(
    tmp_path: Path, reviewed: FakeGitHub, fake_model: FakeModelServer
) -> None:
    eval_comment = next(c for c in reviewed.review_comments if "eval" in c["body"])
    reviewed.add_token("ghp_human", login="octocat", user_type="User")
    from github import Auth, Github

    gh = Github(auth=Auth.Token("ghp_human"), base_url=reviewed.base_url, retry=None)
    gh.get_repo("Codertocat/Hello-World").get_pull(2).create_review_comment_reply(
        int(eval_comment["id"]), "I disagree, this input is trusted."
    )
    run_action(tmp_path, reviewed, fake_model)
    assert reviewed.resolved_threads == set()
    assert reviewed.graphql_mutations == 0


def test_github_enterprise_server_urls(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    """On GHES the REST API is under /api/v3 and GraphQL at /api/graphql."""
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL, SECRET])
    first = run_action(tmp_path, fake_github, fake_model, api_prefix="/api/v3")
    assert first.returncode == 1
    eval_comment = next(c for c in fake_github.review_comments if "eval" in c["body"])
    fake_github.mark_outdated(int(eval_comment["id"]))
    fake_model.model = ReadingModel([SECRET])
    second = run_action(tmp_path, fake_github, fake_model, api_prefix="/api/v3")
    assert second.returncode == 0
    assert fake_github.resolved_threads == {int(eval_comment["id"])}
    prefixes = {r.prefix for r in fake_github.requests}
    assert prefixes == {"/api/v3", "/api"}  # REST and GraphQL, nothing at the bare root
    assert fake_github.validation_errors == []  # checked against the GHES 3.17 description
