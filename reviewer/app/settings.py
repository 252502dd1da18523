"""Settings: the action's inputs (or the CLI's flags), validated once into one typed object.

The runner passes `with:` inputs to a container action as `INPUT_<NAME>` with the
name upper-cased and its dashes kept (`INPUT_API-KEY`); the underscore spelling
(`INPUT_API_KEY`) is accepted too, so the action can also be run by hand.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from reviewer.app.process_settings import (
    PROCESS_INPUT_NAMES,
    ProcessSettings,
    build_process_settings,
)
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
    "context-lines",
    "enclosing-scope",
    "related-context-tokens",
    "context-report",
    "verify",
    *PROCESS_INPUT_NAMES,
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
# Review context (issue 13), chosen on bench/quality: see docs/performance.md.
DEFAULT_CONTEXT_LINES = 6
DEFAULT_RELATED_CONTEXT_TOKENS = 800
MAX_CONTEXT_LINES = 200

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
    context_lines: int = DEFAULT_CONTEXT_LINES
    enclosing_scope: bool = True
    related_context_tokens: int = DEFAULT_RELATED_CONTEXT_TOKENS
    context_report: str = ""  # a file in the workspace (or, locally, any path)
    verify: bool = False
    process: ProcessSettings = field(default_factory=ProcessSettings)

    def guidance_sources(self) -> GuidanceSources:
        return GuidanceSources(
            rules=self.rules,
            rules_file=self.rules_file,
            config_file=self.config_file,
            context_files=self.context_files,
            profiles=self.profiles,
        )


@dataclass(frozen=True, slots=True)
class Naming:
    """How messages name a setting: the action's inputs, or the local CLI's flags."""

    describe: Callable[[str], str]  # input name -> how the user wrote it
    no_api_key_hint: str


ACTION_NAMING = Naming(
    describe=lambda name: f"input {name}",
    no_api_key_hint="Set the `api-key` input, e.g. `api-key: ${{ secrets.OPENAI_API_KEY }}`. "
    "A local OpenAI-compatible server that needs no key can be used with `base-url`.",
)


def read_input(env: Mapping[str, str], name: str) -> str:
    """The value of input `name`, trying the dashed then the underscored spelling."""
    upper = name.upper()
    for key in (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"):
        value = env.get(key)
        if value is not None and value.strip():
            return value.strip()
    return ""


def settings_from_inputs(env: Mapping[str, str], *, model: bool | None = None) -> Settings:
    """Build Settings from `INPUT_*` variables; raise ConfigError naming the bad input."""
    raw = {name: read_input(env, name) for name in INPUT_NAMES}
    return build_settings(raw, model=model)


def build_settings(
    raw: Mapping[str, str], naming: Naming = ACTION_NAMING, *, model: bool | None = None
) -> Settings:
    """Validate raw string values keyed by input name (missing or empty = default).
    Errors name the setting as `naming` says: an input, or a flag in local mode.

    `model`: whether the run asks the model, so needs its key; by default when the
    `review` input is true (the SLA scan and the merge-queue gate never do)."""

    def get(name: str) -> str:
        return raw.get(name, "").strip()

    what = naming.describe
    process = build_process_settings(get)
    base_url = get("base-url") or None
    api_key = get("api-key")
    needs_model = process.review if model is None else model
    if needs_model and not api_key and base_url is None:
        raise ConfigError("No API key for the model.", hint=naming.no_api_key_hint)
    return Settings(
        github_token=get("github-token"),
        api_key=api_key,
        model=get("model") or DEFAULT_MODEL,
        base_url=base_url,
        rules=get("rules"),
        rules_file=get("rules-file") or DEFAULT_RULES_FILE,
        fail_on=_fail_on(get("fail-on") or "critical", what("fail-on")),
        max_chunk_tokens=_optional_int(
            get("max-chunk-tokens"), what("max-chunk-tokens"), minimum=500
        ),
        max_comments=_int(
            get("max-comments"), what("max-comments"), DEFAULT_MAX_COMMENTS, minimum=0
        ),
        include=split_globs(get("include")),
        exclude=split_globs(get("exclude")),
        dry_run=_bool(get("dry-run"), what("dry-run")),
        concurrency=_int(
            get("concurrency"),
            what("concurrency"),
            DEFAULT_CONCURRENCY,
            minimum=1,
            maximum=MAX_CONCURRENCY,
        ),
        max_tokens=_optional_int(get("max-tokens"), what("max-tokens"), minimum=1000),
        api_version=get("api-version") or None,
        model_options=_model_options(get("model-options"), what("model-options")),
        pricing=_pricing(get("pricing"), what("pricing")),
        time_limit_s=60.0 * _minutes(get("time-limit"), what("time-limit"), DEFAULT_TIME_LIMIT_MIN),
        pr_number=get("pr-number"),
        review_drafts=_bool(get("review-drafts"), what("review-drafts")),
        profiles=_profiles(get("profile"), what("profile")),
        min_severity=_min_severity(get("min-severity"), what("min-severity")),
        max_comments_per_file=_int(
            get("max-comments-per-file"),
            what("max-comments-per-file"),
            DEFAULT_MAX_COMMENTS_PER_FILE,
            minimum=1,
        ),
        config_file=get("config-file") or DEFAULT_CONFIG_FILE,
        context_files=split_globs(get("context-files")),
        sarif_file=get("sarif-file"),
        full_files=_bool(get("full-files"), what("full-files")),
        request_timeout_s=float(
            _int(get("request-timeout"), what("request-timeout"), 120, minimum=1, maximum=3600)
        ),
        on_unreviewed=_choice(get("on-unreviewed"), what("on-unreviewed"), OnUnreviewed),
        bot_login=get("bot-login"),
        findings_file=get("findings-file") or DEFAULT_FINDINGS_FILE,
        context_lines=_int(
            get("context-lines"),
            what("context-lines"),
            DEFAULT_CONTEXT_LINES,
            minimum=0,
            maximum=MAX_CONTEXT_LINES,
        ),
        enclosing_scope=_bool(get("enclosing-scope") or "true", what("enclosing-scope")),
        related_context_tokens=_int(
            get("related-context-tokens"),
            what("related-context-tokens"),
            DEFAULT_RELATED_CONTEXT_TOKENS,
            minimum=0,
            maximum=20_000,
        ),
        context_report=get("context-report"),
        verify=_bool(get("verify"), what("verify")),
        process=process,
    )


def split_globs(value: str) -> tuple[str, ...]:
    """Globs separated by newlines or commas; blanks dropped."""
    return tuple(part.strip() for part in re.split(r"[\n,]", value) if part.strip())


# The helpers below get `what`: the setting as the user wrote it ("input fail-on",
# "--fail-on"), for their messages.


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fail_on(value: str, what: str) -> Severity | None:
    try:
        return parse_fail_on(value)
    except ValueError:
        raise ConfigError(
            f"Unknown value {value!r} for {what}.",
            hint=f"Use one of: {', '.join(FAIL_ON_CHOICES)}.",
        ) from None


_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off", ""})


def _bool(value: str, what: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{_sentence(what)} must be true or false, not {value!r}.")


def _int(value: str, what: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    parsed = _optional_int(value, what, minimum=minimum)
    if parsed is None:
        return default
    if maximum is not None and parsed > maximum:
        raise ConfigError(f"{_sentence(what)} is {parsed}; the largest allowed value is {maximum}.")
    return parsed


def _optional_int(value: str, what: str, *, minimum: int) -> int | None:
    if not value:
        return None
    try:
        parsed = int(value)
    except ValueError:
        raise ConfigError(f"{_sentence(what)} must be a whole number, not {value!r}.") from None
    if parsed < minimum:
        raise ConfigError(f"{_sentence(what)} is {parsed}; it must be at least {minimum}.")
    return parsed


def _minutes(value: str, what: str, default: float, *, maximum: float = 360) -> float:
    """Minutes, decimals allowed (`0.5` is 30 seconds)."""
    if not value:
        return default
    try:
        minutes = float(value)
    except ValueError:
        minutes = math.nan
    if not math.isfinite(minutes):
        raise ConfigError(
            f"{_sentence(what)} must be a number of minutes (e.g. 20 or 0.5), not {value!r}."
        )
    if not 0 < minutes <= maximum:
        raise ConfigError(
            f"{_sentence(what)} is {value}; it must be more than 0 and at most {maximum:g} minutes."
        )
    return minutes


def _json_object(value: str, what: str, example: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{_sentence(what)} is not valid JSON ({error.msg} at column {error.colno}).",
            hint=f"Write a JSON object, e.g. {example}.",
        ) from None
    if not isinstance(parsed, dict):
        raise ConfigError(f"{_sentence(what)} must be a JSON object, e.g. {example}.")
    return parsed


def _model_options(value: str, what: str) -> dict[str, Any]:
    if not value:
        return {}
    options = _json_object(value, what, '{"temperature": 0.2}')
    unknown = sorted(set(options) - MODEL_OPTIONS)
    if unknown:
        raise ConfigError(
            f"{_sentence(what)} has unsupported keys: {', '.join(unknown)}.",
            hint=f"Allowed keys: {', '.join(sorted(MODEL_OPTIONS))}.",
        )
    return options


def _pricing(value: str, what: str) -> Pricing | None:
    if not value:
        return None
    data = _json_object(value, what, '{"input": 0.4, "output": 1.6}')
    try:
        return Pricing(
            input=float(data["input"]),
            output=float(data["output"]),
            cached_input=float(data.get("cached_input", data["input"])),
        )
    except (KeyError, TypeError, ValueError):
        raise ConfigError(
            f"{_sentence(what)} needs numbers for `input` and `output` (USD per million tokens).",
            hint='E.g. {"input": 0.4, "cached_input": 0.1, "output": 1.6}.',
        ) from None


def _profiles(value: str, what: str) -> tuple[str, ...]:
    names = split_globs(value.lower()) or ("general",)
    unknown = [name for name in names if name not in PROFILES]
    if unknown:
        raise ConfigError(
            f"Unknown profile {', '.join(map(repr, unknown))} in {what}.",
            hint=f"Use one or more of: {', '.join(PROFILES)} (comma-separated).",
        )
    return names


E = TypeVar("E", bound=StrEnum)


def _choice(value: str, what: str, choices: type[E]) -> E:
    """One of an enum's values; empty means the first (the default)."""
    allowed = [member.value for member in choices]
    try:
        return choices(value.lower() or allowed[0])
    except ValueError:
        raise ConfigError(
            f"Unknown {what} value {value!r}.", hint=f"Use one of: {', '.join(allowed)}."
        ) from None


def _min_severity(value: str, what: str) -> Severity:
    try:
        return Severity(value.lower() or "suggestion")
    except ValueError:
        raise ConfigError(
            f"Unknown value {value!r} for {what}.",
            hint="Use one of: suggestion, warning, critical.",
        ) from None
