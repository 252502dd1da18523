"""The waits a run makes between and after requests, in one place.

Production runs use the defaults. Tests pass a `Runtime` with short pauses and a recording
`sleep`, so the real clients run against the HTTP fakes without waiting for real.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Runtime:
    # PyGithub's pause between two writes (GitHub asks integrators for one second).
    github_write_pause_s: float = 1.0
    # urllib3's exponential backoff factor for GitHub reads retried after a 5xx.
    github_retry_backoff: float = 0.5
    # The model requests' exponential backoff: first wait and cap.
    model_backoff_initial_s: float = 1.0
    model_backoff_max_s: float = 30.0
    # Every wait the run makes (Retry-After, backoff, write retries, urllib3's retries of
    # GitHub reads) goes here.
    sleep: Callable[[float], None] = field(default=time.sleep)
    clock: Callable[[], float] = field(default=time.monotonic)
    # The time of day, for the SLA scan (tests set it; routing uses the PR's own times).
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
