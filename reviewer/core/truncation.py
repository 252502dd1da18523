"""What to do with a chunk whose answer was cut off at the output limit.

Halving a chunk helps when its answer was long because the chunk held much to say: each
half says about half. It never helps a model that loops (repeats itself until cut off,
whatever it reads): its halves are cut off just the same, and halving on would only
multiply requests and identical failures. So a chunk cut off is halved; a half cut off is
halved again only once its sibling was answered in full (halving helped there). When both
halves are cut off too, the chunk they came from is reported once, as not reviewed; so is
one that is a single line, or that was halved `MAX_SPLITS` times already.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from reviewer.core.chunking import Chunk

MAX_SPLITS = 4  # a chunk is halved at most this many times


class State(Enum):
    PENDING = "pending"
    ANSWERED = "answered"
    CUT_OFF = "cut off"  # waiting for its sibling's answer to decide
    FAILED = "failed"  # another error, reported by the caller
    SETTLED = "settled"  # split, or reported as part of its parent


@dataclass(eq=False)
class Piece:
    """A chunk as sent: a planned one, or a half of a piece cut off."""

    chunk: Chunk
    depth: int = 0
    parent: Piece | None = None
    halves: tuple[Piece, ...] = ()
    state: State = State.PENDING
    cap: int | None = None  # the output limit its answer was cut off at

    @property
    def sibling(self) -> Piece | None:
        if self.parent is None:
            return None
        return next(p for p in self.parent.halves if p is not self)


@dataclass(frozen=True)
class Step:
    send: tuple[Piece, ...] = ()
    # Chunks not reviewed, each once, with the reason.
    give_up: tuple[tuple[Chunk, str], ...] = field(default_factory=tuple)


def _limit(cap: int | None) -> str:
    return f"its output limit ({cap:,} tokens)" if cap else "its output limit"


class Splits:
    """Decides, answer by answer, which pieces to send and which to give up on."""

    def __init__(self, split: Callable[[Chunk], tuple[Chunk, Chunk] | None]) -> None:
        self._split = split

    def answered(self, piece: Piece) -> Step:
        piece.state = State.ANSWERED
        sibling = piece.sibling
        if sibling is not None and sibling.state is State.CUT_OFF:
            return self._halve(sibling)  # halving helped here: try it there
        return Step()

    def failed(self, piece: Piece) -> Step:
        piece.state = State.FAILED
        sibling = piece.sibling
        if sibling is not None and sibling.state is State.CUT_OFF:
            sibling.state = State.SETTLED
            reason = f"the answer was cut off at {_limit(sibling.cap)}"
            return Step(give_up=((sibling.chunk, reason),))
        return Step()

    def out_of_time(self, piece: Piece, reason: str) -> Step:
        """A piece still unanswered at the deadline: it, and a sibling waiting on it."""
        give_up = [(piece.chunk, reason)]
        sibling = piece.sibling
        if sibling is not None and sibling.state is State.CUT_OFF:
            sibling.state = State.SETTLED
            give_up.append((sibling.chunk, f"the answer was cut off at {_limit(sibling.cap)}"))
        piece.state = State.FAILED
        return Step(give_up=tuple(give_up))

    def cut_off(self, piece: Piece, *, cap: int | None) -> Step:
        piece.cap = cap
        sibling = piece.sibling
        if sibling is None or sibling.state is State.ANSWERED:
            return self._halve(piece)
        if sibling.state is State.PENDING:
            piece.state = State.CUT_OFF
            return Step()
        parent = piece.parent
        assert parent is not None
        piece.state = State.SETTLED
        if sibling.state is State.CUT_OFF:
            sibling.state = State.SETTLED
            reason = (
                f"the model's answer was cut off at {_limit(cap)} for this part and again for "
                "each half of it, so halving does not help: the model may be repeating itself"
            )
            return Step(give_up=((parent.chunk, reason),))
        return Step(give_up=((piece.chunk, f"the answer was cut off at {_limit(cap)}"),))

    def _halve(self, piece: Piece) -> Step:
        piece.state = State.SETTLED
        halves = self._split(piece.chunk) if piece.depth < MAX_SPLITS else None
        if halves is None:
            what = (
                "even for a single line"
                if piece.depth < MAX_SPLITS
                else f"after halving it {MAX_SPLITS} times"
            )
            reason = f"the model's answer was cut off at {_limit(piece.cap)} {what}"
            return Step(give_up=((piece.chunk, reason),))
        piece.halves = tuple(Piece(h, piece.depth + 1, piece) for h in halves)
        return Step(send=piece.halves)
