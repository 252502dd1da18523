"""Which lines of a diff GitHub accepts an inline comment on, indexed per file and side."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from reviewer.core.diff import DiffLine, FileDiff, LineKind, Side


class LineRef(NamedTuple):
    """Where a commentable line sits: its hunk (multi-line comments stay in one) and text.
    (A NamedTuple: an index of a large diff makes one per line.)"""

    hunk: int
    line: DiffLine


_DELETED, _CONTEXT = LineKind.DELETED, LineKind.CONTEXT
_LEFT, _RIGHT = Side.LEFT, Side.RIGHT


class CommentableIndex:
    """For every file, the (line, side) pairs GitHub accepts an inline comment on.

    A file's entries are built on first use: anchoring looks at few files of a big diff."""

    def __init__(self, files: Iterable[FileDiff] = ()) -> None:
        self._files = {file.path: file for file in files}
        self._entries: dict[str, dict[tuple[int, Side], LineRef]] = {}
        self._sides: dict[tuple[str, Side], list[tuple[int, LineRef, str]]] = {}

    @classmethod
    def build(cls, files: Iterable[FileDiff]) -> CommentableIndex:
        return cls(files)

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(self._files)

    def _entries_of(self, path: str) -> dict[tuple[int, Side], LineRef]:
        entries = self._entries.get(path)
        if entries is None:
            entries = {}
            file = self._files.get(path)
            # Hot when a large diff is indexed: no property or enum-descriptor access. A
            # prompt's surrounding lines are indexed too (RIGHT, by their new number), so a
            # finding on one stays on it; the PR's own index never holds them.
            deleted, context, left, right = _DELETED, _CONTEXT, _LEFT, _RIGHT
            new_ref = tuple.__new__  # a NamedTuple's own __new__ is a Python function
            for hunk_no, hunk in enumerate(file.hunks if file else ()):
                for line in hunk.lines:
                    ref = new_ref(LineRef, (hunk_no, line))
                    if line.kind is deleted:
                        entries[(line.old_no, left)] = ref  # type: ignore[index]
                        continue
                    entries[(line.new_no, right)] = ref  # type: ignore[index]
                    # A context line can also be addressed from the LEFT by its old number.
                    if line.kind is context and line.old_no is not None:
                        entries.setdefault((line.old_no, left), ref)
            self._entries[path] = entries
        return entries

    def lookup(self, path: str, line: int, side: Side = Side.RIGHT) -> LineRef | None:
        return self._entries_of(path).get((line, side))

    def is_commentable(self, path: str, line: int, side: Side = Side.RIGHT) -> bool:
        return self.lookup(path, line, side) is not None

    def lines_on(self, path: str, side: Side) -> list[tuple[int, LineRef, str]]:
        """The lines of one side, each once (a context line counts on the RIGHT only: its
        LEFT entry is the same line), with their text stripped of all whitespace. Listed
        once per file and side: anchoring matches quotes against them."""
        key = (path, side)
        found = self._sides.get(key)
        if found is None:
            found = [
                (number, ref, "".join(ref.line.text.split()))
                for (number, line_side), ref in self._entries_of(path).items()
                if line_side is side and ref.line.side is side
            ]
            self._sides[key] = found
        return found
