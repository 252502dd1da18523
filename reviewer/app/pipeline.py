"""After the engine, one pipeline for both modes: findings → plan → verdict.

The action passes what is already on the pull request (posted fingerprints and how many
comments each file carries, carried and dismissed findings, the whole PR's commentable
lines); local mode passes nothing of that, and shows what the plan would post."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reviewer.app.settings import Settings
from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.commentable import CommentableIndex
from reviewer.core.config import RepoConfig
from reviewer.core.plan import (
    Limits,
    PublishPlan,
    Rejected,
    plan_publication,
    with_carried,
    with_rejected,
)
from reviewer.core.policy import Verdict, decide_verdict
from reviewer.core.state import OpenFinding


@dataclass(frozen=True, slots=True)
class OnThePullRequest:
    """What earlier runs and maintainers left on the pull request (empty locally)."""

    posted: Mapping[str, str] = field(default_factory=dict)  # fingerprint → comment URL
    posted_per_file: Mapping[str, int] = field(default_factory=dict)  # our comments per file
    carried: Sequence[OpenFinding] = ()
    dismissed: Mapping[str, str] = field(default_factory=dict)  # fingerprint → who and why


@dataclass(frozen=True, slots=True)
class Conclusion:
    plan: PublishPlan
    verdict: Verdict


def conclude(
    findings: Sequence[AnchoredFinding],
    *,
    settings: Settings,
    config: RepoConfig,
    index: CommentableIndex,
    incomplete: bool,
    existing: OnThePullRequest | None = None,
    capped: bool = True,
    rejected: Sequence[Rejected] = (),
) -> Conclusion:
    """`capped`: apply `max-comments` and `max-comments-per-file` (inline comments only).
    `incomplete`: part of the pull request was not reviewed (a failed chunk, a file GitHub
    gave no diff for, the token cap, the time limit). `rejected`: what the verification
    pass rejected."""
    existing = existing or OnThePullRequest()
    limits = Limits(
        max_comments=settings.max_comments if capped else len(findings),
        max_per_file=settings.max_comments_per_file if capped else None,
        min_severity=lambda path: config.min_severity_for(path, settings.min_severity),
        posted_per_file=existing.posted_per_file,
    )
    plan = plan_publication(
        findings,
        posted=existing.posted,
        index=index,
        limits=limits,
        dismissed=existing.dismissed,
    )
    plan = with_carried(plan, existing.carried, existing.dismissed)
    plan = with_rejected(plan, rejected)  # listed, never posted, never counted
    verdict = decide_verdict(
        plan.counted,
        settings.fail_on,
        incomplete=incomplete,
        on_unreviewed=settings.on_unreviewed,
    )
    return Conclusion(plan, verdict)
