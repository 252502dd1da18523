"""How the answer's format is asked for, and what to do when a server refuses.

Strict structured outputs (`json_schema`) are best, but many OpenAI-compatible servers
reject them (old Azure API versions, DeepSeek, some models behind vLLM or OpenRouter), and
some reject JSON mode too (LM Studio). So there are three modes, tried in order: the
schema as `response_format`; JSON mode with the schema in the system prompt; and plain
text with the schema in the prompt, the JSON object taken out of whatever surrounds it.
Whichever mode a server accepted is used for the rest of the run.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import openai

from reviewer.core.findings import answer_json_schema

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnswerMode:
    name: str  # the `response_format` type sent, or "text" for none
    description: str
    schema_in_prompt: bool

    def response_format(self) -> dict[str, Any] | None:
        if self.name == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {
                    "name": "review_findings",
                    "strict": True,
                    "schema": answer_json_schema(),
                },
            }
        if self.name == "json_object":
            return {"type": "json_object"}
        return None


JSON_SCHEMA = AnswerMode("json_schema", "structured outputs (json_schema)", False)
JSON_OBJECT = AnswerMode("json_object", "JSON mode (json_object)", True)
TEXT = AnswerMode("text", "plain text", True)
MODES = (JSON_SCHEMA, JSON_OBJECT, TEXT)


class AnswerModes:
    """The modes still worth trying in this run; shared by the threads reviewing chunks.

    A mode becomes the run's mode only once a server accepted it: a 400 that merely looked
    like a format rejection then costs that one chunk its attempts, not the run its mode.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._start = 0

    @property
    def current(self) -> AnswerMode:
        with self._lock:
            return MODES[self._start]

    def to_try(self) -> tuple[AnswerMode, ...]:
        with self._lock:
            return MODES[self._start :]

    def accepted(self, mode: AnswerMode, rejection: str) -> None:
        """Remember `mode` for later chunks; `rejection` is why the mode before it failed."""
        index = MODES.index(mode)
        with self._lock:
            skipped = MODES[self._start : index]
            if not skipped:
                return  # already known: another thread got here first
            self._start = index
        # Logged once per change of mode, however many threads saw the rejection.
        log.warning(
            "The model endpoint rejected %s (%s); using %s with the schema in the prompt "
            "for the rest of the run.",
            " and ".join(m.description for m in skipped),
            rejection,
            mode.description,
        )


# Status codes servers use for a request they understood but won't serve as asked.
_REJECTED = frozenset({400, 422})

# How servers name the format they reject: OpenAI and Azure ("Invalid parameter:
# 'response_format' of type 'json_schema' is not supported with this model", "response_format
# value as json_schema is enabled only for api versions ..."), DeepSeek ("This
# response_format type is unavailable now"), LM Studio ("'response_format.type' must be
# 'json_schema'"), Gemini ("Json mode is not enabled"), grammar-based servers ("The compiled
# grammar is too large"), vLLM/FastAPI 422 details (loc `response_format`).
_FORMAT_WORDS = (
    "response_format",
    "response format",
    "json_schema",
    "json schema",
    "json_object",
    "json mode",
    "structured output",
    "guided_json",
    "guided decoding",
    "grammar",
)
_REFUSAL_WORDS = ("not supported", "unsupported", "does not support", "not enabled", "unavailable")

# A request too long for the model is this chunk's problem, whatever else the error names
# (vLLM names `max_tokens`; a quoted prompt may name `response_format`): it surfaces as is.
_OVERFLOW_WORDS = (
    "context length",
    "context_length",
    "context size",
    "context window",
    "maximum context",
    "prompt is too long",
    "too many tokens",
    "reduce the length",
)


def error_text(error: openai.APIStatusError) -> str:
    """The parts of an error response that describe it, lower-cased, without echoed input."""
    parts = [error.message, error.param or "", error.code or ""]
    parts.extend(_body_texts(error.body))
    return " ".join(parts).lower()


def error_summary(error: openai.APIStatusError) -> str:
    """The server's own words for an error, for messages and logs."""
    # The SDK's message is "Error code: 400 - <message>", or just "Error code: 400" when the
    # body is not OpenAI-shaped (LM Studio's bare string, FastAPI's `detail`, plain text).
    _, separator, message = error.message.partition(" - ")
    if separator and message:
        return message
    texts = [text for text in _body_texts(error.body) if text.strip()]
    return "; ".join(texts)[:500] or error.message


def _body_texts(body: object) -> list[str]:
    # The SDK keeps `body["error"]` when present: a dict (OpenAI style), a bare string (LM
    # Studio), or the raw text of a non-JSON body. FastAPI-style servers send `detail`.
    if isinstance(body, str):
        return [body[:2000]]
    if not isinstance(body, Mapping):
        return []
    texts = [str(body[key]) for key in ("message", "error") if isinstance(body.get(key), str)]
    detail = body.get("detail")
    if isinstance(detail, str):
        texts.append(detail)
    elif isinstance(detail, list):
        for item in detail:
            if isinstance(item, Mapping):  # pydantic errors: skip `input`, it echoes the request
                texts.append(" ".join(str(part) for part in item.get("loc") or ()))
                texts.append(str(item.get("msg", "")))
    return texts


def is_overflow(text: str) -> bool:
    return any(word in text for word in _OVERFLOW_WORDS)


def rejected_option(error: openai.APIStatusError, options: Iterable[str]) -> str | None:
    """The `model-options` key a 400/422 names, e.g. OpenAI's "Unsupported parameter:
    'temperature' is not supported with this model"; None if it names none of them."""
    names = list(options)
    if error.status_code not in _REJECTED or not names:
        return None
    if error.param in names:
        return error.param
    text = error_text(error)
    if is_overflow(text):
        return None  # e.g. vLLM's "'max_tokens' ... is too large ... maximum context length"
    for name in names:
        if re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", text):
            return name
    return None


def rejects_answer_mode(error: openai.APIStatusError) -> bool:
    """Whether a 400/422 refuses the `response_format` we sent (not anything else)."""
    if error.status_code not in _REJECTED:
        return False
    if (error.param or "").startswith("response_format"):
        return True
    text = error_text(error)
    if is_overflow(text):
        return False
    if any(word in text for word in _FORMAT_WORDS):
        return True
    # "JSON output is not supported by this model": JSON plus a refusal. A bare "not
    # supported" is not enough: OpenAI words every rejected parameter that way.
    return "json" in text and any(word in text for word in _REFUSAL_WORDS)


def extract_json_object(text: str, key: str = "findings") -> str:
    """The answer's JSON object out of prose or a ```json fence, as text for `parse_answer`
    (`key`: the one it must hold: `findings`, or a verification's `verdict`).

    That is the first `{` where an object with `key` decodes: the outermost one, since
    its own parts start later. Nothing is repaired: when there is no such object the text
    goes on unchanged and fails validation, which the re-ask quotes.
    """
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
            continue
        except RecursionError:
            return text  # nested past reading: no object here; validation says so
        if isinstance(value, dict) and key in value:
            return text[start:end]
        start = text.find("{", end)  # skip the objects nested in this one
    return text
