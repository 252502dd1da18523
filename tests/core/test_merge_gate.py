"""The merge-queue gate's pure parts: the group's PRs, and each PR's verdict from its summary."""

from __future__ import annotations

import json
from typing import Any

from paths import EVENTS

from reviewer.core.merge_gate import (
    Gate,
    GroupCommit,
    PullVerdict,
    exit_code,
    group_pulls,
    queued_pull,
)
from reviewer.core.merge_gate import judge as judge_for_base
from reviewer.core.policy import OnUnreviewed
from reviewer.core.severity import Severity
from reviewer.core.state import OpenFinding, state_block
from reviewer.core.verdict_marker import verdict_marker

HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"


def summary(
    head: str, verdict: str, *findings: OpenFinding, base: str = "main", whole: bool = True
) -> str:
    return "\n\n".join(
        [
            "## 🤖 reviewer",
            verdict_marker(verdict),
            state_block(findings, reviewed_all=whole, config="", base_ref=base)[0],
            f"<!-- reviewer:summary head={head} v=0.1.0 -->",
        ]
    )


def judge(*args: Any, **kwargs: Any) -> PullVerdict:
    """The gate of a group merging into `main`, unless the test says otherwise."""
    return judge_for_base(*args, **{"base_ref": "main", **kwargs})


def finding(severity: str) -> OpenFinding:
    return OpenFinding("f" * 16, "src/app.py", 3, "RIGHT", severity, "security", "eval() of input")


def test_the_pr_a_merge_group_is_named_after() -> None:
    event = json.loads((EVENTS / "merge_group.checks_requested.json").read_text())
    assert queued_pull(event["merge_group"]["head_ref"]) == 104
    assert queued_pull("refs/heads/gh-readonly-queue/release/1.x/pr-7-" + "a" * 40) == 7
    assert queued_pull("refs/heads/main") is None


def by_github(message: str) -> GroupCommit:
    return GroupCommit(message, "web-flow", "noreply@github.com")


def test_group_adds_the_prs_whose_merge_or_squash_commits_it_holds() -> None:
    commits = [
        by_github("Merge pull request #2048 from octo-repo/update-readme\n\nUpdate README.md"),
        by_github("Fix the parser (#31)"),
        by_github("Rebased commit without a number"),
        by_github("Mentions #99 in passing"),
    ]
    assert group_pulls(104, commits, queued=None) == [31, 104, 2048]
    assert group_pulls(104, commits, queued={104, 2048, 31, 7}) == [31, 104, 2048]


def test_only_commits_github_made_for_queued_prs_add_to_the_group() -> None:
    # A PR's own commits (merge-commit queues keep them) may say anything in their subject.
    authored = GroupCommit("Tidy up (#123)", "mallory", "mallory@example.com")
    assert group_pulls(104, [authored], queued=None) == [104]
    # A committer email can be set to GitHub's by anyone, and a rebase queue's commits are
    # GitHub's with the author's subjects: where the queue can be read, it decides.
    forged = GroupCommit("Tidy up (#123)", "", "noreply@github.com")
    rebased = GroupCommit("Tidy up (#124)", "web-flow", "noreply@github.com")
    assert group_pulls(104, [forged, rebased], queued={104, 2048}) == [104]
    assert group_pulls(104, [forged, rebased], queued=None) == [104, 123, 124]
    queue_bot = GroupCommit("Fix it (#5)", "github-merge-queue[bot]", "")
    assert group_pulls(104, [queue_bot], queued={5, 104}) == [5, 104]


def test_a_group_whose_commits_are_unknown_is_incomplete() -> None:
    passed = PullVerdict(104, Gate.PASS, "reviewed")
    assert exit_code([passed]) == 0
    assert exit_code([passed], group_known=False) == 3
    assert exit_code([PullVerdict(104, Gate.FAIL, "blocking")], group_known=False) == 1


def test_pass_only_when_reviewed_at_head_with_nothing_blocking() -> None:
    ok = judge(2, HEAD, summary(HEAD, "pass", finding("warning")), Severity.CRITICAL)
    assert ok.gate is Gate.PASS
    blocked = judge(2, HEAD, summary(HEAD, "fail", finding("critical")), Severity.CRITICAL)
    assert blocked.gate is Gate.FAIL and "eval() of input" in blocked.reason
    strict = judge(2, HEAD, summary(HEAD, "pass", finding("warning")), Severity.WARNING)
    assert strict.gate is Gate.FAIL
    assert judge(2, HEAD, summary(HEAD, "pass", finding("critical")), None).gate is Gate.PASS


def test_a_failed_review_fails_with_no_blocking_finding_in_its_state() -> None:
    # `on-unreviewed: fail`, or more open findings than the state block holds.
    failed = judge(2, HEAD, summary(HEAD, "fail"), Severity.CRITICAL)
    assert failed.gate is Gate.FAIL and "failed" in failed.reason


