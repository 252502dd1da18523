import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from fakes.openai_server import (
    FakeModelServer,
    ReadingModel,
    Trigger,
    failing,
    finding,
    json_response,
    scripted,
)

from reviewer.core.findings import AnswerInvalid, answer_json_schema, parse_answer
from reviewer.errors import ModelAuthError, ModelError
from reviewer.model.answer_modes import extract_json_object
from reviewer.model.chunk_reviewer import (
    ChunkReviewer,
    TruncatedAnswer,
    TruncatedWithUsage,
    make_client,
    retry_after_seconds,
)

CHUNK = "File: app.py (modified)\n@@ -1,1 +1,2 @@\n1  import os\n2 +x = eval(input())\n"
EVAL = Trigger("eval(", severity="critical", category="security", title="eval of input")
# What OpenAI answers when a model has no structured outputs.
NO_JSON_SCHEMA = failing(
    400,
    "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this "
    "model. Learn more about supported models at the Structured Outputs guide.",
    param="response_format",
)
# What LM Studio answers to JSON mode (its error is a bare string).
NO_JSON_OBJECT = failing(400, "'response_format.type' must be 'json_schema' or 'text'")
SCHEMA_TEXT = json.dumps(answer_json_schema(), separators=(",", ":"))


def reviewer(fake: FakeModelServer, *, timeout_s: float = 10.0) -> ChunkReviewer:
    client = make_client(api_key="sk-test", base_url=fake.base_url, timeout_s=timeout_s)
    return ChunkReviewer(
        client,
        model="gpt-4.1-mini",
        rules="",
        attempts=3,
        backoff_initial_s=0.01,
        backoff_max_s=0.05,
    )


def valid() -> str:
    return json.dumps({"findings": [finding("app.py", 2, "x = eval(input())", EVAL)]})


def cited(answer: object) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.severity.value) for f in answer.findings]  # type: ignore[attr-defined]


def test_strict_schema_request_and_findings(fake_model: FakeModelServer) -> None:
    fake_model.model = ReadingModel([EVAL])
    answer = reviewer(fake_model).review(CHUNK)
    assert cited(answer) == [("app.py", 2, "critical")]
    assert answer.usage.requests == 1 and answer.usage.prompt_tokens == 100
    assert fake_model.shape_errors == []
    request = fake_model.requests[0]
    assert request["model"] == "gpt-4.1-mini"
    assert request["response_format"]["json_schema"]["strict"] is True
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    # Strict mode carries the schema in the request, not in the prompt.
    assert SCHEMA_TEXT not in request["messages"][0]["content"]
    assert "temperature" not in request  # no model-options: nothing extra is sent


# --- answer modes ---------------------------------------------------------------------------


def test_rejected_json_schema_falls_back_to_json_mode_with_the_schema_in_the_prompt(
    fake_model: FakeModelServer,
) -> None:
    fake_model.model = ReadingModel([EVAL])
    fake_model.rejected_formats = {"json_schema": NO_JSON_SCHEMA}
    answer = reviewer(fake_model).review(CHUNK)
    assert cited(answer) == [("app.py", 2, "critical")]
    assert fake_model.formats() == ["json_schema", "json_object"]
    retry = fake_model.requests[1]
    assert retry["response_format"] == {"type": "json_object"}
    assert SCHEMA_TEXT in retry["messages"][0]["content"]
    assert fake_model.shape_errors == []
    # The rejected attempt is a request that spent no tokens.
    assert (answer.usage.requests, answer.usage.prompt_tokens) == (2, 100)
    assert answer.usage.completion_tokens == 20


