"""One provider budget (requests or tokens) mirrored on our side, to pace requests by it.

With its size known (`x-ratelimit-limit-*`) the budget is a token bucket that refills at
a steady rate, held here in the form of the moment it will be whole again (`full_at`, as
in the generic cell rate algorithm): a request of cost c may go once the bucket holds c,
and sending it moves `full_at` on by c / rate. The rate is what the report implies (what
was used over the time until it is whole again), or the size per minute. Reports only
make the mirror stricter, never looser: what we sent is charged here either way, and a
report can miss requests that reached the provider after the one it answers.

With only what remains known (Azure sends no size), what remains is spent down until the
reported reset; after it the budget is unknown again. A budget nobody reported never
holds a request back: the window and the 429s govern then.
"""

from __future__ import annotations

import math

from reviewer.core.rate_limits import Budget

# Kept free of every budget of known size: our clock and the provider's differ by the
# time a request takes to arrive, and a report is read as of when its request was sent.
MARGIN = 0.02


class Bucket:
    def __init__(self) -> None:
        self.capacity: float | None = None
        self.rate: float | None = None  # per second
        self.full_at = -math.inf
        self.left: float | None = None  # the size unknown: what remains until `whole_at`
        self.whole_at: float | None = None

    def wait(self, now: float, cost: float) -> float:
        """How long from `now` until the budget holds `cost` (0 when unknown)."""
        if self.capacity is not None and self.rate:
            # A request larger than the budget goes when it is full.
            need = min(cost + MARGIN * self.capacity, self.capacity)
            return max(0.0, self.full_at - (self.capacity - need) / self.rate - now)
        if self.left is None or (self.whole_at is not None and now >= self.whole_at):
            return 0.0  # past the reset, what remains is unknown again
        if self.left >= cost or self.whole_at is None:
            return 0.0
        return self.whole_at - now

    def take(self, at: float, cost: float) -> None:
        """A request costing `cost` is sent at `at`."""
        if self.capacity is not None and self.rate:
            self.full_at = max(self.full_at, at) + cost / self.rate
        elif self.left is not None and (self.whole_at is None or at < self.whole_at):
            self.left -= cost

    def refund(self, cost: float) -> None:
        """A booked request the provider did not charge (a 429, or never sent)."""
        if self.capacity is not None and self.rate:
            self.full_at -= cost / self.rate
        elif self.left is not None:
            self.left += cost

    def report(self, sent_at: float, budget: Budget, later: float) -> None:
        """The budget as the provider reported it for a request sent at `sent_at`, before
        the requests sent after it, which cost `later` more."""
        limit = budget.limit
        if limit:
            used = limit - budget.remaining
            if budget.reset_s and used > 0:
                self.rate = used / budget.reset_s
            elif self.rate is None or self.capacity != limit:
                self.rate = limit / 60  # per-minute limits, as OpenAI's are
            reported = sent_at + (used + later) / self.rate
            # A report only ever makes the mirror stricter: requests sent at once reach the
            # provider in any order, so a report may miss some sent before its own request.
            known = self.capacity == limit and self.left is None
            self.full_at = max(self.full_at, reported) if known else reported
            self.capacity = limit
            self.left = self.whole_at = None
            return
        self.capacity = self.rate = None
        self.left = budget.remaining - later
        self.whole_at = sent_at + budget.reset_s if budget.reset_s is not None else None
