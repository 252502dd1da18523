"""The merge-queue gate end to end: reviews run first (fake model), then GitHub's example
`merge_group` event, whose group holds PR #104 (named in its branch) and PR #2048 (its
merge commit's message); the gate answers from the summaries alone."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from action_runner import make_diff, pr_event, run_action
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger
from markdown_check import live_html
from paths import EVENTS

GROUP_EVENT = json.loads((EVENTS / "merge_group.checks_requested.json").read_text())
GROUP = GROUP_EVENT["merge_group"]
NO_MODEL = {"api-key": "", "base-url": ""}
EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of caller input")


def pull_event(number: int, head: str, base: str, base_ref: str = "main") -> dict[str, Any]:
    """The PR opened against `base_ref` (the group below merges into `main`)."""
    event = copy.deepcopy(pr_event("opened"))
    event["pull_request"].update(number=number)
    event["pull_request"]["head"]["sha"], event["pull_request"]["base"]["sha"] = head, base
    event["pull_request"]["base"]["ref"] = base_ref
    return event


@pytest.fixture
def group(tmp_path: Path, fake_github: FakeGitHub) -> FakeGitHub:
    diff = make_diff(tmp_path)
    for number, head in ((104, "a" * 40), (2048, "b" * 40)):
        fake_github.add_pull(number, head_sha=head, base_sha="f" * 40, diff=diff)
    fake_github.set_compare(
        GROUP["base_sha"],
        GROUP["head_sha"],
        status="ahead",
        messages=(GROUP["head_commit"]["message"],),
    )
    fake_github.set_merge_queue("main", [2048, 104])
    return fake_github


def review(
    tmp_path: Path, fake: FakeGitHub, model: FakeModelServer, number: int, base_ref: str = "main"
) -> int:
    pull = fake.pulls[number]
    result = run_action(
        tmp_path, fake, model, event=pull_event(number, pull.head_sha, pull.base_sha, base_ref),
        inputs={"fail-on": "critical"},
    )  # fmt: skip
    return result.returncode


def gate(tmp_path: Path, fake: FakeGitHub, model: FakeModelServer):  # type: ignore[no-untyped-def]
    result = run_action(
        tmp_path, fake, model, event=GROUP_EVENT, event_name="merge_group", inputs=NO_MODEL
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert fake.validation_errors == [] and fake.unhandled == []
    return result


def test_passes_when_every_pr_was_reviewed_at_its_head_with_nothing_blocking(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    assert review(tmp_path, group, fake_model, 104) == 0
    assert review(tmp_path, group, fake_model, 2048) == 0
    requests, writes = len(fake_model.requests), len(group.writes())
    result = gate(tmp_path, group, fake_model)
    assert result.returncode == 0, result.stdout
    assert result.outputs == {"verdict": "pass"}
    assert (
        "| #104 | ✅ pass |" in result.step_summary and "| #2048 | ✅ pass |" in result.step_summary
    )
    assert len(fake_model.requests) == requests  # no model run
    assert len(group.writes()) == writes  # and nothing written: a check only answers


def test_fails_naming_the_pr_with_a_blocking_finding(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    assert review(tmp_path, group, fake_model, 104) == 0
    fake_model.model = ReadingModel([EVAL])
    assert review(tmp_path, group, fake_model, 2048) == 1
    result = gate(tmp_path, group, fake_model)
    assert result.returncode == 1
    assert "::error::#2048: 1 blocking finding(s) open: critical: eval() of caller input" in (
        result.stdout
    )
    assert result.outputs == {"verdict": "fail"}


def test_a_pr_never_reviewed_or_pushed_since_is_incomplete(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    assert review(tmp_path, group, fake_model, 104) == 0
    never = gate(tmp_path, group, fake_model)
    assert never.returncode == 3 and "#2048: never reviewed" in never.stdout
    assert review(tmp_path, group, fake_model, 2048) == 0
    group.pulls[104].head_sha = "c" * 40  # pushed after its review
    stale = gate(tmp_path, group, fake_model)
    assert stale.returncode == 3
    assert f"#104: reviewed at {'a' * 12}, not at its head {'c' * 12}" in stale.stdout


def test_a_summary_written_by_someone_else_vouches_for_nothing(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    group.add_token("ghp_octocat", login="octocat", user_type="User")
    for number in (104, 2048):
        pull = group.pulls[number]
        result = run_action(
            tmp_path, group, fake_model, event=pull_event(number, pull.head_sha, pull.base_sha),
            token="ghp_octocat",
        )  # fmt: skip
        assert result.returncode == 0
    assert gate(tmp_path, group, fake_model).returncode == 3


def test_a_branch_that_is_not_a_queue_branch_is_a_configuration_error(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    event = copy.deepcopy(GROUP_EVENT)
    event["merge_group"]["head_ref"] = "refs/heads/main"
    result = run_action(
        tmp_path, group, fake_model, event=event, event_name="merge_group", inputs=NO_MODEL
    )
    assert result.returncode == 2 and "is not a merge queue branch" in result.stdout


def test_a_branch_name_with_markdown_in_it_is_shown_inert(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # git allows backticks and angle brackets in branch names; the queue names its branch
    # after the base branch.
    event = copy.deepcopy(GROUP_EVENT)
    base = "x`<img src=x onerror=alert(1)>`"
    event["merge_group"]["head_ref"] = GROUP["head_ref"].replace("/main/", f"/{base}/")
    result = run_action(
        tmp_path, group, fake_model, event=event, event_name="merge_group", inputs=NO_MODEL
    )
    assert result.returncode == 3, result.stdout
    assert "Merge queue gate" in result.step_summary
    assert live_html(result.step_summary) == [], result.step_summary


def test_a_summary_whose_state_was_damaged_vouches_for_nothing(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    assert review(tmp_path, group, fake_model, 104) == 0
    assert review(tmp_path, group, fake_model, 2048) == 0
    (summary,) = group.issue_comments_of(2048)
    assert "<!-- reviewer:verdict pass -->" in summary["body"]
    summary["body"] = re.sub(
        r"<!-- reviewer:state v2 [A-Za-z0-9+/=]* -->",
        "<!-- reviewer:state v2 AAAA -->",
        summary["body"],
    )
    result = gate(tmp_path, group, fake_model)
    assert result.returncode == 3, result.stdout
    assert "#2048: its summary's hidden state could not be read" in result.stdout


def test_a_group_whose_commits_cannot_be_read_is_incomplete(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    assert review(tmp_path, group, fake_model, 104) == 0
    assert review(tmp_path, group, fake_model, 2048) == 0
    group.fail_next("GET", r"/compare/", 500, times=10)
    result = gate(tmp_path, group, fake_model)
    # #104 passes, but whether #2048 (or any other) is in the group is unknown.
    assert result.returncode == 3, result.stdout
    assert result.outputs == {"verdict": "incomplete"}
    assert "| #104 | ✅ pass |" in result.step_summary
    assert "The group's commits could not be read" in result.step_summary


def test_only_commits_github_made_for_queued_prs_bring_prs_into_the_group(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    # #77 is open, never reviewed, not queued: a subject naming it must not gate it here.
    group.add_pull(77, head_sha="7" * 40, base_sha="f" * 40, diff=make_diff(tmp_path))
    group.set_compare(
        GROUP["base_sha"],
        GROUP["head_sha"],
        status="ahead",
        messages=(
            ("Tidy up (#77)", "Codertocat"),  # the PR author's own commit
            "Tidy up more (#77)",  # a rebase queue's commit: GitHub's, with their subject
            GROUP["head_commit"]["message"],
        ),
    )
    assert review(tmp_path, group, fake_model, 104) == 0
    assert review(tmp_path, group, fake_model, 2048) == 0
    result = gate(tmp_path, group, fake_model)
    assert result.returncode == 0, result.stdout
    assert "#77" not in result.step_summary and "| #2048 | ✅ pass |" in result.step_summary


def test_a_pr_reviewed_against_another_branch_then_retargeted_is_incomplete(
    tmp_path: Path, group: FakeGitHub, fake_model: FakeModelServer
) -> None:
    """Opened against an unprotected branch holding unreviewed commits, reviewed clean,
    then retargeted at `main` at the same head: the group would merge what nobody saw."""
    assert review(tmp_path, group, fake_model, 104, base_ref="feature") == 0
    assert review(tmp_path, group, fake_model, 2048) == 0
    result = gate(tmp_path, group, fake_model)
    assert result.returncode == 3
    assert "| #104 | ⚠️ incomplete | reviewed against `feature`, not `main`" in result.step_summary
    assert "| #2048 | ✅ pass |" in result.step_summary
