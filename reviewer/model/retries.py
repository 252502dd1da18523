"""Which failed model requests are tried again, after how long, and when to stop.

Transient failures (429, 5xx, timeouts, dropped connections, a 2xx that is not a chat
completion) are retried with exponential backoff and jitter, or after what the server
asked (`retry-after-ms`/`Retry-After`), or while the run's requests are held by one
(`extra_wait`, from the request gate). Attempts stop after `attempts`; a request that
timed out is sent at most twice (a server that took `request-timeout` without answering is
busy, not unreachable: sending it again and again only waits longer); and attempts stop
at the run's deadline: no attempt starts, and no wait before one begins, when the attempt
would start at or past the deadline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base

from reviewer.errors import ReviewerError
from reviewer.model.client import wait_retry_after_or
from reviewer.model.completion import NotACompletion

log = logging.getLogger(__name__)

TRANSIENT = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APITimeoutError,
    openai.APIConnectionError,
    NotACompletion,
)


TIMED_OUT_ATTEMPTS = 2


class StopAfterTimeouts(stop_base):
    """Stop once a request has timed out on its second attempt."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        outcome = retry_state.outcome
        timed_out = outcome is not None and isinstance(outcome.exception(), openai.APITimeoutError)
        return timed_out and retry_state.attempt_number >= TIMED_OUT_ATTEMPTS


class StopAtDeadline(stop_base):
    """Stop when the next attempt would start at or past `deadline` (None: never), its wait
    included; `reached` tells afterwards whether this is why the attempts stopped."""

    def __init__(self, deadline: float | None, clock: Callable[[], float]) -> None:
        self.deadline = deadline
        self.clock = clock
        self.reached = False

    def passed(self) -> bool:
        return self.deadline is not None and self.clock() >= self.deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        if self.deadline is None:
            return False
        wait = retry_state.upcoming_sleep or 0.0
        self.reached = self.clock() + wait >= self.deadline
        return self.reached


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def retrying(
        self, deadline: StopAtDeadline, extra_wait: Callable[[], float] = lambda: 0.0
    ) -> Retrying:
        """A fresh `Retrying` for one request (its own statistics and deadline).
        `extra_wait`: how long every request is held anyway (a `retry-after` seen by any)."""
        own = wait_retry_after_or(
            wait_exponential_jitter(
                multiplier=self.backoff_initial_s,
                max=self.backoff_max_s,
                jitter=self.backoff_initial_s,
            )
        )
        return Retrying(
            retry=retry_if_exception_type(TRANSIENT),
            stop=stop_after_attempt(self.attempts) | StopAfterTimeouts() | deadline,
            wait=lambda state: max(own(state), extra_wait()),
            before_sleep=_log_retry,
            sleep=self.sleep,
            reraise=True,
        )


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    # A ReviewerError's hint is for the final message, not for each retry.
    what = error.message if isinstance(error, ReviewerError) else error
    wait = state.next_action.sleep if state.next_action is not None else 0
    log.warning("Model request failed (%s); retrying in %.1fs.", what, wait)
