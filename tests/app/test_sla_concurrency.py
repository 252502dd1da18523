"""Two overlapping SLA scans (a slow scheduled run and the next one) must not escalate a
pull request twice: the marker is compared before writing, and a duplicate first comment
is deleted. The fake GitHub serves requests in parallel here, and holds a run at a chosen
request so the runs interleave the way they would in the worst case."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from action_runner import fast_runtime, parse_outputs, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from paths import EVENTS
from pytest_httpserver import HTTPServer
from test_sla_e2e import INPUTS, at, open_prs, sla_comments
from werkzeug import Request

from reviewer.cli import main
from reviewer.core.sla_comment import read_marker

SCHEDULE = EVENTS / "schedule.json"
CAS_READ = re.compile(r"/repos/[^/]+/[^/]+/issues/comments/\d+")
TIMEOUT_S = 20


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        fake = FakeGitHub().install(server)
        open_prs(fake)
        yield fake
    finally:
        server.clear()
        server.stop()


def scan_in_thread(fake: FakeGitHub, tmp: Path, name: str, now: datetime) -> dict[str, str]:
    """`python -m reviewer` for a schedule event, in this thread; its outputs."""
    output = tmp / f"{name}.out"
    summary = tmp / f"{name}.md"
    output.write_text("")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GITHUB_EVENT_NAME": "schedule",
        "GITHUB_EVENT_PATH": str(SCHEDULE),
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_API_URL": fake.base_url,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "INPUT_GITHUB-TOKEN": "ghs_test",
        **{f"INPUT_{k.upper()}": v for k, v in INPUTS.items()},
    }
    code = main([], env=env, runtime=fast_runtime([], now))
    assert code == 0, summary.read_text() if summary.exists() else code
    outputs = parse_outputs(output.read_text())
    outputs["summary"] = summary.read_text()
    return outputs


def run_both(fake: FakeGitHub, tmp: Path, now: datetime) -> list[dict[str, str]]:
    results: dict[str, dict[str, str]] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            results[name] = scan_in_thread(fake, tmp, name, now)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S * 2)
    assert errors == [] and len(results) == 2
    return [results["a"], results["b"]]


def tier_of(fake: FakeGitHub) -> int:
    (comment,) = sla_comments(fake)
    marker = read_marker(comment["body"])
    assert marker is not None
    return marker.tier


def test_runs_that_both_pass_the_check_escalate_once(
    tmp_path: Path, github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    github.set_clock(at(30))
    first = run_action(
        tmp_path, github, fake_model, event=json.loads(SCHEDULE.read_text()),
        event_name="schedule", inputs=INPUTS, now=at(30),
    )  # fmt: skip
    assert first.returncode == 0 and tier_of(github) == 1
    barrier = threading.Barrier(2, timeout=TIMEOUT_S)

    def hold(request: Request) -> None:  # both runs read the marker again, then go on
        if request.method == "GET" and CAS_READ.fullmatch(request.path):
            barrier.wait()

    github.before_request = hold
    github.set_clock(at(43))
    a, b = run_both(github, tmp_path, at(43))
    assert tier_of(github) == 2  # not 3: the same step, written twice, is one step
    assert github.requested_of(1) == {"users": ["amy", "lead", "cto"], "teams": ["seniors"]}
    assert github.labels[1] == ["review-overdue"]
    assert (a["escalated"], b["escalated"]) == ("1", "1")
    assert github.validation_errors == []


def test_a_run_that_finds_the_marker_changed_leaves_the_pr_alone(
    tmp_path: Path, github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    github.set_clock(at(30))
    run_action(
        tmp_path, github, fake_model, event=json.loads(SCHEDULE.read_text()),
        event_name="schedule", inputs=INPUTS, now=at(30),
    )  # fmt: skip
    inner: dict[str, dict[str, str]] = {}

    def other_run_first(request: Request) -> None:
        # Run A is about to re-read the marker: run B starts and finishes right now.
        if request.method == "GET" and CAS_READ.fullmatch(request.path) and not inner:
            inner["b"] = {}
            inner["b"] = scan_in_thread(github, tmp_path, "b", at(43))

    github.before_request = other_run_first
    github.set_clock(at(43))
    a = scan_in_thread(github, tmp_path, "a", at(43))
    assert inner["b"]["escalated"] == "1" and a["escalated"] == "0"
    assert "another scan changed this PR meanwhile; left to it" in a["summary"]
    assert tier_of(github) == 2


def test_two_first_breaches_leave_one_comment(
    tmp_path: Path, github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    barrier = threading.Barrier(2, timeout=TIMEOUT_S)

    def hold(request: Request) -> None:  # both create their comment at once
        if request.method == "POST" and request.path.endswith("/issues/1/comments"):
            barrier.wait()

    github.before_request = hold
    github.set_clock(at(30))
    run_both(github, tmp_path, at(30))
    assert len(sla_comments(github)) == 1 and tier_of(github) == 1
    assert github.requested_of(1)["users"] == ["amy", "lead"]
