"""Golden tests: real git diffs of every shape → the parsed model, the skips and the chunks.

Regenerate the expected files after an intended change with:
    UPDATE_GOLDEN=1 scripts/dev test tests/test_diff_shapes.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fakes.git_repo import GitRepo
from paths import GOLDEN

from reviewer.core.chunking import build_chunks
from reviewer.core.diff import FileDiff, parse_diff
from reviewer.core.filters import select_files


def shapes_repo(root: Path) -> tuple[GitRepo, str]:
    repo = GitRepo(root)
    repo.write("modified.py", "a = 1\nb = 2\nc = 3\n")
    repo.write("renamed_same.py", "".join(f"keep {i}\n" for i in range(12)))
    repo.write("renamed_edit.py", "".join(f"line {i}\n" for i in range(12)))
    repo.write("source_of_copy.py", "".join(f"copy me {i}\n" for i in range(12)))
    repo.write("deleted.py", "gone = True\n")
    repo.write("script.sh", "echo hi\n")
    repo.write("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00data")
    repo.write("no_newline.txt", "first\nlast")
    repo.write("crlf.txt", "one\r\ntwo\r\nthree\r\n")
    repo.write("latin1.txt", "caf\xe9\n".encode("latin-1"))
    base = repo.commit("base")
    (root / "moved").mkdir()
    repo.write("modified.py", "a = 1\nb = 22\nc = 3\nd = 4\n")
    repo.git("mv", "renamed_same.py", "moved/renamed_same.py")
    repo.git("mv", "renamed_edit.py", "moved/renamed_edit.py")
    repo.write("moved/renamed_edit.py", "".join(f"line {i}\n" for i in range(11)) + "changed\n")
    repo.write("copy.py", "".join(f"copy me {i}\n" for i in range(12)) + "extra\n")
    (root / "deleted.py").unlink()
    (root / "script.sh").chmod(0o755)
    repo.write("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x01other")
    repo.write("no_newline.txt", "first\nlast changed")
    repo.write("crlf.txt", "one\r\nTWO\r\nthree\r\n")
    repo.write("latin1.txt", "caf\xe9 cr\xe8me\n".encode("latin-1"))
    repo.write("empty.txt", "")
    repo.commit("head")
    # A submodule pointer: a gitlink entry in the index (no checkout needed).
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{'a' * 40},ext/lib")
    repo.git("commit", "-q", "-m", "submodule")
    return repo, base


def file_model(file: FileDiff) -> dict[str, Any]:
    return {
        "path": file.path,
        "old_path": file.old_path,
        "status": file.status.value,
        "binary": file.is_binary,
        "mode_change": list(file.mode_change) if file.mode_change else None,
        "submodule": file.is_submodule,
        "hunks": [
            {
                "header": hunk.header,
                "lines": [
                    f"{line.kind.value}{line.old_no or ''}:{line.new_no or ''}:{line.text}"
                    for line in hunk.lines
                ],
            }
            for hunk in file.hunks
        ],
    }


def check_golden(name: str, actual: Any) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.fixture(scope="module")
def shapes_diff(tmp_path_factory: pytest.TempPathFactory) -> str:
    repo, base = shapes_repo(tmp_path_factory.mktemp("shapes"))
    return repo.git(
        "-c",
        "core.quotepath=off",
        "diff",
        "--no-color",
        "-M",
        "-C",
        "--find-copies-harder",
        f"{base}...HEAD",
    )


def test_every_shape_parses_to_the_golden_model(shapes_diff: str) -> None:
    files = parse_diff(shapes_diff)
    check_golden("shapes.model.json", [file_model(f) for f in files])


def test_every_shape_is_reviewed_or_skipped_with_a_reason(shapes_diff: str) -> None:
    files = parse_diff(shapes_diff)
    selected, skipped = select_files(files)
    chunks, too_large = build_chunks(selected, lambda t: len(t.split()) + 1, budget=400)
    outcome = {
        "reviewed": sorted(f.path for f in selected),
        "skipped": {s.path: s.reason for s in skipped + too_large},
        "chunks": [chunk.text for chunk in chunks],
    }
    check_golden("shapes.chunks.json", outcome)
    assert set(outcome["reviewed"]) | set(outcome["skipped"]) == {f.path for f in files}


def test_source_a_gitattributes_line_shows_as_binary_is_unreviewed(tmp_path: Path) -> None:
    """A pull request can add `*.py -diff` to .gitattributes: git (and GitHub) then show its
    code as binary. Skipped as binary, the eval below once passed unseen."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "x = 1\n")
    repo.write("old.py", "gone = True\n")
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00data")
    base = repo.commit("base")
    repo.write(".gitattributes", "*.py -diff\n*.png binary\n")
    repo.write("app.py", "x = eval(input())\n")
    (repo.root / "old.py").unlink()
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x01more")
    repo.commit("hide")
    files = parse_diff(repo.git("diff", "--no-color", f"{base}..HEAD"))
    assert {f.path for f in files if f.is_binary} == {"app.py", "old.py", "logo.png"}
    _, skipped = select_files(files)
    found = {s.path: (s.unreviewed, s.reason) for s in skipped}
    assert found["app.py"][0] is True and "shown as binary" in found["app.py"][1]
    assert found["logo.png"] == (False, "binary file")  # a real binary: skipped
    assert found["old.py"] == (False, "binary file")  # deleted: nothing to review
    # Left out on purpose, it is skipped as the user said.
    _, excluded = select_files(files, exclude=["app.py"])
    assert not any(s.unreviewed for s in excluded)
