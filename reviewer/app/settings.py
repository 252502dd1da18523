"""Settings: the action's inputs (or the CLI's flags), validated once into one typed object.

The runner passes `with:` inputs to a container action as `INPUT_<NAME>` with the
name upper-cased and its dashes kept (`INPUT_API-KEY`); the underscore spelling
(`INPUT_API_KEY`) is accepted too, so the action can also be run by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reviewer.app.input_values import (
    bool_value,
    choice_value,
    fail_on_value,
    int_value,
    min_severity_value,
    minutes_value,
    model_options_value,
    optional_int_value,
    pricing_value,
    profiles_value,
    split_globs,
)
from reviewer.app.process_settings import (
    PROCESS_INPUT_NAMES,
    ProcessSettings,
    build_process_settings,
)
from reviewer.core.concurrency import DEFAULT_CAP, MAX_CAP
from reviewer.core.guidance import DEFAULT_CONFIG_FILE, DEFAULT_RULES_FILE, GuidanceSources
from reviewer.core.policy import OnUnreviewed
from reviewer.core.pricing import Pricing
from reviewer.core.severity import Severity
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
        fail_on=fail_on_value(get("fail-on") or "critical", what("fail-on")),
        max_chunk_tokens=optional_int_value(
            get("max-chunk-tokens"), what("max-chunk-tokens"), minimum=500
        ),
        max_comments=int_value(
            get("max-comments"), what("max-comments"), DEFAULT_MAX_COMMENTS, minimum=0
        ),
        include=split_globs(get("include")),
        exclude=split_globs(get("exclude")),
        dry_run=bool_value(get("dry-run"), what("dry-run")),
        concurrency=int_value(
            get("concurrency"),
            what("concurrency"),
            DEFAULT_CONCURRENCY,
            minimum=1,
            maximum=MAX_CONCURRENCY,
        ),
        max_tokens=optional_int_value(get("max-tokens"), what("max-tokens"), minimum=1000),
        api_version=get("api-version") or None,
        model_options=model_options_value(get("model-options"), what("model-options")),
        pricing=pricing_value(get("pricing"), what("pricing")),
        time_limit_s=60.0
        * minutes_value(get("time-limit"), what("time-limit"), DEFAULT_TIME_LIMIT_MIN),
        pr_number=get("pr-number"),
        review_drafts=bool_value(get("review-drafts"), what("review-drafts")),
        profiles=profiles_value(get("profile"), what("profile")),
        min_severity=min_severity_value(get("min-severity"), what("min-severity")),
        max_comments_per_file=int_value(
            get("max-comments-per-file"),
            what("max-comments-per-file"),
            DEFAULT_MAX_COMMENTS_PER_FILE,
            minimum=1,
        ),
        config_file=get("config-file") or DEFAULT_CONFIG_FILE,
        context_files=split_globs(get("context-files")),
        sarif_file=get("sarif-file"),
        full_files=bool_value(get("full-files"), what("full-files")),
        request_timeout_s=float(
            int_value(get("request-timeout"), what("request-timeout"), 120, minimum=1, maximum=3600)
        ),
        on_unreviewed=choice_value(get("on-unreviewed"), what("on-unreviewed"), OnUnreviewed),
        bot_login=get("bot-login"),
        findings_file=get("findings-file") or DEFAULT_FINDINGS_FILE,
        context_lines=int_value(
            get("context-lines"),
            what("context-lines"),
            DEFAULT_CONTEXT_LINES,
            minimum=0,
            maximum=MAX_CONTEXT_LINES,
        ),
        enclosing_scope=bool_value(get("enclosing-scope") or "true", what("enclosing-scope")),
        related_context_tokens=int_value(
            get("related-context-tokens"),
            what("related-context-tokens"),
            DEFAULT_RELATED_CONTEXT_TOKENS,
            minimum=0,
            maximum=20_000,
        ),
        context_report=get("context-report"),
        verify=bool_value(get("verify"), what("verify")),
        process=process,
    )
