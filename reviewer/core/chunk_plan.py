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

from reviewer.core.chunking import Chunk, build_chunks
from reviewer.core.config import RepoConfig
from reviewer.core.context_windows import chunk_budget
from reviewer.core.diff import (
    CommentableIndex,
    DiffLine,
    FileDiff,
    FileStatus,
    Hunk,
    LineKind,
    parse_diff,
)
from reviewer.core.filters import SkippedFile, select_files
from reviewer.core.full_files import FULL_FILE_MAX_FILES, FULL_FILE_MAX_LINES
from reviewer.core.prompt import chunk_messages
from reviewer.core.related import RepositoryIndex, related_part, related_snippets
from reviewer.core.review_context import ContextPart, ReviewContext, intent_part
from reviewer.core.secrets_mask import mask_file, mask_secrets
from reviewer.core.surrounding import agrees, can_widen, new_text_from_base, widen
from reviewer.core.syntax import Outline, outline
from reviewer.core.tokens import TokenCounter

GIT_CONTEXT_LINES = 3  # what git and GitHub's diffs show around each change
MAX_SCOPE_LINES = 80  # a longer enclosing function is not shown whole
MAX_CONTEXT_FILES = 100  # changed files whose text is read for context, per run


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
    )
    if focus is not None:
        selected = [f for f in (_focused(file, focus) for file in selected) if f.hunks]
    outlines: dict[str, Outline] = {}
    if options.reads_files:
        selected, outlines = _widened(selected, options, context, read_new_text)
    selected, masked = _masked(selected)
    shared = _shared_parts(context, count_tokens)
    # The fixed part of every request: system prompt, rules, the user message's frame, and
    # (counted in full, to be safe) every path-scoped instruction of the config file.
    scoped = options.config.instructions_for([rule.pattern for rule in options.config.paths])
    frame = chunk_messages("", rules=options.rules, instructions=scoped, parts=shared)
    fixed = sum(count_tokens(m.content) for m in frame) + 16 + options.related_context_tokens
    budget = chunk_budget(
        options.model, fixed_prompt_tokens=fixed, max_chunk_tokens=options.max_chunk_tokens
    )
    chunks, too_large = build_chunks(selected, count_tokens, budget)
    chunks, over_cap = apply_token_cap(chunks, options.max_tokens)
    related, used = _related(chunks, outlines, options, context, count_tokens)
    notes = (*context.notes, *used)
    return ChunkPlan(chunks, index, skipped + too_large + over_cap, masked, shared, related, notes)


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


def _new_lines(
    file: FileDiff,
    context: ReviewContext,
    read_new_text: Callable[[str], str | None] | None,
) -> list[str] | None:
    """The file's new text as lines: read at the head, else rebuilt from the base text."""
    if file.status is FileStatus.ADDED:
        return [line.text for _, line in file.lines() if line.new_no is not None]
    for read in (context.new_text, read_new_text):
        text = read(file.path) if read is not None else None
        if text is not None:
            lines = [line.rstrip("\r") for line in text.splitlines()]
            if agrees(file, lines):
                return lines
    if context.repository is not None:
        base = context.repository.read(file.old_path or file.path)
        if base is not None:
            return new_text_from_base(file, base)
    return None


def _widened(
    files: Sequence[FileDiff],
    options: ReviewOptions,
    context: ReviewContext,
    read_new_text: Callable[[str], str | None] | None,
) -> tuple[list[FileDiff], dict[str, Outline]]:
    """Hunks widened with surrounding lines; the outline of each file parsed on the way."""
    out: list[FileDiff] = []
    outlines: dict[str, Outline] = {}
    read = 0
    full = options.full_files
    for file in files:
        if file.is_binary or file.status is FileStatus.DELETED or read >= MAX_CONTEXT_FILES:
            out.append(file)
            continue
        read += 1
        lines = _new_lines(file, context, read_new_text)
        if lines is None:
            out.append(file)
            continue
        parsed = None
        if options.enclosing_scope or options.related_context_tokens > 0:
            parsed = outline(file.path, "\n".join(lines))
            outlines[file.path] = parsed
        if not can_widen(file):
            out.append(file)
            continue
        if full and read <= FULL_FILE_MAX_FILES and len(lines) <= FULL_FILE_MAX_LINES:
            out.append(widen(file, lines, None))
            continue
        wanted = _wanted(file, options, parsed if options.enclosing_scope else None)
        out.append(widen(file, lines, wanted) if wanted else file)
    return out, outlines


def _wanted(file: FileDiff, options: ReviewOptions, parsed: Outline | None) -> set[int]:
    """New-file lines to show around each hunk: `context_lines` either side, and the
    enclosing function or class when it is short enough to show whole."""
    extra = max(options.context_lines - GIT_CONTEXT_LINES, 0)
    wanted: set[int] = set()
    for hunk in file.hunks:
        numbers = [line.new_no for line in hunk.lines if line.new_no is not None]
        if not numbers:
            numbers = [hunk.new_start]
        first, last = numbers[0], numbers[-1]
        wanted.update(range(first - extra, last + extra + 1))
        if parsed is None:
            continue
        changed = [
            line.new_no for line in hunk.lines if line.kind is LineKind.ADDED and line.new_no
        ] or [first + GIT_CONTEXT_LINES]
        scope = parsed.enclosing(min(changed), max(changed))
        if scope is not None and scope.size <= MAX_SCOPE_LINES:
            wanted.update(range(scope.start, scope.end + 1))
    return wanted


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
