"""What to publish: which findings go inline now (grouped into comments), which are already
there, which go to the summary, which a maintainer dismissed, which the verification pass
rejected. Nothing is dropped: each
finding ends up in exactly one of those places, and `PublishPlan.all_findings` has them all.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import Side
from reviewer.core.markdown import one_line
from reviewer.core.severity import Severity
from reviewer.core.state import OpenFinding, as_anchored

# One comment holds at most this many findings (each bounded), so it stays far below
# GitHub's 65,536 characters; more on the same line are listed in the summary.
MAX_FINDINGS_PER_COMMENT = 12


def dedupe(findings: Iterable[AnchoredFinding]) -> list[AnchoredFinding]:
    """Drop copies: overlapping chunks can report the same problem twice. A copy is the same
    category and title (caseless) at the same place; the most severe copy is kept, inline
    before not, whatever the order they came in (of equal copies, the first). Different
    problems at one place all stay (they share a comment); identical code on other lines
    stays too (the same mistake twice)."""
    best: dict[tuple[str, str, int | None, str, str], AnchoredFinding] = {}
    for candidate in findings:
        title = one_line(candidate.finding.title).casefold()
        key = (
            candidate.fingerprint,
            candidate.path,
            candidate.line,
            candidate.finding.category,
            title,
        )
        kept = best.get(key)
        if kept is None or _rank(candidate) > _rank(kept):
            best[key] = candidate
    return list(best.values())


def _rank(finding: AnchoredFinding) -> tuple[int, bool]:
    return finding.finding.severity.rank, finding.is_inline


@dataclass(frozen=True, slots=True)
class CommentGroup:
    """One inline comment: the findings on one line of code, most severe first."""

    findings: tuple[AnchoredFinding, ...]

    @property
    def primary(self) -> AnchoredFinding:
        return self.findings[0]

    @property
    def fingerprint(self) -> str:
        return self.primary.fingerprint

    @property
    def path(self) -> str:
        return self.primary.path

    @property
    def line(self) -> int:
        assert self.primary.line is not None  # inline findings have a line
        return self.primary.line

    @property
    def side(self) -> Side:
        return self.primary.side

    @property
    def start_line(self) -> int | None:
        return self.primary.start_line


class Held(StrEnum):
    """Why a finding is listed in the summary instead of posted inline now."""

    OUTSIDE_DIFF = "outside-diff"  # its file is not in the reviewed diff
    NOT_IN_DIFF = "not-in-diff"  # its file is, its line is not
    NOT_COMMENTABLE = "not-commentable"
    BELOW_MIN_SEVERITY = "below-min-severity"
    OVER_LIMIT = "over-limit"  # `max-comments`, `max-comments-per-file`, or per comment
    REFUSED = "refused"  # GitHub answered 422 for this comment
    NO_PERMISSION = "no-permission"  # the token may not post review comments
    NOT_POSTED = "not-posted"  # GitHub failed to post the review (an outage, a rate limit)
    CARRIED = "carried"  # still open from an earlier review, never posted inline


@dataclass(frozen=True, slots=True)
class SummaryEntry:
    finding: AnchoredFinding
    reason: str  # for people
    kind: Held  # for programs (and local mode, which hides BELOW_MIN_SEVERITY)


@dataclass(frozen=True, slots=True)
class Dismissed:
    finding: AnchoredFinding
    reason: str  # who dismissed it, and why


@dataclass(frozen=True, slots=True)
class Rejected:
    finding: AnchoredFinding
    reason: str  # the verification request's


@dataclass(frozen=True, slots=True)
class PublishPlan:
    new_inline: tuple[CommentGroup, ...]
    already_posted: tuple[tuple[AnchoredFinding, str], ...]  # with the existing comment's URL
    summary_only: tuple[SummaryEntry, ...]
    dismissed: tuple[Dismissed, ...] = ()
    rejected: tuple[Rejected, ...] = ()  # by the verification pass: listed, not counted

    def already_posted_urls(self) -> list[tuple[str, str]]:
        return [(finding.fingerprint, url) for finding, url in self.already_posted]

    @property
    def inline_findings(self) -> list[AnchoredFinding]:
        return [finding for group in self.new_inline for finding in group.findings]

    @property
    def counted(self) -> list[AnchoredFinding]:
        """The findings that count for the verdict and the outputs: all but the dismissed and
        the rejected."""
        return [
            *self.inline_findings,
            *(f for f, _ in self.already_posted),
            *(entry.finding for entry in self.summary_only),
        ]

    @property
    def all_findings(self) -> list[AnchoredFinding]:
        """Every finding, once: where each one was delivered is what the plan says."""
        return [
            *self.counted,
            *(d.finding for d in self.dismissed),
            *(r.finding for r in self.rejected),
        ]


def posted_url(finding: AnchoredFinding, posted: Mapping[str, str]) -> str | None:
    """The URL of the comment already carrying this finding's place, if there is one."""
    return _by_identity(finding, posted)


def dismissal(finding: AnchoredFinding, dismissed: Mapping[str, str]) -> str | None:
    return _by_identity(finding, dismissed)


def _by_identity(finding: AnchoredFinding, known: Mapping[str, str]) -> str | None:
    """What `known` holds for the finding's fingerprint, or for one of its legacy ones."""
    if not known:
        return None
    value = known.get(finding.fingerprint)
    if value is not None:
        return value
    return next((known[fp] for fp in sorted(finding.legacy_fingerprints) if fp in known), None)


