"""Halving a chunk whose answer did not fit the model's output limit: by pieces, else by
hunks, else by lines; never losing or repeating a changed line; None when it cannot."""

import re

import pytest

from reviewer.core.chunking import Chunk, FilePiece, build_chunks, split_chunk
from reviewer.core.diff import DiffLine, FileDiff, FileStatus, Hunk, LineKind


def words(text: str) -> int:
    return len(text.split()) + text.count("\n")


def hunk(start: int, kinds: str, label: str) -> Hunk:
    old = new = start
    lines = []
    for i, kind in enumerate(kinds):
        line_kind = LineKind(kind)
        lines.append(
            DiffLine(
                line_kind,
                f"{label}{i} = {i}",
                None if line_kind is LineKind.ADDED else old,
                None if line_kind is LineKind.DELETED else new,
            )
        )
        old += line_kind is not LineKind.ADDED
        new += line_kind is not LineKind.DELETED
    return Hunk(start, old - start, start, new - start, "", tuple(lines))


def one_chunk(*files: FileDiff, index: int = 7) -> Chunk:
    """All of `files` in one chunk, numbered `index` (as the engine's chunks are)."""
    (chunk,), _ = build_chunks(list(files), words, budget=10_000)
    return Chunk(index, chunk.pieces, chunk.tokens)


def file_of(path: str, *hunks: Hunk) -> FileDiff:
    return FileDiff(path, None, FileStatus.MODIFIED, False, hunks)


def changes(chunk: Chunk) -> list[str]:
    """Every added or deleted line the chunk shows, in order."""
    return re.findall(r"^\d+ [+-].*$", chunk.text, re.M)


def check_halves(chunk: Chunk, halves: tuple[Chunk, Chunk] | None) -> tuple[Chunk, Chunk]:
    """What every split promises: two chunks, numbered as the original, each with a
    changed line and counted right, showing together each changed line once, in order."""
    assert halves is not None
    first, second = halves
    assert first.index == second.index == chunk.index
    for half in halves:
        assert changes(half)
        assert half.tokens == words(half.text)
        for piece in half.pieces:
            assert piece.tokens == words(piece.text)
    assert changes(first) + changes(second) == changes(chunk)
    return first, second


@pytest.mark.parametrize(("count", "in_first"), [(2, 1), (3, 1), (4, 2), (5, 2)])
def test_a_chunk_of_several_pieces_is_halved_by_pieces(count: int, in_first: int) -> None:
    files = [file_of(f"src/f{i}.py", hunk(1, "+ -", f"f{i}_")) for i in range(count)]
    chunk = one_chunk(*files)
    first, second = check_halves(chunk, split_chunk(chunk, words))
    assert first.pieces == chunk.pieces[:in_first]
    assert second.pieces == chunk.pieces[in_first:]


@pytest.mark.parametrize(("count", "in_first"), [(2, 1), (4, 2), (5, 2)])
def test_a_single_piece_is_halved_by_hunks(count: int, in_first: int) -> None:
    hunks = [hunk(20 * n + 1, "+-", f"h{n}_") for n in range(count)]
    file = file_of("src/a.py", *hunks)
    chunk = one_chunk(file)
    first, second = check_halves(chunk, split_chunk(chunk, words))
    ((piece_1,), (piece_2,)) = first.pieces, second.pieces
    assert (piece_1.file, piece_2.file) == (file, file)
    assert piece_1.hunks == tuple(hunks[:in_first])
    assert piece_2.hunks == tuple(hunks[in_first:])
    assert all(piece.text.startswith("File: src/a.py (modified)\n") for piece in (piece_1, piece_2))


@pytest.mark.parametrize(
    ("kinds", "in_first"),
    [
        ("++", 1),
        ("+-+", 1),
        ("++++", 2),
        ("+ + +", 2),
        # Off the middle, so that each half keeps a changed line.
        ("  ++", 3),
        ("++  ", 1),
        (" +  +  ", 3),
    ],
)
def test_a_single_hunk_is_halved_by_lines(kinds: str, in_first: int) -> None:
    file = file_of("src/b.py", hunk(10, kinds, "l"))
    chunk = one_chunk(file)
    first, second = check_halves(chunk, split_chunk(chunk, words))
    lines = file.hunks[0].lines
    ((part_1,),), ((part_2,),) = [p.hunks for p in first.pieces], [p.hunks for p in second.pieces]
    assert part_1.lines == lines[:in_first] and part_2.lines == lines[in_first:]
    # Each part's header counts its own lines, so GitHub's numbering stays true.
    assert part_1 == file.hunks[0].subset(lines[:in_first])
    assert part_2 == file.hunks[0].subset(lines[in_first:])


@pytest.mark.parametrize(("kinds", "in_first"), [("  +", 1), ("+   ", 2), ("+ ", 1)])
def test_a_hunk_with_one_change_is_halved_at_the_middle(kinds: str, in_first: int) -> None:
    """One changed line: the half without it holds context alone (the other half is
    shorter, which is what a truncated answer asks for)."""
    file = file_of("src/c.py", hunk(10, kinds, "c"))
    chunk = one_chunk(file)
    halves = split_chunk(chunk, words)
    assert halves is not None
    lines = file.hunks[0].lines
    assert [half.pieces[0].hunks[0].lines for half in halves] == [
        lines[:in_first],
        lines[in_first:],
    ]
    assert changes(halves[0]) + changes(halves[1]) == changes(chunk)


@pytest.mark.parametrize(
    "kinds",
    [
        "+",  # a single line cannot be cut
        "-",
        "  ",  # nothing changed to review: there is nothing to halve for
    ],
)
def test_what_cannot_be_halved_is_none(kinds: str) -> None:
    chunk = one_chunk(file_of("src/d.py", hunk(10, kinds, "d")))
    assert split_chunk(chunk, words) is None


def test_halving_again_and_again_ends_with_single_lines() -> None:
    """The engine halves until the answer fits: every changed line survives the process."""
    files = [
        file_of("src/e.py", hunk(1, "+-+ ", "e"), hunk(40, "++", "e2_")),
        file_of("src/f.py", hunk(5, "-+", "f")),
    ]
    pending, done = [one_chunk(*files)], []
    while pending:
        chunk = pending.pop()
        halves = split_chunk(chunk, words)
        if halves is None:
            done.append(chunk)
        elif len(changes(chunk)) > 1:
            pending.extend(check_halves(chunk, halves))
        else:
            pending.extend(halves)
    shown = sorted(line for chunk in done for line in changes(chunk))
    assert shown == sorted(changes(one_chunk(*files)))
    assert all(len(changes(chunk)) <= 1 for chunk in done)
    assert all(len(chunk.pieces[0].hunks[0].lines) == 1 for chunk in done if changes(chunk))


def test_a_piece_built_by_hand_is_halved_the_same_way() -> None:
    """split_chunk reads a chunk's pieces, not how they were made."""
    file = file_of("src/g.py", hunk(1, "++", "g"))
    (chunk,), _ = build_chunks([file], words, budget=1000)
    (piece,) = chunk.pieces
    again = Chunk(3, (FilePiece(file, piece.hunks, piece.text, piece.tokens),), chunk.tokens)
    check_halves(again, split_chunk(again, words))
