"""A 2xx that is not a chat completion (a proxy's HTML page, an empty body, a JSON error
with status 200, JSON of another shape) is a server fault: retried, then a clear error;
never an AttributeError, TypeError or KeyError out of the adapter."""

from __future__ import annotations

import json

import pytest
from fakes.model_faults import ERROR_WITH_200, NGINX_BAD_GATEWAY, raw_200
from fakes.openai_server import FakeModelServer, completion

from reviewer.core.report import Usage
from reviewer.errors import ModelError
from reviewer.model.chunk_reviewer import ChunkReviewer, make_client
from reviewer.model.completion import NotACompletion, read_completion

CHUNK = "File: app.py (modified)\n@@ -1,1 +1,2 @@\n1  import os\n2 +x = eval(input())\n"
GOOD = completion('{"findings": []}', prompt_tokens=7, completion_tokens=3)


def reviewer(fake: FakeModelServer) -> ChunkReviewer:
    client = make_client(api_key="sk-test", base_url=fake.base_url, timeout_s=10.0)
    return ChunkReviewer(client, model="gpt-4.1-mini", rules="", attempts=2, backoff_initial_s=0.01)


def without(data: dict, key: str) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in data.items() if k != key}


def first_choice(**changes: object) -> dict:  # type: ignore[type-arg]
    return {**GOOD, "choices": [{**GOOD["choices"][0], **changes}]}


def as_json(data: object) -> tuple[str, str]:
    return json.dumps(data), "application/json"


# Each: what a server sent with status 200 (body, content type), and words the error says.
NOT_COMPLETIONS: dict[str, tuple[str, str, str]] = {
    "html-page": (
        NGINX_BAD_GATEWAY,
        "text/html",
        "an HTML page instead of JSON (a proxy's error page?): “502 Bad Gateway”",
    ),
    "html-labelled-json": (NGINX_BAD_GATEWAY, "application/json", "an HTML page"),
    "empty-body": ("", "application/json", "an empty body"),
    "blank-body": (" \r\n", "text/plain", "an empty body"),
    "plain-text": ("upstream connect error", "text/plain", "text that is not JSON (text/plain)"),
    "json-error-200": (*as_json(ERROR_WITH_200), "an error instead of a chat completion"),
    "no-choices": (*as_json(without(GOOD, "choices")), "`choices` is missing or null"),
    "choices-null": (*as_json({**GOOD, "choices": None}), "`choices` is missing or null"),
    "choices-empty": (*as_json({**GOOD, "choices": []}), "`choices` is empty"),
    "choices-not-a-list": (*as_json({**GOOD, "choices": "yes"}), "`choices` is not a list"),
    "choice-not-an-object": (*as_json({**GOOD, "choices": [3]}), "no `message` object"),
    "message-null": (*as_json(first_choice(message=None)), "no `message` object"),
    "content-a-number": (
        *as_json(first_choice(message={"role": "assistant", "content": 7})),
        "`content` is not text",
    ),
    "a-json-list": (*as_json([GOOD]), "not a JSON object"),
    "a-json-string": (*as_json("ok"), "not a JSON object"),
}


@pytest.mark.parametrize(
    ("body", "content_type", "says"), list(NOT_COMPLETIONS.values()), ids=list(NOT_COMPLETIONS)
)
def test_what_is_not_a_completion_says_what_came(body: str, content_type: str, says: str) -> None:
    with pytest.raises(NotACompletion) as raised:
        read_completion(body.encode(), content_type)
    assert says in raised.value.message
    assert "`base-url`" in raised.value.hint


@pytest.mark.parametrize(
    "name", ["html-page", "html-labelled-json", "empty-body", "json-error-200", "choices-null"]
)
def test_every_time_it_is_retried_then_a_clear_error(
    fake_model: FakeModelServer, name: str
) -> None:
    body, content_type, says = NOT_COMPLETIONS[name]
    fake_model.queue(raw_200(body, content_type), raw_200(body, content_type))
    with pytest.raises(ModelError) as raised:
        reviewer(fake_model).review(CHUNK)
    assert type(raised.value) is ModelError  # not the retried NotACompletion itself
    assert says in raised.value.message and "(2 requests sent)" in raised.value.message
    assert "`base-url`" in raised.value.hint
    assert len(fake_model.requests) == 2


@pytest.mark.parametrize("name", ["html-page", "json-error-200", "no-choices", "empty-body"])
def test_once_is_retried_and_the_review_completes(fake_model: FakeModelServer, name: str) -> None:
    body, content_type, _ = NOT_COMPLETIONS[name]
    fake_model.queue(raw_200(body, content_type))
    answer = reviewer(fake_model).review(CHUNK)
    assert answer.findings == [] and len(fake_model.requests) == 2
    assert answer.usage.requests == 1  # the fault was no answer: only the good one counts


def test_a_good_completion_labelled_text_plain_is_read(fake_model: FakeModelServer) -> None:
    fake_model.queue(raw_200(json.dumps(GOOD), "text/plain"))
    answer = reviewer(fake_model).review(CHUNK)
    assert answer.findings == [] and len(fake_model.requests) == 1
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (7, 3)


def test_a_byte_order_mark_is_no_reason_to_refuse_a_completion() -> None:
    body = "\ufeff".encode() + json.dumps(GOOD).encode()
    assert read_completion(body, "application/json").content == '{"findings": []}'


def test_content_in_text_parts_is_joined() -> None:
    parts = [{"type": "text", "text": '{"findings": '}, {"type": "text", "text": "[]}"}]
    body = json.dumps(first_choice(message={"role": "assistant", "content": parts}))
    assert read_completion(body.encode(), "application/json").content == '{"findings": []}'


def test_null_content_is_an_empty_answer_and_finish_reason_and_refusal_are_kept() -> None:
    refused = first_choice(
        message={"role": "assistant", "content": None, "refusal": "No."}, finish_reason="stop"
    )
    read = read_completion(json.dumps(refused).encode(), "application/json")
    assert (read.content, read.refusal, read.finish_reason) == ("", "No.", "stop")


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (None, Usage(1, 0, 0, 0)),
        ("lots", Usage(1, 0, 0, 0)),
        ({"prompt_tokens": "9", "completion_tokens": None}, Usage(1, 0, 0, 0)),
        ({"prompt_tokens": 9.0, "completion_tokens": -4, "prompt_tokens_details": []}, Usage(1, 9)),
        (
            {
                "prompt_tokens": 9,
                "completion_tokens": 2,
                "prompt_tokens_details": {"cached_tokens": 4},
            },
            Usage(1, 9, 2, 4),
        ),
    ],
)
def test_usage_a_server_garbles_counts_as_zero(usage: object, expected: Usage) -> None:
    body = json.dumps({**GOOD, "usage": usage}).encode()
    assert read_completion(body, "application/json").usage == expected


def test_server_text_in_the_message_is_short_plain_and_printable() -> None:
    title = "<b>Login</b> \u202eevil\u202c\x00 " + "x" * 500
    page = f"<!doctype html><html><head><title>{title}</title></head><body>hi</body></html>"
    with pytest.raises(NotACompletion) as raised:
        read_completion(page.encode(), "text/html; charset=utf-8")
    message = raised.value.message
    assert "“Login evil " in message and "<b>" not in message
    assert "\u202e" not in message and "\x00" not in message
    assert len(message) < 250


def test_bytes_that_are_not_utf8_are_not_a_completion() -> None:
    with pytest.raises(NotACompletion, match="not JSON"):
        read_completion(b"\xff\xfe\x00garbage", "application/octet-stream")
