"""Chunks whose answers were cut off at the output limit (core/truncation.py): halved while
halving helps, reported once when it does not."""

from __future__ import annotations

from reviewer.core.chunking import Chunk
from reviewer.core.truncation import MAX_SPLITS, Piece, Splits, Step


class Halver:
    """Splits a chunk of n lines into n // 2 and n - n // 2; one line cannot be split.
    Only a chunk's identity matters here: the lines are kept aside."""

    def __init__(self) -> None:
        self.lines: dict[int, int] = {}

    def make(self, lines: int) -> Chunk:
        made = Chunk(index=0, pieces=(), tokens=len(self.lines))
        self.lines[id(made)] = lines
        return made

    def __call__(self, whole: Chunk) -> tuple[Chunk, Chunk] | None:
        lines = self.lines[id(whole)]
        if lines < 2:
            return None
        return self.make(lines // 2), self.make(lines - lines // 2)


def test_a_looping_model_costs_three_requests_and_one_report() -> None:
    halver = Halver()
    splits = Splits(halver)
    top = Piece(halver.make(40))
    step = splits.cut_off(top, cap=2048)
    assert len(step.send) == 2 and step.give_up == ()
    first, second = step.send
    assert splits.cut_off(first, cap=2048).give_up == ()  # its sibling is still out
    last = splits.cut_off(second, cap=2048)
    assert last.send == ()
    ((whole, reason),) = last.give_up
    assert whole is top.chunk
    assert "2,048 tokens" in reason and "each half" in reason and "repeating itself" in reason


def test_halving_goes_on_where_it_helped() -> None:
    halver = Halver()
    splits = Splits(halver)
    top = Piece(halver.make(40))
    first, second = splits.cut_off(top, cap=100).send
    assert splits.answered(first).send == ()
    quarters = splits.cut_off(second, cap=100).send  # its sibling fit: halving helps
    assert len(quarters) == 2 and all(q.depth == 2 for q in quarters)


def test_a_half_cut_off_before_its_sibling_answers_waits_for_it() -> None:
    halver = Halver()
    splits = Splits(halver)
    first, second = splits.cut_off(Piece(halver.make(40)), cap=None).send
    assert splits.cut_off(second, cap=None) == Step()
    resumed = splits.answered(first)
    assert len(resumed.send) == 2  # the waiting half is halved now


def test_a_single_line_is_reported_once() -> None:
    halver = Halver()
    step = Splits(halver).cut_off(Piece(halver.make(1)), cap=512)
    ((_, reason),) = step.give_up
    assert step.send == () and "even for a single line" in reason and "512 tokens" in reason


def test_halving_stops_after_the_most_splits() -> None:
    halver = Halver()
    splits = Splits(halver)
    piece = Piece(halver.make(1024))
    for _depth in range(MAX_SPLITS):
        first, piece = splits.cut_off(piece, cap=None).send
        splits.answered(first)
    step = splits.cut_off(piece, cap=None)
    ((_, reason),) = step.give_up
    assert step.send == () and f"after halving it {MAX_SPLITS} times" in reason


def test_a_half_waiting_on_a_sibling_that_fails_or_runs_out_of_time_is_reported() -> None:
    halver = Halver()
    splits = Splits(halver)
    first, second = splits.cut_off(Piece(halver.make(40)), cap=None).send
    splits.cut_off(second, cap=None)
    ((reported, reason),) = splits.failed(first).give_up
    assert reported is second.chunk and "cut off" in reason

    first, second = splits.cut_off(Piece(halver.make(40)), cap=None).send
    splits.cut_off(first, cap=None)
    step = splits.out_of_time(second, "not reviewed within the time limit")
    assert [c for c, _ in step.give_up] == [second.chunk, first.chunk]


def test_a_half_cut_off_after_its_sibling_failed_is_reported_alone() -> None:
    halver = Halver()
    splits = Splits(halver)
    first, second = splits.cut_off(Piece(halver.make(40)), cap=None).send
    splits.failed(first)
    step = splits.cut_off(second, cap=None)
    assert step.send == () and [c for c, _ in step.give_up] == [second.chunk]
