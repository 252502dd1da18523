"""GitHub's GraphQL API as far as review threads go: list a PR's threads, resolve them.

A thread is a top-level review comment with its replies. `isOutdated` is set by the test
(`FakeGitHub.mark_outdated`), as GitHub sets it when the code under a comment changes.
Tokens with `can_resolve=False` get GitHub's FORBIDDEN error on the mutation."""

from __future__ import annotations

import re
from typing import Any

from .github_state import GitHubState, TokenInfo

_RESOLVE = re.compile(
    r"(\w+)\s*:\s*resolveReviewThread\s*\(\s*input\s*:\s*\{\s*threadId\s*:\s*\"([^\"]+)\""
)


def thread_id(comment_id: int) -> str:
    return f"PRRT_{comment_id}"


def handle_graphql(state: GitHubState, token: TokenInfo, body: dict[str, Any]) -> dict[str, Any]:
    query = str(body.get("query") or "")
    variables = body.get("variables") or {}
    if "resolveReviewThread" in query:
        return _resolve(state, token, query)
    if "reviewThreads" in query:
        return _threads(state, int(variables.get("number", 0)))
    if "viewer" in query:
        # A bot's viewer login keeps REST's "[bot]" suffix (unlike a thread author's).
        return {"data": {"viewer": {"login": token.login}}}
    if "mergeQueue" in query:
        return _merge_queue(state, str(variables.get("branch", "")))
    return {"errors": [{"type": "UNSUPPORTED", "message": "The fake does not serve this query"}]}


def _threads(state: GitHubState, number: int) -> dict[str, Any]:
    comments = state.review_comments_of(number)
    nodes = []
    for top in (c for c in comments if not c.get("in_reply_to_id")):
        replies = [c for c in comments if c.get("in_reply_to_id") == top["id"]]
        nodes.append(
            {
                "id": thread_id(int(top["id"])),
                "isResolved": int(top["id"]) in state.resolved_threads,
                "resolvedBy": _resolver(state, int(top["id"])),
                "isOutdated": int(top["id"]) in state.outdated_comments,
                "comments": {
                    "nodes": [
                        {
                            "databaseId": c["id"],
                            "body": c["body"],
                            "author": _author(c["user"]),
                        }
                        for c in (top, *replies)
                    ]
                },
            }
        )
    threads = {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": nodes}
    return {"data": {"repository": {"pullRequest": {"reviewThreads": threads}}}}


def _resolver(state: GitHubState, comment_id: int) -> dict[str, Any] | None:
    login = state.resolved_by.get(comment_id)
    if comment_id not in state.resolved_threads or login is None:
        return None
    return _author({"login": login, "type": "Bot" if login.endswith("[bot]") else "User"})


def _merge_queue(state: GitHubState, branch: str) -> dict[str, Any]:
    """`repository.mergeQueue(branch)`: null when the branch has no queue, like GitHub."""
    queue = getattr(state, "merge_queue", {}).get(branch)
    if queue is None:
        return {"data": {"repository": {"mergeQueue": None}}}
    nodes = [{"pullRequest": {"number": n}} for n in queue]
    return {"data": {"repository": {"mergeQueue": {"entries": {"nodes": nodes}}}}}


def _author(user: dict[str, Any]) -> dict[str, Any]:
    """GraphQL names a bot without REST's `[bot]` suffix, and says what it is."""
    is_bot = user.get("type") == "Bot"
    login = str(user["login"]).removesuffix("[bot]") if is_bot else user["login"]
    return {"login": login, "__typename": "Bot" if is_bot else "User"}


def _resolve(state: GitHubState, token: TokenInfo, query: str) -> dict[str, Any]:
    if not token.can_write or not token.can_resolve:
        return {
            "data": None,
            "errors": [
                {
                    "type": "FORBIDDEN",
                    "message": "Resource not accessible by integration",
                    "path": ["resolveReviewThread"],
                }
            ],
        }
    data: dict[str, Any] = {}
    for alias, thread in _RESOLVE.findall(query):
        state.resolve_thread(int(thread.removeprefix("PRRT_")), token.login)
        data[alias] = {"thread": {"id": thread, "isResolved": True}}
    state.graphql_mutations += 1
    return {"data": data}
