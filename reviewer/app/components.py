"""The engine's parts built from Settings: one place for the action and the local CLI."""

from __future__ import annotations

from reviewer.app.runtime import Runtime
from reviewer.app.settings import Settings
from reviewer.core.chunk_plan import ReviewOptions
from reviewer.core.gitattributes import generated_patterns
from reviewer.core.guidance import Guidance
from reviewer.model.chunk_reviewer import ChunkReviewer, make_client


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
        config=guidance.config,
        full_files=settings.full_files,
    )


def chunk_reviewer(settings: Settings, *, rules: str, runtime: Runtime) -> ChunkReviewer:
    client = make_client(
        api_key=settings.api_key,
        base_url=settings.base_url,
        api_version=settings.api_version,
        timeout_s=settings.request_timeout_s,
    )
    return ChunkReviewer(
        client,
        model=settings.model,
        rules=rules,
        model_options=settings.model_options,
        backoff_initial_s=runtime.model_backoff_initial_s,
        backoff_max_s=runtime.model_backoff_max_s,
        sleep=runtime.sleep,
        clock=runtime.clock,
    )
