"""Action mode: the event's pull request in, review comments, summary and verdict out."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer import __version__
from reviewer.actions_io import annotation, append_step_summary, write_outputs
from reviewer.base_readers import ApiBaseReader
from reviewer.components import chunk_reviewer, review_options
from reviewer.diff import CommentableIndex, parse_diff
from reviewer.engine import ReviewOutcome, review_diff
from reviewer.errors import ConfigError, GitHubError
from reviewer.event import (
    WRITE_PERMISSIONS,
    PullRequestNumber,
    PullRequestRef,
    Skip,
    load_event,
    pull_request_ref,
    target_from_event,
)
from reviewer.fingerprint import posted_fingerprints
from reviewer.github_adapter import GitHubAdapter, make_github
from reviewer.guidance import load_guidance
from reviewer.plan import plan_publication, with_carried
from reviewer.policy import Verdict, decide_verdict
from reviewer.pricing import price_for
from reviewer.publish import Published, publish_inline
from reviewer.report import RunReport, Usage
from reviewer.sarif import write_sarif
from reviewer.scope import review_scope
from reviewer.settings import Settings, read_input, settings_from_inputs
from reviewer.state import OpenFinding, carry_forward, open_finding, read_previous
from reviewer.summary import render_summary
from reviewer.summary_comment import find_summary, upsert_summary
from reviewer.threads import addressed, close_addressed, review_threads
from reviewer.tokens import make_token_counter

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunnerEnv:
    """The variables the Actions runner sets for every step."""

    event_name: str
    event_path: str | None
    repository: str
    api_url: str
    output_path: str | None
    step_summary_path: str | None
    workspace: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RunnerEnv:
        repository = env.get("GITHUB_REPOSITORY", "")
        if not repository:
            raise ConfigError(
                "GITHUB_REPOSITORY is not set.",
                hint="Run the action from a workflow, or use `python -m reviewer review` locally.",
            )
        return cls(
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event_path=env.get("GITHUB_EVENT_PATH"),
            repository=repository,
            api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
            output_path=env.get("GITHUB_OUTPUT"),
            step_summary_path=env.get("GITHUB_STEP_SUMMARY"),
            workspace=env.get("GITHUB_WORKSPACE"),
        )


def run_action(env: Mapping[str, str]) -> int:
    started = time.monotonic()
    runner = RunnerEnv.from_env(env)
    payload = load_event(runner.event_path)
    if _fork_without_key(env, runner.event_name, payload):
        return _skip(
            runner,
            Skip(
                "No model key: GitHub passes no secrets to pull requests from forks under "
                "`pull_request`. To review forks, run on `pull_request_target` (see README)."
            ),
        )
    settings = settings_from_inputs(env)
    found = target_from_event(
        runner.event_name,
        payload,
        pr_number_input=settings.pr_number,
        review_drafts=settings.review_drafts,
    )
    if isinstance(found, Skip):
        return _skip(runner, found)
    if not settings.github_token:
        raise ConfigError(
            "No GitHub token.", hint="Set `github-token` (the default `${{ github.token }}` works)."
        )
    github = GitHubAdapter(
        make_github(settings.github_token, runner.api_url), runner.repository, found.number
    )
    target = _resolve(github, found)
    if isinstance(target, Skip):
        return _skip(runner, target)
    identity = github.identity(settings.github_token)
    summary = find_summary(github, identity)
    previous = read_previous(summary.body) if summary else None
    count_tokens, _ = make_token_counter(settings.model)
    # From the base commit: a PR cannot change its own rules or mark its files generated.
    guidance = load_guidance(settings, ApiBaseReader(github, target.base_sha), count_tokens)
    for note in guidance.notes:
        annotation("warning", note)
    scope = review_scope(
        github,
        base_sha=target.base_sha,
        head_sha=target.head_sha,
        workspace=runner.workspace,
        previous=previous,
        incremental=target.action == "synchronize",
        changed_files=target.changed_files,
    )
    outcome = review_diff(
        scope.review_text,
        review_options(settings, guidance),
        chunk_reviewer(settings, rules=guidance.rules),
        count_tokens,
        unavailable=scope.unavailable,
        time_limit_s=settings.time_limit_s,
        read_new_text=lambda path: github.read_file(path, target.head_sha),
    )
    carried: list[OpenFinding] = []
    if previous is not None and scope.since is not None:
        current_fps = {f.fingerprint for f in outcome.findings}
        carried = carry_forward(previous, current=current_fps, touched=scope.touched)
    posted = posted_fingerprints(github.review_comments(), author=identity)
    current = {f.fingerprint for f in outcome.findings}
    if not settings.dry_run and set(posted) - current:
        closed = _close_fixed(github, current, identity)
        carried = [c for c in carried if c.fingerprint not in closed]
    pr_index = (
        outcome.index
        if scope.review_text is scope.pr_text
        else CommentableIndex.build(parse_diff(scope.pr_text))
    )
    plan = plan_publication(
        outcome.findings,
        posted=posted,
        index=pr_index,
        max_comments=settings.max_comments,
        max_per_file=settings.max_comments_per_file,
        min_severity=lambda path: guidance.config.min_severity_for(path, settings.min_severity),
    )
    published = Published(plan)
    if not settings.dry_run:
        published = publish_inline(github, head_sha=target.head_sha, plan=plan)
    report = _report(settings, target, outcome, published, carried, scope.since, started)
    summary_url = "" if settings.dry_run else upsert_summary(github, report, summary)
    if settings.sarif_file:
        _write_sarif(settings.sarif_file, report, runner.workspace)
    _finish(runner, report, summary_url)
    return report.verdict.exit_code


def _close_fixed(github: GitHubAdapter, current: set[str], identity: str | None) -> set[str]:
    """Resolve the threads of findings that look fixed; a failure here only warns."""
    try:
        found = addressed(review_threads(github), current=current, identity=identity)
        return close_addressed(github, found)
    except GitHubError as error:
        annotation("warning", f"Could not close the threads of fixed findings: {error}")
        return set()


def _fork_without_key(env: Mapping[str, str], event_name: str, payload: Mapping[str, Any]) -> bool:
    """A fork's PR under `pull_request` gets no secrets: expected, not a misconfiguration."""
    if event_name != "pull_request" or read_input(env, "api-key") or read_input(env, "base-url"):
        return False
    pr = payload.get("pull_request") or {}
    head = ((pr.get("head") or {}).get("repo") or {}).get("full_name")
    base = ((pr.get("base") or {}).get("repo") or {}).get("full_name")
    return bool(head and base and head != base)


