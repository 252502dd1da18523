"""Where the review's context comes from (core/review_context.py): the repository at the
base commit, read from the workspace's git checkout when it holds that commit, else through
the API (a bounded number of files); the `context-report` file; the PR's stated intent.

Nothing here runs when the context inputs are off."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Collection, Sequence
from pathlib import Path

from reviewer.core.context_report import report_part
from reviewer.core.review_context import ContextPart, has_word
from reviewer.core.syntax import suffix_of
from reviewer.core.tokens import TokenCounter
from reviewer.errors import GitHubError
from reviewer.github.adapter import GitHubAdapter

log = logging.getLogger(__name__)

MAX_REPORT_BYTES = 2_000_000
# Without a checkout, context costs API requests, which a GITHUB_TOKEN has 1,000 of an hour
# per repository: at most this many files are read at the head (for the lines around each
# change) and at the base (for related code), per run. A checkout of the base commit reads
# them all with none.
MAX_API_READS = 30
MAX_GREP_FILES = 500


_GIT = ("git", "-c", "safe.directory=*", "-c", "core.quotepath=off")


class GitRepository:
    """`core.review_context.Repository` over git at one commit: `git grep` and `git show`,
    read-only, with no external drivers (nothing of the repository runs)."""

    def __init__(self, root: Path, commit: str) -> None:
        self._root = root
        self._commit = commit

    @classmethod
    def at(cls, root: str | Path | None, commit: str) -> GitRepository | None:
        """The checkout at `root` if it is a git repository holding `commit`."""
        if not root or not (Path(root) / ".git").exists():
            return None
        repository = cls(Path(root), commit)
        probe = repository._git("cat-file", "-e", f"{commit}^{{commit}}")
        return repository if probe is not None else None

    def _git(self, *args: str) -> str | None:
        try:
            done = subprocess.run(
                # safe.directory: the container runs as root in the runner user's checkout.
                [*_GIT, "-C", str(self._root), *args],
                capture_output=True,
                check=False,
                timeout=120,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None

    def read(self, path: str) -> str | None:
        return self._git("show", f"{self._commit}:{path}")

    def containing(self, words: Sequence[str], suffixes: Collection[str]) -> list[str]:
        patterns = [arg for word in words for arg in ("-e", word)]
        globs = [f"*{suffix}" for suffix in sorted(suffixes)]
        out = self._git("grep", "-l", "-F", "-w", "-z", *patterns, self._commit, "--", *globs)
        prefix = f"{self._commit}:"
        paths = [p.removeprefix(prefix) for p in (out or "").split("\0") if p]
        return paths[:MAX_GREP_FILES]


class ApiNewTexts:
    """Changed files' new text through the API, for the lines around each change: the first
    MAX_API_READS files asked for; after that (or on an error), None, and the diff's own
    context is used."""

    def __init__(self, github: GitHubAdapter, head_sha: str) -> None:
        self._github = github
        self._head_sha = head_sha
        self.reads = 0

    def __call__(self, path: str) -> str | None:
        if self.reads >= MAX_API_READS:
            return None
        self.reads += 1
        try:
            return self._github.read_file(path, self._head_sha)
        except GitHubError as error:
            log.info("Could not read %s for context: %s", path, error.message)
            return None


class ApiRepository:
    """The base commit through the API: the tree once, then files near the changed ones,
    read on demand up to MAX_API_READS."""

    def __init__(self, github: GitHubAdapter, commit: str, near: Collection[str]) -> None:
        self._github = github
        self._commit = commit
        self._near = {p.rsplit("/", 1)[0] if "/" in p else "" for p in near}
        self._texts: dict[str, str | None] = {}
        self._paths: list[str] | None = None

    def read(self, path: str) -> str | None:
        if path not in self._texts:
            if len(self._texts) >= MAX_API_READS:
                return None
            try:
                self._texts[path] = self._github.read_file(path, self._commit)
            except GitHubError as error:
                log.info("Could not read %s for context: %s", path, error.message)
                self._texts[path] = None
        return self._texts[path]

    def containing(self, words: Sequence[str], suffixes: Collection[str]) -> list[str]:
        if self._paths is None:
            try:
                self._paths = self._github.tree_paths(self._commit)
            except GitHubError as error:
                log.info("Could not list the repository for context: %s", error.message)
                self._paths = []
        folders = self._near
        nearby = [
            p for p in self._paths
            if suffix_of(p) in suffixes and (p.rsplit("/", 1)[0] if "/" in p else "") in folders
        ]  # fmt: skip
        return [
            p for p in nearby if (text := self.read(p)) and any(has_word(text, w) for w in words)
        ]


def load_report(
    path: str, workspace: str | None, changed: Collection[str], count_tokens: TokenCounter
) -> tuple[ContextPart | None, str]:
    """The `context-report` file as a prompt section, and a note for the summary."""
    target = Path(path)
    if not target.is_absolute() and workspace:
        target = Path(workspace) / target
    try:
        with target.open("rb") as handle:
            data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as error:
        return (
            None,
            f"Context report {path} could not be read ({error.strerror or error}): not used.",
        )
    text = data[:MAX_REPORT_BYTES].decode("utf-8", "replace")
    return report_part(target.name, text, changed, count_tokens)


def changed_paths(diff_text: str) -> list[str]:
    """The paths a diff's `+++ b/` lines name: cheap, for choosing what context to read."""
    return [line[6:] for line in diff_text.splitlines() if line.startswith("+++ b/")]
