"""The engine's orchestration: parallel chunks, truncation splits, deadline, failures."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from reviewer.app.engine import review_diff
from reviewer.core.chunk_plan import ReviewOptions
from reviewer.core.findings import Finding
from reviewer.core.report import Usage
from reviewer.errors import ModelAuthError, ModelError, TruncatedAnswer


def words(text: str) -> int:
    return len(text.split()) + text.count("\n")


def diff_of(files: int, lines: int = 40) -> str:
    return "".join(
        f"diff --git a/f{i}.py b/f{i}.py\n--- a/f{i}.py\n+++ b/f{i}.py\n@@ -0,0 +1,{lines} @@\n"
        + "".join(f"+value_{i}_{n} = compute({n})\n" for n in range(lines))
        for i in range(files)
    )


@dataclass
class Answer:
    findings: list[Finding]
    usage: Usage
    walkthrough: tuple[object, ...] = ()


@dataclass
class ScriptedReviewer:
    """A model stand-in: `behave(text)` returns findings or raises."""

    behave: Callable[[str], list[Finding]] = lambda _text: []
    delay_s: float = 0.0
    calls: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def review(self, chunk_text: str, instructions: str = "", parts: object = ()) -> Answer:
        with self.lock:
            self.calls.append(chunk_text)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.delay_s)
            return Answer(self.behave(chunk_text), Usage(1, 10, 2, 0))
        finally:
            with self.lock:
                self.in_flight -= 1


def options(**kwargs: object) -> ReviewOptions:
    return ReviewOptions(model="gpt-4.1-mini", rules="", max_chunk_tokens=300, **kwargs)  # type: ignore[arg-type]


def test_chunks_run_in_parallel_up_to_the_limit() -> None:
    model = ScriptedReviewer(delay_s=0.2)
    started = time.monotonic()
    outcome = review_diff(diff_of(8), options(concurrency=4), model, words)
    elapsed = time.monotonic() - started
    assert outcome.chunks == 8 and len(model.calls) == 8
    assert model.max_in_flight == 4
    assert elapsed < 8 * 0.2 * 0.75  # well under serial time
    assert outcome.usage.requests == 8 and outcome.usage.prompt_tokens == 80


def test_truncated_answer_splits_the_chunk_and_reviews_both_halves() -> None:
    def behave(text: str) -> list[Finding]:
        if text.count("\n") > 12:
            raise TruncatedAnswer("too long")
        return []

    model = ScriptedReviewer(behave)
    outcome = review_diff(diff_of(1, lines=20), options(), model, words)
    assert outcome.failures == ()
    reviewed = "".join(model.calls[1:])
    for n in range(20):
        assert f"value_0_{n} " in reviewed  # every line reviewed after the split


def test_a_failing_chunk_is_reported_and_the_others_still_count() -> None:
    def behave(text: str) -> list[Finding]:
        if "f1.py" in text:
            raise ModelError("server melted")
        return []

    outcome = review_diff(diff_of(3), options(), ScriptedReviewer(behave), words)
    assert [(f.paths, f.reason) for f in outcome.failures] == [(("f1.py",), "server melted")]
    assert outcome.reviewed_files == ("f0.py", "f2.py")


def test_deadline_reports_unfinished_chunks() -> None:
    model = ScriptedReviewer(delay_s=1.0)
    started = time.monotonic()
    outcome = review_diff(diff_of(4), options(concurrency=2), model, words, time_limit_s=0.3)
    assert time.monotonic() - started < 0.9
    assert len(outcome.failures) == 4
    assert all("time limit" in f.reason for f in outcome.failures)


def test_a_rejected_key_stops_the_run() -> None:
    def behave(_text: str) -> list[Finding]:
        raise ModelAuthError("bad key")

    with pytest.raises(ModelAuthError):
        review_diff(diff_of(3), options(), ScriptedReviewer(behave), words)
