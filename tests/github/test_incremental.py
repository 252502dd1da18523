"""Incremental review: after a push, only the new commits go to the model; open findings
from earlier reviews are carried forward; a force-push gets a full review."""

from __future__ import annotations

from pathlib import Path

from action_runner import BASE_APP, HEAD_APP, pr_event, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
SECRET = Trigger('PASSWORD = "', severity="warning", category="security", title="Secret")
EXEC = Trigger("os.system(", severity="warning", category="security", title="Shell command")

SECOND_COMMIT = HEAD_APP + "\n\ndef shell(cmd):\n    return os.system(cmd)\n"


def event_for(head: str, base: str, action: str) -> dict:  # type: ignore[type-arg]
    event = pr_event(action)
    event["pull_request"]["head"]["sha"] = head
    event["pull_request"]["base"]["sha"] = base
    return event


def history(root: Path) -> tuple[GitRepo, str, str, str]:
    repo = GitRepo(root)
    repo.write("src/app.py", BASE_APP)
    base = repo.commit("base")
    repo.write("src/app.py", HEAD_APP)
    first = repo.commit("first push")
    repo.write("src/app.py", SECOND_COMMIT)
    second = repo.commit("second push")
    return repo, base, first, second


def user_prompts(model: FakeModelServer) -> str:
    return "\n".join(
        m["content"] for r in model.requests for m in r["messages"] if m["role"] == "user"
    )


def test_a_push_reviews_only_the_new_commit_and_carries_open_findings(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo, base, first, second = history(tmp_path / "repo")
    fake_model.model = ReadingModel([EVAL, SECRET, EXEC])
    fake_github.add_pull(2, head_sha=first, base_sha=base, diff=repo.diff(base, first))
    opened = run_action(tmp_path, fake_github, fake_model, event=event_for(first, base, "opened"))
    assert opened.returncode == 1
    assert len(fake_github.review_comments) == 2

    fake_github.add_pull(
        2, head_sha=second, base_sha=base, diff=repo.diff(base, second), commits=(first,)
    )
    fake_github.set_compare(first, second, status="ahead", diff=repo.diff(first, second))
    fake_model.requests.clear()
    pushed = run_action(
        tmp_path, fake_github, fake_model, event=event_for(second, base, "synchronize")
    )
    assert pushed.returncode == 1, pushed.stdout + pushed.stderr  # eval is still open
    prompts = user_prompts(fake_model)
    assert "os.system(cmd)" in prompts
    assert "eval(command)" not in prompts  # the first push is not reviewed again
    assert len(fake_github.review_comments) == 3
    (summary,) = fake_github.issue_comments
    body = summary["body"]
    assert "Incremental review of the commits since" in body
    for title in ("eval() of input", "Secret", "Shell command"):
        assert title in body
    assert pushed.outputs["findings"] == "3" and pushed.outputs["critical"] == "1"


def test_a_force_push_gets_a_full_review(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo, base, first, second = history(tmp_path / "repo")
    fake_model.model = ReadingModel([EVAL, SECRET, EXEC])
    fake_github.add_pull(2, head_sha=first, base_sha=base, diff=repo.diff(base, first))
    run_action(tmp_path, fake_github, fake_model, event=event_for(first, base, "opened"))
    fake_github.add_pull(2, head_sha=second, base_sha=base, diff=repo.diff(base, second))
    fake_github.set_compare(first, second, status="diverged", diff="")
    fake_model.requests.clear()
    result = run_action(
        tmp_path, fake_github, fake_model, event=event_for(second, base, "synchronize")
    )
    assert result.returncode == 1
    assert "eval(command)" in user_prompts(fake_model)  # everything reviewed again
    assert "Incremental review" not in fake_github.issue_comments[0]["body"]
    assert len(fake_github.review_comments) == 3  # and still nothing posted twice
