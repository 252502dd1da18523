"""Reading a pull request: its diff, files, comments, threads, and the repository's files."""

from __future__ import annotations

import logging
from typing import Any

from github import GithubException

from reviewer.core.fingerprint import PostedComment
from reviewer.errors import GitHubAuthError, GitHubError
from reviewer.github.client import DIFF_MEDIA_TYPE, ChangedFile, GitHubBase, _posted
from reviewer.github.errors import (
    TRANSPORT_ERRORS,
    DiffTooLarge,
    GitHubPermissionError,
    error_message,
    translate,
    unreachable,
)

log = logging.getLogger(__name__)

# Who GITHUB_TOKEN posts as; only markers in its comments are believed.
ACTIONS_BOT = "github-actions[bot]"


class GitHubReads(GitHubBase):
    def identity(self, token: str = "", bot_login: str = "") -> str | None:
        """The login we post as, whose markers alone are believed: `bot_login` when given,
        else GraphQL's `viewer` (it answers for installation tokens too, `GET /user`
        doesn't). Failing that, an installation token (`ghs_…`) is GITHUB_TOKEN's
        `github-actions[bot]`, and a user token is read with `GET /user`."""
        if bot_login:
            return bot_login
        try:
            viewer = self.graphql("read the token's identity", "query { viewer { login } }", {})
            login = (viewer.get("viewer") or {}).get("login")
            if isinstance(login, str) and login:
                return login
        except GitHubAuthError:
            raise
        except GitHubError as error:
            log.info("GraphQL could not say who the token is (%s).", error.message)
        if token.startswith("ghs_"):
            return ACTIONS_BOT
        return self._call(
            "read the token's identity",
            lambda: self._gh.get_user().login,
            expected={403: lambda _e: None, 404: lambda _e: None},
        )

    def fetch_diff(self) -> str:
        def too_large(error: GithubException) -> str:
            raise DiffTooLarge(f"GitHub will not serve this diff: {error_message(error)}")

        _, data = self._call(
            "read the pull request's diff",
            lambda: self._gh.requester.requestJsonAndCheck(
                "GET", self._pr_url, headers={"Accept": DIFF_MEDIA_TYPE}
            ),
            expected={406: too_large},
        )
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
        """The user's permission on the repository: admin, maintain, write, triage, read, none
        (asked once per user and run; logins are case-insensitive)."""
        key = login.lower()
        if key not in self._permissions:
            _, data = self._call(
                f"read {login}'s permission",
                lambda: self._gh.requester.requestJsonAndCheck(
                    "GET", f"{self._repo_url}/collaborators/{login}/permission"
                ),
                expected={404: lambda _e: (None, {"permission": "none"})},
            )
            self._permissions[key] = str(data.get("role_name") or data.get("permission") or "none")
            spelled = (data.get("user") or {}).get("login")
            if isinstance(spelled, str) and spelled.lower() == key:
                self._spellings[key] = spelled
        return self._permissions[key]

    def spelling_of(self, login: str) -> str:
        """`login` as GitHub spells the account, once its permission was read; else as given."""
        return self._spellings.get(login.lower(), login)

    def graphql(self, action: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A GraphQL request (GITHUB_GRAPHQL_URL's endpoint, derived from the API URL)."""
        try:
            _, data = self._gh.requester.graphql_query(query, variables)
        except GithubException as error:
            errors = error.data.get("errors") if isinstance(error.data, dict) else None
            if errors and any(e.get("type") == "FORBIDDEN" for e in errors):
                raise GitHubPermissionError(f"GitHub refused to {action}: {errors}") from None
            raise translate(error, action) from None
        except TRANSPORT_ERRORS as error:
            raise unreachable(error, action) from None
        return dict(data.get("data") or {})

    def compare(self, base: str, head: str) -> str:
        """How `head` relates to `base`: ahead, behind, identical, diverged (or "missing"
        when GitHub no longer has `base`, e.g. after a force-push and garbage collection)."""
        _, data = self._call(
            "compare the new commits",
            lambda: self._gh.requester.requestJsonAndCheck(
                "GET", f"{self._repo_url}/compare/{base}...{head}", parameters={"per_page": 1}
            ),
            expected={404: lambda _e: (None, {"status": "missing"})},
        )
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
                ChangedFile(f.filename, f.status, f.previous_filename, f.patch, f.changes or 0)
                for f in self._pull.get_files()
            ],
        )

    def commit_messages(self, limit: int = 100) -> list[str]:
        """The messages of the pull request's commits, oldest first (at most `limit`)."""
        return self._call(
            "list the pull request's commits",
            lambda: [str(c.commit.message) for c in list(self._pull.get_commits())[:limit]],
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
        content = self._call(
            f"read {path} at {ref[:12]}",
            lambda: self._repo.get_contents(path, ref=ref),
            expected={404: lambda _e: None},
        )
        if content is None or isinstance(content, list):
            return None  # not there, or a directory
        return content.decoded_content.decode("utf-8", "replace")

    def comments_of_review(self, review_id: int) -> list[PostedComment]:
        return self._call(
            "list the review's comments",
            lambda: [_posted(c) for c in self._pull.get_single_review_comments(review_id)],
        )
