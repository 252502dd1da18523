"""A fake OpenAI-compatible chat completions server, on 127.0.0.1, for the real openai client.

By default it behaves like a model reading the prompt: `ReadingModel` finds lines in
the fenced diff that match its triggers and answers with findings citing the line
numbers printed in the prompt. Tests can queue scripted answers or HTTP faults.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from fakes.provider_limits import ProviderLimits

Responder = Callable[[dict[str, Any]], Response]

_LINE = re.compile(r"^(\d+) ([+\- |])(.*)$")  # "|": a surrounding line
_FILE = re.compile(r"^File: (\S+)")


@dataclass(frozen=True)
class Trigger:
    """Report `severity`/`category`/`title` on every added line containing `needle`."""

    needle: str
    severity: str = "warning"
    category: str = "bug"
    title: str = "Problem"
    body: str = "Explain the problem."
    suggestion: str | None = None


def diff_lines(prompt: str) -> list[tuple[str, int, str, str]]:
    """(path, number, marker, text) for each numbered line of the fenced diff in `prompt`."""
    out: list[tuple[str, int, str, str]] = []
    path = ""
    for line in prompt.splitlines():
        file_match = _FILE.match(line)
        if file_match:
            path = file_match.group(1)
            continue
        match = _LINE.match(line)
        if match and path:
            out.append((path, int(match.group(1)), match.group(2), match.group(3)))
    return out


def user_prompt(body: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")


@dataclass
class ReadingModel:
    triggers: list[Trigger]

    def findings(self, prompt: str) -> list[dict[str, Any]]:
        found = []
        for path, number, marker, text in diff_lines(prompt):
            for trigger in self.triggers:
                if marker == "+" and trigger.needle in text:
                    found.append(finding(path, number, text, trigger))
        return found


def finding(path: str, line: int, quote: str, trigger: Trigger, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": path,
        "line": line,
        "start_line": None,
        "side": "RIGHT",
        "severity": trigger.severity,
        "category": trigger.category,
        "title": trigger.title,
        "body": trigger.body,
        "quote": quote,
        "suggestion": trigger.suggestion,
    }
    data.update(overrides)
    return data


def completion(
    content: str | None,
    *,
    finish_reason: str = "stop",
    refusal: str | None = None,
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0},
        },
    }


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(data), status=status, headers=headers, content_type="application/json"
    )


def error_response(
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    *,
    param: str | None = None,
    code: str | None = None,
) -> Response:
    """An error in OpenAI's shape (Azure, vLLM, DeepSeek and OpenRouter use it too)."""
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    return json_response({"error": error}, status, headers)


