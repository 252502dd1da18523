"""A chat completion read out of whatever the endpoint answered with a 2xx status.

A 200 is not always a completion: a proxy or gateway in front of the endpoint answers
with its HTML error page, an empty body, a JSON error sent with status 200, or JSON of
another shape (no `choices`, `choices: null`). The SDK hands those on as a bare string or
a half-built object, and reading them would raise AttributeError or TypeError far from
the cause. Here the body is read as JSON and checked field by field; anything that is not
a chat completion is `NotACompletion`: a server fault, retried like a 5xx, whose message
says what arrived and what to check.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.core.report import Usage
from reviewer.errors import ModelError

_CHECK_ENDPOINT = (
    "Check that `base-url` is the OpenAI-compatible API (e.g. https://api.openai.com/v1) "
    "and that no proxy or gateway between the runner and it answers instead; retry the job "
    "later if it was a passing outage."
)
_SNIPPET_CHARS = 120
_SCANNED_CHARS = 65_536  # of an HTML page, for its title


class NotACompletion(ModelError):
    """A 2xx answer that is not a chat completion: retried as a server fault."""


@dataclass(frozen=True, slots=True)
class Completion:
    """The parts of a chat completion the review reads: its first choice and the usage."""

    content: str
    finish_reason: str | None
    refusal: str | None
    usage: Usage


def read_completion(body: bytes, content_type: str) -> Completion:
    """The completion in `body`, or `NotACompletion` saying what came instead.

    The JSON is read whatever `content_type` says: some servers label a good answer
    `text/plain`, and a proxy may label its HTML page `application/json`."""
    text = body.decode("utf-8-sig", errors="replace")  # JSON is UTF-8; a BOM is dropped
    if not text.strip():
        raise NotACompletion(
            "The model endpoint answered with an empty body instead of a chat completion.",
            hint=_CHECK_ENDPOINT,
        )
    try:
        data: Any = json.loads(text)
    except (json.JSONDecodeError, RecursionError):  # a body nested past reading too
        raise _not_json(text, content_type) from None
    if not isinstance(data, dict):
        raise _not_a_completion("not a JSON object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        error = _error_text(data.get("error"))
        if error is not None:
            raise NotACompletion(
                f"The model endpoint answered with an error instead of a chat completion: {error}",
                hint=_CHECK_ENDPOINT,
            )
        raise _not_a_completion(f"`choices` is {_kind(choices)}")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice, dict) else None
    if not isinstance(message, dict):
        raise _not_a_completion("its first choice has no `message` object")
    content = _content(message.get("content"))
    if content is None:
        raise _not_a_completion("the message's `content` is not text")
    return Completion(
        content=content,
        finish_reason=_string(choice.get("finish_reason")),
        refusal=_string(message.get("refusal")),
        usage=read_usage(data.get("usage")),
    )


def read_usage(usage: object) -> Usage:
    """One request's token counts; whatever a server leaves out or garbles counts as 0."""
    if not isinstance(usage, Mapping):
        return Usage(requests=1)
    details = usage.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, Mapping) else 0
    return Usage(
        1,
        _count(usage.get("prompt_tokens")),
        _count(usage.get("completion_tokens")),
        _count(cached),
    )


def _content(value: object) -> str | None:
    """The message's text: a string, nothing (""), or a list of text parts, joined."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(
        isinstance(part, dict) and isinstance(part.get("text"), str) for part in value
    ):
        return "".join(part["text"] for part in value)
    return None


def _not_json(text: str, content_type: str) -> NotACompletion:
    kind = content_type.split(";")[0].strip().lower() or "no content-type"
    head = text[:_SCANNED_CHARS]
    if kind in ("text/html", "application/xhtml+xml") or re.match(r"\s*<", head):
        title = re.search(r"<title[^>]*>(.*?)</title", head, re.IGNORECASE | re.DOTALL)
        shown = _snippet(title.group(1) if title else head)
        return NotACompletion(
            "The model endpoint answered with an HTML page instead of JSON (a proxy's error "
            f"page?){f': {shown}' if shown else ''}.",
            hint=_CHECK_ENDPOINT,
        )
    return NotACompletion(
        f"The model endpoint answered with text that is not JSON ({kind}): {_snippet(head)}.",
        hint=_CHECK_ENDPOINT,
    )


def _not_a_completion(what: str) -> NotACompletion:
    return NotACompletion(
        f"The model endpoint answered with JSON that is not a chat completion ({what}).",
        hint=_CHECK_ENDPOINT,
    )


def _error_text(error: object) -> str | None:
    """The words of an error object sent in place of a completion, if there is one."""
    if isinstance(error, Mapping):
        message = error.get("message")
        return _snippet(str(message if message is not None else dict(error)))
    if isinstance(error, str):
        return _snippet(error)
    return None


def _snippet(text: str) -> str:
    """Server-written text made short, tag-free and printable, quoted for a message."""
    plain = re.sub(r"<[^>]*>", " ", text)
    printable = "".join(c if unicodedata.category(c)[0] not in "CZ" else " " for c in plain)
    words = " ".join(printable.split())
    if not words:
        return ""
    if len(words) > _SNIPPET_CHARS:
        words = words[: _SNIPPET_CHARS - 1] + "…"
    return f"“{words}”"


def _kind(choices: object) -> str:
    if choices is None:
        return "missing or null"
    return "empty" if isinstance(choices, list) else "not a list"


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    return max(int(value), 0)
