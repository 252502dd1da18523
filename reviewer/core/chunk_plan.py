"""What the model will be asked to review: files selected, secrets masked, chunks cut.

diff text → files → selected (include/exclude, generated, deleted…) → hunks widened with
surrounding lines (`context-lines`, the enclosing function, or `full-files`) → secrets
masked → token-bounded chunks → the run's token cap → per chunk, related code from the
repository (`related-context-tokens`). With none of those asked for, nothing is read or
parsed: the plan costs what it did before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reviewer.core.chunking import Chunk, build_chunks, compress_deletions
from reviewer.core.commentable import CommentableIndex
from reviewer.core.config import RepoConfig
from reviewer.core.context_windows import chunk_budget
from reviewer.core.diff import DiffLine, FileDiff, Hunk, LineKind, parse_diff
from reviewer.core.filters import SkippedFile, select_files
from reviewer.core.prompt import chunk_messages
from reviewer.core.related import RepositoryIndex, related_part, related_snippets
from reviewer.core.review_context import ContextPart, ReviewContext, intent_part
from reviewer.core.secrets_mask import mask_file, mask_secrets
from reviewer.core.syntax import Outline
from reviewer.core.tokens import TokenCounter, estimate_tokens
from reviewer.core.widening import GIT_CONTEXT_LINES, Widening, narrowed, widened


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
    context_lines: int = GIT_CONTEXT_LINES  # lines shown around each hunk
    enclosing_scope: bool = False  # show the function or class around each hunk
    related_context_tokens: int = 0  # per request: definitions and call sites (related.py)
    verify: bool = False  # a second request checks each finding at warning or above

    @property
    def reads_files(self) -> bool:
        return (
            self.full_files
            or self.context_lines > GIT_CONTEXT_LINES
            or self.enclosing_scope
            or self.related_context_tokens > 0
        )

    @property
    def widening(self) -> Widening:
        return Widening(
            self.full_files, self.context_lines, self.enclosing_scope, self.related_context_tokens
        )


@dataclass(frozen=True, slots=True)
class ChunkPlan:
    chunks: list[Chunk]
    index: CommentableIndex  # every commentable line of the diff
    skipped: list[SkippedFile]
    secrets_masked: int = 0
    shared: tuple[ContextPart, ...] = ()  # in every request: the intent, the report
    related: dict[int, tuple[ContextPart, ...]] = field(default_factory=dict)  # by chunk index
    context_used: tuple[str, ...] = ()  # for the summary

    def parts(self, chunk: Chunk) -> tuple[ContextPart, ...]:
        return (*self.shared, *self.related.get(chunk.index, ()))


def plan_chunks(
    diff_text: str,
    options: ReviewOptions,
    count_tokens: TokenCounter,
    read_new_text: Callable[[str], str | None] | None = None,
    *,
    focus: frozenset[tuple[str, int]] | None = None,
    context: ReviewContext | None = None,
) -> ChunkPlan:
    """`read_new_text(path)`: a changed file's new text, for `full_files` and the context
    options. `focus`: review only the hunks holding one of these added lines (path, new
    number): an incremental review of the lines the PR's new commits wrote. `context`: the
    PR's intent, the repository at the base commit, a report (see review_context.py)."""
    context = context or ReviewContext()
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
    if options.context_lines < GIT_CONTEXT_LINES:
        selected = [narrowed(file, options.context_lines) for file in selected]
    outlines: dict[str, Outline] = {}
    if options.reads_files:
        selected, outlines = widened(selected, options.widening, context, read_new_text)
    selected = [
        file if options.config.wants_whole_deletions(file.path) else compress_deletions(file)
        for file in selected
    ]
    selected, masked = _masked(selected)
    shared = _shared_parts(context, count_tokens)
    chunks, too_large = _chunked(selected, options, shared, count_tokens, diff_text)
    chunks, over_cap = apply_token_cap(chunks, options.max_tokens)
    related, used = _related(chunks, outlines, options, context, count_tokens)
    notes = (*context.notes, *used)
    return ChunkPlan(chunks, index, skipped + too_large + over_cap, masked, shared, related, notes)


# Diffs up to this many estimated tokens are first chunked by the estimate (see _chunked).
ESTIMATE_FIRST_UP_TO = 8_000


def _chunked(
    files: Sequence[FileDiff],
    options: ReviewOptions,
    shared: tuple[ContextPart, ...],
    count_tokens: TokenCounter,
    diff_text: str,
) -> tuple[list[Chunk], list[SkippedFile]]:
    """Token-bounded chunks. A small diff fits one request even by the estimate, which
    over-counts: then no exact count is needed (and the tokenizer's encoding, 0.5 s of CPU
    to load, never is)."""
    if estimate_tokens(diff_text) <= ESTIMATE_FIRST_UP_TO:
        chunks, too_large = build_chunks(
            files, estimate_tokens, _budget(options, shared, estimate_tokens)
        )
        if len(chunks) <= 1 and not too_large:
            return chunks, too_large
    return build_chunks(files, count_tokens, _budget(options, shared, count_tokens))


def _budget(options: ReviewOptions, shared: tuple[ContextPart, ...], count: TokenCounter) -> int:
    # The fixed part of every request: system prompt, rules, the user message's frame, and
    # (counted in full, to be safe) every path-scoped instruction of the config file.
    scoped = options.config.instructions_for([rule.pattern for rule in options.config.paths])
    frame = chunk_messages("", rules=options.rules, instructions=scoped, parts=shared)
    fixed = sum(count(m.content) for m in frame) + 16 + options.related_context_tokens
    return chunk_budget(
        options.model, fixed_prompt_tokens=fixed, max_chunk_tokens=options.max_chunk_tokens
    )


def _shared_parts(context: ReviewContext, count_tokens: TokenCounter) -> tuple[ContextPart, ...]:
    parts: list[ContextPart] = []
    if context.intent is not None:
        intent = intent_part(context.intent, count_tokens)
        parts.extend([intent] if intent else [])
    if context.report is not None:
        parts.append(context.report)
    return tuple(_masked_part(part) for part in parts)


def _masked_part(part: ContextPart) -> ContextPart:
    text, _ = mask_secrets(part.text)
    return dataclasses.replace(part, text=text)


def _related(
    chunks: Sequence[Chunk],
    outlines: dict[str, Outline],
    options: ReviewOptions,
    context: ReviewContext,
    count_tokens: TokenCounter,
) -> tuple[dict[int, tuple[ContextPart, ...]], list[str]]:
    """Per chunk, the related code that fits `related_context_tokens` (secrets masked)."""
    if options.related_context_tokens <= 0 or context.repository is None or not outlines:
        return {}, []
    index = RepositoryIndex(context.repository, {})
    related: dict[int, tuple[ContextPart, ...]] = {}
    used: dict[str, None] = {}
    for chunk in chunks:
        snippets = related_snippets(chunk, outlines, index)
        part, chosen = related_part(snippets, count_tokens, options.related_context_tokens)
        if part is not None:
            related[chunk.index] = (_masked_part(part),)
            used.update((f"Related code: {s.label()}", None) for s in chosen)
    return related, list(used)


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
