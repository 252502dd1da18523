import pytest

from reviewer.app.input_values import split_globs
from reviewer.app.settings import INPUT_NAMES, read_input, settings_from_inputs
from reviewer.core.severity import Severity
from reviewer.errors import ConfigError


def env(**inputs: str) -> dict[str, str]:
    return {f"INPUT_{k.upper()}": v for k, v in inputs.items()}


def test_dashed_and_underscored_names_are_both_read() -> None:
    assert read_input({"INPUT_API-KEY": "a"}, "api-key") == "a"
    assert read_input({"INPUT_API_KEY": "b"}, "api-key") == "b"
    assert read_input({"INPUT_API-KEY": " ", "INPUT_API_KEY": "c"}, "api-key") == "c"


def test_defaults() -> None:
    s = settings_from_inputs(env(**{"api-key": "k"}))
    assert s.model == "gpt-4.1-mini"
    assert s.fail_on is Severity.CRITICAL
    assert s.rules_file == ".github/reviewer.md"
    assert (s.max_comments, s.concurrency, s.dry_run) == (30, 64, False)
    assert s.max_chunk_tokens is None and s.base_url is None


def test_values_are_parsed() -> None:
    s = settings_from_inputs(
        env(
            **{
                "api-key": "k",
                "fail-on": "Never",
                "dry-run": "TRUE",
                "include": "src/**\n*.py, lib/*",
                "max-chunk-tokens": "4000",
                "concurrency": "8",
            }
        )
    )
    assert s.fail_on is None and s.dry_run
    assert s.include == ("src/**", "*.py", "lib/*")
    assert (s.max_chunk_tokens, s.concurrency) == (4000, 8)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({}, "No API key"),
        ({"api-key": "k", "fail-on": "blocker"}, "Unknown value 'blocker' for input fail-on"),
        ({"api-key": "k", "dry-run": "maybe"}, "dry-run must be true or false"),
        ({"api-key": "k", "concurrency": "0"}, "at least 1"),
        ({"api-key": "k", "concurrency": "many"}, "whole number"),
        ({"api-key": "k", "concurrency": "1000"}, "largest allowed"),
    ],
)
def test_bad_inputs_name_the_input_and_the_fix(inputs: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        settings_from_inputs(env(**inputs))
    assert caught.value.exit_code == 2


def test_a_keyless_local_server_is_allowed() -> None:
    s = settings_from_inputs(env(**{"base-url": "http://127.0.0.1:11434/v1"}))
    assert s.api_key == ""


def test_split_globs() -> None:
    assert split_globs(" a ,\n\nb\n") == ("a", "b")
    assert "api-key" in INPUT_NAMES


@pytest.mark.parametrize(
    ("value", "seconds"), [("", 1200.0), ("20", 1200.0), ("0.5", 30.0), (" 1.25 ", 75.0)]
)
def test_time_limit_is_minutes_and_takes_decimals(value: str, seconds: float) -> None:
    s = settings_from_inputs(env(**{"api-key": "k", "time-limit": value}))
    assert s.time_limit_s == seconds


@pytest.mark.parametrize("value", ["0", "-1", "361", "soon", "nan", "inf", "1e999"])
def test_a_bad_time_limit_says_what_it_takes(value: str) -> None:
    with pytest.raises(ConfigError, match="time-limit"):
        settings_from_inputs(env(**{"api-key": "k", "time-limit": value}))
