"""Place each finding on a line of its chunk's diff that GitHub accepts a comment on.

Models cite lines imperfectly. A finding whose cited line is commentable and holds
the quoted code stays there; otherwise it moves to the nearest line holding the
quote (exact text first, then ignoring whitespace), within that file's hunks in
the chunk. A finding that cannot be placed is kept for the summary: we never
invent a location and never drop a finding.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from reviewer.core.chunking import Chunk
from reviewer.core.commentable import CommentableIndex, LineRef
from reviewer.core.diff import FileDiff, Side
from reviewer.core.findings import Finding
from reviewer.core.fingerprint import fingerprint, legacy_fingerprints
from reviewer.core.git_paths import unquote_git_path


class Placement(StrEnum):
    INLINE = "inline"  # on a diff line
    FILE = "file"  # file is in the diff, line is not: listed under the file in the summary
    OUTSIDE = "outside"  # file is not part of the reviewed diff


@dataclass(frozen=True, slots=True)
class AnchoredFinding:
    finding: Finding
    placement: Placement
    path: str
    line: int | None
    side: Side
    start_line: int | None = None
    note: str = ""
    # The diff text of the anchored lines (start..line); for a finding that is not
    # inline, the model's quote. Fingerprints and suggestions are built on it.
    code_lines: tuple[str, ...] = ()
    # Set for a finding remembered from an earlier review, whose code is not at hand.
    remembered_fingerprint: str | None = None

    @property
    def is_inline(self) -> bool:
        return self.placement is Placement.INLINE

    @property
    def code(self) -> str:
        """What identifies the finding's place: the anchored line itself (a range's start
        varies more between answers than its end), or for a finding off the diff its quote's
        last line (its title when it quoted nothing)."""
        return self.code_lines[-1] if self.code_lines else self.finding.title

    # Hashed once: plan, summary, state and report all ask for it.
    _fingerprint: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        fp = self.remembered_fingerprint or fingerprint(self.path, self.code)
        object.__setattr__(self, "_fingerprint", fp)

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def legacy_fingerprints(self) -> frozenset[str]:
        """What comments posted by earlier versions may carry for the same place."""
        if self.remembered_fingerprint is not None:
            return frozenset()
        return legacy_fingerprints(self.path, self.code)


def chunk_index(chunk: Chunk) -> CommentableIndex:
    """The commentable lines of exactly the hunks this chunk showed the model."""
    merged: dict[str, FileDiff] = {}
    for piece in chunk.pieces:
        known = merged.get(piece.file.path)
        hunks = (known.hunks if known else ()) + piece.hunks
        merged[piece.file.path] = dataclasses.replace(piece.file, hunks=hunks)
    return CommentableIndex.build(merged.values())


def anchor_findings(
    findings: Iterable[Finding], chunk: Chunk, index: CommentableIndex | None = None
) -> list[AnchoredFinding]:
    index = index or chunk_index(chunk)
    return [anchor_finding(finding, index) for finding in findings]


def anchor_finding(finding: Finding, index: CommentableIndex) -> AnchoredFinding:
    path = resolve_path(finding.path, index.paths)
    side = finding.side or Side.RIGHT
    quote_lines = _quote_lines(finding.quote)
    if path is None:
        return AnchoredFinding(
            finding,
            Placement.OUTSIDE,
            finding.path,
            None,
            side,
            note="file not in the diff",
            code_lines=tuple(quote_lines),
        )
    cited = index.lookup(path, finding.line, side)
    if cited is not None and (not quote_lines or any(_holds(cited, q) for q in quote_lines)):
        return _inline(finding, path, finding.line, side, index, cited)
    found = _find_quote(index, path, quote_lines, side, near=finding.line)
    if found is _NOWHERE and side is Side.LEFT:
        # Cited as a deleted line, quoting new code: models confuse the sides that way
        # round (never the other: new code is not moved onto a deleted line).
        found = _find_quote(index, path, quote_lines, Side.RIGHT, near=finding.line)
        side = Side.RIGHT if isinstance(found, tuple) else side
    if isinstance(found, tuple):
        number, ref = found
        # A cited line found again (it holds the quote only loosely) is not a move.
        moved = (number, side) != (finding.line, finding.side or Side.RIGHT)
        note = f"moved from line {finding.line} to the line holding the quoted code"
        return _inline(finding, path, number, side, index, ref, note=note if moved else "")
    if found is _NOWHERE and cited is not None and _supports(cited, quote_lines):
        # The quote is in none of the hunk's lines (paraphrased), and the cited line has
        # the names it speaks of.
        return _inline(finding, path, finding.line, side, index, cited)
    if found is _SEVERAL:
        note = f"the quoted code is on several lines, none of them line {finding.line}"
    elif cited is not None:
        note = f"line {finding.line} does not hold the quoted code"
    else:
        note = f"line {finding.line} is not in the diff"
    return AnchoredFinding(
        finding, Placement.FILE, path, None, side, note=note, code_lines=tuple(quote_lines)
    )


def resolve_path(path: str, known: Iterable[str]) -> str | None:
    """The diff path a model meant: exact, then case-insensitive, then a unique suffix."""
    candidates = list(known)
    if path in candidates:
        return path
    cleaned = unquote_git_path(path.strip()).removeprefix("./")
    if cleaned in candidates:
        return cleaned
    cleaned = cleaned.removeprefix("b/").removeprefix("a/")
    if cleaned in candidates:
        return cleaned
    lowered = [c for c in candidates if c.lower() == cleaned.lower()]
    if len(lowered) == 1:
        return lowered[0]
    suffix = [c for c in candidates if c.endswith("/" + cleaned) or cleaned.endswith("/" + c)]
    return suffix[0] if len(suffix) == 1 else None


def _inline(
    finding: Finding,
    path: str,
    line: int,
    side: Side,
    index: CommentableIndex,
    ref: LineRef,
    *,
    note: str = "",
) -> AnchoredFinding:
    start = _range_start(finding, path, line, side, index, ref)
    numbers = range(start if start is not None else line, line + 1)
    code = tuple(_line_text(index, path, number, side) for number in numbers)
    return AnchoredFinding(finding, Placement.INLINE, path, line, side, start, note, code)


def _line_text(index: CommentableIndex, path: str, number: int, side: Side) -> str:
    ref = index.lookup(path, number, side)
    assert ref is not None  # callers only pass lines checked commentable
    return ref.line.text


def _range_start(
    finding: Finding, path: str, line: int, side: Side, index: CommentableIndex, ref: LineRef
) -> int | None:
    """Keep a multi-line range (shifted with its end line) only where GitHub accepts it:
    every line commentable, on one side, in one hunk."""
    if finding.start_line is None or finding.start_line >= finding.line:
        return None
    start = line - (finding.line - finding.start_line)
    for number in range(start, line):
        other = index.lookup(path, number, side)
        if other is None or other.hunk != ref.hunk:
            return None
    return start


def _quote_lines(quote: str) -> list[str]:
    return [line for line in quote.splitlines() if line.strip()]


def _squash(text: str) -> str:
    return "".join(text.split())


def _holds(ref: LineRef, quote_line: str) -> bool:
    """Whether the line holds the quoted line, whitespace aside (`quote_line` is not blank)."""
    return _squash(ref.line.text) == _squash(quote_line)


# A quote a model paraphrased slightly (a changed name, a dropped character) still finds its
# line when the whitespace-free texts are at least this similar; below it, it is another line.
FUZZY_THRESHOLD = 0.9


class _Fuzzy:
    """One quote (not empty) compared with many lines: difflib indexes the quote once; lines
    whose lengths alone rule out the threshold are never compared."""

    def __init__(self, quote: str) -> None:
        self._length = len(quote)
        self._matcher = difflib.SequenceMatcher(None, autojunk=False)
        self._matcher.set_seq2(quote)

    def matches(self, squashed: str) -> bool:
        total = len(squashed) + self._length
        if 2 * min(len(squashed), self._length) < FUZZY_THRESHOLD * total:
            return False  # the best ratio two lengths allow is below the threshold
        self._matcher.set_seq1(squashed)
        return (
            self._matcher.quick_ratio() >= FUZZY_THRESHOLD
            and self._matcher.ratio() >= FUZZY_THRESHOLD
        )


# A quote found on several lines is only trusted for the one near the cited line: beyond
# this distance the citation carries no information and picking one would be a guess.
AMBIGUITY_RADIUS = 10
# How far from the cited line a paraphrased quote is looked for.
FUZZY_WINDOW = 100


class _Miss(StrEnum):
    NOWHERE = "nowhere"  # the quote is on no line of the hunks
    SEVERAL = "several"  # on several lines, none clearly the one cited


_NOWHERE, _SEVERAL = _Miss.NOWHERE, _Miss.SEVERAL


def _find_quote(
    index: CommentableIndex, path: str, quote_lines: Sequence[str], side: Side, *, near: int
) -> tuple[int, LineRef] | _Miss:
    """The commentable line holding the quote's last line, nearest to the cited line, on the
    cited side (a citation of new code never lands on a deleted line with the same text).

    Exact text first, then ignoring whitespace, then fuzzily; the last line, because a
    finding's `line` is the end of its range."""
    if not quote_lines:
        return _NOWHERE
    target = quote_lines[-1]
    quote = _squash(target)
    candidates = index.lines_on(path, side)
    for found in _levels(candidates, target, quote, near):
        hits = sorted(found, key=lambda hit: abs(hit[0] - near))
        if len(hits) == 1:
            return hits[0]
        if hits:
            best, runner_up = abs(hits[0][0] - near), abs(hits[1][0] - near)
            if best <= AMBIGUITY_RADIUS and best < runner_up:
                return hits[0]
            return _SEVERAL
    return _NOWHERE


def _levels(
    candidates: Sequence[tuple[int, LineRef, str]], target: str, quote: str, near: int
) -> Iterator[list[tuple[int, LineRef]]]:
    """The lines matching the quote exactly, then ignoring whitespace, then loosely (near
    the citation only: far off, a loose match is weak evidence, and costly to look for);
    each level looked at only when the one before found nothing."""
    yield [(number, ref) for number, ref, _ in candidates if ref.line.text == target]
    if not quote:
        return
    yield [(number, ref) for number, ref, flat in candidates if flat == quote]
    fuzzy = _Fuzzy(quote)
    yield [
        (number, ref)
        for number, ref, flat in candidates
        if abs(number - near) <= FUZZY_WINDOW and fuzzy.matches(flat)
    ]


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


def _supports(cited: LineRef, quote_lines: Sequence[str]) -> bool:
    """Whether the cited line has most of the names the (paraphrased) quote has: the model
    quoted loosely but cited this code. An empty quote leaves the citation unchecked."""
    names = {name for line in quote_lines for name in _NAME.findall(line)}
    if not names:
        return not quote_lines
    present = set(_NAME.findall(cited.line.text))
    return len(names & present) * 2 >= len(names)
