"""Lines of a changed file around its hunks, shown to the model as context: `context-lines`
around each hunk, the enclosing function or class, or (`full-files`) the whole file.

They come from the file's new text, read at the head or rebuilt from the base text and
the diff, and are `SURROUNDING` lines: shown marked, numbered like the file, never
commentable (the pull request's own diff decides that). The diff's own lines are kept
exactly as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

from reviewer.core.diff import DiffLine, FileDiff, FileStatus, Hunk, LineKind


def can_widen(file: FileDiff) -> bool:
    """A file whose hunks can grow: text, changed in place (an added file is all diff)."""
    return (
        bool(file.hunks)
        and not file.is_binary
        and file.status is not FileStatus.DELETED
        and file.status is not FileStatus.ADDED
    )


def new_text_from_base(file: FileDiff, base_text: str) -> list[str] | None:
    """The file's new lines: the base text with the diff's hunks applied; None when the
    base text does not agree with the diff (another revision, different line endings)."""
    base = [line.rstrip("\r") for line in base_text.splitlines()]
    out: list[str] = []
    at = 1  # next base line to copy
    for hunk in file.hunks:
        first = hunk.old_start if hunk.old_len else hunk.old_start + 1
        if first < at or first - 1 > len(base):
            return None
        out.extend(base[at - 1 : first - 1])
        at = first
        for line in hunk.lines:
            if line.kind is LineKind.ADDED:
                out.append(line.text)
                continue
            if at > len(base) or base[at - 1] != line.text:
                return None
            if line.kind is LineKind.CONTEXT:
                out.append(line.text)
            at += 1
    out.extend(base[at - 1 :])
    return out


def agrees(file: FileDiff, new_lines: Sequence[str]) -> bool:
    """Every line the diff shows on the new side is that line of `new_lines`."""
    for _, line in file.lines():
        if line.new_no is None:
            continue
        if line.new_no > len(new_lines) or new_lines[line.new_no - 1] != line.text:
            return False
    return True


def widen(file: FileDiff, new_lines: Sequence[str], wanted: Collection[int] | None) -> FileDiff:
    """The file's hunks with the new-file lines `wanted` (all of them for None) added as
    surrounding lines; hunks that meet are merged. `new_lines` must agree with the diff."""
    total = len(new_lines)
    show = range(1, total + 1) if wanted is None else sorted(n for n in wanted if 1 <= n <= total)
    extra = set(show)
    runs: list[list[DiffLine]] = [[]]
    old_no = new_no = 1  # numbers of the next unchanged line
    last = 0  # new number of the last line shown (0: none yet)

    def follow(first: int) -> None:
        """Start a new hunk unless `first` directly follows what is shown."""
        if runs[-1] and first != last + 1:
            runs.append([])

    def unchanged_upto(upto: int) -> None:
        nonlocal old_no, new_no, last
        while new_no <= upto:
            if new_no in extra:
                follow(new_no)
                text = new_lines[new_no - 1]
                runs[-1].append(DiffLine(LineKind.SURROUNDING, text, old_no, new_no))
                last = new_no
            old_no, new_no = old_no + 1, new_no + 1

    for hunk in file.hunks:
        anchor = hunk.new_start if hunk.new_len == 0 else hunk.new_start - 1
        unchanged_upto(anchor)
        follow(anchor + 1)
        for line in hunk.lines:
            runs[-1].append(line)
            if line.old_no is not None:
                old_no = line.old_no + 1
            if line.new_no is not None:
                new_no = line.new_no + 1
        last = new_no - 1
    unchanged_upto(total)
    hunks = tuple(_as_hunk(run, file) for run in runs if run)
    return dataclasses.replace(file, hunks=hunks)


def _as_hunk(lines: list[DiffLine], file: FileDiff) -> Hunk:
    olds = [line.old_no for line in lines if line.old_no is not None]
    news = [line.new_no for line in lines if line.new_no is not None]
    section = next((h.section for h in file.hunks if h.lines and h.lines[0] in lines), "")
    return Hunk(
        old_start=olds[0] if olds else 0,
        old_len=len(olds),
        new_start=news[0] if news else 0,
        new_len=len(news),
        section=section,
        lines=tuple(lines),
    )
