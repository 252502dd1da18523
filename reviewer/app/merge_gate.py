"""The merge-queue gate (`merge_group` event): the required check answered from the
reviews already on the pull requests, without a model run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reviewer.app.actions_io import RunnerEnv, annotation, append_step_summary, write_outputs
from reviewer.app.runtime import Runtime
from reviewer.app.settings import Settings, settings_from_inputs
from reviewer.core.markdown import cell, code_span, inert_line
from reviewer.core.merge_gate import (
    Gate,
    PullVerdict,
    exit_code,
    group_pulls,
    judge,
    queued_base,
    queued_pull,
)
from reviewer.errors import ConfigError, GitHubError
from reviewer.github.adapter import GitHubAdapter, make_github
from reviewer.github.event import MergeGroup, merge_group_of
from reviewer.github.repository import RepositoryCalls
from reviewer.github.summary_comment import find_summary

_LABELS = {Gate.PASS: "✅ pass", Gate.FAIL: "❌ fail", Gate.INCOMPLETE: "⚠️ incomplete"}


def run_merge_gate(
    env: Mapping[str, str], runner: RunnerEnv, runtime: Runtime, payload: Mapping[str, Any]
) -> int:
    settings = settings_from_inputs(env, model=False)
    if not settings.github_token:
        raise ConfigError("No GitHub token.", hint="Set `github-token`.")
    group = merge_group_of(payload)
    head_ref = group.head_ref
    named = queued_pull(head_ref)
    if named is None:
        raise ConfigError(
            f"The merge_group event's head_ref {head_ref!r} is not a merge queue branch "
            "(gh-readonly-queue/<base>/pr-<number>-<sha>).",
            hint="Run this step on `merge_group` events as GitHub sends them.",
        )
    client = make_github(
        settings.github_token,
        runner.api_url,
        seconds_between_writes=runtime.github_write_pause_s,
        retry_backoff_factor=runtime.github_retry_backoff,
        sleep=runtime.sleep,
    )
    repository = RepositoryCalls(client, runner.repository)
    numbers, unknown = _group(repository, group, named)
    identity = GitHubAdapter(client, runner.repository, 0).identity(
        settings.github_token, settings.bot_login
    )
    base = queued_base(head_ref) or ""
    verdicts = []
    for number in numbers:
        github = GitHubAdapter(client, runner.repository, number, sleep=runtime.sleep)
        verdicts.append(_judge(github, number, identity, settings, base))
    for verdict in verdicts:
        if verdict.gate is not Gate.PASS:
            level = "error" if verdict.gate is Gate.FAIL else "warning"
            annotation(level, f"#{verdict.number}: {verdict.reason}")
    if unknown:
        annotation("warning", unknown)
    code = exit_code(verdicts, group_known=not unknown)
    append_step_summary(runner.step_summary_path, _summary(head_ref, verdicts, unknown))
    label = {0: "pass", 1: "fail"}.get(code, "incomplete")
    write_outputs(runner.output_path, {"verdict": label})
    return code


def _group(repository: RepositoryCalls, group: MergeGroup, named: int) -> tuple[list[int], str]:
    """The group's PRs, and why the list may lack some ("" when it is whole)."""
    try:
        commits = repository.group_commits(group.base_sha, group.head_sha)
    except GitHubError as error:
        return [named], (
            f"The group's commits could not be read ({error.message}), so which other pull "
            "requests it holds is unknown; re-run the check."
        )
    if group_pulls(named, commits, queued=None) == [named]:
        return [named], ""  # nobody else's number: no need to ask about the queue
    base = queued_base(group.head_ref) or ""
    return group_pulls(named, commits, queued=repository.merge_queue(base)), ""


def _judge(
    github: GitHubAdapter, number: int, identity: str | None, settings: Settings, base: str
) -> PullVerdict:
    try:
        head = str(github.pull_request_json()["head"]["sha"])
        summary = find_summary(github, identity)
    except GitHubError as error:
        return PullVerdict(number, Gate.INCOMPLETE, f"could not be read: {error.message}")
    return judge(
        number,
        head,
        summary.body if summary else None,
        settings.fail_on,
        base_ref=base,
        on_unreviewed=settings.on_unreviewed,
    )


def _cell(text: str) -> str:
    return cell(inert_line(text, 300))


def _summary(head_ref: str, verdicts: list[PullVerdict], unknown: str) -> str:
    rows = [f"| #{v.number} | {_LABELS[v.gate]} | {_cell(v.reason)} |" for v in verdicts]
    return "\n".join(
        [
            "## 🚦 Merge queue gate",
            "",
            f"Group {code_span(head_ref)}.",
            "",
            "| PR | gate | why |",
            "|---|---|---|",
            *rows,
            *(["", f"⚠️ {inert_line(unknown, 500)}"] if unknown else []),
        ]
    )
