"""Issue 11, cases 16 to 19, end to end: maintainers can dismiss a false positive, App tokens
know who they are, overlapping runs post nothing twice, and the smaller breaks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from action_runner import HEAD_APP, add_event_pull, make_diff, pr_event, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger
from paths import EVENTS

from reviewer.core.fingerprint import finding_marker, fingerprint

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
SECRET = Trigger('PASSWORD = "', severity="warning", category="security", title="Secret")
REPO = "/repos/Codertocat/Hello-World"
EVAL_FP = fingerprint("src/app.py", "    return eval(command)")


@pytest.fixture
def pr(tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer) -> FakeGitHub:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL, SECRET])
    fake_github.add_token("ghp_maintainer", login="maintainer", user_type="User")
    fake_github.set_permission("maintainer", "maintain")
    fake_github.add_token("ghp_author", login="octocat", user_type="User")
    fake_github.set_permission("octocat", "read")
    return fake_github


def review_comment_event(body: str) -> dict[str, Any]:
    """GitHub's example `pull_request_review_comment.created`, about our PR #2."""
    event: dict[str, Any] = json.loads(
        (EVENTS / "pull_request_review_comment.created.json").read_text()
    )
    event["pull_request"] = pr_event()["pull_request"]
    event["comment"]["body"] = body
    return event


def eval_comment(github: FakeGitHub) -> dict[str, Any]:
    return next(c for c in github.review_comments if EVAL_FP in c["body"])


