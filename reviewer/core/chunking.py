"""Split the reviewed files into chunks that each fit one model request.

Every changed line lands in exactly one chunk. Small files are packed together, a
file's hunks stay together when they fit, and an oversized hunk is split at line
boundaries; a line is never cut. Token counts come from the function passed in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from reviewer.core.diff import DiffLine, FileDiff, FileStatus, Hunk, LineKind
from reviewer.core.filters import SkippedFile
from reviewer.core.git_paths import display_path
from reviewer.core.tokens import TokenCounter

# How the counts add up exactly. Every text is counted with the newline that ends it in a
# chunk, and the next text always starts with a line number, "@@" or "File:". tiktoken's
# pre-tokeniser never carries a token across such a boundary (its patterns stop at the
# newline or take it only as a trailing part), so a piece's count is the sum of its parts'
# counts, without encoding the piece again. Pieces are separated by a blank line; that
# newline follows a newline, where a token may span both, and is given its own token.
# Tests check the resulting bound on the real encodings.
NEWLINE_TOKENS = 1


@dataclass(frozen=True, slots=True)
class FilePiece:
    """Some hunks of one file (or one part of an oversized hunk), rendered together."""

    file: FileDiff
    hunks: tuple[Hunk, ...]
    text: str
    tokens: int


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int
    pieces: tuple[FilePiece, ...]
    tokens: int

    @property
    def text(self) -> str:
        """The chunk as the model reads it: its pieces, a blank line apart. Joined when a
        request is made, not kept: a large diff's chunks would hold it all twice."""
        return "\n".join(piece.text for piece in self.pieces)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(piece.file.path for piece in self.pieces))


def render_line(line: DiffLine) -> str:
    """`<number> <diff line>`: the new-file number, or the old-file one for a deleted line."""
    # Hot path (every line of the diff): no property or enum-descriptor access.
    number = line.old_no if line.kind is _DELETED else line.new_no
    return f"{number} {line.kind}{line.text}"


_DELETED = LineKind.DELETED
_CHANGED_KINDS = (LineKind.ADDED, LineKind.DELETED)


def render_file_header(file: FileDiff) -> str:
    """`File: <path> (<status>)`; a path with a newline or quote is shown C-quoted, so a
    file name can never add a line of its own to the prompt."""
    path = display_path(file.path)
    if file.status in (FileStatus.RENAMED, FileStatus.COPIED):
        old = display_path(file.old_path or "")
        return f"File: {path} ({file.status.value} from {old})"
    return f"File: {path} ({file.status.value})"


def render_hunk(hunk: Hunk) -> str:
    """A hunk's header and numbered lines, without a trailing newline. Where deleted lines
    were left out (`compress_deletions`), a line says how many."""
    rendered = [hunk.header]
    previous: DiffLine | None = None
    for line in hunk.lines:
        if (
            previous is not None
            and line.kind is _DELETED
            and previous.kind is _DELETED
            and line.old_no is not None
            and previous.old_no is not None
            and line.old_no > previous.old_no + 1
        ):
            hidden = line.old_no - previous.old_no - 1
            rendered.append(f"… {hidden} more deleted line{'' if hidden == 1 else 's'} …")
        rendered.append(render_line(line))
        previous = line
    return "\n".join(rendered)


# A hunk that only deletes this many lines or more is shown as its first and last deleted
# lines and their count: deletion-only hunks were 28% of the tokens of real diffs, and a
# deleted block is reviewed by what it was (its ends, its context), not line by line.
COMPRESS_DELETIONS_FROM = 4


def compress_deletions(file: FileDiff) -> FileDiff:
    """The file with each deletion-only hunk shown as its context, its first and last
    deleted lines and how many lie between (the header keeps the true ranges)."""
    hunks = []
    for hunk in file.hunks:
        deleted = [i for i, line in enumerate(hunk.lines) if line.kind is _DELETED]
        only_deletes = all(line.kind is not LineKind.ADDED for line in hunk.lines)
        if not only_deletes or len(deleted) < COMPRESS_DELETIONS_FROM:
            hunks.append(hunk)
            continue
        hidden = set(deleted[1:-1])
        kept = tuple(line for i, line in enumerate(hunk.lines) if i not in hidden)
        hunks.append(dataclasses.replace(hunk, lines=kept))
    return dataclasses.replace(file, hunks=tuple(hunks))


