from typing import Any

import pytest

from reviewer.core.anchoring import Placement, anchor_finding, chunk_index, resolve_path
from reviewer.core.chunking import build_chunks
from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import Side, parse_diff
from reviewer.core.findings import Finding

DIFF = """\
diff --git a/src/app.py b/src/app.py
index 1111111..2222222 100644
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


@pytest.fixture
def index() -> CommentableIndex:
    return CommentableIndex.build(parse_diff(DIFF))


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
        "quote": '    query = "SELECT * FROM t WHERE id = " + request.args["id"]',
        "suggestion": None,
    }
    data.update(overrides)
    return Finding.model_validate(data)


def test_correct_citation_stays(index: CommentableIndex) -> None:
    anchored = anchor_finding(make(), index)
    assert (anchored.placement, anchored.line, anchored.side) == (Placement.INLINE, 11, Side.RIGHT)
    assert anchored.code_lines == (
        '    query = "SELECT * FROM t WHERE id = " + request.args["id"]',
    )


@pytest.mark.parametrize("off_by", [-3, -1, 1, 2, 5, 30])
def test_line_off_by_some_is_moved_to_the_quoted_line(index: CommentableIndex, off_by: int) -> None:
    anchored = anchor_finding(make(line=11 + off_by), index)
    assert anchored.placement is Placement.INLINE
    assert anchored.line == 11


def test_old_file_number_for_new_code_is_moved(index: CommentableIndex) -> None:
    # The model cited the deleted line's old number (11) on the LEFT for the new line.
    anchored = anchor_finding(make(line=11, side="LEFT"), index)
    assert (anchored.line, anchored.side) == (11, Side.RIGHT)


def test_whitespace_differences_in_quote_still_match(index: CommentableIndex) -> None:
    anchored = anchor_finding(
        make(line=99, quote="b = eval( data )".replace("( ", "(").replace(" )", ")")), index
    )
    assert (anchored.placement, anchored.line) == (Placement.INLINE, 42)


def test_wrong_path_case_and_prefix_resolve() -> None:
    assert resolve_path("SRC/App.py", ["src/app.py"]) == "src/app.py"
    assert resolve_path("./src/app.py", ["src/app.py"]) == "src/app.py"
    assert resolve_path("app.py", ["src/app.py"]) == "src/app.py"
    assert resolve_path("app.py", ["src/app.py", "lib/app.py"]) is None


def test_line_outside_every_hunk_without_quote_goes_to_summary(index: CommentableIndex) -> None:
    anchored = anchor_finding(make(line=200, quote="not in the diff at all"), index)
    assert anchored.placement is Placement.FILE
    assert anchored.line is None
    assert "200" in anchored.note


def test_unknown_file_is_outside(index: CommentableIndex) -> None:
    anchored = anchor_finding(make(path="docs/other.md"), index)
    assert anchored.placement is Placement.OUTSIDE


def test_valid_range_is_kept_and_invalid_range_dropped(index: CommentableIndex) -> None:
    ranged = anchor_finding(make(start_line=10, line=12, quote="rows = db.execute(query)"), index)
    assert (ranged.start_line, ranged.line) == (10, 12)
    assert len(ranged.code_lines) == 3
    # Lines 12..42 cross two hunks: GitHub would refuse, so the range is dropped.
    crossing = anchor_finding(make(start_line=12, line=42, quote="    b = eval(data)"), index)
    assert (crossing.start_line, crossing.line) == (None, 42)


def test_only_the_chunks_own_lines_are_candidates() -> None:
    files = parse_diff(DIFF)
    chunks, _ = build_chunks(files, lambda t: len(t.split()) + t.count("\n"), budget=60)
    assert len(chunks) == 2  # one hunk per chunk
    first = chunk_index(chunks[0])
    anchored = anchor_finding(make(line=42, quote="    b = eval(data)"), first)
    # Line 42 belongs to the other chunk's hunk: not placed here.
    assert anchored.placement is Placement.FILE


def test_fingerprint_ignores_line_numbers_wording_and_category(index: CommentableIndex) -> None:
    a = anchor_finding(make(), index)
    b = anchor_finding(make(line=13, title="Injection!", body="Different words."), index)
    c = anchor_finding(make(category="bug"), index)
    d = anchor_finding(make(line=12, quote="    rows = db.execute(query)"), index)  # other code
    assert a.fingerprint == b.fingerprint == c.fingerprint
    assert a.fingerprint != d.fingerprint


def test_a_slightly_paraphrased_quote_finds_its_line_fuzzily(index: CommentableIndex) -> None:
    # The model dropped a character and renamed nothing else: still clearly line 12.
    anchored = anchor_finding(make(line=99, quote="rows = db.execute(qury)"), index)
    assert (anchored.placement, anchored.line) == (Placement.INLINE, 12)
    # A different line of code is not "similar enough".
    other = anchor_finding(make(line=99, quote="totally = unrelated(code)"), index)
    assert other.placement is Placement.FILE


DUPLICATES = """\
diff --git a/src/dup.py b/src/dup.py
--- a/src/dup.py
+++ b/src/dup.py
@@ -1,8 +1,9 @@
 def first():
-    return None
+    return None
+    log("first")
 def second():
     x = compute()
     return None
 def third():
     y = 1
     return None
"""


def test_a_quote_on_several_lines_never_lands_on_a_line_without_it() -> None:
    index = CommentableIndex.build(parse_diff(DUPLICATES))
    # Line 4 is commentable but holds `def second():`; `return None` is on lines 2 and 6,
    # both two lines away: neither is clearly the one meant, and line 4 is not it either.
    anchored = anchor_finding(make(path="src/dup.py", line=4, quote="    return None"), index)
    assert anchored.placement is Placement.FILE
    assert "several lines" in anchored.note
    # One clearly nearest: placed there, on the code it quotes.
    near = anchor_finding(make(path="src/dup.py", line=5, quote="    return None"), index)
    assert (near.placement, near.line) == (Placement.INLINE, 6)


REPLACED = """\
diff --git a/src/r.py b/src/r.py
--- a/src/r.py
+++ b/src/r.py
@@ -1,3 +1,3 @@
 def f():
-    return None
+    return 0
 # end
"""


def test_new_code_is_never_moved_onto_a_deleted_line() -> None:
    index = CommentableIndex.build(parse_diff(REPLACED))
    # The quote's text is only on the deleted line 2; the citation is of the new line 2.
    anchored = anchor_finding(
        make(path="src/r.py", line=2, side="RIGHT", quote="    return None"), index
    )
    assert (anchored.placement, anchored.line, anchored.side) == (Placement.INLINE, 2, Side.RIGHT)
    # The other way round is a mix-up models make: a deleted-side citation of new code.
    mixed = anchor_finding(make(path="src/r.py", line=2, side="LEFT", quote="    return 0"), index)
    assert (mixed.line, mixed.side) == (2, Side.RIGHT)


def test_a_paraphrase_stays_only_on_a_line_with_its_names(index: CommentableIndex) -> None:
    # Not a quote of any line, but it names what line 12 holds: stays on line 12.
    kept = anchor_finding(make(line=12, quote="rows = db.execute(the_query)"), index)
    assert (kept.placement, kept.line) == (Placement.INLINE, 12)
    # A paraphrase naming other things is not placed on the cited line.
    moved = anchor_finding(make(line=12, quote="session.commit() without rollback"), index)
    assert moved.placement is Placement.FILE
    assert "does not hold the quoted code" in moved.note
    # With no quote at all, the citation is all there is.
    bare = anchor_finding(make(line=12, quote=""), index)
    assert (bare.placement, bare.line) == (Placement.INLINE, 12)
