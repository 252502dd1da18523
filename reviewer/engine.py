"""The review engine shared by the action and the local CLI: diff text in, findings out.

diff → selected files → token-bounded chunks → one model request per chunk (in
parallel) → findings anchored to the chunk's lines → deduplicated.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Protocol

from reviewer.anchoring import AnchoredFinding, anchor_findings
from reviewer.chunking import Chunk, build_chunks
from reviewer.diff import CommentableIndex, parse_diff
from reviewer.errors import ModelAuthError, ModelError
from reviewer.filters import SkippedFile, select_files
from reviewer.findings import Finding
from reviewer.models import chunk_budget
from reviewer.plan import dedupe
from reviewer.prompt import chunk_messages
from reviewer.report import ChunkFailure, Usage
from reviewer.tokens import TokenCounter

log = logging.getLogger(__name__)


class ChunkAnswerLike(Protocol):
    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def usage(self) -> Usage: ...


class ChunkReviewerLike(Protocol):
    """What the engine needs from a model adapter (`openai_adapter.ChunkReviewer`)."""

    def review(self, chunk_text: str) -> ChunkAnswerLike: ...


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
    diff_text: str, options: ReviewOptions, count_tokens: TokenCounter
) -> tuple[list[Chunk], CommentableIndex, list[SkippedFile]]:
    files = parse_diff(diff_text)
    index = CommentableIndex.build(files)
    selected, skipped = select_files(
        files, include=options.include, exclude=options.exclude, generated=options.generated
    )
    # The fixed part of every request: system prompt, rules and the user message's frame.
    frame = chunk_messages("", rules=options.rules)
    fixed = sum(count_tokens(m.content) for m in frame) + 16
    budget = chunk_budget(
        options.model, fixed_prompt_tokens=fixed, max_chunk_tokens=options.max_chunk_tokens
    )
    chunks, too_large = build_chunks(selected, count_tokens, budget)
    chunks, over_cap = apply_token_cap(chunks, options.max_tokens)
    return chunks, index, skipped + too_large + over_cap


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
) -> ReviewOutcome:
    """`unavailable`: files of the PR the diff source could not provide, listed as skipped."""
    chunks, index, skipped = plan_chunks(diff_text, options, count_tokens)
    skipped = [*unavailable, *skipped]
    log.info("Reviewing %d chunk(s) with %s.", len(chunks), options.model)
    findings: list[AnchoredFinding] = []
    failures: list[ChunkFailure] = []
    usage = Usage()
    with ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
        futures: dict[Future[ChunkAnswerLike], Chunk] = {
            pool.submit(reviewer.review, chunk.text): chunk for chunk in chunks
        }
        try:
            for future in as_completed(futures):
                chunk = futures[future]
                try:
                    answer = future.result()
                except ModelAuthError:
                    raise  # the same for every chunk: stop and say how to fix it
                except ModelError as error:
                    log.warning("Chunk %d (%s) not reviewed: %s", chunk.index, chunk.paths, error)
                    failures.append(ChunkFailure(chunk.paths, error.message))
                    continue
                usage = usage + answer.usage
                findings.extend(anchor_findings(answer.findings, chunk))
        except ModelAuthError:
            for pending in futures:
                pending.cancel()
            raise
    reviewed = tuple(
        dict.fromkeys(
            path
            for chunk in chunks
            for path in chunk.paths
            if not any(path in failure.paths for failure in failures)
        )
    )
    return ReviewOutcome(
        dedupe(findings), index, reviewed, tuple(skipped), tuple(failures), usage, len(chunks)
    )
