"""The merge-queue gate: pass a merge group only when every pull request in it was
reviewed at its current head and has no blocking finding still open. No model run: it
reads what the reviews left in their summary comments.

Fail closed: a PR with no summary, a summary for another head, an incomplete review, or a
summary whose hidden state cannot be read is INCOMPLETE (exit 3), never a pass. A state cut
for size (it keeps the most severe open findings first) is readable: a blocking finding in
it fails the PR, and otherwise the review's own verdict, which counted every finding,
stands. A severity this version does not know counts as critical."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import Enum

from reviewer.core.markdown import code_span
from reviewer.core.policy import OnUnreviewed
from reviewer.core.severity import Severity
from reviewer.core.state import read_previous, severity_of
from reviewer.core.verdict_marker import read_verdict
from reviewer.errors import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK

_QUEUE_REF = re.compile(
    r"(?:refs/heads/)?gh-readonly-queue/(?P<base>.+)/pr-(?P<number>\d+)-(?P<sha>[0-9a-f]{40})"
)
# The first lines GitHub writes for the queue's merge and squash commits.
_MERGED = re.compile(r"^Merge pull request #(\d+) from \S+")
_SQUASHED = re.compile(r"\(#(\d+)\)$")
# Who commits what GitHub itself makes when it merges (the web UI's merges, the queue's).
_GITHUB_COMMITTERS = frozenset({"web-flow", "github-merge-queue[bot]"})
_GITHUB_EMAIL = "noreply@github.com"


def queued_pull(head_ref: str) -> int | None:
    """The PR a merge group's branch is named after, e.g. `pr-104` in
    `refs/heads/gh-readonly-queue/main/pr-104-929f…`."""
    found = _QUEUE_REF.fullmatch(head_ref.strip())
    return int(found.group("number")) if found else None


@dataclass(frozen=True, slots=True)
class GroupCommit:
    """A commit of the merge group, as GitHub's compare lists it."""

    message: str
    committer_login: str  # the account GitHub links the committer to, or ""
    committer_email: str

    @property
    def by_github(self) -> bool:
        return (
            self.committer_login.lower() in _GITHUB_COMMITTERS
            or self.committer_email.lower() == _GITHUB_EMAIL
        )


def group_pulls(
    named: int, commits: Iterable[GroupCommit], *, queued: Collection[int] | None
) -> list[int]:
    """The PRs in the group: the one it is named after, and those queued ahead of it whose
    merge or squash commit it holds (a group batches them).

    A PR's own commits are in a merge-commit queue's group too, and their subjects say what
    their author likes: `Tidy up (#123)` must not gate #123 here (nor, if #123 is never
    reviewed, hold up everyone's group). So a number counts only from a commit GitHub made
    (committed by `web-flow` or `noreply@github.com`), and, as a committer email can be set
    by anyone and a rebase queue's commits are GitHub's with their author's subjects, only
    for a PR in the merge queue (`queued`, when GitHub could say). A rebase merge leaves no
    number in its commits; every PR is gated by its own group's check in any case."""
    found = {named}
    for commit in commits:
        if not commit.by_github:
            continue
        first = commit.message.split("\n", 1)[0].strip()
        for pattern in (_MERGED, _SQUASHED):
            match = pattern.search(first)
            if match and (queued is None or int(match.group(1)) in queued):
                found.add(int(match.group(1)))
    return sorted(found)


def queued_base(head_ref: str) -> str | None:
    """The base branch a merge group's branch is for (`main` in the example above)."""
    found = _QUEUE_REF.fullmatch(head_ref.strip())
    return found.group("base") if found else None


class Gate(Enum):
    PASS = "pass"
    FAIL = "fail"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class PullVerdict:
    number: int
    gate: Gate
    reason: str


def judge(
    number: int,
    head_sha: str,
    summary_body: str | None,
    threshold: Severity | None,
    *,
    base_ref: str,
    on_unreviewed: OnUnreviewed = OnUnreviewed.INCOMPLETE,
) -> PullVerdict:
    """One PR from its latest summary comment (ours only; the caller checks who wrote it).
    `base_ref`: the branch the group merges into; a review against another branch (a PR
    retargeted since) vouches for nothing. `on-unreviewed` as the gate's own input says."""
    previous = read_previous(summary_body) if summary_body is not None else None
    if previous is None:
        return PullVerdict(number, Gate.INCOMPLETE, "never reviewed")
    if not head_sha.startswith(previous.head_sha):
        return PullVerdict(
            number,
            Gate.INCOMPLETE,
            f"reviewed at {previous.head_sha[:12]}, not at its head {head_sha[:12]}",
        )
    if previous.readable and previous.base_ref != base_ref:
        against = (
            f"against {code_span(previous.base_ref)}"
            if previous.base_ref
            else "with no record of its base branch"
        )
        return PullVerdict(
            number,
            Gate.INCOMPLETE,
            f"reviewed {against}, not {code_span(base_ref)}, which the group merges into; "
            "re-run the review",
        )
    blocking = [
        f
        for f in previous.open_findings
        if threshold is not None and severity_of(f).at_least(threshold)
    ]
    if blocking:
        titles = "; ".join(f"{f.severity}: {f.title} ({f.path})" for f in blocking[:3])
        more = f" and {len(blocking) - 3} more" if len(blocking) > 3 else ""
        return PullVerdict(
            number, Gate.FAIL, f"{len(blocking)} blocking finding(s) open: {titles}{more}"
        )
    verdict = read_verdict(summary_body or "")
    if verdict == "fail":
        # Failing without a blocking finding in the state: `on-unreviewed: fail`, or more
        # open findings than the state could hold.
        return PullVerdict(number, Gate.FAIL, "its review failed; see its summary")
    if not previous.readable:
        # The verdict sits beside a record we cannot read: it vouches for nothing.
        return PullVerdict(
            number,
            Gate.INCOMPLETE,
            "its summary's hidden state could not be read; re-run the review",
        )
    if not previous.reviewed_all and on_unreviewed is not OnUnreviewed.PASS:
        # Its review left part of it unreviewed (the verdict may still say pass, with
        # `on-unreviewed: pass` on the review): the gate decides by its own input.
        gate = Gate.FAIL if on_unreviewed is OnUnreviewed.FAIL else Gate.INCOMPLETE
        return PullVerdict(number, gate, "part of it was not reviewed; see its summary")
    if verdict is None or verdict == "incomplete":
        why = "its review was incomplete" if verdict else "its summary records no verdict"
        return PullVerdict(number, Gate.INCOMPLETE, f"{why}; re-run the review")
    return PullVerdict(number, Gate.PASS, f"reviewed at {head_sha[:12]}, nothing blocking")


def exit_code(verdicts: Iterable[PullVerdict], *, group_known: bool = True) -> int:
    """Fail if any PR fails; else incomplete if any PR is, or if which PRs the group
    holds is unknown (its commits could not be read); else pass."""
    gates = {v.gate for v in verdicts}
    if Gate.FAIL in gates:
        return EXIT_FINDINGS
    if Gate.INCOMPLETE in gates or not gates or not group_known:
        return EXIT_INCOMPLETE
    return EXIT_OK
