"""Where the diff comes from when GitHub refuses the diff media type, and what is listed."""

import os
import subprocess
from pathlib import Path

import pytest
from action_runner import HEAD_APP, add_event_pull, make_diff, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

from reviewer.core.chunk_plan import ReviewOptions, apply_token_cap, plan_chunks
from reviewer.core.diff import FileStatus, parse_diff
from reviewer.core.filters import select_files
from reviewer.core.gitattributes import generated_patterns, vendored_patterns
from reviewer.github.adapter import ChangedFile
from reviewer.github.diff_source import checkout_diff, diff_from_files

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")


def test_rebuilt_diff_from_the_files_list_parses_with_the_right_shapes() -> None:
    files = [
        ChangedFile("new.py", "added", None, "@@ -0,0 +1,2 @@\n+a = 1\n+b = 2"),
        ChangedFile("gone.py", "removed", None, "@@ -1 +0,0 @@\n-x = 1"),
        ChangedFile("b.py", "renamed", "a.py", "@@ -1,2 +1,2 @@\n one\n-two\n+TWO"),
        ChangedFile("huge.sql", "modified", None, None),
        ChangedFile("pic.png", "added", None, None),
    ]
    text, unavailable = diff_from_files(files)
    parsed = {f.path: f for f in parse_diff(text)}
    assert parsed["new.py"].status is FileStatus.ADDED
    assert parsed["gone.py"].status is FileStatus.DELETED
    assert (parsed["b.py"].status, parsed["b.py"].old_path) == (FileStatus.RENAMED, "a.py")
    assert [line.new_no for line in parsed["b.py"].hunks[0].lines] == [1, None, 2]
    assert [u.path for u in unavailable] == ["huge.sql", "pic.png"]
    assert "no diff" in unavailable[0].reason


