"""Reviewer routing: who knows the changed code best, by the git history, with time decay.

    familiarity(file, dev, t) = commits(file, dev) * e^(-λ * days since dev's last commit to file)
    score(dev) = Σ over changed files of weight(file) * familiarity(file, dev, t)

with t the pull request's creation time (so the same PR always scores the same), commits
dated after t ignored, and weight(file) the file's changed lines over all changed lines.
Ties are broken by login. GitHub logins (and email addresses) are case-insensitive:
`Alice` and `alice` are one developer with one score, and every comparison (the author,
who is already requested, whose request was removed) ignores case. Everything here is
pure: lookups that need GitHub (write access, open review requests) arrive as functions,
and are asked only for the top candidates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from posixpath import dirname

SECONDS_PER_DAY = 86_400.0
# Identities that are not GitHub logins (an email no account claims) carry this prefix.
UNLINKED = "email:"


@dataclass(frozen=True, slots=True)
class AuthoredCommit:
    """One commit of the history: who wrote it (a login, or `email:<address>`), when (the
    author date), and which of the changed files it touched."""

    who: str
    date: datetime
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Touch:
    """A developer's commits to one changed file, up to t."""

    path: str
    who: str
    commits: int
    last: datetime


def identity_key(who: str) -> str:
    """What identifies a developer: a login or an `email:` identity, case-folded."""
    return who.lower()


def _spellings(found: Iterable[tuple[str, str]]) -> dict[str, str]:
    """key -> the spelling shown for it: the smallest seen, so that it does not depend on
    the order of the history (the caller spells logins as GitHub does where it can)."""
    chosen: dict[str, str] = {}
    for key, who in found:
        if key not in chosen or who < chosen[key]:
            chosen[key] = who
    return chosen


def familiarity(commits: int, last: datetime, t: datetime, decay: float) -> float:
    """commits * e^(-λ * days since the last of them); a commit after t counts as at t."""
    days = max((t - last).total_seconds() / SECONDS_PER_DAY, 0.0)
    return commits * math.exp(-decay * days)


def file_weights(changed_lines: Mapping[str, int]) -> dict[str, float]:
    """Each changed file's share of the changed lines (summing to 1). A file with no
    counted lines (binary, pure rename) counts as one line, so it still has a say."""
    lines = {path: max(count, 1) for path, count in changed_lines.items()}
    total = sum(lines.values())
    return {path: count / total for path, count in sorted(lines.items())} if total else {}


def touches(history: Iterable[AuthoredCommit], t: datetime) -> list[Touch]:
    """Commits per (file, developer), with the latest date, ignoring commits after t."""
    counts: dict[tuple[str, str], int] = {}
    latest: dict[tuple[str, str], datetime] = {}
    seen: list[tuple[str, str]] = []
    for commit in history:
        if commit.date > t:
            continue
        who = identity_key(commit.who)
        seen.append((who, commit.who))
        for path in commit.paths:
            key = (path, who)
            counts[key] = counts.get(key, 0) + 1
            if key not in latest or commit.date > latest[key]:
                latest[key] = commit.date
    spelled = _spellings(seen)
    return [
        Touch(path, spelled[who], counts[path, who], latest[path, who])
        for path, who in sorted(counts)
    ]


