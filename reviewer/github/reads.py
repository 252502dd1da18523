"""Reading a pull request: its diff, files, comments, threads, and the repository's files."""

from __future__ import annotations

from typing import Any

from github import GithubException

from reviewer.core.fingerprint import PostedComment
from reviewer.errors import GitHubError
from reviewer.github.client import DIFF_MEDIA_TYPE, ChangedFile, GitHubBase, _posted
from reviewer.github.errors import DiffTooLarge, GitHubPermissionError, error_message, translate

# Who GITHUB_TOKEN posts as; only markers in its comments are believed.
ACTIONS_BOT = "github-actions[bot]"


class GitHubReads(GitHubBase):
    def identity(self, token: str = "") -> str | None:
        """The login we post as. An installation token (`ghs_…`, as GITHUB_TOKEN is) has no
        user to read: it posts as `github-actions[bot]`. None only if it cannot be known."""
        if token.startswith("ghs_"):
            return ACTIONS_BOT
        try:
            return self._gh.get_user().login
        except GithubException as error:
            if error.status in (401,):
                raise translate(error, "read the token's identity") from None
            return None

    def fetch_diff(self) -> str:
        try:
            _, data = self._gh.requester.requestJsonAndCheck(
                "GET", self._pr_url, headers={"Accept": DIFF_MEDIA_TYPE}
            )
        except GithubException as error:
            if error.status == 406:
                raise DiffTooLarge(
                    f"GitHub will not serve this diff: {error_message(error)}"
                ) from None
            raise translate(error, "read the pull request's diff") from None
        if data is None:
            return ""
        diff = data.get("data") if isinstance(data, dict) else None
        if isinstance(diff, str):
            return diff
        raise GitHubError("GitHub answered the diff request with JSON instead of a diff.")

    def pull_request_json(self) -> dict[str, Any]:
        _, data = self._call(
            "read the pull request",
            lambda: self._gh.requester.requestJsonAndCheck("GET", self._pr_url),
        )
        return dict(data)

    def permission_of(self, login: str) -> str:
        """The user's permission on the repository: admin, maintain, write, triage, read, none."""
        _, data = self._call(
            f"read {login}'s permission",
            lambda: self._gh.requester.requestJsonAndCheck(
                "GET", f"{self._repo_url}/collaborators/{login}/permission"
            ),
        )
        return str(data.get("role_name") or data.get("permission") or "none")

    def graphql(self, action: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A GraphQL request (GITHUB_GRAPHQL_URL's endpoint, derived from the API URL)."""
        try:
            _, data = self._gh.requester.graphql_query(query, variables)
        except GithubException as error:
            errors = error.data.get("errors") if isinstance(error.data, dict) else None
            if errors and any(e.get("type") == "FORBIDDEN" for e in errors):
                raise GitHubPermissionError(f"GitHub refused to {action}: {errors}") from None
            raise translate(error, action) from None
        return dict(data.get("data") or {})

    def compare(self, base: str, head: str) -> str:
        """How `head` relates to `base`: ahead, behind, identical, diverged (or "missing"
        when GitHub no longer has `base`, e.g. after a force-push and garbage collection)."""
        try:
            _, data = self._gh.requester.requestJsonAndCheck(
                "GET", f"{self._repo_url}/compare/{base}...{head}", parameters={"per_page": 1}
            )
        except GithubException as error:
            if error.status == 404:
                return "missing"
            raise translate(error, "compare the new commits") from None
        return str(data.get("status", "diverged"))

    def compare_diff(self, base: str, head: str) -> str:
        _, data = self._call(
            "read the new commits' diff",
            lambda: self._gh.requester.requestJsonAndCheck(
                "GET",
                f"{self._repo_url}/compare/{base}...{head}",
                headers={"Accept": DIFF_MEDIA_TYPE},
            ),
        )
        diff = data.get("data") if isinstance(data, dict) else None
        return diff if isinstance(diff, str) else ""

    def changed_files(self) -> list[ChangedFile]:
        """The PR's files with their patches (paginated; GitHub lists at most 3,000)."""
        return self._call(
            "list the pull request's files",
            lambda: [
                ChangedFile(f.filename, f.status, f.previous_filename, f.patch)
                for f in self._pull.get_files()
            ],
        )

    def review_comments(self) -> list[PostedComment]:
        return self._call(
            "list the review comments",
            lambda: [_posted(c) for c in self._pull.get_review_comments()],
        )

    def issue_comments(self) -> list[PostedComment]:
        return self._call(
            "list the PR's comments", lambda: [_posted(c) for c in self._issue.get_comments()]
        )

    def tree_paths(self, ref: str) -> list[str]:
        """Every file path at `ref` (one request: the recursive git tree)."""
        tree = self._call(
            "list the repository's files",
            lambda: self._repo.get_git_tree(ref, recursive=True).tree,
        )
        return [element.path for element in tree if element.type == "blob"]

    def read_file(self, path: str, ref: str) -> str | None:
        """A file's text at `ref`, or None when it does not exist there."""
        try:
            content = self._repo.get_contents(path, ref=ref)
        except GithubException as error:
            if error.status == 404:
                return None
            raise translate(error, f"read {path} at {ref[:12]}") from None
        if isinstance(content, list):
            return None  # a directory
        return content.decoded_content.decode("utf-8", "replace")

    def comments_of_review(self, review_id: int) -> list[PostedComment]:
        return self._call(
            "list the review's comments",
            lambda: [_posted(c) for c in self._pull.get_single_review_comments(review_id)],
        )
