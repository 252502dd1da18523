"""Chunking at its edges: exactly at the budget, a file's hunks grouped, an oversized hunk
cut, deleted blocks shortened, files put in review order. Costs here are computed with the
module's own renderers and a word counter, so each budget is exact."""

import re

import pytest

from reviewer.core.chunking import (
    build_chunks,
    compress_deletions,
    render_file_header,
    render_hunk,
    review_priority,
)
from reviewer.core.diff import DiffLine, FileDiff, FileStatus, Hunk, LineKind


def words(text: str) -> int:
    """A token counter for tests: whitespace-separated words plus one per line."""
    return len(text.split()) + text.count("\n")


def cost(text: str) -> int:
    """What a text costs in a piece: with the newline that ends it."""
    return words(text + "\n")


def hunk(start: int, kinds: str, label: str = "h") -> Hunk:
    """A hunk at old and new line `start` from line kinds (" +-|"); each line's text is
    unique (`label` and its index) so it can be found in a chunk's text."""
    old = new = start
    lines = []
    for i, kind in enumerate(kinds):
        text = f"{label}{i} = {i}"
        line_kind = LineKind(kind)
        lines.append(
            DiffLine(
                line_kind,
                text,
                None if line_kind is LineKind.ADDED else old,
                None if line_kind is LineKind.DELETED else new,
            )
        )
        old += line_kind is not LineKind.ADDED
        new += line_kind is not LineKind.DELETED
    return Hunk(start, old - start, start, new - start, "", tuple(lines))


def file_of(path: str, *hunks: Hunk) -> FileDiff:
    return FileDiff(path, None, FileStatus.MODIFIED, False, hunks)


def header_cost(file: FileDiff) -> int:
    return cost(render_file_header(file))


def changed(files: list[FileDiff]) -> list[str]:
    return sorted(
        line.text for f in files for h in f.hunks for line in h.lines if line.kind in "+-"
    )


def shown_changes(chunks: list) -> list[str]:  # type: ignore[type-arg]
    """The text of every added or deleted line the chunks show, as often as shown."""
    return sorted(
        match[1] for chunk in chunks for match in re.finditer(r"^\d+ [+-](.*)$", chunk.text, re.M)
    )


def test_a_file_exactly_at_the_budget_is_reviewed_whole() -> None:
    file = file_of("src/a.py", hunk(1, " ++- "), hunk(20, "+"))
    budget = header_cost(file) + sum(cost(render_hunk(h)) for h in file.hunks)
    chunks, skipped = build_chunks([file], words, budget)
    assert skipped == []
    ((piece,),) = [chunk.pieces for chunk in chunks]
    assert piece.hunks == file.hunks
    assert piece.tokens == budget == words(piece.text)


def test_files_exactly_filling_a_chunk_share_it() -> None:
    """Two pieces and the blank line between them, exactly the budget: one chunk."""
    first, second = file_of("src/a.py", hunk(1, "++")), file_of("src/b.py", hunk(1, "+-"))
    sizes = [header_cost(f) + cost(render_hunk(f.hunks[0])) for f in (first, second)]
    budget = sum(sizes) + 1
    (chunk,), skipped = build_chunks([first, second], words, budget)
    assert skipped == []
    assert chunk.paths == ("src/a.py", "src/b.py")
    assert chunk.tokens == budget == words(chunk.text)


def test_a_line_over_the_budget_is_reported_unreviewed() -> None:
    huge = Hunk(1, 0, 1, 1, "", (DiffLine(LineKind.ADDED, "x " * 300, None, 1),))
    chunks, skipped = build_chunks([file_of("min.js", huge)], words, budget=100)
    assert chunks == []
    (skip,) = skipped
    assert (skip.path, skip.unreviewed) == ("min.js", True)
    assert skip.reason == "a line longer than the chunk budget (100 tokens)"


FIVE_HUNKS = [hunk(10 * n + 1, "+ +", f"h{n}_") for n in range(5)]


def test_a_files_hunks_are_grouped_as_many_as_fit() -> None:
    """Five hunks of one size, room for two beside the header: pieces of two, two and one.
    Each piece fits, every changed line is shown exactly once."""
    file = file_of("src/big.py", *FIVE_HUNKS)
    budget = header_cost(file) + 2 * cost(render_hunk(FIVE_HUNKS[0]))
    chunks, skipped = build_chunks([file], words, budget)
    assert skipped == []
    pieces = [piece for chunk in chunks for piece in chunk.pieces]
    assert [piece.hunks for piece in pieces] == [
        tuple(FIVE_HUNKS[0:2]),
        tuple(FIVE_HUNKS[2:4]),
        tuple(FIVE_HUNKS[4:5]),
    ]
    assert all(piece.tokens <= budget and piece.file is file for piece in pieces)
    assert shown_changes(chunks) == changed([file])


def test_a_hunk_exactly_filling_the_room_is_not_cut() -> None:
    small, big = hunk(1, "+", "small_"), hunk(50, "+-+ +-", "big_")
    file = file_of("src/c.py", small, big, hunk(90, "+", "last_"))
    budget = header_cost(file) + cost(render_hunk(big))
    chunks, skipped = build_chunks([file], words, budget)
    assert skipped == []
    pieces = [piece for chunk in chunks for piece in chunk.pieces]
    assert [piece.hunks for piece in pieces] == [(small,), (big,), (file.hunks[2],)]
    assert shown_changes(chunks) == changed([file])


