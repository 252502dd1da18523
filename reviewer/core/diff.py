"""The diff model: files, hunks and lines of a unified diff, and which lines take a comment.

GitHub accepts an inline comment on an added or context line by its new-file number
(side RIGHT) and on a deleted line by its old-file number (side LEFT). The
`CommentableIndex` records exactly those pairs, once, for anchoring to check against.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

from reviewer.core.git_paths import unquote_git_path
from reviewer.errors import ReviewerError


class Side(StrEnum):
    RIGHT = "RIGHT"
    LEFT = "LEFT"


class LineKind(StrEnum):
    ADDED = "+"
    DELETED = "-"
    CONTEXT = " "
    # A line of the file around the diff, shown for context (`context-lines`, the enclosing
    # function, `full-files`): not part of the diff, so GitHub takes no comment on it.
    SURROUNDING = "|"


class FileStatus(StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"
    COPIED = "copied"


class DiffLine(NamedTuple):
    # A NamedTuple, not a frozen dataclass: a 50k-line diff builds this 70k times and
    # frozen dataclasses are several times slower to construct.
    kind: LineKind
    text: str
    old_no: int | None
    new_no: int | None

    @property
    def side(self) -> Side:
        return Side.LEFT if self.kind is LineKind.DELETED else Side.RIGHT

    @property
    def number(self) -> int:
        """The number GitHub addresses this line by on its side."""
        number = self.old_no if self.kind is LineKind.DELETED else self.new_no
        assert number is not None
        return number


@dataclass(frozen=True, slots=True)
class Hunk:
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str
    lines: tuple[DiffLine, ...]

    @property
    def header(self) -> str:
        section = f" {self.section}" if self.section else ""
        return f"@@ -{self.old_start},{self.old_len} +{self.new_start},{self.new_len} @@{section}"

    @property
    def changed_lines(self) -> int:
        return sum(1 for line in self.lines if line.kind in _CHANGED)

    def subset(self, lines: Sequence[DiffLine]) -> Hunk:
        """A hunk of some of this hunk's lines, in order, its header counted anew. A side
        with no line in it starts, as in git's headers, at the line before them."""
        old_numbers = [line.old_no for line in lines if line.old_no is not None]
        new_numbers = [line.new_no for line in lines if line.new_no is not None]
        before = self._numbers_before(lines[0]) if lines else (self.old_start, self.new_start)
        return Hunk(
            old_start=old_numbers[0] if old_numbers else before[0],
            old_len=len(old_numbers),
            new_start=new_numbers[0] if new_numbers else before[1],
            new_len=len(new_numbers),
            section=self.section,
            lines=tuple(lines),
        )

    def _numbers_before(self, first: DiffLine) -> tuple[int, int]:
        """The old and new numbers of the last lines of this hunk before `first` (found by
        its numbers: a copy of a line may have another kind)."""
        old = self.old_start - 1 if self.old_len else self.old_start
        new = self.new_start - 1 if self.new_len else self.new_start
        for line in self.lines:
            if (line.old_no, line.new_no) == (first.old_no, first.new_no):
                break
            old = line.old_no if line.old_no is not None else old
            new = line.new_no if line.new_no is not None else new
        return old, new


@dataclass(frozen=True, slots=True)
class FileDiff:
    path: str
    old_path: str | None
    status: FileStatus
    is_binary: bool
    hunks: tuple[Hunk, ...]
    # (old mode, new mode) when git reports a mode change, e.g. ("100644", "100755").
    mode_change: tuple[str, str] | None = None
    is_submodule: bool = False

    @property
    def changed_lines(self) -> int:
        return sum(hunk.changed_lines for hunk in self.hunks)

    def lines(self) -> Iterator[tuple[int, DiffLine]]:
        """Every line with the index of its hunk."""
        for hunk_no, hunk in enumerate(self.hunks):
            for line in hunk.lines:
                yield hunk_no, line


_CHANGED = frozenset({LineKind.ADDED, LineKind.DELETED})


class DiffParseError(ReviewerError):
    """The diff text could not be parsed."""


