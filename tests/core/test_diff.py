from pathlib import Path

import pytest
from fakes.git_repo import GitRepo

from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import DiffParseError, FileStatus, LineKind, Side, parse_diff

MODIFIED = """\
diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -1,4 +1,5 @@ def main():
 one
-two
+TWO
+two and a half
 three
 four
"""


def test_parse_numbers_lines_on_both_sides() -> None:
    (file,) = parse_diff(MODIFIED)
    assert file.path == "app.py"
    assert file.status is FileStatus.MODIFIED
    lines = [(ln.kind, ln.old_no, ln.new_no, ln.text) for ln in file.hunks[0].lines]
    assert lines == [
        (LineKind.CONTEXT, 1, 1, "one"),
        (LineKind.DELETED, 2, None, "two"),
        (LineKind.ADDED, None, 2, "TWO"),
        (LineKind.ADDED, None, 3, "two and a half"),
        (LineKind.CONTEXT, 3, 4, "three"),
        (LineKind.CONTEXT, 4, 5, "four"),
    ]
    assert file.hunks[0].section == "def main():"
    assert file.changed_lines == 3


def test_commentable_index_matches_what_github_accepts() -> None:
    index = CommentableIndex.build(parse_diff(MODIFIED))
    # Added and context lines by new number on the RIGHT.
    assert [n for n in range(1, 8) if index.is_commentable("app.py", n, Side.RIGHT)] == [
        1,
        2,
        3,
        4,
        5,
    ]
    # Deleted lines (and context lines) by old number on the LEFT.
    assert [n for n in range(1, 8) if index.is_commentable("app.py", n, Side.LEFT)] == [1, 2, 3, 4]
    assert index.lookup("app.py", 2, Side.LEFT).line.text == "two"  # type: ignore[union-attr]
    assert not index.is_commentable("other.py", 1)


def test_real_git_diff_shapes(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    repo.write("keep.py", "a = 1\nb = 2\nc = 3\n")
    repo.write("old_name.py", "".join(f"line {i}\n" for i in range(20)))
    repo.write("gone.py", "x = 1\n")
    repo.write("image.png", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    base = repo.commit("base")
    repo.write("keep.py", "a = 1\nb = 22\nc = 3\n")
    repo.git("mv", "old_name.py", "new_name.py")
    (tmp_path / "gone.py").unlink()
    repo.write("image.png", b"\x89PNG\r\n\x1a\n\x00\x01binary2")
    repo.write("added.py", "print('hi')\n")
    repo.commit("head")
    files = {f.path: f for f in parse_diff(repo.diff(base))}
    assert files["keep.py"].status is FileStatus.MODIFIED
    assert files["new_name.py"].status is FileStatus.RENAMED
    assert files["new_name.py"].old_path == "old_name.py"
    assert files["new_name.py"].changed_lines == 0
    assert files["gone.py"].status is FileStatus.DELETED
    assert files["added.py"].status is FileStatus.ADDED
    assert files["image.png"].is_binary
    assert files["image.png"].hunks == ()


def test_garbage_is_a_clear_error_not_a_traceback() -> None:
    with pytest.raises(DiffParseError, match="could not be parsed"):
        parse_diff("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n+only one line\n")


def test_empty_diff_has_no_files() -> None:
    assert parse_diff("") == []
