"""The repository at the pull request's base commit, read through the GitHub API."""

from __future__ import annotations

from reviewer.github.adapter import GitHubAdapter


class ApiBaseReader:
    """`core.guidance.BaseReader` over the contents and trees APIs."""

    def __init__(self, github: GitHubAdapter, base_sha: str) -> None:
        self._github = github
        self._sha = base_sha

    def read(self, path: str) -> str | None:
        return self._github.read_file(path, self._sha)

    def paths(self) -> list[str]:
        return self._github.tree_paths(self._sha)
