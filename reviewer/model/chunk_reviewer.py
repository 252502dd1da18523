"""The model adapter: one chunk in, validated findings and token usage out.

Transient failures (429, 5xx, timeouts, dropped connections) are retried with backoff and
jitter, honouring `retry-after-ms`/`Retry-After`; client errors become an error saying how
to fix the cause. A server rejecting the answer format gets the next one (`answer_modes`);
an answer invalid for the schema gets exactly one re-ask quoting the validation error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

import openai
from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from reviewer.core.findings import AnswerInvalid, FileNote, Finding, ReviewAnswer, parse_review
from reviewer.core.prompt import Message, chunk_messages, reask_message
from reviewer.core.report import Usage
from reviewer.core.review_context import ContextPart
from reviewer.errors import (
    ModelAuthError,
    ModelConfigError,
    ModelError,
    ReviewerError,
    TruncatedAnswer,
)
from reviewer.model.answer_modes import (
    AnswerMode,
    AnswerModes,
    error_summary,
    extract_json_object,
    rejected_option,
    rejects_answer_mode,
)
from reviewer.model.client import make_client, retry_after_seconds, wait_retry_after_or

__all__ = [
    "ChunkAnswer",
    "ChunkReviewer",
    "TruncatedAnswer",
    "TruncatedWithUsage",
    "make_client",
    "retry_after_seconds",
]

log = logging.getLogger(__name__)

TRANSIENT = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APITimeoutError,
    openai.APIConnectionError,
)
# Request fields the adapter sets itself; `model-options` passes everything else through.
_RESERVED = frozenset({"model", "messages", "response_format", "stream", "n"})


@dataclass(frozen=True, slots=True)
class ChunkAnswer:
    findings: list[Finding]
    usage: Usage
    walkthrough: tuple[FileNote, ...] = ()


class TruncatedWithUsage(TruncatedAnswer):
    """A truncated answer with what the chunk's requests used, so the run can count it."""

    def __init__(self, message: str, *, usage: Usage) -> None:
        super().__init__(message)
        self.usage = usage


