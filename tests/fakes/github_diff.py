"""An independent unified-diff parser: the oracle for where GitHub accepts review comments.

Written without looking at (or importing) the ``reviewer`` package on purpose: it decides
which ``(path, side, line)`` locations GitHub accepts, so sharing code with the code under
test would make the fake agree with that code's bugs.

Rules modelled (GitHub's "Create a review" endpoint):

* ``side=RIGHT`` (default) accepts added and context lines by new-file number;
  ``side=LEFT`` accepts deleted and context lines by old-file number;
* a multi-line comment's ``start_line`` (``start_side`` defaults to ``side``) must be
  commentable, come before ``line`` in the diff and sit in the same hunk;
* ``path`` is the file's new name (old name for deleted files); binary files have no lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

LINE_NOT_RESOLVED = "Line could not be resolved"
PATH_NOT_RESOLVED = "Path could not be resolved"

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class DiffLine:
    """One ``+``/``-``/`` `` line of a hunk with its old/new numbers and diff position."""

    kind: str  # "+", "-" or " "
    old: int | None  # line number in the old file (None for additions)
    new: int | None  # line number in the new file (None for deletions)
    position: int  # GitHub "position": lines below the file's first "@@" header
    hunk: int  # index of the hunk within the file


@dataclass
class DiffFile:
    """One file of a unified diff. ``patch`` holds the lines from the first ``@@`` on."""

    old_path: str | None
    new_path: str | None
    status: str = "modified"
    binary: bool = False
    mode_changed: bool = False
    lines: list[DiffLine] = field(default_factory=list)
    patch: list[str] = field(default_factory=list)
    hunk_starts: list[int] = field(default_factory=list)  # patch indices of "@@" headers

    @property
    def filename(self) -> str:
        name = self.new_path or self.old_path
        assert name is not None
        return name

    @property
    def additions(self) -> int:
        return sum(1 for line in self.lines if line.kind == "+")

    @property
    def deletions(self) -> int:
        return sum(1 for line in self.lines if line.kind == "-")

    def find(self, side: str, number: int) -> DiffLine | None:
        """The commentable line ``number`` on ``side`` (RIGHT: new file, LEFT: old file)."""
        for line in self.lines:
            if (side == "RIGHT" and line.new == number) or (side == "LEFT" and line.old == number):
                return line
        return None

    def at_position(self, position: int) -> DiffLine | None:
        return next((line for line in self.lines if line.position == position), None)

    def diff_hunk(self, line: DiffLine) -> str:
        """GitHub's ``diff_hunk``: the hunk header down to and including ``line``."""
        return "\n".join(self.patch[self.hunk_starts[line.hunk] : line.position + 1])


def _unquote(path: str) -> str:
    """Undo git's C-style quoting of unusual path names (``"a/caf\\303\\251"``)."""
    if len(path) >= 2 and path[0] == path[-1] == '"':
        return path[1:-1].encode("ascii").decode("unicode_escape").encode("latin-1").decode()
    return path


def _strip_prefix(path: str) -> str | None:
    path = _unquote(path.split("\t", 1)[0])
    if path == "/dev/null":
        return None
    return path[2:] if path[:2] in ("a/", "b/") else path


def _git_header_paths(rest: str) -> tuple[str, str]:
    """Paths of ``diff --git a/X b/Y``; when ambiguous, assume X == Y (no rename)."""
    half = (len(rest) - 1) // 2
    if len(rest) > 6 and rest[half] == " " and rest[2:half] == rest[half + 3 :]:
        return rest[2:half], rest[half + 3 :]
    match = re.match(r'^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$', rest)
    old, new = (match.group(1), match.group(2)) if match else ("a/" + rest, "b/" + rest)
    return _strip_prefix(old) or "", _strip_prefix(new) or ""


