"""The rules anchoring follows, each at its edge: sides, ranges, which quote match wins,
how near is near, and what goes to the summary with which note."""

from typing import Any

import pytest

from reviewer.core.anchoring import (
    AMBIGUITY_RADIUS,
    FUZZY_WINDOW,
    Placement,
    anchor_finding,
    anchor_findings,
    chunk_index,
    resolve_path,
)
from reviewer.core.chunking import Chunk, build_chunks
from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import Side, parse_diff
from reviewer.core.findings import Finding
from reviewer.core.fingerprint import fingerprint

DIFF = """\
diff --git a/src/app.py b/src/app.py
--- a/src/app.py
+++ b/src/app.py
@@ -10,5 +10,6 @@ def handler(request):
     user = request.user
-    query = build(user)
+    query = "SELECT * FROM t WHERE id = " + request.args["id"]
+    rows = db.execute(query)
     log.info("ok")
     return rows
     # end
@@ -40,2 +41,3 @@ def other():
     a = 1
+    b = eval(data)
     c = 3
"""
QUERY = '    query = "SELECT * FROM t WHERE id = " + request.args["id"]'


def index_of(diff: str) -> CommentableIndex:
    return CommentableIndex.build(parse_diff(diff))


def make(**overrides: Any) -> Finding:
    data: dict[str, Any] = {
        "path": "src/app.py",
        "line": 11,
        "start_line": None,
        "side": None,
        "severity": "critical",
        "category": "security",
        "title": "SQL injection",
        "body": "Use parameters.",
        "quote": QUERY,
        "suggestion": None,
    }
    data.update(overrides)
    return Finding.model_validate(data)


def anchor(diff: str = DIFF, **overrides: Any) -> Any:
    return anchor_finding(make(**overrides), index_of(diff))


def added_lines(texts: list[str], path: str = "src/long.py") -> str:
    """A diff adding these lines to an empty file (numbered from 1)."""
    body = "".join(f"+{text}\n" for text in texts)
    return (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -0,0 +1,{len(texts)} @@\n{body}"
    )


# Where the finding goes, and what it says.


def test_a_correct_citation_carries_no_note() -> None:
    assert anchor().note == ""


def test_a_moved_finding_says_where_it_came_from() -> None:
    moved = anchor(line=14)
    assert (moved.line, moved.note) == (
        11,
        "moved from line 14 to the line holding the quoted code",
    )


def test_a_cited_line_holding_the_quote_loosely_is_not_a_move() -> None:
    kept = anchor(line=12, quote="rows = db.execute(qury)")
    assert (kept.placement, kept.line, kept.note) == (Placement.INLINE, 12, "")


def test_a_finding_on_a_file_outside_the_diff_keeps_its_quote() -> None:
    outside = anchor(path="docs/other.md", quote="first line\nsecond line\n")
    assert outside.placement is Placement.OUTSIDE
    assert outside.note == "file not in the diff"
    assert outside.code_lines == ("first line", "second line")
    # Its identity is the quote's last line, as for a finding placed inline.
    assert outside.fingerprint == fingerprint("docs/other.md", "second line")


def test_a_finding_off_the_hunks_keeps_its_quote_side_and_a_note() -> None:
    off = anchor(line=200, quote="not in the diff\nat all")
    assert (off.placement, off.line, off.side) == (Placement.FILE, None, Side.RIGHT)
    assert off.note == "line 200 is not in the diff"
    assert off.code_lines == ("not in the diff", "at all")
    assert off.fingerprint == fingerprint("src/app.py", "at all")


def test_a_multi_line_quote_starting_on_the_cited_line_stays_there() -> None:
    """The cited line holds one of the quoted lines: the citation is believed."""
    kept = anchor(line=11, quote=QUERY + "\n    rows = db.execute(query)")
    assert (kept.placement, kept.line, kept.note) == (Placement.INLINE, 11, "")


MOVED_LINE = """\
diff --git a/src/price.py b/src/price.py
--- a/src/price.py
+++ b/src/price.py
@@ -1,3 +1,3 @@
 def f():
-    total = price - discount
     log(price)
+    total = price - discount
"""


