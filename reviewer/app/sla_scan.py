"""The SLA scan (a `schedule` or `workflow_dispatch` run with no PR): every open pull
request's standing, escalation of the overdue ones, and a table in the step summary.

GitHub is the only state: requested reviewers, the label, and one sticky comment per PR
whose hidden marker holds the clock and the tier. Before writing, the marker is read again
(compare-and-set): if another run changed it meanwhile, this run leaves that PR alone.
All writes are idempotent (a review request or a label added twice is one), and a
duplicate comment from two overlapping first breaches is deleted, the oldest kept."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from github import Github

from reviewer.app.actions_io import RunnerEnv, annotation, append_step_summary, write_outputs
from reviewer.app.process_settings import ProcessSettings
from reviewer.app.runtime import Runtime
from reviewer.app.settings import settings_from_inputs
from reviewer.core.fingerprint import PostedComment, is_trusted
from reviewer.core.identity import same_login
from reviewer.core.markdown import code_span
from reviewer.core.pull_activity import OpenPull
from reviewer.core.sla import (
    Action,
    Decision,
    Escalation,
    PullState,
    SlaPolicy,
    Standing,
    decide,
    standing,
    tier_reviewers,
)
from reviewer.core.sla_comment import (
    breach_comment,
    cleared_comment,
    is_sla_comment,
    read_marker,
)
from reviewer.core.sla_report import ScannedPull, render_scan
from reviewer.errors import EXIT_INCOMPLETE, ConfigError, GitHubError
from reviewer.github.adapter import GitHubAdapter, make_github
from reviewer.github.errors import GitHubRateLimited
from reviewer.github.repository import RepositoryCalls

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scan:
    client: Github
    repository: str
    owner: str
    identity: str | None
    settings: ProcessSettings
    policy: SlaPolicy
    now: datetime
    runtime: Runtime
    dry_run: bool


def run_sla_scan(env: Mapping[str, str], runner: RunnerEnv, runtime: Runtime) -> int:
    settings = settings_from_inputs(env, model=False)
    if not settings.github_token:
        raise ConfigError("No GitHub token.", hint="Set `github-token`.")
    client = make_github(
        settings.github_token,
        runner.api_url,
        seconds_between_writes=runtime.github_write_pause_s,
        retry_backoff_factor=runtime.github_retry_backoff,
        sleep=runtime.sleep,
    )
    identity = GitHubAdapter(client, runner.repository, 0).identity(
        settings.github_token, settings.bot_login
    )
    process = settings.process
    scan = Scan(
        client,
        runner.repository,
        runner.repository.split("/", 1)[0],
        identity,
        process,
        process.sla_policy(),
        runtime.now(),
        runtime,
        settings.dry_run,
    )
    repository = RepositoryCalls(client, runner.repository)
    pulls = repository.open_pulls()
    ready = [p for p in pulls if not p.draft]
    queues = {base: repository.merge_queue(base) for base in sorted({p.base_ref for p in ready})}
    notes = [
        f"The merge queue of {code_span(base)} could not be read; its PRs are not shown as queued."
        for base, queue in queues.items()
        if queue is None
    ]
    scanned: list[ScannedPull] = []
    failed: list[str] = []
    drafts = [p for p in pulls if p.draft and held_label(p, process.sla_label)]
    todo = [*ready, *drafts]  # a labelled draft is cleared: no longer overdue
    for at, pull in enumerate(todo):
        try:
            item = _scan_pull(scan, pull, pull.number in (queues.get(pull.base_ref) or set()))
        except GitHubRateLimited as error:
            # Every other PR would wait through the same limit: stop, say what is left.
            failed.append(f"GitHub's rate limit stopped the SLA scan at #{pull.number}: {error}")
            notes.append("Not scanned: " + ", ".join(f"#{p.number}" for p in todo[at:]) + ".")
            break
        except GitHubError as error:  # one PR's failure does not stop the others
            failed.append(f"#{pull.number} could not be scanned: {error}")
            continue
        if not pull.draft:
            scanned.append(item)
    notes += failed
    for item in scanned:
        if item.note:
            annotation("warning", f"#{item.pull.number}: {item.note}")
    report = render_scan(
        scanned,
        now=scan.now,
        policy=scan.policy,
        drafts=len(pulls) - len(ready),
        notes=notes,
        unscanned=len(ready) - len(scanned),
    )
    append_step_summary(runner.step_summary_path, report)
    write_outputs(
        runner.output_path,
        {
            "overdue": str(sum(1 for s in scanned if s.standing.overdue(scan.now, scan.policy))),
            "escalated": str(sum(1 for s in scanned if s.escalated)),
            "open-prs": str(len(scanned)),
        },
    )
    for message in failed:
        annotation("error", message)
    return EXIT_INCOMPLETE if failed else 0


def _pull_github(scan: Scan, number: int) -> GitHubAdapter:
    return GitHubAdapter(scan.client, scan.repository, number, sleep=scan.runtime.sleep)


def _scan_pull(scan: Scan, pull: OpenPull, queued: bool) -> ScannedPull:
    github = _pull_github(scan, pull.number)
    # Our own escalation requests do not restart anybody's clock: they are owed since the
    # PR was waiting, not since we asked.
    events = [
        e
        for e in github.timeline()
        if not (
            e.kind == "review_requested" and scan.identity and same_login(e.actor, scan.identity)
        )
    ]
    found = standing(pull, github.reviews(), events, queued=queued, ours=scan.identity)
    labelled = held_label(pull, scan.settings.sla_label) is not None
    comment = None
    if labelled or found.overdue(scan.now, scan.policy):
        comment = _sla_comment(github, scan.identity)
    marker = read_marker(comment.body) if comment else None
    decision = decide(found, marker, labelled=labelled, now=scan.now, policy=scan.policy)
    shown_tier = decision.tier if decision.action is not Action.CLEAR else 0
    if decision.action is Action.NOTHING or scan.dry_run:
        return ScannedPull(pull, found, shown_tier, decision.action, dry_run=scan.dry_run)
    if comment is not None and read_marker(github.comment_body(comment.id) or "") != marker:
        # Compare-and-set: another run wrote this PR's state since we read it.
        note = "another scan changed this PR meanwhile; left to it"
        return ScannedPull(pull, found, marker.tier if marker else 0, Action.NOTHING, note)
    notes = _apply(scan, github, pull, found, decision, comment)
    return ScannedPull(pull, found, shown_tier, decision.action, "; ".join(notes))


def _apply(
    scan: Scan,
    github: GitHubAdapter,
    pull: OpenPull,
    found: Standing,
    decision: Decision,
    comment: PostedComment | None,
) -> list[str]:
    """The review request and the label first (idempotent), the comment last: it is the
    record that the step was done, so a run that fails midway is simply redone."""
    label = scan.settings.sla_label
    held = held_label(pull, label)
    if decision.action is Action.CLEAR:
        if held is not None:
            github.remove_label(held)
        if comment is not None:
            state = Escalation(None, 0, scan.now)
            _write(github, comment, cleared_comment(state, now=scan.now, reason=_why(found)))
        return []
    users, teams = tier_reviewers(scan.policy, decision.tier, pull.author)
    slugs = [t.split("/", 1)[1] for t in teams if t.split("/", 1)[0].lower() == scan.owner.lower()]
    notes = [
        f"team {t} is not in this repository's organisation; not requested"
        for t in teams
        if t.split("/", 1)[0].lower() != scan.owner.lower()
    ]
    notes += [refused.note for refused in github.request_reviewers(users, slugs)]
    if held is None:
        github.add_label(label)
    state = Escalation(found.owed_since, decision.tier, scan.now)
    waiting = [*pull.requested_users, *(f"{scan.owner}/{t}" for t in pull.requested_teams)]
    body = breach_comment(
        state, now=scan.now, waiting=waiting, asked=[*users, *teams], policy=scan.policy
    )
    _write(github, comment, body, identity=scan.identity)
    return notes


def held_label(pull: OpenPull, label: str) -> str | None:
    """The PR's label that is `label`, as the PR spells it: GitHub's label names are
    case-insensitive (`Review-Overdue` is `review-overdue`)."""
    wanted = label.casefold()
    return next((name for name in pull.labels if name.casefold() == wanted), None)


def _why(found: Standing) -> str:
    if found.state is PullState.MERGE_QUEUED:
        return "in the merge queue"
    if found.state is PullState.CHANGES_REQUESTED and found.owed_since is None:
        return "changes requested: waiting for the author"
    if found.owed_since is None:
        return "reviewed; nobody is waiting for a review"
    return "a review arrived or was requested again; the clock restarted"


def _ours(github: GitHubAdapter, identity: str | None) -> list[PostedComment]:
    """Our SLA comments on the PR, oldest first (markers in anybody else's are ignored)."""
    found = github.issue_comments()
    return sorted(
        (c for c in found if is_trusted(c, identity) and is_sla_comment(c.body)),
        key=lambda c: c.id,
    )


def _sla_comment(github: GitHubAdapter, identity: str | None) -> PostedComment | None:
    ours = _ours(github, identity)
    return ours[0] if ours else None


def _write(
    github: GitHubAdapter,
    comment: PostedComment | None,
    body: str,
    *,
    identity: str | None = None,
) -> None:
    if comment is not None:
        github.edit_comment(comment.id, body)
        return
    github.upsert_comment(body=body, existing_id=None, marker=body.rsplit("\n", 1)[-1])
    # Two overlapping first breaches may both have created one: keep the oldest.
    for duplicate in _ours(github, identity)[1:]:
        github.delete_comment(duplicate.id)
