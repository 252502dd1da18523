"""The last stages of one review in action mode: publish (the review, the summary comment,
the commit status) and report (report files, outputs, step summary, annotations, exit
code)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from reviewer.app.actions_io import annotate, annotation, append_step_summary, write_outputs
from reviewer.app.report_files import write_findings, write_sarif
from reviewer.app.review_stages import Reconciled, Reviewed, Run
from reviewer.app.settings import Settings
from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.fingerprint import posted_fingerprints
from reviewer.core.json_report import report_json
from reviewer.core.plan import Held
from reviewer.core.pricing import price_for
from reviewer.core.report import RunReport, Usage
from reviewer.core.routing_marker import previous_section
from reviewer.core.state import open_finding
from reviewer.core.summary import (
    MAX_STEP_SUMMARY,
    SummaryParts,
    render_summary,
    summary_parts,
)
from reviewer.errors import GitHubError
from reviewer.github.event import DISMISSAL, REQUESTED
from reviewer.github.publish import Published, publish_inline
from reviewer.github.summary_comment import summaries_among, upsert_summary

log = logging.getLogger(__name__)

# The commit status of a verdict, for runs GitHub attaches to another commit.
_STATUS = {0: "success", 1: "failure"}
STATUS_HINT = "Give the workflow `permissions: { statuses: write }` to show the verdict on it."


@dataclass(frozen=True)
class Delivered:
    report: RunReport
    summary_url: str
    notes: tuple[str, ...]
    summary: SummaryParts  # rendered once, for the comment and the step summary


def publish(run: Run, reviewed: Reviewed, reconciled: Reconciled) -> Delivered:
    """New findings in one review (after a last look for a concurrent run's comments), the
    summary comment edited in place, and for `/review` or a dispatch a commit status on the
    pull request's head."""
    settings, github = run.settings, run.github
    plan = reconciled.conclusion.plan
    published = Published(plan)
    if not settings.dry_run:
        published = publish_inline(
            github,
            head_sha=run.target.head_sha,
            plan=plan,
            posted_now=lambda: posted_fingerprints(github.review_comments(), author=run.identity),
        )
    report = _run_report(run, reviewed, reconciled, published)
    parts = summary_parts(report)
    notes = [*reconciled.notes, *published.notes]
    summary_url = ""
    if not settings.dry_run:
        summary_url, note = upsert_summary(
            github,
            render_summary(report, parts=parts),
            head_sha=report.head_sha,
            existing=reviewed.summary,
            identity=run.identity,
            duplicates=summaries_among(reviewed.pr_comments, run.identity)[1:],
        )
        notes.extend([note] if note else [])
        if run.target.action in (REQUESTED, DISMISSAL):
            notes.extend(_set_status(run, report, summary_url))
    return Delivered(report, summary_url, tuple(notes), parts)


def _set_status(run: Run, report: RunReport, summary_url: str) -> list[str]:
    verdict = report.verdict
    state = _STATUS.get(verdict.exit_code, "error")
    description = f"reviewer: {verdict.label}, {len(report.plan.counted)} finding(s)"
    try:
        run.github.set_status(
            run.target.head_sha, state=state, description=description, target_url=summary_url
        )
    except GitHubError as error:
        return [
            f"Could not set the commit status on the pull request's head: {error} {STATUS_HINT}"
        ]
    return []


def _run_report(
    run: Run, reviewed: Reviewed, reconciled: Reconciled, published: Published
) -> RunReport:
    settings, outcome, plan = run.settings, reviewed.outcome, published.plan
    urls = dict(published.comment_urls)
    urls.update(dict(plan.already_posted_urls()))
    return RunReport(
        head_sha=run.target.head_sha,
        model=settings.model,
        plan=plan,
        verdict=reconciled.conclusion.verdict,
        reviewed_files=outcome.reviewed_files,
        skipped_files=outcome.skipped,
        failed_chunks=outcome.failures,
        usage=outcome.usage,
        concurrency=outcome.concurrency,
        duration_s=run.runtime.clock() - run.started,
        review_url=published.review_url,
        comment_urls=published.comment_urls,
        dry_run=settings.dry_run,
        cost_usd=_cost(settings, outcome.usage),
        since=reviewed.scope.since,
        open_findings=tuple(open_finding(f, urls.get(f.fingerprint, "")) for f in plan.counted),
        config=reviewed.config,
        base_ref=run.target.base_ref,
        walkthrough=outcome.walkthrough,
        context_used=outcome.context_used,
        verify_usage=outcome.verify_usage,
        # A run that did no routing keeps the section an earlier one left (see
        # core/routing_summary.py): who was suggested, and why, stays on the PR.
        appendix=run.appendix
        or (previous_section(reviewed.summary.body) if reviewed.summary else ""),
    )


def _cost(settings: Settings, usage: Usage) -> float | None:
    pricing = price_for(settings.model, settings.pricing)
    return pricing.cost(usage) if pricing is not None else None


def report(run: Run, delivered: Delivered) -> int:
    """Report files, outputs, step summary and annotations; the exit code."""
    runner, settings, report = run.runner, run.settings, delivered.report
    for note in delivered.notes:
        annotation("warning", note)
    if settings.sarif_file:
        write_sarif(settings.sarif_file, report.plan.all_findings, runner.workspace)
    write_findings(settings.findings_file, _report_json(report), runner.workspace)
    verdict = report.verdict
    counted = report.plan.counted
    critical = sum(1 for f in counted if f.finding.severity.value == "critical")
    summary = render_summary(
        report, with_marker=False, max_chars=MAX_STEP_SUMMARY, parts=delivered.summary
    )
    append_step_summary(runner.step_summary_path, summary)
    write_outputs(
        runner.output_path,
        {
            "findings": str(len(counted)),
            "critical": str(critical),
            "review-url": report.review_url,
            "summary-url": delivered.summary_url,
            "verdict": verdict.label,
            "prompt-tokens": str(report.usage.prompt_tokens),
            "completion-tokens": str(report.usage.completion_tokens),
            "cost": f"{report.cost_usd:.6f}" if report.cost_usd is not None else "",
            "findings-file": settings.findings_file,
        },
    )
    _annotate(report)
    log.info("Verdict: %s (%d finding(s)).", verdict.label, len(counted))
    return verdict.exit_code


def _report_json(report: RunReport) -> dict[str, object]:
    return report_json(
        plan=report.plan,
        verdict=report.verdict,
        reviewed_files=report.reviewed_files,
        skipped=report.skipped_files,
        failures=report.failed_chunks,
        usage=report.usage,
        model=report.model,
        head_sha=report.head_sha,
        comment_urls=dict(report.comment_urls),
        walkthrough=report.walkthrough,
        context_used=report.context_used,
        verify_usage=report.verify_usage,
    )


def _unreviewed_file(finding: AnchoredFinding) -> str:
    """A finding naming a file this review did not cover gets no `file=`: GitHub would pin
    the annotation on a file nobody reviewed. The name it gave is said in the message."""
    if finding.placement is not Placement.OUTSIDE:
        return ""
    return f" (names {finding.path}, not a file of this review)"


_UNPOSTABLE = (Held.NO_PERMISSION, Held.NOT_POSTED)


def _annotate(report: RunReport) -> None:
    """Each finding at most once: the ones that could not be posted as comments, then the
    failing ones not among them; then what was not reviewed."""
    unpostable = [e.finding for e in report.plan.summary_only if e.kind in _UNPOSTABLE]
    annotate(unpostable)
    shown = {id(f) for f in unpostable}
    failing: Sequence[AnchoredFinding] = [f for f in report.verdict.failing if id(f) not in shown]
    for finding in failing:
        annotation(
            "error",
            f"{finding.finding.severity.value}: {finding.finding.title}{_unreviewed_file(finding)}",
            file="" if finding.placement is Placement.OUTSIDE else finding.path,
            line=None if finding.placement is Placement.OUTSIDE else finding.line,
        )
    for failure in report.failed_chunks:
        annotation("error", f"Not reviewed ({', '.join(failure.paths)}): {failure.reason}")
    for skipped in report.skipped_files:
        if skipped.unreviewed:
            annotation("warning", f"Not reviewed ({skipped.path}): {skipped.reason}")