_TEST_DIRS = frozenset({"test", "tests", "spec", "specs", "__tests__"})


def review_priority(path: str) -> int:
    """Source first, then tests, then docs and configuration: what a reviewer reads first."""
    lowered = path.lower()
    *folders, name = lowered.split("/")
    if not _TEST_DIRS.isdisjoint(folders) or (
        name.startswith("test_") or "_test." in name or ".test." in name or ".spec." in name
    ):
        return 1
    if name.endswith((".md", ".rst", ".txt", ".adoc")) or folders[:1] == ["docs"]:
        return 2
    if name.endswith((".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".lock")):
        return 2
    return 0


def order_for_review(files: Sequence[FileDiff]) -> list[FileDiff]:
    return sorted(files, key=lambda file: (review_priority(file.path), file.path))


def build_chunks(
    files: Sequence[FileDiff],
    count_tokens: TokenCounter,
    budget: int,
) -> tuple[list[Chunk], list[SkippedFile]]:
    """Pack `files` into chunks of at most `budget` tokens each.

    Returns the chunks and what could not be chunked (a single line over budget).
    """
    pieces: list[FilePiece] = []
    skipped: list[SkippedFile] = []
    for file in order_for_review(files):
        for piece in _file_pieces(file, count_tokens, budget):
            if piece.tokens > budget:
                reason = f"a line longer than the chunk budget ({budget} tokens)"
                skipped.append(SkippedFile(file.path, reason, unreviewed=True))
            else:
                pieces.append(piece)
    return _pack(pieces, budget), skipped


def _cost(text: str, count_tokens: TokenCounter) -> int:
    """Tokens of `text` with the newline that follows it in a piece."""
    return count_tokens(text + "\n")


@dataclass(frozen=True, slots=True)
class _Rendered:
    """A hunk rendered and counted once."""

    hunk: Hunk
    text: str
    cost: int


def _render(hunk: Hunk, count_tokens: TokenCounter) -> _Rendered:
    text = render_hunk(hunk)
    return _Rendered(hunk, text, _cost(text, count_tokens))


def _piece(file: FileDiff, header: str, header_cost: int, parts: Sequence[_Rendered]) -> FilePiece:
    text = "\n".join([header, *(part.text for part in parts)]) + "\n"
    tokens = header_cost + sum(part.cost for part in parts)
    return FilePiece(file, tuple(part.hunk for part in parts), text, tokens)


def _file_pieces(file: FileDiff, count_tokens: TokenCounter, budget: int) -> Iterator[FilePiece]:
    header = render_file_header(file)
    header_cost = _cost(header, count_tokens)
    parts = [_render(hunk, count_tokens) for hunk in file.hunks]
    # Hunks in order, as many to a piece as fit (a file that fits is one piece); a hunk too
    # big for a piece of its own is cut into several.
    group: list[_Rendered] = []
    used = header_cost
    for part in parts:
        if header_cost + part.cost > budget:
            if group:
                yield _piece(file, header, header_cost, group)
                group, used = [], header_cost
            for sub in _split_hunk(part.hunk, count_tokens, budget - header_cost):
                yield _piece(file, header, header_cost, [sub])
        elif used + part.cost <= budget:
            group.append(part)
            used += part.cost
        else:
            yield _piece(file, header, header_cost, group)
            group, used = [part], header_cost + part.cost
    if group:
        yield _piece(file, header, header_cost, group)


def _split_hunk(hunk: Hunk, count_tokens: TokenCounter, room: int) -> Iterator[_Rendered]:
    """Cut an oversized hunk at line boundaries into parts that each fit in `room`.

    Each part after the first opens with the previous part's last lines as context only,
    so the model sees where it is while every changed line still appears once."""
    # A part's own @@ header is at most as long as the whole hunk's, give or take digits.
    overhead = _cost(hunk.header, count_tokens) + 2
    lines: list[DiffLine] = []
    costs: list[int] = []
    for line in hunk.lines:
        cost = _cost(render_line(line), count_tokens)
        # A part is cut before a line that does not fit, unless the part is still empty (a
        # line over the room goes alone, and the caller skips it as too long).
        if lines and overhead + sum(costs) + cost > room:
            yield _render(_sub_hunk(hunk, lines), count_tokens)
            lines, costs = _carry(lines, costs)
            if overhead + sum(costs) + cost > room:
                lines, costs = [], []  # no room for context: the line goes alone
        lines.append(line)
        costs.append(cost)
    if lines:
        yield _render(_sub_hunk(hunk, lines), count_tokens)


OVERLAP_LINES = 3


def _carry(lines: list[DiffLine], costs: list[int]) -> tuple[list[DiffLine], list[int]]:
    """The last lines of a part, as context for the next (deleted lines have no place)."""
    kept = [
        (line if line.kind is LineKind.SURROUNDING else line._replace(kind=LineKind.CONTEXT), cost)
        for line, cost in zip(lines[-OVERLAP_LINES:], costs[-OVERLAP_LINES:], strict=True)
        if line.kind is not LineKind.DELETED
    ]
    return [line for line, _ in kept], [cost for _, cost in kept]


def _sub_hunk(hunk: Hunk, lines: Sequence[DiffLine]) -> Hunk:
    return hunk.subset(lines)


def _pack(pieces: Sequence[FilePiece], budget: int) -> list[Chunk]:
    """Greedy packing in review order: files stay in sequence, chunks fill up to budget."""
    groups: list[list[FilePiece]] = []
    used = 0
    for piece in pieces:
        cost = piece.tokens + NEWLINE_TOKENS  # the blank line between pieces
        if groups and used + cost <= budget:
            groups[-1].append(piece)
            used += cost
        else:
            groups.append([piece])
            used = piece.tokens
    return [_chunk_of(index, group) for index, group in enumerate(groups)]


def split_chunk(chunk: Chunk, count_tokens: TokenCounter) -> tuple[Chunk, Chunk] | None:
    """Halve a chunk whose answer did not fit the model's output limit.

    By pieces when it has several, else by hunks, else by lines; None when it is a
    single line and cannot be cut, or shows no change."""
    pieces = list(chunk.pieces)
    if len(pieces) == 1:
        halves = _split_piece(pieces[0], count_tokens)
        if halves is None:
            return None
        pieces = list(halves)
    middle = len(pieces) // 2
    first, second = pieces[:middle], pieces[middle:]
    return _chunk_of(chunk.index, first), _chunk_of(chunk.index, second)


def _split_piece(piece: FilePiece, count_tokens: TokenCounter) -> tuple[FilePiece, ...] | None:
    file = piece.file
    header = render_file_header(file)
    header_cost = _cost(header, count_tokens)
    hunks = list(piece.hunks)
    if len(hunks) == 1:
        lines = hunks[0].lines
        fresh = [i for i, line in enumerate(lines) if line.kind in _CHANGED_KINDS]
        if len(lines) < 2 or not fresh:
            return None
        # At the middle, moved where needed so that each half keeps a changed line (a half of
        # context alone would cost a request and review nothing), unless there is only one.
        middle = len(lines) // 2
        if len(fresh) > 1:
            middle = min(max(middle, fresh[0] + 1), fresh[-1])
        hunks = [_sub_hunk(hunks[0], lines[:middle]), _sub_hunk(hunks[0], lines[middle:])]
    middle = len(hunks) // 2
    return tuple(
        _piece(file, header, header_cost, [_render(h, count_tokens) for h in group])
        for group in (hunks[:middle], hunks[middle:])
    )


def _chunk_of(index: int, pieces: Sequence[FilePiece]) -> Chunk:
    return Chunk(
        index,
        tuple(pieces),
        sum(piece.tokens for piece in pieces) + NEWLINE_TOKENS * (len(pieces) - 1),
    )
