"""The stages of one review in action mode, after `action.resolve`: review → reconcile →
publish → report. Each takes what the stage before it produced."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from reviewer import __version__
from reviewer.app.actions_io import (
    RunnerEnv,
    annotate,
    annotation,
    append_step_summary,
    write_outputs,
)
from reviewer.app.components import chunk_reviewer, review_options
from reviewer.app.engine import ReviewOutcome, review_diff
from reviewer.app.pipeline import Conclusion, conclude
from reviewer.app.report_files import write_sarif
from reviewer.app.runtime import Runtime
from reviewer.app.settings import Settings
from reviewer.core.diff import CommentableIndex, parse_diff
from reviewer.core.fingerprint import PostedComment, posted_fingerprints
from reviewer.core.guidance import Guidance, load_guidance
from reviewer.core.plan import Held
from reviewer.core.pricing import price_for
from reviewer.core.report import RunReport, Usage
from reviewer.core.state import (
    OpenFinding,
    PreviousReview,
    carry_forward,
    open_finding,
    read_previous,
)
from reviewer.core.summary import render_summary
from reviewer.errors import ConfigError, GitHubError
from reviewer.github.adapter import GitHubAdapter
from reviewer.github.base_reader import ApiBaseReader
from reviewer.github.event import PullRequestRef
from reviewer.github.publish import Published, publish_inline
from reviewer.github.scope import ReviewScope, review_scope
from reviewer.github.summary_comment import find_summary, upsert_summary
from reviewer.github.threads import addressed, close_addressed, review_threads
from reviewer.model.tokenizer import make_token_counter

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
    summary: PostedComment | None  # our summary comment from an earlier run
    previous: PreviousReview | None  # what that run remembered
    guidance: Guidance
    scope: ReviewScope
    outcome: ReviewOutcome


@dataclass(frozen=True)
class Reconciled:
    conclusion: Conclusion
    notes: tuple[str, ...] = ()  # warnings for the job log


@dataclass(frozen=True)
class Delivered:
    report: RunReport
    summary_url: str
    notes: tuple[str, ...] = ()


def review(run: Run) -> Reviewed:
    """Guidance from the base commit, what to review (whole PR or new commits), the engine."""
    github, target, settings = run.github, run.target, run.settings
    summary = find_summary(github, run.identity)
    previous = read_previous(summary.body) if summary else None
    count_tokens, _ = make_token_counter(settings.model)
    # From the base commit: a PR cannot change its own rules or mark its files generated.
    base = ApiBaseReader(github, target.base_sha)
    guidance = load_guidance(settings.guidance_sources(), base, count_tokens)
    for note in guidance.notes:
        annotation("warning", note)
    scope = review_scope(
        github,
        base_sha=target.base_sha,
        head_sha=target.head_sha,
        workspace=run.runner.workspace,
        previous=previous,
        incremental=target.action == "synchronize",
        changed_files=target.changed_files,
    )
    outcome = review_diff(
        scope.review_text,
        review_options(settings, guidance),
        chunk_reviewer(settings, rules=guidance.rules, runtime=run.runtime),
        count_tokens,
        unavailable=scope.unavailable,
        time_limit_s=settings.time_limit_s,
        read_new_text=lambda path: github.read_file(path, target.head_sha),
    )
    return Reviewed(summary, previous, guidance, scope, outcome)


def reconcile(run: Run, reviewed: Reviewed) -> Reconciled:
    """Against what is on the PR: posted findings, findings carried from earlier reviews,
    threads of fixed findings; then the plan and the verdict."""
    github, settings, outcome, scope = run.github, run.settings, reviewed.outcome, reviewed.scope
    current = {f.fingerprint for f in outcome.findings}
    carried: list[OpenFinding] = []
    if reviewed.previous is not None and scope.since is not None:
        carried = carry_forward(reviewed.previous, current=current, touched=scope.touched)
    posted = posted_fingerprints(github.review_comments(), author=run.identity)
    notes: list[str] = []
    if not settings.dry_run and set(posted) - current:
        closed, note = _close_fixed(github, current, run.identity)
        carried = [c for c in carried if c.fingerprint not in closed]
        notes.extend([note] if note else [])
    pr_index = (
        outcome.index
        if scope.review_text is scope.pr_text
        else CommentableIndex.build(parse_diff(scope.pr_text))
    )
    conclusion = conclude(
        outcome.findings,
        settings=settings,
        config=reviewed.guidance.config,
        index=pr_index,
        incomplete=bool(outcome.failures),
        posted=posted,
        carried=carried,
    )
    return Reconciled(conclusion, tuple(notes))


def _close_fixed(
    github: GitHubAdapter, current: set[str], identity: str | None
) -> tuple[set[str], str]:
    """Resolve the threads of findings that look fixed; a failure here only warns."""
    try:
        found = addressed(review_threads(github), current=current, identity=identity)
        return close_addressed(github, found), ""
    except GitHubError as error:
        return set(), f"Could not close the threads of fixed findings: {error}"


def publish(run: Run, reviewed: Reviewed, reconciled: Reconciled) -> Delivered:
    """New findings in one review, then the summary comment edited in place."""
    settings = run.settings
    plan = reconciled.conclusion.plan
    published = Published(plan)
    if not settings.dry_run:
        published = publish_inline(run.github, head_sha=run.target.head_sha, plan=plan)
    report = _run_report(run, reviewed, reconciled.conclusion, published)
    summary_url, note = ("", "")
    if not settings.dry_run:
        summary_url, note = upsert_summary(run.github, report, reviewed.summary)
    notes = (*reconciled.notes, *published.notes, *([note] if note else []))
    return Delivered(report, summary_url, notes)


def _run_report(
    run: Run, reviewed: Reviewed, conclusion: Conclusion, published: Published
) -> RunReport:
    settings, outcome, plan = run.settings, reviewed.outcome, published.plan
    urls = dict(published.comment_urls)
    urls.update(dict(plan.already_posted_urls()))
    return RunReport(
        head_sha=run.target.head_sha,
        model=settings.model,
        plan=plan,
        verdict=conclusion.verdict,
        reviewed_files=outcome.reviewed_files,
        skipped_files=outcome.skipped,
        failed_chunks=outcome.failures,
        usage=outcome.usage,
        duration_s=run.runtime.clock() - run.started,
        review_url=published.review_url,
        comment_urls=published.comment_urls,
        dry_run=settings.dry_run,
        cost_usd=_cost(settings, outcome.usage),
        since=reviewed.scope.since,
        open_findings=tuple(
            open_finding(f, urls.get(f.fingerprint, "")) for f in plan.all_findings
        ),
        appendix=run.appendix,
    )


def _cost(settings: Settings, usage: Usage) -> float | None:
    pricing = price_for(settings.model, settings.pricing)
    return pricing.cost(usage) if pricing is not None else None


def report(run: Run, delivered: Delivered) -> int:
    """Files, outputs, step summary and annotations; the exit code."""
    runner, report = run.runner, delivered.report
    for note in delivered.notes:
        annotation("warning", note)
    unpostable = [e.finding for e in report.plan.summary_only if e.kind is Held.NO_PERMISSION]
    annotate(unpostable)
    if run.settings.sarif_file:
        _write_sarif(run.settings.sarif_file, report, runner.workspace)
    verdict = report.verdict
    findings = report.plan.all_findings
    critical = sum(1 for f in findings if f.finding.severity.value == "critical")
    append_step_summary(runner.step_summary_path, render_summary(report, with_marker=False))
    write_outputs(
        runner.output_path,
        {
            "findings": str(len(findings)),
            "critical": str(critical),
            "review-url": report.review_url,
            "summary-url": delivered.summary_url,
            "verdict": verdict.label,
            "prompt-tokens": str(report.usage.prompt_tokens),
            "completion-tokens": str(report.usage.completion_tokens),
            "cost": f"{report.cost_usd:.6f}" if report.cost_usd is not None else "",
        },
    )
    _annotate_verdict(report)
    log.info("Verdict: %s (%d finding(s)).", verdict.label, len(findings))
    return verdict.exit_code


def _annotate_verdict(report: RunReport) -> None:
    for finding in report.verdict.failing:
        annotation(
            "error",
            f"{finding.finding.severity.value}: {finding.finding.title}",
            file=finding.path,
            line=finding.line,
        )
    for failure in report.failed_chunks:
        annotation("error", f"Not reviewed ({', '.join(failure.paths)}): {failure.reason}")


def _write_sarif(path: str, report: RunReport, workspace: str | None) -> None:
    """For `github/codeql-action/upload-sarif`; relative paths are under the workspace."""
    target = Path(path) if Path(path).is_absolute() or not workspace else Path(workspace) / path
    try:
        write_sarif(str(target), report.plan.all_findings, tool_version=__version__)
    except OSError as error:
        raise ConfigError(f"Cannot write sarif-file {path}: {error.strerror}.") from None
