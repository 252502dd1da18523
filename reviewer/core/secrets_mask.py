"""Secrets in a diff are masked before the text reaches the model.

Masking works on a file's lines before the diff is cut into chunks, so no cut can split a
key. The model still sees that a secret was committed (which is worth a finding) but not
the secret: each is replaced by `[REDACTED:kind]`, and every line keeps its place and
number, so citations stay right.

Which parts of a line are secrets is secret_detectors.py's business (detect-secrets). What
spans lines is this module's: a PEM or OpenSSH private key. A hunk may show a whole key,
or begin inside one, so that its BEGIN line lies outside the hunk: then the key's body
lines (long base64 lines) and the lines above a lone END line are masked just the same."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewer.core.diff import FileDiff, Hunk
from reviewer.core.secret_prefilter import suspect_lines

if TYPE_CHECKING:
    from reviewer.core.secret_detectors import Span

_KEY_BEGIN = re.compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")
_KEY_END = re.compile(r"-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")
# A line of key material as code holds it: base64 alone, maybe indented, quoted, ended by
# an escaped newline, a comma or a `+` (string concatenation), or in a YAML list or comment.
_KEY_LINE = re.compile(
    r"\s*(?:[-*#]\s*|//\s*)?[\"'`]?(?P<data>=?[A-Za-z0-9+/]+={0,2})(?:\\r)?(?:\\n)?[\"'`]?"
    r"\s*[+,;\\]?\s*"
)
# Headers inside the armour (an encrypted PEM key's, RFC 1421; a PGP key's): not secret,
# but part of the key. (A PGP key's checksum line, `=` and four characters, is data.)
_KEY_HEADER = re.compile(r"\s*(?:Proc-Type|DEK-Info|Comment|Version|Hash):")
# Key material is long; shorter base64 lines are masked only when a key's armour is near.
_KEY_LINE_MIN = 40
_KEY_LINE_DISTINCT = 25  # a long name has fewer; 40 random base64 characters, some 30
_NOT_LETTERS = frozenset("0123456789+/")
# What a masked whole line keeps: its indentation (and a rendered diff line's "N +").
_LEAD = re.compile(r"(?:\d+ [+\- ])?\s*")
PRIVATE_KEY = "[REDACTED:private-key]"
REDACTED = "[REDACTED]"


def mask_secrets(text: str, path: str = "") -> tuple[str, int]:
    """The text with secrets replaced by `[REDACTED:kind]`, and how many were masked.

    `path` names the file the text comes from (some detectors read values differently in,
    say, a YAML or an env file)."""
    lines = text.split("\n")
    suspects = suspect_lines(lines)
    if not suspects:
        return text, 0
    masked, count = mask_lines(path, lines, suspects)
    return "\n".join(masked), count


def mask_file(file: FileDiff) -> tuple[FileDiff, int]:
    """The file with secrets in its lines and hunk headers masked, and how many."""
    # The section headings first, then every hunk's lines: one cheap pass over the file
    # picks out the lines worth scanning; in the common case there are none.
    texts = [hunk.section for hunk in file.hunks]
    for hunk in file.hunks:
        texts += [line.text for line in hunk.lines]
    suspects = suspect_lines(texts)
    if not suspects:
        return file, 0
    count = 0
    hunks = []
    start = len(file.hunks)  # where the hunk's lines start in `texts`
    for number, hunk in enumerate(file.hunks):
        end = start + len(hunk.lines)
        mine = [
            i - start for i in suspects[bisect_left(suspects, start) : bisect_left(suspects, end)]
        ]
        in_section = number in suspects[: bisect_left(suspects, len(file.hunks))]
        masked, found = _masked_hunk(file.path, hunk, mine, in_section)
        hunks.append(masked)
        count += found
        start = end
    return (dataclasses.replace(file, hunks=tuple(hunks)), count) if count else (file, 0)


def _masked_hunk(
    path: str, hunk: Hunk, suspects: Sequence[int], suspect_section: bool
) -> tuple[Hunk, int]:
    # A key's armour never spans hunks: each hunk starts afresh (a key it begins inside is
    # recognised by its body lines, or by its END line).
    texts, count = mask_lines(path, [line.text for line in hunk.lines], suspects)
    # The heading is a line of the file too: git's nearest line above the hunk that starts
    # with a letter, which may well be a line of a key whose BEGIN line is further up.
    section, in_section = _masked_heading(path, hunk.section) if suspect_section else ("", 0)
    if not count and not in_section:
        return hunk, 0
    lines = tuple(
        line._replace(text=text) if text != line.text else line
        for line, text in zip(hunk.lines, texts, strict=True)
    )
    section = section if in_section else hunk.section
    return dataclasses.replace(hunk, lines=lines, section=section), count + in_section


def mask_lines(
    path: str, lines: Sequence[str], suspects: Sequence[int] | None = None
) -> tuple[list[str], int]:
    """Consecutive lines of one file, masked; the count of secrets masked.

    `suspects`: the indices secret_prefilter.suspect_lines picks out of `lines` (computed
    when not given); only those, and the lines of a key they show, are looked at."""
    out = list(lines)
    count = 0
    masked = [False] * len(out)  # masked as (part of) a private key
    resume = 0  # lines before this one were masked as the inside of a key
    for i in suspect_lines(lines) if suspects is None else suspects:
        if i < resume:
            continue
        line = lines[i]
        armour = "PRIVATE KEY" in line  # cheap: most lines skip both searches below
        if armour and (begin := _KEY_BEGIN.search(line)) is not None:
            head, in_head = _masked_line(path, line[: begin.start()])
            end = _KEY_END.search(line, begin.end())
            tail, in_tail = _masked_line(path, line[end.end() :]) if end else ("", 0)
            out[i], masked[i] = head + PRIVATE_KEY + tail, True
            count += 1 + in_head + in_tail
            resume = i + 1
            while end is None and resume < len(lines):  # the inside, to the END line
                inside = lines[resume]
                out[resume], masked[resume] = _whole(inside, REDACTED), True
                end = _KEY_END.search(inside) if "PRIVATE KEY" in inside else None
                resume += 1
        elif armour and (end := _KEY_END.search(line)) is not None:
            # The END of a key whose BEGIN lies above this text: mask the body above it.
            out[i], masked[i] = _whole(line[: end.end()], PRIVATE_KEY) + line[end.end() :], True
            above = i - 1
            while above >= 0 and not masked[above] and _is_key_part(lines[above]):
                out[above], masked[above] = _whole(lines[above], PRIVATE_KEY), True
                above -= 1
            count += 0 if above >= 0 and masked[above] else 1  # one key, however many lines
        elif len(line) >= _KEY_LINE_MIN and _is_key_body(line):
            out[i], masked[i] = _whole(line, PRIVATE_KEY), True
            count += 0 if i and masked[i - 1] else 1
        else:
            out[i], found = _masked_line(path, line)
            count += found
    return out, count


def _masked_heading(path: str, heading: str) -> tuple[str, int]:
    if "PRIVATE KEY" in heading or (len(heading) >= _KEY_LINE_MIN and _is_key_body(heading)):
        return PRIVATE_KEY, 1
    return _masked_line(path, heading)


def _masked_line(path: str, line: str) -> tuple[str, int]:
    # Loaded for the first suspect line only: detect-secrets' import costs 0.08 s of CPU
    # that most diffs, with nothing suspect in them, need not pay.
    from reviewer.core.secret_detectors import spans_in_suspect_line

    spans = spans_in_suspect_line(path, line) if line else []
    return (_replaced(line, spans), len(spans)) if spans else (line, 0)


def _replaced(line: str, spans: Sequence[Span]) -> str:
    parts = []
    done = 0
    for start, end, kind in spans:
        label = f"[REDACTED:{kind}]"
        parts += [line[done:start], label if len(label) <= end - start else REDACTED]
        done = end
    return "".join([*parts, line[done:]])


def _whole(line: str, label: str) -> str:
    lead = _LEAD.match(line)
    return (lead.group(0) if lead else "") + label


def _is_key_body(line: str) -> bool:
    """A long base64 line in both cases, with digits, `+` or `/` or many different
    characters, as key material is (a hash in hex, a long name or a row of `=` is not)."""
    match = _KEY_LINE.fullmatch(line)
    if match is None:
        return False
    data = match.group("data")
    return (
        len(data) >= _KEY_LINE_MIN
        and not data.isupper()
        and not data.islower()
        and (len(set(data)) >= _KEY_LINE_DISTINCT or any(c in _NOT_LETTERS for c in data))
    )


def _is_key_part(line: str) -> bool:
    """A line that may sit inside a key's armour: base64 of any length, or a PEM header."""
    return bool(_KEY_LINE.fullmatch(line) or _KEY_HEADER.match(line))
