"""The review context end to end (issue 13): the PR's intent and a context report in the
prompt, the walkthrough opening the summary, and a verification pass with a scripted model
that rejects one finding: not posted, not counted, listed collapsed, in the findings file."""

from __future__ import annotations

import json
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
from werkzeug import Response

CRITICAL = Trigger("eval(", severity="critical", category="security", title="Code injection")
WARNING = Trigger("PASSWORD", severity="warning", category="security", title="Hard-coded password")


def scripted(body: dict[str, Any]) -> Response:
    """Reviews like a reading model (with a walkthrough); as a verifier, rejects the
    password finding and confirms the rest."""
    system = body["messages"][0]["content"]
    prompt = user_prompt(body)
    if system.startswith("You verify"):
        rejected = "Hard-coded password" in prompt
        verdict = {"verdict": "reject" if rejected else "confirm",
                   "reason": "A test fixture, not a secret." if rejected else "Real."}  # fmt: skip
        return json_response(completion(json.dumps(verdict)))
    findings = ReadingModel([CRITICAL, WARNING]).findings(prompt)
    walkthrough = [{"path": "src/app.py", "summary": "Adds run() for @octocat"}]
    return json_response(completion(json.dumps({"walkthrough": walkthrough, "findings": findings})))


def test_verification_rejects_a_finding_and_the_summary_opens_with_the_walkthrough(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    number = pr_event()["pull_request"]["number"]
    pull = fake_github.pulls[number]
    pull.commit_messages[pull.head_sha] = "Add a run helper\n\nIt evaluates commands."
    fake_model.queue(*[scripted] * 10)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "advice.md").write_text("# Advice\n\nNever eval user input.\n")
    result = run_action(
        tmp_path,
        fake_github,
        fake_model,
        inputs={"verify": "true", "context-report": "advice.md"},
        workspace=workspace,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # the critical one still fails
    review, *checks = fake_model.requests
    system, user = review["messages"][0]["content"], user_prompt(review)
    # The intent, fenced in the user message, never in the system message.
    title = pr_event()["pull_request"]["title"]
    assert "PR INTENT START" in user and title in user and "Add a run helper" in user
    assert title not in system
    assert "CONTEXT REPORT START" in user and "Never eval user input." in user
    # One verification request per finding at warning or above, each about one finding.
    assert len(checks) == 2
    assert all(c["messages"][0]["content"].startswith("You verify") for c in checks)
    # The run's output cap on every request, the verification requests included.
    cap = {k: v for k, v in review.items() if k in ("max_tokens", "max_completion_tokens")}
    assert cap and all({k: c.get(k) for k in cap} == cap for c in checks)
    # Only the confirmed finding is posted and counted.
    assert [c["body"].count("Code injection") for c in fake_github.review_comments] == [1]
    assert not any("Hard-coded password" in c["body"] for c in fake_github.review_comments)
    assert result.outputs["findings"] == "1"
    summary = fake_github.issue_comments[0]["body"]
    assert summary.index("### Walkthrough") < summary.index("Changes requested")
    assert "Adds run() for @\u200boctocat" in summary  # model text stays inert
    assert "<details><summary>Rejected by verification (1, not counted)</summary>" in summary
    assert "Hard-coded password" in summary and "A test fixture, not a secret." in summary
    assert "Context report: the report `advice.md`." in summary
    assert "verification: 2 request(s)" in summary
    report = json.loads((workspace / "reviewer-findings.json").read_text())
    deliveries = {f["title"]: f["delivery"] for f in report["findings"]}
    assert deliveries == {"Code injection": "inline", "Hard-coded password": "rejected"}
    assert report["counts"]["rejected"] == 1 and report["usage"]["verification_requests"] == 2
    assert report["walkthrough"] == [{"path": "src/app.py", "summary": "Adds run() for @octocat"}]


def test_without_verify_every_finding_stands_and_no_second_request_is_made(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([CRITICAL, WARNING])
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1
    assert len(fake_model.requests) == 1
    assert result.outputs["findings"] == "2"


def test_without_a_checkout_context_reads_through_the_api_are_capped(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    from fakes.git_repo import GitRepo

    from reviewer.app.context_sources import MAX_API_READS

    # 40 changed files, each 60 lines long, served at the base and the head.
    repo = GitRepo(tmp_path / "repo")
    old = "".join(f"def f{n}(x):\n    return x + {n}\n\n" for n in range(20))
    for i in range(40):
        repo.write(f"pkg/m{i}.py", old)
    base = repo.commit("base")
    for i in range(40):
        repo.write(f"pkg/m{i}.py", old.replace("x + 10", "x - 10"))
    head = repo.commit("head")
    add_event_pull(fake_github, repo.diff(base))
    pull = fake_github.pulls[2]
    for i in range(40):
        path = f"pkg/m{i}.py"
        fake_github.set_file(pull.base_sha, path, repo.git("show", f"{base}:{path}"))
        fake_github.set_file(pull.head_sha, path, repo.git("show", f"{head}:{path}"))
    fake_model.model = ReadingModel([CRITICAL])
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 0, result.stdout + result.stderr
    reads = [r for r in fake_github.requests if "/contents/pkg/" in r.path]
    at_head = [r for r in reads if r.query.get("ref") == pull.head_sha]
    assert len(at_head) == MAX_API_READS
    assert len(reads) <= 2 * MAX_API_READS
    # The files read show their enclosing function; the rest git's own context.
    prompts = "\n".join(user_prompt(body) for body in fake_model.requests)
    assert prompts.count("def f10(x):") >= MAX_API_READS
