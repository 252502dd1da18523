"""HTTP side of the fake GitHub: auth, faults, routing, validation, pagination, endpoints.

Register it on a pytest-httpserver with :meth:`FakeGitHub.install`. Both bare paths
(``/repos/...``, api.github.com style) and ``/api/v3/repos/...`` (GHES style) are served;
URLs in responses follow the style and ``Host`` of the request. Request bodies are checked
against the api.github.com OpenAPI subset, or the GHES 3.17 one for ``/api/v3`` requests.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.test import EnvironBuilder

from . import github_payloads as payloads
from .github_diff import Anchor, resolve_anchor
from .github_graphql import handle_graphql
from .github_http import (
    Call,
    Handler,
    Reply,
    body_too_long,
    error,
    not_found,
    paginate,
    unprocessable,
)
from .github_process import ProcessFake
from .github_state import (
    DOCS_URL,
    MAX_BODY_CHARS,
    SIDES,
    Fault,
    GitHubState,
    PullRequest,
    RecordedRequest,
    TokenInfo,
    localize,
    user_json,
)
from .openapi import GHES_SUBSET, GITHUB_SUBSET, OpenAPIValidator

GHES_PREFIX = "/api/v3"
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
DIFF_MEDIA_TYPES = ("application/vnd.github.diff", "application/vnd.github.v3.diff")
JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
RATE_LIMIT = 5000
DIFF_TOO_LARGE = (
    "Sorry, the diff exceeded the maximum number of files (300). Consider using 'List pull "
    "requests files' API or locally cloning the repository instead."
)
_REVIEWS_PATH = re.compile(r"/repos/[^/]+/[^/]+/pulls/\d+/reviews")


@functools.cache
def _validator(prefix: str) -> OpenAPIValidator:
    """The api.github.com description for bare paths, GHES 3.17 for ``/api/v3``."""
    return OpenAPIValidator(GHES_SUBSET if prefix == GHES_PREFIX else GITHUB_SUBSET)


@dataclass
class _Hook:
    method: str
    pattern: re.Pattern[str]
    callback: Callable[[], None]
    nth: int
    seen: int = 0


def _contract_errors(method: str, path: str, body: Any) -> list[str]:
    """Documented rules the OpenAPI schema does not encode (create-review ``side`` values)."""
    if method != "POST" or not _REVIEWS_PATH.fullmatch(path) or not isinstance(body, dict):
        return []
    comments = body.get("comments")
    return [
        f"POST {path}: comments/{i}/{key}: {c[key]!r} is not one of {list(SIDES)} "
        "(documented; not in the OpenAPI schema)"
        for i, c in enumerate(comments if isinstance(comments, list) else [])
        for key in ("side", "start_side")
        if isinstance(c, dict) and c.get(key) is not None and c[key] not in SIDES
    ]


class FakeGitHub(GitHubState, ProcessFake):
    """A stateful fake of the GitHub REST API for the real PyGithub client.

    ``FakeGitHub(owner="Codertocat", repo="Hello-World")`` accepts token ``ghs_test``
    (``github-actions[bot]``, write access). See :class:`GitHubState` for the setup and
    assertion API; :meth:`install` registers :meth:`handle` on a pytest-httpserver.
    """

    def __init__(self, owner: str = "Codertocat", repo: str = "Hello-World") -> None:
        super().__init__(owner, repo)
        self._init_process()
        #: Client base URL (``http://127.0.0.1:PORT``), set by :meth:`install`.
        self.base_url = ""
        # Re-entrant: a hook may serve another client's request in the middle of one.
        self._lock = threading.RLock()
        self._hooks: list[_Hook] = []
        self._rate_reset = int(time.time()) + 3600
        #: Called with each request before it is served (outside the fake's lock): tests of
        #: concurrent runs use it to hold one run at a chosen request.
        self.before_request: Callable[[Request], None] | None = None
        self._routes = self._build_routes()

    def install(self, httpserver: HTTPServer) -> FakeGitHub:
        """Serve every request to ``httpserver`` with this fake (catch-all handler)."""
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.handle)
        self.base_url = httpserver.url_for("").rstrip("/")
        self.api_root = self.base_url
        return self

    # -- request pipeline -------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer one HTTP request (the pytest-httpserver handler)."""
        if self.before_request is not None:
            self.before_request(request)
        with self._lock:
            recorded, body_ok = self._record(request)
            self.api_root = request.host_url.rstrip("/") + recorded.prefix
            self._run_hooks(recorded)
            reply = self._dispatch(request, recorded, body_ok)
            recorded.status = reply.status
            return self._response(reply)

    def on_request(
        self, method: str, path_regex: str, callback: Callable[[], None], *, nth: int = 1
    ) -> None:
        """Call `callback` just before the `nth` request matching `method` and the path is
        served: to make something happen between two requests of a run (a concurrent run
        lands, a maintainer edits a comment)."""
        self._hooks.append(_Hook(method.upper(), re.compile(path_regex), callback, nth))

    def _run_hooks(self, recorded: RecordedRequest) -> None:
        for hook in list(self._hooks):
            if hook.method == recorded.method and hook.pattern.search(recorded.path):
                hook.seen += 1
                if hook.seen == hook.nth:
                    self._hooks.remove(hook)
                    hook.callback()

    def act_as(self, token: str, method: str, path: str, body: Any = None) -> Any:
        """Another client's request (a concurrent run, a maintainer), served at once;
        returns the JSON answer. `path` as the API names it, e.g. /repos/o/r/issues/2/comments."""
        request = EnvironBuilder(
            method=method,
            path=path,
            json=body,
            headers={"Authorization": f"token {token}"},
            base_url=self.base_url or "http://127.0.0.1",
        ).get_request()
        with self._lock:
            recorded, body_ok = self._record(request)
            reply = self._dispatch(request, recorded, body_ok)
            recorded.status = reply.status
            return localize(reply.payload, self.api_root)

    def _record(self, request: Request) -> tuple[RecordedRequest, bool]:
        path, prefix = request.path, ""
        if path == GHES_PREFIX or path.startswith(GHES_PREFIX + "/"):
            path, prefix = path[len(GHES_PREFIX) :] or "/", GHES_PREFIX
        elif path == "/api/graphql":  # GHES serves GraphQL beside /api/v3
            path, prefix = "/graphql", "/api"
        raw = request.get_data(as_text=True)
        try:
            body, body_ok = (json.loads(raw) if raw else None), True
        except ValueError:
            body, body_ok = raw, False
        headers = {name.lower(): value for name, value in request.headers.items()}
        query = request.args.to_dict()
        recorded = RecordedRequest(request.method, path, query, headers, body, prefix)
        self.requests.append(recorded)
        return recorded, body_ok

    def _dispatch(self, request: Request, recorded: RecordedRequest, body_ok: bool) -> Reply:
        fault = self.take_fault(recorded.method, recorded.path)
        if fault is not None and not fault.after:
            return self._fault_reply(fault)
        if not body_ok:
            return error(400, "Problems parsing JSON")
        token = self._authenticate(recorded.headers.get("authorization", ""))
        if token is None:
            return error(401, "Bad credentials")
        match = self._match(recorded.method, recorded.path)
        if match is None:
            self.unhandled.append(recorded)
            return not_found()
        handler, params = match
        repo = f"{params.get('owner', self.owner)}/{params.get('repo', self.repo)}"
        if repo.lower() != self.full_name.lower():
            return not_found()
        # GraphQL is one POST endpoint outside the REST description; its mutations check
        # their own permissions (fakes.github_graphql).
        if recorded.method in WRITE_METHODS and recorded.path != "/graphql":
            rejection = self._check_write(recorded, token)
            if rejection is not None:
                return rejection
        reply = handler(Call(request, recorded, token, params))
        return self._fault_reply(fault) if fault is not None else reply

    def _authenticate(self, authorization: str) -> TokenInfo | None:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return None
        return self.tokens.get(value.strip())

    def _check_write(self, recorded: RecordedRequest, token: TokenInfo) -> Reply | None:
        """403 for read-only tokens, 422 for bodies violating the OpenAPI contract."""
        if not token.can_write:
            return error(403, "Resource not accessible by integration")
        method, path, body = recorded.method, recorded.path, recorded.json
        problems = _validator(recorded.prefix).validate_request(method, path, body)
        problems += _contract_errors(method, path, body)
        if not problems:
            return None
        self.validation_errors.extend(problems)
        return error(422, "Invalid request.\n\n" + "\n".join(problems), status="422")

    @staticmethod
    def _fault_reply(fault: Fault) -> Reply:
        if isinstance(fault.body, str):
            return Reply(fault.status, headers=fault.headers, text=fault.body)
        body = fault.body
        if body is None:
            body = {"message": HTTPStatus(fault.status).phrase, "documentation_url": DOCS_URL}
        return Reply(fault.status, body, fault.headers)

    def _response(self, reply: Reply) -> Response:
        # A reply's own headers replace the defaults whatever their case (as in HTTP).
        own = {name.lower() for name in reply.headers}
        defaults = {k: v for k, v in self._rate_limit_headers().items() if k.lower() not in own}
        headers = {**defaults, **reply.headers}
        if reply.text is not None:
            return Response(reply.text, reply.status, headers, content_type=TEXT_TYPE)
        payload = json.dumps(localize(reply.payload, self.api_root))
        return Response(payload, reply.status, headers, content_type=JSON_TYPE)

    def _rate_limit_headers(self) -> dict[str, str]:
        used = len(self.requests)
        return {
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(max(RATE_LIMIT - used, 0)),
            "X-RateLimit-Reset": str(self._rate_reset),
            "X-RateLimit-Used": str(used),
            "X-RateLimit-Resource": "core",
            "X-GitHub-Media-Type": "github.v3; format=json",
        }

    # -- routing ----------------------------------------------------------------------------

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        pull, issue = r"/pulls/(?P<number>\d+)", r"/issues/(?P<number>\d+)"
        comment = r"/issues/comments/(?P<comment_id>\d+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", "", self._get_repo),
            ("GET", pull, self._get_pull),
            ("GET", pull + "/files", self._list_files),
            ("GET", pull + "/commits", self._list_pull_commits),
            ("GET", pull + "/comments", self._list_review_comments),
            ("POST", pull + r"/comments/(?P<comment_id>\d+)/replies", self._reply_to_comment),
            ("GET", pull + "/reviews", self._list_reviews),
            ("POST", pull + "/reviews", self._create_review),
            ("DELETE", pull + r"/reviews/(?P<review_id>\d+)", self._delete_pending_review),
            ("GET", pull + r"/reviews/(?P<review_id>\d+)/comments", self._list_comments_of_review),
            ("GET", issue + "/comments", self._list_issue_comments),
            ("POST", issue + "/comments", self._create_issue_comment),
            ("GET", comment, self._get_issue_comment),
            ("PATCH", comment, self._update_issue_comment),
            ("DELETE", comment, self._delete_issue_comment),
            *self.process_routes(),
            ("GET", r"/contents/(?P<path>.+)", self._get_contents),
            ("GET", r"/git/trees/(?P<tree_sha>[^/]+)", self._get_tree),
            ("GET", r"/compare/(?P<base>[^./]+)\.\.\.(?P<head>[^./]+)", self._compare),
            ("GET", r"/collaborators/(?P<username>[^/]+)/permission", self._get_permission),
            ("POST", r"/statuses/(?P<sha>[0-9a-f]{40})", self._create_status),
        ]
        repo = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
        routes = [(method, re.compile(repo + rest), handler) for method, rest, handler in table]
        return [
            *routes,
            ("GET", re.compile("/user"), self._get_authenticated_user),
            ("GET", re.compile("/search/issues"), self.search_issues),
            (
                "GET",
                re.compile(r"/orgs/(?P<org>[^/]+)/teams/(?P<team_slug>[^/]+)/members"),
                self.team_members,
            ),
            ("POST", re.compile("/graphql"), self._graphql),
        ]

    def _match(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for route_method, pattern, handler in self._routes:
            found = pattern.fullmatch(path)
            if found and route_method == method:
                return handler, found.groupdict()
        return None

    # -- endpoints: repository and pull requests --------------------------------------------

    def _get_repo(self, call: Call) -> Reply:
        return Reply(200, payloads.repo_json(self, self.full_name, call.token))

    def _get_pull(self, call: Call) -> Reply:
        """The pull request as JSON, or its diff for the diff media types."""
        pull = self.pulls.get(call.number)
        if pull is None:
            return not_found()
        accept = call.request.headers.get("Accept", "")
        if not any(media in accept for media in DIFF_MEDIA_TYPES):
            return Reply(200, payloads.pull_json(self, pull))
        if self.diff_too_large:
            too_large = {"resource": "PullRequest", "field": "diff", "code": "too_large"}
            return error(406, DIFF_TOO_LARGE, errors=[too_large])
        return Reply(200, text=pull.diff)

    def _list_pull_commits(self, call: Call) -> Reply:
        """The pull request's commits, oldest first, each with its message."""
        pull = self.pulls.get(call.number)
        if pull is None:
            return not_found()
        messages = pull.commit_messages
        commits = [
            payloads.commit_json(self, sha, messages.get(sha, f"Commit {sha[:7]}"))
            for sha in pull.commits
        ]
        return paginate(call, commits)

    def _list_files(self, call: Call) -> Reply:
        pull = self.pulls.get(call.number)
        if pull is None:
            return not_found()
        return paginate(call, [payloads.diff_entry_json(self, pull, f) for f in pull.files])

    def _list_review_comments(self, call: Call) -> Reply:
        if call.number not in self.pulls:
            return not_found()
        return paginate(call, self.review_comments_of(call.number))

    def _list_reviews(self, call: Call) -> Reply:
        if call.number not in self.pulls:
            return not_found()
        return paginate(call, self.reviews_of(call.number))

    def _create_review(self, call: Call) -> Reply:
        """Create a review with its comments, all or nothing, like GitHub."""
        pull = self.pulls.get(call.number)
        if pull is None:
            return not_found()
        body: dict[str, Any] = call.body or {}
        rejection = self._review_rejection(pull, body, call.token)
        if rejection is not None:
            return rejection
        comments: list[dict[str, Any]] = body.get("comments") or []
        anchors: list[Anchor] = []
        for comment in comments:
            anchor = resolve_anchor(pull.files, comment)
            if isinstance(anchor, str):
                return unprocessable(anchor)
            if (comment.get("path"), comment.get("line")) in self.refused_lines:
                return unprocessable("Line could not be resolved")
            anchors.append(anchor)
        review = payloads.review_json(self, pull, body, call.token)
        self._reviews.append(review)
        for comment, anchor in zip(comments, anchors, strict=True):
            self._review_comments.append(
                payloads.review_comment_json(self, review, comment, anchor)
            )
        return Reply(200, review)

    def _delete_pending_review(self, call: Call) -> Reply:
        review = self._find_review(call)
        if review is None:
            return not_found()
        if review["state"] != "PENDING":
            return unprocessable("Can not delete a non-pending pull request review")
        self._reviews.remove(review)
        self._review_comments[:] = [
            c for c in self._review_comments if c["pull_request_review_id"] != review["id"]
        ]
        return Reply(200, review)

    def _list_comments_of_review(self, call: Call) -> Reply:
        review = self._find_review(call)
        if review is None:
            return not_found()
        comments = [c for c in self._review_comments if c["pull_request_review_id"] == review["id"]]
        return paginate(call, comments)

    def _find_review(self, call: Call) -> dict[str, Any] | None:
        if call.number not in self.pulls:
            return None
        wanted = int(call.params["review_id"])
        return next((r for r in self.reviews_of(call.number) if r["id"] == wanted), None)

    def _review_rejection(
        self, pull: PullRequest, body: dict[str, Any], token: TokenInfo
    ) -> Reply | None:
        """Review-level checks that GitHub makes before looking at comment locations."""
        if len(body.get("body") or "") > MAX_BODY_CHARS:
            return body_too_long("PullRequestReview")
        if any(len(c.get("body") or "") > MAX_BODY_CHARS for c in body.get("comments") or []):
            return body_too_long("PullRequestReviewComment")
        if body.get("commit_id", pull.head_sha) not in pull.commits:
            return unprocessable("The commitOID is not part of the pull request")
        event = body.get("event")
        if event in ("APPROVE", "REQUEST_CHANGES") and token.login == pull.user_login:
            verb = "approve" if event == "APPROVE" else "request changes on"
            return unprocessable(f"Can not {verb} your own pull request")
        pending = [
            r
            for r in self.reviews_of(pull.number)
            if r["state"] == "PENDING" and r["user"]["login"] == token.login
        ]
        if event is None and pending:
            return unprocessable("User can only have one pending review per pull request")
        return None

    # -- endpoints: issue comments ----------------------------------------------------------

    def _list_issue_comments(self, call: Call) -> Reply:
        if call.number not in self.pulls:
            return not_found()
        return paginate(call, self.issue_comments_of(call.number))

    def _create_issue_comment(self, call: Call) -> Reply:
        pull = self.pulls.get(call.number)
        if pull is None:
            return not_found()
        if len(call.body["body"]) > MAX_BODY_CHARS:
            return body_too_long("IssueComment")
        comment = payloads.issue_comment_json(self, pull, call.body["body"], call.token)
        self._issue_comments.append(comment)
        return Reply(201, comment, {"Location": comment["url"]})

    def _get_issue_comment(self, call: Call) -> Reply:
        comment = self.find_issue_comment(int(call.params["comment_id"]))
        return not_found() if comment is None else Reply(200, comment)

    def _update_issue_comment(self, call: Call) -> Reply:
        comment = self.find_issue_comment(int(call.params["comment_id"]))
        if comment is None:
            return not_found()
        if len(call.body["body"]) > MAX_BODY_CHARS:
            return body_too_long("IssueComment")
        comment.update(body=call.body["body"], updated_at=self.now())
        return Reply(200, comment)

    def _delete_issue_comment(self, call: Call) -> Reply:
        comment = self.find_issue_comment(int(call.params["comment_id"]))
        if comment is None:
            return not_found()
        self._issue_comments.remove(comment)
        return Reply(204)

    # -- endpoints: contents and permissions ------------------------------------------------

    def _get_contents(self, call: Call) -> Reply:
        path = call.params["path"]
        ref = call.recorded.query.get("ref") or self.default_branch
        text = self.files.get((ref, path))
        if text is None:
            return error(404, "Not Found", status="404")
        return Reply(200, payloads.content_file_json(self, path, ref, text))

    def _get_authenticated_user(self, call: Call) -> Reply:
        """``GET /user``: installation tokens (``Bot``, like GITHUB_TOKEN) may not read it."""
        if call.token.user_type == "Bot":
            return error(403, "Resource not accessible by integration", status="403")
        return Reply(200, payloads.authenticated_user_json(call.token.login))

    def _get_tree(self, call: Call) -> Reply:
        """The files set with `set_file` at that ref, as a recursive git tree."""
        ref = call.params["tree_sha"]
        paths = sorted(path for (at, path) in self.files if at == ref)
        entries = [
            {"path": p, "mode": "100644", "type": "blob", "sha": "0" * 40, "size": 1, "url": ""}
            for p in paths
        ]
        return Reply(200, {"sha": ref, "url": "", "tree": entries, "truncated": False})

    def _graphql(self, call: Call) -> Reply:
        return Reply(200, handle_graphql(self, call.token, call.body or {}))

    def _reply_to_comment(self, call: Call) -> Reply:
        pull = self.pulls.get(call.number)
        wanted = int(call.params["comment_id"])
        top = next((c for c in self.review_comments_of(call.number) if c["id"] == wanted), None)
        if pull is None or top is None:
            return not_found()
        body = (call.body or {}).get("body", "")
        if len(body) > MAX_BODY_CHARS:
            return body_too_long("PullRequestReviewComment")
        reply = dict(top)
        reply.update(
            id=self.new_id(),
            body=body,
            in_reply_to_id=wanted,
            user=user_json(call.token.login, call.token.user_type),
            created_at=self.now(),
            updated_at=self.now(),
        )
        reply["html_url"] = str(top["html_url"]).rsplit("#", 1)[0] + f"#discussion_r{reply['id']}"
        self._review_comments.append(reply)
        return Reply(201, reply)

    def _compare(self, call: Call) -> Reply:
        found = self.comparisons.get((call.params["base"], call.params["head"]))
        if found is None:
            return not_found()
        status, diff = found
        if call.request.headers.get("Accept", "") in DIFF_MEDIA_TYPES:
            return Reply(200, text=diff)
        messages = self.compare_messages.get((call.params["base"], call.params["head"]), [])
        commits = [
            payloads.compare_commit_json(f"{i:040x}", message, committer)
            for i, (message, committer) in enumerate(messages)
        ]
        return Reply(
            200,
            {
                "status": status,
                "ahead_by": len(commits) or 1,
                "behind_by": 0,
                "files": [],
                "commits": commits,
            },
        )

    def _create_status(self, call: Call) -> Reply:
        if not call.token.can_set_status:
            return error(403, "Resource not accessible by integration")
        body = call.body or {}
        status = {
            "id": self.new_id(),
            "sha": call.params["sha"],
            "state": body.get("state"),
            "description": body.get("description"),
            "target_url": body.get("target_url"),
            "context": body.get("context", "default"),
            "creator": user_json(call.token.login, call.token.user_type),
            "created_at": self.now(),
        }
        self.statuses.append(status)
        return Reply(201, status)

    def _get_permission(self, call: Call) -> Reply:
        login = self.spelling(call.params["username"])  # case-insensitive, like GitHub
        return Reply(200, payloads.permission_json(login, self.permission_of(login)))
