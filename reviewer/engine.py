"""The review engine shared by the action and the local CLI: diff text in, findings out.

diff → selected files → token-bounded chunks → one model request per chunk (in
parallel) → findings anchored to the chunk's lines → deduplicated.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Protocol

from reviewer.anchoring import AnchoredFinding, anchor_findings
from reviewer.chunking import Chunk, build_chunks, split_chunk
from reviewer.config import RepoConfig
from reviewer.diff import CommentableIndex, FileDiff, parse_diff
from reviewer.errors import ModelError, TruncatedAnswer
from reviewer.filters import SkippedFile, select_files
from reviewer.findings import Finding
from reviewer.full_files import FULL_FILE_MAX_FILES, wants_full_text, with_full_context
from reviewer.models import chunk_budget
from reviewer.plan import dedupe
from reviewer.policy import cap_severity
from reviewer.prompt import chunk_messages
from reviewer.report import ChunkFailure, Usage
from reviewer.secrets_mask import mask_file
from reviewer.tokens import TokenCounter

log = logging.getLogger(__name__)


class ChunkAnswerLike(Protocol):
    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def usage(self) -> Usage: ...


class ChunkReviewerLike(Protocol):
    """What the engine needs from a model adapter (`openai_adapter.ChunkReviewer`)."""

    def review(self, chunk_text: str, instructions: str = "") -> ChunkAnswerLike: ...


@dataclass(frozen=True, slots=True)
class ReviewOptions:
    model: str
    rules: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_chunk_tokens: int | None = None
    concurrency: int = 4
    max_tokens: int | None = None  # cap on diff tokens reviewed in the whole run
    generated: tuple[str, ...] = ()  # `linguist-generated` patterns from .gitattributes
    config: RepoConfig = field(default_factory=RepoConfig)  # .github/reviewer.yml
    full_files: bool = False  # show small changed files whole (see full_files.py)


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    findings: list[AnchoredFinding]
    index: CommentableIndex
    reviewed_files: tuple[str, ...]
    skipped: tuple[SkippedFile, ...]
    failures: tuple[ChunkFailure, ...]
    usage: Usage
    chunks: int


def plan_chunks(
    diff_text: str,
    options: ReviewOptions,
    count_tokens: TokenCounter,
    read_new_text: Callable[[str], str | None] | None = None,
) -> tuple[list[Chunk], CommentableIndex, list[SkippedFile]]:
    """`read_new_text(path)`: a changed file's new text, for `full_files`."""
    files = parse_diff(diff_text)
    index = CommentableIndex.build(files)
    selected, skipped = select_files(
        files,
        include=options.include,
        exclude=(*options.exclude, *options.config.exclude),
        generated=options.generated,
    )
    if options.full_files and read_new_text is not None:
        selected = _expanded(selected, read_new_text)
    selected = _masked(selected)
    # The fixed part of every request: system prompt, rules, the user message's frame, and
    # (counted in full, to be safe) every path-scoped instruction of the config file.
    scoped = options.config.instructions_for([rule.pattern for rule in options.config.paths])
    frame = chunk_messages("", rules=options.rules, instructions=scoped)
    fixed = sum(count_tokens(m.content) for m in frame) + 16
    budget = chunk_budget(
        options.model, fixed_prompt_tokens=fixed, max_chunk_tokens=options.max_chunk_tokens
    )
    chunks, too_large = build_chunks(selected, count_tokens, budget)
    chunks, over_cap = apply_token_cap(chunks, options.max_tokens)
    return chunks, index, skipped + too_large + over_cap


def _masked(files: Sequence[FileDiff]) -> list[FileDiff]:
    """Secrets never reach the model (secrets_mask.py)."""
    masked = [mask_file(f) for f in files]
    total = sum(count for _, count in masked)
    if total:
        log.warning("Masked %d secret(s) in the diff before sending it to the model.", total)
    return [f for f, _ in masked]


def _expanded(
    files: Sequence[FileDiff], read_new_text: Callable[[str], str | None]
) -> list[FileDiff]:
    """Small changed files shown whole; the commentable index keeps the diff's own lines."""
    eligible = [f.path for f in files if wants_full_text(f)][:FULL_FILE_MAX_FILES]
    texts = {path: text for path in eligible if (text := read_new_text(path)) is not None}
    return [with_full_context(f, texts[f.path]) if f.path in texts else f for f in files]


