"""After the engine, one pipeline for both modes: findings → plan → verdict.

The action passes what is already on the pull request (posted fingerprints, carried
findings, the whole PR's commentable lines and the comment caps); local mode passes
nothing of that, and shows what the plan would post."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reviewer.app.settings import Settings
from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.config import RepoConfig
from reviewer.core.diff import CommentableIndex
from reviewer.core.plan import PublishPlan, plan_publication, with_carried
from reviewer.core.policy import Verdict, decide_verdict
from reviewer.core.state import OpenFinding


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
    posted: Mapping[str, str] | None = None,
    carried: Sequence[OpenFinding] = (),
    capped: bool = True,
) -> Conclusion:
    """`capped`: apply `max-comments` and `max-comments-per-file` (inline comments only)."""
    plan = plan_publication(
        findings,
        posted=posted or {},
        index=index,
        max_comments=settings.max_comments if capped else len(findings),
        max_per_file=settings.max_comments_per_file if capped else None,
        min_severity=lambda path: config.min_severity_for(path, settings.min_severity),
    )
    plan = with_carried(plan, carried)
    verdict = decide_verdict(plan.all_findings, settings.fail_on, incomplete=incomplete)
    return Conclusion(plan, verdict)
