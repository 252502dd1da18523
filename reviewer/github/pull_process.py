"""A pull request's review process through REST: requested reviewers, reviews, timeline,
labels, and single issue comments (the SLA comment's compare-and-set).

Review requests and labels are idempotent on GitHub's side (asking again changes
nothing), so a write that failed with a 5xx is simply sent again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from github import GithubException

from reviewer.core.pull_activity import Review, TimelineEvent
from reviewer.github.errors import GitHubUnprocessable, translate
from reviewer.github.pages import collect, parse_time
from reviewer.github.repository import RepositoryCalls
from reviewer.github.writes import GitHubWrites

_TIMED_EVENTS = frozenset(
    {
        "review_requested",
        "review_request_removed",
        "ready_for_review",
        "convert_to_draft",
        "head_ref_force_pushed",
    }
)


@dataclass(frozen=True, slots=True)
class Refused:
    """A review request GitHub turned down (422)."""

    who: str  # a login, or a team slug
    is_team: bool

    @property
    def note(self) -> str:
        return f"GitHub refused to request a review from {self.who} (not a collaborator?)"


def _login(user: Any) -> str:
    return str((user or {}).get("login") or "")


def review_of(data: dict[str, Any]) -> Review:
    user = data.get("user") or {}
    submitted = data.get("submitted_at")
    return Review(
        login=_login(user),
        is_bot=user.get("type") == "Bot" or _login(user).endswith("[bot]"),
        state=str(data.get("state") or ""),
        submitted_at=parse_time(submitted) if submitted else None,
        commit_id=str(data.get("commit_id") or ""),
    )


def event_of(data: dict[str, Any]) -> TimelineEvent | None:
    kind = str(data.get("event") or "")
    if kind == "committed":
        date = (data.get("committer") or {}).get("date")
        if not date:
            return None
        return TimelineEvent(kind, parse_time(date), str(data.get("sha") or ""))
    if kind not in _TIMED_EVENTS or not data.get("created_at"):
        return None
    team = (data.get("requested_team") or {}).get("slug")
    subject = str(team or _login(data.get("requested_reviewer")))
    return TimelineEvent(kind, parse_time(data["created_at"]), subject, _login(data.get("actor")))


class PullProcessCalls(GitHubWrites):
    def repository_calls(self) -> RepositoryCalls:
        """The same client's repository-wide reads."""
        return RepositoryCalls(self._gh, self._repository)

    def requested_reviewers(self) -> tuple[list[str], list[str]]:
        """Users and team slugs whose review is requested now."""
        _, data = self._call(
            "read the requested reviewers",
            lambda: self._gh.requester.requestJsonAndCheck(
                "GET", f"{self._pr_url}/requested_reviewers"
            ),
        )
        users = [_login(u) for u in data.get("users") or []]
        teams = [str(t.get("slug") or "") for t in data.get("teams") or []]
        return users, teams

    def reviews(self) -> list[Review]:
        items, _ = self._call(
            "list the reviews", lambda: collect(self._gh, f"{self._pr_url}/reviews", {})
        )
        return [review_of(item) for item in items]

    def timeline(self) -> list[TimelineEvent]:
        items, _ = self._call(
            "read the pull request's timeline",
            lambda: collect(self._gh, f"{self._issue_url}/timeline", {}),
        )
        return [e for e in (event_of(item) for item in items) if e is not None]

    def changed_lines(self) -> dict[str, int]:
        """Changed lines (added + deleted) per file, from the PR's files list."""
        items, _ = self._call(
            "list the pull request's files",
            lambda: collect(self._gh, f"{self._pr_url}/files", {}, max_pages=30),
        )
        return {str(f["filename"]): int(f.get("changes") or 0) for f in items}

    def request_reviewers(self, users: list[str], teams: list[str]) -> list[Refused]:
        """Ask for these reviews; return whom GitHub refused (asked one by one then, so one
        user without access does not sink the others)."""
        if not users and not teams:
            return []
        try:
            self._request(users, teams)
            return []
        except GitHubUnprocessable:
            if len(users) + len(teams) == 1:
                return [Refused(users[0], False) if users else Refused(teams[0], True)]
        refused: list[Refused] = []
        for user in users:
            refused += self.request_reviewers([user], [])
        for team in teams:
            refused += self.request_reviewers([], [team])
        return refused

    def _request(self, users: list[str], teams: list[str]) -> None:
        body = {"reviewers": users, "team_reviewers": teams}
        self._write(
            "request reviewers",
            lambda: self._gh.requester.requestJsonAndCheck(
                "POST", f"{self._pr_url}/requested_reviewers", input=body
            ),
            landed=lambda: None,  # idempotent: resending is safe
        )

    def add_label(self, name: str) -> None:
        self._write(
            f"add the label {name!r}",
            lambda: self._gh.requester.requestJsonAndCheck(
                "POST", f"{self._issue_url}/labels", input={"labels": [name]}
            ),
            landed=lambda: None,
        )

    def remove_label(self, name: str) -> None:
        """Remove a label; one that is already gone is fine."""
        try:
            self._gh.requester.requestJsonAndCheck(
                "DELETE", f"{self._issue_url}/labels/{quote(name, safe='')}"
            )
        except GithubException as error:
            if error.status != 404:
                raise translate(error, f"remove the label {name!r}") from None

    def comment_body(self, comment_id: int) -> str | None:
        """An issue comment's body now, or None if it was deleted."""
        try:
            _, data = self._gh.requester.requestJsonAndCheck(
                "GET", f"{self._repo_url}/issues/comments/{comment_id}"
            )
        except GithubException as error:
            if error.status == 404:
                return None
            raise translate(error, "re-read the SLA comment") from None
        return str(data.get("body") or "")

    def edit_comment(self, comment_id: int, body: str) -> None:
        self._call("update the SLA comment", lambda: self._write_patch(comment_id, body))

    def delete_comment(self, comment_id: int) -> None:
        try:
            self._gh.requester.requestJsonAndCheck(
                "DELETE", f"{self._repo_url}/issues/comments/{comment_id}"
            )
        except GithubException as error:
            if error.status != 404:
                raise translate(error, "delete a duplicate comment of ours") from None