class _ModeRejected(Exception):
    """The server refused the answer mode of this request (a 400/422 naming it)."""

    def __init__(self, error: openai.APIStatusError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class _Meter:
    """Usage of one `review` call across its attempts (local to the call: no lock needed)."""

    usage: Usage = field(default_factory=Usage)

    def add(self, more: Usage) -> None:
        self.usage = self.usage + more


class ChunkReviewer:
    """Reviews chunks with one model through an OpenAI-compatible client.

    One instance serves a whole run from several threads: its only mutable state is the
    answer mode the server accepted, behind a lock in `AnswerModes`.
    """

    def __init__(
        self,
        client: OpenAI,
        *,
        model: str,
        rules: str,
        model_options: Mapping[str, Any] = MappingProxyType({}),
        attempts: int = 4,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._model = model
        self._rules = rules
        reserved = sorted(_RESERVED & set(model_options))
        if reserved:
            raise ValueError(f"model_options may not set {', '.join(reserved)}")
        self._options = dict(model_options)
        self._modes = AnswerModes()
        self._retrying = Retrying(
            retry=retry_if_exception_type(TRANSIENT),
            stop=stop_after_attempt(attempts),
            wait=wait_retry_after_or(
                wait_exponential_jitter(
                    multiplier=backoff_initial_s, max=backoff_max_s, jitter=backoff_initial_s
                )
            ),
            before_sleep=self._log_retry,
            sleep=sleep,
            reraise=True,
        )

    @property
    def answer_mode(self) -> AnswerMode:
        """The mode later chunks start with (the best one the server has not refused)."""
        return self._modes.current

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0
        log.warning("Model request failed (%s); retrying in %.1fs.", error, wait)

    def review(
        self, chunk_text: str, instructions: str = "", parts: Sequence[ContextPart] = ()
    ) -> ChunkAnswer:
        """`instructions`: path-scoped rules for this chunk's files (see config.py);
        `parts`: untrusted context sections (the PR's intent, related code, a report)."""
        meter = _Meter()
        try:
            return self._review_in_best_mode(chunk_text, instructions, meter, parts)
        except TruncatedAnswer as error:
            raise TruncatedWithUsage(error.message, usage=meter.usage) from None

    def _review_in_best_mode(
        self, chunk_text: str, instructions: str, meter: _Meter, parts: Sequence[ContextPart]
    ) -> ChunkAnswer:
        rejection: _ModeRejected | None = None  # why the previous mode failed
        for mode in self._modes.to_try():
            try:
                return self._review_in(mode, chunk_text, instructions, meter, rejection, parts)
            except _ModeRejected as rejected:
                meter.add(Usage(requests=1))  # a request, but no tokens were spent
                rejection = rejected
        # Unreachable: plain text, always the last mode, sends no format a server could refuse.
        raise AssertionError("no answer mode left to try")

    def _review_in(
        self,
        mode: AnswerMode,
        chunk_text: str,
        instructions: str,
        meter: _Meter,
        rejection: _ModeRejected | None,
        parts: Sequence[ContextPart] = (),
    ) -> ChunkAnswer:
        messages = chunk_messages(
            chunk_text,
            rules=self._rules,
            instructions=instructions,
            schema_in_prompt=mode.schema_in_prompt,
            parts=parts,
        )
        response = self._send(messages, mode, meter)
        if rejection is not None:  # the server took this mode: later chunks start with it
            self._modes.accepted(mode, error_summary(rejection.error))
        content = _read_choice(response)
        try:
            return _answer(read_answer(content, mode), meter.usage)
        except AnswerInvalid as first:
            log.warning("The model's answer was invalid (%s); asking once more.", first)
            try:
                response = self._send(_reask(messages, content, first), mode, meter)
            except _ModeRejected as odd:  # the same format was just accepted: not a mode issue
                raise _status_error(odd.error) from None
            try:
                return _answer(read_answer(_read_choice(response), mode), meter.usage)
            except AnswerInvalid as second:
                raise ModelError(
                    f"The model answered twice with invalid findings: {second}",
                    hint="Use a model that supports structured outputs (JSON schema).",
                ) from None

    def _send(self, messages: Sequence[Message], mode: AnswerMode, meter: _Meter) -> Any:
        """One request, retried while transient; HTTP errors become the error to raise."""
        try:
            response = self._retrying(self._request, messages, mode)
        except TRANSIENT as error:  # first: 429 and 5xx are APIStatusErrors too
            raise ModelError(
                f"The model endpoint could not be reached after retries: {error}",
                hint="Retry the job later, or check `base-url` and the provider's status.",
            ) from None
        except openai.APIStatusError as error:
            option = rejected_option(error, self._options)
            if option is not None:
                raise _option_error(option, error) from None
            if rejects_answer_mode(error) and mode.response_format() is not None:
                raise _ModeRejected(error) from None
            raise self._client_error(error) from None
        meter.add(_usage(response))
        return response

    def _client_error(self, error: openai.APIStatusError) -> Exception:
        if isinstance(error, openai.NotFoundError):
            return ModelAuthError(
                f"The model endpoint does not know the model {self._model!r} (404).",
                hint="Check the `model` input (the deployment name for Azure), and "
                "`base-url` for OpenAI-compatible servers.",
            )
        return _status_error(error)

    def _request(self, messages: Sequence[Message], mode: AnswerMode) -> Any:
        params = [cast(ChatCompletionMessageParam, m.as_dict()) for m in messages]
        extra: dict[str, Any] = dict(self._options)
        response_format = mode.response_format()
        if response_format is not None:
            extra["response_format"] = response_format
        return self._client.chat.completions.create(model=self._model, messages=params, **extra)


def read_answer(content: str, mode: AnswerMode) -> ReviewAnswer:
    """Validate an answer the same way in every mode; only plain text may wrap its JSON."""
    if not content.strip():
        raise AnswerInvalid("The answer was empty.")
    if mode.response_format() is None:
        content = extract_json_object(content)
    return parse_review(content)


def _answer(answer: ReviewAnswer, usage: Usage) -> ChunkAnswer:
    return ChunkAnswer(list(answer.findings), usage, tuple(answer.walkthrough))


def _reask(messages: Sequence[Message], content: str, error: AnswerInvalid) -> list[Message]:
    # An empty assistant turn is refused by some servers; the re-ask says it was empty.
    previous = [Message("assistant", content)] if content.strip() else []
    return [*messages, *previous, reask_message(str(error))]


def _option_error(option: str, error: openai.APIStatusError) -> ModelConfigError:
    return ModelConfigError(
        f"The model endpoint rejected the option `{option}` from `model-options` "
        f"({error.status_code}): {error_summary(error)}",
        hint=f"Remove `{option}` from the `model-options` input, or change its value.",
    )


def _status_error(error: openai.APIStatusError) -> ReviewerError:
    if isinstance(error, openai.AuthenticationError):
        return ModelAuthError(
            f"The model endpoint rejected the API key ({error.status_code}).",
            hint="Check the `api-key` input (the secret's name and value) and `base-url`.",
        )
    if isinstance(error, openai.PermissionDeniedError):
        return ModelAuthError(
            f"The model endpoint refused access ({error.status_code}): {error_summary(error)}",
            hint="Check that the key's project may use this model.",
        )
    return ModelError(
        f"The model endpoint answered {error.status_code}: {error_summary(error)}",
        hint="Check `model` and `base-url`; the request was not retried.",
    )


def _read_choice(response: Any) -> str:
    if not response.choices:
        raise ModelError("The model returned no answer (empty choices).")
    choice = response.choices[0]
    if choice.finish_reason == "length":
        raise TruncatedAnswer("The model's answer was cut off at its output limit.")
    refusal = getattr(choice.message, "refusal", None)
    if refusal:
        raise ModelError(f"The model refused to review this part: {refusal}")
    return choice.message.content or ""


def _usage(response: Any) -> Usage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return Usage(requests=1)
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", 0) or 0
    return Usage(1, usage.prompt_tokens or 0, usage.completion_tokens or 0, cached)
