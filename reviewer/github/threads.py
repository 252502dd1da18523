"""Findings that were fixed: resolve their review threads, or say once that they look
addressed. A thread is only touched when it is ours, GitHub marks it outdated (the code
under it changed), no current finding has its fingerprint, and nobody else replied."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reviewer.core.fingerprint import read_finding_marker
from reviewer.core.identity import same_login
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.errors import GitHubPermissionError

log = logging.getLogger(__name__)

THREADS_QUERY = """
query($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id isResolved isOutdated resolvedBy { login __typename }
          comments(first: 50) { nodes { databaseId body author { login __typename } } }
        }
      }
    }
  }
}
"""
ADDRESSED_MARKER = "<!-- reviewer:addressed -->"
ADDRESSED_REPLY = f"This looks addressed by the latest changes.\n\n{ADDRESSED_MARKER}"
MAX_REPLIES = 10  # replies are one write each; resolutions share one
_ALIAS = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True, slots=True)
class ThreadComment:
    id: int
    body: str
    author: str
    author_is_bot: bool


@dataclass(frozen=True, slots=True)
class ReviewThread:
    id: str
    resolved: bool
    outdated: bool
    comments: tuple[ThreadComment, ...]
    resolved_by: str = ""  # who resolved it, when resolved (a login, bots without "[bot]")
    resolved_by_bot: bool = False


def is_ours(login: str, is_bot: bool, identity: str | None) -> bool:
    """Whether a GraphQL author is us. GraphQL names a bot without REST's "[bot]" suffix;
    a user and a bot may share a name, so the kind must match too."""
    if identity is None:
        return is_bot  # with no identity, trust bots (as for REST comments)
    if identity.endswith("[bot]"):
        return is_bot and same_login(login, identity.removesuffix("[bot]"))
    return not is_bot and same_login(login, identity)


def _ours(comment: ThreadComment, identity: str | None) -> bool:
    return is_ours(comment.author, comment.author_is_bot, identity)


def addressed(
    threads: Iterable[ReviewThread], *, current: set[str], identity: str | None
) -> list[tuple[ReviewThread, str]]:
    """(thread, fingerprint) of our findings that look fixed and may be closed."""
    found = []
    for thread in threads:
        if thread.resolved or not thread.outdated or not thread.comments:
            continue
        first = thread.comments[0]
        fp = read_finding_marker(first.body) if _ours(first, identity) else None
        if fp is None or fp in current:
            continue
        if not all(_ours(c, identity) for c in thread.comments):
            continue  # a human replied: their conversation, not ours to close
        if any(ADDRESSED_MARKER in c.body for c in thread.comments):
            continue  # already said so
        found.append((thread, fp))
    return found


def review_threads(github: GitHubAdapter) -> list[ReviewThread]:
    owner, repo = github.repository.split("/", 1)
    threads: list[ReviewThread] = []
    cursor: str | None = None
    while True:
        data = github.graphql(
            "list the review threads",
            THREADS_QUERY,
            {"owner": owner, "repo": repo, "number": github.number, "cursor": cursor},
        )
        page = data["repository"]["pullRequest"]["reviewThreads"]
        threads.extend(_thread(node) for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return threads
        cursor = page["pageInfo"]["endCursor"]


def _thread(node: dict[str, object]) -> ReviewThread:
    comments = node["comments"]["nodes"]  # type: ignore[index]
    resolver: dict[str, object] = node.get("resolvedBy") or {}  # type: ignore[assignment]
    return ReviewThread(
        id=str(node["id"]),
        resolved=bool(node["isResolved"]),
        outdated=bool(node["isOutdated"]),
        resolved_by=str(resolver.get("login") or ""),
        resolved_by_bot=resolver.get("__typename") == "Bot",
        comments=tuple(
            ThreadComment(
                int(c["databaseId"]),
                str(c["body"] or ""),
                str((c["author"] or {}).get("login", "")),
                (c["author"] or {}).get("__typename") == "Bot",
            )
            for c in comments
        ),
    )


def close_addressed(github: GitHubAdapter, found: Sequence[tuple[ReviewThread, str]]) -> set[str]:
    """Resolve the threads in one mutation; if the token may not, reply once instead.
    Returns the fingerprints dealt with."""
    if not found:
        return set()
    fields = "\n".join(
        f'{_ALIAS.sub("_", "t" + t.id)}: resolveReviewThread(input: {{threadId: "{t.id}"}}) '
        "{ thread { id isResolved } }"
        for t, _ in found
    )
    try:
        github.graphql("resolve addressed review threads", f"mutation {{\n{fields}\n}}", {})
        log.info("Resolved %d review thread(s) whose findings look fixed.", len(found))
        return {fp for _, fp in found}
    except GitHubPermissionError:
        log.info("The token may not resolve threads; replying that they look addressed.")
    for thread, _ in found[:MAX_REPLIES]:
        github.reply_to(thread.comments[0].id, ADDRESSED_REPLY)
    return {fp for _, fp in found[:MAX_REPLIES]}
