"""Action mode: the event's pull request in, review comments, summary and verdict out.

A run goes through five stages, each a function of the one before (review_stages.py):
resolve (event → pull request and settings) → review (guidance, scope, engine) →
reconcile (what is already on the PR, fixed findings, the plan) → publish (the review
and the summary) → report (outputs, step summary, annotations, exit code).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reviewer.app.actions_io import RunnerEnv, annotation, append_step_summary, write_outputs
from reviewer.app.runtime import Runtime
from reviewer.app.settings import read_input, settings_from_inputs
from reviewer.core.markdown import inert_line
from reviewer.errors import ConfigError, GitHubError, ReviewerError
from reviewer.github.event import (
    WRITE_PERMISSIONS,
    PullRequestNumber,
    PullRequestRef,
    Skip,
    dispatch_pr_number,
    load_event,
    obj,
    pull_request_ref,
    target_from_event,
)

if TYPE_CHECKING:
    from reviewer.app.review_stages import Run
    from reviewer.github.adapter import GitHubAdapter

log = logging.getLogger(__name__)


def run_action(env: Mapping[str, str], runtime: Runtime | None = None) -> int:
    runtime = runtime or Runtime()
    started = runtime.clock()
    runner = RunnerEnv.from_env(env)
    try:
        # Each mode's machinery loads only when the event asks for it: skips and mistakes
        # end quickly, and a review loads nothing of the review process it does not use.
        if runner.event_name == "merge_group":
            from reviewer.app.merge_gate import run_merge_gate

            return run_merge_gate(env, runner, runtime, load_event(runner.event_path))
        if _is_sla_scan(env, runner):
            from reviewer.app.sla_scan import run_sla_scan

            return run_sla_scan(env, runner, runtime)
        run = resolve(env, runner, runtime, started)
        if isinstance(run, Skip):
            return _skip(runner, run)
        run = _route(run)
        if not run.settings.process.review:
            append_step_summary(runner.step_summary_path, run.appendix)
            write_outputs(runner.output_path, {"verdict": "skip"})
            return 0
        from reviewer.app.publish_stages import publish, report
        from reviewer.app.review_stages import reconcile, review

        reviewed = review(run)
        if isinstance(reviewed, Skip):
            return _skip(runner, reviewed)
        reconciled = reconcile(run, reviewed)
        published = publish(run, reviewed, reconciled)
        return report(run, published)
    except ReviewerError as error:
        # The message goes to the log as an annotation (cli.py); the job's step summary and
        # outputs still say the run did not complete, for people and later steps.
        _unfinished(runner, error)
        raise


def _is_sla_scan(env: Mapping[str, str], runner: RunnerEnv) -> bool:
    """A `schedule` run, or a `workflow_dispatch` one that names no pull request."""
    if runner.event_name == "schedule":
        return True
    if runner.event_name != "workflow_dispatch" or read_input(env, "pr-number"):
        return False
    return not dispatch_pr_number(load_event(runner.event_path))


def _route(run: Run) -> Run:
    """Reviewer routing before the review, so people are asked without waiting for the
    model. A failure only warns when a review follows; routing alone fails the run."""
    from reviewer.app.routing import route, wants_routing

    if not wants_routing(run):
        return run
    try:
        routed = route(run)
    except GitHubError as error:
        if not run.settings.process.review:
            raise
        annotation("warning", f"Reviewer routing failed: {error}")
        return run
    if routed is None:
        return run
    for note in routed.notes:
        annotation("warning", note)
    return dataclasses.replace(run, appendix=routed.section)


def resolve(
    env: Mapping[str, str], runner: RunnerEnv, runtime: Runtime, started: float
) -> Run | Skip:
    """The event's pull request, the settings, and a GitHub client for it; or why not."""
    payload = load_event(runner.event_path)
    if _fork_without_key(env, runner.event_name, payload):
        return Skip(
            "No model key: GitHub passes no secrets to pull requests from forks under "
            "`pull_request`. To review forks, run on `pull_request_target` (see README)."
        )
    settings = settings_from_inputs(env)
    process = settings.process
    if not process.review and process.assign_reviewers == 0:
        return Skip("`review: false` and `assign-reviewers: 0`: nothing to do on this event.")
    found = target_from_event(
        runner.event_name,
        payload,
        pr_number_input=settings.pr_number,
        review_drafts=settings.review_drafts,
    )
    if isinstance(found, Skip):
        return found
    from reviewer.app.review_stages import Run
    from reviewer.github.adapter import GitHubAdapter, make_github

    if not settings.github_token:
        raise ConfigError(
            "No GitHub token.", hint="Set `github-token` (the default `${{ github.token }}` works)."
        )
    client = make_github(
        settings.github_token,
        runner.api_url,
        seconds_between_writes=runtime.github_write_pause_s,
        retry_backoff_factor=runtime.github_retry_backoff,
        sleep=runtime.sleep,
    )
    github = GitHubAdapter(client, runner.repository, found.number, sleep=runtime.sleep)
    target = _pull_request(github, found)
    if isinstance(target, Skip):
        return target
    identity = github.identity(settings.github_token, settings.bot_login)
    return Run(runner, settings, github, target, identity, runtime, started)


def _fork_without_key(env: Mapping[str, str], event_name: str, payload: Mapping[str, Any]) -> bool:
    """A fork's PR under `pull_request` gets no secrets: expected, not a misconfiguration."""
    if event_name != "pull_request" or read_input(env, "api-key") or read_input(env, "base-url"):
        return False
    pr = obj(payload.get("pull_request"))
    head = obj(obj(pr.get("head")).get("repo")).get("full_name")
    base = obj(obj(pr.get("base")).get("repo")).get("full_name")
    return bool(head and base and head != base)


def _pull_request(
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
    return pull_request_ref(pull, found.action)


def _unfinished(runner: RunnerEnv, error: ReviewerError) -> None:
    append_step_summary(
        runner.step_summary_path,
        f"## 🤖 reviewer\n\n⚠️ **Review incomplete**: {inert_line(str(error), 2000)}",
    )
    write_outputs(runner.output_path, {"verdict": "incomplete"})


def _skip(runner: RunnerEnv, skip: Skip) -> int:
    annotation("notice", skip.reason)
    write_outputs(runner.output_path, {"findings": "0", "critical": "0", "verdict": "skip"})
    return 0
