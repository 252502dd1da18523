import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core.chunking import build_chunks, render_line, review_priority
from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import DiffLine, FileDiff, FileStatus, Hunk, LineKind, Side


def words(text: str) -> int:
    """A token counter for tests: whitespace-separated words plus one per line."""
    return len(text.split()) + text.count("\n")


def make_file(path: str, kinds: str, *, start: int = 1, text: str = "tok tok") -> FileDiff:
    """A one-hunk file from a string of line kinds, e.g. " +-+ "."""
    old, new = start, start
    lines = []
    for i, kind in enumerate(kinds):
        if kind == "+":
            lines.append(DiffLine(LineKind.ADDED, f"{text} {i}", None, new))
            new += 1
        elif kind == "-":
            lines.append(DiffLine(LineKind.DELETED, f"{text} {i}", old, None))
            old += 1
        else:
            lines.append(DiffLine(LineKind.CONTEXT, f"{text} {i}", old, new))
            old += 1
            new += 1
    hunk = Hunk(start, old - start, start, new - start, "", tuple(lines))
    return FileDiff(path, None, FileStatus.MODIFIED, False, (hunk,))


def changed(file: FileDiff) -> set[tuple[str, int, str]]:
    return {
        (file.path, ln.number, ln.side.value)
        for _, ln in file.lines()
        if ln.kind is not LineKind.CONTEXT
    }


def test_small_files_are_packed_into_one_chunk() -> None:
    files = [make_file(f"src/f{i}.py", " + ") for i in range(5)]
    chunks, skipped = build_chunks(files, words, budget=1000)
    assert len(chunks) == 1
    assert chunks[0].paths == tuple(f"src/f{i}.py" for i in range(5))
    assert skipped == []


def test_oversized_hunk_is_split_at_line_boundaries() -> None:
    file = make_file("big.py", "+" * 200)
    chunks, _ = build_chunks([file], words, budget=120)
    assert len(chunks) > 1
    assert all(chunk.tokens <= 120 for chunk in chunks)
    seen = [line for chunk in chunks for line in re.findall(r"^\d+ \+.*$", chunk.text, re.M)]
    assert seen == [render_line(ln) for _, ln in file.lines()]


def test_a_line_longer_than_the_budget_is_skipped_with_a_reason() -> None:
    file = make_file("min.js", "+", text="x " * 500)
    chunks, skipped = build_chunks([file], words, budget=100)
    assert chunks == []
    assert skipped[0].path == "min.js"
    assert "longer than the chunk budget" in skipped[0].reason


def test_source_is_reviewed_before_tests_and_docs() -> None:
    assert review_priority("src/app.py") < review_priority("tests/test_app.py")
    assert review_priority("tests/test_app.py") < review_priority("README.md")
    files = [make_file("README.md", "+"), make_file("tests/test_a.py", "+"), make_file("a.py", "+")]
    chunks, _ = build_chunks(files, words, budget=1000)
    assert chunks[0].paths == ("a.py", "tests/test_a.py", "README.md")


@pytest.mark.parametrize(
    ("path", "priority"),
    [
        ("latest/app.py", 0),  # "test/" inside a folder's name is no test folder
        ("contest/tests_helper.py", 0),
        ("src/spec/app.py", 1),
        ("pkg/__tests__/a.js", 1),
        ("a_test.go", 1),
        ("web/a.spec.ts", 1),
        ("docs/guide.py", 2),
        ("mydocs/guide.py", 0),
        ("config.yml", 2),
    ],
)
def test_review_priority_reads_folder_names_not_substrings(path: str, priority: int) -> None:
    assert review_priority(path) == priority


def test_rendered_numbers_are_new_for_added_and_old_for_deleted() -> None:
    file = make_file("a.py", " -+", start=10)
    chunks, _ = build_chunks([file], words, budget=1000)
    assert "10  tok tok 0\n11 -tok tok 1\n11 +tok tok 2" in chunks[0].text


kinds = st.text(alphabet=" +-", min_size=1, max_size=60).filter(lambda k: k.strip() != "")


@settings(max_examples=150, deadline=None)
@given(
    files=st.lists(st.tuples(kinds, st.integers(1, 500)), min_size=1, max_size=6),
    budget=st.integers(min_value=40, max_value=600),
)
def test_every_changed_line_in_exactly_one_chunk_within_budget(
    files: list[tuple[str, int]], budget: int
) -> None:
    diff_files = [make_file(f"f{i}.py", k, start=s) for i, (k, s) in enumerate(files)]
    chunks, skipped = build_chunks(diff_files, words, budget)
    assert skipped == []  # no single line exceeds 40 words here
    index = CommentableIndex.build(diff_files)
    seen: list[tuple[str, int, str]] = []
    for chunk in chunks:
        assert chunk.tokens <= budget
        assert words(chunk.text) == chunk.tokens
        path = ""
        for line in chunk.text.splitlines():
            if line.startswith("File: "):
                path = line.split()[1]
            match = re.match(r"^(\d+) ([+\- ])(.*)$", line)
            if not match:
                continue
            number, marker, text = int(match[1]), match[2], match[3]
            side = Side.LEFT if marker == "-" else Side.RIGHT
            ref = index.lookup(path, number, side)
            assert ref is not None and ref.line.text == text
            if marker != " ":
                seen.append((path, number, side.value))
    expected = set().union(*(changed(f) for f in diff_files))
    assert sorted(seen) == sorted(expected)  # each exactly once


