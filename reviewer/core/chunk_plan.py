"""What the model will be asked to review: files selected, secrets masked, chunks cut.

diff text → files → selected (include/exclude, generated, deleted…) → optionally shown
whole (`full-files`) → secrets masked → token-bounded chunks → the run's token cap.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reviewer.core.chunking import Chunk, build_chunks, compress_deletions
from reviewer.core.config import RepoConfig
from reviewer.core.context_windows import chunk_budget
from reviewer.core.diff import CommentableIndex, DiffLine, FileDiff, Hunk, LineKind, parse_diff
from reviewer.core.filters import SkippedFile, select_files
from reviewer.core.full_files import FULL_FILE_MAX_FILES, wants_full_text, with_full_context
from reviewer.core.prompt import chunk_messages
from reviewer.core.secrets_mask import mask_file
from reviewer.core.tokens import TokenCounter, estimate_tokens


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
    vendored: tuple[str, ...] = ()  # `linguist-vendored` patterns from .gitattributes
    config: RepoConfig = field(default_factory=RepoConfig)  # .github/reviewer.yml
    full_files: bool = False  # show small changed files whole (see full_files.py)


@dataclass(frozen=True, slots=True)
class ChunkPlan:
    chunks: list[Chunk]
    index: CommentableIndex  # every commentable line of the diff
    skipped: list[SkippedFile]
    secrets_masked: int = 0


def plan_chunks(
    diff_text: str,
    options: ReviewOptions,
    count_tokens: TokenCounter,
    read_new_text: Callable[[str], str | None] | None = None,
    *,
    focus: frozenset[tuple[str, int]] | None = None,
) -> ChunkPlan:
    """`read_new_text(path)`: a changed file's new text, for `full_files`. `focus`: review
    only the hunks holding one of these added lines (path, new number): an incremental
    review of the lines the PR's new commits wrote."""
    files = parse_diff(diff_text)
    index = CommentableIndex.build(files)
    selected, skipped = select_files(
        files,
        include=options.include,
        exclude=(*options.exclude, *options.config.exclude),
        generated=options.generated,
        vendored=options.vendored,
    )
    if focus is not None:
        selected = [f for f in (_focused(file, focus) for file in selected) if f.hunks]
    if options.full_files and read_new_text is not None:
        selected = _expanded(selected, read_new_text)
    selected = [
        file if options.config.wants_whole_deletions(file.path) else compress_deletions(file)
        for file in selected
    ]
    selected, masked = _masked(selected)
    # A small diff fits one request even by the estimate, which over-counts: then no exact
    # count is needed (and the tokenizer's encoding, 0.5 s of CPU to load, never is).
    if ESTIMATE_FIRST_UP_TO and estimate_tokens(diff_text) <= ESTIMATE_FIRST_UP_TO:
        chunks, too_large = _chunked(selected, options, estimate_tokens)
        if len(chunks) <= 1 and not too_large:
            chunks, over_cap = apply_token_cap(chunks, options.max_tokens)
            return ChunkPlan(chunks, index, skipped + over_cap, masked)
    chunks, too_large = _chunked(selected, options, count_tokens)
    chunks, over_cap = apply_token_cap(chunks, options.max_tokens)
    return ChunkPlan(chunks, index, skipped + too_large + over_cap, masked)


# Diffs up to this many estimated tokens are first chunked by the estimate (see above).
ESTIMATE_FIRST_UP_TO = 8_000


def _chunked(
    files: Sequence[FileDiff], options: ReviewOptions, count_tokens: TokenCounter
) -> tuple[list[Chunk], list[SkippedFile]]:
    # The fixed part of every request: system prompt, rules, the user message's frame, and
    # (counted in full, to be safe) every path-scoped instruction of the config file.
    scoped = options.config.instructions_for([rule.pattern for rule in options.config.paths])
    frame = chunk_messages("", rules=options.rules, instructions=scoped)
    fixed = sum(count_tokens(m.content) for m in frame) + 16
    budget = chunk_budget(
        options.model, fixed_prompt_tokens=fixed, max_chunk_tokens=options.max_chunk_tokens
    )
    return build_chunks(files, count_tokens, budget)


# Lines of context shown around the lines an incremental review is about.
FOCUS_CONTEXT = 3


def _focused(file: FileDiff, focus: frozenset[tuple[str, int]]) -> FileDiff:
    """Only the new lines in focus, each with a few lines around it. Lines the PR added
    in earlier pushes (reviewed then) are shown as context; its deletions, made against the
    base and reviewed then too, are left out."""
    hunks: list[Hunk] = []
    for hunk in file.hunks:
        marks = {
            i
            for i, line in enumerate(hunk.lines)
            if line.kind is LineKind.ADDED and (file.path, line.new_no) in focus
        }
        shown = sorted(
            {
                j
                for i in marks
                for j in range(i - FOCUS_CONTEXT, i + FOCUS_CONTEXT + 1)
                if 0 <= j < len(hunk.lines)
            }
        )
        runs: list[list[DiffLine]] = []
        for position, j in enumerate(shown):
            if position == 0 or j != shown[position - 1] + 1:
                runs.append([])
            line = hunk.lines[j]
            if j in marks or line.kind is LineKind.CONTEXT:
                runs[-1].append(line)
            elif line.kind is LineKind.ADDED:
                runs[-1].append(line._replace(kind=LineKind.CONTEXT))
        hunks.extend(hunk.subset(run) for run in runs if run)
    return dataclasses.replace(file, hunks=tuple(hunks))


def _masked(files: Sequence[FileDiff]) -> tuple[list[FileDiff], int]:
    """Secrets never reach the model (secrets_mask.py); also how many were masked."""
    masked = [mask_file(f) for f in files]
    return [f for f, _ in masked], sum(count for _, count in masked)


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
        SkippedFile(p, reason if p not in reviewed else reason + "; partly reviewed", True)
        for p in left
    ]
