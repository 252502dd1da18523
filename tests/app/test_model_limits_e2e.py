"""The action end to end against models at their limits: a provider's rate limits, the
output cap, a model that loops, one that does not answer in time, and findings naming a
file the review did not cover. In process, against the fake GitHub and fake model."""

from __future__ import annotations

import json
import re
from pathlib import Path

from action_runner import add_event_pull, make_diff, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, Trigger, finding, scripted
from fakes.provider_limits import ProviderLimits

from reviewer.model.output_cap import DEFAULT_OUTPUT_TOKENS


def many_files_diff(tmp_path: Path, files: int) -> str:
    """`files` new files, each filling a chunk of its own with `max-chunk-tokens: 500`."""
    repo = GitRepo(tmp_path / "many-files-repo")
    repo.write("README.md", "# Hello\n")
    base = repo.commit("base")
    for n in range(files):
        lines = "".join(
            f"JOB_{n}_{i} = schedule('nightly-{i}', retries={i % 3})\n" for i in range(26)
        )
        repo.write(f"src/jobs_{n}.py", lines)
    repo.commit("head")
    return repo.diff(base)


def test_a_429_storm_is_met_once_then_paced_by_the_providers_headers(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, many_files_diff(tmp_path, 16))
    # Four requests a "minute" of 0.4 s: a burst of four, then one every 0.1 s. (The
    # 2% of the budget kept free for clock differences is 8 ms at this scale; at 0.2 s
    # it was 4 ms, less than a loaded machine's scheduling jitter.)
    fake_model.limits = ProviderLimits(4, 10**9, minute_s=0.4)
    fake_model.latency_s = 0.2
    result = run_action(
        tmp_path, fake_github, fake_model, inputs={"max-chunk-tokens": "1000"}, real_waits=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (summary,) = fake_github.issue_comments
    assert "not reviewed" not in summary["body"]
    answered = [a for a in fake_model.limits.admissions if a.status == 200]
    assert len(answered) == 16
    # Only the first wave, sent before any answer told the limits, met the 429s: after
    # them, every request waited for the budget to refill.
    assert fake_model.limits.rejected <= 16 - 4
    assert re.search(r"rate limited \(429\); at most \d+ at once from now on", result.stderr)
    reached = re.search(r"16 request\(s\) \(up to (\d+) at once\)", summary["body"])
    assert reached is not None and 4 <= int(reached.group(1)) <= 16


def test_every_request_carries_the_output_cap_unless_model_options_set_it(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    run_action(tmp_path, fake_github, fake_model)
    assert fake_model.requests[-1]["max_tokens"] == DEFAULT_OUTPUT_TOKENS
    run_action(
        tmp_path,
        fake_github,
        fake_model,
        inputs={"model-options": '{"max_completion_tokens": 700}', "dry-run": "true"},
    )
    last = fake_model.requests[-1]
    assert last["max_completion_tokens"] == 700 and "max_tokens" not in last


def test_a_model_that_loops_is_reported_once(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    looping = '{"findings": [{"path": "src/app.py", "line": 1, "title": "the the the the'
    fake_model.queue(*[scripted(looping, finish_reason="length", completion_tokens=2048)] * 10)
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 3
    assert len(fake_model.requests) == 3  # the chunk, then its two halves: no further
    (summary,) = fake_github.issue_comments
    assert summary["body"].count("**not reviewed**") == 1
    assert "cut off at its output limit (2,048 tokens) for this part and again" in summary["body"]
    assert result.stdout.count("::error::Not reviewed") == 1


def test_a_timeout_says_how_long_and_how_many_requests(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.latency_s = 1.5  # the server works, but slower than `request-timeout`
    result = run_action(tmp_path, fake_github, fake_model, inputs={"request-timeout": "1"})
    assert result.returncode == 3
    assert len(fake_model.requests) == 2
    (summary,) = fake_github.issue_comments
    assert "did not answer within 1 s (`request-timeout`); 2 requests sent" in summary["body"]
    assert "could not be reached" not in summary["body"]


def test_a_finding_naming_a_file_outside_the_review_is_never_pinned_on_it(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    invented = Trigger("x", severity="critical", title="Leaks the token")
    answer = {"findings": [finding("lib/made_up.py", 3, "token = read()", invented)]}
    fake_model.queue(scripted(json.dumps(answer)))
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1  # it still counts
    assert "::error::critical: Leaks the token (names lib/made_up.py, not a file" in result.stdout
    assert "file=lib/made_up.py" not in result.stdout
    (summary,) = fake_github.issue_comments
    assert "no reviewed file (named `lib/made_up.py`)" in summary["body"]
    assert fake_github.review_comments == []
