"""A request's timeout bounds the whole request (`reviewer.model.http_client`), whatever
phase a server stalls in: tested against a raw socket server that answers byte by byte on
a script, since an HTTP server library sends its headers in one piece."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Sequence

import httpx2
import openai
import pytest
from fakes.model_faults import trickle
from fakes.openai_server import FakeModelServer

from reviewer.model.client import make_client
from reviewer.model.http_client import DeadlineClient, total_timeout

TOTAL_S = 0.25
SLACK_S = 0.25  # thread start-up and scheduling on a busy 2-core machine
HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n"


class ScriptedServer:
    """Answers each connection on 127.0.0.1 with `steps` ((pause, bytes), in order), then
    holds it open, silent, until closed."""

    def __init__(self, steps: Sequence[tuple[float, bytes]]) -> None:
        self.steps = steps
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"
        self._closed = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)  # the request; its content does not matter here
            for pause, data in self.steps:
                if self._closed.wait(pause):
                    return
                try:
                    connection.sendall(data)
                except OSError:  # the client hung up
                    return
            self._closed.wait()

    def close(self) -> None:
        self._closed.set()
        self._listener.close()


def one_byte_at_a_time(data: bytes, every_s: float) -> list[tuple[float, bytes]]:
    return [(every_s, data[i : i + 1]) for i in range(len(data))]


@pytest.fixture
def serve() -> Iterator[list[ScriptedServer]]:
    started: list[ScriptedServer] = []
    yield started
    for server in started:
        server.close()


def timed_post(server: ScriptedServer, **timeout: float) -> tuple[type[Exception] | None, float]:
    client = DeadlineClient(timeout=TOTAL_S)
    started = time.monotonic()
    try:
        client.post(server.url + "/chat/completions", json={}, **timeout)  # type: ignore[arg-type]
    except httpx2.TimeoutException as error:
        return type(error), time.monotonic() - started
    finally:
        client.close()
    return None, time.monotonic() - started


BODY = b'{"id": "x", "choices": []}'.ljust(64)

STALLS = {
    # Each phase timeout alone would never end these (or only well after TOTAL_S).
    "never-answers": [],
    "headers-byte-by-byte": one_byte_at_a_time(HEADERS, 0.03),
    "body-byte-by-byte": [(0.0, HEADERS), *one_byte_at_a_time(BODY, 0.03)],
    "headers-late-then-stall": [(0.7 * TOTAL_S, HEADERS)],  # read timeout: at 1.7 x TOTAL_S
    "half-the-body-then-stall": [(0.0, HEADERS + BODY[:32])],
}


@pytest.mark.parametrize("steps", list(STALLS.values()), ids=list(STALLS))
def test_a_stalled_or_trickling_request_ends_at_its_total_timeout(
    serve: list[ScriptedServer], steps: list[tuple[float, bytes]]
) -> None:
    server = ScriptedServer(steps)
    serve.append(server)
    error, elapsed = timed_post(server)
    assert error is httpx2.ReadTimeout or (error is not None and not steps)  # or never connected
    assert TOTAL_S - 0.05 <= elapsed < TOTAL_S + SLACK_S


def test_the_timeout_of_one_request_is_its_deadline(serve: list[ScriptedServer]) -> None:
    server = ScriptedServer(STALLS["body-byte-by-byte"])
    serve.append(server)
    error, elapsed = timed_post(server, timeout=0.15)
    assert error is httpx2.ReadTimeout
    assert 0.1 <= elapsed < 0.15 + SLACK_S


def test_an_answer_in_pieces_within_the_deadline_arrives_whole(
    serve: list[ScriptedServer],
) -> None:
    server = ScriptedServer([(0.05, HEADERS), (0.05, BODY[:10]), (0.05, BODY[10:])])
    serve.append(server)
    with DeadlineClient(timeout=TOTAL_S) as client:
        response = client.post(server.url + "/chat/completions", json={})
    assert response.status_code == 200 and response.content == BODY


def test_the_sdk_reports_a_trickle_as_a_timeout(serve: list[ScriptedServer]) -> None:
    server = ScriptedServer(STALLS["body-byte-by-byte"])
    serve.append(server)
    client = make_client(api_key="sk-test", base_url=server.url, timeout_s=TOTAL_S)
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert time.monotonic() - started < TOTAL_S + SLACK_S


def test_azure_requests_are_bounded_too(fake_model: FakeModelServer) -> None:
    fake_model.queue(trickle(0.03, safety_stop_s=5.0))
    client = make_client(
        api_key="azure-key",
        base_url=fake_model.root_url,
        api_version="2024-10-21",
        timeout_s=TOTAL_S,
    )
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="dep", messages=[{"role": "user", "content": "hi"}])
    assert time.monotonic() - started < TOTAL_S + SLACK_S
    assert fake_model.calls[0].path == "/openai/deployments/dep/chat/completions"


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        ({"connect": 5.0, "read": 120.0, "write": 120.0, "pool": 120.0}, 120.0),
        ({"connect": 2.0, "read": None, "write": 2.0, "pool": 2.0}, None),  # unbounded read
        (None, 30.0),  # no extension: the client's own timeout
    ],
)
def test_total_timeout(timeout: dict[str, float | None] | None, expected: float | None) -> None:
    assert total_timeout(timeout, httpx2.Timeout(30.0)) == expected
