"""Findings a maintainer dismissed: a false positive must not block a pull request forever.

A finding is dismissed by a user with write access who
- resolves the review thread of its comment (a thread we resolve ourselves, because the
  code changed, is not a dismissal), or
- replies `/dismiss <reason>` in that thread, or
- comments `/dismiss <id> <reason>` on the pull request, `<id>` being the finding's short
  fingerprint shown in the summary (for findings that are only listed there).

Dismissals are read from GitHub on every run, so they need no state of their own: undo one
by unresolving the thread or deleting the comment. A dismissed finding no longer counts for
the verdict, is listed as dismissed in the summary and is never posted again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reviewer.core.fingerprint import PostedComment, read_finding_marker
from reviewer.core.identity import same_login
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.event import WRITE_PERMISSIONS
from reviewer.github.threads import ReviewThread, is_ours

_ON_PR = re.compile(r"\A\s*/dismiss\s+([0-9a-f]{6,16})\b[ \t]*(.*)", re.IGNORECASE | re.DOTALL)
_IN_THREAD = re.compile(r"\A\s*/dismiss\b[ \t]*(.*)", re.IGNORECASE | re.DOTALL)
MAX_REASON = 200


def find_dismissals(
    github: GitHubAdapter,
    *,
    threads: Iterable[ReviewThread],
    pr_comments: Iterable[PostedComment],
    identity: str | None,
    known: Iterable[str],
) -> dict[str, str]:
    """Fingerprint → "by @login: reason" for every finding a maintainer dismissed.

    `known`: the fingerprints a `/dismiss <id>` comment may name (current and carried)."""
    claims: list[tuple[str, str, str]] = []  # (fingerprint, login, reason)
    for thread in threads:
        claims.extend(_in_thread(thread, identity))
    claims.extend(_on_pull_request(pr_comments, identity, sorted(set(known))))
    dismissed: dict[str, str] = {}
    for fp, login, reason in claims:
        if fp in dismissed or not login:
            continue
        if github.permission_of(login) in WRITE_PERMISSIONS:
            dismissed[fp] = f"by @{login}: {reason}" if reason else f"by @{login}"
    return dismissed


def _in_thread(thread: ReviewThread, identity: str | None) -> list[tuple[str, str, str]]:
    if not thread.comments:
        return []
    first = thread.comments[0]
    fp = (
        read_finding_marker(first.body)
        if is_ours(first.author, first.author_is_bot, identity)
        else None
    )
    if fp is None:
        return []
    claims = []
    by_us = is_ours(thread.resolved_by, thread.resolved_by_bot, identity)
    if thread.resolved and thread.resolved_by and not by_us and not thread.resolved_by_bot:
        claims.append((fp, thread.resolved_by, "resolved the thread"))
    for reply in thread.comments[1:]:
        match = _IN_THREAD.match(reply.body)
        if match and not reply.author_is_bot:
            claims.append((fp, reply.author, _reason(match.group(1))))
    return claims


def _on_pull_request(
    comments: Iterable[PostedComment], identity: str | None, known: list[str]
) -> list[tuple[str, str, str]]:
    claims = []
    for comment in comments:
        match = _ON_PR.match(comment.body)
        if (
            match is None
            or comment.author_is_bot
            or (identity is not None and same_login(comment.author, identity))
        ):
            continue
        prefix = match.group(1).lower()
        named = [fp for fp in known if fp.startswith(prefix)]
        if len(named) == 1:  # an ambiguous id dismisses nothing
            claims.append((named[0], comment.author, _reason(match.group(2))))
    return claims


def _reason(text: str) -> str:
    return " ".join(text.split())[:MAX_REASON]
