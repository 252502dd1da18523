"""`context-lines` below git's 3: the model is shown that many of the diff's unchanged lines
around each change, and no more; every changed line still reaches it, the hunks' headers
stay true, the enclosing function is still found, and what GitHub takes a comment on is
still the whole diff's lines."""

from __future__ import annotations

import difflib
import re

import pytest

from reviewer.core.anchoring import Placement, anchor_findings
from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
from reviewer.core.diff import Side, parse_diff
from reviewer.core.findings import Finding
from reviewer.core.review_context import MemoryRepository, ReviewContext
from reviewer.core.surrounding import new_text_from_base
from reviewer.core.tokens import estimate_tokens
from reviewer.core.widening import narrowed

OLD = [f"line {i}" for i in range(1, 41)]


def diff_of(new: list[str], path: str = "notes.txt") -> str:
    body = difflib.unified_diff(OLD, new, f"a/{path}", f"b/{path}", lineterm="", n=3)
    return f"diff --git a/{path} b/{path}\n" + "\n".join(body) + "\n"


def two_changes() -> str:
    """Lines 15 and 20 changed: git shows them in one hunk, four unchanged lines between."""
    new = list(OLD)
    new[14], new[19] = "line fifteen", "line twenty"
    return diff_of(new)


def shown(diff: str, context_lines: int, **kwargs: object) -> tuple[str, list[str]]:
    plan = plan_chunks(
        diff,
        ReviewOptions(model="x", rules="", context_lines=context_lines),
        estimate_tokens,
        **kwargs,  # type: ignore[arg-type]
    )
    (chunk,) = plan.chunks
    return chunk.text, [line for line in chunk.text.splitlines() if re.match(r"\d+ ", line)]


@pytest.mark.parametrize("context_lines", [0, 1, 2])
def test_only_that_many_unchanged_lines_are_shown_around_each_change(context_lines: int) -> None:
    text, numbered = shown(two_changes(), context_lines)
    changed = {"15 -line 15", "15 +line fifteen", "20 -line 20", "20 +line twenty"}
    assert changed <= set(numbered)
    around = [int(n.split()[0]) for n in numbered if n.split()[1].startswith("line")]
    wanted = {n for c in (15, 20) for n in range(c - context_lines, c + context_lines + 1)}
    assert set(around) == wanted - {15, 20}
    # Changes further apart than twice the width are parts of their own, each header true.
    headers = re.findall(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@", text, re.M)
    parts = [
        (15 - context_lines, 1 + 2 * context_lines),
        (20 - context_lines, 1 + 2 * context_lines),
    ]
    if context_lines == 2:  # 13-17 and 18-22 meet
        parts = [(13, 10)]
    assert [(int(o), int(n)) for o, n, *_ in headers] == parts
    assert all(
        old_start == new_start and old_len == new_len
        for old_start, old_len, new_start, new_len in headers
    )


def test_three_and_more_leave_git_s_hunks_as_they_are() -> None:
    _, numbered = shown(two_changes(), 3)
    assert [int(n.split()[0]) for n in numbered if " line " in n][:3] == [12, 13, 14]


def test_what_takes_a_comment_is_still_the_whole_diffs_and_findings_anchor_to_what_was_shown() -> (
    None
):
    plan = plan_chunks(
        two_changes(), ReviewOptions(model="x", rules="", context_lines=0), estimate_tokens
    )
    # The diff's own unchanged lines still take a comment on the pull request.
    assert plan.index.is_commentable("notes.txt", 17, Side.RIGHT)
    (chunk,) = plan.chunks

    def cite(line: int, quote: str) -> Finding:
        return Finding(path="notes.txt", line=line, start_line=None, side=Side.RIGHT,
                       severity="warning", category="bug", title="t", body="b", quote=quote,
                       suggestion=None)  # fmt: skip

    on_change, on_hidden = anchor_findings([cite(20, "line twenty"), cite(17, "line 17")], chunk)
    assert on_change.placement is Placement.INLINE and on_change.line == 20
    # A line the model was not shown is not commented on as if it had been.
    assert on_hidden.placement is Placement.FILE


def test_parts_that_only_add_or_only_delete_keep_their_place_and_their_function() -> None:
    """A part with no line on one side starts there, as in git's headers, at the line before
    it: the new text rebuilt from the base, and the enclosing function, are found at the
    right place."""
    base = ["def first():", *[f"    a{i} = {i}" for i in range(8)], "", "def second():"]
    base += [f"    b{i} = {i}" for i in range(8)] + ["    return b0"]
    new = [line for line in base if line != "    b4 = 4"]
    new.insert(5, "    inserted = 1")  # after a3, line 5
    body = difflib.unified_diff(base, new, "a/m.py", "b/m.py", lineterm="", n=3)
    diff = "diff --git a/m.py b/m.py\n" + "\n".join(body) + "\n"
    (file,) = parse_diff(diff)
    assert len(file.hunks) == 2  # git's: each with its 3 lines of context
    rebuilt = new_text_from_base(narrowed(file, 0), "\n".join(base) + "\n")
    assert rebuilt == new  # the base with the narrowed hunks applied: the new text
    plan = plan_chunks(
        diff,
        ReviewOptions(model="x", rules="", context_lines=0, enclosing_scope=True),
        estimate_tokens,
        context=ReviewContext(repository=MemoryRepository({"m.py": "\n".join(base) + "\n"})),
    )
    (chunk,) = plan.chunks
    # Each function shown whole around its change, each change in its place.
    assert "5 |    a3 = 3\n6 +    inserted = 1\n7 |    a4 = 4" in chunk.text
    assert "16 |    b3 = 3\n16 -    b4 = 4\n17 |    b5 = 5" in chunk.text


def test_a_deletion_at_the_end_of_a_function_shows_that_function() -> None:
    base = ["def first():", "    a = 1", "    b = 2", "", "def second():", "    c = 3", "    d = 4"]
    new = [line for line in base if line != "    b = 2"]
    body = difflib.unified_diff(base, new, "a/m.py", "b/m.py", lineterm="", n=3)
    diff = "diff --git a/m.py b/m.py\n" + "\n".join(body) + "\n"
    plan = plan_chunks(
        diff,
        ReviewOptions(model="x", rules="", context_lines=0, enclosing_scope=True),
        estimate_tokens,
        context=ReviewContext(repository=MemoryRepository({"m.py": "\n".join(base) + "\n"})),
    )
    (chunk,) = plan.chunks
    assert "1 |def first():\n2 |    a = 1\n3 -    b = 2" in chunk.text
    assert "def second():" not in chunk.text
