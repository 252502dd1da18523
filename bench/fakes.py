"""The test suite's fake GitHub and fake model, served outside pytest for the benchmarks."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pytest_httpserver import HTTPServer

logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the fakes' request log

TESTS = Path(__file__).resolve().parents[1] / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from fakes.git_history import Change, fast_import  # noqa: E402
from fakes.github import FakeGitHub  # noqa: E402
from fakes.github_process import FakeCommit  # noqa: E402
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger  # noqa: E402
from fakes.provider_limits import ProviderLimits  # noqa: E402

__all__ = [
    "Change",
    "FakeCommit",
    "FakeGitHub",
    "FakeModelServer",
    "ProviderLimits",
    "ReadingModel",
    "Trigger",
    "fast_import",
    "served_github",
    "served_model",
]


@contextmanager
def served_model(latency_s: float = 0.0) -> Iterator[FakeModelServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        fake = FakeModelServer(latency_s=latency_s)
        fake.install(server)
        yield fake
    finally:
        server.clear()
        server.stop()


@contextmanager
def served_github() -> Iterator[FakeGitHub]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield FakeGitHub(owner="Codertocat", repo="Hello-World").install(server)
    finally:
        server.clear()
        server.stop()
