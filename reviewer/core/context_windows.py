"""What we know about models: context windows, so chunks fit whatever model is named."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from reviewer.errors import ConfigError

# Longest prefix wins. Unknown models (local servers, new names) get a small window:
# `max-chunk-tokens` overrides it.
CONTEXT_WINDOWS: Mapping[str, int] = MappingProxyType(
    {
        "gpt-4.1": 1_047_576,
        "gpt-5": 400_000,
        "gpt-4o": 128_000,
        "o1": 200_000,
        "o3": 200_000,
        "o4": 200_000,
        "gpt-4-turbo": 128_000,
        "gpt-4": 8_192,
        "gpt-3.5-turbo": 16_385,
    }
)
UNKNOWN_MODEL_WINDOW = 16_384

# Larger chunks review worse and serialise the run; this caps a chunk's diff tokens
# whatever the window, unless `max-chunk-tokens` says otherwise.
DEFAULT_CHUNK_CAP = 12_000

# Tokens kept free for the model's answer.
ANSWER_RESERVE = 4_096

MIN_CHUNK_TOKENS = 256


def context_window(model: str) -> int:
    bare = model.rsplit("/", 1)[-1].lower()
    matches = [prefix for prefix in CONTEXT_WINDOWS if bare.startswith(prefix)]
    if not matches:
        return UNKNOWN_MODEL_WINDOW
    return CONTEXT_WINDOWS[max(matches, key=len)]


def chunk_budget(model: str, *, fixed_prompt_tokens: int, max_chunk_tokens: int | None) -> int:
    """Tokens of diff one request may carry: the window less prompt, rules and answer."""
    room = context_window(model) - fixed_prompt_tokens - ANSWER_RESERVE
    if room < MIN_CHUNK_TOKENS:
        raise ConfigError(
            f"The prompt and rules take {fixed_prompt_tokens} tokens, leaving no room for the "
            f"diff in {model}'s context window of {context_window(model)} tokens.",
            hint="Shorten `rules` or the rules file, or use a model with a larger window.",
        )
    cap = max_chunk_tokens if max_chunk_tokens is not None else DEFAULT_CHUNK_CAP
    return max(MIN_CHUNK_TOKENS, min(room, cap))
