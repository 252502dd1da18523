"""Event payloads GitHub would never send, but a runner could hand us (a hand-written
`workflow_dispatch`, a replayed event): a clear configuration error, never a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from action_runner import run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from paths import EVENTS

GROUP_EVENT = json.loads((EVENTS / "merge_group.checks_requested.json").read_text())
DISPATCH = json.loads((EVENTS / "workflow_dispatch.json").read_text())
OPENED = json.loads((EVENTS / "pull_request.opened.json").read_text())
NO_MODEL = {"api-key": "", "base-url": ""}


def group_with(**fields: Any) -> dict[str, Any]:
    event = copy.deepcopy(GROUP_EVENT)
    event.update(fields)
    return event


def opened_with(**fields: Any) -> dict[str, Any]:
    event = copy.deepcopy(OPENED)
    event["pull_request"].update(fields)
    return event


def group_without(key: str) -> dict[str, Any]:
    event = copy.deepcopy(GROUP_EVENT)
    del event["merge_group"][key]
    return event


CASES = [
    ("merge_group", group_with(merge_group="gh-readonly-queue/main/pr-1"), "merge_group"),
    ("merge_group", group_with(merge_group=["a"]), "merge_group"),
    ("merge_group", group_without("base_sha"), "base_sha"),
    ("merge_group", group_without("head_sha"), "head_sha"),
    ("workflow_dispatch", {**DISPATCH, "inputs": "pr-number=2"}, "inputs"),
    ("workflow_dispatch", {**DISPATCH, "inputs": ["pr-number", "2"]}, "inputs"),
    # Numbers GitHub sends as JSON integers: a float was once read as PR 1, and 1e999
    # (infinity to Python's json) ended in an OverflowError and a traceback.
    ("pull_request", opened_with(number=1.5), "`number`"),
    ("pull_request", opened_with(number=float("inf")), "`number`"),
    ("pull_request", opened_with(number=True), "`number`"),
    ("pull_request", opened_with(number="2"), "`number`"),
    ("pull_request", opened_with(number=0), "`number`"),
    ("pull_request", opened_with(changed_files=float("inf")), "`changed_files`"),
    ("pull_request", opened_with(changed_files=-3), "`changed_files`"),
]


@pytest.mark.parametrize(
    ("event_name", "event", "names"),
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(CASES)],
)
def test_a_malformed_event_is_a_configuration_error(
    tmp_path: Path,
    fake_github: FakeGitHub,
    fake_model: FakeModelServer,
    event_name: str,
    event: dict[str, Any],
    names: str,
) -> None:
    result = run_action(
        tmp_path,
        fake_github,
        fake_model,
        event=event,
        event_name=event_name,
        # A review needs a model before it reads the event; the process modes need none.
        inputs={} if event_name == "pull_request" else NO_MODEL,
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert "Internal error" not in result.stdout + result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    (error,) = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert names in error and "event" in error
    assert fake_github.writes() == []


COMMENT_EVENT = json.loads((EVENTS / "issue_comment.created.json").read_text())


def review_command_on(number: object) -> dict[str, Any]:
    event = copy.deepcopy(COMMENT_EVENT)
    event["comment"]["body"] = "/review"
    event["issue"]["pull_request"] = {"url": "https://api.github.com/repos/o/r/pulls/2"}
    event["issue"]["number"] = number
    return event


@pytest.mark.parametrize(
    ("event_name", "event", "message"),
    [
        # "²" is a digit to str.isdigit and no number to int(): it once raised ValueError.
        ("workflow_dispatch", {"inputs": {"pr-number": "²"}}, "needs the number"),
        ("workflow_dispatch", {"inputs": {"pr-number": "0"}}, "needs the number"),
        ("issue_comment", review_command_on(True), "no issue number"),
        ("issue_comment", review_command_on(2.0), "no issue number"),
    ],
    ids=["superscript", "zero", "true", "float"],
)
def test_a_pull_request_number_that_is_no_number_is_a_configuration_error(
    tmp_path: Path,
    fake_github: FakeGitHub,
    fake_model: FakeModelServer,
    event_name: str,
    event: dict[str, Any],
    message: str,
) -> None:
    result = run_action(tmp_path, fake_github, fake_model, event=event, event_name=event_name)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    (error,) = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert message in error
    assert fake_github.writes() == []
