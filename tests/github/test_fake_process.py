"""The fake GitHub's review-process endpoints answer in GitHub's documented shapes (checked
against the OpenAPI description) and behave like GitHub where the process relies on it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fakes.github import FakeGitHub
from fakes.github_process import FakeCommit
from fakes.openapi import OpenAPIValidator
from github import Auth, Github, GithubException

REPO = "Codertocat/Hello-World"
AT = "2024-06-01T12:00:00Z"


def client(fake: FakeGitHub) -> Github:
    return Github(
        auth=Auth.Token("ghs_test"),
        base_url=fake.base_url,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add_pull(2, head_sha="a" * 40, base_sha="b" * 40, diff="", created_at=AT)
    fake_github.set_permission("amy", "write")
    fake_github.set_team("Codertocat/core", ["amy"])
    fake_github.add_commit(
        FakeCommit("c" * 40, "amy", "Amy", "amy@example.com", AT, ("src/a.py",), "Fix (#2)")
    )
    fake_github.request_review(2, user="amy", at=AT)
    fake_github.add_review(2, "amy", "COMMENT", at=AT)
    fake_github.add_event(2, "ready_for_review", AT)
    fake_github.add_event(2, "head_ref_force_pushed", AT, sha="a" * 40)
    fake_github.add_event(2, "committed", AT, sha="a" * 40)
    return fake_github


def get(fake: FakeGitHub, path: str, **params: Any) -> Any:
    return client(fake).requester.requestJsonAndCheck("GET", path, parameters=params)[1]


def test_responses_match_openapi_schemas(fake: FakeGitHub) -> None:
    g = client(fake)
    g.requester.requestJsonAndCheck(
        "POST", f"/repos/{REPO}/issues/2/labels", input={"labels": ["review-overdue"]}
    )
    validator = OpenAPIValidator()
    paths = [
        f"/repos/{REPO}/pulls",
        f"/repos/{REPO}/pulls/2/requested_reviewers",
        f"/repos/{REPO}/commits",
        f"/repos/{REPO}/commits/{'c' * 40}",
        f"/repos/{REPO}/issues/2/labels",
        f"/repos/{REPO}/issues/2/timeline",
        "/search/issues?",
        "/orgs/Codertocat/teams/core/members",
    ]
    errors = []
    for path in paths:
        params = (
            {"q": f"is:open is:pr review-requested:amy repo:{REPO}"} if "search" in path else {}
        )
        errors += validator.validate_response(
            "GET", path.rstrip("?"), 200, get(fake, path.rstrip("?"), **params)
        )
    assert errors == []


def test_review_requests_like_github(fake: FakeGitHub) -> None:
    g = client(fake)
    url = f"/repos/{REPO}/pulls/2/requested_reviewers"
    with pytest.raises(GithubException) as refused:
        g.requester.requestJsonAndCheck("POST", url, input={"reviewers": ["stranger"]})
    assert refused.value.status == 422 and "collaborators" in refused.value.data["message"]
    g.requester.requestJsonAndCheck(
        "POST", url, input={"reviewers": ["amy"], "team_reviewers": ["core"]}
    )
    g.requester.requestJsonAndCheck("POST", url, input={"reviewers": ["amy"]})  # again: no-op
    assert fake.requested_of(2) == {"users": ["amy"], "teams": ["core"]}
    assert (
        get(fake, "/search/issues", q=f"is:open is:pr review-requested:amy repo:{REPO}")[
            "total_count"
        ]
        == 1
    )
    g.requester.requestJsonAndCheck("DELETE", url, input={"reviewers": ["amy"]})
    kinds = [e["event"] for e in get(fake, f"/repos/{REPO}/issues/2/timeline")]
    assert kinds.count("review_requested") == 3 and kinds[-1] == "review_request_removed"
    assert fake.validation_errors == []


def test_commits_per_path_are_filtered_paginated_and_linked(fake: FakeGitHub) -> None:
    for i in range(150):
        fake.add_commit(
            FakeCommit(
                f"{i:040x}",
                None,
                "Old",
                "old@example.com",
                f"2020-01-01T00:{i // 60:02d}:{i % 60:02d}Z",
                ("src/a.py",),
            )
        )
    repo = client(fake).get_repo(REPO)
    commits = list(repo.get_commits(path="src/a.py"))
    assert len(commits) == 151 and commits[0].author.login == "amy" and commits[1].author is None
    until = list(repo.get_commits(path="src/a.py", until=datetime(2021, 1, 1, tzinfo=UTC)))
    assert len(until) == 150
    assert list(repo.get_commits(path="src/other.py")) == []


def test_labels_and_comment_deletion(fake: FakeGitHub) -> None:
    g = client(fake)
    issue = g.withLazy(True).get_repo(REPO).get_issue(2)
    # GitHub's recommended body: an object (PyGithub's add_to_labels sends a bare list).
    for _ in range(2):
        g.requester.requestJsonAndCheck(
            "POST", f"/repos/{REPO}/issues/2/labels", input={"labels": ["review-overdue"]}
        )
    assert [label.name for label in issue.get_labels()] == ["review-overdue"]
    issue.remove_from_labels("review-overdue")
    with pytest.raises(GithubException) as gone:
        issue.remove_from_labels("review-overdue")
    assert gone.value.status == 404
    comment = issue.create_comment("x")
    comment.delete()
    assert fake.issue_comments == []


def test_teams_unreadable_with_an_installation_token(fake: FakeGitHub) -> None:
    fake.teams_readable = False
    with pytest.raises(GithubException) as refused:
        get(fake, "/orgs/Codertocat/teams/core/members")
    assert refused.value.status == 403