def test_a_hunk_too_big_for_one_piece_is_cut_between_its_neighbours() -> None:
    small, big = hunk(1, "++", "small_"), hunk(50, "+" * 40, "big_")
    file = file_of("src/d.py", small, big, hunk(200, "-", "last_"))
    budget = header_cost(file) + cost(render_hunk(small)) + 20
    chunks, skipped = build_chunks([file], words, budget)
    assert skipped == []
    pieces = [piece for chunk in chunks for piece in chunk.pieces]
    assert pieces[0].hunks == (small,) and pieces[-1].hunks == (file.hunks[2],)
    assert len(pieces) > 3  # the big hunk in several parts
    assert all(piece.file is file and piece.tokens <= budget for piece in pieces)
    assert all(chunk.paths == ("src/d.py",) for chunk in chunks)
    assert shown_changes(chunks) == sorted(changed([file]))


def test_the_parts_of_a_cut_hunk_fit_whatever_the_budget() -> None:
    """Every budget from a few lines' worth up: no part over it, nothing skipped, every
    changed line shown once."""
    file = file_of("src/long.py", hunk(95, "++-+ ++--+ " * 4, "long_"))
    for budget in range(30, 90):
        chunks, skipped = build_chunks([file], words, budget)
        assert skipped == [], budget
        assert all(words(chunk.text) == chunk.tokens <= budget for chunk in chunks), budget
        assert shown_changes(chunks) == changed([file]), budget


def test_a_line_that_fits_only_without_context_goes_alone() -> None:
    """After a cut the next part opens with the previous lines as context; when they and
    the next line do not fit together, the line goes without them, and still fits."""
    lines = [DiffLine(LineKind.ADDED, f"short{i} = {i}", None, i + 1) for i in range(12)]
    long_text = "long = " + " ".join(f"w{i}" for i in range(30))
    lines.append(DiffLine(LineKind.ADDED, long_text, None, 13))
    file = file_of("src/e.py", Hunk(1, 0, 1, 13, "", tuple(lines)))
    # Room for the long line and a little more, not for three lines of context besides.
    budget = header_cost(file) + cost("@@ -1,0 +1,13 @@") + cost(f"13 +{long_text}") + 6
    chunks, skipped = build_chunks([file], words, budget)
    assert skipped == []
    assert all(chunk.tokens <= budget for chunk in chunks)
    assert shown_changes(chunks) == changed([file])
    assert chunks[-1].text.splitlines()[2:] == [f"13 +{long_text}"]


def test_carried_context_keeps_surrounding_lines_marked() -> None:
    """Surrounding lines (not part of the diff, never commentable) stay marked `|` when
    they open the next part; added lines carried over are shown as context."""
    kinds = "+|" * 20
    original = {line.text: line.kind for line in hunk(1, kinds).lines}
    file = file_of("src/f.py", hunk(1, kinds))
    chunks, skipped = build_chunks([file], words, budget=60)
    assert skipped == [] and len(chunks) > 2
    for chunk in chunks[1:]:
        carried = [
            (marker, text)
            for marker, text in re.findall(r"^\d+ ([+ |-])(.*)$", chunk.text, re.M)[:3]
        ]
        for marker, text in carried:
            kind = original[text]
            assert marker == ("|" if kind is LineKind.SURROUNDING else " ")
        assert any(marker == "|" for marker, _ in carried)


# Deleted blocks.


def test_a_deletion_only_hunk_of_four_lines_is_shortened() -> None:
    file = compress_deletions(file_of("src/g.py", hunk(5, " ---- ")))
    text = render_hunk(file.hunks[0])
    assert "… 2 more deleted lines …" in text
    assert "h1 = 1" in text and "h4 = 4" in text
    assert "h2 = 2" not in text and "h3 = 3" not in text


def test_a_hunk_that_also_adds_is_shown_whole() -> None:
    original = file_of("src/h.py", hunk(5, " -----+ "))
    assert compress_deletions(original) == original


def test_every_hunk_of_a_file_is_shortened_or_kept() -> None:
    mixed, deletions, short = hunk(1, "-+"), hunk(10, "-----"), hunk(30, "--")
    file = compress_deletions(file_of("src/i.py", mixed, deletions, short))
    assert file.hunks[0] == mixed and file.hunks[2] == short
    assert [line.text for line in file.hunks[1].lines] == ["h0 = 0", "h4 = 4"]
    assert file.hunks[1].header == deletions.header  # the true ranges


def test_one_deleted_line_left_out_is_counted_in_the_singular() -> None:
    full = hunk(1, "---")
    shown = Hunk(1, 3, 1, 0, "", (full.lines[0], full.lines[2]))
    assert render_hunk(shown).splitlines()[1:] == [
        "1 -h0 = 0",
        "… 1 more deleted line …",
        "3 -h2 = 2",
    ]


# Review order.


@pytest.mark.parametrize(
    ("path", "priority"),
    [
        ("src/app.py", 0),
        ("test_app.py", 1),
        ("web/app.test.js", 1),
        ("Web/App.Test.JS", 1),
        ("README.rst", 2),
        ("guide.adoc", 2),
        ("notes.txt", 2),
        ("docs/api/index.py", 2),
        ("package.json", 2),
        ("deploy.yaml", 2),
        ("pyproject.toml", 2),
        ("tox.ini", 2),
        ("setup.cfg", 2),
        ("poetry.lock", 2),
        ("lib/docs.py", 0),
    ],
)
def test_review_priority_by_name_and_folder(path: str, priority: int) -> None:
    assert review_priority(path) == priority
