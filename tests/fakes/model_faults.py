"""Answers of a broken model endpoint, or of whatever stands in front of it, for the fake
model server (`FakeModelServer.queue` or `FakeModelServer.faulty_files`).

Slow answers stream from a generator: werkzeug sends the status and headers at the first
item, even an empty one, and each item as it comes. When the client hangs up, the next
write fails and werkzeug closes the generator, so a trickle ends with its client.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from werkzeug import Response

from fakes.openai_server import Responder, completion

# nginx's built-in error page (src/http/ngx_http_special_response.c), as a proxy in front
# of the endpoint serves it; here with status 200, as misconfigured proxies and captive
# portals do.
NGINX_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
# What OpenRouter sends, with status 200, when the provider behind it fails mid-request.
ERROR_WITH_200 = {"error": {"message": "Provider returned error", "code": 502}}


def trickle(every_s: float = 0.25, *, safety_stop_s: float = 30.0) -> Responder:
    """A 200 that starts a completion, then sends one space every `every_s`, forever.

    `safety_stop_s` only keeps a broken client from holding a server thread for the rest
    of the test session: then the body ends, unfinished."""

    def respond(_body: dict[str, Any]) -> Response:
        def body() -> Iterator[bytes]:
            yield b'{"id": "chatcmpl-fake", "object": "chat.completion", "choices": ['
            stop = time.monotonic() + safety_stop_s
            while time.monotonic() < stop:
                time.sleep(every_s)
                yield b" "

        return Response(body(), status=200, content_type="application/json")

    return respond


def stall_after_headers(stall_s: float) -> Responder:
    """Status and headers at once, then nothing for `stall_s`, then a whole completion."""

    def respond(_body: dict[str, Any]) -> Response:
        def body() -> Iterator[bytes]:
            yield b""  # werkzeug sends the headers now
            time.sleep(stall_s)
            yield json.dumps(completion('{"findings": []}')).encode()

        return Response(body(), status=200, content_type="application/json")

    return respond


def raw_200(body: str | bytes, content_type: str) -> Responder:
    """A 200 with any body and content type: an HTML page, nothing, JSON of another shape."""
    return lambda _body: Response(body, status=200, content_type=content_type)


def json_200(data: Any) -> Responder:
    return raw_200(json.dumps(data), "application/json")


HTML_PAGE = raw_200(NGINX_BAD_GATEWAY, "text/html")
