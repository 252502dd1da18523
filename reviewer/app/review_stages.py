"""The first stages of one review in action mode, after `action.resolve`: review (guidance,
scope, engine) and reconcile (what is already on the pull request, the plan, the verdict).
`publish_stages.py` takes it from there."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reviewer.app.actions_io import RunnerEnv, annotation
from reviewer.app.components import chunk_reviewer, make_verifier, review_config, review_options
from reviewer.app.context_sources import (
    MAX_REPORT_BYTES,
    ApiNewTexts,
    ApiRepository,
    GitRepository,
    changed_paths,
    load_report,
)
from reviewer.app.engine import ReviewOutcome, review_diff
from reviewer.app.pipeline import Conclusion, OnThePullRequest, conclude
from reviewer.app.runtime import Runtime
from reviewer.app.settings import Settings
from reviewer.core.dismissal_scope import dismissals_in_one_place
from reviewer.core.fingerprint import PostedComment, is_trusted, read_finding_marker
from reviewer.core.guidance import Guidance, load_guidance
from reviewer.core.plan import Rejected
from reviewer.core.recorded_extras import rejected_finding
from reviewer.core.review_context import Intent, ReviewContext
from reviewer.core.state import OpenFinding, PreviousReview, carry_forward, read_previous
from reviewer.errors import GitHubError
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.base_reader import ApiBaseReader
from reviewer.github.dismissals import find_dismissals
from reviewer.github.event import DISMISSAL, REQUESTED, PullRequestRef, Skip
from reviewer.github.scope import ReviewScope, review_scope
from reviewer.github.summary_comment import summary_among
from reviewer.github.threads import ReviewThread, addressed, close_addressed, review_threads
from reviewer.model.tokenizer import lazy_token_counter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Run:
    """One review run: where it runs, with what settings, on which pull request."""

    runner: RunnerEnv
    settings: Settings
    github: GitHubAdapter
    target: PullRequestRef
    identity: str | None  # the login our comments carry; None when it cannot be known
    runtime: Runtime
    started: float
    appendix: str = ""  # a review-process section for the summary (suggested reviewers)


@dataclass(frozen=True)
class Reviewed:
    pr_comments: list[PostedComment]  # the PR's (issue) comments when the run started
    summary: PostedComment | None  # our summary comment from an earlier run
    previous: PreviousReview | None  # what that run remembered
    guidance: Guidance
    scope: ReviewScope
    outcome: ReviewOutcome
    config: str  # digest of what this review ran with


@dataclass(frozen=True)
class Reconciled:
    conclusion: Conclusion
    notes: tuple[str, ...] = ()  # warnings for the job log


def review(run: Run) -> Reviewed | Skip:
    """Guidance from the base commit; what to review (the whole PR, what its new commits
    wrote, or nothing new when this head was reviewed already); the engine."""
    github, target, settings = run.github, run.target, run.settings
    pr_comments = github.issue_comments()
    summary = summary_among(pr_comments, run.identity)
    previous = read_previous(summary.body) if summary else None
    count_tokens = lazy_token_counter(settings.model)
    # From the base commit: a PR cannot change its own rules or mark its files generated.
    base = ApiBaseReader(github, target.base_sha)
    guidance = load_guidance(settings.guidance_sources(), base, count_tokens)
    for note in guidance.notes:
        annotation("warning", note)
    intent = Intent(target.title, target.body, tuple(_commit_messages(github)))
    config = review_config(
        settings, guidance, _digest(intent, settings, run.runner.workspace, target.base_ref)
    )
    scope = review_scope(
        github,
        base_sha=target.base_sha,
        head_sha=target.head_sha,
        workspace=run.runner.workspace,
        previous=previous,
        incremental=target.action == "synchronize",
        config=config,
        fresh=target.action == REQUESTED,
        changed_files=target.changed_files,
    )
    if target.action == DISMISSAL and not scope.reuse:
        # Anyone may write `/dismiss`; who may dismiss is checked when dismissals are read.
        # A run it starts only works the verdict out again from a review of this head: with
        # none to reuse, it would be a full review, paid for, at anybody's word.
        return Skip(
            f"No complete review of {target.head_sha[:12]} to apply the dismissal to; "
            "a push or `/review` reviews it, and dismissals count from then."
        )
    options = review_options(settings, guidance)
    changed = changed_paths(scope.pr_text)
    checkout = (
        GitRepository.at(run.runner.workspace, target.base_sha) if options.reads_files else None
    )
    report, report_note = (None, "")
    if settings.context_report and not scope.reuse:
        report, report_note = load_report(
            settings.context_report, run.runner.workspace, changed, count_tokens
        )
    context = ReviewContext(
        intent=intent,
        repository=checkout or ApiRepository(github, target.base_sha, changed),
        report=report,
        notes=(report_note,) if report_note else (),
    )
    reviewer = chunk_reviewer(settings, rules=guidance.rules, runtime=run.runtime)
    outcome = review_diff(
        scope.pr_text,
        options,
        reviewer,
        count_tokens,
        unavailable=scope.unavailable,
        time_limit_s=settings.time_limit_s,
        # With a checkout the new text is rebuilt from the base: no API call per file.
        read_new_text=None if checkout else ApiNewTexts(github, target.head_sha),
        focus=scope.focus,
        reuse=scope.reuse,
        clock=run.runtime.clock,
        context=context,
        verifier=make_verifier(settings, reviewer, run.runtime),
    )
    if scope.reuse and previous is not None:
        outcome = _as_recorded(outcome, previous)
    return Reviewed(pr_comments, summary, previous, guidance, scope, outcome, config)


def _as_recorded(outcome: ReviewOutcome, previous: PreviousReview) -> ReviewOutcome:
    """A reused review shows what it showed: its walkthrough, the context it was given, the
    findings its verification rejected (its open findings are carried: `_carried`)."""
    extras = previous.extras
    return dataclasses.replace(
        outcome,
        walkthrough=extras.walkthrough,
        context_used=extras.context_used,
        rejected=tuple(Rejected(rejected_finding(r), r.reason) for r in extras.rejected),
    )


def _commit_messages(github: GitHubAdapter) -> list[str]:
    """The PR's commit messages for its stated intent; none when GitHub will not say."""
    try:
        return github.commit_messages()
    except GitHubError as error:
        log.warning(
            "Could not read the pull request's commits (%s); reviewing without them.", error
        )
        return []


