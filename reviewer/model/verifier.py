"""The verification request (`verify`): one finding and the code it cites in, confirm or
reject with a reason out (`core/verification.py` builds the messages and reads the answer).

It uses the answer format the review requests settled on: a strict JSON schema, or JSON in
the prompt for servers that refuse one. Transient failures are retried like the review's;
an answer that stays invalid, or a request that fails, leaves the finding unverified, never
rejected: only the model's own "reject" drops a finding.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

import openai
from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.findings import AnswerInvalid
from reviewer.core.report import Usage
from reviewer.core.review_context import ContextPart
from reviewer.core.verification import (
    VerificationAnswer,
    parse_verification,
    verification_messages,
    verification_schema,
)
from reviewer.model.client import wait_retry_after_or

log = logging.getLogger(__name__)

TRANSIENT = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APITimeoutError,
    openai.APIConnectionError,
)


@dataclass(frozen=True, slots=True)
class Checked:
    """The verifier's answer for one finding; `answer` None when it could not be had."""

    answer: VerificationAnswer | None
    usage: Usage


class FindingVerifier:
    def __init__(
        self,
        client: OpenAI,
        *,
        model: str,
        model_options: Mapping[str, Any] = MappingProxyType({}),
        strict_schema: Callable[[], bool] = lambda: True,
        attempts: int = 4,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`strict_schema()`: whether the server takes a JSON schema as `response_format`
        (what the review requests found out)."""
        self._client = client
        self._model = model
        self._options = dict(model_options)
        self._strict = strict_schema
        self._retrying = Retrying(
            retry=retry_if_exception_type(TRANSIENT),
            stop=stop_after_attempt(attempts),
            wait=wait_retry_after_or(
                wait_exponential_jitter(
                    multiplier=backoff_initial_s, max=backoff_max_s, jitter=backoff_initial_s
                )
            ),
            sleep=sleep,
            reraise=True,
        )

    def verify(
        self, finding: AnchoredFinding, code: str, parts: Sequence[ContextPart] = ()
    ) -> Checked:
        messages = [
            cast(ChatCompletionMessageParam, m.as_dict())
            for m in verification_messages(finding, code, parts)
        ]
        extra: dict[str, Any] = dict(self._options)
        strict = self._strict()
        if strict:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "verification", "strict": True,
                                "schema": verification_schema()},
            }  # fmt: skip
        try:
            response = self._retrying(
                self._client.chat.completions.create,
                model=self._model,
                messages=messages,
                **extra,
            )
        except openai.APIError as error:
            log.warning("Could not verify a finding (%s); it stands unverified.", error)
            return Checked(None, Usage(requests=1))
        usage = _usage(response)
        choice = response.choices[0] if response.choices else None
        content = (choice.message.content or "") if choice is not None else ""
        try:
            text = content if strict else extract_verdict(content)
            return Checked(parse_verification(text), usage)
        except AnswerInvalid as error:
            log.warning("The verification answer was invalid (%s); the finding stands.", error)
            return Checked(None, usage)


def extract_verdict(text: str) -> str:
    """The first JSON object holding a `verdict` in a plain-text answer; the text unchanged
    when there is none (it then fails validation). Nothing is repaired."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict) and "verdict" in value:
            return text[start:end]
        start = text.find("{", end)
    return text


def _usage(response: Any) -> Usage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return Usage(requests=1)
    return Usage(1, usage.prompt_tokens or 0, usage.completion_tokens or 0, 0)
