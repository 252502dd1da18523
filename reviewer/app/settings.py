"""Settings: the action's inputs (or the CLI's flags), validated once into one typed object.

The runner passes `with:` inputs to a container action as `INPUT_<NAME>` with the
name upper-cased and its dashes kept (`INPUT_API-KEY`); the underscore spelling
(`INPUT_API_KEY`) is accepted too, so the action can also be run by hand.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from reviewer.core.concurrency import DEFAULT_CAP, MAX_CAP
from reviewer.core.guidance import DEFAULT_CONFIG_FILE, DEFAULT_RULES_FILE, GuidanceSources
from reviewer.core.policy import OnUnreviewed
from reviewer.core.pricing import Pricing
from reviewer.core.prompt import PROFILES
from reviewer.core.severity import FAIL_ON_CHOICES, Severity, parse_fail_on
from reviewer.errors import ConfigError

# The public interface: keep in step with action.yml (a test checks it).
INPUT_NAMES = (
    "github-token",
    "api-key",
    "model",
    "base-url",
    "rules",
    "rules-file",
    "fail-on",
    "max-chunk-tokens",
    "max-comments",
    "include",
    "exclude",
    "dry-run",
    "concurrency",
    "max-tokens",
    "api-version",
    "model-options",
    "pricing",
    "time-limit",
    "pr-number",
    "review-drafts",
    "profile",
    "min-severity",
    "max-comments-per-file",
    "config-file",
    "context-files",
    "sarif-file",
    "full-files",
    "request-timeout",
    "on-unreviewed",
    "bot-login",
    "findings-file",
)

DEFAULT_MODEL = "gpt-4.1-mini"
# The JSON report of every finding, skipped file and failure, relative to the workspace.
DEFAULT_FINDINGS_FILE = "reviewer-findings.json"
DEFAULT_MAX_COMMENTS_PER_FILE = 10
DEFAULT_MAX_COMMENTS = 30
# The cap of adaptive concurrency (core/concurrency.py).
DEFAULT_CONCURRENCY = DEFAULT_CAP
MAX_CONCURRENCY = MAX_CAP
DEFAULT_TIME_LIMIT_MIN = 20

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


@dataclass(frozen=True)
class Settings:
    github_token: str
    api_key: str
    model: str
    base_url: str | None
    rules: str
    rules_file: str
    fail_on: Severity | None
    max_chunk_tokens: int | None
    max_comments: int
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    dry_run: bool
    concurrency: int
    max_tokens: int | None = None
    api_version: str | None = None
    model_options: Mapping[str, Any] = field(default_factory=dict)
    pricing: Pricing | None = None
    time_limit_s: float = DEFAULT_TIME_LIMIT_MIN * 60
    pr_number: str = ""
    review_drafts: bool = False
    profiles: tuple[str, ...] = ("general",)
    min_severity: Severity = Severity.SUGGESTION
    max_comments_per_file: int = DEFAULT_MAX_COMMENTS_PER_FILE
    config_file: str = DEFAULT_CONFIG_FILE
    context_files: tuple[str, ...] = ()
    sarif_file: str = ""
    full_files: bool = False
    request_timeout_s: float = 120.0
    on_unreviewed: OnUnreviewed = OnUnreviewed.INCOMPLETE
    bot_login: str = ""
    findings_file: str = DEFAULT_FINDINGS_FILE

    def guidance_sources(self) -> GuidanceSources:
        return GuidanceSources(
            rules=self.rules,
            rules_file=self.rules_file,
            config_file=self.config_file,
            context_files=self.context_files,
            profiles=self.profiles,
        )


def read_input(env: Mapping[str, str], name: str) -> str:
    """The value of input `name`, trying the dashed then the underscored spelling."""
    upper = name.upper()
    for key in (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"):
        value = env.get(key)
        if value is not None and value.strip():
            return value.strip()
    return ""


def settings_from_inputs(env: Mapping[str, str]) -> Settings:
    """Build Settings from `INPUT_*` variables; raise ConfigError naming the bad input."""
    raw = {name: read_input(env, name) for name in INPUT_NAMES}
    return build_settings(raw)


def build_settings(raw: Mapping[str, str]) -> Settings:
    """Validate raw string values keyed by input name (missing or empty = default)."""

    def get(name: str) -> str:
        return raw.get(name, "").strip()

    base_url = get("base-url") or None
    api_key = get("api-key")
    if not api_key and base_url is None:
        raise ConfigError(
            "No API key for the model.",
            hint="Set the `api-key` input, e.g. `api-key: ${{ secrets.OPENAI_API_KEY }}` "
            "(locally: `--api-key` or the OPENAI_API_KEY variable). A local "
            "OpenAI-compatible server that needs no key can be used with `base-url`.",
        )
    return Settings(
        github_token=get("github-token"),
        api_key=api_key,
        model=get("model") or DEFAULT_MODEL,
        base_url=base_url,
        rules=get("rules"),
        rules_file=get("rules-file") or DEFAULT_RULES_FILE,
        fail_on=_fail_on(get("fail-on") or "critical"),
        max_chunk_tokens=_optional_int(get("max-chunk-tokens"), "max-chunk-tokens", minimum=500),
        max_comments=_int(get("max-comments"), "max-comments", DEFAULT_MAX_COMMENTS, minimum=0),
        include=split_globs(get("include")),
        exclude=split_globs(get("exclude")),
        dry_run=_bool(get("dry-run"), "dry-run"),
        concurrency=_int(
            get("concurrency"),
            "concurrency",
            DEFAULT_CONCURRENCY,
            minimum=1,
            maximum=MAX_CONCURRENCY,
        ),
        max_tokens=_optional_int(get("max-tokens"), "max-tokens", minimum=1000),
        api_version=get("api-version") or None,
        model_options=_model_options(get("model-options")),
        pricing=_pricing(get("pricing")),
        time_limit_s=60.0 * _minutes(get("time-limit"), "time-limit", DEFAULT_TIME_LIMIT_MIN),
        pr_number=get("pr-number"),
        review_drafts=_bool(get("review-drafts"), "review-drafts"),
        profiles=_profiles(get("profile")),
        min_severity=_min_severity(get("min-severity")),
        max_comments_per_file=_int(
            get("max-comments-per-file"),
            "max-comments-per-file",
            DEFAULT_MAX_COMMENTS_PER_FILE,
            minimum=1,
        ),
        config_file=get("config-file") or DEFAULT_CONFIG_FILE,
        context_files=split_globs(get("context-files")),
        sarif_file=get("sarif-file"),
        full_files=_bool(get("full-files"), "full-files"),
        request_timeout_s=float(
            _int(get("request-timeout"), "request-timeout", 120, minimum=1, maximum=3600)
        ),
        on_unreviewed=_choice(get("on-unreviewed"), "on-unreviewed", OnUnreviewed),
        bot_login=get("bot-login"),
        findings_file=get("findings-file") or DEFAULT_FINDINGS_FILE,
    )


def split_globs(value: str) -> tuple[str, ...]:
    """Globs separated by newlines or commas; blanks dropped."""
    return tuple(part.strip() for part in re.split(r"[\n,]", value) if part.strip())


def _fail_on(value: str) -> Severity | None:
    try:
        return parse_fail_on(value)
    except ValueError:
        raise ConfigError(
            f"Unknown fail-on value {value!r}.",
            hint=f"Use one of: {', '.join(FAIL_ON_CHOICES)}.",
        ) from None


_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off", ""})


def _bool(value: str, name: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"Input {name} must be true or false, not {value!r}.")


def _int(value: str, name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    parsed = _optional_int(value, name, minimum=minimum)
    if parsed is None:
        return default
    if maximum is not None and parsed > maximum:
        raise ConfigError(f"Input {name} is {parsed}; the largest allowed value is {maximum}.")
    return parsed


def _optional_int(value: str, name: str, *, minimum: int) -> int | None:
    if not value:
        return None
    try:
        parsed = int(value)
    except ValueError:
        raise ConfigError(f"Input {name} must be a whole number, not {value!r}.") from None
    if parsed < minimum:
        raise ConfigError(f"Input {name} is {parsed}; it must be at least {minimum}.")
    return parsed


def _minutes(value: str, name: str, default: float, *, maximum: float = 360) -> float:
    """Minutes, decimals allowed (`0.5` is 30 seconds)."""
    if not value:
        return default
    try:
        minutes = float(value)
    except ValueError:
        minutes = math.nan
    if not math.isfinite(minutes):
        raise ConfigError(
            f"Input {name} must be a number of minutes (e.g. 20 or 0.5), not {value!r}."
        )
    if not 0 < minutes <= maximum:
        raise ConfigError(
            f"Input {name} is {value}; it must be more than 0 and at most {maximum:g} minutes."
        )
    return minutes


def _json_object(value: str, name: str, example: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"Input {name} is not valid JSON ({error.msg} at column {error.colno}).",
            hint=f"Write a JSON object, e.g. {example}.",
        ) from None
    if not isinstance(parsed, dict):
        raise ConfigError(f"Input {name} must be a JSON object, e.g. {example}.")
    return parsed


def _model_options(value: str) -> dict[str, Any]:
    if not value:
        return {}
    options = _json_object(value, "model-options", '{"temperature": 0.2}')
    unknown = sorted(set(options) - MODEL_OPTIONS)
    if unknown:
        raise ConfigError(
            f"Input model-options has unsupported keys: {', '.join(unknown)}.",
            hint=f"Allowed keys: {', '.join(sorted(MODEL_OPTIONS))}.",
        )
    return options


def _pricing(value: str) -> Pricing | None:
    if not value:
        return None
    data = _json_object(value, "pricing", '{"input": 0.4, "output": 1.6}')
    try:
        return Pricing(
            input=float(data["input"]),
            output=float(data["output"]),
            cached_input=float(data.get("cached_input", data["input"])),
        )
    except (KeyError, TypeError, ValueError):
        raise ConfigError(
            "Input pricing needs numbers for `input` and `output` (USD per million tokens).",
            hint='E.g. {"input": 0.4, "cached_input": 0.1, "output": 1.6}.',
        ) from None


def _profiles(value: str) -> tuple[str, ...]:
    names = split_globs(value.lower()) or ("general",)
    unknown = [name for name in names if name not in PROFILES]
    if unknown:
        raise ConfigError(
            f"Unknown profile {', '.join(map(repr, unknown))}.",
            hint=f"Use one or more of: {', '.join(PROFILES)} (comma-separated).",
        )
    return names


E = TypeVar("E", bound=StrEnum)


def _choice(value: str, name: str, choices: type[E]) -> E:
    """One of an enum's values; empty means the first (the default)."""
    allowed = [member.value for member in choices]
    try:
        return choices(value.lower() or allowed[0])
    except ValueError:
        raise ConfigError(
            f"Unknown {name} value {value!r}.", hint=f"Use one of: {', '.join(allowed)}."
        ) from None


def _min_severity(value: str) -> Severity:
    try:
        return Severity(value.lower() or "suggestion")
    except ValueError:
        raise ConfigError(
            f"Unknown min-severity value {value!r}.",
            hint="Use one of: suggestion, warning, critical.",
        ) from None