def _digest(intent: Intent, settings: Settings, workspace: str | None, base_ref: str) -> str:
    """What of the context changes a review: the intent, the base branch (a PR retargeted
    elsewhere has another diff at the same head), and the report file's content."""
    parts = [intent.text(), base_ref]
    if settings.context_report:
        target = Path(settings.context_report)
        target = target if target.is_absolute() or not workspace else Path(workspace) / target
        try:
            with target.open("rb") as handle:  # what load_report reads of it, no more
                parts.append(hashlib.sha256(handle.read(MAX_REPORT_BYTES + 1)).hexdigest())
        except OSError:
            parts.append("(unreadable)")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()


def reconcile(run: Run, reviewed: Reviewed) -> Reconciled:
    """Against what is on the PR: our posted findings, findings carried from earlier
    reviews, dismissals, threads of fixed findings; then the plan and the verdict."""
    github, settings, outcome = run.github, run.settings, reviewed.outcome
    current = {f.fingerprint for f in outcome.findings}
    carried = _carried(reviewed, current)
    comments = [c for c in github.review_comments() if is_trusted(c, run.identity)]
    posted: dict[str, str] = {}
    per_file: Counter[str] = Counter()
    for comment in comments:
        fp = read_finding_marker(comment.body)
        if fp is not None and fp not in posted:
            posted[fp] = comment.url
            per_file[comment.path] += 1
    notes: list[str] = []
    threads = _threads(github, notes) if posted else []
    # An incomplete review did not look again at everything: a finding it did not find
    # may sit in what it missed, so no thread is closed as fixed on its word.
    if not settings.dry_run and not outcome.incomplete and set(posted) - current and threads:
        closed = _close_fixed(github, threads, current, run.identity, notes)
        carried = [c for c in carried if c.fingerprint not in closed]
    known = current | {c.fingerprint for c in carried} | set(posted)
    dismissed = find_dismissals(
        github,
        threads=threads,
        pr_comments=reviewed.pr_comments,
        identity=run.identity,
        known=known,
    )
    # One dismissal covers one place: the same code found at another is not dismissed.
    dismissed, scoped = dismissals_in_one_place(
        dismissed,
        outcome.findings,
        reviewed.previous.open_findings if reviewed.previous else (),
        outcome.index,
    )
    notes.extend(scoped)
    conclusion = conclude(
        outcome.findings,
        settings=settings,
        config=reviewed.guidance.config,
        index=outcome.index,
        incomplete=outcome.incomplete,
        existing=OnThePullRequest(posted, per_file, carried, dismissed),
        rejected=outcome.rejected,
    )
    return Reconciled(conclusion, tuple(notes))


def _carried(reviewed: Reviewed, current: set[str]) -> list[OpenFinding]:
    """Findings of the review before that still stand: all of them when this head's review
    is reused; after an incremental review, those not re-examined."""
    previous, scope = reviewed.previous, reviewed.scope
    if previous is None:
        return []
    if scope.reuse:
        return list(previous.open_findings)
    if scope.since is None:
        return []
    # A line the new commits touched was looked at again, unless its part of the review
    # failed: a finding there still stands until a review of it says otherwise.
    outcome = reviewed.outcome
    missed = {path for failure in outcome.failures for path in failure.paths}
    missed |= {skipped.path for skipped in outcome.skipped if skipped.unreviewed}
    touched = {(path, line) for path, line in scope.touched if path not in missed}
    return carry_forward(previous, current=current, touched=touched)


def _threads(github: GitHubAdapter, notes: list[str]) -> list[ReviewThread]:
    try:
        return review_threads(github)
    except GitHubError as error:
        notes.append(f"Could not read the review threads (dismissals, fixed findings): {error}")
        return []


def _close_fixed(
    github: GitHubAdapter,
    threads: list[ReviewThread],
    current: set[str],
    identity: str | None,
    notes: list[str],
) -> set[str]:
    """Resolve the threads of findings that look fixed; a failure here only warns."""
    try:
        return close_addressed(github, addressed(threads, current=current, identity=identity))
    except GitHubError as error:
        notes.append(f"Could not close the threads of fixed findings: {error}")
        return set()
