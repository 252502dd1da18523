"""The HTTP client under the openai SDK, on which a request's timeout bounds the whole request.

httpx's timeouts bound each phase on its own: connecting, sending, and the wait for each
next piece of the answer. A server that sends one byte every quarter second, or its
headers then nothing for as long as the read timeout allows, again and again, never
trips them, and one request can outlast the job. Here the request's timeout (what the SDK
was given as `timeout`, `request-timeout` for us) is its total deadline: the request runs
on a helper thread, and the caller waits for it at most that long. Past the deadline the
caller gets `httpx2.ReadTimeout`, which the SDK reports as `APITimeoutError`, a fault we
retry. Whatever phase the request is stuck in (name resolution, connecting, headers
arriving byte by byte, a stalled or trickling body), the caller is back on time.

The abandoned helper is a daemon thread, so it never keeps the process alive. It stops
reading a trickling body at the same deadline, or fails at its next phase timeout when
nothing arrives, and closes the connection.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx2
import openai


class DeadlineClient(openai.DefaultHttpxClient):
    """The SDK's default httpx2 client (its limits, redirects, the environment's proxies),
    with the request's timeout as a deadline for the whole request."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clock = clock

    def send(
        self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any
    ) -> httpx2.Response:
        total = total_timeout(request.extensions.get("timeout"), self.timeout)
        if total is None:  # no timeout asked for: nothing to bound
            return super().send(request, stream=stream, **kwargs)
        deadline = self._clock() + total
        outcome = _Outcome()
        helper = threading.Thread(
            target=self._send_by,
            args=(request, deadline, stream, kwargs, outcome),
            name=f"{threading.current_thread().name}-http",
            daemon=True,
        )
        helper.start()
        response = outcome.wait(deadline - self._clock())
        if response is None:
            raise httpx2.ReadTimeout(
                f"No complete answer within {total:g} s (the request's timeout bounds the "
                "whole request).",
                request=request,
            )
        return response

    def _send_by(
        self,
        request: httpx2.Request,
        deadline: float,
        stream: bool,
        kwargs: dict[str, Any],
        outcome: _Outcome,
    ) -> None:
        """On the helper thread: the request, its body read unless streamed, by `deadline`."""
        try:
            response = super().send(request, stream=True, **kwargs)
            response.stream = _DeadlineStream(response.stream, request, deadline, self._clock)
            if not stream:
                try:
                    response.read()
                except BaseException:
                    response.close()
                    raise
        # Not swallowed: handed to the waiting caller, which raises it as its own.
        except BaseException as error:  # noqa: BLE001
            outcome.failed(error)
        else:
            outcome.answered(response)


def total_timeout(timeout: object, default: httpx2.Timeout) -> float | None:
    """A request's total deadline in seconds: the longest of its phase timeouts (from the
    request's `timeout` extension, or the client's), None when a phase has no limit."""
    phases = timeout if isinstance(timeout, Mapping) else default.as_dict()
    values = list(phases.values())
    if not values or not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        return None
    return float(max(values))


def request_timeout_s(client: openai.OpenAI) -> float | None:
    """A client's timeout for one whole request, in seconds (None: none)."""
    timeout = client.timeout
    if isinstance(timeout, int | float):
        return float(timeout)
    if isinstance(timeout, httpx2.Timeout):
        return total_timeout(None, timeout)
    return None


class _Outcome:
    """The helper's response or error, handed over to the caller unless it gave up: a
    response that arrives after that is closed, so its connection goes back to the pool."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._response: httpx2.Response | None = None
        self._error: BaseException | None = None
        self._abandoned = False

    def answered(self, response: httpx2.Response) -> None:
        with self._lock:
            late = self._abandoned
            if not late:
                self._response = response
        if late:
            response.close()
        self._done.set()

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self._error = error
        self._done.set()

    def wait(self, timeout: float) -> httpx2.Response | None:
        """The response; the helper's error, raised; None when `timeout` passed first."""
        self._done.wait(max(timeout, 0.0))
        with self._lock:
            if self._response is None and self._error is None:
                self._abandoned = True
                return None
            error, response = self._error, self._response
        if error is not None:
            raise error
        return response


class _DeadlineStream(httpx2.SyncByteStream):
    """A response body that ends in `ReadTimeout` once its request's deadline has passed."""

    def __init__(
        self,
        stream: httpx2.SyncByteStream | httpx2.AsyncByteStream,
        request: httpx2.Request,
        deadline: float,
        clock: Callable[[], float],
    ) -> None:
        assert isinstance(stream, httpx2.SyncByteStream)
        self._stream = stream
        self._request = request
        self._deadline = deadline
        self._clock = clock

    def __iter__(self) -> Iterator[bytes]:
        for part in self._stream:
            if self._clock() > self._deadline:
                raise httpx2.ReadTimeout(
                    "The answer was still arriving at the request's deadline.",
                    request=self._request,
                )
            yield part

    def close(self) -> None:
        self._stream.close()
