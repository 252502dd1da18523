"""GitHub API calls per run, counted on the fake GitHub, for the runs that matter.

    python -m bench.bench_github

Target (issue 5): at most 4 writes per run, whatever the number of findings.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.fakes import (
    FakeGitHub,
    FakeModelServer,
    ReadingModel,
    Trigger,
    served_github,
    served_model,
)
from reviewer.app.action import run_action

RISKY = Trigger("eval(", severity="warning", category="security", title="eval")


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@b", "HOME": str(repo), "PATH": "/usr/bin:/bin"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
    return done.stdout.decode()


def commit(repo: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "c")
    return git(repo, "rev-parse", "HEAD").strip()


def source(findings: int, extra: str = "") -> str:
    return "".join(f"def f{i}(x):\n    return eval(x + {i})\n\n" for i in range(findings)) + extra


def event(tmp: Path, head: str, base: str, action: str) -> Path:
    payload: dict[str, Any] = {
        "action": action,
        "number": 2,
        "pull_request": {
            "number": 2,
            "draft": False,
            "head": {
                "sha": head,
                "ref": "feature",
                "repo": {"full_name": "Codertocat/Hello-World"},
            },
            "base": {"sha": base, "ref": "main", "repo": {"full_name": "Codertocat/Hello-World"}},
        },
    }
    path = tmp / f"event-{head[:7]}.json"
    path.write_text(json.dumps(payload))
    return path


def action(tmp: Path, github: FakeGitHub, model: FakeModelServer, event_path: Path) -> int:
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_API_URL": github.base_url,
        "GITHUB_WORKSPACE": str(tmp),  # the findings file goes here, not into the caller's folder
        "INPUT_GITHUB-TOKEN": "ghs_test",
        "INPUT_API-KEY": "sk-bench",
        "INPUT_BASE-URL": model.base_url,
        "INPUT_MAX-COMMENTS": "100",
        "INPUT_MAX-COMMENTS-PER-FILE": "100",
    }
    with contextlib.redirect_stdout(io.StringIO()):
        return run_action(env)


def count(github: FakeGitHub, since: int) -> tuple[int, int]:
    requests = github.requests[since:]
    writes = [r for r in github.writes() if r in requests]
    return len(requests) - len(writes), len(writes)


def main() -> None:
    rows: list[tuple[str, int, int, int, int]] = []
    with tempfile.TemporaryDirectory() as name, served_github() as github, served_model() as model:
        tmp = Path(name)
        repo = tmp / "repo"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        base = commit(repo, {"app.py": "import os\n"})
        model.model = ReadingModel([RISKY])

        def diff(old: str, new: str) -> str:
            return git(repo, "diff", f"{old}...{new}")

        def review(label: str, head: str, action_name: str) -> None:
            earlier = tuple(h for h in heads if h != head)
            github.add_pull(2, head_sha=head, base_sha=base, diff=diff(base, head), commits=earlier)
            start = len(github.requests)
            action(tmp, github, model, event(tmp, head, base, action_name))
            reads, writes = count(github, start)
            comments = len(github.review_comments)
            rows.append((label, comments, len(github.resolved_threads), reads, writes))

        heads: list[str] = []
        heads.append(commit(repo, {"app.py": "import os\n" + source(3)}))
        review("first review, 3 findings", heads[-1], "opened")
        review("re-run, nothing new", heads[-1], "reopened")
        heads.append(commit(repo, {"app.py": "import os\n" + source(40)}))
        github.set_compare(heads[-2], heads[-1], status="ahead", diff=diff(heads[-2], heads[-1]))
        review("push adding 37 findings (incremental)", heads[-1], "synchronize")
        for comment in github.review_comments[:5]:
            github.mark_outdated(int(comment["id"]))
        heads.append(
            commit(
                repo, {"app.py": "import os\n" + source(40).replace("return eval(", "return (", 5)}
            )
        )
        github.set_compare(heads[-2], heads[-1], status="ahead", diff=diff(heads[-2], heads[-1]))
        review("push fixing 5 (threads resolved)", heads[-1], "synchronize")
    print(f"{'run':<40} {'comments on PR':>14} {'resolved':>8} {'reads':>6} {'writes':>6}")
    for label, comments, resolved, reads, writes in rows:
        print(f"{label:<40} {comments:>14} {resolved:>8} {reads:>6} {writes:>6}")


if __name__ == "__main__":
    main()
