"""Full-file context (`full-files` input): a small changed file is shown whole, so the model
sees more than the hunks. Unchanged lines become context lines with their numbers on both
sides; changed lines are exactly those of the diff. Comments can still only go on the
diff's own lines: the PR's index, not this view, decides that."""

from __future__ import annotations

import dataclasses

from reviewer.core.diff import DiffLine, FileDiff, FileStatus, Hunk, LineKind

FULL_FILE_MAX_LINES = 400
FULL_FILE_MAX_FILES = 30


def wants_full_text(file: FileDiff) -> bool:
    return (
        bool(file.hunks)
        and not file.is_binary
        and file.status is not FileStatus.DELETED
        and file.status is not FileStatus.ADDED  # an added file's diff already is the file
    )


def with_full_context(file: FileDiff, new_text: str) -> FileDiff:
    """The file as one hunk spanning the whole new text; the file unchanged when the text
    does not agree with the diff (a different revision, odd line endings) or is too long."""
    new_lines = [line.rstrip("\r") for line in new_text.splitlines()]
    if len(new_lines) > FULL_FILE_MAX_LINES or not _agrees(file, new_lines):
        return file
    out: list[DiffLine] = []
    old_no = new_no = 1
    for hunk in file.hunks:
        # Unchanged lines up to the hunk (through its anchor line for a pure deletion).
        last = hunk.new_start if hunk.new_len == 0 else hunk.new_start - 1
        while new_no <= last:
            out.append(DiffLine(LineKind.CONTEXT, new_lines[new_no - 1], old_no, new_no))
            old_no, new_no = old_no + 1, new_no + 1
        for line in hunk.lines:
            out.append(line)
            if line.old_no is not None:
                old_no = line.old_no + 1
            if line.new_no is not None:
                new_no = line.new_no + 1
    while new_no <= len(new_lines):
        out.append(DiffLine(LineKind.CONTEXT, new_lines[new_no - 1], old_no, new_no))
        old_no, new_no = old_no + 1, new_no + 1
    whole = Hunk(1, old_no - 1, 1, len(new_lines), "whole file", tuple(out))
    return dataclasses.replace(file, hunks=(whole,))


def _agrees(file: FileDiff, new_lines: list[str]) -> bool:
    for _, line in file.lines():
        if line.new_no is None:
            continue
        if line.new_no > len(new_lines) or new_lines[line.new_no - 1] != line.text:
            return False
    return True
