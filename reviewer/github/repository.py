"""Repository-wide reads for the review process: open pull requests, commits per path,
commit authors, open review requests per user, team members, the merge queue."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from github import Github, GithubException

from reviewer.core.identity import is_bot
from reviewer.core.merge_gate import GroupCommit
from reviewer.core.pull_activity import OpenPull
from reviewer.core.routing import UNLINKED, AuthoredCommit
from reviewer.github.errors import translate
from reviewer.github.pages import collect, parse_time

log = logging.getLogger(__name__)

_ISO = "%Y-%m-%dT%H:%M:%SZ"  # the form GitHub documents for `since`/`until`
_MERGE_QUEUE = """
query($owner: String!, $name: String!, $branch: String!) {
  repository(owner: $owner, name: $name) {
    mergeQueue(branch: $branch) { entries(first: 100) { nodes { pullRequest { number } } } }
  }
}"""


def open_pull_of(data: dict[str, Any]) -> OpenPull:
    return OpenPull(
        number=int(data["number"]),
        title=str(data.get("title") or ""),
        author=str((data.get("user") or {}).get("login") or ""),
        draft=bool(data.get("draft")),
        created_at=parse_time(data["created_at"]),
        head_sha=str(data["head"]["sha"]),
        base_ref=str(data["base"]["ref"]),
        url=str(data.get("html_url") or ""),
        labels=tuple(str(label.get("name") or "") for label in data.get("labels") or []),
        requested_users=tuple(
            str(u.get("login") or "") for u in data.get("requested_reviewers") or []
        ),
        requested_teams=tuple(str(t.get("slug") or "") for t in data.get("requested_teams") or []),
    )


@dataclass(frozen=True, slots=True)
class PathHistory:
    commits: list[AuthoredCommit]
    truncated: bool  # the page cap was reached: older commits were not read


class RepositoryCalls:
    def __init__(self, github: Github, repository: str) -> None:
        self._gh = github
        self._repository = repository
        self._url = f"{github.requester.base_url}/repos/{repository}"
        self._api = github.requester.base_url

    def _get(self, action: str, url: str, **parameters: Any) -> Any:
        try:
            return self._gh.requester.requestJsonAndCheck("GET", url, parameters=parameters)[1]
        except GithubException as error:
            raise translate(error, action) from None

    def open_pulls(self) -> list[OpenPull]:
        try:
            items, _ = collect(self._gh, f"{self._url}/pulls", {"state": "open"})
        except GithubException as error:
            raise translate(error, "list the open pull requests") from None
        return [open_pull_of(item) for item in items]

    def pull(self, number: int) -> OpenPull:
        return open_pull_of(
            self._get(f"read pull request #{number}", f"{self._url}/pulls/{number}")
        )

    def path_history(self, path: str, *, sha: str, until: datetime, max_pages: int) -> PathHistory:
        """Commits to `path` reachable from `sha`, up to `until`, newest first, at most
        `max_pages` pages of 100. Authors are logins where GitHub links the commit to an
        account, else `email:<address>`."""
        params = {"sha": sha, "path": path, "until": until.astimezone(UTC).strftime(_ISO)}
        try:
            items, truncated = collect(
                self._gh, f"{self._url}/commits", params, max_pages=max_pages
            )
        except GithubException as error:
            raise translate(error, f"list the commits to {path}") from None
        commits = []
        for item in items:
            author = (item.get("commit") or {}).get("author") or {}
            login = (item.get("author") or {}).get("login")
            who = str(login) if login else f"{UNLINKED}{str(author.get('email') or '').lower()}"
            commits.append(AuthoredCommit(who, parse_time(author["date"]), (path,)))
        return PathHistory(commits, truncated)

    def commit_login(self, sha: str) -> str | None:
        """The account GitHub links a commit's author to (by email), or None."""
        data = self._get("read a commit's author", f"{self._url}/commits/{sha}")
        login = (data.get("author") or {}).get("login")
        return str(login) if login else None

    def open_review_requests(self, login: str) -> int:
        """Open PRs of this repository that request `login`'s review (search, 1 call)."""
        query = f"is:open is:pr review-requested:{login} repo:{self._repository}"
        data = self._get(
            f"count {login}'s open review requests",
            f"{self._api}/search/issues",
            q=query,
            per_page=1,
        )
        return int(data.get("total_count") or 0)

    def team_members(self, team: str) -> list[str] | None:
        """Logins of `org/team`, or None when the token may not read them (GITHUB_TOKEN
        cannot read organisation teams; a GitHub App or a token with read:org can)."""
        org, _, slug = team.partition("/")
        url = f"{self._api}/orgs/{quote(org)}/teams/{quote(slug)}/members"
        try:
            items, _ = collect(self._gh, url, {})
        except GithubException as error:
            if error.status in (403, 404):
                return None
            raise translate(error, f"list the members of {team}") from None
        return [str(m.get("login") or "") for m in items if not is_bot(str(m.get("login") or ""))]

    def merge_queue(self, branch: str) -> set[int] | None:
        """Numbers of the PRs in `branch`'s merge queue (GraphQL: REST has no merge queue),
        or None when GitHub cannot tell (no queue support, e.g. an older GHES)."""
        owner, _, name = self._repository.partition("/")
        try:
            _, data = self._gh.requester.graphql_query(
                _MERGE_QUEUE, {"owner": owner, "name": name, "branch": branch}
            )
        except GithubException as error:
            log.info("Merge queue of %s unknown: %s", branch, error)
            return None
        queue = ((data.get("data") or {}).get("repository") or {}).get("mergeQueue")
        if queue is None:
            return set()
        nodes = (queue.get("entries") or {}).get("nodes") or []
        return {int(n["pullRequest"]["number"]) for n in nodes if n.get("pullRequest")}

    def group_commits(self, base: str, head: str) -> list[GroupCommit]:
        """The commits a merge group adds to its base (compare, 1 call; a group holds far
        fewer than the 250 commits one page lists)."""
        data = self._get("read the merge group's commits", f"{self._url}/compare/{base}...{head}")
        commits = []
        for item in data.get("commits") or []:
            commit = item.get("commit") or {}
            commits.append(
                GroupCommit(
                    message=str(commit.get("message") or ""),
                    committer_login=str((item.get("committer") or {}).get("login") or ""),
                    committer_email=str((commit.get("committer") or {}).get("email") or ""),
                )
            )
        return commits
