"""The model adapter: one chunk in, validated findings and token usage out.

Transient failures (429, 5xx, timeouts, dropped connections, a 2xx that is no chat
completion) are retried (`retries`), never past the run's deadline; client errors become
an error saying how to fix the cause (`status_errors`). A server rejecting the answer
format gets the next one (`answer_modes`); an answer invalid for the schema gets exactly
one re-ask quoting the validation error.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

import openai
from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam

from reviewer.core.concurrency import DEFAULT_CAP
from reviewer.core.findings import AnswerInvalid, FileNote, Finding, ReviewAnswer
from reviewer.core.prompt import Message, chunk_messages, reask_message
from reviewer.core.report import Usage
from reviewer.core.review_context import ContextPart
from reviewer.errors import ModelError, TruncatedAnswer
from reviewer.model.answer_modes import (
    AnswerMode,
    AnswerModes,
    error_summary,
    rejected_option,
    rejects_answer_mode,
)
from reviewer.model.answer_reading import answer_text, read_answer
from reviewer.model.client import make_client, retry_after_seconds
from reviewer.model.completion import Completion
from reviewer.model.http_client import request_timeout_s
from reviewer.model.output_cap import OutputCap
from reviewer.model.request_gate import NotInTime, RequestGate, estimated_tokens, send_through
from reviewer.model.retries import TRANSIENT, RetryPolicy, StopAtDeadline
from reviewer.model.status_errors import (
    NOT_IN_TIME,
    TIME_LIMIT_HINT,
    client_error,
    gave_up,
    option_error,
    status_error,
)

__all__ = [
    "NOT_IN_TIME",
    "ChunkAnswer",
    "ChunkReviewer",
    "TruncatedAnswer",
    "TruncatedWithUsage",
    "make_client",
    "retry_after_seconds",
]

log = logging.getLogger(__name__)

# Request fields the adapter sets itself; `model-options` passes everything else through.
_RESERVED = frozenset({"model", "messages", "response_format", "stream", "n"})


@dataclass(frozen=True, slots=True)
class ChunkAnswer:
    findings: list[Finding]
    usage: Usage
    walkthrough: tuple[FileNote, ...] = ()


class TruncatedWithUsage(TruncatedAnswer):
    """A truncated answer with what the chunk's requests used, so the run can count it,
    and the output cap it ran into (None when unknown)."""

    def __init__(self, message: str, *, usage: Usage, output_cap: int | None = None) -> None:
        super().__init__(message)
        self.usage = usage
        self.output_cap = output_cap


class _ModeRejected(Exception):
    """The server refused the answer mode of this request (a 400/422 naming it)."""

    def __init__(self, error: openai.APIStatusError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class _Call:
    """One `review` call: usage across its requests, and the run's deadline (local to the
    call: no lock needed)."""

    deadline: StopAtDeadline
    usage: Usage = field(default_factory=Usage)

    def add(self, more: Usage) -> None:
        self.usage += more


class ChunkReviewer:
    """Reviews chunks with one model through an OpenAI-compatible client.

    One instance serves a whole run from several threads: its mutable state is the answer
    mode the server accepted (`AnswerModes`), the output cap it accepted (`OutputCap`) and
    the gate every request passes (`RequestGate`: adaptive concurrency up to
    `concurrency`), each behind its own lock.
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
        clock: Callable[[], float] = time.monotonic,
        concurrency: int = DEFAULT_CAP,
    ) -> None:
        self._client = client
        self._model = model
        self._rules = rules
        reserved = sorted(_RESERVED & set(model_options))
        if reserved:
            raise ValueError(f"model_options may not set {', '.join(reserved)}")
        self._options = dict(model_options)
        self._modes = AnswerModes()
        self._cap = OutputCap(model, str(client.base_url), model_options)
        self._gate = RequestGate(concurrency, sleep=sleep, clock=clock)
        self._retries = RetryPolicy(attempts, backoff_initial_s, backoff_max_s, sleep)
        self._clock = clock
        self._timeout_s = request_timeout_s(client)

    @property
    def gate(self) -> RequestGate:
        """The run's gate: any other request of the run should pass it too."""
        return self._gate

    @property
    def output_cap(self) -> OutputCap:
        """The run's output cap: other requests of the run send it too."""
        return self._cap

    @property
    def concurrency_reached(self) -> int:
        return self._gate.reached

    @property
    def answer_mode(self) -> AnswerMode:
        """The mode later chunks start with (the best one the server has not refused)."""
        return self._modes.current

    def review(
        self,
        chunk_text: str,
        instructions: str = "",
        parts: Sequence[ContextPart] = (),
        *,
        deadline: float | None = None,
    ) -> ChunkAnswer:
        """`instructions`: path-scoped rules for this chunk's files (see config.py);
        `parts`: untrusted context sections (the PR's intent, related code, a report).
        `deadline`: the run's, on `clock`; no request or retry starts at or after it."""
        call = _Call(StopAtDeadline(deadline, self._clock))
        try:
            return self._review_in_best_mode(chunk_text, instructions, call, parts)
        except TruncatedAnswer as error:
            raise TruncatedWithUsage(
                error.message, usage=call.usage, output_cap=self._cap.tokens
            ) from None

    def _review_in_best_mode(
        self, chunk_text: str, instructions: str, call: _Call, parts: Sequence[ContextPart]
    ) -> ChunkAnswer:
        rejection: _ModeRejected | None = None  # why the previous mode failed
        for mode in self._modes.to_try():
            try:
                return self._review_in(mode, chunk_text, instructions, call, rejection, parts)
            except _ModeRejected as rejected:
                call.add(Usage(requests=1))  # a request, but no tokens were spent
                rejection = rejected
        # Unreachable: plain text, always the last mode, sends no format a server could refuse.
        raise AssertionError("no answer mode left to try")

    def _review_in(
        self,
        mode: AnswerMode,
        chunk_text: str,
        instructions: str,
        call: _Call,
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
        completion = self._send(messages, mode, call)
        if rejection is not None:  # the server took this mode: later chunks start with it
            self._modes.accepted(mode, error_summary(rejection.error))
        content = answer_text(completion, self._cap.tokens)
        try:
            return _answer(read_answer(content, mode), call.usage)
        except AnswerInvalid as first:
            log.warning("The model's answer was invalid (%s); asking once more.", first)
            try:
                completion = self._send(_reask(messages, content, first), mode, call)
            except _ModeRejected as odd:  # the same format was just accepted: not a mode issue
                raise status_error(odd.error) from None
            try:
                answer = answer_text(completion, self._cap.tokens)
                return _answer(read_answer(answer, mode), call.usage)
            except AnswerInvalid as second:
                raise ModelError(
                    f"The model answered twice with invalid findings: {second}",
                    hint="Use a model that supports structured outputs (JSON schema).",
                ) from None

    def _send(self, messages: Sequence[Message], mode: AnswerMode, call: _Call) -> Completion:
        """One request, retried while transient; HTTP errors become the error to raise."""
        if call.deadline.passed():
            raise ModelError(NOT_IN_TIME, hint=TIME_LIMIT_HINT)
        retrying = self._retries.retrying(call.deadline, self._gate.pause_left)
        attempts = itertools.count(1)
        try:
            completion = retrying(self._request, messages, mode, call, attempts)
        except TRANSIENT as error:  # first: 429 and 5xx are APIStatusErrors too
            raise gave_up(
                error,
                stopped_at_deadline=call.deadline.reached,
                requests=int(retrying.statistics.get("attempt_number", 1)),
                timeout_s=self._timeout_s,
            ) from None
        except NotInTime:
            raise ModelError(NOT_IN_TIME, hint=TIME_LIMIT_HINT) from None
        except openai.APIStatusError as error:
            option = rejected_option(error, self._options)
            if option is not None:
                raise option_error(option, error) from None
            if self._cap.refused(rejected_option(error, self._cap.params()) or ""):
                return self._send(messages, mode, call)  # with the other parameter, or none
            if rejects_answer_mode(error) and mode.response_format() is not None:
                raise _ModeRejected(error) from None
            raise client_error(error, self._model) from None
        call.add(completion.usage)
        return completion

    def _request(
        self,
        messages: Sequence[Message],
        mode: AnswerMode,
        call: _Call,
        attempts: Iterator[int],
    ) -> Completion:
        """One attempt, through the gate. Its answer is read here, inside the retries: a
        200 that is not a chat completion (a proxy's HTML page) is a server fault, retried
        like a 502."""
        params = [cast(ChatCompletionMessageParam, m.as_dict()) for m in messages]
        extra: dict[str, Any] = dict(self._options)
        extra.update(self._cap.params())
        response_format = mode.response_format()
        if response_format is not None:
            extra["response_format"] = response_format
        tokens = estimated_tokens([m.content for m in messages], self._cap.tokens)
        return send_through(
            self._gate,
            self._clock,
            lambda: self._client.chat.completions.with_raw_response.create(
                model=self._model, messages=params, **extra
            ),
            tokens=tokens,
            deadline=call.deadline.deadline,
            retry=next(attempts) > 1,
        )


def _answer(answer: ReviewAnswer, usage: Usage) -> ChunkAnswer:
    return ChunkAnswer(list(answer.findings), usage, tuple(answer.walkthrough))


def _reask(messages: Sequence[Message], content: str, error: AnswerInvalid) -> list[Message]:
    # An empty assistant turn is refused by some servers; the re-ask says it was empty.
    previous = [Message("assistant", content)] if content.strip() else []
    return [*messages, *previous, reask_message(str(error))]
