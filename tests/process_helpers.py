"""Test data for the review process: a repository whose history the test writes (authors,
emails, dates), served both as the workspace checkout and through the fake GitHub."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from action_runner import pr_event
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub

PR_CREATED = datetime(2024, 6, 1, 12, tzinfo=UTC)
AUTHOR = "Codertocat"  # the example event's PR author
ALICE = "1111+alice@users.noreply.github.com"  # noreply: a login without asking GitHub
# The accounts GitHub links commit emails to (what `author.login` says in its API).
LINKED = {
    ALICE: "alice",
    "bob@corp.example": "bob",
    "bob.old@corp.example": "bob",
    "carol@example.com": "carol",
    "dave@example.com": "dave",
    "21031067+Codertocat@users.noreply.github.com": AUTHOR,
    "49699333+dependabot[bot]@users.noreply.github.com": "dependabot[bot]",
}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ago(days: float) -> str:
    return iso(PR_CREATED - timedelta(days=days))


@dataclass(frozen=True)
class HistoryRepo:
    repo: GitRepo
    base: str
    head: str

    def log(self) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
        """The base branch's commits as the API would list them (no mailmap there)."""
        out = self.repo.git(
            "log", "-z", "--name-only", "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI", self.base
        )
        rows = []
        for record in out.split("\x1e")[1:]:
            header, _, files = record.partition("\0")
            sha, name, email, date = header.split("\x1f")
            rows.append(
                (sha, name, email, date, tuple(p for p in files.lstrip("\n").split("\0") if p))
            )
        return rows


def build_history(root: Path) -> HistoryRepo:
    """src/pay/charge.py, known to bob (8 recent commits under two emails that the base's
    .mailmap joins) and alice (5, more recent); carol's 12 are 450 days old; a bot commits
    daily; dave touched only the docs. The PR (by Codertocat) changes 30 lines of
    charge.py and 2 of docs/guide.md."""
    repo = GitRepo(root)
    repo.write("src/pay/charge.py", "".join(f"line {i}\n" for i in range(40)))
    repo.write("docs/guide.md", "# Guide\n")
    repo.write(".mailmap", "Bob <bob@corp.example> <bob.old@corp.example>\n")
    repo.write(".github/CODEOWNERS", f"* @{AUTHOR}\n/src/pay/ @payments-lead @{AUTHOR}/payments\n")
    repo.commit_as(AUTHOR, "21031067+Codertocat@users.noreply.github.com", ago(500))
    for i in range(12):
        repo.write("src/pay/charge.py", f"carol {i}\n" + "x\n" * 40)
        repo.commit_as("Carol", "carol@example.com", ago(460 - i))
    for i, (email, days) in enumerate(
        [("bob.old@corp.example", 20)] * 4 + [("bob@corp.example", 10)] * 4
    ):
        repo.write("src/pay/charge.py", f"bob {i}\n" + "x\n" * 40)
        repo.commit_as("Bob", email, ago(days + 0.1 * i))
    for i in range(5):
        repo.write("src/pay/charge.py", f"alice {i}\n" + "x\n" * 40)
        repo.commit_as("Alice", ALICE, ago(7 - i))
    for i in range(10):
        repo.write("src/pay/charge.py", f"deps {i}\n" + "x\n" * 40)
        repo.commit_as(
            "dependabot[bot]",
            "49699333+dependabot[bot]@users.noreply.github.com",
            ago(1.5 - 0.1 * i),
        )
    for i in range(2):
        repo.write("docs/guide.md", f"# Guide {i}\n")
        repo.commit_as("Dave", "dave@example.com", ago(1 - 0.1 * i))
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/pay/charge.py", "".join(f"new {i}\n" for i in range(15)) + "x\n" * 26)
    repo.write("docs/guide.md", "# Guide\nMore.\n")
    head = repo.commit_as(AUTHOR, "21031067+Codertocat@users.noreply.github.com", iso(PR_CREATED))
    return HistoryRepo(repo, base, head)


def serve_pull(fake: FakeGitHub, history: HistoryRepo, number: int = 2) -> dict[str, Any]:
    """The PR in the fake GitHub (with the repository's history behind its API), and the
    `pull_request.opened` event for it."""
    fake.add_pull(
        number,
        head_sha=history.head,
        base_sha=history.base,
        diff=history.repo.diff(history.base, history.head),
        user_login=AUTHOR,
        created_at=iso(PR_CREATED),
    )
    if not fake.history:
        fake.load_history(history.log(), LINKED)
    for login in ("alice", "bob", "carol", "payments-lead"):
        fake.set_permission(login, "write")
    fake.set_permission("dave", "read")
    fake.set_team(f"{AUTHOR}/payments", ["erin"])
    event = copy.deepcopy(pr_event("opened"))
    pr = event["pull_request"]
    pr.update(number=number, created_at=iso(PR_CREATED))
    pr["head"]["sha"], pr["base"]["sha"] = history.head, history.base
    return event
