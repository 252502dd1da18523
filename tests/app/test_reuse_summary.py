"""Issue 15 §2: a run on a head already reviewed with the same configuration sends nothing
to the model and republishes the summary from the recorded state, with the same content
as the review it reuses: the walkthrough, the context used and the findings the
verification pass rejected included. The same for a run started by `/dismiss`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from action_runner import add_event_pull, make_diff, pr_event, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import (
    FakeModelServer,
    ReadingModel,
    Trigger,
    completion,
    json_response,
    user_prompt,
)
from paths import EVENTS
from werkzeug import Response

CRITICAL = Trigger("eval(", severity="critical", category="security", title="Code injection")
WARNING = Trigger("PASSWORD", severity="warning", category="security", title="Hard-coded password")
WALKTHROUGH = "Adds run() for @octocat"


def scripted(body: dict[str, Any]) -> Response:
    """Reviews like a reading model, with a walkthrough; as a verifier, rejects the password
    finding and confirms the rest."""
    prompt = user_prompt(body)
    if body["messages"][0]["content"].startswith("You verify"):
        rejected = "Hard-coded password" in prompt
        verdict = {"verdict": "reject" if rejected else "confirm",
                   "reason": "A test fixture, not a secret." if rejected else "Real."}  # fmt: skip
        return json_response(completion(json.dumps(verdict)))
    findings = ReadingModel([CRITICAL, WARNING]).findings(prompt)
    walkthrough = [{"path": "src/app.py", "summary": WALKTHROUGH}]
    return json_response(completion(json.dumps({"walkthrough": walkthrough, "findings": findings})))


def visible(summary: str) -> str:
    """The summary without its footer (this run's figures) and what follows it."""
    return summary[: summary.index("<sub>")]


def sections(summary: str) -> dict[str, str]:
    """The walkthrough and the two collapsed lists this test is about, as rendered."""
    found = {
        "walkthrough": re.search(r"### Walkthrough\n(?:- .*\n?)+", summary),
        "context": re.search(r"<details><summary>Context used.*?</details>", summary, re.S),
        "rejected": re.search(r"<details><summary>Rejected by verif.*?</details>", summary, re.S),
    }
    return {name: match.group(0) if match else "" for name, match in found.items()}


def _reviewed(tmp_path: Path, github: FakeGitHub, model: FakeModelServer) -> dict[str, Any]:
    add_event_pull(github, make_diff(tmp_path))
    model.queue(*[scripted] * 10)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "advice.md").write_text("# Advice\n\nNever eval user input.\n")
    inputs = {"verify": "true", "context-report": "advice.md"}
    first = run_action(tmp_path, github, model, inputs=inputs, workspace=workspace)
    assert first.returncode == 1, first.stdout + first.stderr
    assert len(model.requests) == 3  # the review and two verifications
    return inputs


def test_a_rerun_on_the_same_head_republishes_the_same_summary(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    inputs = _reviewed(tmp_path, fake_github, fake_model)
    (summary,) = fake_github.issue_comments
    before = summary["body"]
    shown = sections(before)
    assert all(shown.values()), shown  # the run reused has all three
    assert "Adds run() for @\u200boctocat" in shown["walkthrough"]
    assert "Context report: the report `advice.md`." in shown["context"]
    assert "A test fixture, not a secret." in shown["rejected"]
    again = run_action(tmp_path, fake_github, fake_model, inputs=inputs)
    assert again.returncode == 1, again.stdout + again.stderr
    assert len(fake_model.requests) == 3  # nothing sent to the model
    assert again.outputs["prompt-tokens"] == "0"
    (summary,) = fake_github.issue_comments
    assert visible(summary["body"]) == visible(before)
    assert sections(again.step_summary) == shown
    # The findings file says what the summary says.
    report = json.loads((tmp_path / "workspace" / "reviewer-findings.json").read_text())
    assert report["walkthrough"] == [{"path": "src/app.py", "summary": WALKTHROUGH}]
    assert report["context_used"] == ["Context report: the report `advice.md`."]
    deliveries = {f["title"]: f["delivery"] for f in report["findings"]}
    assert deliveries == {"Code injection": "already-posted", "Hard-coded password": "rejected"}
    # And a third run, reusing a summary that was itself republished, still has them.
    third = run_action(tmp_path, fake_github, fake_model, inputs=inputs)
    assert third.returncode == 1 and len(fake_model.requests) == 3
    assert visible(fake_github.issue_comments[0]["body"]) == visible(before)


def test_a_dismissal_run_keeps_the_walkthrough_context_and_rejections(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    inputs = _reviewed(tmp_path, fake_github, fake_model)
    shown = sections(fake_github.issue_comments[0]["body"])
    fake_github.add_token("ghp_maintainer", login="maintainer", user_type="User")
    fake_github.set_permission("maintainer", "maintain")
    (critical,) = fake_github.review_comments
    fake_github.resolve_thread(critical["id"], "maintainer")
    event: dict[str, Any] = json.loads(
        (EVENTS / "pull_request_review_comment.created.json").read_text()
    )
    event["pull_request"] = pr_event()["pull_request"]
    event["comment"]["body"] = "/dismiss see the thread"
    dismissed = run_action(
        tmp_path,
        fake_github,
        fake_model,
        event=event,
        event_name="pull_request_review_comment",
        inputs=inputs,
    )
    assert dismissed.returncode == 0, dismissed.stdout + dismissed.stderr
    assert len(fake_model.requests) == 3  # reused, not reviewed again
    (summary,) = fake_github.issue_comments
    assert "Dismissed by maintainers" in summary["body"]
    assert sections(summary["body"]) == shown