def test_server_rejecting_both_json_modes_gets_plain_text_and_the_json_is_extracted(
    fake_model: FakeModelServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake_model.model = ReadingModel([EVAL])
    fake_model.rejected_formats = {"json_schema": NO_JSON_SCHEMA, "json_object": NO_JSON_OBJECT}
    fake_model.chatty_text = True  # answers in prose around a ```json fence
    with caplog.at_level(logging.WARNING, logger="reviewer"):
        answer = reviewer(fake_model).review(CHUNK)
    assert [r.getMessage() for r in caplog.records if "rest of the run" in r.message] == [
        "The model endpoint rejected structured outputs (json_schema) and JSON mode "
        "(json_object) ('response_format.type' must be 'json_schema' or 'text'); using plain "
        "text with the schema in the prompt for the rest of the run."
    ]
    assert cited(answer) == [("app.py", 2, "critical")]
    assert fake_model.formats() == ["json_schema", "json_object", "text"]
    text_request = fake_model.requests[2]
    assert "response_format" not in text_request
    assert SCHEMA_TEXT in text_request["messages"][0]["content"]
    assert fake_model.shape_errors == []
    assert (answer.usage.requests, answer.usage.prompt_tokens) == (3, 100)


def test_the_mode_that_worked_is_remembered_and_logged_once(
    fake_model: FakeModelServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake_model.rejected_formats = {"json_schema": NO_JSON_SCHEMA}
    chunk_reviewer = reviewer(fake_model)
    with caplog.at_level(logging.WARNING, logger="reviewer"):
        first = chunk_reviewer.review(CHUNK)
        second = chunk_reviewer.review(CHUNK)
    assert fake_model.formats() == ["json_schema", "json_object", "json_object"]
    assert (first.usage.requests, second.usage.requests) == (2, 1)
    assert chunk_reviewer.answer_mode.name == "json_object"
    fallbacks = [r.getMessage() for r in caplog.records if "for the rest of the run" in r.message]
    assert len(fallbacks) == 1
    assert "json_schema" in fallbacks[0] and "JSON mode (json_object)" in fallbacks[0]


def test_threads_share_the_remembered_mode(fake_model: FakeModelServer) -> None:
    fake_model.model = ReadingModel([EVAL])
    fake_model.rejected_formats = {"json_schema": NO_JSON_SCHEMA, "json_object": NO_JSON_OBJECT}
    fake_model.latency_s = 0.02
    chunk_reviewer = reviewer(fake_model)
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(chunk_reviewer.review, [CHUNK] * 12))
    assert [len(a.findings) for a in answers] == [1] * 12
    assert sum(a.usage.requests for a in answers) == len(fake_model.requests)
    assert chunk_reviewer.answer_mode.name == "text"
    before = len(fake_model.requests)
    chunk_reviewer.review(CHUNK)
    assert fake_model.formats()[before:] == ["text"]


def test_a_truncated_answer_after_a_fallback_still_remembers_the_mode(
    fake_model: FakeModelServer,
) -> None:
    fake_model.rejected_formats = {"json_schema": NO_JSON_SCHEMA}
    fake_model.queue(scripted('{"findings": [', finish_reason="length", completion_tokens=500))
    chunk_reviewer = reviewer(fake_model)
    with pytest.raises(TruncatedWithUsage) as raised:
        chunk_reviewer.review(CHUNK)
    assert (raised.value.usage.requests, raised.value.usage.completion_tokens) == (2, 500)
    assert chunk_reviewer.answer_mode.name == "json_object"


def test_a_400_that_is_not_about_the_format_does_not_fall_back(
    fake_model: FakeModelServer,
) -> None:
    fake_model.queue(
        failing(
            400,
            "This model's maximum context length is 128000 tokens. However, your messages "
            "resulted in 130512 tokens. Please reduce the length of the messages.",
            param="messages",
            code="context_length_exceeded",
        )
    )
    chunk_reviewer = reviewer(fake_model)
    with pytest.raises(ModelError, match="maximum context length") as raised:
        chunk_reviewer.review(CHUNK)
    assert type(raised.value) is ModelError  # not a config error: only this chunk failed
    assert fake_model.formats() == ["json_schema"]
    chunk_reviewer.review(CHUNK)
    assert fake_model.formats() == ["json_schema", "json_schema"]


def test_a_format_rejection_in_plain_text_mode_is_an_ordinary_error(
    fake_model: FakeModelServer,
) -> None:
    refusal = failing(400, "response_format is not supported")
    fake_model.rejected_formats = {"json_schema": refusal, "json_object": refusal, "text": refusal}
    chunk_reviewer = reviewer(fake_model)
    with pytest.raises(ModelError, match=r"answered 400: .*response_format is not supported"):
        chunk_reviewer.review(CHUNK)
    assert fake_model.formats() == ["json_schema", "json_object", "text"]
    # Nothing worked, so nothing is remembered: the next chunk starts from the best mode.
    assert chunk_reviewer.answer_mode.name == "json_schema"


def test_broken_json_in_text_mode_is_invalid_and_gets_the_reask(
    fake_model: FakeModelServer,
) -> None:
    fake_model.rejected_formats = {"json_schema": NO_JSON_SCHEMA, "json_object": NO_JSON_OBJECT}
    fake_model.queue(
        scripted('Here:\n```json\n{"findings": [{"path": "app.py",}]}\n```'),
        scripted(f"Sorry! Fixed:\n```json\n{valid()}\n```"),
    )
    answer = reviewer(fake_model).review(CHUNK)
    assert len(answer.findings) == 1
    assert fake_model.formats() == ["json_schema", "json_object", "text", "text"]
    reask = fake_model.requests[3]["messages"][-1]["content"]
    assert "not valid JSON" in reask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"findings": []}', '{"findings": []}'),
        ('```json\n{"findings": []}\n```', '{"findings": []}'),
        ('Sure, see `{x}`:\n{"findings": []}\nThanks {:', '{"findings": []}'),
        ('{"a": {"b": 1}} then {"findings": [{"c": {}}]}', '{"findings": [{"c": {}}]}'),
        ('{"findings": [{"path": "a.py",}]}', '{"findings": [{"path": "a.py",}]}'),  # unrepaired
        ("no JSON at all", "no JSON at all"),
    ],
)
def test_extract_json_object(text: str, expected: str) -> None:
    assert extract_json_object(text) == expected


