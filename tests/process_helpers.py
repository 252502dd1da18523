"""Test data for the review process: a repository whose history the test writes (authors,
emails, dates), served both as the workspace checkout and through the fake GitHub."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from action_runner import pr_event
from fakes.git_history import Change, fast_import
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub

PR_CREATED = datetime(2024, 6, 1, 12, tzinfo=UTC)
ROUTING_ONLY = {"review": "false", "api-key": "", "base-url": "", "assign-reviewers": "2"}
AUTHOR = "Codertocat"  # the example event's PR author
ALICE = "1111+alice@users.noreply.github.com"  # noreply: a login without asking GitHub
NOREPLY_AUTHOR = "21031067+Codertocat@users.noreply.github.com"
GUIDE = "docs/guide.md"
BOT = "49699333+dependabot[bot]@users.noreply.github.com"
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


def at(days_before: float) -> datetime:
    return PR_CREATED - timedelta(days=days_before)


@dataclass(frozen=True)
class HistoryRepo:
    repo: GitRepo
    base: str
    head: str

    def log(self) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
        """The base branch's commits as the API would list them (no mailmap there). Each
        record: an empty field, four positional ones, then its files (the first after a
        newline); NUL ends every field, so no name can split one."""
        fields = self.repo.git(
            "log", "-z", "--name-only", "--format=%x00%H%x00%an%x00%ae%x00%aI", self.base
        ).split("\0")
        rows = []
        i = 0
        while i + 4 < len(fields):
            sha, name, email, date = fields[i + 1 : i + 5]
            i += 5
            paths: list[str] = []
            while i < len(fields) and fields[i]:
                paths.append(fields[i].removeprefix("\n"))
                i += 1
            rows.append((sha, name, email, date, tuple(paths)))
        return rows


def edit(
    name: str, email: str, days_before: float, text: str, path: str = "src/pay/charge.py"
) -> Change:
    return Change(name, email, at(days_before), {path: text})


def build_history(root: Path) -> HistoryRepo:
    """src/pay/charge.py, known to bob (8 recent commits under two emails that the base's
    .mailmap joins) and alice (5, more recent); carol's 12 are 450 days old; a bot commits
    daily; dave touched only the docs. The PR (by Codertocat) changes 30 lines of
    charge.py and 3 of docs/guide.md."""
    body = "x\n" * 40
    charge = "src/pay/charge.py"
    bob = [("bob.old@corp.example", 20)] * 4 + [("bob@corp.example", 10)] * 4
    changes = [
        Change(AUTHOR, NOREPLY_AUTHOR, at(500), {
            charge: "".join(f"line {i}\n" for i in range(40)),
            "docs/guide.md": "# Guide\n",
            ".mailmap": "Bob <bob@corp.example> <bob.old@corp.example>\n",
            ".github/CODEOWNERS": f"* @{AUTHOR}\n/src/pay/ @payments-lead @{AUTHOR}/payments\n",
        }),
        *[edit("Carol", "carol@example.com", 460 - i, f"c{i}\n{body}") for i in range(12)],
        *[edit("Bob", mail, days + i / 10, f"b{i}\n{body}") for i, (mail, days) in enumerate(bob)],
        *[edit("Alice", ALICE, 7 - i, f"a{i}\n{body}") for i in range(5)],
        *[edit("dependabot[bot]", BOT, 1.5 - i / 10, f"d{i}\n{body}") for i in range(10)],
        *[edit("Dave", "dave@example.com", 1 - i / 10, f"# G{i}\n", GUIDE) for i in range(2)],
        Change(AUTHOR, NOREPLY_AUTHOR, PR_CREATED, {
            charge: "".join(f"new {i}\n" for i in range(15)) + "x\n" * 26,
            "docs/guide.md": "# Guide\nMore.\n",
        }, branch="feature"),
    ]  # fmt: skip
    tips = fast_import(root, changes, checkout="feature")
    return HistoryRepo(GitRepo.existing(root), tips["main"], tips["feature"])


@dataclass(frozen=True)
class Dev:
    """Someone in a test's history: `commits` commits to charge.py, the last one `days`
    before the PR; `login` is the account GitHub links `email` to (None: none)."""

    name: str
    email: str
    commits: int
    days: float
    login: str | None = None


def build_team_history(
    root: Path, devs: list[Dev], *, author: Dev, codeowners: str | None = None
) -> HistoryRepo:
    """src/pay/charge.py (and `.github/CODEOWNERS`, if given), created by `author` long ago
    and then edited by `devs` (a day between each one's commits); the PR (by `author`)
    changes 15 of its lines."""
    charge = "src/pay/charge.py"
    body = "x\n" * 40
    first = {charge: body, **({".github/CODEOWNERS": codeowners} if codeowners else {})}
    changes = [Change(author.name, author.email, at(500), first)]
    for d, dev in enumerate(devs):
        changes += [
            edit(dev.name, dev.email, dev.days + i, f"{d}.{i}\n{body}")
            for i in reversed(range(dev.commits))
        ]
    changes.append(
        Change(author.name, author.email, PR_CREATED, {charge: "new\n" * 15 + body}, branch="pr")
    )
    tips = fast_import(root, changes, checkout="pr")
    return HistoryRepo(GitRepo.existing(root), tips["main"], tips["pr"])


def serve_pull(
    fake: FakeGitHub,
    history: HistoryRepo,
    number: int = 2,
    *,
    author: str = AUTHOR,
    linked: dict[str, str] | None = None,
    writers: tuple[str, ...] = ("alice", "bob", "carol", "payments-lead"),
    readers: tuple[str, ...] = ("dave",),
) -> dict[str, Any]:
    """The PR in the fake GitHub (with the repository's history behind its API, commit
    emails linked to accounts by `linked`), and the `pull_request.opened` event for it."""
    fake.add_pull(
        number,
        head_sha=history.head,
        base_sha=history.base,
        diff=history.repo.diff(history.base, history.head),
        user_login=author,
        created_at=iso(PR_CREATED),
    )
    if not fake.history:
        fake.load_history(history.log(), LINKED if linked is None else linked)
    if author not in fake.permissions:
        fake.set_permission(author, "write")
    for login in writers:
        fake.set_permission(login, "write")
    for login in readers:
        fake.set_permission(login, "read")
    fake.set_team(f"{AUTHOR}/payments", ["erin"])
    event = copy.deepcopy(pr_event("opened"))
    pr = event["pull_request"]
    pr.update(number=number, created_at=iso(PR_CREATED))
    pr["user"]["login"] = author
    pr["head"]["sha"], pr["base"]["sha"] = history.head, history.base
    return event


def requests_to(fake: FakeGitHub, number: int = 2) -> list[dict]:  # type: ignore[type-arg]
    path = f"/repos/Codertocat/Hello-World/pulls/{number}/requested_reviewers"
    return [r.json for r in fake.requests if r.method == "POST" and r.path == path]
