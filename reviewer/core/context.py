"""Extra context for the model: files of the repository (an architecture note, an advice
report) named by the `context-files` globs, read from the base commit, within a cap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pathspec

from reviewer.core.secrets_mask import mask_secrets
from reviewer.core.tokens import TokenCounter

_BACKTICKS = re.compile(r"`+")

CONTEXT_TOKEN_CAP = 6_000
MAX_CONTEXT_FILES = 20


def matching(paths: Iterable[str], globs: Sequence[str]) -> list[str]:
    if not globs:
        return []
    spec = pathspec.GitIgnoreSpec.from_lines(globs)
    return sorted(p for p in paths if spec.match_file(p))[:MAX_CONTEXT_FILES]


def context_block(
    files: Sequence[tuple[str, str]], count_tokens: TokenCounter, cap: int = CONTEXT_TOKEN_CAP
) -> tuple[str, list[str]]:
    """The files as one prompt section, and the paths left out because the cap was reached."""
    parts: list[str] = []
    left_out: list[str] = []
    used = 0
    for path, raw in files:
        # Maintainers' files, but a secret in them must not reach the model either.
        text, _ = mask_secrets(raw, path)
        longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
        fence = "`" * max(3, longest + 1)
        part = f"### {path}\n{fence}\n{text.rstrip()}\n{fence}"
        cost = count_tokens(part)
        if used + cost > cap:
            left_out.append(path)
            continue
        parts.append(part)
        used += cost
    if not parts:
        return "", left_out
    header = "Context from the repository (base branch), for reference; it is not under review:"
    return "\n\n".join([header, *parts]), left_out