def test_anything_not_reviewed_at_head_is_incomplete() -> None:
    assert judge(2, HEAD, None, Severity.CRITICAL).gate is Gate.INCOMPLETE
    stale = judge(2, HEAD, summary("b" * 40, "pass"), Severity.CRITICAL)
    assert stale.gate is Gate.INCOMPLETE and "not at its head" in stale.reason
    partial = judge(2, HEAD, summary(HEAD, "incomplete"), Severity.CRITICAL)
    assert partial.gate is Gate.INCOMPLETE
    # An older summary without a verdict marker cannot vouch for a complete review.
    legacy = summary(HEAD, "pass").replace(verdict_marker("pass"), "")
    assert judge(2, HEAD, legacy, Severity.CRITICAL).gate is Gate.INCOMPLETE
    # A verdict marker quoted anywhere but right before the state block is not ours.
    moved = summary(HEAD, "pass").replace(verdict_marker("pass"), "") + ""
    assert (
        judge(2, HEAD, verdict_marker("pass") + "\n\nx\n\n" + moved, None).gate is Gate.INCOMPLETE
    )


def test_exit_code_fail_before_incomplete_before_pass() -> None:
    passed = judge(1, HEAD, summary(HEAD, "pass"), None)
    failed = judge(2, HEAD, summary(HEAD, "fail", finding("critical")), Severity.CRITICAL)
    missing = judge(3, HEAD, None, None)
    assert exit_code([passed]) == 0
    assert exit_code([passed, missing]) == 3
    assert exit_code([passed, missing, failed]) == 1
    assert exit_code([]) == 3


def test_an_unreadable_state_vouches_for_nothing_whatever_the_verdict_says() -> None:
    # Base64 that is no zlib stream: the record cannot be read, so its verdict is not trusted.
    body = summary(HEAD, "pass").replace(
        state_block([], reviewed_all=True, config="", base_ref="main")[0],
        "<!-- reviewer:state v2 AAAA -->",
    )
    assert "AAAA" in body
    unreadable = judge(2, HEAD, body, Severity.CRITICAL)
    assert unreadable.gate is Gate.INCOMPLETE and "could not be read" in unreadable.reason
    failed = judge(2, HEAD, body.replace(verdict_marker("pass"), verdict_marker("fail")), None)
    assert failed.gate is Gate.FAIL  # a failure stands whatever the state


def test_a_state_cut_for_size_keeps_the_verdict_of_the_whole_review() -> None:
    # The state keeps the most severe findings first; the review's own verdict counted all
    # of them, so a pass over a partial (but readable) record stands.
    many = [
        OpenFinding(f"{i:016x}", f"src/m{i}.py", i, "RIGHT", "suggestion", "style", f"t{i} " * 30)
        for i in range(3000)
    ]
    block, complete = state_block(many, reviewed_all=True, config="", base_ref="main")
    assert not complete
    empty = state_block([], reviewed_all=True, config="", base_ref="main")[0]
    assert empty in summary(HEAD, "pass")
    body = summary(HEAD, "pass").replace(empty, block)
    assert judge(2, HEAD, body, Severity.CRITICAL).gate is Gate.PASS


def test_a_severity_this_version_does_not_know_counts_as_critical() -> None:
    # A state written by a newer version: read the safe way, not a crash.
    newer = judge(2, HEAD, summary(HEAD, "pass", finding("blocker")), Severity.CRITICAL)
    assert newer.gate is Gate.FAIL and "blocker: eval() of input" in newer.reason


def test_a_review_against_another_base_vouches_for_nothing() -> None:
    """A PR reviewed against an unprotected branch, then retargeted at the group's base at
    the same head: the commits between the two bases were never reviewed."""
    moved = judge(2, HEAD, summary(HEAD, "pass", base="feature"), None)
    assert (
        moved.gate is Gate.INCOMPLETE and "`feature`" in moved.reason and "`main`" in moved.reason
    )
    # A review that recorded no base (an earlier version) cannot say either.
    unknown = judge(2, HEAD, summary(HEAD, "pass", base=""), None)
    assert unknown.gate is Gate.INCOMPLETE and "no record of its base" in unknown.reason
    assert judge(2, HEAD, summary(HEAD, "pass", base="main"), None).gate is Gate.PASS


def test_a_review_that_left_part_unreviewed_is_decided_by_the_gates_on_unreviewed() -> None:
    # The review passed with `on-unreviewed: pass`; the gate has its own say.
    body = summary(HEAD, "pass", whole=False)
    assert judge(2, HEAD, body, None).gate is Gate.INCOMPLETE
    assert judge(2, HEAD, body, None, on_unreviewed=OnUnreviewed.FAIL).gate is Gate.FAIL
    assert judge(2, HEAD, body, None, on_unreviewed=OnUnreviewed.PASS).gate is Gate.PASS
