"""How many model requests to have in flight, and when to send the next one: adaptive
concurrency as a state machine, fed with what each answer showed. Time is passed in.

- The window (AIMD). It starts at `START` (never above the cap, `concurrency`) and grows
  by one with each clean answer, doubling per round, until the first sign of trouble; then
  by one per round. A 429, a 5xx or a timeout halves it, once per round: answers to
  requests sent before the last cut are the same trouble seen late.
- Queueing. A server with fewer parallel slots than requests in flight (llama-server's
  `-np`) queues the rest, and their latency grows with the number in flight while their
  work does not. An answer's latency per unit of work (a completion token; a prompt token
  counts 1/20, prefill being that much faster; 50 more for the round trip) is compared with
  the best seen: the window grows only while the best of the last three answers is within
  a quarter of it, and when all three took more than half as long again, it is cut to what
  Little's law says the server runs at once (in flight x best / seen). Only for servers
  that report no budgets (self-hosted ones): a provider that does manages its capacity
  itself, and cloud latencies vary too much to be read this way.
- Pacing. Budgets the provider reported (`rate_limits`) are mirrored as token buckets
  (`Bucket`): a request is booked for the moment the budget, as reported and charged with
  what was sent after the request that reported it, holds its cost. A `retry-after` holds
  every new request until then (a retry has waited for it already).
- The first wave, sent before any answer told the limits, stays within `BLIND_TOKENS`:
  the tokens per minute of OpenAI's lowest paid tier for the default model.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from reviewer.core.rate_limits import RateLimits
from reviewer.core.rate_pacing import Bucket

DEFAULT_CAP = 64  # `concurrency`: two rounds for a PR of a hundred chunks
MAX_CAP = 256
START = 48  # the first wave: a few dozen requests
BLIND_TOKENS = 200_000  # gpt-4.1-mini's tokens per minute at OpenAI's tier 1
QUEUE_FACTOR = 1.5
GROW_FACTOR = 1.25  # the window grows only while answers are this close to the best pace
QUEUE_SAMPLES = 3
PREFILL_SPEEDUP = 20
ROUND_TRIP_WORK = 50
MAX_WAIT_S = 60.0  # no header makes one request wait longer than this


class Outcome(StrEnum):
    ANSWERED = "answered"  # a 2xx
    RATE_LIMITED = "rate-limited"  # 429
    OVERLOADED = "overloaded"  # 5xx
    TIMED_OUT = "timed-out"
    FAILED = "failed"  # no answer or another error: says nothing about load


@dataclass(frozen=True, slots=True)
class Ticket:
    seq: int
    delay_s: float  # wait this long, then send
    tokens: int


@dataclass(frozen=True, slots=True)
class Observation:
    outcome: Outcome
    latency_s: float = 0.0
    limits: RateLimits | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Controller:
    """Not thread-safe: the caller holds a lock around every call."""

    def __init__(self, cap: int, *, start: int = START, blind_tokens: int = BLIND_TOKENS) -> None:
        if cap < 1:
            raise ValueError("cap must be at least 1")
        self.cap = cap
        self._limit = float(min(cap, max(1, start)))
        self._threshold = math.inf  # grow fast until the first cut
        self._cut_after = 0  # requests up to this seq were sent before the last cut
        self._issued = 0
        self._booked: dict[int, int] = {}  # seq -> tokens, until a report covers it
        self._in_flight: set[int] = set()  # booked, not finished (waiting or sent)
        self._sent: dict[int, tuple[float, int]] = {}  # seq -> (sent at, in flight then)
        self._reported = 0  # seq of the newest request whose budgets were applied
        self._budgets_reported = False
        self._requests = Bucket()
        self._tokens = Bucket()
        self.paused_until = -math.inf
        self._blind_left: float | None = float(blind_tokens)
        self._best_pace = math.inf
        self._recent: deque[tuple[float, int]] = deque(maxlen=QUEUE_SAMPLES)
        self.peak = 0  # the most requests sent and not yet answered at once

    @property
    def window(self) -> int:
        return max(1, min(self.cap, math.floor(self._limit)))

    def reserve(self, now: float, tokens: int, *, retry: bool = False) -> Ticket | None:
        """Book a request costing `tokens`: when to send it, or None while the window is
        full (or the first wave spent) until another request finishes."""
        if len(self._in_flight) >= self.window:
            return None
        blind = self._blind_left
        if blind is not None and self._in_flight and tokens > blind:
            return None
        delay = 0.0 if retry else self.paused_until - now
        delay = max(delay, self._requests.wait(now, 1), self._tokens.wait(now, tokens))
        delay = min(max(delay, 0.0), MAX_WAIT_S)
        self._requests.take(now + delay, 1)
        self._tokens.take(now + delay, tokens)
        if blind is not None:
            self._blind_left = blind - tokens
        self._issued += 1
        seq = self._issued
        self._booked[seq] = tokens
        self._in_flight.add(seq)
        return Ticket(seq, delay, tokens)

    def started(self, seq: int, now: float) -> int:
        """The request is on its way; returns how many are now (itself included)."""
        count = len(self._sent) + 1
        self._sent[seq] = (now, count)
        self.peak = max(self.peak, count)
        return count

    def cancel(self, seq: int) -> None:
        """A booked request that will not be sent after all."""
        self._in_flight.discard(seq)
        self._refund(seq)

    def finish(self, seq: int, now: float, seen: Observation) -> str | None:
        """What the answer to request `seq` showed; returns why the window was cut, if it was."""
        self._in_flight.discard(seq)
        sent_at, count = self._sent.pop(seq, (now, len(self._sent) + 1))
        self._blind_left = None  # an answer came: the first wave is over
        if seen.outcome is Outcome.RATE_LIMITED:
            self._refund(seq)  # a 429 is charged nothing
        if seen.limits is not None:
            self._report(seq, sent_at, now, seen.limits)
        if seen.outcome is Outcome.RATE_LIMITED:
            return self._cut(seq, "rate limited (429)")
        if seen.outcome is Outcome.OVERLOADED:
            return self._cut(seq, "the server is overloaded (5xx)")
        if seen.outcome is Outcome.TIMED_OUT:
            return self._cut(seq, "a request timed out")
        if seen.outcome is Outcome.ANSWERED:
            return self._answered(seq, count, seen)
        return None

    def _answered(self, seq: int, count: int, seen: Observation) -> str | None:
        if self._budgets_reported:
            self._grow()
            return None
        work = seen.completion_tokens + seen.prompt_tokens / PREFILL_SPEEDUP + ROUND_TRIP_WORK
        pace = seen.latency_s / work
        self._best_pace = min(self._best_pace, pace)
        self._recent.append((pace, count))
        # The best of the last few answers: one long answer is no sign of a queue.
        least, count = min(self._recent)
        if len(self._recent) == QUEUE_SAMPLES and least > QUEUE_FACTOR * self._best_pace:
            self._recent.clear()
            slots = max(1, round(count * self._best_pace / least))
            if slots < self._limit and seq > self._cut_after:
                self._set_limit(slots)
                return f"answers queue on the server (about {slots} run at once)"
            return None
        if least <= GROW_FACTOR * self._best_pace:
            self._grow()
        return None

    def _grow(self) -> None:
        self._limit += 1 if self._limit < self._threshold else 1 / self._limit
        self._limit = min(self._limit, float(self.cap))

    def _cut(self, seq: int, why: str) -> str | None:
        if seq <= self._cut_after:
            return None
        self._set_limit(max(1.0, self._limit / 2))
        return why

    def _set_limit(self, limit: float) -> None:
        self._limit = limit
        self._threshold = limit
        self._cut_after = self._issued

    def _refund(self, seq: int) -> None:
        tokens = self._booked.pop(seq, None)
        if tokens is not None:
            self._requests.refund(1)
            self._tokens.refund(tokens)

    def _report(self, seq: int, sent_at: float, now: float, limits: RateLimits) -> None:
        if limits.retry_after_s is not None:
            pause = min(limits.retry_after_s, MAX_WAIT_S)
            self.paused_until = max(self.paused_until, now + pause)
        if limits.requests is None and limits.tokens is None:
            return
        if seq <= self._reported:
            return  # an older report than one already applied
        # The first report may miss requests sent before its own but let in after it
        # (requests sent at once arrive in any order): all of them count as later. After
        # it, the mirror charges every request itself and reports only make it stricter.
        first = self._reported == 0
        self._reported = seq
        self._budgets_reported = True
        later = [tokens for s, tokens in self._booked.items() if s > seq or (first and s != seq)]
        if limits.requests is not None:
            self._requests.report(sent_at, limits.requests, len(later))
        if limits.tokens is not None:
            self._tokens.report(sent_at, limits.tokens, sum(later))
        self._booked = {s: t for s, t in self._booked.items() if s > seq}
