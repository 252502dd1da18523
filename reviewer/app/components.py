"""The engine's parts built from Settings: one place for the action and the local CLI."""

from __future__ import annotations

import hashlib
import json

from openai import OpenAI

from reviewer import __version__
from reviewer.app.runtime import Runtime
from reviewer.app.settings import Settings
from reviewer.core.chunk_plan import ReviewOptions
from reviewer.core.gitattributes import generated_patterns, vendored_patterns
from reviewer.core.guidance import Guidance
from reviewer.model.chunk_reviewer import ChunkReviewer, make_client
from reviewer.model.verifier import FindingVerifier


def review_options(settings: Settings, guidance: Guidance) -> ReviewOptions:
    return ReviewOptions(
        model=settings.model,
        rules=guidance.rules,
        include=settings.include,
        exclude=settings.exclude,
        max_chunk_tokens=settings.max_chunk_tokens,
        concurrency=settings.concurrency,
        max_tokens=settings.max_tokens,
        generated=generated_patterns(guidance.gitattributes),
        vendored=vendored_patterns(guidance.gitattributes),
        config=guidance.config,
        full_files=settings.full_files,
        context_lines=settings.context_lines,
        enclosing_scope=settings.enclosing_scope,
        related_context_tokens=settings.related_context_tokens,
        verify=settings.verify,
    )


def review_config(settings: Settings, guidance: Guidance, context_digest: str = "") -> str:
    """A digest of everything that shapes a review's findings: the same head reviewed with
    the same digest would give the same review, so it is reused instead of paid for again."""
    shaping = {
        "version": __version__,
        "model": settings.model,
        "base_url": settings.base_url,
        "api_version": settings.api_version,
        "model_options": dict(settings.model_options),
        "rules": guidance.rules,
        "config": repr(guidance.config),
        "gitattributes": guidance.gitattributes,
        "include": settings.include,
        "exclude": settings.exclude,
        "max_chunk_tokens": settings.max_chunk_tokens,
        "max_tokens": settings.max_tokens,
        "full_files": settings.full_files,
        "context_lines": settings.context_lines,
        "enclosing_scope": settings.enclosing_scope,
        "related_context_tokens": settings.related_context_tokens,
        "context_report": settings.context_report,
        "verify": settings.verify,
        "context": context_digest,  # the PR's stated intent and the report's text
    }
    text = json.dumps(shaping, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def chunk_reviewer(settings: Settings, *, rules: str, runtime: Runtime) -> ChunkReviewer:
    return ChunkReviewer(
        model_client(settings),
        model=settings.model,
        rules=rules,
        model_options=settings.model_options,
        backoff_initial_s=runtime.model_backoff_initial_s,
        backoff_max_s=runtime.model_backoff_max_s,
        sleep=runtime.sleep,
        clock=runtime.clock,
        concurrency=settings.concurrency,
    )


def model_client(settings: Settings) -> OpenAI:
    return make_client(
        api_key=settings.api_key,
        base_url=settings.base_url,
        api_version=settings.api_version,
        timeout_s=settings.request_timeout_s,
    )


def make_verifier(
    settings: Settings, reviewer: ChunkReviewer, runtime: Runtime | None = None
) -> FindingVerifier | None:
    """The verification pass's adapter when `verify` is on; None otherwise."""
    if not settings.verify:
        return None
    runtime = runtime or Runtime()
    return FindingVerifier(
        model_client(settings),
        model=settings.model,
        model_options=settings.model_options,
        strict_schema=lambda: reviewer.answer_mode.name == "json_schema",
        backoff_initial_s=runtime.model_backoff_initial_s,
        backoff_max_s=runtime.model_backoff_max_s,
        sleep=runtime.sleep,
        clock=runtime.clock,
        gate=reviewer.gate,
        output_cap=reviewer.output_cap,
    )
