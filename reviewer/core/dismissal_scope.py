"""Which dismissals apply: one covers the code where a maintainer dismissed it.

A finding's identity is its file and its code (core/fingerprint.py), so the same code at
a second place of the file shares it. A maintainer who dismissed one place has not seen
the other: where a dismissed identity is now at more than one place, the dismissal is not
applied (the findings count again, and a note says why) until only one place is left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import Side
from reviewer.core.fingerprint import fingerprint
from reviewer.core.state import OpenFinding

Place = tuple[str, int | None, str]


def dismissals_in_one_place(
    dismissed: Mapping[str, str],
    findings: Iterable[AnchoredFinding],
    remembered: Sequence[OpenFinding],
    index: CommentableIndex,
) -> tuple[dict[str, str], list[str]]:
    """The dismissals that still cover one place only, and a note for each that does not.
    `remembered`: the open findings of the review before, counted where their line still
    holds their code (a place the new commits did not look at again)."""
    if not dismissed:
        return {}, []
    places: dict[str, set[Place]] = {}
    for found in findings:
        for fp in (found.fingerprint, *found.legacy_fingerprints):
            if fp in dismissed:
                places.setdefault(fp, set()).add((found.path, found.line, found.side.value))
    for old in remembered:
        if old.fingerprint in dismissed and _still_there(old, index):
            places.setdefault(old.fingerprint, set()).add((old.path, old.line, old.side))
    kept: dict[str, str] = {}
    notes: list[str] = []
    for fp, reason in dismissed.items():
        where = places.get(fp, set())
        if len(where) > 1:
            lines = ", ".join(f"L{line}" for _, line, _ in sorted(where, key=_order))
            notes.append(
                f"A dismissal ({reason}) covers code that is now at {len(where)} places "
                f"({lines}): it is not applied until the code is at one place only."
            )
        else:
            kept[fp] = reason
    return kept, notes


def _still_there(old: OpenFinding, index: CommentableIndex) -> bool:
    if old.line is None:
        return False
    side = Side.LEFT if old.side == Side.LEFT.value else Side.RIGHT
    ref = index.lookup(old.path, old.line, side)
    return ref is not None and fingerprint(old.path, ref.line.text) == old.fingerprint


def _order(place: Place) -> tuple[str, int, str]:
    path, line, side = place
    return (path, line or 0, side)
