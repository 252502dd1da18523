"""The review engine shared by the action and the local CLI: diff text in, findings out.

diff → selected files → token-bounded chunks → one model request per chunk (in
parallel) → findings anchored to the chunk's lines → deduplicated.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from typing import Protocol

from reviewer.app.workers import DaemonThreadPool
from reviewer.core.anchoring import AnchoredFinding, anchor_findings
from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
from reviewer.core.chunking import Chunk, split_chunk
from reviewer.core.commentable import CommentableIndex
from reviewer.core.filters import SkippedFile
from reviewer.core.findings import FileNote, Finding
from reviewer.core.plan import Rejected, dedupe
from reviewer.core.policy import cap_severity
from reviewer.core.report import ChunkFailure, Usage
from reviewer.core.review_context import ContextPart, ReviewContext
from reviewer.core.tokens import TokenCounter
from reviewer.core.truncation import Piece, Splits, Step
from reviewer.core.verification import Verdict, cited_code, needs_verification
from reviewer.errors import ModelError, TruncatedAnswer

log = logging.getLogger(__name__)


class ChunkAnswerLike(Protocol):
    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def usage(self) -> Usage: ...
    @property
    def walkthrough(self) -> Sequence[FileNote]: ...


class ChunkReviewerLike(Protocol):
    """What the engine needs from a model adapter (`model.chunk_reviewer.ChunkReviewer`).

    `deadline` is the run's, on the engine's clock: the adapter starts no request or retry
    at or after it. The adapter decides how many requests are in flight at once (adaptive
    concurrency, up to the `concurrency` it was built with), and says how many it reached."""

    def review(
        self,
        chunk_text: str,
        instructions: str = "",
        parts: Sequence[ContextPart] = (),
        *,
        deadline: float | None = None,
    ) -> ChunkAnswerLike: ...

    @property
    def concurrency_reached(self) -> int: ...


class CheckedLike(Protocol):
    @property
    def answer(self) -> VerdictLike | None: ...
    @property
    def usage(self) -> Usage: ...


class VerdictLike(Protocol):
    @property
    def verdict(self) -> Verdict: ...
    @property
    def reason(self) -> str: ...


class VerifierLike(Protocol):
    """What the engine needs for the verification pass (`model.verifier.FindingVerifier`)."""

    def verify(
        self,
        finding: AnchoredFinding,
        code: str,
        parts: Sequence[ContextPart] = (),
        *,
        deadline: float | None = None,
    ) -> CheckedLike: ...


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    findings: list[AnchoredFinding]
    index: CommentableIndex
    reviewed_files: tuple[str, ...]
    skipped: tuple[SkippedFile, ...]
    failures: tuple[ChunkFailure, ...]
    usage: Usage  # every request, the verification requests included
    chunks: int
    rejected: tuple[Rejected, ...] = ()  # by the verification pass
    walkthrough: tuple[FileNote, ...] = ()
    context_used: tuple[str, ...] = ()  # related code, the context report
    verify_usage: Usage = field(default_factory=Usage)
    concurrency: int = 0  # the most model requests in flight at once

    @property
    def incomplete(self) -> bool:
        """Part of the pull request did not reach the model, or got no answer."""
        return bool(self.failures) or any(s.unreviewed for s in self.skipped)


def review_diff(
    diff_text: str,
    options: ReviewOptions,
    reviewer: ChunkReviewerLike,
    count_tokens: TokenCounter,
    *,
    unavailable: Sequence[SkippedFile] = (),
    time_limit_s: float = 20 * 60,
    read_new_text: Callable[[str], str | None] | None = None,
    focus: frozenset[tuple[str, int]] | None = None,
    reuse: bool = False,
    clock: Callable[[], float] = time.monotonic,
    context: ReviewContext | None = None,
    verifier: VerifierLike | None = None,
) -> ReviewOutcome:
    """`unavailable`: files of the PR the diff source could not provide, listed as skipped.
    `focus`: only the hunks holding these added lines (see `plan_chunks`). `reuse`: the
    head was reviewed already: plan what it holds, send nothing to the model. `clock`: the
    run's (`Runtime.clock`), the one the model adapter was given. `context`: the PR's
    intent, the repository at the base commit, a report. `verifier`: check each finding at
    warning or above once more (`options.verify`), within the same time limit."""
    # The time limit counts from here: reading related code on a large repository is part
    # of the review's time.
    deadline = clock() + time_limit_s
    planned = plan_chunks(
        diff_text, options, count_tokens, read_new_text, focus=focus, context=context
    )
    chunks, index, skipped = planned.chunks, planned.index, planned.skipped
    if reuse:
        reviewed = tuple(dict.fromkeys(p for c in chunks for p in c.paths))
        return ReviewOutcome([], index, reviewed, (*unavailable, *skipped), (), Usage(), 0)
    if planned.secrets_masked:
        log.warning(
            "Masked %d secret(s) in the diff before sending it to the model.",
            planned.secrets_masked,
        )
    log.info("Reviewing %d chunk(s) with %s.", len(chunks), options.model)
    answers, failures, spent = run_chunks(
        chunks,
        reviewer,
        count_tokens,
        instructions=options.config.instructions_for,
        concurrency=options.concurrency,
        deadline=deadline,
        clock=clock,
        parts=planned.parts,
    )
    found: list[tuple[AnchoredFinding, Chunk]] = []
    notes: list[FileNote] = []
    usage = spent  # requests whose answers were cut off still cost tokens
    for chunk, answer in answers:
        usage = usage + answer.usage
        notes.extend(answer.walkthrough)
        anchored = cap_severity(anchor_findings(answer.findings, chunk), options.config)
        found.extend((finding, chunk) for finding in anchored)
    rejected: list[Rejected] = []
    verify_usage = Usage()
    if verifier is not None and options.verify:
        found, rejected, verify_usage = verify_findings(
            found,
            verifier,
            planned.parts,
            concurrency=options.concurrency,
            deadline=deadline,
            clock=clock,
        )
    failed = {path for failure in failures for path in failure.paths}
    reviewed = tuple(dict.fromkeys(p for c in chunks for p in c.paths if p not in failed))
    reached = reviewer.concurrency_reached
    if chunks:
        log.info(
            "Up to %d model request(s) in flight at once (`concurrency` allows %d).",
            reached,
            options.concurrency,
        )
    return ReviewOutcome(
        dedupe(finding for finding, _ in found),
        index,
        reviewed,
        (*unavailable, *skipped),
        tuple(failures),
        usage + verify_usage,
        len(chunks),
        tuple(rejected),
        tuple(notes),
        planned.context_used,
        verify_usage,
        reached,
    )


def verify_findings(
    found: Sequence[tuple[AnchoredFinding, Chunk]],
    verifier: VerifierLike,
    parts: Callable[[Chunk], Sequence[ContextPart]],
    *,
    concurrency: int,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[list[tuple[AnchoredFinding, Chunk]], list[Rejected], Usage]:
    """Ask once more about each finding at warning or above; keep what is confirmed or could
    not be checked (the run's deadline passed included), set aside what the model rejects."""
    checked = [(f, c) for f, c in found if needs_verification(f)]
    pool = DaemonThreadPool(max(1, concurrency), name="verify")
    try:
        futures = [
            pool.submit(
                verifier.verify, f, cited_code(c, f), _related_only(parts(c)), deadline=deadline
            )
            for f, c in checked
        ]
        timeout = None if deadline is None else max(deadline - clock(), 0)
        wait(futures, timeout=timeout)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    usage = Usage()
    drop: dict[int, str] = {}
    for (finding, _), future in zip(checked, futures, strict=True):
        if not future.done() or future.cancelled():
            continue  # not checked by the deadline: the finding stands unverified
        result = future.result()
        usage = usage + result.usage
        if result.answer is not None and result.answer.verdict is Verdict.REJECT:
            drop[id(finding)] = result.answer.reason
    kept = [(f, c) for f, c in found if id(f) not in drop]
    rejected = [Rejected(f, drop[id(f)]) for f, _ in found if id(f) in drop]
    log.info("Verification: %d finding(s) checked, %d rejected.", len(checked), len(rejected))
    return kept, rejected, usage


def _related_only(parts: Sequence[ContextPart]) -> tuple[ContextPart, ...]:
    """What a verification request sees of the chunk's context: its related code."""
    return tuple(part for part in parts if part.label == "RELATED CODE")


def run_chunks(
    chunks: Sequence[Chunk],
    reviewer: ChunkReviewerLike,
    count_tokens: TokenCounter,
    *,
    concurrency: int,
    deadline: float,
    clock: Callable[[], float] = time.monotonic,
    instructions: Callable[[Sequence[str]], str] = lambda _paths: "",
    parts: Callable[[Chunk], Sequence[ContextPart]] = lambda _chunk: (),
) -> tuple[list[tuple[Chunk, ChunkAnswerLike]], list[ChunkFailure], Usage]:
    """Review chunks in parallel; gather every outcome, in whatever order they finish.

    Every chunk is handed to a worker at once; the adapter holds each request until its
    window and the provider's limits allow it. A truncated answer halves its chunk while
    halving helps (`core.truncation`); a chunk that still fails, or is not done by
    `deadline` (on `clock`), is reported once, and the others still count. A key or model
    the endpoint rejects stops the run: every chunk would fail the same way. Requests
    still in flight then are left to daemon threads (`workers.DaemonThreadPool`): they
    never keep the process from ending."""
    answers: list[tuple[Chunk, ChunkAnswerLike]] = []
    failures: list[ChunkFailure] = []
    spent = Usage()
    pool = DaemonThreadPool(max(1, concurrency), name="review")
    splits = Splits(lambda chunk: split_chunk(chunk, count_tokens))
    pending: dict[Future[ChunkAnswerLike], Piece] = {}

    def follow(step: Step) -> None:
        for piece in step.send:
            log.info("Answer truncated; reviewing part of chunk %d alone.", piece.chunk.index)
            submit(piece)
        failures.extend(ChunkFailure(chunk.paths, reason) for chunk, reason in step.give_up)

    def submit(piece: Piece) -> None:
        chunk = piece.chunk
        future = pool.submit(
            reviewer.review,
            chunk.text,
            instructions(chunk.paths),
            parts(chunk),
            deadline=deadline,
        )
        pending[future] = piece

    for chunk in chunks:
        submit(Piece(chunk))
    try:
        while pending:
            done, _ = wait(pending, timeout=max(deadline - clock(), 0), return_when=FIRST_COMPLETED)
            if not done:
                for piece in pending.values():
                    follow(splits.out_of_time(piece, NOT_IN_TIME))
                break
            for future in done:
                piece = pending.pop(future)
                try:
                    answers.append((piece.chunk, future.result()))
                except TruncatedAnswer as error:
                    spent = spent + getattr(error, "usage", Usage())
                    follow(splits.cut_off(piece, cap=getattr(error, "output_cap", None)))
                    continue
                except ModelError as error:  # a ConfigError (bad key, model) propagates
                    chunk = piece.chunk
                    log.warning(
                        "Chunk %d (%s) not reviewed: %s", chunk.index, ", ".join(chunk.paths), error
                    )
                    failures.append(ChunkFailure(chunk.paths, error.message))
                    follow(splits.failed(piece))
                    continue
                follow(splits.answered(piece))
    finally:
        # Don't wait for requests still in flight after a deadline or a fatal error.
        pool.shutdown(wait=False, cancel_futures=True)
    return answers, failures, spent


NOT_IN_TIME = "not reviewed within the time limit (`time-limit`)"
