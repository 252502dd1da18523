"""Hunks widened with surrounding lines before the model sees them: `context-lines` either
side of each hunk, the enclosing function or class when it is short, or the whole file
(`full-files`). The surrounding lines are shown marked as such and are never commentable
(see surrounding.py); each file's outline is parsed on the way, for related code. Below
git's 3, `context-lines` narrows the hunks instead (`narrowed`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reviewer.core.diff import DiffLine, FileDiff, FileStatus, Hunk, LineKind
from reviewer.core.full_files import FULL_FILE_MAX_FILES, FULL_FILE_MAX_LINES
from reviewer.core.review_context import ReviewContext
from reviewer.core.surrounding import agrees, can_widen, new_text_from_base, widen
from reviewer.core.syntax import Outline, outline

GIT_CONTEXT_LINES = 3  # what git and GitHub's diffs show around each change
MAX_SCOPE_LINES = 80  # a longer enclosing function is not shown whole
MAX_CONTEXT_FILES = 100  # changed files whose text is read for context, per run
_CHANGED = frozenset({LineKind.ADDED, LineKind.DELETED})


def narrowed(file: FileDiff, context_lines: int) -> FileDiff:
    """The file with at most `context_lines` (fewer than git's 3) of the diff's unchanged
    lines around each change; a hunk whose changes then no longer meet is split in parts.
    Every changed line stays; what GitHub takes comments on is still the whole diff's."""
    hunks: list[Hunk] = []
    for hunk in file.hunks:
        changed = [i for i, line in enumerate(hunk.lines) if line.kind in _CHANGED]
        kept = sorted(
            {
                j
                for i in changed
                for j in range(i - context_lines, i + context_lines + 1)
                if 0 <= j < len(hunk.lines)
            }
        )
        runs: list[list[DiffLine]] = []
        for position, j in enumerate(kept):
            if position == 0 or j != kept[position - 1] + 1:
                runs.append([])
            runs[-1].append(hunk.lines[j])
        hunks.extend(hunk.subset(run) for run in runs)
    return dataclasses.replace(file, hunks=tuple(hunks))


@dataclass(frozen=True, slots=True)
class Widening:
    """What to show around the hunks (the review options that read files)."""

    full_files: bool
    context_lines: int
    enclosing_scope: bool
    related_context_tokens: int


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


def widened(
    files: Sequence[FileDiff],
    options: Widening,
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
            # The changed file's calls matter only on its added lines (related code).
            added = (
                {ln.new_no for h in file.hunks for ln in h.lines if ln.kind is LineKind.ADDED}
                if options.related_context_tokens > 0
                else set()
            )
            parsed = outline(file.path, "\n".join(lines), calls_on={n for n in added if n})
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


def _wanted(file: FileDiff, options: Widening, parsed: Outline | None) -> set[int]:
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
        ] or [_deletion_point(hunk)]
        scope = parsed.enclosing(min(changed), max(changed))
        if scope is not None and scope.size <= MAX_SCOPE_LINES:
            wanted.update(range(scope.start, scope.end + 1))
    return wanted


def _deletion_point(hunk: Hunk) -> int:
    """The new-file line where a hunk without added lines deleted its lines: the first line
    after them (the last before them at the end of the file). Not git's 3 lines below the
    hunk's start: a hunk may show fewer (`narrowed`, the top of the file)."""
    point, deleted = hunk.new_start, False
    for line in hunk.lines:
        if line.kind is LineKind.DELETED:
            deleted = True
        elif line.new_no is not None:
            point = line.new_no
            if deleted:
                break
    return point
