"""State of the fake GitHub: setup API, stored objects and the request log.

Stored objects (reviews, review comments, issue comments) are kept in GitHub's response
shapes. Their API URLs start with :data:`API_ROOT_PLACEHOLDER`, replaced on output by the
root the client actually used (``http://127.0.0.1:PORT`` or ``.../api/v3``), see
:func:`localize`.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .github_diff import DiffFile, find_file, parse_diff

JSON = Any
API_ROOT_PLACEHOLDER = "http://api.fake-github.invalid"
WEB_ROOT = "https://github.com"
DOCS_URL = "https://docs.github.com/rest"
MAX_BODY_CHARS = 65536
SIDES = ("LEFT", "RIGHT")


@dataclass
class TokenInfo:
    """A token the fake accepts and the user it acts as (``Bot`` for installation tokens)."""

    token: str
    login: str
    user_type: str
    can_write: bool
    can_resolve: bool = True  # may resolve review threads (GraphQL)
    can_set_status: bool = True  # `statuses: write`


@dataclass
class PullRequest:
    """A pull request of the fake repository; ``files`` is ``diff`` parsed."""

    number: int
    head_sha: str
    base_sha: str
    diff: str
    files: list[DiffFile]
    draft: bool = False
    head_repo_full_name: str | None = None
    title: str = "Update the README with new information."
    body: str = "This is a pretty simple change that we need to pull into main."
    user_login: str = "octocat"
    head_ref: str = "changes"
    base_ref: str = "main"
    commits: tuple[str, ...] = ()
    commit_messages: dict[str, str] = field(default_factory=dict)  # by SHA; else "Commit …"
    created_at: str = "2024-01-01T00:00:00Z"

    def file(self, path: str) -> DiffFile | None:
        return find_file(self.files, path)


@dataclass
class RecordedRequest:
    """A request as the fake saw it; ``path`` has no ``/api/v3`` prefix (see ``prefix``).

    ``json`` is the parsed body (None when empty, the raw text when it is not JSON) and
    ``status`` the status the fake answered with.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    json: JSON | None
    prefix: str = ""
    status: int = 0


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: JSON
    remaining: int
    after: bool = False  # apply the request, then answer with the fault (a lost response)


def localize(value: JSON, api_root: str) -> JSON:
    """Deep copy of ``value`` with :data:`API_ROOT_PLACEHOLDER` URLs moved to ``api_root``."""
    if isinstance(value, dict):
        return {k: localize(v, api_root) for k, v in value.items()}
    if isinstance(value, list):
        return [localize(v, api_root) for v in value]
    if isinstance(value, str) and value.startswith(API_ROOT_PLACEHOLDER):
        return api_root + value[len(API_ROOT_PLACEHOLDER) :]
    return value


_KNOWN_USER_IDS = {"github-actions[bot]": 41898282, "octocat": 583231, "Codertocat": 21031067}


def _is_read(request: RecordedRequest) -> bool:
    if request.path == "/graphql" and isinstance(request.json, dict):
        return not str(request.json.get("query", "")).lstrip().startswith("mutation")
    return request.method in ("GET", "HEAD")


def user_json(login: str, user_type: str = "User") -> dict[str, JSON]:
    """A ``simple-user`` object with a stable id derived from the login."""
    uid = _KNOWN_USER_IDS.get(login, zlib.crc32(login.encode()) % 90_000_000 + 1_000_000)
    api = f"{API_ROOT_PLACEHOLDER}/users/{login.replace('[', '%5B').replace(']', '%5D')}"
    app = login.removesuffix("[bot]")
    return {
        "login": login,
        "id": uid,
        "node_id": f"MDQ6VXNlcj{uid}",
        "type": user_type,
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{WEB_ROOT}/apps/{app}" if user_type == "Bot" else f"{WEB_ROOT}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "site_admin": False,
        "user_view_type": "public",
    }


