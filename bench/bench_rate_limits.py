"""Adaptive concurrency against a provider's limits (issue 15).

    python -m bench.bench_rate_limits [--latency 5] [--chunks 100]

Two tables, each run through the engine (`review_diff`) with the real client, built as
the action builds it (`components.chunk_reviewer`, default settings):

1. A fake provider that enforces requests and tokens per minute as OpenAI does and answers
   429 with OpenAI's headers (`tests/fakes/provider_limits.py`), at 60 RPM / 200k TPM and
   at 10,000 RPM / 30M TPM; each answer takes `--latency` seconds. At 60 RPM time is
   scaled tenfold: a "minute" of the provider lasts 6 s and an answer a tenth of
   `--latency`, so every ratio (burst to refill, limit to latency) is the real one while
   the run takes 5 s instead of 50. Times are reported in provider seconds (wall x 10).
   At 10,000 RPM the limits never bind and the run lasts two latencies: it runs unscaled,
   as scaling would shrink the latency but not the client's own time per request. The
   ideal schedule starts each request as soon as both budgets (full at the start) and
   `concurrency` allow; it is computed from what the provider charged, and also shown
   without the `concurrency` cap. Targets: wall within 1.25x the ideal, at most 2% of
   requests answered 429.
2. A provider with no limits and no rate-limit headers answering in `--latency` seconds,
   unscaled. Target: two rounds, wall at most 2.2x the slowest call plus 1 s.
3. A self-hosted server with 2 parallel slots (llama-server `-np 2`) that queues the rest,
   each answer taking 0.6 s of a slot, with `concurrency: 8` and `request-timeout` 2 s:
   at a fixed 8 in flight a request takes 2.4 s and times out. Reported: wall, requests,
   timeouts, chunks not reviewed, the concurrency it settled at.
"""

from __future__ import annotations

import argparse
import heapq
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bench.fakes import FakeModelServer, ProviderLimits
from bench.synthetic import synthetic_diff
from reviewer.app.components import chunk_reviewer
from reviewer.app.engine import review_diff
from reviewer.app.runtime import Runtime
from reviewer.app.settings import build_settings
from reviewer.core.chunk_plan import ReviewOptions
from reviewer.model.tokenizer import make_token_counter

LIMITS = ((60, 200_000, 10.0), (10_000, 30_000_000, 1.0))  # RPM, TPM, time scale


@dataclass
class TimedModel(FakeModelServer):
    """The fake model, timing each request from arrival to answer."""

    durations: list[float] = field(default_factory=list)
    _timing: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        response = super().handle(request)
        with self._timing:
            self.durations.append(time.perf_counter() - started)
        return response


@contextmanager
def served(model: TimedModel) -> Iterator[TimedModel]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        model.install(server)
        yield model
    finally:
        server.clear()
        server.stop()


@dataclass(frozen=True)
class Result:
    chunks: int
    wall_s: float
    requests: int
    rejected: int
    reached: int | None
    failures: int
    charges: tuple[int, ...]
    slowest_s: float
    cap: int


def review(model: TimedModel, chunks: int, **inputs: str) -> Result:
    diff = synthetic_diff(chunks * 60, files=chunks)  # one 60-line file per chunk
    count, _ = make_token_counter("gpt-4.1-mini")
    settings = build_settings({"api-key": "sk-bench", "base-url": model.base_url, **inputs})
    reviewer = chunk_reviewer(settings, rules="", runtime=Runtime())
    options = ReviewOptions(
        model=settings.model, rules="", max_chunk_tokens=1400, concurrency=settings.concurrency
    )
    started = time.perf_counter()
    outcome = review_diff(diff, options, reviewer, count)
    wall = time.perf_counter() - started
    if not inputs:
        assert not outcome.failures, outcome.failures
    limits = model.limits
    admitted = [a for a in limits.admissions if a.status == 200] if limits else []
    return Result(
        chunks=outcome.chunks,
        wall_s=wall,
        requests=len(model.requests),
        rejected=limits.rejected if limits else 0,
        reached=outcome.concurrency,
        failures=len(outcome.failures),
        charges=tuple(a.tokens for a in admitted),
        slowest_s=max(model.durations),
        cap=settings.concurrency,
    )


