"""Split the reviewed files into chunks that each fit one model request.

Every changed line lands in exactly one chunk. Small files are packed together, a
file's hunks stay together when they fit, and an oversized hunk is split at line
boundaries; a line is never cut. Token counts come from the function passed in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from reviewer.diff import DiffLine, FileDiff, FileStatus, Hunk
from reviewer.filters import SkippedFile
from reviewer.tokens import TokenCounter

# Tokens counted for the blank line that joins two pieces in one chunk.
SEPARATOR_TOKENS = 1


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
    text: str
    tokens: int

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(piece.file.path for piece in self.pieces))


def render_line(line: DiffLine) -> str:
    """`<number> <diff line>`: the new-file number, or the old-file one for a deleted line."""
    return f"{line.number} {line.kind.value}{line.text}"


def render_file_header(file: FileDiff) -> str:
    if file.status is FileStatus.RENAMED:
        return f"File: {file.path} (renamed from {file.old_path})"
    return f"File: {file.path} ({file.status.value})"


def render_piece(file: FileDiff, hunks: Sequence[Hunk]) -> str:
    parts = [render_file_header(file)]
    for hunk in hunks:
        parts.append(hunk.header)
        parts.extend(render_line(line) for line in hunk.lines)
    return "\n".join(parts) + "\n"


def review_priority(path: str) -> int:
    """Source first, then tests, then docs and configuration: what a reviewer reads first."""
    lowered = path.lower()
    name = lowered.rsplit("/", 1)[-1]
    if any(part in lowered for part in ("test/", "tests/", "spec/", "__tests__/")) or (
        name.startswith("test_") or "_test." in name or ".test." in name or ".spec." in name
    ):
        return 1
    if name.endswith((".md", ".rst", ".txt", ".adoc")) or lowered.startswith("docs/"):
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
                skipped.append(
                    SkippedFile(file.path, f"a line longer than the chunk budget ({budget} tokens)")
                )
            else:
                pieces.append(piece)
    return _pack(pieces, count_tokens, budget), skipped


def _make_piece(file: FileDiff, hunks: Sequence[Hunk], count_tokens: TokenCounter) -> FilePiece:
    text = render_piece(file, hunks)
    return FilePiece(file, tuple(hunks), text, count_tokens(text))


def _file_pieces(file: FileDiff, count_tokens: TokenCounter, budget: int) -> Iterator[FilePiece]:
    whole = _make_piece(file, file.hunks, count_tokens)
    if whole.tokens <= budget:
        yield whole
        return
    group: list[Hunk] = []
    for hunk in file.hunks:
        single = _make_piece(file, [hunk], count_tokens)
        if single.tokens > budget:
            if group:
                yield _make_piece(file, group, count_tokens)
                group = []
            yield from _split_hunk(file, hunk, count_tokens, budget)
            continue
        candidate = _make_piece(file, [*group, hunk], count_tokens)
        if candidate.tokens <= budget:
            group.append(hunk)
        else:
            yield _make_piece(file, group, count_tokens)
            group = [hunk]
    if group:
        yield _make_piece(file, group, count_tokens)


def _split_hunk(
    file: FileDiff, hunk: Hunk, count_tokens: TokenCounter, budget: int
) -> Iterator[FilePiece]:
    """Cut an oversized hunk at line boundaries into parts that each fit."""
    overhead = count_tokens(render_file_header(file) + "\n" + hunk.header + "\n")
    lines: list[DiffLine] = []
    used = overhead
    for line in hunk.lines:
        cost = count_tokens(render_line(line) + "\n")
        if lines and used + cost > budget:
            yield _make_piece(file, [_sub_hunk(hunk, lines)], count_tokens)
            lines, used = [], overhead
        lines.append(line)
        used += cost
    if lines:
        yield _make_piece(file, [_sub_hunk(hunk, lines)], count_tokens)


def _sub_hunk(hunk: Hunk, lines: Sequence[DiffLine]) -> Hunk:
    old_numbers = [line.old_no for line in lines if line.old_no is not None]
    new_numbers = [line.new_no for line in lines if line.new_no is not None]
    return Hunk(
        old_start=old_numbers[0] if old_numbers else hunk.old_start,
        old_len=len(old_numbers),
        new_start=new_numbers[0] if new_numbers else hunk.new_start,
        new_len=len(new_numbers),
        section=hunk.section,
        lines=tuple(lines),
    )


def _pack(pieces: Sequence[FilePiece], count_tokens: TokenCounter, budget: int) -> list[Chunk]:
    """Greedy packing in review order; each chunk's real token count is checked at the end."""
    groups: list[list[FilePiece]] = []
    used = 0
    for piece in pieces:
        cost = piece.tokens + SEPARATOR_TOKENS
        if groups and used + cost <= budget:
            groups[-1].append(piece)
            used += cost
        else:
            groups.append([piece])
            used = cost
    chunks: list[Chunk] = []
    for group in groups:
        chunks.extend(_seal(group, count_tokens, budget, start=len(chunks)))
    return chunks


def _seal(
    group: list[FilePiece], count_tokens: TokenCounter, budget: int, *, start: int
) -> list[Chunk]:
    text = "\n".join(piece.text for piece in group)
    tokens = count_tokens(text)
    if tokens <= budget or len(group) == 1:
        return [Chunk(start, tuple(group), text, tokens)]
    # Tokenisation across piece boundaries may add a token or two: halve and retry.
    middle = len(group) // 2
    first = _seal(group[:middle], count_tokens, budget, start=start)
    return first + _seal(group[middle:], count_tokens, budget, start=start + len(first))
