"""The engine's orchestration: parallel chunks, truncation splits, deadline, failures."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from reviewer.app.engine import review_diff
from reviewer.app.workers import DaemonThreadPool
from reviewer.core.chunk_plan import ReviewOptions
from reviewer.core.findings import Finding
from reviewer.core.report import Usage
from reviewer.core.verification import Verdict, VerificationAnswer
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
    deadlines: list[float | None] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def concurrency_reached(self) -> int:
        return self.max_in_flight

    def review(
        self,
        chunk_text: str,
        instructions: str = "",
        parts: object = (),
        *,
        deadline: float | None = None,
    ) -> Answer:
        with self.lock:
            self.calls.append(chunk_text)
            self.deadlines.append(deadline)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.delay_s)
            return Answer(self.behave(chunk_text), Usage(1, 10, 2, 0))
        finally:
            with self.lock:
                self.in_flight -= 1


def options(**kwargs: object) -> ReviewOptions:
    kwargs.setdefault("max_chunk_tokens", 300)
    return ReviewOptions(model="gpt-4.1-mini", rules="", **kwargs)  # type: ignore[arg-type]


def test_chunks_run_in_parallel_up_to_the_limit() -> None:
    model = ScriptedReviewer(delay_s=0.2)
    started = time.monotonic()
    outcome = review_diff(diff_of(8), options(concurrency=4), model, words)
    elapsed = time.monotonic() - started
    assert outcome.chunks == 8 and len(model.calls) == 8
    assert model.max_in_flight == 4 and outcome.concurrency == 4
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


def test_a_model_cut_off_whatever_it_reads_is_reported_once() -> None:
    def loop(_text: str) -> list[Finding]:
        raise TruncatedAnswer("The model's answer was cut off at its output limit.")

    model = ScriptedReviewer(loop)
    outcome = review_diff(diff_of(2, lines=20), options(max_chunk_tokens=2000), model, words)
    assert outcome.chunks == 1 and len(model.calls) == 3  # the chunk and its two halves
    ((failure,),) = [outcome.failures]
    assert failure.paths == ("f0.py", "f1.py")
    assert "again for each half of it" in failure.reason
    assert outcome.reviewed_files == ()


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


def test_the_run_deadline_reaches_every_request() -> None:
    now = [500.0]
    model = ScriptedReviewer()
    review_diff(diff_of(3), options(), model, words, time_limit_s=60, clock=lambda: now[0])
    assert model.deadlines == [560.0] * 3


def test_a_request_stuck_forever_is_left_behind_at_the_deadline() -> None:
    release = threading.Event()

    def stuck(text: str) -> list[Finding]:
        if "f1.py" in text:
            release.wait()
        return []

    started = time.monotonic()
    outcome = review_diff(diff_of(3), options(), ScriptedReviewer(stuck), words, time_limit_s=0.3)
    assert time.monotonic() - started < 0.9
    assert [(f.paths, f.reason) for f in outcome.failures] == [
        (("f1.py",), "not reviewed within the time limit (`time-limit`)")
    ]
    assert outcome.reviewed_files == ("f0.py", "f2.py")
    release.set()


STUCK_RUN = r"""
import threading, time
from reviewer.app.engine import run_chunks
from reviewer.core.chunk_plan import ReviewOptions, plan_chunks

class Stuck:
    def review(self, chunk_text, instructions="", parts=(), *, deadline=None):
        threading.Event().wait()  # a request that never ends

words = lambda text: len(text.split())
diff = "diff --git a/f.py b/f.py\n--- a/f.py\n+++ b/f.py\n@@ -0,0 +1 @@\n+x = 1\n"
chunks = plan_chunks(diff, ReviewOptions(model="gpt-4.1-mini", rules=""), words).chunks
answers, failures, _ = run_chunks(
    chunks, Stuck(), words, concurrency=2, deadline=time.monotonic() + 0.2
)
print(len(answers), [f.reason for f in failures])
"""


def test_a_request_stuck_forever_does_not_keep_the_process_alive() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(STUCK_RUN)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 ['not reviewed within the time limit (`time-limit`)']"
    assert time.monotonic() - started < 10  # exits after the deadline, not after the request


def test_the_pool_hands_back_results_and_errors_and_cancels_what_never_started() -> None:
    pool = DaemonThreadPool(1, name="test")
    release = threading.Event()
    running = pool.submit(lambda: release.wait(5) and "done")
    queued = pool.submit(lambda: "never")
    pool.shutdown(wait=False, cancel_futures=True)
    assert queued.cancelled()
    release.set()
    assert running.result(timeout=5) == "done"
    with pytest.raises(RuntimeError):
        pool.submit(lambda: "late")

    other = DaemonThreadPool(2, name="test")
    with pytest.raises(ValueError, match="not a number"):
        other.submit(int, "not a number").result(timeout=5)
    assert other.submit(lambda: threading.current_thread().daemon).result(timeout=5) is True
    other.shutdown()


@dataclass
class Checked:
    answer: object
    usage: Usage


@dataclass
class ScriptedVerifier:
    """A verification stand-in: rejects findings whose title says so, or never answers."""

    stuck: bool = False
    deadlines: list[float | None] = field(default_factory=list)

    def verify(
        self, finding: object, code: str, parts: object = (), *, deadline: float | None = None
    ) -> Checked:
        self.deadlines.append(deadline)
        if self.stuck:
            threading.Event().wait()
        title = finding.finding.title  # type: ignore[attr-defined]
        verdict = Verdict.REJECT if "reject" in title else Verdict.CONFIRM
        return Checked(VerificationAnswer(verdict=verdict, reason="because"), Usage(1, 5, 1, 0))


def warning_on_first_line(title: str) -> Callable[[str], list[Finding]]:
    def behave(text: str) -> list[Finding]:
        return [
            Finding(path=path, line=1, start_line=None, side=None, severity="warning",
                    category="bug", title=title, body="b", quote="", suggestion=None)
            for path in re.findall(r"^File: (\S+)", text, re.M)
        ]  # fmt: skip

    return behave


def test_verification_sets_aside_what_the_model_rejects_within_the_runs_deadline() -> None:
    verifier = ScriptedVerifier()
    now = [1000.0]
    outcome = review_diff(
        diff_of(2, lines=3), options(verify=True),
        ScriptedReviewer(warning_on_first_line("please reject me")), words,
        time_limit_s=60, clock=lambda: now[0], verifier=verifier,
    )  # fmt: skip
    assert outcome.findings == []
    assert [r.reason for r in outcome.rejected] == ["because", "because"]
    assert verifier.deadlines == [1060.0, 1060.0]
    assert outcome.verify_usage == Usage(2, 10, 2, 0)


def test_findings_stand_unverified_when_verification_outlasts_the_time_limit() -> None:
    start = time.monotonic()
    outcome = review_diff(
        diff_of(2, lines=3), options(verify=True),
        ScriptedReviewer(warning_on_first_line("please reject me")), words,
        time_limit_s=0.5, verifier=ScriptedVerifier(stuck=True),
    )  # fmt: skip
    assert time.monotonic() - start < 5
    assert len(outcome.findings) == 2 and outcome.rejected == ()
