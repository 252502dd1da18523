"""Token counting with tiktoken, falling back to the core's conservative estimate.

tiktoken downloads encodings on first use; the container bakes them in at build
time. Without them (offline, no cache) counting must still work, so we fall back
to an estimate that over-counts: chunks get smaller, never too big.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

from reviewer.core.tokens import TokenCounter, estimate_tokens

log = logging.getLogger(__name__)

DEFAULT_ENCODING = "o200k_base"
CACHED_UP_TO = 512  # characters


def encoding_name_for(model: str) -> str:
    """The tiktoken encoding for a model name; `o200k_base` for names tiktoken doesn't know."""
    import tiktoken.model

    # Provider prefixes ("openai/gpt-4o", "azure/...") and tags ("model:latest") are common
    # with OpenAI-compatible routers; tiktoken knows only the bare name.
    bare = model.rsplit("/", 1)[-1]
    try:
        return tiktoken.model.encoding_name_for_model(bare)
    except KeyError:
        return DEFAULT_ENCODING


def lazy_token_counter(model: str) -> TokenCounter:
    """A counter for `model` whose encoding loads on its first call (0.5 s of CPU): a run
    that never needs an exact count (a small diff) never pays for it. Thread-safe."""
    lock = threading.Lock()
    loaded: list[TokenCounter] = []

    def count(text: str) -> int:
        if not loaded:
            with lock:
                if not loaded:
                    loaded.append(make_token_counter(model)[0])
        return loaded[0](text)

    return count


def make_token_counter(model: str, *, cache_size: int = 65536) -> tuple[TokenCounter, bool]:
    """A cached counter for `model`, and whether it is exact (False: estimating)."""
    name = encoding_name_for(model)
    try:
        import tiktoken

        encoding = tiktoken.get_encoding(name)
    except (OSError, ValueError, ImportError) as error:
        # requests' errors derive from OSError; a missing cache offline ends up here.
        log.warning(
            "Could not load the tiktoken encoding %s (%s); estimating tokens "
            "conservatively instead, so chunks will be smaller than necessary. "
            "Set TIKTOKEN_CACHE_DIR to a directory holding the encoding to count exactly.",
            name,
            error,
        )
        return lru_cache(maxsize=cache_size)(estimate_tokens), False

    def encode(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    cached = lru_cache(maxsize=cache_size)(encode)

    def count(text: str) -> int:
        # Lines and headers recur (a chunk split again, the prompt's frame): cached. A whole
        # hunk is counted once, and caching it would keep every hunk's text alive.
        return cached(text) if len(text) <= CACHED_UP_TO else encode(text)

    return count, True
