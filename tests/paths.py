"""Where the tests' data lives, for test modules at any depth below tests/."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
EVENTS = FIXTURES / "events"
GOLDEN = TESTS / "golden"
SHARED_TIKTOKEN = ROOT.parent / "shared" / "tiktoken"
