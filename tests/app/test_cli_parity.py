"""The local CLI and the action cannot drift apart: the flags are derived from action.yml.

A new input in action.yml fails these tests until it has a flag (a line in FLAGS in
reviewer/app/cli_flags.py) or, if it makes no sense locally, a line in ACTION_ONLY that
says why.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from action_runner import BASE_APP, HEAD_APP, run_in_process, tiktoken_env
from fakes.git_repo import GitRepo
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger
from paths import ROOT

from reviewer.app.cli_flags import ACTION_ONLY, FLAGS, LOCAL_NAMING, raw_inputs
from reviewer.app.settings import build_settings, settings_from_inputs
from reviewer.cli import build_parser

ACTION_YML: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
INPUTS: dict[str, Any] = ACTION_YML["inputs"]
FLAG_INPUTS = [flag.input for flag in FLAGS]


def review_parser() -> argparse.ArgumentParser:
    subparsers = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    parser = subparsers.choices["review"]
    assert isinstance(parser, argparse.ArgumentParser)
    return parser


def review_options() -> dict[str, argparse.Action]:
    return {option: a for a in review_parser()._actions for option in a.option_strings}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_input_has_a_flag_or_a_reason_not_to(name: str) -> None:
    has_flag, action_only = name in FLAG_INPUTS, name in ACTION_ONLY
    assert has_flag or action_only, (
        f"input {name!r} has no `reviewer review` flag: add a line to FLAGS in "
        "reviewer/app/cli_flags.py, or to ACTION_ONLY with the reason it makes no sense locally"
    )
    assert not (has_flag and action_only), f"{name}: both a flag and in ACTION_ONLY"
    if action_only:
        assert ACTION_ONLY[name].strip(), name
    else:
        assert f"--{name}" in review_options()


def test_no_flag_or_reason_for_an_input_that_does_not_exist() -> None:
    assert len(FLAG_INPUTS) == len(set(FLAG_INPUTS))
    assert set(FLAG_INPUTS) <= set(INPUTS)
    assert set(ACTION_ONLY) <= set(INPUTS)


def test_every_flag_has_help() -> None:
    for action in review_parser()._actions:
        assert action.help and action.help != argparse.SUPPRESS, action.option_strings
        assert len(action.help) > 10, action.option_strings


@pytest.mark.parametrize("flag", FLAGS, ids=lambda f: f.input)
def test_the_default_shown_in_help_is_the_action_default(flag: Any) -> None:
    default = str(INPUTS[flag.input].get("default", ""))
    if flag.switch:  # a true/false input that is off unless the flag is given
        assert (default, flag.default) == ("false", ""), flag.input
    else:
        assert flag.default == default, f"--{flag.input}: help says {flag.default!r}"


@pytest.mark.parametrize("flag", FLAGS, ids=lambda f: f.input)
def test_each_flag_sets_its_input(flag: Any) -> None:
    value = flag.choices[-1] if flag.choices else "some value"
    argv = ["review", f"--{flag.input}"] + ([] if flag.switch else [value])
    raw = raw_inputs(build_parser().parse_args(argv), env={})
    assert raw == {flag.input: "true" if flag.switch else value}
    assert raw_inputs(build_parser().parse_args(["review"]), env={}) == {}


def test_environment_fallbacks_and_a_flag_wins() -> None:
    env = {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://x/v1", "REVIEWER_MODEL": "m"}
    raw = raw_inputs(build_parser().parse_args(["review"]), env)
    assert raw == {"api-key": "k", "base-url": "http://x/v1", "model": "m"}
    raw = raw_inputs(build_parser().parse_args(["review", "--model", "flag-model"]), env)
    assert raw["model"] == "flag-model"


def test_flags_and_inputs_build_the_same_settings() -> None:
    values = {
        "api-key": "k",
        "base-url": "https://res.openai.azure.com",
        "model": "review-deployment",
        "api-version": "2024-10-21",
        "model-options": '{"temperature": 0.2}',
        "pricing": '{"input": 1, "output": 2}',
        "time-limit": "7",
        "request-timeout": "300",
        "max-tokens": "50000",
        "max-chunk-tokens": "3000",
        "concurrency": "2",
        "profile": "security,performance",
        "include": "src/**",
        "exclude": "docs/**",
        "context-files": "docs/*.md",
        "fail-on": "warning",
        "min-severity": "warning",
    }
    argv = ["review"] + [part for name, value in values.items() for part in (f"--{name}", value)]
    local = build_settings(raw_inputs(build_parser().parse_args(argv), {}), LOCAL_NAMING)
    action = settings_from_inputs({f"INPUT_{k.upper()}": v for k, v in values.items()})
    assert local == action


def test_help_lists_every_flag_and_the_environment(tmp_path: Path) -> None:
    code, stdout, stderr, _ = run_in_process(["--help"], {}, cwd=tmp_path)
    assert (code, stderr) == (0, "")
    for option in review_options():
        assert option in stdout, option
    for variable in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REVIEWER_MODEL", "NO_COLOR"):
        assert variable in stdout, variable


def test_an_azure_user_can_review_locally(tmp_path: Path, fake_model: FakeModelServer) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", BASE_APP)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", HEAD_APP)
    repo.commit("feature")
    fake_model.model = ReadingModel([Trigger("eval(", severity="critical")])
    argv = [
        "review",
        "--base",
        "main",
        *("--base-url", fake_model.root_url, "--api-version", "2024-10-21"),
        *("--model", "review-deployment", "--api-key", "azure-key"),
        *("--model-options", '{"temperature": 0.2}', "--request-timeout", "300"),
    ]
    env = {"PATH": os.environ.get("PATH", ""), **tiktoken_env()}
    code, stdout, stderr, _ = run_in_process(argv, env, cwd=repo.root)
    assert code == 1, stderr
    assert "critical" in stdout
    (call,) = fake_model.calls
    assert call.path == "/openai/deployments/review-deployment/chat/completions"
    assert call.query == {"api-version": "2024-10-21"}
    assert call.headers["api-key"] == "azure-key"
    assert fake_model.requests[0]["temperature"] == 0.2
