"""What a provider's rate-limit headers say, read into numbers.

OpenAI (and Groq, and others copying it) send with every answer, 429s included:
`x-ratelimit-limit-requests`/`-tokens` (the budget), `x-ratelimit-remaining-requests`/
`-tokens` (what is left) and `x-ratelimit-reset-requests`/`-tokens` (how long until the
budget is whole again, written as Go durations: "6m0s", "1s", "120ms"). Azure OpenAI sends
the remaining counts only. `retry-after-ms`/`retry-after` are read by the model adapter
(an HTTP date needs the wall clock) and passed in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

_DURATION = re.compile(
    r"(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m(?!s))?"
    r"(?:(?P<s>\d+(?:\.\d+)?)s)?(?:(?P<ms>\d+(?:\.\d+)?)ms)?"
)
# A bare number this large is a point in time (epoch seconds), not a duration.
_EPOCH = 1e9


@dataclass(frozen=True, slots=True)
class Budget:
    """One of the provider's budgets (requests or tokens) as one answer reported it."""

    remaining: float
    reset_s: float | None = None  # until the budget is whole again
    limit: float | None = None  # its size, when the provider says


@dataclass(frozen=True, slots=True)
class RateLimits:
    requests: Budget | None = None
    tokens: Budget | None = None
    retry_after_s: float | None = None

    @property
    def empty(self) -> bool:
        return self.requests is None and self.tokens is None and self.retry_after_s is None


def parse_duration(text: str) -> float | None:
    """Seconds in a Go duration ("6m0s", "1h2m3.5s", "120ms") or a bare number of
    seconds; None for anything else."""
    value = text.strip().lower()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        match = _DURATION.fullmatch(value)
        if match is None or not any(match.groupdict().values()):
            return None
        parts = {k: float(v) for k, v in match.groupdict().items() if v is not None}
        seconds = (
            parts.get("h", 0.0) * 3600
            + parts.get("m", 0.0) * 60
            + parts.get("s", 0.0)
            + parts.get("ms", 0.0) / 1000
        )
    if not math.isfinite(seconds) or seconds < 0 or seconds >= _EPOCH:
        return None
    return seconds


def read_rate_limits(
    headers: Mapping[str, str], *, retry_after_s: float | None = None
) -> RateLimits:
    """The budgets in `headers` (names lower-cased); what is missing or garbled is None."""
    return RateLimits(
        requests=_budget(headers, "requests"),
        tokens=_budget(headers, "tokens"),
        retry_after_s=retry_after_s,
    )


def _budget(headers: Mapping[str, str], kind: str) -> Budget | None:
    remaining = _count(headers.get(f"x-ratelimit-remaining-{kind}"))
    if remaining is None:
        return None
    reset = headers.get(f"x-ratelimit-reset-{kind}")
    limit = _count(headers.get(f"x-ratelimit-limit-{kind}"))
    return Budget(
        remaining=remaining,
        reset_s=parse_duration(reset) if reset is not None else None,
        limit=limit if limit is not None and limit >= remaining else None,
    )


def _count(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None