def _write_sarif(path: str, report: RunReport, workspace: str | None) -> None:
    """For `github/codeql-action/upload-sarif`; relative paths are under the workspace."""
    target = Path(path) if Path(path).is_absolute() or not workspace else Path(workspace) / path
    try:
        write_sarif(str(target), report.plan.all_findings, tool_version=__version__)
    except OSError as error:
        raise ConfigError(f"Cannot write sarif-file {path}: {error.strerror}.") from None


def _skip(runner: RunnerEnv, skip: Skip) -> int:
    annotation("notice", skip.reason)
    write_outputs(runner.output_path, {"findings": "0", "critical": "0", "verdict": "skip"})
    return 0


def _resolve(
    github: GitHubAdapter, found: PullRequestRef | PullRequestNumber
) -> PullRequestRef | Skip:
    """A PR named only by number: check who asked, then read its commits from the API."""
    if isinstance(found, PullRequestRef):
        return found
    if found.requested_by is not None:
        permission = github.permission_of(found.requested_by)
        if permission not in WRITE_PERMISSIONS:
            return Skip(
                f"`/review` from @{found.requested_by} ignored: only users with write access "
                f"may request a review (they have {permission!r})."
            )
    pull = github.pull_request_json()
    if pull.get("state") == "closed":
        return Skip(f"Pull request #{found.number} is closed; nothing to review.")
    return pull_request_ref(pull, "requested")


def _report(
    settings: Settings,
    target: PullRequestRef,
    outcome: ReviewOutcome,
    published: Published,
    carried: Sequence[OpenFinding],
    since: str | None,
    started: float,
) -> RunReport:
    plan = with_carried(published.plan, carried)
    urls = dict(published.comment_urls)
    urls.update(dict(plan.already_posted_urls()))
    verdict = decide_verdict(plan.all_findings, settings.fail_on, incomplete=bool(outcome.failures))
    return RunReport(
        head_sha=target.head_sha,
        model=settings.model,
        plan=plan,
        verdict=verdict,
        reviewed_files=outcome.reviewed_files,
        skipped_files=outcome.skipped,
        failed_chunks=outcome.failures,
        usage=outcome.usage,
        duration_s=time.monotonic() - started,
        review_url=published.review_url,
        comment_urls=published.comment_urls,
        dry_run=settings.dry_run,
        cost_usd=_cost(settings, outcome.usage),
        since=since,
        open_findings=tuple(
            open_finding(f, urls.get(f.fingerprint, "")) for f in plan.all_findings
        ),
    )


def _cost(settings: Settings, usage: Usage) -> float | None:
    pricing = price_for(settings.model, settings.pricing)
    return pricing.cost(usage) if pricing is not None else None


def _finish(runner: RunnerEnv, report: RunReport, summary_url: str) -> None:
    verdict: Verdict = report.verdict
    findings = report.plan.all_findings
    critical = sum(1 for f in findings if f.finding.severity.value == "critical")
    append_step_summary(runner.step_summary_path, render_summary(report, with_marker=False))
    write_outputs(
        runner.output_path,
        {
            "findings": str(len(findings)),
            "critical": str(critical),
            "review-url": report.review_url,
            "summary-url": summary_url,
            "verdict": verdict.label,
            "prompt-tokens": str(report.usage.prompt_tokens),
            "completion-tokens": str(report.usage.completion_tokens),
            "cost": f"{report.cost_usd:.6f}" if report.cost_usd is not None else "",
        },
    )
    for finding in verdict.failing:
        annotation(
            "error",
            f"{finding.finding.severity.value}: {finding.finding.title}",
            file=finding.path,
            line=finding.line,
        )
    for failure in report.failed_chunks:
        annotation("error", f"Not reviewed ({', '.join(failure.paths)}): {failure.reason}")
    log.info("Verdict: %s (%d finding(s)).", verdict.label, len(findings))
