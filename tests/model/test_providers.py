"""OpenAI-compatible providers as they really answer: format rejections in their own words,
Azure OpenAI's paths and headers, `model-options` and their rejection, and prices."""

from typing import Any

import pytest
from fakes.openai_server import (
    FakeModelServer,
    ReadingModel,
    Responder,
    Trigger,
    failing,
    raw_error,
)

from reviewer.core.pricing import PRICES, Pricing, price_for
from reviewer.core.report import Usage
from reviewer.errors import ConfigError, ModelConfigError, ModelError
from reviewer.model.chunk_reviewer import ChunkReviewer, make_client

CHUNK = "File: app.py (modified)\n@@ -1,1 +1,2 @@\n1  import os\n2 +x = eval(input())\n"
EVAL = Trigger("eval(", severity="critical", category="security", title="eval of input")


def reviewer(fake: FakeModelServer, **options: Any) -> ChunkReviewer:
    client = make_client(api_key="sk-test", base_url=fake.base_url, timeout_s=10.0)
    return ChunkReviewer(
        client,
        model="some-model",
        rules="",
        model_options=options,
        attempts=2,
        backoff_initial_s=0.01,
        backoff_max_s=0.02,
    )


# --- how servers refuse an answer format ----------------------------------------------------

JSON_SCHEMA_REFUSALS: dict[str, Responder] = {
    "openai": failing(
        400,
        "Invalid parameter: 'response_format' of type 'json_schema' is not supported with "
        "this model.",
        param="response_format",
    ),
    "openai-schema": failing(
        400,
        "Invalid schema for response_format 'review_findings': In context=('properties', "
        "'line'), 'minimum' is not permitted.",
        param="response_format",
    ),
    "azure-old-api-version": raw_error(
        400,
        {
            "error": {
                "message": "response_format value as json_schema is enabled only for api "
                "versions 2024-08-01-preview and later",
                "type": "",
                "param": "",
                "code": "BadRequest",
            }
        },
    ),
    "deepseek": failing(400, "This response_format type is unavailable now"),
    "deepseek-422-text": raw_error(
        422,
        "Failed to deserialize the JSON body into the target type: response_format: "
        "response_format.type `json_schema` is unavailable now at line 1 column 12440",
    ),
    "fastapi-422": raw_error(
        422,
        {
            "detail": [
                {
                    "type": "literal_error",
                    "loc": ["body", "response_format", "type"],
                    "msg": "Input should be 'text' or 'json_object'",
                    "input": "json_schema",
                }
            ]
        },
    ),
    "lm-studio-bare-string": raw_error(
        400, {"error": "'response_format.json_schema.schema' must be an object"}
    ),
    "grammar-limit": failing(400, "The compiled grammar is too large for this model."),
    "json-unsupported": failing(400, "JSON output is not supported by this model."),
}


@pytest.mark.parametrize("refusal", JSON_SCHEMA_REFUSALS.values(), ids=JSON_SCHEMA_REFUSALS)
def test_json_schema_refusals_fall_back_to_json_mode(
    fake_model: FakeModelServer, refusal: Responder
) -> None:
    fake_model.model = ReadingModel([EVAL])
    fake_model.rejected_formats = {"json_schema": refusal}
    answer = reviewer(fake_model).review(CHUNK)
    assert [(f.path, f.line) for f in answer.findings] == [("app.py", 2)]
    assert fake_model.formats() == ["json_schema", "json_object"]


JSON_OBJECT_REFUSALS: dict[str, Responder] = {
    "lm-studio": raw_error(400, {"error": "'response_format.type' must be 'json_schema'"}),
    "gemini": failing(400, "Json mode is not enabled for models/gemini-pro"),
}


@pytest.mark.parametrize("refusal", JSON_OBJECT_REFUSALS.values(), ids=JSON_OBJECT_REFUSALS)
def test_json_mode_refusals_fall_back_to_plain_text(
    fake_model: FakeModelServer, refusal: Responder
) -> None:
    fake_model.model = ReadingModel([EVAL])
    fake_model.rejected_formats = {
        "json_schema": JSON_SCHEMA_REFUSALS["deepseek"],
        "json_object": refusal,
    }
    fake_model.chatty_text = True
    answer = reviewer(fake_model).review(CHUNK)
    assert [(f.path, f.line) for f in answer.findings] == [("app.py", 2)]
    assert fake_model.formats() == ["json_schema", "json_object", "text"]


