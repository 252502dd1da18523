"""The base branch's history from the workspace checkout (`actions/checkout` with
`fetch-depth: 0`), for reviewer routing.

git runs read-only on the repository as a bare one: no work tree, so nothing the pull
request put in the checkout is read (its `.mailmap` included: the mailmap is read from
the base commit) and nothing from it runs (no hooks, no diff drivers, no textconv)."""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

GIT_TIMEOUT_S = 600
PATHSPEC_LIMIT = 100


@dataclass(frozen=True, slots=True)
class GitCommit:
    sha: str
    name: str  # after the base commit's .mailmap
    email: str  # as written (a noreply address holds the login as its owner spells it)
    date: datetime  # author date
    paths: tuple[str, ...]


class Checkout:
    """The workspace's repository, when it holds the whole history of the base commit."""

    def __init__(self, git_dir: Path, base_sha: str) -> None:
        self._git_dir = git_dir
        self._base = base_sha

    @classmethod
    def open(cls, workspace: str | None, base_sha: str) -> Checkout | None:
        if not workspace or not (Path(workspace) / ".git").is_dir():
            return None
        checkout = cls(Path(workspace) / ".git", base_sha)
        try:
            shallow = checkout._git("rev-parse", "--is-shallow-repository").strip()
            checkout._git("cat-file", "-e", f"{base_sha}^{{commit}}")
        except (OSError, subprocess.SubprocessError) as error:
            log.info("No usable history in the workspace (%s); using the API.", error)
            return None
        if shallow != "false":
            log.info("The checkout is shallow (fetch-depth: 0 gives the history); using the API.")
            return None
        return checkout

    def _git(self, *args: str) -> str:
        command = [
            "git",
            f"--git-dir={self._git_dir}",
            "--bare",
            "--literal-pathspecs",
            "--no-pager",
            "-c",
            "safe.directory=*",  # the container's root reads a checkout the runner owns
            "-c",
            "core.quotepath=off",
            "-c",
            f"mailmap.blob={self._base}:.mailmap",
            *args,
        ]
        done = subprocess.run(command, capture_output=True, check=False, timeout=GIT_TIMEOUT_S)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise subprocess.SubprocessError(f"git {args[0]} failed: {message}")
        return done.stdout.decode("utf-8", "replace")

    def changed_lines(self, head_sha: str) -> dict[str, int] | None:
        """Lines changed per file by the PR (base...head), or None without the head."""
        try:
            self._git("cat-file", "-e", f"{head_sha}^{{commit}}")
            out = self._git(
                "diff", "--numstat", "-z", "--no-renames", "--no-ext-diff", "--no-textconv",
                f"{self._base}...{head_sha}",
            )  # fmt: skip
        except subprocess.SubprocessError:
            return None
        changed: dict[str, int] = {}
        for entry in out.split("\0"):
            added, _, rest = entry.partition("\t")
            deleted, _, path = rest.partition("\t")
            if path:
                lines = (int(added) if added.isdigit() else 0) + (
                    int(deleted) if deleted.isdigit() else 0
                )
                changed[path] = lines
        return changed

    def read(self, path: str) -> str | None:
        """A file at the base commit (CODEOWNERS), or None."""
        try:
            return self._git("show", f"{self._base}:{path}")
        except subprocess.SubprocessError:
            return None

    def history(self, paths: Sequence[str]) -> list[GitCommit] | None:
        """Every non-merge commit reachable from the base commit that touched `paths`, with
        only those of its files; None if git fails. Past PATHSPEC_LIMIT paths, git's
        pathspec matching costs more than reading the whole log (2,000 paths over 50,000
        commits: minutes against seconds), so the whole log is read and filtered here."""
        if not paths:
            return []
        wanted = set(paths)
        limit = ["--", *paths] if len(paths) <= PATHSPEC_LIMIT else []
        try:
            out = self._git(
                "log", "--use-mailmap", "--no-merges", "--no-renames", "-z", "--name-only",
                f"--format={LOG_FORMAT}", self._base, *limit,
            )  # fmt: skip
        except subprocess.SubprocessError as error:
            log.warning("Could not read the workspace's history (%s); using the API.", error)
            return None
        found = []
        for commit in parse_log(out):
            touched = tuple(p for p in commit.paths if p in wanted)
            if touched:
                found.append(GitCommit(commit.sha, commit.name, commit.email, commit.date, touched))
        return found


# Every field ends in NUL, the one byte git keeps out of names, emails and paths, so no
# author can split a record (a name may hold any other separator). With `-z` git ends each
# commit in NUL too and lists its files NUL-terminated after a newline; an empty field
# (two NULs: no path is ever empty) starts each commit, and the four fields after it are
# positional, so an empty name cannot shift them.
LOG_FORMAT = "%x00%H%x00%aN%x00%aE%x00%aI"
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1, or SHA-256


def parse_log(out: str) -> list[GitCommit]:
    """Commits from `git log -z --name-only --format=LOG_FORMAT`; a record that does not
    hold a commit id and an ISO date where they belong is skipped, never guessed at."""
    fields = out.split("\0")
    commits = []
    i = 0
    while i + 4 < len(fields):
        if fields[i] != "":
            i += 1  # not at a record's start: out of step, look for the next one
            continue
        sha, name, email, date = fields[i + 1 : i + 5]
        i += 5
        paths: list[str] = []
        while i < len(fields) and fields[i] != "":
            paths.append(fields[i].removeprefix("\n") if not paths else fields[i])
            i += 1
        try:
            when = datetime.fromisoformat(date)
        except ValueError:
            log.warning("Skipped a commit the log could not give a date for (%r).", sha[:40])
            continue
        if not _SHA.fullmatch(sha):
            log.warning("Skipped a log record with no commit id (%r).", sha[:40])
            continue
        commits.append(GitCommit(sha, name, email, when, tuple(paths)))
    return commits