def apply_token_cap(
    chunks: Sequence[Chunk], cap: int | None
) -> tuple[list[Chunk], list[SkippedFile]]:
    """Keep chunks, in review order, while their tokens fit the run's cap; list the rest."""
    if cap is None:
        return list(chunks), []
    kept: list[Chunk] = []
    used = 0
    for chunk in chunks:
        if used + chunk.tokens > cap:
            break
        kept.append(chunk)
        used += chunk.tokens
    reviewed = {path for chunk in kept for path in chunk.paths}
    reason = f"over the run's token cap (`max-tokens` {cap})"
    left = dict.fromkeys(p for chunk in chunks[len(kept) :] for p in chunk.paths)
    return kept, [
        SkippedFile(p, reason if p not in reviewed else reason + "; partly reviewed") for p in left
    ]


def review_diff(
    diff_text: str,
    options: ReviewOptions,
    reviewer: ChunkReviewerLike,
    count_tokens: TokenCounter,
    *,
    unavailable: Sequence[SkippedFile] = (),
    time_limit_s: float = 20 * 60,
    read_new_text: Callable[[str], str | None] | None = None,
) -> ReviewOutcome:
    """`unavailable`: files of the PR the diff source could not provide, listed as skipped."""
    chunks, index, skipped = plan_chunks(diff_text, options, count_tokens, read_new_text)
    log.info("Reviewing %d chunk(s) with %s.", len(chunks), options.model)
    answers, failures, spent = run_chunks(
        chunks,
        reviewer,
        count_tokens,
        instructions=options.config.instructions_for,
        concurrency=options.concurrency,
        deadline=time.monotonic() + time_limit_s,
    )
    findings: list[AnchoredFinding] = []
    usage = spent  # requests whose answers were cut off still cost tokens
    for chunk, answer in answers:
        usage = usage + answer.usage
        findings.extend(cap_severity(anchor_findings(answer.findings, chunk), options.config))
    failed = {path for failure in failures for path in failure.paths}
    reviewed = tuple(dict.fromkeys(p for c in chunks for p in c.paths if p not in failed))
    return ReviewOutcome(
        dedupe(findings),
        index,
        reviewed,
        (*unavailable, *skipped),
        tuple(failures),
        usage,
        len(chunks),
    )


MAX_SPLITS = 4  # a chunk is halved at most this many times for truncated answers


def run_chunks(
    chunks: Sequence[Chunk],
    reviewer: ChunkReviewerLike,
    count_tokens: TokenCounter,
    *,
    concurrency: int,
    deadline: float,
    instructions: Callable[[Sequence[str]], str] = lambda _paths: "",
) -> tuple[list[tuple[Chunk, ChunkAnswerLike]], list[ChunkFailure], Usage]:
    """Review chunks in parallel; gather every outcome, in whatever order they finish.

    A truncated answer halves its chunk and both halves are reviewed; a chunk that still
    fails, or is not done by `deadline`, is reported, and the others still count. A key or
    model the endpoint rejects stops the run: every chunk would fail the same way."""
    answers: list[tuple[Chunk, ChunkAnswerLike]] = []
    failures: list[ChunkFailure] = []
    spent = Usage()
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="review")

    def submit(chunk: Chunk) -> Future[ChunkAnswerLike]:
        return pool.submit(reviewer.review, chunk.text, instructions(chunk.paths))

    pending: dict[Future[ChunkAnswerLike], tuple[Chunk, int]] = {
        submit(chunk): (chunk, 0) for chunk in chunks
    }
    try:
        while pending:
            done, _ = wait(
                pending, timeout=max(deadline - time.monotonic(), 0), return_when=FIRST_COMPLETED
            )
            if not done:
                failures.extend(
                    ChunkFailure(chunk.paths, "not reviewed within the time limit (`time-limit`)")
                    for chunk, _ in pending.values()
                )
                break
            for future in done:
                chunk, splits = pending.pop(future)
                try:
                    answers.append((chunk, future.result()))
                except TruncatedAnswer as error:
                    spent = spent + getattr(error, "usage", Usage())
                    halves = split_chunk(chunk, count_tokens) if splits < MAX_SPLITS else None
                    if halves is None:
                        failures.append(
                            ChunkFailure(
                                chunk.paths, "the answer was too long even for a single line"
                            )
                        )
                        continue
                    log.info("Answer truncated; reviewing chunk %d in two halves.", chunk.index)
                    for half in halves:
                        pending[submit(half)] = (half, splits + 1)
                except ModelError as error:  # a ConfigError (bad key, model) propagates
                    log.warning("Chunk %d (%s) not reviewed: %s", chunk.index, chunk.paths, error)
                    failures.append(ChunkFailure(chunk.paths, error.message))
    finally:
        # Don't wait for requests still in flight after a deadline or a fatal error.
        pool.shutdown(wait=False, cancel_futures=True)
    return answers, failures, spent