def test_extracted_broken_json_stays_invalid() -> None:
    with pytest.raises(AnswerInvalid, match="not valid JSON"):
        parse_answer(extract_json_object('```json\n{"findings": [,]}\n```'))


# --- retries --------------------------------------------------------------------------------


def test_429_with_retry_after_is_honoured(fake_model: FakeModelServer) -> None:
    fake_model.queue(failing(429, "slow down", {"Retry-After": "0.3"}))
    started = time.monotonic()
    answer = reviewer(fake_model).review(CHUNK)
    assert time.monotonic() - started >= 0.28  # waited what the server asked
    assert len(fake_model.requests) == 2 and answer.findings == []
    assert answer.usage.requests == 1  # retries of a failed request are not answers


def test_retry_after_ms_wins_over_retry_after(fake_model: FakeModelServer) -> None:
    fake_model.queue(failing(429, "slow down", {"retry-after-ms": "200", "Retry-After": "5"}))
    started = time.monotonic()
    reviewer(fake_model).review(CHUNK)
    waited = time.monotonic() - started
    assert 0.19 <= waited < 2.0  # the 200 ms, neither the 5 s nor the 10 ms backoff
    assert len(fake_model.requests) == 2


NOW = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:03 GMT"}, 3.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:27:00 GMT"}, 0.0),  # in the past: don't wait
        ({"retry-after": "Thu, 22 Oct 2015 07:28:00 GMT"}, 60.0),  # capped
        ({"retry-after": "3600"}, 60.0),
        ({"retry-after-ms": "nan", "retry-after": "1"}, 1.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_seconds(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(headers, now=NOW) == expected


def test_5xx_is_retried_then_gives_up_with_a_clear_error(fake_model: FakeModelServer) -> None:
    fake_model.queue(failing(500), failing(502), failing(503))
    with pytest.raises(ModelError, match=r"kept failing \(503\) after 3 requests"):
        reviewer(fake_model).review(CHUNK)
    assert len(fake_model.requests) == 3


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (401, ModelAuthError, "rejected the API key"),
        (404, ModelAuthError, "does not know the model"),
    ],
)
def test_client_errors_are_not_retried(
    fake_model: FakeModelServer, status: int, error: type[Exception], message: str
) -> None:
    fake_model.queue(failing(status))
    with pytest.raises(error, match=message):
        reviewer(fake_model).review(CHUNK)
    assert len(fake_model.requests) == 1


