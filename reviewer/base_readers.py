"""Reading the repository at the base commit: through the GitHub API (action) or git (CLI)."""

from __future__ import annotations

from pathlib import Path

from reviewer.errors import ConfigError
from reviewer.github_adapter import GitHubAdapter


class ApiBaseReader:
    def __init__(self, github: GitHubAdapter, base_sha: str) -> None:
        self._github = github
        self._sha = base_sha

    def read(self, path: str) -> str | None:
        return self._github.read_file(path, self._sha)

    def paths(self) -> list[str]:
        return self._github.tree_paths(self._sha)


class GitBaseReader:
    def __init__(self, repo: Path, base: str) -> None:
        self._repo = repo
        self._base = base

    def read(self, path: str) -> str | None:
        from reviewer.local import git

        try:
            return git(self._repo, "show", f"{self._base}:{path}")
        except ConfigError:
            return None  # not there at the base

    def paths(self) -> list[str]:
        from reviewer.local import git

        return git(self._repo, "ls-tree", "-r", "--name-only", self._base).splitlines()