def parse_diff(text: str) -> list[FileDiff]:
    """Parse a unified diff (as `git diff` or GitHub's diff media type produce it).

    A git diff is parsed one file at a time: unidiff's objects for a file are dropped once
    it is converted, so a large diff never holds both models at once (memory)."""
    files: list[FileDiff] = []
    for segment in _file_segments(text):
        try:
            patch = PatchSet(segment)
        except UnidiffParseError as error:
            raise DiffParseError(
                f"The pull request's diff could not be parsed: {error}.",
                hint="Report this with the PR's diff so the parser can be fixed.",
            ) from None
        files.extend(_file_from_patch(patched) for patched in patch)
    return files


_FILE_START = "\ndiff --git "


def _file_segments(text: str) -> Iterator[str]:
    """The diff cut before each `diff --git` line (the whole text when it has none), one
    piece at a time."""
    start = 0
    while start < len(text):
        position = text.find(_FILE_START, start)
        end = len(text) if position == -1 else position + 1
        yield text[start:end]
        start = end


def _file_from_patch(p: Any) -> FileDiff:
    # unidiff is untyped: its objects are read as Any in these two functions only.
    info = [str(line).rstrip("\n") for line in p.patch_info]
    source = _diff_path(p.source_file, "a/")
    target = _diff_path(p.target_file, "b/")
    # By git's headers, not by empty hunks: a file emptied by the PR still exists.
    if source is None or any(line.startswith("new file mode") for line in info):
        status = FileStatus.ADDED
    elif target is None or any(line.startswith("deleted file mode") for line in info):
        status = FileStatus.DELETED
    elif any(line.startswith("copy from ") for line in info):
        status = FileStatus.COPIED  # unidiff reports copies as renames
    elif source != target:
        status = FileStatus.RENAMED
    else:
        status = FileStatus.MODIFIED
    moved = status in (FileStatus.RENAMED, FileStatus.COPIED)
    hunks = tuple(_hunk(h) for h in p)
    path = target if target is not None else source
    if path is None:
        raise DiffParseError(
            "The pull request's diff has a file with no name on either side.",
            hint="Report this with the PR's diff so the parser can be fixed.",
        )
    return FileDiff(
        path=path,
        old_path=source if moved else None,
        status=status,
        is_binary=bool(p.is_binary_file),
        hunks=hunks,
        mode_change=_mode_change(info),
        is_submodule=_is_submodule(info, hunks),
    )


def _diff_path(raw: str | None, prefix: str) -> str | None:
    """A path as git wrote it in a header ("a/x", a C-quoted "\"b/\\303\\251.py\"", or
    /dev/null) as the repository names it: unquoted, its one a/ or b/ prefix removed."""
    if raw is None or raw == "/dev/null":
        return None
    path = unquote_git_path(raw)
    return path[len(prefix) :] if path.startswith(prefix) else path


def _mode_change(info: list[str]) -> tuple[str, str] | None:
    old = next((line[9:] for line in info if line.startswith("old mode ")), None)
    new = next((line[9:] for line in info if line.startswith("new mode ")), None)
    return (old, new) if old and new else None


def _is_submodule(info: list[str], hunks: tuple[Hunk, ...]) -> bool:
    """A gitlink (mode 160000): its "content" is a `Subproject commit <sha>` line."""
    if any(line.endswith(" 160000") for line in info):
        return True
    lines = [line for hunk in hunks for line in hunk.lines]
    return bool(lines) and all(line.text.startswith("Subproject commit ") for line in lines)


_KINDS = MappingProxyType(
    {kind.value: kind for kind in (LineKind.ADDED, LineKind.DELETED, LineKind.CONTEXT)}
)


def _hunk(h: Any) -> Hunk:
    kinds = _KINDS
    new_line = tuple.__new__  # a NamedTuple's own __new__ is a Python function: slow here
    lines = tuple(
        new_line(
            DiffLine,
            (
                kinds[line.line_type],
                line.value.rstrip("\r\n"),
                line.source_line_no,
                line.target_line_no,
            ),
        )
        for line in h
        if line.line_type in kinds
    )
    return Hunk(
        old_start=h.source_start,
        old_len=h.source_length,
        new_start=h.target_start,
        new_len=h.target_length,
        section=h.section_header.strip(),
        lines=lines,
    )
