import json
import time

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

from reviewer.errors import ModelAuthError, ModelError
from reviewer.openai_adapter import ChunkReviewer, TruncatedAnswer, make_client

CHUNK = "File: app.py (modified)\n@@ -1,1 +1,2 @@\n1  import os\n2 +x = eval(input())\n"
EVAL = Trigger("eval(", severity="critical", category="security", title="eval of input")


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


def test_strict_schema_request_and_findings(fake_model: FakeModelServer) -> None:
    fake_model.model = ReadingModel([EVAL])
    answer = reviewer(fake_model).review(CHUNK)
    assert [(f.path, f.line, f.severity.value) for f in answer.findings] == [
        ("app.py", 2, "critical")
    ]
    assert answer.usage.requests == 1 and answer.usage.prompt_tokens == 100
    assert fake_model.shape_errors == []
    request = fake_model.requests[0]
    assert request["model"] == "gpt-4.1-mini"
    assert request["response_format"]["json_schema"]["strict"] is True
    assert [m["role"] for m in request["messages"]] == ["system", "user"]


def test_429_with_retry_after_is_honoured(fake_model: FakeModelServer) -> None:
    fake_model.queue(failing(429, "slow down", {"Retry-After": "1"}))
    started = time.monotonic()
    answer = reviewer(fake_model).review(CHUNK)
    assert time.monotonic() - started >= 0.9  # waited what the server asked
    assert len(fake_model.requests) == 2 and answer.findings == []


def test_5xx_is_retried_then_gives_up_with_a_clear_error(fake_model: FakeModelServer) -> None:
    fake_model.queue(failing(500), failing(502), failing(503))
    with pytest.raises(ModelError, match="could not be reached after retries"):
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


def test_invalid_answer_gets_one_reask_with_the_error(fake_model: FakeModelServer) -> None:
    fake_model.queue(scripted('{"findings": [{"path": "app.py"}]}'), scripted(valid()))
    answer = reviewer(fake_model).review(CHUNK)
    assert len(answer.findings) == 1 and answer.usage.requests == 2
    reask = fake_model.requests[1]["messages"]
    assert reask[-2]["role"] == "assistant"
    assert "is a required property" in reask[-1]["content"]


def test_invalid_twice_is_a_model_error(fake_model: FakeModelServer) -> None:
    fake_model.queue(scripted("nope"), scripted("still nope"))
    with pytest.raises(ModelError, match="invalid findings"):
        reviewer(fake_model).review(CHUNK)


def test_truncated_and_refused_answers(fake_model: FakeModelServer) -> None:
    fake_model.queue(scripted('{"findings": [', finish_reason="length"))
    with pytest.raises(TruncatedAnswer):
        reviewer(fake_model).review(CHUNK)
    fake_model.queue(scripted(None, refusal="I can't help with that."))
    with pytest.raises(ModelError, match="refused"):
        reviewer(fake_model).review(CHUNK)


def test_timeout_is_retried(fake_model: FakeModelServer) -> None:
    def slow(_body: dict) -> object:  # type: ignore[type-arg]
        time.sleep(1.0)
        return json_response({})

    fake_model.queue(slow)  # type: ignore[arg-type]
    answer = reviewer(fake_model, timeout_s=0.3).review(CHUNK)
    assert answer.findings == [] and len(fake_model.requests) == 2
