"""Which lines of a file may hold a secret: a cheap pass before the detectors.

Running detect-secrets' thirty-odd expressions over every line of a 50,000-line diff costs
seconds, and nearly every line holds nothing. A line the detectors can find a secret in
holds one of:

- a run of at least 20 token characters (letters, digits, `+/=_-`) that mixes at least two
  of lower case, upper case and digits: every service key format they know, every string
  their entropy limits report and every line of a private key is that long and that mixed,
  while snake_case names, paths and `=====` underlines are not;
- a word the keyword detector keys on (each of its keywords contains one of WORDS), or
  `aws` (an AWS secret access key written without quotes);
- a short format's fixed part: Slack's `xox`, credentials in a URL (`://`), a JWT's `eyJ`,
  a private key's armour, an AWS key id's prefix.

The text is searched whole, with bytes.find and bytes.translate (loops in C), so a line
with none of these costs nothing of its own."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

WORDS = ("key", "pass", "pwd", "secret", "contrase", "aws")
FIXED = ("xox", "eyJ", "://", "PRIVATE KEY", "PuTTY-User-Key-File", "AKIA", "ASIA")
RUN = 20

_TOKEN = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-"
_AS_RUNS = bytes.maketrans(_TOKEN, b"t" * len(_TOKEN))
_RUN_OF_T = re.compile(rb"t+")
_DIGIT = re.compile(rb"[0-9]")


def suspect_lines(lines: Sequence[str]) -> list[int]:
    """The indices, ascending, of the lines that may hold a secret."""
    # One byte per character (anything not ASCII becomes "?"), so offsets match the text.
    text = "\n".join(lines).encode("ascii", "replace")
    found = _Found(lines)
    for fixed in FIXED:
        found.mark_all(text, fixed.encode())
    lowered = text.lower()
    for word in WORDS:
        found.mark_all(lowered, word.encode())
    runs = text.translate(_AS_RUNS)
    start = runs.find(b"t" * RUN)
    while start >= 0:
        run = _RUN_OF_T.match(runs, start)
        end = run.end() if run else start + RUN
        if _mixed(text[start:end]):
            found.mark(start)
        start = runs.find(b"t" * RUN, end)
    return sorted(found.lines)


def _mixed(token: bytes) -> bool:
    """At least two of: lower case, upper case, digits."""
    lower = token.upper() != token
    upper = token.lower() != token
    digit = _DIGIT.search(token) is not None
    return lower + upper + digit >= 2


class _Found:
    """Line indices by text offset; the offsets are computed on the first hit only."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self._starts: list[int] = []
        self.lines: set[int] = set()

    def mark(self, offset: int) -> int:
        """Record the line at `offset`; the offset where the next line starts."""
        if not self._starts:
            self._starts = [0, *accumulate(len(line) + 1 for line in self._lines)]
        index = bisect_right(self._starts, offset) - 1
        self.lines.add(index)
        return self._starts[index + 1]

    def mark_all(self, text: bytes, needle: bytes) -> None:
        at = text.find(needle)
        while at >= 0:
            at = text.find(needle, self.mark(at))
