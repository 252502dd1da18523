"""Writes under rate limits and lost responses: never twice, never lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_runner import add_event_pull, make_diff, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

from reviewer import __version__

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
REVIEWS = r"/pulls/\d+/reviews$"


@pytest.fixture
def pr(tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer) -> FakeGitHub:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL])
    return fake_github


def posted_reviews(fake: FakeGitHub) -> list[dict]:  # type: ignore[type-arg]
    return [r for r in fake.reviews if r["state"] != "PENDING"]


def test_a_secondary_rate_limit_is_waited_out(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.fail_next(
        "POST",
        REVIEWS,
        403,
        headers={"Retry-After": "1"},
        body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
    )
    result = run_action(tmp_path, pr, fake_model)
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(posted_reviews(pr)) == 1
    assert len(pr.review_comments) == 1


def test_a_lost_response_after_the_review_landed_is_not_resent(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.fail_next("POST", REVIEWS, 502, after=True)  # applied, then the answer is lost
    result = run_action(tmp_path, pr, fake_model)
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(posted_reviews(pr)) == 1  # found by its marker, not posted again
    assert len(pr.review_comments) == 1
    assert result.outputs["review-url"] == posted_reviews(pr)[0]["html_url"]


def test_a_5xx_before_the_review_landed_is_resent_once(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.fail_next("POST", REVIEWS, 502)
    result = run_action(tmp_path, pr, fake_model)
    assert result.returncode == 1
    assert len(posted_reviews(pr)) == 1
    posts = [r for r in pr.writes() if r.method == "POST" and r.path.endswith("/reviews")]
    assert len(posts) == 2  # the failed attempt and its one resend


def test_a_lost_response_to_the_summary_leaves_one_summary(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.fail_next("POST", r"/issues/\d+/comments$", 502, after=True)
    run_action(tmp_path, pr, fake_model)
    run_action(tmp_path, pr, fake_model)
    assert len(pr.issue_comments) == 1


def test_a_foreign_comment_with_our_marker_is_not_taken_for_a_summary_that_was_lost(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # The PR's author posts our summary marker for the head; then our summary's POST fails
    # before it lands. Looking for what landed must not settle for the author's comment.
    pr.add_token("ghp_author", login="octocat", user_type="User")
    head = pr.pulls[2].head_sha
    pr.act_as("ghp_author", "POST", "/repos/Codertocat/Hello-World/issues/2/comments",
              {"body": f"<!-- reviewer:summary head={head} v={__version__} -->"})  # fmt: skip
    pr.fail_next("POST", r"/issues/\d+/comments$", 502)
    result = run_action(tmp_path, pr, fake_model)
    assert result.returncode == 1, result.stdout + result.stderr
    ours = [c for c in pr.issue_comments if c["user"]["login"] == "github-actions[bot]"]
    assert len(ours) == 1 and ours[0]["body"].startswith("## 🤖 reviewer")
    assert result.outputs["summary-url"] == ours[0]["html_url"]
