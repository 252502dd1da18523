"""A dismissal covers the place a maintainer dismissed: the same code added elsewhere in
the file (same identity: file and code) is not dismissed with it, unseen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from action_runner import BASE_APP, pr_event, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
HARMLESS = BASE_APP + "\n\ndef trusted_constant():\n    return eval(c)\n"


def event(head: str, base: str, action: str) -> dict[str, Any]:
    found = pr_event(action)
    found["pull_request"]["head"]["sha"], found["pull_request"]["base"]["sha"] = head, base
    return found


def dismissed_once(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> tuple[GitRepo, str, str]:
    """A PR whose one eval a maintainer dismissed by resolving its thread."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", BASE_APP)
    base = repo.commit("base")
    repo.write("src/app.py", HARMLESS)
    first = repo.commit("first")
    fake_model.model = ReadingModel([EVAL])
    fake_github.set_permission("maintainer", "maintain")
    fake_github.add_pull(2, head_sha=first, base_sha=base, diff=repo.diff(base, first))
    assert (
        run_action(tmp_path, fake_github, fake_model, event=event(first, base, "opened")).returncode
        == 1
    )
    fake_github.resolve_thread(fake_github.review_comments[0]["id"], "maintainer")
    return repo, base, first


def push(
    tmp_path: Path,
    fake_github: FakeGitHub,
    fake_model: FakeModelServer,
    repo: GitRepo,
    base: str,
    before: str,
    text: str,
):  # type: ignore[no-untyped-def]
    repo.write("src/app.py", text)
    head = repo.commit("push")
    fake_github.add_pull(
        2, head_sha=head, base_sha=base, diff=repo.diff(base, head), commits=(before,)
    )
    fake_github.set_compare(before, head, status="ahead", diff=repo.diff(before, head))
    return run_action(tmp_path, fake_github, fake_model, event=event(head, base, "synchronize"))


def test_the_same_code_added_elsewhere_is_not_dismissed_with_the_first(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo, base, first = dismissed_once(tmp_path, fake_github, fake_model)
    second = HARMLESS + "\n\ndef handle_request(c):\n    return eval(c)\n"
    result = push(tmp_path, fake_github, fake_model, repo, base, first, second)
    assert result.returncode == 1, result.stdout
    assert "is now at 2 places" in result.stdout
    assert "dismissed, by @maintainer" not in fake_github.issue_comments[0]["body"]


def test_a_dismissed_line_that_moved_stays_dismissed(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo, base, first = dismissed_once(tmp_path, fake_github, fake_model)
    moved = HARMLESS.replace(
        "def trusted_constant():", "# a comment above\n\ndef trusted_constant():"
    )
    result = push(tmp_path, fake_github, fake_model, repo, base, first, moved)
    assert result.returncode == 0, result.stdout
    assert "places" not in result.stdout
