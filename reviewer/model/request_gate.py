"""The gate every model request of a run passes: adaptive concurrency, shared by the
worker threads (`core.concurrency.Controller` decides; this holds the lock, waits, and
tells it what each answer showed).

A request waits here for room in the window (for another request to finish: not a pause
of ours, so not through `sleep`), then for the moment the provider's budgets allow it
(through `sleep`, so tests record it), and never past the run's deadline.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import openai

from reviewer.core.concurrency import Controller, Observation, Outcome
from reviewer.core.rate_limits import RateLimits, read_rate_limits
from reviewer.model.client import retry_after_seconds
from reviewer.model.completion import Completion, read_completion

log = logging.getLogger(__name__)


class NotInTime(Exception):
    """The request could not be sent before the run's deadline."""


@dataclass
class Slot:
    """One request's passage: the caller reports how it ended."""

    seen: Observation | None = None

    def answered(
        self, headers: Mapping[str, str], completion: Completion, latency_s: float
    ) -> None:
        self.seen = Observation(
            Outcome.ANSWERED,
            latency_s,
            limits_in(headers),
            completion.usage.prompt_tokens,
            completion.usage.completion_tokens,
        )

    def failed(self, error: BaseException, latency_s: float) -> None:
        self.seen = observation_of(error, latency_s)


class RequestGate:
    def __init__(
        self,
        cap: int,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        controller: Controller | None = None,
    ) -> None:
        self._controller = controller or Controller(cap)
        self._changed = threading.Condition()
        self._sleep = sleep
        self._clock = clock

    @property
    def reached(self) -> int:
        """The most requests in flight at once so far."""
        with self._changed:
            return self._controller.peak

    def pause_left(self) -> float:
        """How long new requests are held by a `retry-after` (for a retry's wait)."""
        with self._changed:
            return max(0.0, self._controller.paused_until - self._clock())

    @contextmanager
    def slot(self, tokens: int, *, deadline: float | None, retry: bool = False) -> Iterator[Slot]:
        """Room for one request costing `tokens`; `NotInTime` if it would start at or past
        `deadline`. The caller sends inside the block and tells the slot how it ended."""
        with self._changed:
            while (ticket := self._controller.reserve(self._clock(), tokens, retry=retry)) is None:
                left = None if deadline is None else deadline - self._clock()
                if left is not None and left <= 0:
                    raise NotInTime
                self._changed.wait(left)
        try:
            if ticket.delay_s > 0:
                if deadline is not None and self._clock() + ticket.delay_s >= deadline:
                    raise NotInTime
                self._sleep(ticket.delay_s)
        except BaseException:
            with self._changed:
                self._controller.cancel(ticket.seq)
                self._changed.notify_all()
            raise
        with self._changed:
            self._controller.started(ticket.seq, self._clock())
        slot = Slot()
        try:
            yield slot
        finally:
            self._finish(ticket.seq, slot.seen or Observation(Outcome.FAILED))

    def _finish(self, seq: int, seen: Observation) -> None:
        with self._changed:
            before = self._controller.window
            why = self._controller.finish(seq, self._clock(), seen)
            after = self._controller.window
            self._changed.notify_all()
        if why is not None and after < before:
            log.warning("Model requests: %s; at most %d at once from now on.", why, after)


def limits_in(headers: Mapping[str, str]) -> RateLimits | None:
    lowered = {name.lower(): value for name, value in headers.items()}
    limits = read_rate_limits(lowered, retry_after_s=retry_after_seconds(lowered))
    return None if limits.empty else limits


def observation_of(error: BaseException, latency_s: float) -> Observation:
    """What a failed request says about the server's load."""
    response = getattr(error, "response", None)
    limits = limits_in(response.headers) if response is not None else None
    if isinstance(error, openai.RateLimitError):
        return Observation(Outcome.RATE_LIMITED, latency_s, limits)
    if isinstance(error, openai.InternalServerError):
        return Observation(Outcome.OVERLOADED, latency_s, limits)
    if isinstance(error, openai.APITimeoutError):
        return Observation(Outcome.TIMED_OUT, latency_s, limits)
    return Observation(Outcome.FAILED, latency_s, limits)


def send_through(
    gate: RequestGate,
    clock: Callable[[], float],
    create: Callable[[], Any],
    *,
    tokens: int,
    deadline: float | None,
    retry: bool,
) -> Completion:
    """One request (`create()`: the client's raw-response call) in a slot of `gate`, its
    answer read inside the slot: a 200 that is no chat completion counts as a failure."""
    with gate.slot(tokens, deadline=deadline, retry=retry) as slot:
        started = clock()
        try:
            answer = create().http_response
            completion = read_completion(answer.content, answer.headers.get("content-type", ""))
        except BaseException as error:
            slot.failed(error, clock() - started)
            raise
        slot.answered(answer.headers, completion, clock() - started)
    return completion


def estimated_tokens(texts: list[str], output_cap: int | None) -> int:
    """A request's tokens as OpenAI's limiter counts them: its characters over four, plus
    the output cap it asks for."""
    return math.ceil(sum(len(text) for text in texts) / 4) + (output_cap or 0)
