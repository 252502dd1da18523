"""The setup side of the fake GitHub's review process: its state, and what tests say
people did (requested a review, reviewed, pushed, queued a PR)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .github_payloads import repo_api, review_json
from .github_state import JSON, WEB_ROOT, TokenInfo, user_json


@dataclass
class FakeCommit:
    sha: str
    login: str | None  # the account GitHub links the author's email to, if any
    name: str
    email: str
    date: str  # ISO 8601 author date
    paths: tuple[str, ...]
    message: str = "change"


def team_json(org: str, slug: str) -> JSON:
    api = f"https://api.github.com/orgs/{org}/teams/{slug}"
    return {
        "id": int(hashlib.sha1(slug.encode()).hexdigest()[:7], 16),
        "node_id": f"T_{slug}",
        "url": api,
        "html_url": f"{WEB_ROOT}/orgs/{org}/teams/{slug}",
        "name": slug,
        "slug": slug,
        "description": None,
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "push",
        "members_url": f"{api}/members{{/member}}",
        "repositories_url": f"{api}/repos",
        "parent": None,
    }


_NODE_PREFIX = {
    "review_requested": "RRE",
    "review_request_removed": "RRRE",
    "ready_for_review": "RFRE",
    "convert_to_draft": "CTDE",
    "head_ref_force_pushed": "HRFPE",
}


class ProcessSetup:
    """Setup: :meth:`add_commit`, :meth:`load_history`, :meth:`set_team`,
    :meth:`request_review`, :meth:`add_review`, :meth:`add_event`, :meth:`set_merge_queue`;
    state: ``history``, ``requested``, ``labels``, ``timeline``, ``teams``, ``merge_queue``."""

    def _init_process(self) -> None:
        self.history: list[FakeCommit] = []
        self.requested: dict[int, dict[str, list[str]]] = {}
        self.labels: dict[int, list[str]] = {}
        self.timeline: dict[int, list[JSON]] = {}
        self.teams: dict[str, list[str]] = {}  # "org/slug" -> member logins
        self.teams_readable = True  # False: 403, as for GITHUB_TOKEN
        self.merge_queue: dict[str, list[int]] = {}

    # -- setup ------------------------------------------------------------------------------

    def add_commit(self, commit: FakeCommit) -> None:
        self.history.append(commit)

    def load_history(
        self, log: list[tuple[str, str, str, str, tuple[str, ...]]], logins: dict[str, str]
    ) -> None:
        """Commits as `(sha, name, email, iso date, paths)`, linked to accounts by email."""
        for sha, name, email, date, paths in log:
            self.add_commit(FakeCommit(sha, logins.get(email), name, email, date, paths))

    def set_team(self, team: str, members: list[str]) -> None:
        self.teams[team] = list(members)

    def set_merge_queue(self, branch: str, numbers: list[int]) -> None:
        self.merge_queue[branch] = list(numbers)

    def requested_of(self, number: int) -> dict[str, list[str]]:
        return self.requested.setdefault(number, {"users": [], "teams": []})

    def request_review(
        self, number: int, *, at: str, user: str = "", team: str = "", by: str = "octocat"
    ) -> None:
        """A person requests a review (as the web UI would): requested, and on the timeline."""
        requested = self.requested_of(number)
        (requested["users"] if user else requested["teams"]).append(user or team)
        self._event(number, "review_requested", at, by, user=user, team=team)

    def add_review(
        self, number: int, login: str, state: str, *, at: str, commit_id: str | None = None
    ) -> JSON:
        """A person submits a review (`APPROVE`, `REQUEST_CHANGES`, `COMMENT`): like GitHub,
        they are no longer in the requested reviewers."""
        pull = self.pulls[number]
        body = {"event": state, "body": "", "commit_id": commit_id or pull.head_sha}
        token = TokenInfo("", login, "User", True)
        review = review_json(self, pull, body, token)
        review["submitted_at"] = at
        self._reviews.append(review)
        users = self.requested_of(number)["users"]
        if login in users:
            users.remove(login)
        return review

    def add_event(self, number: int, kind: str, at: str, **fields: Any) -> None:
        """A timeline event: `ready_for_review`, `convert_to_draft`, `head_ref_force_pushed`
        (give `sha`, the head it pushed), `review_request_removed` (give `user` or `team`),
        or `committed` (give `sha`; `at` is the committer date). Only the timeline: the
        test changes the PR itself (`draft`, `head_sha`) as the event would."""
        if kind == "committed":
            person = {"name": "Dev", "email": "dev@example.com", "date": at}
            sha = fields.get("sha", "0" * 40)
            self.timeline.setdefault(number, []).append(
                {
                    "event": "committed",
                    "sha": sha,
                    "node_id": f"C_{sha[:10]}",
                    "url": repo_api(self.full_name, f"/git/commits/{sha}"),
                    "html_url": f"{WEB_ROOT}/{self.full_name}/commit/{sha}",
                    "author": person,
                    "committer": person,
                    "message": "change",
                    "tree": {"sha": "0" * 40, "url": ""},
                    "parents": [],
                    "verification": {
                        "verified": False,
                        "reason": "unsigned",
                        "signature": None,
                        "payload": None,
                    },
                }
            )
            return
        user, team = str(fields.get("user", "")), str(fields.get("team", ""))
        sha = str(fields.get("sha", "")) if kind == "head_ref_force_pushed" else ""
        self._event(number, kind, at, fields.get("by", "octocat"), user=user, team=team, sha=sha)

    def _event(
        self,
        number: int,
        kind: str,
        at: str,
        actor: str,
        *,
        user: str = "",
        team: str = "",
        sha: str = "",
    ) -> None:
        """An issue event as the timeline lists it: the OpenAPI description's
        `state-change-issue-event` fields (GitHub's common issue-event properties), and
        for a review request the requester and the reviewer or team. A force-push's
        `commit_id` is the head it pushed (as in GitHub's answers); other events here
        reference no commit. Node ids carry the GraphQL type's prefix (`RFRE_` for a
        ReadyForReviewEvent, `HRFPE_` for a HeadRefForcePushedEvent)."""
        event_id = self.new_id()
        event: dict[str, JSON] = {
            "id": event_id,
            "node_id": f"{_NODE_PREFIX.get(kind, 'E')}_{event_id:08d}",
            "url": repo_api(self.full_name, f"/issues/events/{event_id}"),
            "actor": user_json(actor),
            "event": kind,
            "commit_id": sha or None,
            "commit_url": repo_api(self.full_name, f"/commits/{sha}") if sha else None,
            "created_at": at,
            "performed_via_github_app": None,
        }
        if kind in ("review_requested", "review_request_removed"):
            event["review_requester"] = user_json(actor)
            if user:
                event["requested_reviewer"] = user_json(user)
            if team:
                event["requested_team"] = team_json(self.owner, team)
        self.timeline.setdefault(number, []).append(event)