def test_a_deleted_side_citation_found_on_the_deleted_side_stays_there() -> None:
    """The quoted code was deleted at old line 2 and added at new line 3: the model said
    LEFT, and the LEFT has it, so the finding is about the deletion."""
    left = anchor(
        MOVED_LINE, path="src/price.py", line=3, side="LEFT", quote="total = price - discount"
    )
    assert (left.placement, left.line, left.side) == (Placement.INLINE, 2, Side.LEFT)


def test_a_deleted_side_citation_found_nowhere_keeps_its_side() -> None:
    lost = anchor(MOVED_LINE, path="src/price.py", line=3, side="LEFT", quote="x = y + 1")
    assert (lost.placement, lost.side) == (Placement.FILE, Side.LEFT)
    assert lost.note == "line 3 does not hold the quoted code"


# Ranges: only what GitHub accepts (one side, one hunk, start before end).


def test_a_range_of_one_line_is_sent_as_a_single_line() -> None:
    """`start_line == line` is refused by GitHub with 422: it is no range."""
    single = anchor(start_line=11, line=11)
    assert (single.start_line, single.line) == (None, 11)
    assert single.code_lines == (QUERY,)


DELETED_TAIL = """\
diff --git a/src/tail.py b/src/tail.py
--- a/src/tail.py
+++ b/src/tail.py
@@ -1,4 +1,1 @@
 keep = 1
-first = 2
-second = 3
-third = 4
"""


def test_a_moved_finding_takes_its_range_along() -> None:
    """Cited as lines 12-13, quoting line 12's code: the range ends there, and starts one
    line before, as the model's did."""
    moved = anchor(start_line=12, line=13, quote="    rows = db.execute(query)")
    assert (moved.placement, moved.start_line, moved.line) == (Placement.INLINE, 11, 12)
    assert moved.code_lines == (QUERY, "    rows = db.execute(query)")


def test_a_range_of_deleted_lines_is_read_on_the_deleted_side() -> None:
    """Old lines 3 and 4 exist only on the LEFT (the new file has one line)."""
    ranged = anchor(
        DELETED_TAIL, path="src/tail.py", start_line=3, line=4, side="LEFT", quote="third = 4"
    )
    assert (ranged.start_line, ranged.line, ranged.side) == (3, 4, Side.LEFT)
    assert ranged.code_lines == ("second = 3", "third = 4")


def test_a_paraphrased_quote_stays_on_the_cited_line_with_its_range() -> None:
    """The quote is on no line, not even loosely, but it names what line 12 holds (rows,
    execute, query): the citation stands, range included."""
    paraphrase = "rows = execute(query, params)"
    kept = anchor(start_line=11, line=12, quote=paraphrase)
    assert (kept.placement, kept.start_line, kept.line, kept.note) == (
        Placement.INLINE,
        11,
        12,
        "",
    )
    assert kept.code_lines == (QUERY, "    rows = db.execute(query)")


@pytest.mark.parametrize(
    "quote",
    [
        "a = b + 1",  # no names at all: nothing supports the citation
        "cursor.fetchall(rows)",  # one name of three on the line: not most of them
    ],
)
def test_a_paraphrase_without_most_of_its_names_on_the_line_is_not_placed(quote: str) -> None:
    unplaced = anchor(line=12, quote=quote)
    assert unplaced.placement is Placement.FILE
    assert unplaced.note == "line 12 does not hold the quoted code"


# Which match wins.


INDENTS = added_lines(["def f(x):", "    if x:", "        return x", "    return x"])


def test_the_exact_text_wins_over_a_match_ignoring_whitespace() -> None:
    """Lines 3 and 4 both read `return x` without whitespace; only line 4 has the quoted
    indentation, though line 3 is nearer the citation."""
    found = anchor(INDENTS, path="src/long.py", line=1, quote="    return x")
    assert (found.placement, found.line) == (Placement.INLINE, 4)


def numbered(count: int, overrides: dict[int, str]) -> str:
    return added_lines([overrides.get(n, f"value_{n} = {n}") for n in range(1, count + 1)])


