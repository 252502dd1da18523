"""A provider's rate limits as OpenAI enforces and reports them, for the fake model server.

OpenAI limits requests per minute (RPM) and tokens per minute (TPM). Each limit behaves as
a bucket that holds a minute's worth and refills continuously: `x-ratelimit-reset-*` is the
time until the bucket is whole again ("1s" after one request at 60 RPM), and a burst of a
minute's worth is allowed at once. A request is charged when it arrives: one request, and
its tokens as OpenAI's limiter estimates them, the characters of its messages over four
plus the output cap it asks for (`max_tokens` or `max_completion_tokens`); a request over
either budget is answered 429 and charged nothing. Every answer carries the budgets as
they stood when the request arrived; a 429 also says when to retry (`retry-after-ms`,
`retry-after`).

`minute_s` scales time for benchmarks: a "minute" of 6 s keeps every ratio (burst to
refill, limit to latency) while the run takes a tenth of the time.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def go_duration(seconds: float) -> str:
    """A duration as OpenAI writes it (Go's format): "6m0s", "1s", "1.5s", "120ms"."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    minutes, rest = divmod(seconds, 60)
    text = f"{rest:.3f}".rstrip("0").rstrip(".") + "s"
    return f"{int(minutes)}m{text}" if minutes else text


def charged_tokens(body: dict[str, Any]) -> int:
    """What OpenAI's limiter charges a request: its characters over four, plus its cap."""
    chars = sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
    cap = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    return math.ceil(chars / 4) + int(cap)


@dataclass
class _Bucket:
    capacity: float
    per_s: float
    level: float
    at: float

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.at) * self.per_s)
        self.at = now

    def reset_s(self) -> float:
        return (self.capacity - self.level) / self.per_s

    def wait_s(self, amount: float) -> float:
        return max(0.0, (amount - self.level) / self.per_s)


@dataclass
class Admission:
    """One request as the limiter saw it."""

    arrived: float
    tokens: int
    status: int  # 200 or 429


@dataclass
class ProviderLimits:
    requests_per_minute: int
    tokens_per_minute: int
    minute_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    admissions: list[Admission] = field(default_factory=list)
    first_answer_at: float | None = None  # when the first 200 left the server
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _requests: _Bucket | None = None
    _tokens: _Bucket | None = None

    def _buckets(self, now: float) -> tuple[_Bucket, _Bucket]:
        if self._requests is None or self._tokens is None:
            rpm, tpm = self.requests_per_minute, self.tokens_per_minute
            self._requests = _Bucket(rpm, rpm / self.minute_s, rpm, now)
            self._tokens = _Bucket(tpm, tpm / self.minute_s, tpm, now)
        return self._requests, self._tokens

    def admit(self, body: dict[str, Any]) -> tuple[int, dict[str, str], str]:
        """The status for this request (200 or 429), the headers to answer with, and for a
        429 the message OpenAI words it with."""
        tokens = charged_tokens(body)
        with self._lock:
            now = self.clock()
            requests, budget = self._buckets(now)
            requests.refill(now)
            budget.refill(now)
            over = None
            if requests.level < 1:
                over = "requests per min (RPM)"
            elif budget.level < tokens:
                over = "tokens per min (TPM)"
            else:
                requests.level -= 1
                budget.level -= tokens
            headers = {
                "x-ratelimit-limit-requests": str(self.requests_per_minute),
                "x-ratelimit-limit-tokens": str(self.tokens_per_minute),
                "x-ratelimit-remaining-requests": str(int(requests.level)),
                "x-ratelimit-remaining-tokens": str(int(budget.level)),
                "x-ratelimit-reset-requests": go_duration(requests.reset_s()),
                "x-ratelimit-reset-tokens": go_duration(budget.reset_s()),
            }
            self.admissions.append(Admission(now, tokens, 429 if over else 200))
            if over is None:
                return 200, headers, ""
            wait = max(requests.wait_s(1), budget.wait_s(tokens))
        headers["retry-after-ms"] = str(max(1, math.ceil(wait * 1000)))
        headers["retry-after"] = str(max(1, math.ceil(wait)))
        message = (
            f"Rate limit reached for gpt-4.1-mini in organization org-fake on {over}: "
            f"Limit {self.tokens_per_minute if 'TPM' in over else self.requests_per_minute}. "
            f"Please try again in {go_duration(wait)}."
        )
        return 429, headers, message

    def answered(self) -> None:
        """A 200 is leaving the server: from now on, a client can know the limits."""
        with self._lock:
            if self.first_answer_at is None:
                self.first_answer_at = self.clock()

    def rejected_after_first_answer(self) -> int:
        """429s for requests that arrived after an answer had told the client the limits."""
        with self._lock:
            first = self.first_answer_at
            return sum(
                1
                for a in self.admissions
                if a.status == 429 and first is not None and a.arrived > first
            )

    @property
    def rejected(self) -> int:
        with self._lock:
            return sum(1 for a in self.admissions if a.status == 429)
