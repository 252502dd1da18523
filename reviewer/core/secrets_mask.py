"""Secrets in a diff are masked before the text reaches the model.

Masking works on a file's lines before the diff is cut into chunks, so no cut can split a
key. The model still sees that a secret was committed (which is worth a finding) but not
the secret; every line keeps its place and number, so citations stay right."""

from __future__ import annotations

import dataclasses
import re

from reviewer.core.diff import FileDiff

# Well-known shapes with few false positives; names go into the replacement.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ("openai-key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ("anthropic-key", r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
    ("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("slack-token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
    ("stripe-key", r"\b(?:sk|rk)_live_[0-9A-Za-z]{20,}"),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
)
_TOKENS = re.compile("|".join(f"(?P<{name.replace('-', '_')}>{rx})" for name, rx in _PATTERNS))
# A substring every secret above contains: a file with none of them has nothing to mask.
_HINTS = (
    *("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "sk-", "AKIA", "ASIA"),
    *("xox", "AIza", "_live_", "eyJ", "PRIVATE KEY"),
)
_KEY_BEGIN = re.compile(r"-----BEGIN[A-Z ]*PRIVATE KEY( BLOCK)?-----")
_KEY_END = re.compile(r"-----END[A-Z ]*PRIVATE KEY( BLOCK)?-----")
# A rendered diff line: "<number> <+|-| >", then the code.
_PREFIX = re.compile(r"^\d+ [+\- ]")


def mask_secrets(text: str) -> tuple[str, int]:
    """The text with secrets replaced by `[REDACTED:kind]`, and how many were masked."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        label = f"[REDACTED:{(match.lastgroup or 'secret').replace('_', '-')}]"
        return label if len(label) <= len(match.group(0)) else "[REDACTED]"

    lines = _TOKENS.sub(replace, text).split("\n")
    in_key = False
    for i, line in enumerate(lines):
        begin = _KEY_BEGIN.search(line)
        if begin and not in_key:
            count += 1
            in_key = not _KEY_END.search(line, begin.end())
            lines[i] = line[: begin.start()] + "[REDACTED:private-key]"
        elif in_key:
            prefix = _PREFIX.match(line)
            in_key = not _KEY_END.search(line)
            lines[i] = (prefix.group(0) if prefix else "") + "[REDACTED]"
    return "\n".join(lines), count


def mask_file(file: FileDiff) -> tuple[FileDiff, int]:
    """The file with secrets in its lines masked (a private key spanning lines, too)."""
    # Fast path, the common case: none of the secrets' fixed parts occurs in the file (plain
    # substring tests; a regex alternation over a large diff costs seconds).
    blob = "\n".join(line.text for _, line in file.lines())
    if not any(hint in blob for hint in _HINTS):
        return file, 0
    count = 0
    in_key = False
    hunks = []
    for hunk in file.hunks:
        lines = []
        for line in hunk.lines:
            text, masked = mask_secrets(line.text) if not in_key else ("[REDACTED]", 1)
            count += masked if not in_key else 0
            if in_key:
                in_key = not _KEY_END.search(line.text)
            else:
                begin = _KEY_BEGIN.search(line.text)
                in_key = begin is not None and not _KEY_END.search(line.text, begin.end())
            lines.append(line._replace(text=text) if text != line.text else line)
        hunks.append(dataclasses.replace(hunk, lines=tuple(lines)))
    return (dataclasses.replace(file, hunks=tuple(hunks)), count) if count else (file, 0)
