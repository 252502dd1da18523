"""What a newcomer meets first in local mode: short messages for the usual mistakes, a
report that says when there was nothing to review, no HTTP noise, errors naming flags."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from action_runner import (
    BASE_APP,
    HEAD_APP,
    add_event_pull,
    make_diff,
    run_action,
    run_in_process,
    tiktoken_env,
)
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger, error_response

from reviewer.app.engine import review_diff
from reviewer.core.chunk_plan import ReviewOptions
from reviewer.errors import ModelError

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", BASE_APP)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def review(
    cwd: Path, model: FakeModelServer | None, *args: str, key: bool = True
) -> tuple[int, str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        # git must not find a repository above a directory that is meant to have none.
        "GIT_CEILING_DIRECTORIES": str(cwd.parent),
        **tiktoken_env(),
    }
    if key:
        env["OPENAI_API_KEY"] = "sk-test"
    if model is not None:
        env["OPENAI_BASE_URL"] = model.base_url
    code, stdout, stderr, _ = run_in_process(["review", "--base", "main", *args], env, cwd=cwd)
    return code, stdout, stderr


def test_outside_a_repository_the_message_is_short(tmp_path: Path) -> None:
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    code, stdout, stderr = review(plain, None)
    assert code == 2 and stdout == ""
    assert stderr.startswith(f"reviewer: {plain} is not in a git repository.")
    assert "--repo PATH" in stderr
    assert len(stderr.splitlines()) == 1  # not git's usage text
    assert "usage" not in stderr


def test_git_errors_are_cut_to_a_few_lines(repo: GitRepo) -> None:
    from reviewer.app.git import git
    from reviewer.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        git(repo.root, "diff", "--no-index", "--bogus-option")  # git prints its usage
    message = raised.value.message
    assert len(message.splitlines()) <= 4
    assert "more line(s) of git output" in message


def test_an_empty_diff_says_there_was_nothing_to_review(
    repo: GitRepo, fake_model: FakeModelServer
) -> None:
    code, stdout, _ = review(repo.root, fake_model)
    assert code == 0
    assert stdout.strip() == "Nothing to review: the diff is empty. Verdict: pass."
    assert fake_model.requests == []
    code, stdout, _ = review(repo.root, fake_model, "--format", "markdown")
    assert "_Nothing to review: the diff is empty._" in stdout


def test_only_skipped_files_is_nothing_to_review_too(
    repo: GitRepo, fake_model: FakeModelServer
) -> None:
    repo.write("poetry.lock", "[[package]]\nname = 'x'\n")
    repo.commit("lock only")
    code, stdout, _ = review(repo.root, fake_model)
    assert code == 0
    assert "skipped: poetry.lock" in stdout
    assert stdout.rstrip().endswith(
        "Nothing to review: every changed file was skipped. Verdict: pass."
    )
    assert fake_model.requests == []


def test_http_requests_are_logged_only_with_verbose(
    repo: GitRepo, fake_model: FakeModelServer
) -> None:
    repo.write("src/app.py", HEAD_APP)
    repo.commit("feature")
    fake_model.model = ReadingModel([EVAL])
    code, _, stderr = review(repo.root, fake_model)
    assert code == 1
    assert "Reviewing 1 chunk(s)" in stderr  # the program's own progress stays
    assert "HTTP Request" not in stderr
    code, _, stderr = review(repo.root, fake_model, "--verbose")
    assert code == 1
    assert "HTTP Request: POST" in stderr


@pytest.mark.parametrize("flag", ["--config-file", "--rules-file"])
def test_a_named_file_missing_at_base_is_an_error(
    repo: GitRepo, fake_model: FakeModelServer, flag: str
) -> None:
    repo.write("src/app.py", HEAD_APP)
    repo.write("review.yml", "rules: added on the branch\n")  # not at main
    repo.commit("feature")
    code, stdout, stderr = review(repo.root, fake_model, flag, "review.yml")
    assert code == 2 and stdout == ""
    assert stderr.startswith(f"reviewer: {flag} review.yml does not exist at main.")
    assert fake_model.requests == []


def test_errors_name_flags_and_variables_not_inputs(
    repo: GitRepo, fake_model: FakeModelServer
) -> None:
    repo.write("src/app.py", HEAD_APP)
    repo.commit("feature")
    code, _, stderr = review(repo.root, None, key=False)
    assert code == 2
    assert "--api-key" in stderr and "OPENAI_API_KEY" in stderr
    assert "secrets." not in stderr and "input" not in stderr
    code, _, stderr = review(repo.root, fake_model, "--concurrency", "0")
    assert (code, stderr) == (2, "reviewer: --concurrency is 0; it must be at least 1.\n")
    # The context flags are named as flags too (they were once named bare, "Context-lines").
    for flag, value, low in (("--context-lines", "-1", 0), ("--related-context-tokens", "-5", 0)):
        code, _, stderr = review(repo.root, fake_model, flag, value)
        assert (code, stderr) == (2, f"reviewer: {flag} is {value}; it must be at least {low}.\n")
    code, _, stderr = review(repo.root, fake_model, "--model-options", "[1]")
    assert stderr.startswith("reviewer: --model-options must be a JSON object")
    # A message from the model adapter, written for the action, is reworded at the edge.
    fake_model.queue(lambda _body: error_response(401, "Incorrect API key provided"))
    code, _, stderr = review(repo.root, fake_model)
    assert code == 2
    assert "`--api-key`" in stderr and "`--base-url`" in stderr
    assert "`api-key`" not in stderr


def test_the_local_report_estimates_the_cost(repo: GitRepo, fake_model: FakeModelServer) -> None:
    repo.write("src/app.py", HEAD_APP)
    repo.commit("feature")
    fake_model.model = ReadingModel([EVAL])
    # 100 prompt + 20 completion tokens at $1 and $10 per million: $0.0003.
    pricing = '{"input": 1, "output": 10}'
    _, stdout, _ = review(repo.root, fake_model, "--pricing", pricing, "--fail-on", "never")
    assert "completion tokens, about $0.0003. Verdict: pass." in stdout


def test_a_failed_chunk_is_logged_with_readable_file_names(
    caplog: pytest.LogCaptureFixture,
) -> None:
    diff = "".join(
        f"diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n@@ -0,0 +1 @@\n+x = 1\n"
        for name in ("a.py", "b.py")
    )

    class Failing:
        concurrency_reached = 1

        def review(
            self,
            chunk_text: str,
            instructions: str = "",
            parts: object = (),
            *,
            deadline: float | None = None,
        ) -> object:
            raise ModelError("server melted")

    def count(text: str) -> int:
        return len(text.split())

    options = ReviewOptions(model="gpt-4.1-mini", rules="", max_chunk_tokens=1000)
    with caplog.at_level(logging.WARNING, logger="reviewer.app.engine"):
        outcome = review_diff(diff, options, Failing(), count)  # type: ignore[arg-type]
    assert [f.paths for f in outcome.failures] == [("a.py", "b.py")]
    assert "Chunk 0 (a.py, b.py) not reviewed: server melted" in caplog.text
    assert "('a.py'" not in caplog.text


def test_runner_debug_logs_http_requests_in_action_mode(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    quiet = run_action(tmp_path, fake_github, fake_model)
    assert quiet.returncode == 0, quiet.stderr
    assert "HTTP Request" not in quiet.stderr
    debug = run_action(  # asked for afresh: the same head's review is not reused
        tmp_path,
        fake_github,
        fake_model,
        extra_env={"RUNNER_DEBUG": "1"},
        event_name="workflow_dispatch",
        event={"inputs": {"pr-number": "2"}},
    )
    assert "HTTP Request: POST" in debug.stderr
