"""The action end to end: fake GitHub and fake model over HTTP on 127.0.0.1; the first test
runs it as the container does, `python -m reviewer` in a subprocess."""

from pathlib import Path

import pytest
from action_runner import HEAD_APP, add_event_pull, make_diff, pr_event, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

EVAL = Trigger(
    "eval(",
    severity="critical",
    category="security",
    title="eval() of caller input",
    body="Arbitrary code execution.",
    suggestion="    return ast.literal_eval(command)",
)
SECRET = Trigger('PASSWORD = "', severity="warning", category="security", title="Hard-coded secret")


def line_of(needle: str, text: str = HEAD_APP) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def pr(tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer) -> FakeGitHub:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL, SECRET])
    return fake_github


def test_review_posts_inline_comments_summary_outputs_and_fails_on_critical(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    result = run_action(tmp_path, pr, fake_model, subprocess_run=True)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert pr.validation_errors == [] and pr.unhandled == []
    assert fake_model.shape_errors == []

    (review,) = pr.reviews
    assert review["commit_id"] == pr_event()["pull_request"]["head"]["sha"]
    comments = sorted(pr.review_comments, key=lambda c: c["line"])
    assert [(c["path"], c["line"], c["side"]) for c in comments] == [
        ("src/app.py", line_of("eval("), "RIGHT"),
        ("src/app.py", line_of("PASSWORD"), "RIGHT"),
    ]
    assert "```suggestion\n    return ast.literal_eval(command)\n```" in comments[0]["body"]
    assert "<!-- reviewer:finding fp=" in comments[0]["body"]

    (summary,) = pr.issue_comments
    assert "Changes requested" in summary["body"]
    assert "`logo.png`: skipped, binary file" in summary["body"]
    assert "<!-- reviewer:summary head=" in summary["body"]

    assert result.outputs == {
        "findings": "2",
        "critical": "1",
        "review-url": review["html_url"],
        "summary-url": summary["html_url"],
        "verdict": "fail",
        "prompt-tokens": "100",
        "completion-tokens": "20",
        "cost": "0.000072",  # gpt-4.1-mini list price
        "findings-file": "reviewer-findings.json",
    }
    assert "eval() of caller input" in result.step_summary
    assert f"::error file=src/app.py,line={line_of('eval(')}::critical" in result.stdout
    assert len(pr.writes()) == 2  # one review, one summary comment


def test_second_run_posts_nothing_new_and_edits_the_summary(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    first = run_action(tmp_path, pr, fake_model)
    writes_before = len(pr.writes())
    second = run_action(tmp_path, pr, fake_model)
    assert (first.returncode, second.returncode) == (1, 1)  # still red until fixed
    assert len(pr.reviews) == 1
    assert len(pr.review_comments) == 2
    assert len(pr.issue_comments) == 1
    new_writes = pr.writes()[writes_before:]
    assert [w.method for w in new_writes] == ["PATCH"]
    assert second.outputs["findings"] == "2" and second.outputs["review-url"] == ""
    assert pr.validation_errors == []


def test_dry_run_posts_nothing(tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer) -> None:
    result = run_action(tmp_path, pr, fake_model, inputs={"dry-run": "true", "fail-on": "never"})
    assert result.returncode == 0
    assert pr.writes() == []
    assert "eval() of caller input" in result.step_summary
    assert result.outputs["verdict"] == "pass"


def test_fork_with_read_only_token_falls_back_to_annotations(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.add_token("ghs_readonly", can_write=False)
    result = run_action(tmp_path, pr, fake_model, token="ghs_readonly")
    assert result.returncode == 1
    assert pr.reviews == [] and pr.issue_comments == []
    assert f"::error file=src/app.py,line={line_of('eval(')},title=eval() of caller input" in (
        result.stdout
    )
    assert "Hard-coded secret" in result.step_summary  # nothing lost
    assert result.outputs["verdict"] == "fail"


def test_model_down_is_reported_as_incomplete_not_pass(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    from fakes.openai_server import failing

    fake_model.queue(*[failing(500, headers={"Retry-After": "0"}) for _ in range(8)])
    result = run_action(tmp_path, pr, fake_model)
    assert result.returncode == 3
    assert result.outputs["verdict"] == "incomplete"
    assert "not reviewed" in result.step_summary
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("event_name", "event", "code", "text"),
    [
        ("push", {}, 0, "not a pull request event"),
        ("pull_request", {"action": "closed"}, 0, "does not need a review"),
        ("pull_request", {"action": "opened"}, 2, "no `pull_request` object"),
    ],
)
def test_events_that_are_not_reviewed(
    tmp_path: Path,
    fake_github: FakeGitHub,
    fake_model: FakeModelServer,
    event_name: str,
    event: dict,  # type: ignore[type-arg]
    code: int,
    text: str,
) -> None:
    result = run_action(tmp_path, fake_github, fake_model, event=event, event_name=event_name)
    assert result.returncode == code
    assert text in result.stdout
    assert "Traceback" not in result.stderr
    assert fake_github.requests == []


def test_bad_token_and_missing_key_exit_2_with_a_fix(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    bad_token = run_action(tmp_path, pr, fake_model, token="ghs_wrong")
    assert bad_token.returncode == 2
    assert "github-token" in bad_token.stdout
    no_key = run_action(tmp_path, pr, fake_model, inputs={"api-key": "", "base-url": ""})
    assert no_key.returncode == 2
    assert "::error::No API key" in no_key.stdout


def test_a_422_on_one_comment_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    pr.refused_lines = {("src/app.py", line_of("eval("))}
    result = run_action(tmp_path, pr, fake_model)
    assert result.returncode == 1, result.stderr
    assert len([r for r in pr.reviews if r["state"] != "PENDING"]) == 1
    assert [r for r in pr.reviews if r["state"] == "PENDING"] == []  # probes cleaned up
    assert [(c["path"], c["line"]) for c in pr.review_comments] == [
        ("src/app.py", line_of("PASSWORD"))
    ]
    (summary,) = pr.issue_comments
    assert "eval() of caller input" in summary["body"]
    assert "GitHub refused the inline comment (422)" in summary["body"]
    assert result.outputs["findings"] == "2"
    assert pr.validation_errors == []


def test_summary_links_each_inline_comment(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    run_action(tmp_path, pr, fake_model)
    (summary,) = pr.issue_comments
    for comment in pr.review_comments:
        assert f"[comment]({comment['html_url']})" in summary["body"]
    assert "<details><summary>Files reviewed (1)</summary>" in summary["body"]


def test_a_fork_pr_without_secrets_is_skipped_not_failed(
    tmp_path: Path, pr: FakeGitHub, fake_model: FakeModelServer
) -> None:
    event = pr_event()
    event["pull_request"]["head"]["repo"]["full_name"] = "forker/Hello-World"
    result = run_action(
        tmp_path, pr, fake_model, event=event, inputs={"api-key": "", "base-url": ""}
    )
    assert result.returncode == 0
    assert "pull_request_target" in result.stdout
    assert pr.requests == [] and fake_model.requests == []
