"""Who wrote a commit, as a GitHub login: noreply addresses and bots."""

from __future__ import annotations

import re

# `12345+login@users.noreply.github.com` or `login@users.noreply.github.com` (and the same
# under a GitHub Enterprise Server's host name).
_NOREPLY = re.compile(
    r"(?:\d+\+)?([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?)@users\.noreply\.[^@\s]+",
    re.IGNORECASE,
)


def same_login(a: str, b: str) -> bool:
    """GitHub logins are case-insensitive: `bot-login: GitHub-Actions[bot]` is the account
    the API spells `github-actions[bot]`."""
    return a.lower() == b.lower()


def login_from_noreply(email: str) -> str | None:
    """The login in a GitHub noreply address, or None for any other address."""
    match = _NOREPLY.fullmatch(email.strip())
    return match.group(1) if match else None


def is_bot(login: str) -> bool:
    """Apps post as `name[bot]`; they never review code."""
    return login.lower().endswith("[bot]")
