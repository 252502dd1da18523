"""The action's packaging: action.yml's public interface, the Dockerfile, the locks, CI.

Docker cannot run in every environment, so the image is checked by reading its Dockerfile.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

# name -> default; None means the input has no default at all.
EXPECTED_INPUTS: dict[str, str | None] = {
    "github-token": "${{ github.token }}",
    "api-key": None,
    "model": "gpt-4.1-mini",
    "base-url": "",
    "rules": "",
    "rules-file": ".github/reviewer.md",
    "fail-on": "critical",
    "max-chunk-tokens": "",
    "max-comments": "30",
    "include": "",
    "exclude": "",
    "dry-run": "false",
    "concurrency": "64",
    "max-tokens": "",
    "api-version": "",
    "model-options": "",
    "pricing": "",
    "time-limit": "20",
    "pr-number": "",
    "review-drafts": "false",
    "profile": "general",
    "min-severity": "suggestion",
    "max-comments-per-file": "10",
    "config-file": ".github/reviewer.yml",
    "context-files": "",
    "sarif-file": "",
    "full-files": "false",
    "request-timeout": "120",
    "on-unreviewed": "incomplete",
    "bot-login": "",
    "findings-file": "reviewer-findings.json",
    "context-lines": "6",
    "enclosing-scope": "true",
    "related-context-tokens": "800",
    "context-report": "",
    "verify": "false",
    "review": "true",
    "assign-reviewers": "0",
    "familiarity-decay": "0.05",
    "max-open-reviews": "5",
    "min-familiarity": "0.5",
    "review-sla": "24",
    "escalation": "",
    "escalation-sla": "12",
    "sla-label": "review-overdue",
}
EXPECTED_OUTPUTS = {
    "findings",
    "critical",
    "review-url",
    "summary-url",
    "verdict",
    "prompt-tokens",
    "completion-tokens",
    "cost",
    "findings-file",
    "overdue",
    "escalated",
    "open-prs",
}
ENTRYPOINT = ["/usr/local/bin/python", "-m", "reviewer"]


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pending = f"{pending} {line}" if pending else line
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        keyword, _, args = pending.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        pending = ""
    assert not pending, "Dockerfile ends inside a continued line"
    return instructions


def ci_test_command() -> str:
    match = re.search(r'^TEST_CMD="([^"]+)"$', (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
    assert match, '.ci/run must set TEST_CMD="..." on a line of its own'
    return match.group(1)


# --- action.yml --------------------------------------------------------------------------


def test_action_inputs_are_the_public_interface(action: dict[str, Any]) -> None:
    inputs = action["inputs"]
    assert set(inputs) == set(EXPECTED_INPUTS)
    for name, expected_default in EXPECTED_INPUTS.items():
        spec = inputs[name]
        assert spec["required"] is False, name
        description = spec["description"]
        assert isinstance(description, str), name
        assert description.strip(), name
        assert "\n" not in description.strip(), name
        if expected_default is None:
            assert "default" not in spec, name
        else:
            # Compared as strings: an unquoted 30 or false in YAML would not be a string.
            assert spec["default"] == expected_default, name


def test_assign_reviewers_says_on_which_events_routing_runs(action: dict[str, Any]) -> None:
    from reviewer.app.routing import ROUTED_ACTIONS

    description = action["inputs"]["assign-reviewers"]["description"]
    assert all(event in description for event in ROUTED_ACTIONS), description
    # The rule for pushes, as the README states it.
    rule = "synchronize while nobody has been requested and nobody has reviewed"
    assert rule in description
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert rule.replace("synchronize", "`synchronize`") in readme


def test_action_outputs(action: dict[str, Any]) -> None:
    outputs = action["outputs"]
    assert set(outputs) == EXPECTED_OUTPUTS
    for name, spec in outputs.items():
        assert spec["description"].strip(), name
        assert "value" not in spec, f"{name}: container actions' outputs have no value"


def test_action_runs_the_dockerfile_without_argument_mapping(action: dict[str, Any]) -> None:
    # No args/env: the program reads the INPUT_* variables itself.
    assert action["runs"] == {"using": "docker", "image": "Dockerfile"}


def test_action_metadata(action: dict[str, Any]) -> None:
    for key in ("name", "description", "author"):
        assert isinstance(action[key], str), key
        assert action[key].strip(), key
    assert set(action["branding"]) == {"icon", "color"}


# --- Dockerfile --------------------------------------------------------------------------


def test_dockerfile_base_image() -> None:
    froms = [args for keyword, args in dockerfile_instructions() if keyword == "FROM"]
    assert froms == ["python:3.12-slim"]


def test_dockerfile_entrypoint_is_exec_form_with_absolute_paths() -> None:
    entrypoints = [args for keyword, args in dockerfile_instructions() if keyword == "ENTRYPOINT"]
    assert len(entrypoints) == 1
    assert json.loads(entrypoints[0]) == ENTRYPOINT
    assert "CMD" not in {keyword for keyword, _ in dockerfile_instructions()}


def test_dockerfile_runs_as_root() -> None:
    # Container actions run as root with /github/workspace as their working directory.
    assert "USER" not in {keyword for keyword, _ in dockerfile_instructions()}


def test_dockerfile_keeps_the_workspace_off_sys_path() -> None:
    # The action runs in /github/workspace, which may hold the PR's code: with the working
    # directory on sys.path, a `reviewer/` package there would run instead of ours
    # (tests/test_fork_safety.py shows it).
    envs = " ".join(args for keyword, args in dockerfile_instructions() if keyword == "ENV")
    assert re.search(r"\bPYTHONSAFEPATH=1\b", envs)


def test_dockerfile_bakes_tiktoken_encodings() -> None:
    instructions = dockerfile_instructions()
    envs = " ".join(args for keyword, args in instructions if keyword == "ENV")
    assert re.search(r"\bTIKTOKEN_CACHE_DIR=/opt/tiktoken\b", envs)
    runs = [args for keyword, args in instructions if keyword == "RUN"]
    for encoding in ("o200k_base", "cl100k_base"):
        call = re.compile(rf"""tiktoken\.get_encoding\(\s*["']{encoding}["']\s*\)""")
        assert any(call.search(run) for run in runs), encoding


def test_dockerfile_installs_the_hashed_lock() -> None:
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]
    assert any("--require-hashes" in run and "-r requirements.lock" in run for run in runs)
    assert any("--no-deps ." in run for run in runs)


def test_dockerfile_labels_the_version_after_every_heavy_layer() -> None:
    # The release workflow passes --build-arg VERSION; declared after the last RUN, a new
    # version reuses every cached layer.
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    arg = keywords.index("ARG")
    assert instructions[arg][1] == "VERSION=dev"
    assert "RUN" not in keywords[arg:]
    labels = " ".join(args for keyword, args in instructions if keyword == "LABEL")
    assert 'org.opencontainers.image.version="${VERSION}"' in labels


# --- lock files --------------------------------------------------------------------------


def locked_pins(path: Path) -> dict[str, str]:
    """name -> version of each `name==version \\` line; each pin must carry hashes."""
    text = path.read_text(encoding="utf-8")
    pins: dict[str, str] = {}
    pin = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)(?: ;[^\\\n]*)? \\\n\s+--hash=", re.MULTILINE)
    for match in pin.finditer(text):
        pins[canonicalize_name(match.group(1))] = match.group(2)
    pinned_lines = re.findall(r"^[A-Za-z0-9._-]+==", text, re.MULTILINE)
    assert len(pins) == len(pinned_lines), f"{path.name}: every pin needs --hash lines"
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("requirements.lock", ()), ("requirements-dev.lock", ("dev",))],
)
def test_lock_is_up_to_date_with_pyproject(lock: str, extras: tuple[str, ...]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    pins = locked_pins(ROOT / lock)
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {lock}: run scripts/lock.sh"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock} pins {name}=={pins[name]}, pyproject wants {line}: run scripts/lock.sh"
        )


# --- CI ----------------------------------------------------------------------------------


def test_ci_runs_the_readme_test_command() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    commands = {line.strip().removeprefix("$ ").strip() for b in fenced for line in b.splitlines()}
    assert ci_test_command() in commands, (
        f".ci/run runs {ci_test_command()!r}; README.md's commands are {sorted(commands)}"
    )
    dev = (ROOT / "scripts" / "dev").read_text(encoding="utf-8")
    assert "-m pytest" in dev, "scripts/dev test must run pytest"


def test_settings_reads_exactly_the_action_inputs(action: dict[str, Any]) -> None:
    import reviewer.app.settings

    names = reviewer.app.settings.INPUT_NAMES
    assert len(names) == len(set(names))
    assert set(names) == set(action["inputs"])


def test_program_writes_exactly_the_action_outputs(action: dict[str, Any]) -> None:
    # OUTPUT_NAMES lives in reviewer/app/actions_io.py (the Actions outputs file writer).
    import reviewer.app.actions_io

    names = reviewer.app.actions_io.OUTPUT_NAMES
    assert len(names) == len(set(names))
    assert set(names) == set(action["outputs"])
