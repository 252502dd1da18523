"""Full-file context (`full-files` input): a small changed file is shown whole, so the model
sees more than the hunks. Unchanged lines are surrounding lines (`surrounding.py`) with their
numbers on both sides; changed lines are exactly those of the diff. Comments can still only
go on the diff's own lines: the PR's index, not this view, decides that."""

from __future__ import annotations

from reviewer.core.diff import FileDiff
from reviewer.core.surrounding import agrees, widen

FULL_FILE_MAX_LINES = 400
FULL_FILE_MAX_FILES = 30


def with_full_context(file: FileDiff, new_text: str) -> FileDiff:
    """The file as one hunk spanning the whole new text; the file unchanged when the text
    does not agree with the diff (a different revision, odd line endings) or is too long."""
    new_lines = [line.rstrip("\r") for line in new_text.splitlines()]
    if len(new_lines) > FULL_FILE_MAX_LINES or not agrees(file, new_lines):
        return file
    return widen(file, new_lines, None)
