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
NO_MODEL = {"api-key": "", "base-url": ""}


def group_with(**fields: Any) -> dict[str, Any]:
    event = copy.deepcopy(GROUP_EVENT)
    event.update(fields)
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
        tmp_path, fake_github, fake_model, event=event, event_name=event_name, inputs=NO_MODEL
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert "Internal error" not in result.stdout + result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    (error,) = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert names in error and "event" in error
    assert fake_github.writes() == []
