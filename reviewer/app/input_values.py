"""The values of settings: one parser per kind (a yes/no, a bounded number, minutes, a JSON
object, a choice), each failing with a ConfigError that names the setting as the user wrote
it (`what`: "input fail-on", "--fail-on") and says what to write instead."""

from __future__ import annotations

import json
import math
import re
from enum import StrEnum
from typing import Any, TypeVar

from reviewer.core.pricing import Pricing
from reviewer.core.prompt import PROFILES
from reviewer.core.severity import FAIL_ON_CHOICES, Severity, parse_fail_on
from reviewer.errors import ConfigError

# Parameters `model-options` may set: the ones OpenAI-compatible servers commonly accept.
MODEL_OPTIONS = frozenset(
    {
        "temperature",
        "top_p",
        "seed",
        "max_completion_tokens",
        "max_tokens",
        "reasoning_effort",
        "verbosity",
        "service_tier",
        "frequency_penalty",
        "presence_penalty",
    }
)


def split_globs(value: str) -> tuple[str, ...]:
    """Globs separated by newlines or commas; blanks dropped."""
    return tuple(part.strip() for part in re.split(r"[\n,]", value) if part.strip())


# The helpers below get `what`: the setting as the user wrote it ("input fail-on",
# "--fail-on"), for their messages.


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def fail_on_value(value: str, what: str) -> Severity | None:
    try:
        return parse_fail_on(value)
    except ValueError:
        raise ConfigError(
            f"Unknown value {value!r} for {what}.",
            hint=f"Use one of: {', '.join(FAIL_ON_CHOICES)}.",
        ) from None


_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off", ""})


def bool_value(value: str, what: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{sentence(what)} must be true or false, not {value!r}.")


def int_value(
    value: str, what: str, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    parsed = optional_int_value(value, what, minimum=minimum)
    if parsed is None:
        return default
    if maximum is not None and parsed > maximum:
        raise ConfigError(f"{sentence(what)} is {parsed}; the largest allowed value is {maximum}.")
    return parsed


def optional_int_value(value: str, what: str, *, minimum: int) -> int | None:
    if not value:
        return None
    try:
        parsed = int(value)
    except ValueError:
        raise ConfigError(f"{sentence(what)} must be a whole number, not {value!r}.") from None
    if parsed < minimum:
        raise ConfigError(f"{sentence(what)} is {parsed}; it must be at least {minimum}.")
    return parsed


def minutes_value(value: str, what: str, default: float, *, maximum: float = 360) -> float:
    """Minutes, decimals allowed (`0.5` is 30 seconds)."""
    if not value:
        return default
    try:
        minutes = float(value)
    except ValueError:
        minutes = math.nan
    if not math.isfinite(minutes):
        raise ConfigError(
            f"{sentence(what)} must be a number of minutes (e.g. 20 or 0.5), not {value!r}."
        )
    if not 0 < minutes <= maximum:
        raise ConfigError(
            f"{sentence(what)} is {value}; it must be more than 0 and at most {maximum:g} minutes."
        )
    return minutes


def json_object_value(value: str, what: str, example: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{sentence(what)} is not valid JSON ({error.msg} at column {error.colno}).",
            hint=f"Write a JSON object, e.g. {example}.",
        ) from None
    if not isinstance(parsed, dict):
        raise ConfigError(f"{sentence(what)} must be a JSON object, e.g. {example}.")
    return parsed


def model_options_value(value: str, what: str) -> dict[str, Any]:
    if not value:
        return {}
    options = json_object_value(value, what, '{"temperature": 0.2}')
    unknown = sorted(set(options) - MODEL_OPTIONS)
    if unknown:
        raise ConfigError(
            f"{sentence(what)} has unsupported keys: {', '.join(unknown)}.",
            hint=f"Allowed keys: {', '.join(sorted(MODEL_OPTIONS))}.",
        )
    return options


def pricing_value(value: str, what: str) -> Pricing | None:
    if not value:
        return None
    data = json_object_value(value, what, '{"input": 0.4, "output": 1.6}')
    try:
        return Pricing(
            input=float(data["input"]),
            output=float(data["output"]),
            cached_input=float(data.get("cached_input", data["input"])),
        )
    except (KeyError, TypeError, ValueError):
        raise ConfigError(
            f"{sentence(what)} needs numbers for `input` and `output` (USD per million tokens).",
            hint='E.g. {"input": 0.4, "cached_input": 0.1, "output": 1.6}.',
        ) from None


def profiles_value(value: str, what: str) -> tuple[str, ...]:
    names = split_globs(value.lower()) or ("general",)
    unknown = [name for name in names if name not in PROFILES]
    if unknown:
        raise ConfigError(
            f"Unknown profile {', '.join(map(repr, unknown))} in {what}.",
            hint=f"Use one or more of: {', '.join(PROFILES)} (comma-separated).",
        )
    return names


E = TypeVar("E", bound=StrEnum)


def choice_value(value: str, what: str, choices: type[E]) -> E:
    """One of an enum's values; empty means the first (the default)."""
    allowed = [member.value for member in choices]
    try:
        return choices(value.lower() or allowed[0])
    except ValueError:
        raise ConfigError(
            f"Unknown {what} value {value!r}.", hint=f"Use one of: {', '.join(allowed)}."
        ) from None


def min_severity_value(value: str, what: str) -> Severity:
    try:
        return Severity(value.lower() or "suggestion")
    except ValueError:
        raise ConfigError(
            f"Unknown value {value!r} for {what}.",
            hint="Use one of: suggestion, warning, critical.",
        ) from None