def test_checkout_diff_needs_both_commits(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "ws")
    repo.write("a.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("a.py", "x = 2\n")
    head = repo.commit("head")
    text = checkout_diff(str(repo.root), base, head)
    assert text is not None and "+x = 2" in text
    assert checkout_diff(str(repo.root), base, "f" * 40) is None
    assert checkout_diff(str(tmp_path / "nowhere"), base, head) is None
    assert checkout_diff(None, base, head) is None


def two_commits(root: Path) -> tuple[GitRepo, str, str]:
    repo = GitRepo(root)
    repo.write("a.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("a.py", "x = 2\n")
    return repo, base, repo.commit("head")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as the container runs")
def test_checkout_diff_reads_a_checkout_another_user_owns(tmp_path: Path) -> None:
    # The container runs as root; actions/checkout wrote the workspace as the runner's user.
    # Without safe.directory, git refuses such a repository ("dubious ownership").
    repo, base, head = two_commits(tmp_path / "ws")
    for path in [repo.root, *repo.root.rglob("*")]:
        os.lchown(path, 1001, 1001)
    refused = subprocess.run(
        ["git", "-C", str(repo.root), "status"], capture_output=True, check=False
    )
    assert b"dubious ownership" in refused.stderr  # the situation is real
    text = checkout_diff(str(repo.root), base, head)
    assert text is not None and "+x = 2" in text


def test_checkout_diff_without_git_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, base, head = two_commits(tmp_path / "ws")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert checkout_diff(str(repo.root), base, head) is None


def test_too_large_diff_falls_back_to_the_files_list(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_github.diff_too_large = True
    fake_model.model = ReadingModel([EVAL])
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1, result.stderr
    line = next(i for i, t in enumerate(HEAD_APP.splitlines(), 1) if "eval(" in t)
    assert [(c["path"], c["line"]) for c in fake_github.review_comments] == [("src/app.py", line)]
    assert any(r.path.endswith("/files") for r in fake_github.reads())
    # The binary file has no patch in the files list: it is listed, not silently dropped.
    assert "logo.png" in result.step_summary
    assert fake_github.validation_errors == []


def test_gitattributes_generated_marks() -> None:
    text = "# comment\n*.pb.go linguist-generated\ndocs/api/** linguist-generated=true\n"
    text += "docs/api/keep.md -linguist-generated\n*.md text eol=lf\n"
    patterns = generated_patterns(text)
    assert patterns == ("*.pb.go", "docs/api/**", "!docs/api/keep.md")
    diff = "".join(
        f"diff --git a/{p} b/{p}\n--- a/{p}\n+++ b/{p}\n@@ -1 +1 @@\n-a\n+b\n"
        for p in ("x.pb.go", "docs/api/ref.md", "docs/api/keep.md", "main.go")
    )
    selected, skipped = select_files(parse_diff(diff), generated=patterns)
    assert [f.path for f in selected] == ["docs/api/keep.md", "main.go"]
    assert {s.path: s.reason for s in skipped} == {
        "x.pb.go": "marked `linguist-generated` in .gitattributes",
        "docs/api/ref.md": "marked `linguist-generated` in .gitattributes",
    }


def test_vendored_trees_at_any_depth_are_skipped() -> None:
    paths = (
        "src/pip/_vendor/rich/console.py",
        "vendor/github.com/x/y.go",
        "web/node_modules/left-pad/index.js",
        "lib/third_party/zlib/zlib.c",
        "ext/blob.c",
        "src/app.py",
        "src/vendors.py",  # a module named like the folder is source
    )
    diff = "".join(
        f"diff --git a/{p} b/{p}\n--- a/{p}\n+++ b/{p}\n@@ -1 +1 @@\n-a\n+b\n" for p in paths
    )
    vendored = vendored_patterns("ext/** linguist-vendored\n")
    selected, skipped = select_files(parse_diff(diff), vendored=vendored)
    assert [f.path for f in selected] == ["src/app.py", "src/vendors.py"]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons["ext/blob.c"] == "marked `linguist-vendored` in .gitattributes"
    assert all("default exclude" in reasons[p] for p in paths[:4])


def test_token_cap_keeps_the_most_valuable_chunks_and_lists_the_rest() -> None:
    diff = "".join(
        f"diff --git a/{p} b/{p}\n--- a/{p}\n+++ b/{p}\n@@ -1 +1,40 @@\n-a\n"
        + "".join(f"+line {i} of {p} with several words in it\n" for i in range(40))
        for p in ("README.md", "src/core.py", "tests/test_core.py")
    )
    words = lambda text: len(text.split()) + text.count("\n")  # noqa: E731
    options = ReviewOptions(model="gpt-4.1-mini", rules="", max_chunk_tokens=500)
    chunks = plan_chunks(diff, options, words).chunks
    assert [c.paths for c in chunks] == [("src/core.py",), ("tests/test_core.py",), ("README.md",)]
    kept, left = apply_token_cap(chunks, chunks[0].tokens + chunks[1].tokens)
    assert [c.paths for c in kept] == [("src/core.py",), ("tests/test_core.py",)]
    assert [(s.path, "max-tokens" in s.reason) for s in left] == [("README.md", True)]


def test_files_past_githubs_listing_limit_are_reported() -> None:
    files = [ChangedFile(f"f{i}.py", "added", None, "@@ -0,0 +1 @@\n+x = 1") for i in range(3)]
    text, unavailable = diff_from_files(files, total=10_000)
    assert len(parse_diff(text)) == 3
    assert [u.path for u in unavailable] == ["(9997 more files)"]
    assert "stops at 3 files" in unavailable[0].reason


def test_a_10000_file_pr_is_planned_without_losing_a_file() -> None:
    diff = "".join(
        f"diff --git a/pkg/m{i}.py b/pkg/m{i}.py\n--- a/pkg/m{i}.py\n+++ b/pkg/m{i}.py\n"
        f"@@ -1,2 +1,2 @@\n import os\n-value = {i}\n+value = {i} + 1\n"
        for i in range(10_000)
    )
    plan = plan_chunks(diff, ReviewOptions(model="gpt-4.1-mini", rules=""), len)
    chunks, skipped = plan.chunks, plan.skipped
    planned = {p for chunk in chunks for p in chunk.paths}
    assert len(planned) + len(skipped) == 10_000
    assert all(chunk.tokens <= 12_000 for chunk in chunks)
