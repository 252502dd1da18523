"""The fake GitHub's review-process endpoints: commits per path, requested reviewers,
labels, the issue timeline, review-request search, organisation teams, and the setup API
the tests use to say what people did (requested a review, reviewed, pushed).

Mixed into :class:`fakes.github_server.FakeGitHub`; state lives beside GitHubState's."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from .github_http import Call, Reply, error, not_found, paginate
from .github_payloads import pull_json, repo_api
from .github_process_setup import FakeCommit, ProcessSetup, team_json
from .github_state import JSON, WEB_ROOT, user_json

NOT_COLLABORATOR = (
    "Reviews may only be requested from collaborators. One or more of the users or teams you "
    "specified is not a collaborator of the {repo} repository."
)


def label_json(name: str) -> JSON:
    digest = hashlib.sha1(name.encode()).hexdigest()
    return {
        "id": int(digest[:8], 16),
        "node_id": f"LA_{digest[:10]}",
        "url": f"{WEB_ROOT}/labels/{name}",
        "name": name,
        "description": "",
        "color": digest[:6],
        "default": False,
    }


class ProcessFake(ProcessSetup):
    """The review-process endpoints (setup in :class:`ProcessSetup`)."""

    # -- routes -----------------------------------------------------------------------------

    def process_routes(self) -> list[tuple[str, str, Any]]:
        pull, issue = r"/pulls/(?P<number>\d+)", r"/issues/(?P<number>\d+)"
        return [
            ("GET", "/pulls", self._list_pulls),
            ("GET", pull + "/requested_reviewers", self._get_requested),
            ("POST", pull + "/requested_reviewers", self._post_requested),
            ("DELETE", pull + "/requested_reviewers", self._delete_requested),
            ("GET", "/commits", self._list_commits),
            ("GET", r"/commits/(?P<ref>[^/]+)", self._get_commit),
            ("GET", issue + "/labels", self._list_labels),
            ("POST", issue + "/labels", self._add_labels),
            ("DELETE", issue + r"/labels/(?P<name>[^/]+)", self._remove_label),
            ("GET", issue + "/timeline", self._list_timeline),
        ]

    def _list_pulls(self, call: Call) -> Reply:
        state = call.recorded.query.get("state", "open")
        pulls = (
            [] if state == "closed" else [pull_json(self, p) for _, p in sorted(self.pulls.items())]
        )
        return paginate(call, pulls)

    def _get_requested(self, call: Call) -> Reply:
        if call.number not in self.pulls:
            return not_found()
        requested = self.requested_of(call.number)
        return Reply(
            200,
            {
                "users": [user_json(u) for u in requested["users"]],
                "teams": [team_json(self.owner, t) for t in requested["teams"]],
            },
        )

    def _post_requested(self, call: Call) -> Reply:
        pull = self.pulls.get(call.number)
        if pull is None:
            return not_found()
        body = call.body or {}
        # Logins are case-insensitive: GitHub stores the account's own spelling.
        users = [self.spelling(u) for u in body.get("reviewers") or []]
        teams = body.get("team_reviewers") or []
        if pull.user_login.lower() in {u.lower() for u in users}:
            return error(422, "Review cannot be requested from pull request author.")
        outsiders = [
            u for u in users if self.permission_of(u) not in ("admin", "maintain", "write")
        ]
        unknown = [t for t in teams if f"{self.owner}/{t}" not in self.teams]
        if outsiders or unknown:
            return error(422, NOT_COLLABORATOR.format(repo=self.full_name))
        if teams and not self.teams_readable:
            # What GitHub answers GITHUB_TOKEN (no organisation access) for a team request.
            node = f"T_{teams[0]}"
            return error(
                422,
                "Validation Failed",
                errors=[f"Could not resolve to a node with the global id of '{node}'."],
            )
        requested = self.requested_of(call.number)
        at = self.now()
        for user in users:
            if user not in requested["users"]:
                requested["users"].append(user)
                self._event(call.number, "review_requested", at, call.token.login, user=user)
        for team in teams:
            if team not in requested["teams"]:
                requested["teams"].append(team)
                self._event(call.number, "review_requested", at, call.token.login, team=team)
        return Reply(201, pull_json(self, pull))

    def _delete_requested(self, call: Call) -> Reply:
        pull = self.pulls.get(call.number)
        if pull is None:
            return not_found()
        body = call.body or {}
        requested = self.requested_of(call.number)
        at = self.now()
        for user in body.get("reviewers") or []:
            if user in requested["users"]:
                requested["users"].remove(user)
                self._event(call.number, "review_request_removed", at, call.token.login, user=user)
        for team in body.get("team_reviewers") or []:
            if team in requested["teams"]:
                requested["teams"].remove(team)
                self._event(call.number, "review_request_removed", at, call.token.login, team=team)
        return Reply(200, pull_json(self, pull))

    def _commit_json(self, commit: FakeCommit) -> JSON:
        full = self.full_name
        person = {"name": commit.name, "email": commit.email, "date": commit.date}
        return {
            "url": repo_api(full, f"/commits/{commit.sha}"),
            "sha": commit.sha,
            "node_id": f"C_{commit.sha[:10]}",
            "html_url": f"{WEB_ROOT}/{full}/commit/{commit.sha}",
            "comments_url": repo_api(full, f"/commits/{commit.sha}/comments"),
            "commit": {
                "url": repo_api(full, f"/git/commits/{commit.sha}"),
                "author": person,
                "committer": person,
                "message": commit.message,
                "comment_count": 0,
                "tree": {"sha": "0" * 40, "url": repo_api(full, "/git/trees/0")},
            },
            "author": user_json(commit.login) if commit.login else None,
            "committer": user_json(commit.login) if commit.login else None,
            "parents": [],
        }

    def _list_commits(self, call: Call) -> Reply:
        query = call.recorded.query
        path, until = query.get("path"), query.get("until")
        candidates = self.history if path is None else self._by_path().get(path, [])
        found = [c for c in candidates if until is None or _ts(c.date) <= _ts(until)]
        found.sort(key=lambda c: _ts(c.date), reverse=True)
        return paginate(call, [self._commit_json(c) for c in found])

    def _by_path(self) -> dict[str, list[FakeCommit]]:
        """Commits per path, rebuilt when the history grew (benchmarks hold 50,000)."""
        if getattr(self, "_path_index_size", -1) != len(self.history):
            index: dict[str, list[FakeCommit]] = {}
            for commit in self.history:
                for path in commit.paths:
                    index.setdefault(path, []).append(commit)
            self._path_index, self._path_index_size = index, len(self.history)
        return self._path_index

    def _get_commit(self, call: Call) -> Reply:
        commit = next((c for c in self.history if c.sha == call.params["ref"]), None)
        if commit is None:
            return error(422, f"No commit found for SHA: {call.params['ref']}")
        return Reply(
            200,
            {
                **self._commit_json(commit),
                "files": [],
                "stats": {"total": 0, "additions": 0, "deletions": 0},
            },
        )

    def _list_labels(self, call: Call) -> Reply:
        if call.number not in self.pulls:
            return not_found()
        return paginate(call, [label_json(n) for n in self.labels.get(call.number, [])])

    def _add_labels(self, call: Call) -> Reply:
        if call.number not in self.pulls:
            return not_found()
        names = self.labels.setdefault(call.number, [])
        for name in (call.body or {}).get("labels") or []:
            # Label names are case-insensitive: an existing label is not added again.
            if name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        return Reply(200, [label_json(n) for n in names])

    def _remove_label(self, call: Call) -> Reply:
        names = self.labels.get(call.number, [])
        name = call.params["name"]
        if name not in names:
            return error(404, "Label does not exist")
        names.remove(name)
        return Reply(200, [label_json(n) for n in names])

    def _list_timeline(self, call: Call) -> Reply:
        if call.number not in self.pulls:
            return not_found()
        return paginate(call, list(self.timeline.get(call.number, [])))

    # -- outside /repos ---------------------------------------------------------------------

    def search_issues(self, call: Call) -> Reply:
        """`is:open is:pr review-requested:LOGIN repo:OWNER/NAME`: total_count only matters."""
        query = call.recorded.query.get("q", "")
        who = re.search(r"review-requested:(\S+)", query)
        repo = re.search(r"repo:(\S+)", query)
        if who is None or repo is None or repo.group(1).lower() != self.full_name.lower():
            return error(422, "Validation Failed")
        login = who.group(1)
        count = 0
        for number in self.pulls:
            requested = self.requested_of(number)
            teams = [self.teams.get(f"{self.owner}/{t}", []) for t in requested["teams"]]
            users = [u.lower() for u in requested["users"]]
            members = [m.lower() for team in teams for m in team]
            if login.lower() in users or login.lower() in members:
                count += 1
        body = {
            "total_count": count,
            "incomplete_results": False,
            "items": [],
            "search_type": "lexical",
        }
        return Reply(200, body)

    def team_members(self, call: Call) -> Reply:
        if not self.teams_readable:
            return error(403, "Resource not accessible by integration")
        team = f"{call.params['org']}/{call.params['team_slug']}"
        if team not in self.teams:
            return not_found()
        return paginate(call, [user_json(m) for m in self.teams[team]])


def _ts(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()