OTHER_400S: dict[str, Responder] = {
    "openai-context": failing(
        400,
        "This model's maximum context length is 128000 tokens. However, your messages "
        "resulted in 130512 tokens. Please reduce the length of the messages.",
        param="messages",
        code="context_length_exceeded",
    ),
    "vllm-context": failing(
        400,
        "This model's maximum context length is 8192 tokens. However, you requested 9000 "
        "tokens (8000 in the messages, 1000 in the completion). Please reduce the length of "
        "the messages or completion.",
    ),
    "llama-cpp-context": failing(
        400,
        "the request exceeds the available context size, try increasing it",
        code="exceed_context_size_error",
    ),
    # Prompts may quote `response_format` (a diff of this very code): overflow still wins.
    "context-quoting-format": failing(
        400, "prompt is too long: 210000 tokens > 200000 maximum (response_format ignored)"
    ),
    "openai-system-role": failing(
        400,
        "Unsupported value: 'messages[0].role' does not support 'system' with this model.",
        param="messages[0].role",
    ),
    "fastapi-422-messages": raw_error(
        422,
        {
            "detail": [
                {
                    "type": "missing",
                    "loc": ["body", "messages", 0, "content"],
                    "msg": "Field required",
                    # pydantic echoes the input: it must not count as naming the format
                    "input": {"response_format": {"type": "json_schema"}},
                }
            ]
        },
    ),
}


@pytest.mark.parametrize("error", OTHER_400S.values(), ids=OTHER_400S)
def test_other_400s_are_errors_of_the_chunk_not_format_refusals(
    fake_model: FakeModelServer, error: Responder
) -> None:
    fake_model.queue(error)
    chunk_reviewer = reviewer(fake_model)
    with pytest.raises(ModelError, match=r"answered 4\d\d") as raised:
        chunk_reviewer.review(CHUNK)
    assert type(raised.value) is ModelError
    assert fake_model.formats() == ["json_schema"]
    assert chunk_reviewer.answer_mode.name == "json_schema"


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (raw_error(400, {"error": "Model is not loaded"}), "answered 400: Model is not loaded"),
        (raw_error(400, "upstream said no"), "answered 400: upstream said no"),
        (OTHER_400S["fastapi-422-messages"], "answered 422: body messages 0 content; Field"),
        (OTHER_400S["vllm-context"], "answered 400: This model's maximum context length"),
    ],
)
def test_errors_quote_the_servers_own_words(
    fake_model: FakeModelServer, error: Responder, words: str
) -> None:
    fake_model.queue(error)
    with pytest.raises(ModelError) as raised:
        reviewer(fake_model).review(CHUNK)
    assert raised.value.message.startswith(f"The model endpoint {words}")


# --- Azure OpenAI ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/", "/openai", "/openai/"])
def test_azure_path_query_and_api_key_header(fake_model: FakeModelServer, suffix: str) -> None:
    fake_model.model = ReadingModel([EVAL])
    client = make_client(
        api_key="azure-key",
        base_url=fake_model.root_url + suffix,
        timeout_s=10.0,
        api_version="2024-10-21",
    )
    chunk_reviewer = ChunkReviewer(client, model="review-deployment", rules="")
    answer = chunk_reviewer.review(CHUNK)
    assert len(answer.findings) == 1
    call = fake_model.calls[0]
    assert call.path == "/openai/deployments/review-deployment/chat/completions"
    assert call.query == {"api-version": "2024-10-21"}
    assert call.headers["api-key"] == "azure-key"
    assert "authorization" not in call.headers
    assert fake_model.requests[0]["response_format"]["type"] == "json_schema"


def test_openai_client_uses_v1_and_a_bearer_token(fake_model: FakeModelServer) -> None:
    reviewer(fake_model).review(CHUNK)
    call = fake_model.calls[0]
    assert (call.path, call.query) == ("/v1/chat/completions", {})
    assert call.headers["authorization"] == "Bearer sk-test"
    assert "api-key" not in call.headers


