"""Smoke-test the action's image against the fakes, as the CI and release workflows do:

    python tests/smoke_image.py --image IMAGE [--platform linux/arm64] [--version 1.2.0]

Starts the fake GitHub and the fake model on 127.0.0.1 and runs the image's entrypoint as
the Actions runner runs a container action: the same INPUT_* and GITHUB_* variables,
/github/workspace, /github/workflow and /github/file_commands mounted, and (to reach the
fakes) the host's network. The run must review the example pull request: one review with
the inline comment, the summary comment, the outputs, and exit code 1 for the critical
finding. tests/test_smoke_image.py runs the same check on this checkout, in process.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: tests/ imports

from action_runner import (
    HEAD_APP,
    add_event_pull,
    make_diff,
    parse_outputs,
    pr_event,
)
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger
from pytest_httpserver import HTTPServer

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
# Where the runner mounts these directories in a container action.
CONTAINER_DIRS = {
    "workspace": "/github/workspace",
    "workflow": "/github/workflow",
    "file_commands": "/github/file_commands",
}


class Entrypoint(Protocol):
    def paths(self, host: Mapping[str, Path]) -> dict[str, str]:
        """The directories as the entrypoint sees them."""
        ...

    def run(self, env: Mapping[str, str], host: Mapping[str, Path]) -> tuple[int, str, str]:
        """Run the action with `env`: exit code, stdout, stderr."""
        ...


class DockerImage:
    def __init__(self, image: str, platform: str = "") -> None:
        self.image = image
        self.platform = platform

    def paths(self, host: Mapping[str, Path]) -> dict[str, str]:
        return dict(CONTAINER_DIRS)

    def command(self, env: Mapping[str, str], host: Mapping[str, Path], *args: str) -> list[str]:
        argv = ["docker", "run", "--rm", "--network", "host"]
        argv += ["--platform", self.platform] if self.platform else []
        for name, container in CONTAINER_DIRS.items():
            argv += ["--volume", f"{host[name]}:{container}"]
        argv += ["--workdir", CONTAINER_DIRS["workspace"]]
        for name in sorted(env):
            argv += ["--env", f"{name}={env[name]}"]
        return [*argv, self.image, *args]

    def run(self, env: Mapping[str, str], host: Mapping[str, Path]) -> tuple[int, str, str]:
        done = subprocess.run(
            self.command(env, host), capture_output=True, text=True, timeout=600, check=False
        )
        return done.returncode, done.stdout, done.stderr

    def version(self) -> str:
        argv = ["docker", "run", "--rm", "--network", "none"]
        argv += ["--platform", self.platform] if self.platform else []
        done = subprocess.run(
            [*argv, self.image, "--version"], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() or done.stderr.strip()


def runner_env(paths: Mapping[str, str], github_url: str, model_url: str) -> dict[str, str]:
    """What the runner gives a container action on a pull_request event."""
    return {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": f"{paths['workflow']}/event.json",
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_API_URL": github_url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": "0" * 40,
        "GITHUB_OUTPUT": f"{paths['file_commands']}/output",
        "GITHUB_STEP_SUMMARY": f"{paths['file_commands']}/step_summary",
        "GITHUB_WORKSPACE": paths["workspace"],
        "HOME": "/github/home",
        "INPUT_GITHUB-TOKEN": "ghs_test",
        "INPUT_API-KEY": "sk-test",
        "INPUT_BASE-URL": model_url,
        "INPUT_MODEL": "gpt-4.1-mini",
        "INPUT_FAIL-ON": "critical",
    }


def smoke(entrypoint: Entrypoint, scratch: Path) -> list[str]:
    """Run the action once against fresh fakes; the problems found (none: it works)."""
    github_server = HTTPServer(host="127.0.0.1", port=0)
    model_server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    github_server.start()
    model_server.start()
    try:
        return smoke_on(entrypoint, scratch, github_server, model_server)
    finally:
        github_server.stop()
        model_server.stop()


def smoke_on(
    entrypoint: Entrypoint, scratch: Path, github_server: HTTPServer, model_server: HTTPServer
) -> list[str]:
    """`smoke` on running servers (the test suite's)."""
    host = {name: scratch / name for name in CONTAINER_DIRS}
    for directory in host.values():
        directory.mkdir(parents=True)
    (host["workflow"] / "event.json").write_text(json.dumps(pr_event()), encoding="utf-8")
    for name in ("output", "step_summary"):
        (host["file_commands"] / name).write_text("")
    github = FakeGitHub(owner="Codertocat", repo="Hello-World").install(github_server)
    add_event_pull(github, make_diff(scratch))
    model = FakeModelServer(model=ReadingModel([EVAL]))
    model.install(model_server)
    env = runner_env(entrypoint.paths(host), github.base_url, model.base_url)
    code, stdout, stderr = entrypoint.run(env, host)
    outputs = parse_outputs((host["file_commands"] / "output").read_text())
    problems = check(code, stderr, github, model, outputs)
    if problems:
        problems.append(f"the run's output:\n{stdout[-2000:]}\n{stderr[-4000:]}")
    return problems


def check(
    code: int, stderr: str, github: FakeGitHub, model: FakeModelServer, outputs: dict[str, str]
) -> list[str]:
    eval_line = next(i for i, text in enumerate(HEAD_APP.splitlines(), 1) if "eval(" in text)
    found = {
        "exit code": (code, 1),
        "model requests": (len(model.requests), 1),
        "reviews posted": (len(github.reviews), 1),
        "inline comments": (
            [(c["path"], c["line"]) for c in github.review_comments],
            [("src/app.py", eval_line)],
        ),
        "summary comments": (
            sum("<!-- reviewer:summary" in str(c["body"]) for c in github.issue_comments),
            1,
        ),
        "outputs verdict, findings": (
            (outputs.get("verdict"), outputs.get("findings")),
            ("fail", "1"),
        ),
        "requests GitHub rejected": (
            github.validation_errors + [str(r) for r in github.unhandled],
            [],
        ),
        "tracebacks": ("Traceback" in stderr, False),
    }
    return [
        f"{what}: {got!r}, expected {want!r}" for what, (got, want) in found.items() if got != want
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", required=True, help="the image, e.g. ghcr.io/o/n@sha256:…")
    parser.add_argument("--platform", default="", help="e.g. linux/arm64 (QEMU emulates it)")
    parser.add_argument("--version", default="", help="the version `--version` must print")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    image = DockerImage(args.image, args.platform)
    problems = []
    if args.version and image.version() != f"reviewer {args.version}":
        problems.append(f"--version printed {image.version()!r}, expected reviewer {args.version}")
    # ignore_cleanup_errors: files the container wrote as root may not be ours to delete.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as scratch:
        problems += smoke(image, Path(scratch))
    where = f"{args.image} ({args.platform or 'native'})"
    if problems:
        print(f"smoke test of {where} FAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"smoke test of {where} passed: it reviewed the pull request end to end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