def test_a_repeated_quote_is_placed_within_the_ambiguity_radius_only() -> None:
    """`return None` on lines 5 and 5 + 2r + 1: a citation r lines from one and r + 1 from
    the other is placed; one farther from both is not (the citation no longer tells)."""
    r = AMBIGUITY_RADIUS
    diff = numbered(40, {5: "return None", 5 + 2 * r + 1: "return None"})
    near = anchor(diff, path="src/long.py", line=5 + r, quote="return None")
    assert (near.placement, near.line) == (Placement.INLINE, 5)
    other = anchor(diff, path="src/long.py", line=5 + r + 1, quote="return None")
    assert (other.placement, other.line) == (Placement.INLINE, 5 + 2 * r + 1)
    wide = numbered(60, {5: "return None", 5 + 2 * r + 3: "return None"})
    far = anchor(wide, path="src/long.py", line=5 + r + 1, quote="return None")
    assert far.placement is Placement.FILE
    assert "several lines" in far.note


def test_an_equidistant_tie_is_never_placed() -> None:
    """Two lines equally near the citation: which one is meant is a guess, so neither."""
    diff = numbered(20, {6: "return None", 10: "return None"})
    tie = anchor(diff, path="src/long.py", line=8, quote="return None")
    assert tie.placement is Placement.FILE
    assert tie.note == "the quoted code is on several lines, none of them line 8"


def test_a_loose_match_is_looked_for_within_the_window_only() -> None:
    quote = "rows = db.execute(qury)"
    edge = numbered(FUZZY_WINDOW + 2, {FUZZY_WINDOW + 1: "rows = db.execute(query)"})
    found = anchor(edge, path="src/long.py", line=1, quote=quote)
    assert (found.placement, found.line) == (Placement.INLINE, FUZZY_WINDOW + 1)
    beyond = numbered(FUZZY_WINDOW + 3, {FUZZY_WINDOW + 2: "rows = db.execute(query)"})
    assert anchor(beyond, path="src/long.py", line=1, quote=quote).placement is Placement.FILE


@pytest.mark.parametrize(
    ("quote", "placed"),
    [
        ("rows = db.execute(querx)", True),  # one character changed
        ("row = execute(query)", True),  # exactly the threshold: 2 * 18 / (18 + 22) = 0.9
        ("row = execute(qury)", False),  # just below it
        ("db = rows.query(execute)", False),  # the same characters, in another order
    ],
)
def test_a_loose_match_needs_the_threshold_similarity(quote: str, placed: bool) -> None:
    found = anchor(line=99, quote=quote)
    assert (found.placement, found.line) == (
        (Placement.INLINE, 12) if placed else (Placement.FILE, None)
    )


# Paths.


@pytest.mark.parametrize(
    "cited",
    [
        "./SRC/App.py",  # a ./ prefix and another case
        "b/SRC/App.py",  # git's new-side prefix and another case
        "a/Src/app.py",  # git's old-side prefix and another case
        "repo/src/app.py",  # a longer path ending in the diff's path
    ],
)
def test_paths_are_resolved_through_prefixes_case_and_suffixes(cited: str) -> None:
    assert resolve_path(cited, ["src/app.py", "lib/other.py"]) == "src/app.py"


# Chunks.


def words(text: str) -> int:
    return len(text.split()) + text.count("\n")


def test_the_chunk_index_holds_every_piece_of_a_file() -> None:
    """A chunk may hold two pieces of one file: both are commentable in it."""
    chunks, _ = build_chunks(parse_diff(DIFF), words, budget=60)
    first, second = chunks
    both = Chunk(0, first.pieces + second.pieces, first.tokens + second.tokens + 1)
    index = chunk_index(both)
    assert index.is_commentable("src/app.py", 11) and index.is_commentable("src/app.py", 42)
    # Hunks stay numbered apart: a range may not span the two.
    crossing = anchor_finding(make(start_line=12, line=42, quote="    b = eval(data)"), index)
    assert (crossing.start_line, crossing.line) == (None, 42)


def test_anchoring_a_chunks_findings_uses_its_index_or_the_one_given() -> None:
    chunks, _ = build_chunks(parse_diff(DIFF), words, budget=60)
    findings = [make(), make(line=42, quote="    b = eval(data)")]
    placed = anchor_findings(findings, chunks[0])
    assert [f.placement for f in placed] == [Placement.INLINE, Placement.FILE]
    whole = index_of(DIFF)
    placed = anchor_findings(findings, chunks[0], whole)
    assert [(f.placement, f.line) for f in placed] == [
        (Placement.INLINE, 11),
        (Placement.INLINE, 42),
    ]
