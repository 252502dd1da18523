"""Retries respect the run's deadline: no request, and no wait before a retry, starts when it
would reach the deadline. Time here is a fake clock that the recorded waits move on."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from fakes.model_faults import stall_after_headers, trickle
from fakes.openai_server import FakeModelServer, Responder, failing, scripted
from werkzeug import Response

from reviewer.errors import ModelError
from reviewer.model.chunk_reviewer import NOT_IN_TIME, ChunkReviewer, make_client

CHUNK = "File: app.py (modified)\n@@ -1,1 +1,2 @@\n1  import os\n2 +x = eval(input())\n"


@dataclass
class FakeTime:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def reviewer(
    fake: FakeModelServer,
    clock: FakeTime | None = None,
    *,
    attempts: int = 10,
    timeout_s: float = 10.0,
) -> ChunkReviewer:
    client = make_client(api_key="sk-test", base_url=fake.base_url, timeout_s=timeout_s)
    if clock is None:
        return ChunkReviewer(client, model="m", rules="", attempts=attempts, backoff_initial_s=0.01)
    return ChunkReviewer(
        client, model="m", rules="", attempts=attempts, sleep=clock.sleep, clock=clock.clock
    )


def rate_limited(seconds: int) -> Responder:
    return failing(429, "Rate limit reached.", {"Retry-After": str(seconds)})


def test_no_retry_whose_wait_would_reach_the_deadline(fake_model: FakeModelServer) -> None:
    fake = FakeTime()
    fake_model.queue(*[rate_limited(5)] * 10)
    with pytest.raises(ModelError) as raised:
        reviewer(fake_model, fake).review(CHUNK, deadline=fake.now + 12)
    # Attempts at 0 s, 5 s and 10 s; the next would start at 15 s, past the deadline at 12 s.
    assert len(fake_model.requests) == 3 and fake.sleeps == [5.0, 5.0]
    assert raised.value.message.startswith(f"{NOT_IN_TIME}; the last attempt failed: ")
    assert "Rate limit reached." in raised.value.message
    assert "`time-limit`" in raised.value.hint


def test_without_a_deadline_every_attempt_is_made(fake_model: FakeModelServer) -> None:
    fake = FakeTime()
    fake_model.queue(*[rate_limited(5)] * 4)
    with pytest.raises(ModelError, match="still rate limiting after 4 requests"):
        reviewer(fake_model, fake, attempts=4).review(CHUNK)
    assert len(fake_model.requests) == 4 and fake.sleeps == [5.0] * 3


def test_nothing_is_sent_past_the_deadline(fake_model: FakeModelServer) -> None:
    fake = FakeTime()
    with pytest.raises(ModelError, match="time limit"):
        reviewer(fake_model, fake).review(CHUNK, deadline=fake.now)
    assert fake_model.requests == []


def test_no_reask_past_the_deadline(fake_model: FakeModelServer) -> None:
    fake = FakeTime()

    def invalid_and_late(body: dict[str, Any]) -> Response:
        fake.now += 60  # the answer took a minute
        return scripted("not JSON")(body)

    fake_model.queue(invalid_and_late)
    with pytest.raises(ModelError, match="time limit"):
        reviewer(fake_model, fake).review(CHUNK, deadline=fake.now + 30)
    assert len(fake_model.requests) == 1  # the re-ask was not sent


@pytest.mark.parametrize(
    "slow",
    [trickle(0.05, safety_stop_s=5.0), stall_after_headers(2.0)],
    ids=["trickle", "stall-after-headers"],
)
def test_a_slow_answer_is_cut_at_the_request_timeout_and_retried(
    fake_model: FakeModelServer, slow: Responder
) -> None:
    fake_model.queue(slow)
    started = time.monotonic()
    answer = reviewer(fake_model, timeout_s=0.3).review(CHUNK)
    assert answer.findings == [] and len(fake_model.requests) == 2
    assert time.monotonic() - started < 1.5


def test_an_answer_too_slow_every_time_says_which_input_to_raise(
    fake_model: FakeModelServer,
) -> None:
    fake_model.queue(trickle(0.05, safety_stop_s=5.0), trickle(0.05, safety_stop_s=5.0))
    with pytest.raises(ModelError) as raised:
        reviewer(fake_model, attempts=2, timeout_s=0.15).review(CHUNK)
    assert raised.value.message == (
        "The model endpoint did not answer within 0.15 s (`request-timeout`); 2 requests sent."
    )
    assert "raise `request-timeout`" in raised.value.hint and "-np" in raised.value.hint
