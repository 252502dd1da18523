"""The SLA scan under GitHub's rate limits: once GitHub says the token is rate limited,
the scan stops instead of retrying every other PR through the same limit; what was not
scanned is listed, the outputs are written, and the run is incomplete (exit 3). The waits
GitHub asked for are the run's own (recorded here, not slept)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from action_runner import run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from test_sla_e2e import INPUTS, SCHEDULE, at, open_prs

SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before "
    "you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits",
}
PRIMARY = {
    "message": "API rate limit exceeded for installation ID 1.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits",
}


def primary_headers() -> dict[str, str]:
    reset = int(time.time()) + 3600  # an hour away: longer than the action waits
    return {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}


# (id, status, headers, body, timeline requests for #2, waits recorded)
LIMITS: list[tuple[str, int, Any, dict[str, str], int, list[float]]] = [
    # Retried 4 times after the Retry-After GitHub gave, then the scan stops.
    ("secondary-403-retry-after", 403, lambda: {"Retry-After": "7"}, SECONDARY, 5, [7.0] * 4),
    # A Retry-After of 5 minutes is waited 2 minutes at most.
    (
        "secondary-403-retry-after-300",
        403,
        lambda: {"Retry-After": "300"},
        SECONDARY,
        5,
        [120.0] * 4,
    ),
    # The primary limit resets in an hour: not waited for at all.
    ("primary-403-remaining-0", 403, primary_headers, PRIMARY, 1, []),
    # A 429 without Retry-After is not retried by the HTTP stack.
    ("secondary-429", 429, dict, SECONDARY, 1, []),
]


@pytest.mark.parametrize(
    ("status", "headers", "body", "attempts", "waits"),
    [pytest.param(*case[1:], id=case[0]) for case in LIMITS],
)
def test_a_rate_limit_stops_the_scan_and_lists_what_was_not_scanned(
    tmp_path: Path,
    fake_github: FakeGitHub,
    fake_model: FakeModelServer,
    status: int,
    headers: Any,
    body: dict[str, str],
    attempts: int,
    waits: list[float],
) -> None:
    open_prs(fake_github)
    fake_github.set_clock(at(30))

    def limited() -> None:  # from the second PR on, every timeline read is refused
        fake_github.fail_next(
            "GET", r"/timeline", status, times=10_000, headers=headers(), body=body
        )

    fake_github.on_request("GET", r"/timeline$", limited, nth=2)
    result = run_action(
        tmp_path, fake_github, fake_model, event=SCHEDULE, event_name="schedule",
        inputs=INPUTS, now=at(30),
    )  # fmt: skip

    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stdout
    timeline = [r.path for r in fake_github.requests if r.path.endswith("/timeline")]
    assert timeline == [
        "/repos/Codertocat/Hello-World/issues/1/timeline",
        *["/repos/Codertocat/Hello-World/issues/2/timeline"] * attempts,
    ]
    # #1 was scanned and escalated before the limit; nothing was asked of #3, #4 or #6.
    assert not [r for r in fake_github.requests if re.search(r"/(issues|pulls)/[346]\b", r.path)]
    assert result.outputs == {"overdue": "1", "escalated": "1", "open-prs": "1"}
    assert result.sleeps == waits
    assert "1 open pull request(s) scanned, 4 not scanned" in result.step_summary
    assert "Not scanned: #2, #3, #4, #6" in result.step_summary, result.step_summary
    assert "::error::GitHub's rate limit stopped the SLA scan at #2" in result.stdout
