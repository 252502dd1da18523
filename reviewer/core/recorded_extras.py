"""What a review showed besides its open findings, recorded in the summary's state so that a
run reusing that review (same head, same configuration: nothing is sent to the model)
republishes the same summary: the walkthrough, the context the model was given, and the
findings the verification pass rejected.

Display only: none of it counts for the verdict, so it is read leniently (a record whose
extras are malformed keeps its findings) and it gives way to the open findings when the
state runs out of room (`core.state.state_block`). Every string is bounded, and read
back it is rendered inert again like anything the model wrote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.diff import Side
from reviewer.core.findings import Category, FileNote, Finding
from reviewer.core.markdown import bounded, one_line
from reviewer.core.severity import Severity

# As long as the summary shows them (`core.summary`): read back, they render the same.
# (The open findings of the state are bounded alike.)
MAX_TITLE = 120
MAX_PATH = 500
MAX_REASON = 500
MAX_CONTEXT_ITEM = 300


@dataclass(frozen=True, slots=True)
class RecordedRejection:
    """A finding the verification pass rejected, as the summary lists it."""

    fingerprint: str
    path: str
    line: int | None
    start_line: int | None
    side: str
    placement: str
    severity: str
    category: str
    title: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecordedExtras:
    walkthrough: tuple[FileNote, ...] = ()
    context_used: tuple[str, ...] = ()
    rejected: tuple[RecordedRejection, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.walkthrough or self.context_used or self.rejected)

    def halved(self) -> RecordedExtras:
        """Half of each list, the first ones kept (the order the summary shows them in)."""
        return RecordedExtras(
            self.walkthrough[: len(self.walkthrough) // 2],
            self.context_used[: len(self.context_used) // 2],
            self.rejected[: len(self.rejected) // 2],
        )

    def fields(self) -> dict[str, object]:
        """The state's JSON fields for these (none when empty: older records look the same)."""
        fields: dict[str, object] = {}
        if self.walkthrough:
            fields["walkthrough"] = [[n.path, n.summary] for n in self.walkthrough]
        if self.context_used:
            fields["context_used"] = list(self.context_used)
        if self.rejected:
            fields["rejected"] = [_row(r) for r in self.rejected]
        return fields


class RejectedLike(Protocol):  # `core.plan.Rejected`, which imports this module's users
    @property
    def finding(self) -> AnchoredFinding: ...
    @property
    def reason(self) -> str: ...


NO_EXTRAS = RecordedExtras()


def recorded_extras(
    walkthrough: Sequence[FileNote], context_used: Sequence[str], rejected: Sequence[RejectedLike]
) -> RecordedExtras:
    """What a run's summary shows besides its findings, bounded for the record."""
    notes = {(note.path, note.summary): note for note in walkthrough}
    return RecordedExtras(
        tuple(notes.values()),
        tuple(one_line(item, MAX_CONTEXT_ITEM) for item in context_used),
        tuple(_rejection(r.finding, r.reason) for r in rejected),
    )


def _rejection(anchored: AnchoredFinding, reason: str) -> RecordedRejection:
    f = anchored.finding
    return RecordedRejection(
        anchored.fingerprint,
        bounded(anchored.path, MAX_PATH),
        anchored.line,
        anchored.start_line,
        anchored.side.value,
        anchored.placement.value,
        f.severity.value,
        f.category.value,
        one_line(f.title, MAX_TITLE),
        bounded(reason, MAX_REASON),
    )


def _row(r: RecordedRejection) -> list[object]:
    return [
        r.fingerprint,
        r.path,
        r.line,
        r.start_line,
        r.side,
        r.placement,
        r.severity,
        r.category,
        r.title,
        r.reason,
    ]


def read_extras(data: Mapping[str, object]) -> RecordedExtras:
    """The extras of a decoded state record; none (not an error) when absent or malformed."""
    try:
        return RecordedExtras(
            tuple(_read_note(row) for row in _list(data, "walkthrough")),
            tuple(str(item)[:MAX_CONTEXT_ITEM] for item in _list(data, "context_used")),
            tuple(_read_rejection(row) for row in _list(data, "rejected")),
        )
    except (TypeError, ValueError):  # pydantic's ValidationError is a ValueError
        return NO_EXTRAS


def _list(data: Mapping[str, object], key: str) -> list[object]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise TypeError(key)
    return value


def _read_note(row: object) -> FileNote:
    if not isinstance(row, list) or len(row) != 2:
        raise ValueError("walkthrough")
    return FileNote(path=str(row[0]), summary=str(row[1]))


def _read_rejection(row: object) -> RecordedRejection:
    if not isinstance(row, list) or len(row) != 10:
        raise ValueError("rejected")
    fp, path, line, start, side, placement, severity, category, title, reason = row
    for number in (line, start):
        if number is not None and not isinstance(number, int):
            raise ValueError("line")
    return RecordedRejection(
        str(fp)[:16],
        bounded(str(path), MAX_PATH),
        line,
        start,
        str(side),
        str(placement),
        str(severity),
        str(category),
        one_line(str(title), MAX_TITLE),
        bounded(str(reason), MAX_REASON),
    )


def rejected_finding(recorded: RecordedRejection) -> AnchoredFinding:
    """A recorded rejection in the shape the summary and the findings file list. A value
    this version does not know is read as the most visible one it does."""
    known = {c.value for c in Category}
    side = Side.LEFT if recorded.side == Side.LEFT.value else Side.RIGHT
    placements = {p.value: p for p in Placement}
    severities = {s.value: s for s in Severity}
    finding = Finding(
        path=recorded.path,
        line=recorded.line or 0,
        start_line=recorded.start_line,
        side=side,
        severity=severities.get(recorded.severity, Severity.CRITICAL),
        category=Category(recorded.category) if recorded.category in known else Category.BUG,
        title=recorded.title or "(untitled finding)",
        body="Rejected by the verification pass of an earlier review of this head.",
        quote="",
        suggestion=None,
    )
    return AnchoredFinding(
        finding,
        placements.get(recorded.placement, Placement.FILE),
        recorded.path,
        recorded.line,
        side,
        start_line=recorded.start_line,
        note="recorded by an earlier review of this head",
        remembered_fingerprint=recorded.fingerprint,
    )