def test_split_parts_open_with_the_previous_lines_as_context() -> None:
    file = make_file("big.py", "+" * 60)
    chunks, _ = build_chunks([file], words, budget=80)
    second = chunks[1].text.splitlines()
    # After the file and @@ headers: three carried lines shown as context, then new lines.
    carried = second[2:5]
    assert all(re.match(r"^\d+  ", line) for line in carried)
    last_of_first = [ln for ln in chunks[0].text.splitlines() if re.match(r"^\d+ \+", ln)][-3:]
    assert [ln.split(" ", 1)[0] for ln in carried] == [ln.split(" ", 1)[0] for ln in last_of_first]
    assert re.match(r"^\d+ \+", second[5])


code_text = st.text(
    alphabet=st.sampled_from(list("abcxyz_(){}[]:.,=+-*/'\"#@  \t0123459")), max_size=40
)
hunk_lines = st.lists(st.tuples(st.sampled_from(" +-"), code_text), min_size=1, max_size=12)


def file_of(path: str, hunks: list[list[tuple[str, str]]]) -> FileDiff:
    """A file whose hunks hold these (kind, text) lines, numbered as git would."""
    built, old, new = [], 1, 1
    for lines in hunks:
        old += 3
        new += 3  # unchanged lines between hunks
        start_old, start_new, numbered = old, new, []
        for kind, text in lines:
            line_kind = LineKind(kind)
            numbered.append(
                DiffLine(
                    line_kind,
                    text,
                    old if line_kind is not LineKind.ADDED else None,
                    new if line_kind is not LineKind.DELETED else None,
                )
            )
            old += line_kind is not LineKind.ADDED
            new += line_kind is not LineKind.DELETED
        built.append(
            Hunk(start_old, old - start_old, start_new, new - start_new, "", tuple(numbered))
        )
    return FileDiff(path, None, FileStatus.MODIFIED, False, tuple(built))


@pytest.fixture(scope="module")
def real_counters() -> list[Callable[[str], int]]:
    """Uncached counters of both encodings; the property is about the real tokenisers."""
    import tiktoken

    try:
        encodings = [tiktoken.get_encoding(name) for name in ("o200k_base", "cl100k_base")]
    except (OSError, ValueError) as error:
        pytest.skip(f"tiktoken encodings unavailable (set TIKTOKEN_CACHE_DIR): {error}")
    return [lambda text, e=e: len(e.encode(text, disallowed_special=())) for e in encodings]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(st.lists(hunk_lines, min_size=1, max_size=4), min_size=1, max_size=4),
    budget=st.integers(60, 400),
)
def test_real_encodings_never_exceed_the_budget(
    real_counters: list[Callable[[str], int]], files: list[list[list[tuple[str, str]]]], budget: int
) -> None:
    """The chunker adds per-text token counts instead of encoding each chunk again: on both
    real encodings a piece costs exactly its parts, and a chunk never exceeds its budget."""
    diff_files = [file_of(f"src/f{i}.py", hunks) for i, hunks in enumerate(files)]
    for count in real_counters:
        chunks, _ = build_chunks(diff_files, count, budget)
        for chunk in chunks:
            for piece in chunk.pieces:
                assert count(piece.text) == piece.tokens
            assert count(chunk.text) <= chunk.tokens <= budget


DELETES_ONLY = """\
diff --git a/old.py b/old.py
--- a/old.py
+++ b/old.py
@@ -10,10 +10,2 @@ def keep():
     kept = 1
-    gone_1 = 1
-    gone_2 = 2
-    gone_3 = 3
-    gone_4 = 4
-    gone_5 = 5
-    gone_6 = 6
-    gone_7 = 7
-    gone_8 = 8
     kept = 2
"""


def test_a_deletion_only_hunk_is_sent_as_its_ends_and_a_count() -> None:
    from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
    from reviewer.core.config import RepoConfig

    plan = plan_chunks(DELETES_ONLY, ReviewOptions(model="gpt-4.1-mini", rules=""), words)
    (chunk,) = plan.chunks
    assert "11 -    gone_1 = 1\n… 6 more deleted lines …\n18 -    gone_8 = 8" in chunk.text
    assert "gone_4" not in chunk.text
    assert "@@ -10,10 +10,2 @@" in chunk.text  # the header keeps the true ranges
    # Whole, when the configuration asks (here for every path).
    whole = ReviewOptions(model="gpt-4.1-mini", rules="", config=RepoConfig(whole_deletions=True))
    (full,) = plan_chunks(DELETES_ONLY, whole, words).chunks
    assert "gone_4" in full.text and "more deleted lines" not in full.text


def test_hidden_deleted_lines_are_not_cited_inline() -> None:
    from reviewer.core.anchoring import Placement, anchor_finding, chunk_index
    from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
    from reviewer.core.findings import Finding

    (chunk,) = plan_chunks(DELETES_ONLY, ReviewOptions(model="m", rules=""), words).chunks
    index = chunk_index(chunk)

    def cite(line: int, quote: str) -> Placement:
        finding = Finding.model_validate(
            {
                "path": "old.py",
                "line": line,
                "start_line": None,
                "side": "LEFT",
                "severity": "warning",
                "category": "bug",
                "title": "t",
                "body": "b",
                "quote": quote,
                "suggestion": None,
            }
        )
        return anchor_finding(finding, index).placement

    assert cite(11, "    gone_1 = 1") is Placement.INLINE
    assert cite(14, "    gone_4 = 4") is Placement.FILE  # not shown: not placed
