"""Routing without local history, end to end: GitHub's commit list per path, bounded to
the 30 files with the most changed lines and 3 pages of 100 commits each, and the bound
stated in the summary."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from action_runner import run_action
from fakes.git_history import Change, fast_import
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from process_helpers import (
    ALICE,
    AUTHOR,
    NOREPLY_AUTHOR,
    PR_CREATED,
    ROUTING_ONLY,
    HistoryRepo,
    at,
    serve_pull,
)

FILES = 35
BUSY = "src/f34.py"  # the most changed lines, and 350 commits: more than 3 pages
COMMITS_PATH = "/repos/Codertocat/Hello-World/commits"


def changed_lines(i: int) -> int:
    # f04 ties with f05 at the bound: the tie goes to the path that sorts first.
    return 6 if i == 4 else i + 1


def wide_history(root: Path) -> HistoryRepo:
    """35 files, created by the PR's author; alice then commits 350 times to BUSY. The
    PR appends changed_lines(i) lines to file i."""
    paths = [f"src/f{i:02d}.py" for i in range(FILES)]
    changes = [Change(AUTHOR, NOREPLY_AUTHOR, at(500), dict.fromkeys(paths, "x\n"))]
    changes += [
        Change("Alice", ALICE, at(400 - i), {BUSY: f"a{i}\n"}) for i in range(350)
    ]  # one a day, the last 50 days before the PR
    base = {p: "a349\n" if p == BUSY else "x\n" for p in paths}  # each file at the base
    head = {p: base[p] + "new\n" * changed_lines(i) for i, p in enumerate(paths)}
    changes.append(Change(AUTHOR, NOREPLY_AUTHOR, PR_CREATED, head, branch="pr"))
    tips = fast_import(root, changes, checkout="pr")
    return HistoryRepo(GitRepo.existing(root), tips["main"], tips["pr"])


def test_the_api_history_reads_the_top_files_within_a_page_cap_and_says_so(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    history = wide_history(tmp_path / "wide")
    event = serve_pull(fake_github, history, linked={ALICE: "alice"}, writers=("alice",))
    empty = tmp_path / "no-checkout"
    empty.mkdir()
    result = run_action(
        tmp_path, fake_github, fake_model, event=event, inputs=ROUTING_ONLY, workspace=empty
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake_github.validation_errors == [] and fake_github.unhandled == []
    pages = Counter(
        r.query["path"]
        for r in fake_github.requests
        if r.method == "GET" and r.path == COMMITS_PATH and "path" in r.query
    )
    # The 30 files with the most changed lines (f06…f34, and f04 over f05 on the tie) ...
    read = {f"src/f{i:02d}.py" for i in (4, *range(6, FILES))}
    assert set(pages) == read
    # ... one page each, and three of 100 for the file with 350 commits.
    assert pages[BUSY] == 3
    assert all(n == 1 for path, n in pages.items() if path != BUSY)
    summary = result.step_summary
    assert (
        "GitHub's commit list for the 30 of 35 changed files with the most changed lines, up "
        "to 300 commits each (1 file(s) had more, not read); check out with `fetch-depth: 0` "
        "to use the whole history" in summary
    )
    # alice's score counts the 300 commits read, not the 350 there are, and the weights
    # are normalised over the 30 files read (615 changed lines), not all 35 (631).
    score = 300 * math.exp(-0.05 * 51) * changed_lines(34) / 615
    assert f"| @alice | {score:.2f} | 300 commits to `src/f34.py`, last 51 days ago |" in summary
