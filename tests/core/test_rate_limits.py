"""Reading providers' rate-limit headers (core/rate_limits.py)."""

from __future__ import annotations

import pytest

from reviewer.core.rate_limits import Budget, RateLimits, parse_duration, read_rate_limits


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("6m0s", 360.0),  # OpenAI's examples
        ("1s", 1.0),
        ("120ms", 0.12),
        ("1.052s", 1.052),
        ("2m59.56s", 179.56),  # Groq
        ("1h2m3.5s", 3723.5),
        ("0s", 0.0),
        ("20", 20.0),  # a bare number of seconds
        ("0.5", 0.5),
        ("", None),
        ("soon", None),
        ("5x", None),
        ("-1", None),
        ("nan", None),
        ("1700000000", None),  # a point in time, not a duration
    ],
)
def test_durations(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == (pytest.approx(seconds) if seconds is not None else None)


def test_openai_headers() -> None:
    headers = {
        "x-ratelimit-limit-requests": "60",
        "x-ratelimit-limit-tokens": "150000",
        "x-ratelimit-remaining-requests": "59",
        "x-ratelimit-remaining-tokens": "149984",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-reset-tokens": "6m0s",
    }
    assert read_rate_limits(headers, retry_after_s=2.0) == RateLimits(
        requests=Budget(59, 1.0, 60), tokens=Budget(149984, 360.0, 150000), retry_after_s=2.0
    )


def test_azure_sends_what_remains_only() -> None:
    limits = read_rate_limits({"x-ratelimit-remaining-tokens": "4000"})
    assert limits == RateLimits(tokens=Budget(4000))
    assert not limits.empty


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-ratelimit-remaining-requests": "many"},
        {"x-ratelimit-remaining-tokens": "-5"},
        {"x-ratelimit-reset-tokens": "1s"},  # a reset without what remains says nothing
    ],
)
def test_missing_or_garbled_headers_say_nothing(headers: dict[str, str]) -> None:
    assert read_rate_limits(headers).empty


def test_a_limit_below_what_remains_is_ignored_and_a_bad_reset_is_unknown() -> None:
    headers = {
        "x-ratelimit-remaining-requests": "80",
        "x-ratelimit-limit-requests": "60",
        "x-ratelimit-reset-requests": "later",
    }
    assert read_rate_limits(headers).requests == Budget(80, None, None)
