"""Nothing from the pull request ever runs, even when the workspace holds the PR's code
(as under `pull_request_target` with a checkout of the head): not a package shadowing
ours, not a sitecustomize, not a git diff driver or textconv the PR configures."""

from __future__ import annotations

from pathlib import Path

from action_runner import HEAD_APP, pr_event, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")


def hostile_checkout(root: Path, canary: Path) -> tuple[GitRepo, str, str, str]:
    repo = GitRepo(root)
    repo.write("src/app.py", "import os\n")
    base = repo.commit("base")
    touch = f"import pathlib; pathlib.Path({str(canary)!r}).touch()\n"
    repo.write("src/app.py", HEAD_APP)
    repo.write("reviewer/__init__.py", touch)  # would shadow the action's package
    repo.write("reviewer/__main__.py", touch)
    repo.write("sitecustomize.py", touch)  # would run at interpreter start
    repo.write(".gitattributes", "* diff=evil\n")  # would run a diff driver / textconv
    head = repo.commit("head")
    pr_diff = repo.diff(base, head)  # GitHub's view, before the trap is set
    repo.git("config", "diff.evil.command", f"touch {canary}")
    repo.git("config", "diff.evil.textconv", f"sh -c 'touch {canary}; cat'")
    return repo, base, head, pr_diff


def test_the_action_runs_nothing_from_the_pull_request(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    canary = tmp_path / "CANARY"
    repo, base, head, pr_diff = hostile_checkout(tmp_path / "workspace", canary)
    fake_github.add_pull(2, head_sha=head, base_sha=base, diff=pr_diff)
    fake_github.diff_too_large = True  # so the diff is read from the checkout, with git
    fake_model.model = ReadingModel([EVAL])
    event = pr_event()
    event["pull_request"]["head"]["sha"], event["pull_request"]["base"]["sha"] = head, base
    result = run_action(
        tmp_path,
        fake_github,
        fake_model,
        event=event,
        event_name="pull_request_target",
        workspace=repo.root,
        # What the image sets (Dockerfile): the workspace is never on sys.path.
        extra_env={"PYTHONSAFEPATH": "1"},
        subprocess_run=True,  # a shadowing package only matters to a fresh interpreter
    )
    assert not canary.exists(), "code from the pull request ran"
    assert result.returncode == 1, result.stdout + result.stderr  # and it still reviewed
    assert [c["path"] for c in fake_github.review_comments] == ["src/app.py"]
    # The trap is real: a plain `git diff` in that checkout does spring it.
    repo.git("diff", f"{base}...{head}")
    assert canary.exists()
    assert not any(r.path.endswith("/files") for r in fake_github.reads())  # used git
