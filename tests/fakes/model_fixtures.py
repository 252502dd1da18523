"""pytest fixtures for the fake model server (a second loopback HTTP server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from fakes.openai_server import FakeModelServer


@pytest.fixture(scope="session")
def model_httpserver() -> Iterator[HTTPServer]:
    # Threaded: concurrent model requests must not queue behind a slow one.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def fake_model(model_httpserver: HTTPServer) -> Iterator[FakeModelServer]:
    model_httpserver.clear()
    fake = FakeModelServer()
    fake.install(model_httpserver)
    yield fake
    model_httpserver.check_handler_errors()
    model_httpserver.clear()
