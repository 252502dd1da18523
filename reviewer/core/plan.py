"""What to publish: which findings go inline now, which are already there, which go to the
summary. Nothing is dropped; each finding ends up in exactly one of those places."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.diff import CommentableIndex
from reviewer.core.severity import Severity
from reviewer.core.state import OpenFinding, as_anchored


def dedupe(findings: Iterable[AnchoredFinding]) -> list[AnchoredFinding]:
    """One finding per fingerprint and place: overlapping chunks can report the same thing
    twice. Identical code on other lines (the same mistake in three functions) stays: each
    is a finding of its own. The most severe copy wins, then an inline one."""
    best: dict[tuple[str, str, int | None], AnchoredFinding] = {}
    for candidate in findings:
        key = (candidate.fingerprint, candidate.path, candidate.line)
        kept = best.get(key)
        if kept is None or _rank(candidate) > _rank(kept):
            best[key] = candidate
    return list(best.values())


def _rank(finding: AnchoredFinding) -> tuple[int, bool]:
    return finding.finding.severity.rank, finding.is_inline


class Held(StrEnum):
    """Why a finding is listed in the summary instead of posted inline now."""

    OUTSIDE_DIFF = "outside-diff"  # its file is not in the reviewed diff
    NOT_IN_DIFF = "not-in-diff"  # its file is, its line is not
    NOT_COMMENTABLE = "not-commentable"
    BELOW_MIN_SEVERITY = "below-min-severity"
    OVER_LIMIT = "over-limit"  # `max-comments` or `max-comments-per-file`
    REFUSED = "refused"  # GitHub answered 422 for this comment
    NO_PERMISSION = "no-permission"  # the token may not post review comments
    CARRIED = "carried"  # still open from an earlier review, never posted inline


@dataclass(frozen=True, slots=True)
class SummaryEntry:
    finding: AnchoredFinding
    reason: str  # for people
    kind: Held  # for programs (and local mode, which hides BELOW_MIN_SEVERITY)


@dataclass(frozen=True, slots=True)
class PublishPlan:
    new_inline: tuple[AnchoredFinding, ...]
    already_posted: tuple[tuple[AnchoredFinding, str], ...]  # with the existing comment's URL
    summary_only: tuple[SummaryEntry, ...]

    def already_posted_urls(self) -> list[tuple[str, str]]:
        return [(finding.fingerprint, url) for finding, url in self.already_posted]

    @property
    def all_findings(self) -> list[AnchoredFinding]:
        return [
            *self.new_inline,
            *(f for f, _ in self.already_posted),
            *(entry.finding for entry in self.summary_only),
        ]


def plan_publication(
    findings: Sequence[AnchoredFinding],
    *,
    posted: Mapping[str, str],
    index: CommentableIndex,
    max_comments: int,
    max_per_file: int | None = None,
    min_severity: Callable[[str], Severity] = lambda _path: Severity.SUGGESTION,
) -> PublishPlan:
    """Split deduplicated findings into new inline comments, already posted ones and the rest.

    Inline candidates are checked against the whole diff's index once more, because one
    bad line makes GitHub reject the entire review. The most severe go first when
    `max_comments` or `max_per_file` cut the list; findings below `min_severity(path)` are
    listed in the summary instead of posted."""
    new: list[AnchoredFinding] = []
    already: list[tuple[AnchoredFinding, str]] = []
    summary: list[SummaryEntry] = []
    per_file: Counter[str] = Counter()
    for finding in sorted(findings, key=lambda f: (-f.finding.severity.rank, f.path, f.line or 0)):
        threshold = min_severity(finding.path)
        if finding.fingerprint in posted:
            already.append((finding, posted[finding.fingerprint]))
        elif finding.placement is Placement.OUTSIDE:
            summary.append(SummaryEntry(finding, "outside the diff", Held.OUTSIDE_DIFF))
        elif finding.placement is Placement.FILE or finding.line is None:
            summary.append(
                SummaryEntry(finding, finding.note or "line not in the diff", Held.NOT_IN_DIFF)
            )
        elif not index.is_commentable(finding.path, finding.line, finding.side):
            summary.append(
                SummaryEntry(finding, "line not commentable in the diff", Held.NOT_COMMENTABLE)
            )
        elif not finding.finding.severity.at_least(threshold):
            reason = f"below min-severity ({threshold.value})"
            summary.append(SummaryEntry(finding, reason, Held.BELOW_MIN_SEVERITY))
        elif len(new) >= max_comments:
            reason = f"over the limit of {max_comments} comments"
            summary.append(SummaryEntry(finding, reason, Held.OVER_LIMIT))
        elif max_per_file is not None and per_file[finding.path] >= max_per_file:
            reason = f"over the limit of {max_per_file} comments per file"
            summary.append(SummaryEntry(finding, reason, Held.OVER_LIMIT))
        else:
            new.append(finding)
            per_file[finding.path] += 1
    return PublishPlan(tuple(new), tuple(already), tuple(summary))


def with_carried(plan: PublishPlan, carried: Sequence[OpenFinding]) -> PublishPlan:
    """Add findings of earlier reviews that are still open (incremental reviews)."""
    posted: list[tuple[AnchoredFinding, str]] = []
    listed: list[SummaryEntry] = []
    for remembered in carried:
        finding = as_anchored(remembered)
        if finding is None:
            continue
        if remembered.url:
            posted.append((finding, remembered.url))
        else:
            listed.append(SummaryEntry(finding, "still open from an earlier review", Held.CARRIED))
    return PublishPlan(
        plan.new_inline, plan.already_posted + tuple(posted), plan.summary_only + tuple(listed)
    )