class GitHubState:
    """Repository data, tokens, stored objects and request log of one fake GitHub.

    Setup API: :meth:`add_pull`, :meth:`add_token`, :meth:`set_file`, :meth:`set_permission`,
    :meth:`fail_next` and the ``diff_too_large`` flag. Assertion API: ``requests``,
    :meth:`writes`, :meth:`reads`, ``validation_errors``, ``unhandled`` and the
    ``reviews`` / ``review_comments`` / ``issue_comments`` properties.
    """

    def __init__(self, owner: str = "Codertocat", repo: str = "Hello-World") -> None:
        self.owner = owner
        self.repo = repo
        self.default_branch = "main"
        #: Root used to render the assertion properties; the server sets it per request.
        self.api_root = API_ROOT_PLACEHOLDER
        #: When True, the diff media type of ``GET /pulls/{n}`` answers 406 "too_large".
        self.diff_too_large = False
        self.pulls: dict[int, PullRequest] = {}
        self.tokens: dict[str, TokenInfo] = {}
        self.files: dict[tuple[str, str], str] = {}
        self.permissions: dict[str, str] = {owner: "admin"}
        self.requests: list[RecordedRequest] = []
        #: OpenAPI/contract violations of request bodies (each also got a 422).
        self.validation_errors: list[str] = []
        #: Requests no route matched (each got a 404).
        self.unhandled: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self._reviews: list[dict[str, JSON]] = []
        self._review_comments: list[dict[str, JSON]] = []
        # (path, line) pairs GitHub refuses with 422 although they are in the diff: the
        # rare cases (e.g. a file GitHub can't render) a client cannot predict.
        self.refused_lines: set[tuple[str, int]] = set()
        # compare results: (base, head) -> (status, diff of base...head)
        self.comparisons: dict[tuple[str, str], tuple[str, str]] = {}
        # commit messages of a comparison's commits (a merge group's), by (base, head)
        # (base, head) -> [(message, committer login)] of the commits between them
        self.compare_messages: dict[tuple[str, str], list[tuple[str, str]]] = {}
        # Review threads, by their first comment's id (see fakes.github_graphql).
        self.outdated_comments: set[int] = set()
        self.resolved_threads: set[int] = set()
        self.resolved_by: dict[int, str] = {}  # thread (first comment id) → who resolved it
        self.graphql_mutations = 0
        self.statuses: list[dict[str, JSON]] = []  # commit statuses, oldest first
        self.patch_omitted: set[str] = set()  # files listed without a patch (too large)
        self._issue_comments: list[dict[str, JSON]] = []
        self._next_id = 1000
        self._clock = datetime(2024, 1, 1, tzinfo=UTC)
        self.add_token("ghs_test")

    # -- setup ------------------------------------------------------------------------------

    def add_pull(
        self,
        number: int,
        *,
        head_sha: str,
        base_sha: str,
        diff: str,
        draft: bool = False,
        head_repo_full_name: str | None = None,
        title: str = "Update the README with new information.",
        user_login: str = "octocat",
        commits: tuple[str, ...] = (),
        created_at: str = "2024-01-01T00:00:00Z",
        head_ref: str = "changes",
    ) -> PullRequest:
        """Add pull request ``number`` whose ``git diff base...head`` is ``diff``.

        ``head_repo_full_name`` (e.g. ``"forker/Hello-World"``) makes it a fork PR.
        ``commits`` lists earlier head SHAs that ``commit_id`` may also name.
        """
        pull = PullRequest(
            number,
            head_sha,
            base_sha,
            diff,
            parse_diff(diff),
            draft=draft,
            head_repo_full_name=head_repo_full_name,
            title=title,
            user_login=user_login,
            commits=(*commits, head_sha),
            created_at=created_at,
            head_ref=head_ref,
        )
        self.pulls[number] = pull
        return pull

    def add_token(
        self,
        token: str,
        *,
        login: str = "github-actions[bot]",
        user_type: str = "Bot",
        can_write: bool = True,
        can_resolve: bool = True,
        can_set_status: bool = True,
    ) -> None:
        """Accept ``token``, acting as ``login``; ``can_write=False`` makes writes 403,
        ``can_resolve=False`` makes resolving review threads fail (FORBIDDEN)."""
        self.tokens[token] = TokenInfo(
            token, login, user_type, can_write, can_resolve, can_set_status
        )

    def resolve_thread(self, comment_id: int, login: str) -> None:
        """Resolve the thread of review comment `comment_id`, as `login` would in the UI."""
        self.resolved_threads.add(comment_id)
        self.resolved_by[comment_id] = login

    def omit_patch(self, path: str) -> None:
        """List `path` without its patch, as GitHub lists a file too large to diff."""
        self.patch_omitted.add(path)

    def mark_outdated(self, comment_id: int) -> None:
        """GitHub marks a comment outdated when the code under it changed."""
        self.outdated_comments.add(comment_id)

    def set_compare(
        self,
        base: str,
        head: str,
        *,
        status: str,
        diff: str = "",
        messages: tuple[str | tuple[str, str], ...] = (),
    ) -> None:
        """Serve `GET /compare/{base}...{head}`: its status (ahead, diverged…), diff, and
        its commits: each a message, committed by GitHub (`web-flow`, as for the commits
        GitHub makes when it merges), or a `(message, committer login)` pair."""
        self.comparisons[(base, head)] = (status, diff)
        self.compare_messages[(base, head)] = [
            (m, "web-flow") if isinstance(m, str) else m for m in messages
        ]

    def set_file(self, ref: str, path: str, text: str) -> None:
        """Serve ``text`` for ``GET /contents/{path}?ref={ref}`` (no ref means ``main``)."""
        self.files[(ref, path)] = text

    def set_permission(self, login: str, permission: str) -> None:
        """Collaborator permission of ``login``: admin, maintain, write, triage, read, none."""
        self.permissions[login] = permission

    def spelling(self, login: str) -> str:
        """``login`` as GitHub spells it: logins are case-insensitive, and the account's
        own spelling is the one with a permission set (else ``login`` as given)."""
        return next((known for known in self.permissions if known.lower() == login.lower()), login)

    def permission_of(self, login: str) -> str:
        return self.permissions.get(self.spelling(login), "none")

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        body: JSON = None,
        times: int = 1,
        after: bool = False,
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` (or ``"*"``) and
        ``re.search(path_regex, path)`` (path without ``/api/v3``) with ``status``.

        ``body`` defaults to ``{"message": <reason phrase>}``; a ``str`` body is sent as is.
        With ``after=True`` the request is applied first, as when GitHub did the work but
        the answer was lost (a 502 from a proxy): the case that makes blind retries post twice.
        """
        self.faults.append(
            Fault(
                method.upper(),
                re.compile(path_regex),
                status,
                dict(headers or {}),
                body,
                times,
                after,
            )
        )

    # -- assertions -------------------------------------------------------------------------

    @property
    def reviews(self) -> list[dict[str, JSON]]:
        return list(localize(self._reviews, self.api_root))

    @property
    def review_comments(self) -> list[dict[str, JSON]]:
        return list(localize(self._review_comments, self.api_root))

    @property
    def issue_comments(self) -> list[dict[str, JSON]]:
        return list(localize(self._issue_comments, self.api_root))

    def writes(self) -> list[RecordedRequest]:
        """Recorded requests that change something (including ones answered with errors):
        non-GET REST requests and GraphQL mutations."""
        return [r for r in self.requests if not _is_read(r)]

    def reads(self) -> list[RecordedRequest]:
        return [r for r in self.requests if _is_read(r)]

    # -- helpers for the server -------------------------------------------------------------

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"

    def reviews_of(self, number: int) -> list[dict[str, JSON]]:
        return [r for r in self._reviews if r["pull_request_url"].endswith(f"/pulls/{number}")]

    def review_comments_of(self, number: int) -> list[dict[str, JSON]]:
        """Submitted review comments: a pending review's comments are not listed."""
        suffix = f"/pulls/{number}"
        pending = {r["id"] for r in self._reviews if r["state"] == "PENDING"}
        return [
            c
            for c in self._review_comments
            if c["pull_request_url"].endswith(suffix) and c["pull_request_review_id"] not in pending
        ]

    def issue_comments_of(self, number: int) -> list[dict[str, JSON]]:
        suffix = f"/issues/{number}"
        return [c for c in self._issue_comments if c["issue_url"].endswith(suffix)]

    def find_issue_comment(self, comment_id: int) -> dict[str, JSON] | None:
        return next((c for c in self._issue_comments if c["id"] == comment_id), None)

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def set_clock(self, moment: datetime) -> None:
        """What GitHub stamps new objects with from now on (then a second later each time)."""
        self._clock = moment

    def now(self) -> str:
        """A deterministic clock: each call is one second after the previous one."""
        self._clock += timedelta(seconds=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method in ("*", method) and fault.pattern.search(path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def author_association(self, login: str) -> str:
        if login == self.owner:
            return "OWNER"
        if self.permissions.get(login, "none") in ("admin", "maintain", "write"):
            return "COLLABORATOR"
        return "NONE"
