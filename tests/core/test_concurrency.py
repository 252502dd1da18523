"""Adaptive concurrency's decisions (core/concurrency.py): AIMD, the first wave, pacing by
the provider's headers, and noticing requests that queue on the server."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import pytest

from reviewer.core.concurrency import (
    BLIND_TOKENS,
    START,
    Controller,
    Observation,
    Outcome,
    Ticket,
)
from reviewer.core.rate_limits import Budget, RateLimits
from reviewer.core.rate_pacing import MARGIN

OK = Observation(Outcome.ANSWERED, latency_s=1.0)
LIMITED = Observation(Outcome.RATE_LIMITED)


def send(controller: Controller, now: float = 0.0, tokens: int = 1000) -> Ticket:
    ticket = controller.reserve(now, tokens)
    assert ticket is not None
    controller.started(ticket.seq, now + ticket.delay_s)
    return ticket


# --- the window (AIMD) ----------------------------------------------------------------------


def test_the_window_starts_at_a_few_dozen_within_the_cap() -> None:
    assert Controller(64).window == START == 48
    assert Controller(8).window == 8
    with pytest.raises(ValueError, match="at least 1"):
        Controller(0)


def test_a_full_window_holds_the_next_request_until_one_finishes() -> None:
    controller = Controller(3)
    tickets = [send(controller) for _ in range(3)]
    assert controller.reserve(0.0, 1000) is None
    controller.finish(tickets[0].seq, 1.0, OK)
    assert controller.reserve(1.0, 1000) is not None


def test_clean_answers_raise_the_window_by_one_each_up_to_the_cap() -> None:
    controller = Controller(10, start=4)
    for _ in range(4):
        controller.finish(send(controller).seq, 1.0, OK)
    assert controller.window == 8  # doubled in one round
    for _ in range(10):
        controller.finish(send(controller).seq, 1.0, OK)
    assert controller.window == 10  # never above the cap


def test_a_429_halves_the_window_once_per_round() -> None:
    controller = Controller(64, start=40)
    round_one = [send(controller) for _ in range(40)]
    assert controller.finish(round_one[0].seq, 1.0, LIMITED) == "rate limited (429)"
    assert controller.window == 20
    # The rest of that round was sent before the cut: the same trouble, seen late.
    for ticket in round_one[1:10]:
        assert controller.finish(ticket.seq, 1.0, LIMITED) is None
    assert controller.window == 20
    for ticket in round_one[10:]:
        controller.finish(ticket.seq, 1.0, Observation(Outcome.FAILED))
    later = send(controller, 2.0)
    controller.finish(later.seq, 3.0, LIMITED)
    assert controller.window == 10


def test_after_a_cut_the_window_grows_by_about_one_per_round() -> None:
    controller = Controller(64, start=16)
    controller.finish(send(controller).seq, 1.0, LIMITED)
    assert controller.window == 8
    for _ in range(8):  # one round of clean answers
        controller.finish(send(controller, 2.0).seq, 3.0, OK)
    assert controller.window == 8  # exact: the controller is deterministic
    for _ in range(9):
        controller.finish(send(controller, 4.0).seq, 5.0, OK)
    assert controller.window == 9


@pytest.mark.parametrize("outcome", [Outcome.OVERLOADED, Outcome.TIMED_OUT])
def test_overload_and_timeouts_halve_the_window_too(outcome: Outcome) -> None:
    controller = Controller(64, start=16)
    assert controller.finish(send(controller).seq, 1.0, Observation(outcome)) is not None
    assert controller.window == 8


def test_a_failure_that_says_nothing_about_load_changes_nothing() -> None:
    controller = Controller(64, start=16)
    assert controller.finish(send(controller).seq, 1.0, Observation(Outcome.FAILED)) is None
    assert controller.window == 16


def test_the_window_never_drops_below_one() -> None:
    controller = Controller(64, start=2)
    for step in range(5):
        controller.finish(send(controller, step).seq, step + 0.5, LIMITED)
    assert controller.window == 1


def test_peak_counts_requests_actually_in_flight() -> None:
    controller = Controller(64, start=4)
    tickets = [send(controller) for _ in range(3)]
    controller.finish(tickets[0].seq, 1.0, OK)
    send(controller, 1.0)
    assert controller.peak == 3


# --- the first wave -------------------------------------------------------------------------


def test_the_first_wave_stays_within_the_blind_token_budget() -> None:
    controller = Controller(64)
    per_request = 50_000
    wave = [send(controller, tokens=per_request) for _ in range(BLIND_TOKENS // per_request)]
    assert len(wave) == 4
    assert controller.reserve(0.0, per_request) is None  # until an answer says more
    controller.finish(wave[0].seq, 1.0, OK)  # no headers: nothing is known of limits
    assert controller.reserve(1.0, per_request) is not None


def test_a_single_request_larger_than_the_budget_still_goes() -> None:
    controller = Controller(64)
    assert controller.reserve(0.0, 10 * BLIND_TOKENS) is not None


# --- pacing by the provider's headers -------------------------------------------------------


def reported(
    requests: Budget | None = None, tokens: Budget | None = None, retry: float | None = None
) -> Observation:
    return Observation(Outcome.ANSWERED, 1.0, RateLimits(requests, tokens, retry))


def test_requests_are_paced_by_the_remaining_requests_and_their_reset() -> None:
    controller = Controller(64, start=8)
    first = send(controller)
    # 10 requests a minute; none left when the first arrived, whole again in 10 s: 1/s.
    controller.finish(first.seq, 1.0, reported(requests=Budget(0, 10.0, 10)))
    ticket = controller.reserve(1.0, 1000)
    assert ticket is not None
    # Whole at 10 s; one request (plus the margin) fits once 1 + 10 x MARGIN have refilled.
    assert ticket.delay_s == pytest.approx(10 - (10 - 1 - 10 * MARGIN) - 1.0)
    following = controller.reserve(1.0, 1000)
    assert following is not None and following.delay_s == pytest.approx(ticket.delay_s + 1)


def test_tokens_are_paced_by_the_remaining_tokens() -> None:
    controller = Controller(64, start=8)
    first = send(controller, tokens=5_000)
    # 100k tokens a minute, 5k left: 95k refill in 57 s.
    controller.finish(first.seq, 0.0, reported(tokens=Budget(5_000, 57.0, 100_000)))
    ticket = controller.reserve(0.0, 10_000)
    assert ticket is not None
    rate = 95_000 / 57
    assert ticket.delay_s == pytest.approx((10_000 + MARGIN * 100_000 - 5_000) / rate)


def test_requests_sent_after_the_reported_one_are_charged_on_top() -> None:
    controller = Controller(64, start=8)
    first = send(controller)
    second = send(controller)  # the provider's report for `first` does not count it
    controller.finish(first.seq, 1.0, reported(requests=Budget(1, 9.0, 10)))
    ticket = controller.reserve(1.0, 1000)
    assert ticket is not None and ticket.delay_s > 0
    assert second.seq not in (ticket.seq,)


def test_a_429_is_not_charged_and_retry_after_holds_new_requests_only() -> None:
    controller = Controller(64, start=8)
    first = send(controller)
    controller.finish(
        first.seq, 5.0, Observation(Outcome.RATE_LIMITED, 0.1, RateLimits(retry_after_s=3.0))
    )
    held = controller.reserve(5.0, 1000)
    assert held is not None and held.delay_s == pytest.approx(3.0)
    retry = controller.reserve(5.0, 1000, retry=True)  # it waited for it already
    assert retry is not None and retry.delay_s == 0


def test_retry_after_is_capped() -> None:
    controller = Controller(64, start=8)
    controller.finish(send(controller).seq, 0.0, reported(retry=3600.0))
    ticket = controller.reserve(0.0, 1000)
    assert ticket is not None and ticket.delay_s == 60.0


def test_remaining_without_a_size_holds_requests_until_the_reset() -> None:
    controller = Controller(64, start=8)
    first = send(controller, tokens=1_000)
    # Azure-like: only what remains (1,000 tokens), whole again in 3 s.
    controller.finish(first.seq, 0.0, reported(tokens=Budget(1_000, 3.0)))
    small = controller.reserve(0.0, 500)
    assert small is not None and small.delay_s == 0
    big = controller.reserve(0.0, 5_000)
    assert big is not None and big.delay_s == pytest.approx(3.0)
    after = controller.reserve(0.0, 5_000)  # past the reset, nothing is known: no wait
    assert after is not None and after.delay_s == pytest.approx(3.0)


def test_an_older_report_does_not_replace_a_newer_one() -> None:
    controller = Controller(64, start=8)
    old, new = send(controller), send(controller)
    controller.finish(new.seq, 1.0, reported(requests=Budget(0, 10.0, 10)))
    before = controller.reserve(1.0, 1)
    assert before is not None
    controller.cancel(before.seq)
    controller.finish(old.seq, 1.0, reported(requests=Budget(9, 1.0, 10)))
    after = controller.reserve(1.0, 1)
    assert after is not None and after.delay_s == pytest.approx(before.delay_s)


# --- requests that queue on the server ------------------------------------------------------


@dataclass
class Simulated:
    windows: list[int]  # after each answer
    latencies: list[float]
    end: float  # when the last answer came


def simulate(slots: int, cap: int, requests: int = 200, service_s: float = 10.0) -> Simulated:
    """A server running `slots` requests at once, FIFO, each taking `service_s` (no
    headers); the controller keeps its window full."""
    controller = Controller(cap)
    free_at = [0.0] * slots  # when each slot frees up
    answers: list[tuple[float, int, float]] = []  # (answered at, seq, sent at)
    windows: list[int] = []
    latencies: list[float] = []
    now, sent = 0.0, 0

    def fill() -> None:
        nonlocal sent
        while sent < requests and (ticket := controller.reserve(now, 1000)) is not None:
            sent += 1
            controller.started(ticket.seq, now)
            start = max(now, heapq.heappop(free_at))
            heapq.heappush(free_at, start + service_s)
            heapq.heappush(answers, (start + service_s, ticket.seq, now))

    fill()
    while answers:
        now, seq, sent_at = heapq.heappop(answers)
        controller.finish(seq, now, Observation(Outcome.ANSWERED, now - sent_at))
        windows.append(controller.window)
        latencies.append(now - sent_at)
        fill()
    return Simulated(windows, latencies, now)


@pytest.mark.parametrize("slots", [1, 2, 3])
def test_requests_that_queue_bring_the_window_down_near_the_servers_slots(slots: int) -> None:
    run = simulate(slots=slots, cap=8)
    fixed = 8 / slots * 10.0  # what each request waits in all at a fixed 8 in flight
    assert max(run.latencies[:8]) == pytest.approx(math.ceil(8 / slots) * 10.0)  # first wave
    settled = run.latencies[20:]
    assert sum(settled) / len(settled) < 0.6 * fixed
    assert max(run.windows[20:]) <= 2 * slots + 1
    # The server is kept busy all the same: within 15% of its best.
    assert run.end <= 1.15 * 200 * 10.0 / slots


def test_a_server_with_room_for_every_request_is_not_mistaken_for_a_queue() -> None:
    run = simulate(slots=16, cap=8)
    assert min(run.windows) == 8 and max(run.latencies) == 10.0


def test_latency_per_unit_of_work_tells_a_long_answer_from_a_queue() -> None:
    controller = Controller(8)
    short = Observation(Outcome.ANSWERED, 1.0, prompt_tokens=1000, completion_tokens=50)
    long = Observation(Outcome.ANSWERED, 10.0, prompt_tokens=1000, completion_tokens=1000)
    for seen in (short, long, long, long):
        controller.finish(send(controller).seq, 10.0, seen)
    assert controller.window == 8  # slow because long, not because queued
    assert math.isclose(10.0 / (1000 + 1000 / 20 + 50), 10.0 / 1100)
