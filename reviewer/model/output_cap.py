"""The cap on an answer's length, sent with every request: a model that loops stops there
instead of running until the server's context is full (one self-hosted answer ran 7,365
tokens in 682 s without it).

OpenAI's reasoning models (o1, o3, o4-mini, gpt-5…) take `max_completion_tokens` and
refuse `max_tokens`; OpenAI's own API takes `max_completion_tokens` for every model;
self-hosted servers (llama-server, vLLM, Ollama, LM Studio) take `max_tokens`. A server
that refuses the parameter we picked ("Use 'max_completion_tokens' instead") gets the other
one for the rest of the run, and one that refuses both gets none. `model-options` setting
either one replaces the default, and is never switched.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# An answer of about ten to fifteen findings. OpenAI counts the cap against the
# tokens-per-minute limit, so it is kept near what an answer needs; a longer answer is cut
# off and its chunk reviewed in halves.
DEFAULT_OUTPUT_TOKENS = 2048
# OpenAI advises reserving at least 25,000 tokens for a reasoning model's reasoning and
# answer when starting out.
REASONING_OUTPUT_TOKENS = 25_000
NAMES = ("max_tokens", "max_completion_tokens")
_REASONING = re.compile(r"(o\d+|gpt-5)(\b|[-_.])")


def is_reasoning_model(model: str) -> bool:
    """OpenAI's reasoning models by name, also behind a router ("openai/o4-mini")."""
    return _REASONING.match(model.lower().rsplit("/", 1)[-1]) is not None


def default_cap(model: str, base_url: str | None) -> tuple[str, int]:
    """The parameter and number of tokens sent when `model-options` sets neither."""
    reasoning = is_reasoning_model(model)
    tokens = REASONING_OUTPUT_TOKENS if reasoning else DEFAULT_OUTPUT_TOKENS
    openai_api = base_url is None or urlsplit(base_url).hostname == "api.openai.com"
    return ("max_completion_tokens" if reasoning or openai_api else "max_tokens"), tokens


class OutputCap:
    """The cap this run sends; shared by the threads reviewing chunks."""

    def __init__(self, model: str, base_url: str | None, options: Mapping[str, Any]) -> None:
        self._lock = threading.Lock()
        self._refused: set[str] = set()
        chosen = [name for name in NAMES if name in options]
        self.chosen_by_user = bool(chosen)
        if chosen:
            self._param: str | None = None  # sent with the other `model-options`
            value = options[chosen[0]]
            self._tokens = value if isinstance(value, int) and value > 0 else None
        else:
            self._param, self._tokens = default_cap(model, base_url)

    @property
    def tokens(self) -> int | None:
        """The most tokens an answer may have, when known."""
        return self._tokens

    def params(self) -> dict[str, int]:
        """What to add to a request (nothing when `model-options` sets the cap)."""
        with self._lock:
            param, tokens = self._param, self._tokens
        return {param: tokens} if param is not None and tokens is not None else {}

    def refused(self, param: str) -> bool:
        """The server refused `param`: if it is our default, send the other one from now
        on, or none once both were refused; True when the request is worth sending again."""
        with self._lock:
            if self.chosen_by_user or param not in NAMES:
                return False
            if self._param != param:
                return True  # another thread switched already
            other = NAMES[1 - NAMES.index(param)]
            self._refused.add(param)
            self._param = None if other in self._refused else other
            now = self._param
        log.warning(
            "The model endpoint refused `%s`; %s for the rest of the run.",
            param,
            f"sending `{now}` instead" if now else "sending no output cap",
        )
        return True