@dataclass(frozen=True)
class Call:
    """What arrived over HTTP besides the body: for Azure's path, query and `api-key`."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased


@dataclass
class FakeModelServer:
    """State of the fake; `install()` wires it to a running HTTPServer.

    `rejected_formats` makes it behave like a server that refuses some answer formats:
    keyed by the `response_format` type sent ("json_schema", "json_object", or "text" for
    none), the responder that answers such a request. `chatty_text` makes answers to
    requests without a `response_format` come wrapped in prose and a ```json fence, as
    models answer when nothing constrains them. `faulty_files` answers every request whose
    prompt shows one of its paths with that path's responder (a queued answer waits).
    `limits` enforces and reports a provider's rate limits (`provider_limits`);
    `parallel_slots` makes it a server that works on that many requests at once and queues
    the rest, as llama-server does with `-np` (each request takes `latency_s` once it has a
    slot).
    """

    model: ReadingModel = field(default_factory=lambda: ReadingModel([]))
    latency_s: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    shape_errors: list[str] = field(default_factory=list)
    rejected_formats: dict[str, Responder] = field(default_factory=dict)
    chatty_text: bool = False
    faulty_files: dict[str, Responder] = field(default_factory=dict)
    limits: ProviderLimits | None = None
    parallel_slots: int = 0
    _slots: threading.Semaphore | None = None
    _queue: deque[Responder] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""
    root_url: str = ""  # the server's root: an Azure resource endpoint

    def install(self, server: HTTPServer) -> None:
        # Serves `/v1/chat/completions` and Azure's
        # `/openai/deployments/{deployment}/chat/completions?api-version=...` alike.
        server.expect_request(
            re.compile(r".*/chat/completions$"), method="POST"
        ).respond_with_handler(self.handle)
        self.base_url = server.url_for("/v1")
        self.root_url = server.url_for("/").rstrip("/")

    def queue(self, *responders: Responder) -> None:
        """Answer the next requests with these, in order, before the reading model resumes."""
        self._queue.extend(responders)

    def formats(self) -> list[str]:
        """The answer format of each request so far, in order."""
        with self._lock:
            return [answer_format(body) for body in self.requests]

    def handle(self, request: Request) -> Response:
        body = request.get_json(force=True)
        with self._lock:
            self.requests.append(body)
            self.calls.append(
                Call(
                    request.path,
                    dict(request.args),
                    {name.lower(): value for name, value in request.headers.items()},
                )
            )
            self._check_shape(body)
            # A server that refuses a format does so before any scripted answer is used.
            responder = self.rejected_formats.get(answer_format(body))
            if responder is None:
                prompt = user_prompt(body)
                responder = next(
                    (r for path, r in self.faulty_files.items() if f"File: {path} " in prompt),
                    None,
                )
            if responder is None and self._queue:
                responder = self._queue.popleft()
        limit_headers: dict[str, str] = {}
        if self.limits is not None:
            status, limit_headers, message = self.limits.admit(body)
            if status == 429:
                return error_response(429, message, limit_headers, code="rate_limit_exceeded")
        self._work()
        response = self._answer(request, body, responder)
        response.headers.update(limit_headers)
        if self.limits is not None and response.status_code == 200:
            self.limits.answered()
        return response

    def _work(self) -> None:
        """The time the model takes: `latency_s`, in one of the server's slots if it has few."""
        if not self.parallel_slots:
            if self.latency_s:
                time.sleep(self.latency_s)
            return
        with self._lock:
            if self._slots is None:
                self._slots = threading.Semaphore(self.parallel_slots)
            slots = self._slots
        with slots:
            time.sleep(self.latency_s)

    def _answer(
        self, request: Request, body: dict[str, Any], responder: Responder | None
    ) -> Response:
        if "/openai/deployments/" in request.path and "api-version" not in request.args:
            return error_response(404, "Resource not found")  # what Azure says
        if responder is not None:
            return responder(body)
        content = json.dumps({"findings": self.model.findings(user_prompt(body))})
        if self.chatty_text and answer_format(body) == "text":
            content = f"I read every `{{` block. My review:\n```json\n{content}\n```\nAll done {{:"
        return json_response(completion(content))

    def _check_shape(self, body: dict[str, Any]) -> None:
        kind = answer_format(body)
        if kind == "json_schema":
            schema = body["response_format"]["json_schema"]
            if schema.get("strict") is not True:
                self.shape_errors.append("json_schema.strict is not true")
            _check_strict(schema.get("schema", {}), "schema", self.shape_errors)
        elif kind in ("json_object", "text"):
            system = body["messages"][0]["content"]
            if "JSON schema" not in system or '"findings"' not in system:
                self.shape_errors.append(f"{kind}: the system prompt lacks the schema")
            if kind == "json_object" and "json" not in system.lower():
                # OpenAI refuses JSON mode unless the messages say "JSON".
                self.shape_errors.append("json_object: the messages never mention JSON")
        else:
            self.shape_errors.append(f"response_format type {kind!r}")


def answer_format(body: dict[str, Any]) -> str:
    """The `response_format` type of a request body, "text" when it has none."""
    fmt = body.get("response_format")
    return str(fmt.get("type")) if fmt else "text"


def _check_strict(node: Any, where: str, errors: list[str]) -> None:
    """What strict structured outputs demand of every object in the schema."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            props = set(node.get("properties", {}))
            if node.get("additionalProperties") is not False:
                errors.append(f"{where}: additionalProperties must be false")
            if set(node.get("required", [])) != props:
                errors.append(f"{where}: every property must be required")
        if "default" in node:
            errors.append(f"{where}: default is not allowed")
        for key, value in node.items():
            _check_strict(value, f"{where}/{key}", errors)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _check_strict(item, f"{where}/{i}", errors)


def scripted(content: str | None, **kwargs: Any) -> Responder:
    return lambda _body: json_response(completion(content, **kwargs))


def failing(
    status: int,
    message: str = "fake failure",
    headers: dict[str, str] | None = None,
    *,
    param: str | None = None,
    code: str | None = None,
) -> Responder:
    return lambda _body: error_response(status, message, headers, param=param, code=code)


def raw_error(status: int, body: Any) -> Responder:
    """An error with a body of any shape: LM Studio's `{"error": "..."}`, FastAPI's
    `{"detail": [...]}`, or plain text."""
    if isinstance(body, str):
        return lambda _body: Response(body, status=status, content_type="text/plain")
    return lambda _body: json_response(body, status)