@pytest.mark.parametrize(
    ("api_key", "base_url", "message"),
    [
        ("key", None, "`base-url` is not"),
        ("key", "", "`base-url` is not"),
        ("", "https://res.openai.azure.com", "needs an API key"),
        ("key", "https://res.openai.azure.com/openai/v1/", "v1 API"),
    ],
)
def test_azure_configuration_errors(api_key: str, base_url: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        make_client(api_key=api_key, base_url=base_url, api_version="2024-10-21")
    assert raised.value.hint  # says how to fix it


# --- model-options --------------------------------------------------------------------------


def test_model_options_are_sent_in_every_mode(fake_model: FakeModelServer) -> None:
    fake_model.rejected_formats = {"json_schema": JSON_SCHEMA_REFUSALS["openai"]}
    reviewer(fake_model, temperature=0.2, seed=7, reasoning_effort="low").review(CHUNK)
    assert fake_model.formats() == ["json_schema", "json_object"]
    for body in fake_model.requests:
        assert (body["temperature"], body["seed"], body["reasoning_effort"]) == (0.2, 7, "low")


REJECTED_OPTIONS: dict[str, tuple[Responder, str]] = {
    "openai-parameter": (
        failing(
            400,
            "Unsupported parameter: 'temperature' is not supported with this model.",
            param="temperature",
        ),
        "temperature",
    ),
    "openai-value": (
        failing(
            400,
            "Unsupported value: 'temperature' does not support 0.2 with this model. Only the "
            "default (1) value is supported.",
        ),
        "temperature",
    ),
    "openai-max-tokens": (
        failing(
            400,
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
            "'max_completion_tokens' instead.",
            param="max_tokens",
        ),
        "max_tokens",
    ),
    "fastapi-extra": (
        raw_error(
            422,
            {
                "detail": [
                    {
                        "type": "extra_forbidden",
                        "loc": ["body", "reasoning_effort"],
                        "msg": "Extra inputs are not permitted",
                        "input": "low",
                    }
                ]
            },
        ),
        "reasoning_effort",
    ),
}


@pytest.mark.parametrize(("error", "option"), REJECTED_OPTIONS.values(), ids=list(REJECTED_OPTIONS))
def test_a_rejected_option_is_a_config_error_naming_it(
    fake_model: FakeModelServer, error: Responder, option: str
) -> None:
    fake_model.queue(error)
    chunk_reviewer = reviewer(fake_model, temperature=0.2, max_tokens=4000, reasoning_effort="low")
    with pytest.raises(ModelConfigError) as raised:
        chunk_reviewer.review(CHUNK)
    assert isinstance(raised.value, ConfigError)
    assert f"option `{option}` from `model-options`" in raised.value.message
    assert f"Remove `{option}` from the `model-options` input" in raised.value.hint
    assert len(fake_model.requests) == 1  # neither retried nor taken for a format refusal


def test_an_option_we_did_not_send_is_not_blamed(fake_model: FakeModelServer) -> None:
    fake_model.queue(REJECTED_OPTIONS["openai-parameter"][0])
    with pytest.raises(ModelError, match="answered 400"):
        reviewer(fake_model, seed=7).review(CHUNK)


def test_context_overflow_naming_max_tokens_is_not_an_option_error(
    fake_model: FakeModelServer,
) -> None:
    fake_model.queue(
        failing(
            400,
            "'max_tokens' or 'max_completion_tokens' is too large: 4000. This model's maximum "
            "context length is 8192 tokens and your request has 6000 input tokens",
        )
    )
    with pytest.raises(ModelError, match="too large") as raised:
        reviewer(fake_model, max_tokens=4000).review(CHUNK)
    assert type(raised.value) is ModelError


def test_options_the_adapter_sets_itself_are_refused(fake_model: FakeModelServer) -> None:
    with pytest.raises(ValueError, match="response_format"):
        reviewer(fake_model, response_format={"type": "text"})


# --- prices ---------------------------------------------------------------------------------


def test_cost_prices_cached_prompt_tokens_apart() -> None:
    pricing = Pricing(input=2.0, output=8.0, cached_input=0.5)
    usage = Usage(requests=3, prompt_tokens=1_000_000, completion_tokens=500_000)
    assert pricing.cost(usage) == pytest.approx(2.0 + 4.0)
    cached = Usage(3, prompt_tokens=1_000_000, completion_tokens=500_000, cached_tokens=400_000)
    assert pricing.cost(cached) == pytest.approx(0.6 * 2.0 + 0.4 * 0.5 + 4.0)
    assert pricing.cost(Usage()) == 0.0


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4.1-mini", "gpt-4.1-mini"),
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),  # the longest prefix, not gpt-4.1
        ("gpt-4.1-2025-04-14", "gpt-4.1"),
        ("openai/gpt-4o-mini", "gpt-4o-mini"),  # OpenRouter's vendor/ prefix
        ("GPT-5-Nano", "gpt-5-nano"),
        ("o4-mini-high", "o4-mini"),
        ("llama3.1:8b", None),
        ("my-azure-deployment", None),
    ],
)
def test_price_for_matches_the_longest_prefix(model: str, expected: str | None) -> None:
    assert price_for(model) == (PRICES[expected] if expected else None)


def test_price_override_wins() -> None:
    override = Pricing(input=0.01, output=0.02, cached_input=0.005)
    assert price_for("gpt-4.1", override) is override
    assert price_for("llama3.1:8b", override) is override