def ideal_s(charges: tuple[int, ...], rpm: int, tpm: int, latency_s: float, cap: int) -> float:
    """When the last answer comes back if each request starts as early as both budgets
    (full at the start, refilled continuously over 60 s) and `cap` requests in flight allow."""
    requests, tokens, at = float(rpm), float(tpm), 0.0
    running: list[float] = []  # when the requests in flight end
    end = 0.0
    for charge in charges:
        start = at
        if len(running) >= cap:
            start = max(start, heapq.heappop(running))
        # Refill up to `start`, then wait for whichever budget is short.
        requests = min(rpm, requests + (start - at) * rpm / 60)
        tokens = min(tpm, tokens + (start - at) * tpm / 60)
        wait = max((1 - requests) * 60 / rpm, (charge - tokens) * 60 / tpm, 0.0)
        requests = min(rpm, requests + wait * rpm / 60) - 1
        tokens = min(tpm, tokens + wait * tpm / 60) - charge
        at = start + wait
        heapq.heappush(running, at + latency_s)
        end = max(end, at + latency_s)
    return end


def limited(
    rpm: int, tpm: int, *, latency_s: float, scale: float, chunks: int
) -> dict[str, object]:
    model = TimedModel(latency_s=latency_s / scale)
    model.limits = ProviderLimits(rpm, tpm, minute_s=60 / scale)
    with served(model):
        result = review(model, chunks)
    ideal = ideal_s(result.charges, rpm, tpm, latency_s, result.cap)
    unbounded = ideal_s(result.charges, rpm, tpm, latency_s, len(result.charges))
    wall = result.wall_s * scale
    return {
        "limits": f"{rpm:,} RPM / {tpm / 1000:,.0f}k TPM",
        "chunks": result.chunks,
        "wall": wall,
        "ideal": ideal,
        "ratio": wall / ideal,
        "unbounded": unbounded,
        "requests": result.requests,
        "rejected": result.rejected,
        "share": result.rejected / result.requests,
        "reached": result.reached,
        "cap": result.cap,
    }


def unlimited(*, latency_s: float, chunks: int) -> dict[str, object]:
    model = TimedModel(latency_s=latency_s)
    with served(model):
        result = review(model, chunks)
    bound = 2.2 * result.slowest_s + 1
    return {
        "chunks": result.chunks,
        "wall": result.wall_s,
        "slowest": result.slowest_s,
        "bound": bound,
        "rounds": result.wall_s / result.slowest_s,
        "reached": result.reached,
        "cap": result.cap,
    }


def queueing(*, chunks: int = 24) -> dict[str, object]:
    model = TimedModel(latency_s=0.6, parallel_slots=2)
    with served(model):
        result = review(model, chunks, concurrency="8", **{"request-timeout": "2"})
    timeouts = len(model.requests) - len(model.durations)  # still queued when abandoned
    timeouts += sum(1 for d in model.durations if d > 2)
    return {
        "chunks": result.chunks,
        "wall": result.wall_s,
        "ideal": chunks * 0.6 / 2,
        "requests": result.requests,
        "timeouts": timeouts,
        "failures": result.failures,
        "reached": result.reached,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=5.0)
    parser.add_argument("--chunks", type=int, default=100)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    print(
        f"{'limits':>24} {'chunks':>6} {'wall s':>7} {'ideal s':>7} {'ratio':>5} "
        f"{'no-cap ideal s':>14} {'requests':>8} {'429s':>5} {'429 %':>5} {'reached':>7} {'cap':>4}"
    )
    for rpm, tpm, scale in LIMITS:
        row = limited(rpm, tpm, latency_s=args.latency, scale=scale, chunks=args.chunks)
        print(
            f"{row['limits']:>24} {row['chunks']:>6} {row['wall']:>7.1f} {row['ideal']:>7.1f} "
            f"{row['ratio']:>5.2f} {row['unbounded']:>14.1f} {row['requests']:>8} "
            f"{row['rejected']:>5} {100 * row['share']:>5.1f} {row['reached']!s:>7} {row['cap']:>4}"
        )
    print()
    row = unlimited(latency_s=args.latency, chunks=args.chunks)
    print(f"{'no limits, no headers':>24} {'chunks':>6} {'wall s':>7} {'slowest s':>9} "
          f"{'2.2x+1 s':>8} {'wall/slowest':>12} {'reached':>7} {'cap':>4}")  # fmt: skip
    print(
        f"{'':>24} {row['chunks']:>6} {row['wall']:>7.1f} {row['slowest']:>9.2f} "
        f"{row['bound']:>8.1f} {row['rounds']:>12.2f} {row['reached']!s:>7} {row['cap']:>4}"
    )
    print()
    row = queueing()
    print(f"{'2 slots, concurrency 8':>24} {'chunks':>6} {'wall s':>7} {'ideal s':>7} "
          f"{'requests':>8} {'timeouts':>8} {'not reviewed':>12} {'reached':>7}")  # fmt: skip
    print(
        f"{'':>24} {row['chunks']:>6} {row['wall']:>7.1f} {row['ideal']:>7.1f} "
        f"{row['requests']:>8} {row['timeouts']:>8} {row['failures']:>12} {row['reached']!s:>7}"
    )


if __name__ == "__main__":
    main()
