"""What one review leaves for the next: the head it reviewed, whether it reviewed all of it,
the configuration it ran with, the findings still open, and what else its summary showed
(`core.recorded_extras`, for a run that reuses the review).

Kept in a hidden block of our own summary comment: zlib-compressed JSON in base64, so no
title can close the HTML comment, and compact so hundreds of findings fit. Every string in
it is bounded. When the open findings still don't all fit, the record says it is partial
and the next run reviews the whole pull request again instead of trusting it (fail closed).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.diff import FileDiff, LineKind, Side
from reviewer.core.findings import Category, Finding
from reviewer.core.markdown import bounded, one_line
from reviewer.core.recorded_extras import (
    MAX_PATH,
    MAX_TITLE,
    NO_EXTRAS,
    RecordedExtras,
    read_extras,
)
from reviewer.core.severity import Severity

# The last state block of our comment counts (a maintainer may add text below it).
_STATE = re.compile(r"<!-- reviewer:state (v2 )?([A-Za-z0-9+/=]*) -->")
_HEAD = re.compile(r"<!-- reviewer:summary head=([0-9a-f]{7,40}) v=[\w.+-]+ -->")


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
    complete: bool = False  # every open finding is in `open_findings`
    reviewed_all: bool = False  # nothing of the PR went unreviewed at `head_sha`
    config: str = ""  # digest of what the review ran with (model, rules, options)
    base_ref: str = ""  # the branch the PR was reviewed against ("": not recorded)
    readable: bool = True  # False: no state block, or one that could not be decoded
    extras: RecordedExtras = NO_EXTRAS  # what else its summary showed


# The state must leave the summary room under GitHub's 65,536-character limit; the visible
# sections are cut to fit around it, the state never is.
MAX_STATE_CHARS = 32_000
_RANK = MappingProxyType({"critical": 0, "warning": 1, "suggestion": 2})


def state_block(
    findings: Iterable[OpenFinding],
    *,
    reviewed_all: bool,
    config: str,
    extras: RecordedExtras = NO_EXTRAS,
    base_ref: str = "",
) -> tuple[str, bool]:
    """The hidden block, and whether it holds every open finding (the most severe first).
    `extras` (what else the summary shows) go in only where every open finding fits
    beside them: they are halved, then left out, before any finding is."""
    ordered = sorted(findings, key=lambda f: _RANK.get(f.severity, 3))
    rows = [_row(f) for f in ordered]
    kept = len(rows)
    while True:
        data = {
            "complete": kept == len(rows),
            "reviewed_all": reviewed_all,
            "config": config,
            "base": bounded(base_ref, MAX_PATH),  # the merge-queue gate checks the group's
        }
        encoded = _encode({**data, "findings": rows[:kept]})
        if len(encoded) <= MAX_STATE_CHARS or kept == 0:
            break
        kept = kept * MAX_STATE_CHARS // len(encoded) if kept > 1 else 0
    while kept == len(rows) and len(encoded) <= MAX_STATE_CHARS and extras:
        with_extras = _encode({**data, "findings": rows, **extras.fields()})
        if len(with_extras) <= MAX_STATE_CHARS:
            encoded = with_extras
            break
        extras = extras.halved()
    return f"<!-- reviewer:state v2 {encoded} -->", kept == len(rows)


def _row(f: OpenFinding) -> list[object]:
    return [
        f.fingerprint[:16],
        bounded(f.path, MAX_PATH),
        f.line,
        f.side,
        f.severity,
        f.category,
        one_line(f.title, MAX_TITLE),
        bounded(f.url, 300),
    ]


def _encode(data: object) -> str:
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace")
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def read_previous(summary_body: str) -> PreviousReview | None:
    """What our summary comment remembers; an unreadable record is partial, never trusted."""
    head = _HEAD.search(summary_body)
    if head is None:
        return None
    states = list(_STATE.finditer(summary_body))
    if not states:
        return PreviousReview(head.group(1), (), readable=False)
    state = states[-1]
    try:
        if state.group(1):  # v2: zlib-compressed JSON object
            data = json.loads(zlib.decompress(base64.b64decode(state.group(2), validate=True)))
            return PreviousReview(
                head.group(1),
                tuple(_open_finding(row) for row in data["findings"]),
                complete=data.get("complete") is True,
                reviewed_all=data.get("reviewed_all") is True,
                config=str(data.get("config", "")),
                base_ref=str(data.get("base", "")),
                extras=read_extras(data),
            )
        # v1 (before 0.2): a JSON list of objects, with no word on completeness.
        items = json.loads(base64.b64decode(state.group(2), validate=True))
        return PreviousReview(head.group(1), tuple(OpenFinding(**item) for item in items))
    except (binascii.Error, ValueError, TypeError, KeyError, zlib.error, RecursionError):
        # Partial: the next run reviews it all, and the merge-queue gate trusts nothing.
        return PreviousReview(head.group(1), (), readable=False)


def _open_finding(row: Sequence[object]) -> OpenFinding:
    fp, path, line, side, severity, category, title, url = row
    if line is not None and not isinstance(line, int):
        raise ValueError("line")
    return OpenFinding(
        str(fp), str(path), line, str(side), str(severity), str(category), str(title), str(url)
    )


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


def severity_of(remembered: OpenFinding) -> Severity:
    """A remembered finding's severity; one this version does not know (written by a newer
    one) is read the safe way, as critical."""
    known = remembered.severity in _RANK
    return Severity(remembered.severity) if known else Severity.CRITICAL


def as_anchored(carried: OpenFinding) -> AnchoredFinding:
    """A remembered finding in the shape the summary and the verdict use. A value this
    version does not know is read the safe way: an unknown severity as critical."""
    severity = severity_of(carried)
    known = {c.value for c in Category}
    side = Side.LEFT if carried.side == Side.LEFT.value else Side.RIGHT
    finding = Finding(
        path=carried.path,
        line=carried.line or 0,
        start_line=None,
        side=side,
        severity=severity,
        category=Category(carried.category) if carried.category in known else Category.BUG,
        title=carried.title or "(untitled finding)",
        body="Reported by an earlier review of this pull request and still open.",
        quote="",
        suggestion=None,
    )
    placement = Placement.INLINE if carried.line is not None else Placement.FILE
    return AnchoredFinding(
        finding,
        placement,
        carried.path,
        carried.line,
        side,
        note="carried forward from an earlier review",
        remembered_fingerprint=carried.fingerprint,
    )