class _DiffParser:
    """Line-by-line state machine over ``git diff`` output."""

    def __init__(self) -> None:
        self.files: list[DiffFile] = []
        self.current: DiffFile | None = None
        self.old = self.new = self.old_left = self.new_left = 0

    def feed(self, raw: str) -> None:
        if self.old_left > 0 or self.new_left > 0:
            self._hunk_line(raw)
        elif raw.startswith("\\"):  # "\ No newline at end of file" after a hunk's last line
            self._file().patch.append(raw)
        elif raw.startswith("@@"):
            self._hunk_header(raw)
        else:
            self._header_line(raw)

    def _file(self) -> DiffFile:
        if self.current is None:
            raise ValueError("diff content before any file header")
        return self.current

    def _start_file(self, old: str | None, new: str | None) -> None:
        self.current = DiffFile(old_path=old, new_path=new)
        self.files.append(self.current)

    def _header_line(self, raw: str) -> None:
        if raw.startswith("diff --git "):
            self._start_file(*_git_header_paths(raw[len("diff --git ") :]))
            return
        if raw.startswith("--- ") and (self.current is None or self.current.patch):
            self._start_file(None, None)  # plain "diff -u" output without "diff --git"
        if self.current is not None:
            self._file_header(self.current, raw)

    @staticmethod
    def _file_header(f: DiffFile, raw: str) -> None:
        if raw.startswith("--- "):
            f.old_path = _strip_prefix(raw[4:])
        elif raw.startswith("+++ "):
            f.new_path = _strip_prefix(raw[4:])
        elif raw.startswith("new file mode"):
            f.old_path, f.status = None, "added"
        elif raw.startswith("deleted file mode"):
            f.new_path, f.status = None, "removed"
        elif raw.startswith(("rename from ", "copy from ")):
            f.old_path = _unquote(raw.split(" ", 2)[2])
            f.status = "renamed" if raw.startswith("rename") else "copied"
        elif raw.startswith(("rename to ", "copy to ")):
            f.new_path = _unquote(raw.split(" ", 2)[2])
        elif raw.startswith(("Binary files ", "GIT binary patch")):
            f.binary = True
        elif raw.startswith(("old mode", "new mode")):
            f.mode_changed = True

    def _hunk_header(self, raw: str) -> None:
        match = _HUNK_HEADER.match(raw)
        if match is None:
            raise ValueError(f"malformed hunk header: {raw!r}")
        f = self._file()
        f.hunk_starts.append(len(f.patch))
        f.patch.append(raw)
        self.old, self.new = int(match.group(1)), int(match.group(3))
        self.old_left = 1 if match.group(2) is None else int(match.group(2))
        self.new_left = 1 if match.group(4) is None else int(match.group(4))

    def _hunk_line(self, raw: str) -> None:
        f = self._file()
        kind = raw[:1] or " "  # some tools strip the space of empty context lines
        if kind == "\\":
            f.patch.append(raw)
            return
        if kind not in "+- ":
            raise ValueError(f"unexpected line inside hunk: {raw!r}")
        old = self.old if kind in "- " else None
        new = self.new if kind in "+ " else None
        f.lines.append(DiffLine(kind, old, new, len(f.patch), len(f.hunk_starts) - 1))
        f.patch.append(raw)
        if old is not None:
            self.old, self.old_left = self.old + 1, self.old_left - 1
        if new is not None:
            self.new, self.new_left = self.new + 1, self.new_left - 1


def parse_diff(text: str) -> list[DiffFile]:
    """Parse unified diff text (as ``git diff`` prints it) into files, hunks and lines."""
    parser = _DiffParser()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for raw in lines:
        parser.feed(raw)
    for f in parser.files:
        if f.status == "modified" and f.old_path is None:
            f.status = "added"
        elif f.status == "modified" and f.new_path is None:
            f.status = "removed"
        elif f.status == "modified" and f.mode_changed and not f.patch and not f.binary:
            f.status = "changed"
    return parser.files


@dataclass(frozen=True)
class Anchor:
    """Where a review comment lands: the diff file, its last line and optional first line."""

    file: DiffFile = field(repr=False)
    end: DiffLine
    side: str
    line: int
    start: DiffLine | None = None
    start_side: str | None = None
    start_line: int | None = None


def find_file(files: list[DiffFile], path: str) -> DiffFile | None:
    return next((f for f in files if f.filename == path), None)


def resolve_anchor(files: list[DiffFile], comment: dict[str, Any]) -> Anchor | str:
    """Check a review comment's location like GitHub does; an error string if it fails."""
    diff_file = find_file(files, comment.get("path", ""))
    if diff_file is None:
        return PATH_NOT_RESOLVED
    side = comment.get("side") or "RIGHT"
    if comment.get("line") is not None:
        end = diff_file.find(side, comment["line"])
    elif comment.get("position") is not None:
        end = diff_file.at_position(comment["position"])
        side = "LEFT" if end is not None and end.kind == "-" else "RIGHT"
    else:
        end = None
    if end is None:
        return LINE_NOT_RESOLVED
    line = end.old if side == "LEFT" else end.new
    assert line is not None
    if comment.get("start_line") is None:
        return Anchor(diff_file, end, side, line)
    start_side = comment.get("start_side") or side
    start = diff_file.find(start_side, comment["start_line"])
    if start is None or start.position >= end.position or start.hunk != end.hunk:
        return LINE_NOT_RESOLVED
    return Anchor(diff_file, end, side, line, start, start_side, comment["start_line"])
