"""The verification request (`verify`): one finding and the code it cites in, confirm or
reject with a reason out (`core/verification.py` builds the messages and reads the answer).

It uses the answer format the review requests settled on: a strict JSON schema, or JSON in
the prompt for servers that refuse one. Transient failures are retried like the review's;
an answer that stays invalid, or a request that fails, leaves the finding unverified, never
rejected: only the model's own "reject" drops a finding.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

import openai
from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam

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
from reviewer.model.answer_modes import extract_json_object, rejected_option
from reviewer.model.completion import Completion
from reviewer.model.output_cap import OutputCap
from reviewer.model.request_gate import NotInTime, RequestGate, estimated_tokens, send_through
from reviewer.model.retries import TRANSIENT, RetryPolicy, StopAtDeadline

log = logging.getLogger(__name__)


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
        clock: Callable[[], float] = time.monotonic,
        gate: RequestGate | None = None,
        output_cap: OutputCap | None = None,
    ) -> None:
        """`strict_schema()`: whether the server takes a JSON schema as `response_format`
        (what the review requests found out). `gate`, `output_cap`: the run's, shared with
        the review requests, so verification is paced within the same limits."""
        self._client = client
        self._model = model
        self._options = dict(model_options)
        self._strict = strict_schema
        self._retries = RetryPolicy(attempts, backoff_initial_s, backoff_max_s, sleep)
        self._clock = clock
        self._gate = gate or RequestGate(4, sleep=sleep, clock=clock)
        self._cap = output_cap or OutputCap(model, str(client.base_url), model_options)

    def verify(
        self,
        finding: AnchoredFinding,
        code: str,
        parts: Sequence[ContextPart] = (),
        *,
        deadline: float | None = None,
    ) -> Checked:
        """`deadline`: the run's, on `clock`; past it the finding stands unverified."""
        stop = StopAtDeadline(deadline, self._clock)
        if stop.passed():
            return Checked(None, Usage())
        messages = [
            cast(ChatCompletionMessageParam, m.as_dict())
            for m in verification_messages(finding, code, parts)
        ]
        strict = self._strict()
        try:
            completion = self._send(messages, strict, stop)
        except NotInTime:
            return Checked(None, Usage())
        except (openai.APIError, *TRANSIENT) as error:
            log.warning("Could not verify a finding (%s); it stands unverified.", error)
            return Checked(None, Usage(requests=1))
        try:
            text = (
                completion.content if strict else extract_json_object(completion.content, "verdict")
            )
            return Checked(parse_verification(text), completion.usage)
        except AnswerInvalid as error:
            log.warning("The verification answer was invalid (%s); the finding stands.", error)
            return Checked(None, completion.usage)

    def _send(
        self, messages: list[ChatCompletionMessageParam], strict: bool, stop: StopAtDeadline
    ) -> Completion:
        attempts = itertools.count(1)
        retrying = self._retries.retrying(stop, self._gate.pause_left)
        try:
            return retrying(self._request, messages, strict, stop, attempts)
        except openai.APIStatusError as error:
            if self._cap.refused(rejected_option(error, self._cap.params()) or ""):
                return self._send(messages, strict, stop)  # the other parameter, or none
            raise

    def _request(
        self,
        messages: list[ChatCompletionMessageParam],
        strict: bool,
        stop: StopAtDeadline,
        attempts: Iterator[int],
    ) -> Completion:
        """One attempt, through the run's gate."""
        extra: dict[str, Any] = dict(self._options)
        extra.update(self._cap.params())
        if strict:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "verification", "strict": True,
                                "schema": verification_schema()},
            }  # fmt: skip
        texts = [str(m.get("content", "")) for m in messages]
        tokens = estimated_tokens(texts, self._cap.tokens)
        return send_through(
            self._gate,
            self._clock,
            lambda: self._client.chat.completions.with_raw_response.create(
                model=self._model, messages=messages, **extra
            ),
            tokens=tokens,
            deadline=stop.deadline,
            retry=next(attempts) > 1,
        )
