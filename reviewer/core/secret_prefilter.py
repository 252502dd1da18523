"""Which lines of a file may hold a secret: a cheap pass before the detectors.

Running detect-secrets' thirty-odd expressions over every line of a 50,000-line diff costs
seconds, and nearly every line holds nothing. A line the detectors can find a secret in
holds one of:

- a run of at least 20 token characters (letters, digits, `+/=_-`: base64 and every key
  format) that looks like a token: letters with digits (as random keys, hashes and key
  material nearly always have), digits alone, or letters alone with either a service's
  prefix (for the formats whose random part may, by chance, hold no digit) or at least 23
  different characters (fewer cannot pass the base64 entropy limit of 4.5 bits).
  CamelCase and snake_case names, paths and `=====` underlines do not;
- a word the keyword detector keys on (each of its keywords contains one of WORDS), or
  `aws` (an AWS secret access key written without quotes);
- a short format's fixed part: Slack's `xox`, credentials in a URL (`://`), a JWT's `eyJ`,
  a private key's armour, an AWS key id's prefix.

(One shape gets past: a Cloudant API key, 24 lower-case letters, assigned to a name that
says only `token` or `pw`. `token` is too common a word in code to look for.)

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
# Fewer different characters than this cannot pass the base64 entropy limit (log2 22 < 4.5).
_DISTINCT = 23
# Prefixes of the service formats whose random part could, by chance, hold no digit.
_PREFIX = re.compile(rb"gh[pousr]_|github_pat_|glpat-|_live_|sk-|AIza|AKC|npm_|pypi-|sq0csp-")


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
        if _token_like(text[start:end]):
            found.mark(start)
        start = runs.find(b"t" * RUN, end)
    return sorted(found.lines)


def _token_like(run: bytes) -> bool:
    if _DIGIT.search(run):
        return True  # with letters, or digits alone
    return len(set(run)) >= _DISTINCT or _PREFIX.search(run) is not None


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