@dataclass(frozen=True, slots=True)
class Candidate:
    who: str
    score: float
    commits: int  # to the changed files
    last: datetime  # their latest commit to any changed file
    paths: tuple[str, ...]  # the changed files they committed to

    @property
    def login(self) -> str | None:
        return None if self.who.startswith(UNLINKED) else self.who

    def reason(self, t: datetime) -> str:
        """E.g. "9 commits to `src/pay/`, last 3 days ago"."""
        days = max(int((t - self.last).total_seconds() // SECONDS_PER_DAY), 0)
        when = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
        commits = f"{self.commits} commit{'s' if self.commits != 1 else ''}"
        return f"{commits} to `{where(self.paths)}`, last {when}"


def where(paths: tuple[str, ...]) -> str:
    """One file, or the deepest folder holding all of them (`src/pay/`), or the root."""
    if len(paths) == 1:
        return paths[0]
    parts = [dirname(p).split("/") for p in paths]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1 or not level[0]:
            break
        common.append(level[0])
    return "/".join(common) + "/" if common else "/"


def rank(
    found: Iterable[Touch], weights: Mapping[str, float], t: datetime, decay: float
) -> list[Candidate]:
    """Developers by score, highest first; ties by identity (login), so the order is stable."""
    score: dict[str, float] = {}
    commits: dict[str, int] = {}
    last: dict[str, datetime] = {}
    paths: dict[str, list[str]] = {}
    seen: list[tuple[str, str]] = []
    for touch in found:
        weight = weights.get(touch.path)
        if weight is None:
            continue
        who = identity_key(touch.who)
        seen.append((who, touch.who))
        score[who] = score.get(who, 0.0) + weight * familiarity(touch.commits, touch.last, t, decay)
        commits[who] = commits.get(who, 0) + touch.commits
        last[who] = max(last.get(who, touch.last), touch.last)
        paths.setdefault(who, []).append(touch.path)
    spelled = _spellings(seen)
    ranked = [
        Candidate(spelled[who], score[who], commits[who], last[who], tuple(sorted(paths[who])))
        for who in score
    ]
    return sorted(ranked, key=lambda c: (-c.score, identity_key(c.who), c.who))


class Outcome(Enum):
    REQUESTED = "requested"
    WOULD_REQUEST = "would be requested (dry run)"
    ALREADY = "already requested or reviewed"
    AT_CAPACITY = "held back: at capacity"
    NO_ACCESS = "no write access"
    NO_LOGIN = "no GitHub account linked to the commits"
    REMOVED = "not requested again: a person removed the request"
    REFUSED = "GitHub refused the request (not a collaborator?)"
    BELOW_MINIMUM = "below min-familiarity"
    ENOUGH = "not requested: enough reviewers were requested while this run ran"


# When too few reach min-familiarity, the best few below it are listed, for the record.
SHOWN_BELOW_MINIMUM = 3


@dataclass(frozen=True, slots=True)
class Pick:
    candidate: Candidate
    outcome: Outcome
    detail: str = ""


# Each candidate walked to costs GitHub lookups (write access, open reviews): at most this
# many candidates, and never fewer than two per reviewer wanted, so that any number the
# input allows can be met even if every other candidate is turned down.
MIN_LOOKUPS = 12


def lookup_budget(wanted: int) -> int:
    return max(MIN_LOOKUPS, 2 * wanted)


@dataclass(frozen=True, slots=True)
class Selection:
    wanted: int  # how many to request this run
    excluded: frozenset[str]  # the author and bots: never candidates
    already: frozenset[str]  # requested or reviewed already
    removed: frozenset[str]  # a person removed our (or anyone's) request: leave them be
    min_score: float
    max_open: int
    max_lookups: int  # bound on the GitHub lookups (write access, open reviews)


def select(
    ranked: Iterable[Candidate],
    rules: Selection,
    *,
    can_write: Callable[[str], bool],
    open_reviews: Callable[[str], int],
    dry_run: bool = False,
) -> list[Pick]:
    """Walk the ranking until `wanted` people are picked. Each pick is checked for write
    access and capacity (open PRs already requesting their review), lazily, so only the top
    candidates cost a lookup. Everyone walked past is listed with why."""
    picks: list[Pick] = []
    chosen = lookups = below = 0
    excluded, already, removed = (
        {identity_key(who) for who in group}
        for group in (rules.excluded, rules.already, rules.removed)
    )
    for candidate in ranked:
        who = identity_key(candidate.who)
        if who in excluded:
            continue
        if candidate.score < rules.min_score:
            if chosen < rules.wanted and below < SHOWN_BELOW_MINIMUM:
                picks.append(Pick(candidate, Outcome.BELOW_MINIMUM))
                below += 1
            continue
        if chosen >= rules.wanted:
            if who in already:
                picks.append(Pick(candidate, Outcome.ALREADY))
            continue
        login = candidate.login
        if login is None:
            picks.append(Pick(candidate, Outcome.NO_LOGIN))
        elif who in already:
            picks.append(Pick(candidate, Outcome.ALREADY))
        elif who in removed:
            picks.append(Pick(candidate, Outcome.REMOVED))
        elif lookups >= rules.max_lookups:
            break
        else:
            lookups += 1
            picks.append(_checked(candidate, login, rules, can_write, open_reviews, dry_run))
            chosen += picks[-1].outcome in (Outcome.REQUESTED, Outcome.WOULD_REQUEST)
    return picks


def _checked(
    candidate: Candidate,
    login: str,
    rules: Selection,
    can_write: Callable[[str], bool],
    open_reviews: Callable[[str], int],
    dry_run: bool,
) -> Pick:
    if not can_write(login):
        return Pick(candidate, Outcome.NO_ACCESS)
    load = open_reviews(login)
    detail = f"{load} open review request{'s' if load != 1 else ''}"
    if load >= rules.max_open:
        return Pick(candidate, Outcome.AT_CAPACITY, f"{detail}, max-open-reviews {rules.max_open}")
    return Pick(candidate, Outcome.WOULD_REQUEST if dry_run else Outcome.REQUESTED, detail)


def requested(picks: Iterable[Pick]) -> list[str]:
    """The logins to request, in ranking order."""
    wanted = (Outcome.REQUESTED, Outcome.WOULD_REQUEST)
    return [p.candidate.who for p in picks if p.outcome in wanted]


def reached_minimum(ranked: Iterable[Candidate], rules: Selection) -> bool:
    excluded = {identity_key(who) for who in rules.excluded}
    return any(c.score >= rules.min_score for c in ranked if identity_key(c.who) not in excluded)
