"""Reviewer routing on a pull request event: rank who knows the changed files, skip who
cannot or should not review, request the best, or the CODEOWNERS owners when nobody fits.

Runs on `opened`, `reopened` and `ready_for_review`; on `synchronize` only while nobody
has been requested and nobody has reviewed. Requests only add: never anyone already
requested, anyone who reviewed, anyone whose request a person removed; nobody is removed."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from reviewer.app.history import Checkout
from reviewer.app.review_stages import Run
from reviewer.app.routing_history import History, api_history, local_history
from reviewer.core.identity import is_bot
from reviewer.core.ownership import (
    LOCATIONS,
    Owner,
    owners_by_weight,
    parse_codeowners,
    split_by_organisation,
)
from reviewer.core.pull_activity import OpenPull, human_reviews
from reviewer.core.routing import (
    AuthoredCommit,
    Outcome,
    Pick,
    Selection,
    file_weights,
    identity_key,
    lookup_budget,
    rank,
    reached_minimum,
    requested,
    select,
    touches,
)
from reviewer.core.routing_requests import recount, room
from reviewer.core.routing_summary import RoutingReport, render_routing
from reviewer.github.event import WRITE_PERMISSIONS
from reviewer.github.pull_process import Refused
from reviewer.github.repository import RepositoryCalls, open_pull_of

log = logging.getLogger(__name__)

ROUTED_ACTIONS = ("opened", "reopened", "ready_for_review", "synchronize")


@dataclass(frozen=True, slots=True)
class Routed:
    section: str  # the "Suggested reviewers" markdown
    notes: tuple[str, ...] = ()  # what GitHub refused


def wants_routing(run: Run) -> bool:
    return run.settings.process.assign_reviewers > 0 and run.target.action in ROUTED_ACTIONS


def route(run: Run) -> Routed | None:
    """None when this event needs no routing (a push after someone was asked)."""
    github, settings = run.github, run.settings.process
    repository = github.repository_calls()
    pull = open_pull_of(github.pull_request_json())
    humans = human_reviews(pull, github.reviews(), ours=run.identity)
    already = {*pull.requested_users, *(r.login for r in humans)}
    if run.target.action == "synchronize" and (already or pull.requested_teams):
        log.info("Routing: reviewers already requested or reviewing; nothing to do.")
        return None
    timeline = github.timeline()
    removed = {e.subject for e in timeline if e.kind == "review_request_removed"}
    checkout = Checkout.open(run.runner.workspace, run.target.base_sha)
    changed = (checkout.changed_lines(run.target.head_sha) if checkout else None) or (
        github.changed_lines()
    )
    t, decay = pull.created_at, settings.familiarity_decay
    history: History | None = None
    if checkout is not None:
        history = local_history(checkout, repository, file_weights(changed), t=t, decay=decay)
    if history is None:
        history = api_history(repository, changed, base_sha=run.target.base_sha, t=t)
    # Scores are over the files whose history was read (all of them, locally).
    weights = file_weights({path: changed[path] for path in history.covered})
    # Logins are case-insensitive (the core compares them so); shown and requested as GitHub
    # spells them: as the PR's data does, or the permission lookup answers.
    asked_before = (e.subject for e in timeline if e.kind.startswith("review_request"))
    known = _github_spellings([pull.author, *already, *asked_before])
    commits = [_respelled(c, known) for c in history.commits]
    ranked = rank(touches(commits, t), weights, t, decay)
    assign, reviewed = settings.assign_reviewers, [r.login for r in humans]
    wanted = room(assign, pull.author, pull.requested_users, reviewed, pull.requested_teams)
    rules = Selection(
        wanted=wanted,
        excluded=frozenset({pull.author, *(c.who for c in ranked if is_bot(c.who))}),
        already=frozenset(already),
        removed=frozenset(removed),
        min_score=settings.min_familiarity,
        max_open=settings.max_open_reviews,
        max_lookups=lookup_budget(wanted),
    )
    can_write = cache(lambda login: github.permission_of(login) in WRITE_PERMISSIONS)
    dry_run = run.settings.dry_run
    picks = select(
        ranked,
        rules,
        can_write=can_write,
        open_reviews=repository.open_review_requests,
        dry_run=dry_run,
    )
    picks = [_spelled_by_github(pick, github.spelling_of) for pick in picks]
    users, teams = requested(picks), list[str]()
    org = run.runner.repository.split("/", 1)[0]
    fallback: list[Owner] = []
    elsewhere: list[Owner] = []  # teams of another organisation: not requestable here
    source_file = reason = ""
    if rules.wanted and not users:
        reason = (
            "Nobody could be requested from the history"
            if reached_minimum(ranked, rules)
            else "Nobody reached `min-familiarity`"
        )
        fallback, elsewhere, source_file = _code_owners(
            run, checkout, pull, file_weights(changed), rules, repository, org
        )
        users = [o.name for o in fallback if not o.is_team]
        teams = [o.name.split("/", 1)[1] for o in fallback if o.is_team]
    meanwhile: list[str] = []
    if not dry_run and (users or teams):
        # Read again: another run (or a person) may have requested reviewers since.
        now_users, now_teams = github.requested_reviewers()
        left = room(assign, pull.author, now_users, reviewed, now_teams)
        now = recount(
            picks, fallback, requested_users=now_users, requested_teams=now_teams, room=left
        )
        picks, fallback, users, teams = now.picks, now.fallback, now.users, now.teams
        meanwhile = now.notes
    refused = [] if dry_run else github.request_reviewers(users, teams)
    notes = tuple(r.note for r in refused)
    report = RoutingReport(
        t=t,
        picks=tuple(_with_refusals(picks, refused)),
        source=history.source,
        fallback=tuple(fallback),
        fallback_from=source_file,
        fallback_reason=reason,
        not_requestable=tuple(elsewhere),
        dry_run=dry_run,
        notes=(*notes, *meanwhile),
        refused=frozenset(f"{org}/{r.who}" if r.is_team else r.who for r in refused),
    )
    return Routed(render_routing(report), notes)


def _with_refusals(picks: list[Pick], refused: list[Refused]) -> list[Pick]:
    """The picks GitHub would not request marked so (the section mentions only who was
    asked)."""
    turned_down = {identity_key(r.who) for r in refused if not r.is_team}
    return [
        dataclasses.replace(p, outcome=Outcome.REFUSED)
        if p.outcome is Outcome.REQUESTED and identity_key(p.candidate.who) in turned_down
        else p
        for p in picks
    ]


def _github_spellings(logins: Iterable[str]) -> dict[str, str]:
    return {identity_key(login): login for login in logins if login}


def _respelled(commit: AuthoredCommit, known: Mapping[str, str]) -> AuthoredCommit:
    """A commit's author as the PR's data spells them (a noreply address may not)."""
    spelled = known.get(identity_key(commit.who))
    return dataclasses.replace(commit, who=spelled) if spelled else commit


def _spelled_by_github(pick: Pick, spelling_of: Callable[[str], str]) -> Pick:
    if pick.candidate.login is None:
        return pick
    candidate = dataclasses.replace(pick.candidate, who=spelling_of(pick.candidate.who))
    return dataclasses.replace(pick, candidate=candidate)


def _code_owners(
    run: Run,
    checkout: Checkout | None,
    pull: OpenPull,
    weights: dict[str, float],
    rules: Selection,
    repository: RepositoryCalls,
    org: str,
) -> tuple[list[Owner], list[Owner], str]:
    """Up to `wanted` owners of the changed files, from the base commit's CODEOWNERS;
    the owners that are teams of another organisation than `org` (listed, never asked);
    and the file they came from."""
    for path in LOCATIONS:
        text = (
            checkout.read(path)
            if checkout is not None
            else run.github.read_file(path, run.target.base_sha)
        )
        if text is None:
            continue
        ownership = parse_codeowners(text, path)
        if ownership is None:
            return [], [], f"{path} (over 3 MB: GitHub ignores it)"
        owners, elsewhere = split_by_organisation(
            owners_by_weight(ownership, weights, author=pull.author)[0], org
        )
        skipped = {identity_key(who) for who in (*rules.already, *rules.removed)}
        # Timeline events name a team by its slug: one requested, or whose request a
        # person removed, is left alone.
        teams = {identity_key(s) for s in (*pull.requested_teams, *rules.removed)}
        kept = [
            o
            for o in owners
            if identity_key(o.name) not in skipped
            and not (o.is_team and identity_key(o.name.split("/", 1)[1]) in teams)
            and not (o.is_team and _team_has_reviewed(repository, o.name, rules.already))
        ]
        return kept[: rules.wanted], elsewhere, path
    return [], [], ""


def _team_has_reviewed(repository: RepositoryCalls, team: str, people: frozenset[str]) -> bool:
    """Whether a member of `team` is already requested or has reviewed; unknown (the token
    may not read the organisation's teams) counts as no."""
    members = repository.team_members(team)
    asked = {identity_key(who) for who in people}
    return bool(members and {identity_key(m) for m in members} & asked)
