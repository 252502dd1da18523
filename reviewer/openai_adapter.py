"""The model adapter: one chunk in, validated findings and token usage out.

Transient failures (429, 5xx, timeouts, dropped connections) are retried with
exponential backoff and jitter, honouring `Retry-After`; client errors are not
retried but turned into an error that says how to fix the cause. An answer that
is not valid for the schema gets exactly one re-ask quoting the validation error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import openai
from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from reviewer.errors import ModelAuthError, ModelError, TruncatedAnswer
from reviewer.findings import AnswerInvalid, Finding, answer_json_schema, parse_answer
from reviewer.prompt import Message, chunk_messages, reask_message
from reviewer.report import Usage

log = logging.getLogger(__name__)

TRANSIENT = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APITimeoutError,
    openai.APIConnectionError,
)
MAX_RETRY_AFTER_S = 60.0


@dataclass(frozen=True, slots=True)
class ChunkAnswer:
    findings: list[Finding]
    usage: Usage


def make_client(*, api_key: str, base_url: str | None, timeout_s: float = 120.0) -> OpenAI:
    # Retries are ours (tenacity), so the SDK's own are off.
    return OpenAI(api_key=api_key or "unused", base_url=base_url, timeout=timeout_s, max_retries=0)


def _retry_after(state: RetryCallState) -> float | None:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    response = getattr(error, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return min(float(value), MAX_RETRY_AFTER_S) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare from model APIs, fall back to backoff


def wait_retry_after_or(fallback: Callable[[RetryCallState], float]) -> Callable[..., float]:
    def wait(state: RetryCallState) -> float:
        told = _retry_after(state)
        return told if told is not None else fallback(state)

    return wait


class ChunkReviewer:
    """Reviews chunks with one model through an OpenAI-compatible client."""

    def __init__(
        self,
        client: OpenAI,
        *,
        model: str,
        rules: str,
        attempts: int = 4,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 30.0,
    ) -> None:
        self._client = client
        self._model = model
        self._rules = rules
        self._retrying = Retrying(
            retry=retry_if_exception_type(TRANSIENT),
            stop=stop_after_attempt(attempts),
            wait=wait_retry_after_or(
                wait_exponential_jitter(
                    multiplier=backoff_initial_s, max=backoff_max_s, jitter=backoff_initial_s
                )
            ),
            before_sleep=self._log_retry,
            reraise=True,
        )

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0
        log.warning("Model request failed (%s); retrying in %.1fs.", error, wait)

    def review(self, chunk_text: str) -> ChunkAnswer:
        messages = chunk_messages(chunk_text, rules=self._rules)
        content, usage = self._complete(messages)
        try:
            return ChunkAnswer(parse_answer(content), usage)
        except AnswerInvalid as first:
            log.warning("The model's answer was invalid (%s); asking once more.", first)
            retry = [*messages, Message("assistant", content), reask_message(str(first))]
            content, more = self._complete(retry)
            try:
                return ChunkAnswer(parse_answer(content), usage + more)
            except AnswerInvalid as second:
                raise ModelError(
                    f"The model answered twice with invalid findings: {second}",
                    hint="Use a model that supports structured outputs (JSON schema).",
                ) from None

    def _complete(self, messages: Sequence[Message]) -> tuple[str, Usage]:
        try:
            response = self._retrying(self._request, messages)
        except TRANSIENT as error:  # first: 429 and 5xx are APIStatusErrors too
            raise ModelError(
                f"The model endpoint could not be reached after retries: {error}",
                hint="Retry the job later, or check `base-url` and the provider's status.",
            ) from None
        except openai.AuthenticationError as error:
            raise ModelAuthError(
                f"The model endpoint rejected the API key ({error.status_code}).",
                hint="Check the `api-key` input (the secret's name and value) and `base-url`.",
            ) from None
        except openai.NotFoundError:
            raise ModelAuthError(
                f"The model endpoint does not know the model {self._model!r} (404).",
                hint="Check the `model` input, and `base-url` for OpenAI-compatible servers.",
            ) from None
        except openai.PermissionDeniedError as error:
            raise ModelAuthError(
                f"The model endpoint refused access ({error.status_code}): {error.message}",
                hint="Check that the key's project may use this model.",
            ) from None
        except openai.APIStatusError as error:
            raise ModelError(
                f"The model endpoint answered {error.status_code}: {error.message}",
                hint="Check `model` and `base-url`; the request was not retried.",
            ) from None
        return _read_choice(response)

    def _request(self, messages: Sequence[Message]) -> Any:
        params = [cast(ChatCompletionMessageParam, m.as_dict()) for m in messages]
        response_format: ResponseFormatJSONSchema = {
            "type": "json_schema",
            "json_schema": {
                "name": "review_findings",
                "strict": True,
                "schema": answer_json_schema(),
            },
        }
        return self._client.chat.completions.create(
            model=self._model, messages=params, response_format=response_format
        )


def _read_choice(response: Any) -> tuple[str, Usage]:
    usage = _usage(response)
    if not response.choices:
        raise ModelError("The model returned no answer (empty choices).")
    choice = response.choices[0]
    if choice.finish_reason == "length":
        raise TruncatedAnswer("The model's answer was cut off at its output limit.")
    refusal = getattr(choice.message, "refusal", None)
    if refusal:
        raise ModelError(f"The model refused to review this part: {refusal}")
    return choice.message.content or "", usage


def _usage(response: Any) -> Usage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return Usage(requests=1)
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", 0) or 0
    return Usage(1, usage.prompt_tokens or 0, usage.completion_tokens or 0, cached)
