"""Every request of a run passes the gate (model/request_gate.py): the real client against
the fake model, with a fake clock that the recorded waits move on."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from fakes.model_faults import trickle
from fakes.openai_server import FakeModelServer, failing

from reviewer.errors import ModelError
from reviewer.model.chunk_reviewer import NOT_IN_TIME, ChunkReviewer, make_client
from reviewer.model.request_gate import estimated_tokens

CHUNK = "File: app.py (modified)\n@@ -1,1 +1,2 @@\n1  import os\n2 +x = eval(input())\n"
# A minute's budget of 10 requests, spent: OpenAI's headers on its 429.
SPENT = {
    "x-ratelimit-limit-requests": "10",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-reset-requests": "10s",
    "x-ratelimit-limit-tokens": "200000",
    "x-ratelimit-remaining-tokens": "190000",
    "x-ratelimit-reset-tokens": "3s",
}


@dataclass
class FakeTime:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clock(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.now += seconds


def reviewer(
    fake: FakeModelServer, clock: FakeTime | None = None, *, concurrency: int = 64, **kwargs: float
) -> ChunkReviewer:
    client = make_client(
        api_key="sk-test", base_url=fake.base_url, timeout_s=kwargs.pop("timeout_s", 10.0)
    )
    timing = {"sleep": clock.sleep, "clock": clock.clock} if clock else {}
    return ChunkReviewer(
        client,
        model="gpt-4.1-mini",
        rules="",
        attempts=10,
        backoff_initial_s=0.01,
        backoff_max_s=0.02,
        concurrency=concurrency,
        **timing,  # type: ignore[arg-type]
    )


def test_a_429_with_the_budgets_spent_waits_for_a_request_to_refill(
    fake_model: FakeModelServer,
) -> None:
    fake = FakeTime()
    fake_model.queue(failing(429, "Rate limit reached for requests.", SPENT))
    answer = reviewer(fake_model, fake).review(CHUNK)
    assert answer.findings == [] and len(fake_model.requests) == 2
    # 10 a minute refill one a second; the retry waits for one request and a margin.
    assert max(fake.sleeps) == pytest.approx(1 + 0.02 * 10, abs=0.05)


def test_no_request_waits_for_a_budget_past_the_deadline(fake_model: FakeModelServer) -> None:
    fake = FakeTime()
    fake_model.queue(failing(429, "Rate limit reached for requests.", SPENT))
    chunk_reviewer = reviewer(fake_model, fake, concurrency=1)
    with pytest.raises(ModelError) as raised:
        chunk_reviewer.review(CHUNK, deadline=fake.now + 0.5)
    assert raised.value.message == NOT_IN_TIME and len(fake_model.requests) == 1
    # The request that did not go gave its place back: the next one is sent.
    assert chunk_reviewer.review(CHUNK).findings == []


def test_retry_after_holds_the_retry_once(fake_model: FakeModelServer) -> None:
    fake = FakeTime()
    fake_model.queue(failing(429, "Slow down.", {"retry-after-ms": "2500"}))
    reviewer(fake_model, fake).review(CHUNK)
    assert fake.sleeps == [pytest.approx(2.5)]


def test_a_timed_out_request_is_sent_twice_at_most(fake_model: FakeModelServer) -> None:
    fake_model.queue(*[trickle(0.05, safety_stop_s=5.0)] * 5)
    with pytest.raises(ModelError) as raised:
        reviewer(fake_model, timeout_s=0.15).review(CHUNK)
    assert len(fake_model.requests) == 2
    assert raised.value.message == (
        "The model endpoint did not answer within 0.15 s (`request-timeout`); 2 requests sent."
    )


@pytest.mark.parametrize("concurrency", [2, 6])
def test_no_more_requests_in_flight_than_the_cap(
    fake_model: FakeModelServer, concurrency: int
) -> None:
    fake_model.latency_s = 0.1
    chunk_reviewer = reviewer(fake_model, concurrency=concurrency)
    with ThreadPoolExecutor(6) as pool:
        started = time.monotonic()
        list(pool.map(lambda _: chunk_reviewer.review(CHUNK), range(6)))
        elapsed = time.monotonic() - started
    assert chunk_reviewer.concurrency_reached == concurrency
    assert len(fake_model.requests) == 6
    assert elapsed >= 0.1 * 6 / concurrency  # in rounds of `concurrency`


def test_a_request_is_counted_as_openai_counts_it() -> None:
    assert estimated_tokens(["a" * 400, "b" * 3], 2048) == 101 + 2048
    assert estimated_tokens([""], None) == 0