def test_a_maintainer_resolving_the_thread_dismisses_the_finding(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    assert run_action(tmp_path, pr, fake_model).returncode == 1
    pr.resolve_thread(eval_comment(pr)["id"], "maintainer")
    # GitHub starts no workflow for a resolution: it counts from the next run, here one
    # started by a `/dismiss` elsewhere.
    result = run_action(
        tmp_path,
        pr,
        fake_model,
        event=review_comment_event("/dismiss see the thread"),
        event_name="pull_request_review_comment",
    )
    assert result.returncode == 0, result.stdout + result.stderr  # no longer blocks
    assert len(fake_model.requests) == 1  # the review of this head is reused, not redone
    (summary,) = pr.issue_comments
    assert "Dismissed by maintainers" in summary["body"]
    assert "dismissed, by @\u200bmaintainer: resolved the thread" in summary["body"]
    assert result.outputs["critical"] == "0"
    # The check on the PR's head says so too: the run GitHub shows is on another commit.
    assert pr.statuses[-1]["state"] == "success"
    # A fresh review finds it again: still dismissed, never posted again.
    again = run_action(
        tmp_path,
        pr,
        fake_model,
        event_name="workflow_dispatch",
        event={"inputs": {"pr-number": "2"}},
    )
    assert again.returncode == 0 and len(pr.review_comments) == 2


def test_dismiss_commands_from_writers_count_and_from_others_do_not(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    assert run_action(tmp_path, pr, fake_model).returncode == 1
    comment = eval_comment(pr)
    # The PR's author (read access) can't dismiss: still failing.
    pr.act_as(
        "ghp_author",
        "POST",
        f"{REPO}/pulls/2/comments/{comment['id']}/replies",
        {"body": "/dismiss not a problem"},
    )
    event = pr_event()
    event["action"] = "synchronize"
    assert run_action(tmp_path, pr, fake_model, event=event).returncode == 1
    # A maintainer's /dismiss on the PR, naming the finding by its short id.
    pr.act_as(
        "ghp_maintainer",
        "POST",
        f"{REPO}/issues/2/comments",
        {"body": f"/dismiss {EVAL_FP[:8]} reviewed with security, input is a constant"},
    )
    dismissed = run_action(
        tmp_path,
        pr,
        fake_model,
        event_name="issue_comment",
        event=_issue_comment("/dismiss ..."),
    )
    assert dismissed.returncode == 0, dismissed.stdout + dismissed.stderr
    summary = next(c for c in pr.issue_comments if "reviewer:summary" in c["body"])
    assert "input is a constant" in summary["body"]


def _issue_comment(body: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / "issue_comment.created.json").read_text())
    event["issue"]["number"] = 2
    event["issue"]["pull_request"] = {"url": f"https://api.github.com{REPO}/pulls/2"}
    event["comment"]["body"] = body
    return event


@pytest.mark.parametrize(
    ("token", "login", "inputs"),
    [
        pytest.param("ghs_app", "my-review-app[bot]", {}, id="app-token-viewer"),
        pytest.param(
            "ghs_app", "my-review-app[bot]", {"bot-login": "my-review-app[bot]"}, id="bot-login"
        ),
        pytest.param("ghp_person", "some-maintainer", {}, id="user-token"),
    ],
)
def test_app_and_user_tokens_recognise_their_own_markers(
    tmp_path: Path,
    pr: FakeGitHub,
    fake_model: FakeModelServer,
    token: str,
    login: str,
    inputs: dict[str, str],
) -> None:
    pr.add_token(token, login=login, user_type="Bot" if login.endswith("[bot]") else "User")
    for _ in range(3):
        result = run_action(
            tmp_path,
            pr,
            fake_model,
            token=token,
            inputs=inputs,
            event_name="workflow_dispatch",
            event={"inputs": {"pr-number": "2"}},
        )
        assert result.returncode == 1, result.stdout + result.stderr
    assert len(pr.review_comments) == 2 and len(pr.issue_comments) == 1
    assert {c["user"]["login"] for c in pr.review_comments} == {login}


def test_a_run_that_lands_meanwhile_is_seen_before_writing(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    """Another run posts the same finding, and a summary, between this run's first look and
    its writes: nothing is posted twice, the one summary is edited."""
    eval_line = next(i for i, t in enumerate(HEAD_APP.splitlines(), 1) if "eval(" in t)

    def other_run_posts_a_comment() -> None:
        pr.act_as(
            "ghs_test",
            "POST",
            f"{REPO}/pulls/2/reviews",
            {
                "commit_id": pr_event()["pull_request"]["head"]["sha"],
                "event": "COMMENT",
                "body": "",
                "comments": [
                    {
                        "path": "src/app.py",
                        "line": eval_line,
                        "side": "RIGHT",
                        "body": "eval\n\n" + finding_marker(EVAL_FP),
                    }
                ],
            },
        )

    def other_run_posts_a_summary() -> None:
        body = "## 🤖 reviewer\n\n<!-- reviewer:summary head=" + "0" * 40 + " v=0.1.0 -->"
        pr.act_as("ghs_test", "POST", f"{REPO}/issues/2/comments", {"body": body})

    pr.on_request("GET", r"/pulls/2/comments$", other_run_posts_a_comment, nth=2)
    pr.on_request("GET", r"/issues/2/comments$", other_run_posts_a_summary, nth=2)
    result = run_action(tmp_path, pr, fake_model)
    assert result.returncode == 1
    assert len(pr.review_comments) == 2  # the other run's eval comment, and our secret one
    assert sum(EVAL_FP in c["body"] for c in pr.review_comments) == 1
    (summary,) = pr.issue_comments
    assert "Secret" in summary["body"]


def test_two_runs_creating_a_summary_at_once_converge_on_the_oldest(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    """Both runs read the comments before either wrote: each creates a summary. The one
    whose comment is not the oldest writes its body there and deletes its own."""

    def other_run_creates_its_summary() -> None:
        body = "## 🤖 reviewer\n\n<!-- reviewer:summary head=" + "0" * 40 + " v=0.1.0 -->"
        pr.act_as("ghs_test", "POST", f"{REPO}/issues/2/comments", {"body": body})

    pr.on_request("POST", r"/issues/2/comments$", other_run_creates_its_summary)
    result = run_action(tmp_path, pr, fake_model)
    assert result.returncode == 1
    (summary,) = pr.issue_comments
    assert "Secret" in summary["body"]  # this run's body, in the other run's comment
    assert result.outputs["summary-url"] == summary["html_url"]


def test_summaries_left_by_overlapping_runs_are_folded_into_the_oldest(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    stale = "## 🤖 reviewer\n\nstale\n\n<!-- reviewer:summary head=" + "0" * 40 + " v=0.1.0 -->"
    first = pr.act_as("ghs_test", "POST", f"{REPO}/issues/2/comments", {"body": stale})
    pr.act_as("ghs_test", "POST", f"{REPO}/issues/2/comments", {"body": stale})
    # Someone else's comment with our marker is not ours to delete.
    pr.act_as("ghp_maintainer", "POST", f"{REPO}/issues/2/comments", {"body": stale})
    assert run_action(tmp_path, pr, fake_model).returncode == 1
    ours, theirs = pr.issue_comments
    assert ours["id"] == first["id"] and "Secret" in ours["body"]
    assert theirs["body"] == stale


def test_text_added_below_the_summary_marker_keeps_one_summary(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    assert run_action(tmp_path, pr, fake_model).returncode == 1
    (summary,) = pr.issue_comments
    pr.act_as(  # a maintainer edits our comment
        "ghp_maintainer",
        "PATCH",
        f"{REPO}/issues/comments/{summary['id']}",
        {"body": summary["body"] + "\n\nNote from a maintainer: tracked in #12."},
    )
    forced = run_action(
        tmp_path,
        pr,
        fake_model,
        event_name="workflow_dispatch",
        event={"inputs": {"pr-number": "2"}},
    )
    assert forced.returncode == 1
    assert len(pr.issue_comments) == 1


def test_a_read_only_token_annotates_each_finding_once_and_says_what_is_missing(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.add_token("ghs_readonly", can_write=False)
    result = run_action(tmp_path, pr, fake_model, token="ghs_readonly")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "line=" in line]
    assert len(lines) == 2  # one annotation per finding
    assert "pull-requests: write" in result.stdout


def test_review_command_runs_set_a_status_on_the_pull_requests_head(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.set_permission("maintainer", "write")
    result = run_action(
        tmp_path, pr, fake_model, event_name="issue_comment", event=_issue_comment("/review")
    )
    assert result.returncode == 1, result.stdout
    (status,) = pr.statuses
    assert status["sha"] == pr_event()["pull_request"]["head"]["sha"]
    assert status["context"] == "reviewer" and status["state"] == "failure"
    assert status["target_url"] == result.outputs["summary-url"]
    # Without `statuses: write`, it says which permission to add, and the verdict stands.
    pr.add_token("ghs_nostatus", can_set_status=False)
    again = run_action(
        tmp_path,
        pr,
        fake_model,
        token="ghs_nostatus",
        event_name="issue_comment",
        event=_issue_comment("/review"),
    )
    assert again.returncode == 1 and "statuses: write" in again.stdout


def test_a_dismiss_with_no_review_to_reuse_costs_no_model_request(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    """Anyone may write `/dismiss`: with no review of the head to work the verdict out
    from, the run it starts once paid for a whole review at anybody's word."""
    pr.act_as("ghp_author", "POST", f"{REPO}/issues/2/comments", {"body": "/dismiss 12345678 x"})
    writes = len(pr.writes())
    result = run_action(
        tmp_path, pr, fake_model, event_name="issue_comment", event=_issue_comment("/dismiss x")
    )
    assert result.returncode == 0 and result.outputs["verdict"] == "skip"
    assert "No complete review" in result.stdout
    assert fake_model.requests == [] and len(pr.writes()) == writes