def test_timeout_is_retried(fake_model: FakeModelServer) -> None:
    def slow(_body: dict) -> object:  # type: ignore[type-arg]
        time.sleep(1.0)
        return json_response({})

    fake_model.queue(slow)  # type: ignore[arg-type]
    answer = reviewer(fake_model, timeout_s=0.3).review(CHUNK)
    assert answer.findings == [] and len(fake_model.requests) == 2


# --- invalid, empty, truncated and refused answers ------------------------------------------


def test_invalid_answer_gets_one_reask_with_the_error(fake_model: FakeModelServer) -> None:
    fake_model.queue(scripted('{"findings": [{"path": "app.py"}]}'), scripted(valid()))
    answer = reviewer(fake_model).review(CHUNK)
    assert len(answer.findings) == 1 and answer.usage.requests == 2
    assert answer.usage.prompt_tokens == 200  # both attempts count
    reask = fake_model.requests[1]["messages"]
    assert reask[-2]["role"] == "assistant"
    assert "is a required property" in reask[-1]["content"]
    assert fake_model.formats() == ["json_schema", "json_schema"]


def test_invalid_twice_is_a_model_error(fake_model: FakeModelServer) -> None:
    fake_model.queue(scripted("nope"), scripted("still nope"))
    with pytest.raises(ModelError, match="invalid findings"):
        reviewer(fake_model).review(CHUNK)


@pytest.mark.parametrize("content", ["", None, "  \n"])
def test_empty_answer_gets_the_reask(fake_model: FakeModelServer, content: str | None) -> None:
    fake_model.queue(scripted(content), scripted(valid()))
    answer = reviewer(fake_model).review(CHUNK)
    assert len(answer.findings) == 1 and answer.usage.requests == 2
    reask = fake_model.requests[1]["messages"]
    # No empty assistant turn (some servers refuse one); the re-ask says what was wrong.
    assert [m["role"] for m in reask] == ["system", "user", "user"]
    assert "The answer was empty." in reask[-1]["content"]


def test_truncated_and_refused_answers(fake_model: FakeModelServer) -> None:
    fake_model.queue(scripted('{"findings": [', finish_reason="length"))
    with pytest.raises(TruncatedAnswer):
        reviewer(fake_model).review(CHUNK)
    fake_model.queue(scripted(None, refusal="I can't help with that."))
    with pytest.raises(ModelError, match="refused"):
        reviewer(fake_model).review(CHUNK)
    # A filtered answer may be cut anywhere, even where it still parses: not a review.
    fake_model.queue(scripted('{"findings": []}', finish_reason="content_filter"))
    with pytest.raises(ModelError, match="content filter") as filtered:
        reviewer(fake_model).review(CHUNK)
    assert filtered.value.hint and "filter" in filtered.value.hint
    fake_model.queue(scripted(None, finish_reason="tool_calls"))
    with pytest.raises(ModelError, match="tool call"):
        reviewer(fake_model).review(CHUNK)
    assert len(fake_model.requests) == 4  # neither is re-asked: asking again would not help


def test_a_huge_invalid_value_is_quoted_back_bounded(fake_model: FakeModelServer) -> None:
    """jsonschema's message quotes the value whole: a 2 MB severity once made a 4 MB re-ask."""
    wrong = {
        "path": "a.py", "line": 1, "start_line": None, "side": "RIGHT", "severity": "A" * 2_000_000,
        "category": "bug", "title": "t", "body": "b", "quote": "q", "suggestion": None,
    }  # fmt: skip
    huge = json.dumps({"findings": [wrong]})
    fake_model.queue(scripted(huge), scripted('{"findings": []}'))
    reviewer(fake_model).review(CHUNK)
    reask = fake_model.requests[1]["messages"][-1]["content"]
    assert "does not match the schema" in reask and len(reask) < 4_000


def test_truncated_reask_is_a_truncated_answer_with_the_usage(
    fake_model: FakeModelServer,
) -> None:
    fake_model.queue(
        scripted("nope"), scripted('{"findings": [', finish_reason="length", completion_tokens=900)
    )
    with pytest.raises(TruncatedAnswer) as raised:
        reviewer(fake_model).review(CHUNK)
    assert len(fake_model.requests) == 2
    assert isinstance(raised.value, TruncatedWithUsage)
    assert (raised.value.usage.requests, raised.value.usage.completion_tokens) == (2, 920)