@dataclass(frozen=True, slots=True)
class Limits:
    """Inline comments a pull request may carry: in total and per file, counting those an
    earlier run already posted; and the lowest severity posted inline, per path."""

    max_comments: int
    max_per_file: int | None = None
    min_severity: Callable[[str], Severity] = lambda _path: Severity.SUGGESTION
    posted_per_file: Mapping[str, int] = field(default_factory=dict)

    @property
    def posted_total(self) -> int:
        return sum(self.posted_per_file.values())


def plan_publication(
    findings: Sequence[AnchoredFinding],
    *,
    posted: Mapping[str, str],
    index: CommentableIndex,
    limits: Limits,
    dismissed: Mapping[str, str] | None = None,
) -> PublishPlan:
    """Split deduplicated findings into new inline comments, already posted ones, dismissed
    ones and the rest.

    Inline candidates are checked against the whole diff's index once more, because one bad
    line makes GitHub reject the entire review. The most severe go first when the limits cut
    the list; findings below `min_severity(path)` are listed in the summary instead."""
    already: list[tuple[AnchoredFinding, str]] = []
    summary: list[SummaryEntry] = []
    gone: list[Dismissed] = []
    candidates: dict[tuple[str, str, int, Side], list[AnchoredFinding]] = {}
    for finding in sorted(findings, key=_order):
        reason = dismissal(finding, dismissed or {})
        url = posted_url(finding, posted)
        if reason is not None:
            gone.append(Dismissed(finding, reason))
        elif url is not None:
            already.append((finding, url))
        elif (entry := _not_inline(finding, index, limits)) is not None:
            summary.append(entry)
        else:
            assert finding.line is not None
            key = (finding.fingerprint, finding.path, finding.line, finding.side)
            candidates.setdefault(key, []).append(finding)
    groups, over = _within_limits(list(candidates.values()), limits)
    return PublishPlan(tuple(groups), tuple(already), (*summary, *over), tuple(gone))


def _order(finding: AnchoredFinding) -> tuple[int, str, int, str]:
    return (-finding.finding.severity.rank, finding.path, finding.line or 0, finding.finding.title)


def _not_inline(
    finding: AnchoredFinding, index: CommentableIndex, limits: Limits
) -> SummaryEntry | None:
    if finding.placement is Placement.OUTSIDE:
        return SummaryEntry(finding, "outside the diff", Held.OUTSIDE_DIFF)
    if finding.placement is Placement.FILE or finding.line is None:
        return SummaryEntry(finding, finding.note or "line not in the diff", Held.NOT_IN_DIFF)
    if not index.is_commentable(finding.path, finding.line, finding.side):
        return SummaryEntry(finding, "line not commentable in the diff", Held.NOT_COMMENTABLE)
    threshold = limits.min_severity(finding.path)
    if not finding.finding.severity.at_least(threshold):
        reason = f"below min-severity ({threshold.value})"
        return SummaryEntry(finding, reason, Held.BELOW_MIN_SEVERITY)
    return None


def _within_limits(
    candidates: list[list[AnchoredFinding]], limits: Limits
) -> tuple[list[CommentGroup], list[SummaryEntry]]:
    """Candidates (most severe first) become comments while the PR's limits allow."""
    groups: list[CommentGroup] = []
    over: list[SummaryEntry] = []
    per_file = Counter(limits.posted_per_file)
    total = limits.posted_total
    for findings in candidates:
        path = findings[0].path
        if total >= limits.max_comments:
            reason = f"over the limit of {limits.max_comments} comments on the pull request"
        elif limits.max_per_file is not None and per_file[path] >= limits.max_per_file:
            reason = f"over the limit of {limits.max_per_file} comments per file"
        else:
            groups.append(CommentGroup(tuple(findings[:MAX_FINDINGS_PER_COMMENT])))
            findings = findings[MAX_FINDINGS_PER_COMMENT:]
            reason = f"more than {MAX_FINDINGS_PER_COMMENT} findings on one line"
            total += 1
            per_file[path] += 1
        over.extend(SummaryEntry(f, reason, Held.OVER_LIMIT) for f in findings)
    return groups, over


def with_carried(
    plan: PublishPlan, carried: Sequence[OpenFinding], dismissed: Mapping[str, str] | None = None
) -> PublishPlan:
    """Add findings of earlier reviews that are still open (incremental reviews)."""
    posted: list[tuple[AnchoredFinding, str]] = []
    listed: list[SummaryEntry] = []
    gone: list[Dismissed] = []
    for remembered in carried:
        finding = as_anchored(remembered)
        reason = (dismissed or {}).get(remembered.fingerprint)
        if reason is not None:
            gone.append(Dismissed(finding, reason))
        elif remembered.url:
            posted.append((finding, remembered.url))
        else:
            listed.append(SummaryEntry(finding, "still open from an earlier review", Held.CARRIED))
    return PublishPlan(
        plan.new_inline,
        plan.already_posted + tuple(posted),
        plan.summary_only + tuple(listed),
        plan.dismissed + tuple(gone),
        plan.rejected,
    )


def with_rejected(plan: PublishPlan, rejected: Sequence[Rejected]) -> PublishPlan:
    """Add the findings the verification pass rejected: listed, never posted or counted."""
    return dataclasses.replace(plan, rejected=plan.rejected + tuple(rejected))
