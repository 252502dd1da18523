"""The action's `sarif-file`: valid SARIF 2.1.0 in the workspace, for upload-sarif."""

from __future__ import annotations

import json
from pathlib import Path

from action_runner import add_event_pull, make_diff, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger
from sarif_schema import assert_valid

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")


def test_the_action_writes_a_valid_sarif_file(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL])
    workspace = tmp_path / "ws"
    result = run_action(
        tmp_path,
        fake_github,
        fake_model,
        workspace=workspace,
        inputs={"sarif-file": "reports/reviewer.sarif"},
    )
    assert result.returncode == 1
    log = json.loads((workspace / "reports" / "reviewer.sarif").read_text())
    assert_valid(log)
    (result_,) = log["runs"][0]["results"]
    assert result_["level"] == "error"
    region = result_["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == next(
        c["line"] for c in fake_github.review_comments if "eval" in c["body"]
    )
