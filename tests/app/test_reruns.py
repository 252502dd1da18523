"""Re-runs never repost: reworded answers, rebases that shift lines."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from action_runner import HEAD_APP, add_event_pull, make_diff, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
SECRET = Trigger('PASSWORD = "', severity="warning", category="security", title="Secret")

WORDINGS = [
    ("Dangerous eval", "eval runs arbitrary code."),
    ("Code injection via eval()", "Anyone controlling `command` controls the process."),
    ("Avoid eval", "Use ast.literal_eval or a dispatch table."),
]


@dataclass
class RephrasingModel(ReadingModel):
    """Finds the same problems each run but words them differently, like a real model."""

    runs: itertools.count[int] = field(default_factory=itertools.count)

    def findings(self, prompt: str) -> list[dict[str, Any]]:
        n = next(self.runs)
        title, body = WORDINGS[n % len(WORDINGS)]
        return [{**f, "title": f"{title} ({n})", "body": body} for f in super().findings(prompt)]


def test_ten_reruns_with_reworded_answers_post_each_finding_once(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = RephrasingModel([EVAL, SECRET])
    assert run_action(tmp_path, fake_github, fake_model).returncode == 1
    for _ in range(9):  # reviews asked for again: the model answers anew each time
        result = run_action(
            tmp_path,
            fake_github,
            fake_model,
            event_name="workflow_dispatch",
            event={"inputs": {"pr-number": "2"}},
        )
        assert result.returncode == 1
    assert len(fake_model.requests) == 10
    assert len(fake_github.review_comments) == 2
    assert len(fake_github.reviews) == 1
    assert len(fake_github.issue_comments) == 1
    titles = {m for m in fake_github.issue_comments[0]["body"].splitlines() if "(9)" in m}
    assert titles  # the summary shows the latest wording


def test_a_rebase_that_shifts_lines_posts_nothing_new(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path / "before"))
    fake_model.model = ReadingModel([EVAL, SECRET])
    assert run_action(tmp_path, fake_github, fake_model).returncode == 1
    before = {(c["path"], c["line"]) for c in fake_github.review_comments}
    # The branch is rebased: ten new lines above shift every finding down.
    shifted = "# header\n" * 10 + HEAD_APP
    add_event_pull(fake_github, make_diff(tmp_path / "after", head_text=shifted))
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1
    assert {(c["path"], c["line"]) for c in fake_github.review_comments} == before
    assert len(fake_github.reviews) == 1


def test_a_rerun_on_a_reviewed_head_reuses_the_review(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    """Same head, same configuration: nothing is sent to the model, the verdict stands."""
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL, SECRET])
    first = run_action(tmp_path, fake_github, fake_model)
    assert first.returncode == 1 and len(fake_model.requests) == 1
    again = run_action(tmp_path, fake_github, fake_model)
    assert again.returncode == 1
    assert len(fake_model.requests) == 1  # reused
    assert again.outputs["findings"] == first.outputs["findings"] == "2"
    assert again.outputs["prompt-tokens"] == "0"
    assert len(fake_github.review_comments) == 2 and len(fake_github.issue_comments) == 1
    # Another configuration (here: another model) is another review.
    other = run_action(tmp_path, fake_github, fake_model, inputs={"model": "gpt-4.1"})
    assert other.returncode == 1 and len(fake_model.requests) == 2
    assert len(fake_github.review_comments) == 2  # and nothing is posted twice
