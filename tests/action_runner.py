"""Run the action with a runner's environment: in process (the default, fast) or as the
container runs it, `python -m reviewer` in a subprocess (`subprocess=True`).

In process, `reviewer.cli.main` gets the same environment the subprocess would, talks to
the same HTTP fakes through the real PyGithub and openai clients, and only its waits are
shortened: a `Runtime` with no pauses whose `sleep` records what it was asked to wait.
Runs in process must not overlap (they redirect the process's stdout and stderr).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from paths import EVENTS, SHARED_TIKTOKEN

from reviewer.app.runtime import Runtime
from reviewer.cli import main

BASE_APP = """\
import os


def load(path):
    with open(path) as handle:
        return handle.read()
"""

HEAD_APP = """\
import os


def load(path):
    with open(path) as handle:
        return handle.read()


def run(command):
    return eval(command)


PASSWORD = "hunter2"
"""


@dataclass
class ActionResult:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    step_summary: str
    sleeps: list[float] = field(default_factory=list)  # waits asked for (in process only)


def tiktoken_env() -> dict[str, str]:
    """The tiktoken cache the tests use, for a child process or an in-process env."""
    cache = os.environ.get("TIKTOKEN_CACHE_DIR")
    if cache:
        return {"TIKTOKEN_CACHE_DIR": cache}
    return {"TIKTOKEN_CACHE_DIR": str(SHARED_TIKTOKEN)} if SHARED_TIKTOKEN.is_dir() else {}


def fast_runtime(
    sleeps: list[float], now: datetime | None = None, *, real_waits: bool = False
) -> Runtime:
    """The production waits, recorded in `sleeps` instead of slept (or recorded and slept,
    with `real_waits`, for a fake whose limits run on the real clock); urllib3's retries of
    GitHub reads (backoff, Retry-After) wait through it too. PyGithub's pause between writes
    sleeps inside that library, so it is zero. `now`: the time of day the run sees (the SLA
    scan's clock)."""

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    runtime = Runtime(
        github_write_pause_s=0.0,
        sleep=sleep if real_waits else sleeps.append,
    )
    return runtime if now is None else dataclasses.replace(runtime, now=lambda: now)


def run_in_process(
    argv: list[str],
    env: dict[str, str],
    *,
    cwd: Path,
    now: datetime | None = None,
    real_waits: bool = False,
) -> tuple[int, str, str, list[float]]:
    """`reviewer.cli.main(argv)` with `env`, from `cwd`: exit code, stdout, stderr, sleeps."""
    sleeps: list[float] = []
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv, env=env, runtime=fast_runtime(sleeps, now, real_waits=real_waits))
        except SystemExit as stop:  # argparse: --help, --version, a bad flag
            code = stop.code if isinstance(stop.code, int) else 2
    return code, out.getvalue(), err.getvalue(), sleeps


def pr_event(action: str = "opened") -> dict:  # type: ignore[type-arg]
    return json.loads((EVENTS / f"pull_request.{action}.json").read_text())


def make_diff(tmp_path: Path, head_text: str = HEAD_APP) -> str:
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", BASE_APP)
    repo.write("README.md", "# Hello\n")
    base = repo.commit("base")
    repo.write("src/app.py", head_text)
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00binary")
    repo.commit("head")
    return repo.diff(base)


JOBS_SECRET = 'PASSWORD = "swordfish"'


def two_files_diff(tmp_path: Path) -> str:
    """`make_diff`'s src/app.py, and a new src/jobs.py with a hard-coded password (a warning,
    below the default `fail-on`): each file fills a chunk of its own with
    `max-chunk-tokens: 500`, so one can fail while the other is reviewed."""
    repo = GitRepo(tmp_path / "two-files-repo")
    repo.write("src/app.py", BASE_APP)
    base = repo.commit("base")
    repo.write("src/app.py", HEAD_APP)
    jobs = "".join(f"JOB_{n} = schedule('nightly-{n}', retries={n % 3})\n" for n in range(26))
    repo.write("src/jobs.py", jobs + JOBS_SECRET + "\n")
    repo.commit("head")
    return repo.diff(base)


def add_event_pull(fake: FakeGitHub, diff: str) -> None:
    """Serve `diff` as the PR of GitHub's example pull_request event (#2 of Hello-World)."""
    payload = pr_event()["pull_request"]
    pull = fake.add_pull(
        payload["number"],
        head_sha=payload["head"]["sha"],
        base_sha=payload["base"]["sha"],
        diff=diff,
    )
    # As the event names them: GitHub's API agrees with its own events.
    pull.base_ref, pull.body = payload["base"]["ref"], payload["body"]


def parse_outputs(text: str) -> dict[str, str]:
    pattern = re.compile(r"^([\w-]+)<<(\S+)\n(.*?)\n\2$", re.M | re.S)
    return {m.group(1): m.group(3) for m in pattern.finditer(text)}


def run_action(
    tmp_path: Path,
    github: FakeGitHub,
    model: FakeModelServer,
    *,
    event: dict | None = None,  # type: ignore[type-arg]
    event_name: str = "pull_request",
    token: str = "ghs_test",
    inputs: dict[str, str] | None = None,
    extra_env: dict[str, str] | None = None,
    workspace: Path | None = None,
    api_prefix: str = "",
    subprocess_run: bool = False,
    now: datetime | None = None,
    real_waits: bool = False,
) -> ActionResult:
    workspace = workspace or tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event if event is not None else pr_event()))
    output = tmp_path / "github_output"
    summary = tmp_path / "step_summary"
    output.write_text("")
    summary.write_text("")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_API_URL": github.base_url + api_prefix,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": "0" * 40,  # the merge commit: never what we review
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(workspace),
        "INPUT_GITHUB-TOKEN": token,
        "INPUT_API-KEY": "sk-test",
        "INPUT_BASE-URL": model.base_url,
        "INPUT_MODEL": "gpt-4.1-mini",
        "INPUT_FAIL-ON": "critical",
    }
    env.update(tiktoken_env())
    for name, value in (inputs or {}).items():
        env[f"INPUT_{name.upper()}"] = value
    env.update(extra_env or {})
    if not subprocess_run:
        code, stdout, stderr, sleeps = run_in_process(
            [], env, cwd=workspace, now=now, real_waits=real_waits
        )
        return ActionResult(
            code, stdout, stderr, parse_outputs(output.read_text()), summary.read_text(), sleeps
        )
    done = subprocess.run(
        [sys.executable, "-m", "reviewer"],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return ActionResult(
        done.returncode,
        done.stdout,
        done.stderr,
        parse_outputs(output.read_text()),
        summary.read_text(),
    )
