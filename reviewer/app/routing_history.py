"""Where routing's history comes from: the workspace's git history of the base branch, or,
without it, GitHub's commit list per path, bounded; and how authors become logins."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from reviewer.app.history import Checkout, GitCommit
from reviewer.core.identity import login_from_noreply
from reviewer.core.routing import UNLINKED, AuthoredCommit, rank, touches
from reviewer.errors import GitHubError
from reviewer.github.repository import RepositoryCalls

log = logging.getLogger(__name__)

# Without local history: the files with the most changed lines, and pages of 100 commits
# per file. Both bounds are stated in the summary.
API_FILES = 30
API_PAGES = 3
# Commit emails that no .mailmap or noreply address maps, resolved through the API (one
# request each, cached for the run), the best-scoring first.
MAX_RESOLVED = 40


@dataclass(frozen=True, slots=True)
class History:
    commits: list[AuthoredCommit]
    source: str  # for the summary, with the bound when there is one
    covered: tuple[str, ...]  # the changed files whose history was read


def local_history(
    checkout: Checkout,
    repository: RepositoryCalls,
    weights: Mapping[str, float],
    *,
    t: datetime,
    decay: float,
) -> History | None:
    raw = checkout.history(sorted(weights))
    if raw is None:
        return None
    # Addresses are case-insensitive: one key per address, the first commit's spelling for
    # the login a noreply address holds (the caller respells it as GitHub does).
    by_email: dict[str, GitCommit] = {}
    for commit in raw:
        by_email.setdefault(commit.email.lower(), commit)
    logins = {key: login_from_noreply(commit.email) for key, commit in by_email.items()}
    commits = [_authored(c, logins) for c in raw]
    # The best-scoring authors still known only by email: ask GitHub who they are.
    unresolved = [
        c.who.removeprefix(UNLINKED)
        for c in rank(touches(commits, t), weights, t, decay)
        if c.who.startswith(UNLINKED)
    ][:MAX_RESOLVED]
    calls = 0
    for email in unresolved:
        calls += 1
        try:
            logins[email] = repository.commit_login(by_email[email].sha)
        except GitHubError as error:
            log.warning("Could not map %s's commits to a login: %s", by_email[email].name, error)
    if calls:
        commits = [_authored(c, logins) for c in raw]
    source = (
        f"the workspace's git history of the base branch ({len(raw)} commits to the "
        f"{len(weights)} changed files; {calls} author(s) looked up on GitHub)"
    )
    return History(commits, source, tuple(sorted(weights)))


def _authored(commit: GitCommit, logins: Mapping[str, str | None]) -> AuthoredCommit:
    email = commit.email.lower()
    login = logins.get(email)
    return AuthoredCommit(login or f"{UNLINKED}{email}", commit.date, commit.paths)


def api_history(
    repository: RepositoryCalls,
    changed: Mapping[str, int],
    *,
    base_sha: str,
    t: datetime,
) -> History:
    top = sorted(changed, key=lambda p: (-changed[p], p))[:API_FILES]
    commits: list[AuthoredCommit] = []
    cut = 0
    for path in top:
        found = repository.path_history(path, sha=base_sha, until=t, max_pages=API_PAGES)
        commits += found.commits
        cut += found.truncated
    source = (
        f"GitHub's commit list for the {len(top)} of {len(changed)} changed files with the "
        f"most changed lines, up to {API_PAGES * 100} commits each"
        + (f" ({cut} file(s) had more, not read)" if cut else "")
        + "; check out with `fetch-depth: 0` to use the whole history"
    )
    return History(commits, source, tuple(top))
