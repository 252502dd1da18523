"""What one review leaves for the next: the head it reviewed and the findings still open.

Kept in a hidden block of the summary comment, base64-encoded JSON so that no title can
close the HTML comment. Only our own summary comment is read."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from types import MappingProxyType

from pydantic import ValidationError

from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.diff import FileDiff, LineKind, Side
from reviewer.core.findings import Finding

# Only the block right before the closing summary marker counts: a copy anywhere else
# (say, quoted in model text the summary repeats) is not ours.
_STATE = re.compile(
    r"<!-- reviewer:state ([A-Za-z0-9+/=]*) -->\s*<!-- reviewer:summary head=[0-9a-f]{7,40} "
    r"v=[\w.+-]+ -->\s*\Z"
)
_HEAD = re.compile(r"<!-- reviewer:summary head=([0-9a-f]{7,40}) v=[\w.+-]+ -->\s*\Z")


@dataclass(frozen=True, slots=True)
class OpenFinding:
    """A finding as the summary remembers it, at the head it was reviewed on."""

    fingerprint: str
    path: str
    line: int | None
    side: str
    severity: str
    category: str
    title: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class PreviousReview:
    head_sha: str
    open_findings: tuple[OpenFinding, ...]


# The state must leave the summary room under GitHub's 65,536-character limit.
MAX_STATE_CHARS = 20_000
_RANK = MappingProxyType({"critical": 0, "warning": 1, "suggestion": 2})


def state_block(findings: Iterable[OpenFinding]) -> str:
    """The open findings, most severe first, as many as fit in MAX_STATE_CHARS. The rest
    are still on the PR as comments; only their carry-over to the next summary is lost."""
    kept: list[dict[str, object]] = []
    size = 0
    for finding in sorted(findings, key=lambda f: _RANK.get(f.severity, 3)):
        item = asdict(finding)
        cost = (len(json.dumps(item, separators=(",", ":"))) + 1) * 4 // 3 + 4
        if size + cost > MAX_STATE_CHARS:
            break
        kept.append(item)
        size += cost
    data = json.dumps(kept, separators=(",", ":"))
    return f"<!-- reviewer:state {base64.b64encode(data.encode()).decode()} -->"


def read_previous(summary_body: str) -> PreviousReview | None:
    head = _HEAD.search(summary_body)
    if head is None:
        return None
    state = _STATE.search(summary_body)
    findings: tuple[OpenFinding, ...] = ()
    if state is not None:
        try:
            items = json.loads(base64.b64decode(state.group(1)))
            findings = tuple(OpenFinding(**item) for item in items)
        except (binascii.Error, ValueError, TypeError):
            findings = ()  # an unreadable state only costs the carry-over, never the run
    return PreviousReview(head.group(1), findings)


def open_finding(finding: AnchoredFinding, url: str = "") -> OpenFinding:
    f = finding.finding
    return OpenFinding(
        finding.fingerprint,
        finding.path,
        finding.line,
        finding.side.value,
        f.severity.value,
        f.category.value,
        f.title,
        url,
    )


def touched_lines(new_commits: Iterable[FileDiff]) -> set[tuple[str, int]]:
    """(path, line at the previous head) of every line the new commits changed or removed.

    The compare diff's old side is the previous head, where the open findings' lines are."""
    touched: set[tuple[str, int]] = set()
    for file in new_commits:
        path = file.old_path or file.path
        for _, line in file.lines():
            if line.kind is LineKind.DELETED and line.old_no is not None:
                touched.add((path, line.old_no))
    return touched


def carry_forward(
    previous: PreviousReview, *, current: set[str], touched: set[tuple[str, int]]
) -> list[OpenFinding]:
    """Earlier findings still open: not found again now, and their line left untouched."""
    return [
        f
        for f in previous.open_findings
        if f.fingerprint not in current and (f.line is None or (f.path, f.line) not in touched)
    ]


def as_anchored(carried: OpenFinding) -> AnchoredFinding | None:
    """A remembered finding in the shape the summary and the verdict use."""
    try:
        finding = Finding(
            path=carried.path,
            line=carried.line or 0,
            start_line=None,
            side=Side(carried.side),
            severity=carried.severity,  # type: ignore[arg-type]
            category=carried.category,  # type: ignore[arg-type]
            title=carried.title,
            body="Reported by an earlier review of this pull request and still open.",
            quote="",
            suggestion=None,
        )
    except (ValidationError, ValueError):
        return None
    placement = Placement.INLINE if carried.line is not None else Placement.FILE
    return AnchoredFinding(
        finding,
        placement,
        carried.path,
        carried.line,
        Side(carried.side),
        note="carried forward from an earlier review",
        remembered_fingerprint=carried.fingerprint,
    )
