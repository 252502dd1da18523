"""The output cap sent with every request (model/output_cap.py): which parameter, how many
tokens, `model-options` overriding it, and servers that refuse it in their own words."""

from __future__ import annotations

from typing import Any

import pytest
from fakes.openai_server import FakeModelServer, failing

from reviewer.errors import ModelConfigError
from reviewer.model.chunk_reviewer import ChunkReviewer, make_client
from reviewer.model.output_cap import (
    DEFAULT_OUTPUT_TOKENS,
    REASONING_OUTPUT_TOKENS,
    default_cap,
    is_reasoning_model,
)

CHUNK = "File: app.py (modified)\n@@ -1,1 +1,2 @@\n1  import os\n2 +x = eval(input())\n"
# What OpenAI answers a reasoning model sent `max_tokens`.
USE_MAX_COMPLETION_TOKENS = failing(
    400,
    "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
    "'max_completion_tokens' instead.",
    param="max_tokens",
    code="unsupported_parameter",
)
# What an older server answers a parameter it does not know.
NO_MAX_COMPLETION_TOKENS = failing(
    400, "Unrecognized request argument supplied: max_completion_tokens"
)


def reviewer(fake: FakeModelServer, model: str = "gpt-4.1-mini", **options: Any) -> ChunkReviewer:
    client = make_client(api_key="sk-test", base_url=fake.base_url, timeout_s=10.0)
    return ChunkReviewer(
        client, model=model, rules="", model_options=options, attempts=2, backoff_initial_s=0.01
    )


def caps(fake: FakeModelServer) -> list[dict[str, int]]:
    names = ("max_tokens", "max_completion_tokens")
    return [{k: v for k, v in body.items() if k in names} for body in fake.requests]


def test_a_self_hosted_server_gets_max_tokens(fake_model: FakeModelServer) -> None:
    reviewer(fake_model).review(CHUNK)
    assert caps(fake_model) == [{"max_tokens": DEFAULT_OUTPUT_TOKENS}]


def test_a_reasoning_model_gets_max_completion_tokens_with_room_to_reason(
    fake_model: FakeModelServer,
) -> None:
    reviewer(fake_model, model="o4-mini").review(CHUNK)
    assert caps(fake_model) == [{"max_completion_tokens": REASONING_OUTPUT_TOKENS}]


@pytest.mark.parametrize(
    ("options", "sent"),
    [
        ({"max_tokens": 500}, {"max_tokens": 500}),
        ({"max_completion_tokens": 900}, {"max_completion_tokens": 900}),
    ],
)
def test_model_options_replace_the_default(
    fake_model: FakeModelServer, options: dict[str, int], sent: dict[str, int]
) -> None:
    reviewer(fake_model, **options).review(CHUNK)
    assert caps(fake_model) == [sent]


def test_a_server_asking_for_the_other_parameter_gets_it_from_then_on(
    fake_model: FakeModelServer,
) -> None:
    fake_model.queue(USE_MAX_COMPLETION_TOKENS)
    chunk_reviewer = reviewer(fake_model, model="my-deployment")
    chunk_reviewer.review(CHUNK)
    chunk_reviewer.review(CHUNK)
    assert caps(fake_model) == [
        {"max_tokens": DEFAULT_OUTPUT_TOKENS},
        {"max_completion_tokens": DEFAULT_OUTPUT_TOKENS},
        {"max_completion_tokens": DEFAULT_OUTPUT_TOKENS},
    ]


def test_a_server_refusing_both_gets_no_cap(fake_model: FakeModelServer) -> None:
    fake_model.queue(USE_MAX_COMPLETION_TOKENS, NO_MAX_COMPLETION_TOKENS)
    reviewer(fake_model).review(CHUNK)
    assert caps(fake_model) == [
        {"max_tokens": DEFAULT_OUTPUT_TOKENS},
        {"max_completion_tokens": DEFAULT_OUTPUT_TOKENS},
        {},
    ]


def test_a_refused_cap_the_user_chose_is_a_config_error(fake_model: FakeModelServer) -> None:
    fake_model.queue(USE_MAX_COMPLETION_TOKENS)
    with pytest.raises(ModelConfigError, match="`max_tokens`") as raised:
        reviewer(fake_model, max_tokens=500).review(CHUNK)
    assert "model-options" in raised.value.hint
    assert len(fake_model.requests) == 1


@pytest.mark.parametrize(
    ("model", "reasoning"),
    [
        ("o1", True),
        ("o3-mini", True),
        ("o4-mini-2025-04-16", True),
        ("gpt-5", True),
        ("gpt-5-mini", True),
        ("openai/o4-mini", True),  # behind a router
        ("gpt-4.1-mini", False),
        ("gpt-4o", False),
        ("omni-model", False),
        ("llama-3.1-8b", False),
        ("SmolLM2-135M-Instruct", False),
    ],
)
def test_reasoning_models_by_name(model: str, reasoning: bool) -> None:
    assert is_reasoning_model(model) is reasoning


@pytest.mark.parametrize(
    ("model", "base_url", "expected"),
    [
        ("gpt-4.1-mini", None, ("max_completion_tokens", DEFAULT_OUTPUT_TOKENS)),
        ("gpt-4.1-mini", "https://api.openai.com/v1", ("max_completion_tokens", 2048)),
        ("gpt-4.1-mini", "http://127.0.0.1:8080/v1", ("max_tokens", DEFAULT_OUTPUT_TOKENS)),
        ("o3", "https://res.openai.azure.com", ("max_completion_tokens", 25_000)),
    ],
)
def test_the_default_by_model_and_provider(
    model: str, base_url: str | None, expected: tuple[str, int]
) -> None:
    assert default_cap(model, base_url) == expected
