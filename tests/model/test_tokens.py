import logging
import math

import pytest

from reviewer.core.tokens import estimate_tokens
from reviewer.model.tokenizer import encoding_name_for, make_token_counter


def test_encoding_follows_the_model_name() -> None:
    assert encoding_name_for("gpt-4o-mini") == "o200k_base"
    assert encoding_name_for("gpt-4") == "cl100k_base"
    assert encoding_name_for("openrouter/openai/gpt-4o") == "o200k_base"
    assert encoding_name_for("llama3.1:70b") == "o200k_base"  # unknown: the default


def test_special_tokens_in_a_diff_are_counted_as_text() -> None:
    count, exact = make_token_counter("gpt-4.1-mini")
    if not exact:
        pytest.skip("no tiktoken encoding available offline here")
    assert count("<|endoftext|> x") > 1  # no ValueError for special-token text


def test_without_an_encoding_the_estimate_over_counts_and_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import tiktoken

    def offline(_name: str) -> None:
        raise OSError("no network")

    monkeypatch.setattr(tiktoken, "get_encoding", offline)
    with caplog.at_level(logging.WARNING):
        count, exact = make_token_counter("gpt-4.1-mini")
    assert not exact
    assert "estimating tokens conservatively" in caplog.text
    text = "def handler(request):\n    return request.user.name\n"
    assert count(text) == math.ceil(len(text.encode()) / 2) == estimate_tokens(text)
