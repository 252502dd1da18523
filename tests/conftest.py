"""Shared pytest fixtures: a fake GitHub REST API on a loopback pytest-httpserver."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.github import FakeGitHub
from pytest_httpserver import HTTPServer

# tiktoken downloads encodings on first use; this repo's machines have a ready cache beside
# the checkout. Elsewhere tiktoken downloads them, or the code falls back to its estimate.
_SHARED_TIKTOKEN = Path(__file__).resolve().parents[2] / "shared" / "tiktoken"
if _SHARED_TIKTOKEN.is_dir():
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(_SHARED_TIKTOKEN))


# The fakes' HTTP server logs to the "werkzeug" logger. Runs of the action in process log
# through the root logger to their captured stderr; the fakes' lines don't belong there.
logging.getLogger("werkzeug").propagate = False


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """Serve the fake on 127.0.0.1 (any free port) instead of ``localhost``."""
    return ("127.0.0.1", 0)


@pytest.fixture
def fake_github(httpserver: HTTPServer) -> Iterator[FakeGitHub]:
    """A fresh :class:`FakeGitHub` installed on the (per-test cleared) ``httpserver``.

    ``fake_github.base_url`` is the client base URL (``http://127.0.0.1:PORT``); use
    ``fake_github.base_url + "/api/v3"`` for GHES style. Exceptions raised inside the
    fake's handler fail the test at teardown.
    """
    fake = FakeGitHub(owner="Codertocat", repo="Hello-World").install(httpserver)
    yield fake
    httpserver.check_handler_errors()


pytest_plugins = ["fakes.model_fixtures"]
