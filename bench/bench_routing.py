"""Reviewer routing on a large repository: 50,000 commits, a PR changing 2,000 files.

    python -m bench.bench_routing

Routing only (`review: false`), against the fake GitHub over HTTP: once with the history
in the workspace (`fetch-depth: 0`), once without (the API's commit list per path, bounded).
Reported: wall time of the whole run (the fake's own work included) and GitHub API calls.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.fakes import Change, FakeCommit, FakeGitHub, fast_import, served_github
from reviewer.app.action import run_action
from reviewer.app.runtime import Runtime

COMMITS = 50_000
FILES = 5_000
CHANGED = 2_000
AUTHORS = 60
PR_CREATED = datetime(2024, 6, 1, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Author:
    name: str
    email: str
    login: str | None  # the account GitHub links the email to


def authors() -> list[Author]:
    """40 with noreply addresses, 15 with company addresses GitHub links to their accounts,
    5 former colleagues whose addresses no account claims."""
    people = []
    for i in range(AUTHORS):
        login = f"dev{i:02d}"
        if i < 40:
            people.append(Author(login, f"{1000 + i}+{login}@users.noreply.github.com", login))
        elif i < 55:
            people.append(Author(login, f"{login}@corp.example", login))
        else:
            people.append(Author(login, f"{login}@old-corp.example", None))
    return people


def path(i: int) -> str:
    return f"src/mod{i // 50:03d}/file{i:04d}.py"


def history() -> tuple[list[Change], list[FakeCommit]]:
    """Each author mostly works in a few home folders; three years of commits, 1-3 files each."""
    rng = random.Random(12)
    people = authors()
    homes = {a.email: [rng.randrange(FILES // 50) for _ in range(3)] for a in people}
    start = PR_CREATED - timedelta(days=3 * 365)
    changes, commits = [], []
    for n in range(COMMITS):
        who = people[rng.randrange(AUTHORS)]
        when = start + timedelta(seconds=n * (3 * 365 * 86400 // COMMITS))
        files = {}
        for _ in range(rng.randint(1, 3)):
            folder = rng.choice(homes[who.email]) if rng.random() < 0.8 else rng.randrange(100)
            files[path(folder * 50 + rng.randrange(50))] = f"{n}\n"
        changes.append(Change(who.name, who.email, when, files))
        commits.append(
            FakeCommit("", who.login, who.name, who.email, when.isoformat(), tuple(files))
        )
    pr_files = {
        path(i): "".join(f"new {i} {k}\n" for k in range(1 + i % 20)) for i in range(CHANGED)
    }
    changes.append(Change("dev00", people[0].email, PR_CREATED, pr_files, branch="feature"))
    return changes, commits


def event(tmp: Path, head: str, base: str) -> Path:
    pull = {
        "number": 2,
        "draft": False,
        "created_at": PR_CREATED.isoformat(),
        "head": {"sha": head, "ref": "feature", "repo": {"full_name": "Codertocat/Hello-World"}},
        "base": {"sha": base, "ref": "main", "repo": {"full_name": "Codertocat/Hello-World"}},
    }
    target = tmp / "event.json"
    target.write_text(json.dumps({"action": "opened", "number": 2, "pull_request": pull}))
    return target


def route(github: FakeGitHub, event_path: Path, workspace: Path) -> tuple[float, int, int, str]:
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_API_URL": github.base_url,
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(event_path.parent / "summary.md"),
        "INPUT_GITHUB-TOKEN": "ghs_test",
        "INPUT_REVIEW": "false",
        "INPUT_ASSIGN-REVIEWERS": "2",
        # 2,000 files spread every score thin (weights sum to 1): see docs/performance.md.
        "INPUT_MIN-FAMILIARITY": "0.1",
        "INPUT_DRY-RUN": "true",  # the same requests on both runs: nobody is asked yet
    }
    (event_path.parent / "summary.md").write_text("")
    before = len(github.requests)
    started = time.perf_counter()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run_action(env, Runtime(github_write_pause_s=0.0))
    elapsed = time.perf_counter() - started
    assert code == 0, out.getvalue()
    made = github.requests[before:]
    # As the fake counts them: a GraphQL query (who the token is) reads.
    writes = sum(1 for r in github.writes() if any(r is m for m in made))
    return elapsed, len(made) - writes, writes, (event_path.parent / "summary.md").read_text()


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as name, served_github() as github:
        tmp = Path(name)
        started = time.perf_counter()
        changes, commits = history()
        tips = fast_import(tmp / "repo", changes, checkout="feature")
        base, head = tips["main"], tips["feature"]
        diff = subprocess.run(
            ["git", "diff", f"{base}...{head}"], cwd=tmp / "repo", capture_output=True, text=True,
            check=True,
        ).stdout  # fmt: skip
        github.add_pull(
            2, head_sha=head, base_sha=base, diff=diff, user_login="dev00",
            created_at=PR_CREATED.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )  # fmt: skip
        shas = subprocess.run(
            ["git", "rev-list", "--reverse", base], cwd=tmp / "repo", capture_output=True,
            text=True, check=True,
        ).stdout.split()  # fmt: skip
        for sha, commit in zip(shas, commits, strict=True):
            commit.sha = sha  # the API answers with the repository's real commits
        github.history.extend(commits)
        for author in authors():
            github.set_permission(author.name, "write")
        print(f"(repository of {COMMITS:,} commits built in {time.perf_counter() - started:.1f} s)")
        empty = tmp / "no-checkout"
        empty.mkdir()
        print(f"{'history':<38} {'wall s':>7} {'API reads':>10} {'API writes':>10}")
        for label, workspace in (
            ("workspace git history (fetch-depth 0)", tmp / "repo"),
            ("API commit list (30 files x 3 pages)", empty),
        ):
            elapsed, reads, writes, log = route(github, event(tmp, head, base), workspace)
            print(f"{label:<38} {elapsed:>7.1f} {reads:>10} {writes:>10}")
            if "--show" in sys.argv:
                print(log)
            # A dry run mentions nobody: the would-be reviewers are named in code spans.
            chosen = re.findall(r"\| `([^`]+)` \| ([\d.]+) \| [^|]+\| would", log)
            print("    would request:", ", ".join(f"{who} ({score})" for who, score in chosen))


if __name__ == "__main__":
    main()
