"""A review that failed part of a pull request is never built upon as if it had not: the
next push gets a full review, and what the failed part may still hold stays open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from action_runner import BASE_APP, HEAD_APP, pr_event, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger, failing

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
# Enough lines that src/other.py is a chunk of its own at max-chunk-tokens 500.
JOBS = "".join(f"JOB_{n} = schedule('n-{n}', r={n % 3})\n" for n in range(26))
INPUTS = {"max-chunk-tokens": "500"}


def event(head: str, base: str, action: str) -> dict[str, Any]:
    found = pr_event(action)
    found["pull_request"]["head"]["sha"], found["pull_request"]["base"]["sha"] = head, base
    return found


def two_files(tmp_path: Path) -> tuple[GitRepo, str, str]:
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", BASE_APP)
    repo.write("src/other.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("src/app.py", HEAD_APP)  # an eval: critical
    repo.write("src/other.py", "x = 1\n" + JOBS)
    return repo, base, repo.commit("first")


def test_a_push_after_an_incomplete_review_reviews_it_all(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo, base, first = two_files(tmp_path)
    repo.write("src/other.py", "x = 2\n" + JOBS)
    second = repo.commit("second")
    fake_model.model = ReadingModel([EVAL])
    fake_model.faulty_files["src/app.py"] = failing(500)
    fake_github.add_pull(2, head_sha=first, base_sha=base, diff=repo.diff(base, first))
    opened = run_action(
        tmp_path, fake_github, fake_model, event=event(first, base, "opened"), inputs=INPUTS
    )
    assert opened.returncode == 3
    # The push touches only the other file; the part that failed was never reviewed.
    fake_model.faulty_files.clear()
    fake_github.add_pull(
        2, head_sha=second, base_sha=base, diff=repo.diff(base, second), commits=(first,)
    )
    fake_github.set_compare(first, second, status="ahead", diff=repo.diff(first, second))
    pushed = run_action(
        tmp_path, fake_github, fake_model, event=event(second, base, "synchronize"), inputs=INPUTS
    )
    assert pushed.returncode == 1 and "eval() of input" in pushed.step_summary
    assert "Incremental review" not in fake_github.issue_comments[0]["body"]


def test_a_failed_part_closes_no_thread_and_keeps_its_finding_open(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo, base, first = two_files(tmp_path)
    repo.write("src/app.py", HEAD_APP.replace("eval(command)", "eval(command)  # still"))
    second = repo.commit("second")
    fake_model.model = ReadingModel([EVAL])
    fake_github.add_pull(2, head_sha=first, base_sha=base, diff=repo.diff(base, first))
    opened = run_action(
        tmp_path, fake_github, fake_model, event=event(first, base, "opened"), inputs=INPUTS
    )
    assert opened.returncode == 1
    (comment,) = fake_github.review_comments
    fake_github.mark_outdated(comment["id"])
    # The push edits the eval line, and the review of that file fails.
    fake_model.faulty_files["src/app.py"] = failing(500)
    fake_github.add_pull(
        2, head_sha=second, base_sha=base, diff=repo.diff(base, second), commits=(first,)
    )
    fake_github.set_compare(first, second, status="ahead", diff=repo.diff(first, second))
    pushed = run_action(
        tmp_path, fake_github, fake_model, event=event(second, base, "synchronize"), inputs=INPUTS
    )
    assert fake_github.resolved_by == {}  # not "fixed": nobody looked
    assert pushed.returncode == 1 and "eval() of input" in pushed.step_summary
