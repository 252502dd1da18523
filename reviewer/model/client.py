"""The HTTP side of the model endpoint: the client (OpenAI or Azure OpenAI) and the retry
hints servers send with a 429 or 503."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

import openai
from openai import OpenAI
from tenacity import RetryCallState

from reviewer.errors import ConfigError
from reviewer.model.http_client import DeadlineClient

MAX_RETRY_AFTER_S = 60.0


def make_client(
    *,
    api_key: str,
    base_url: str | None,
    timeout_s: float = 120.0,
    api_version: str | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> OpenAI:
    """An OpenAI client, or an Azure OpenAI one when `api_version` is set.

    `timeout_s` bounds each request as a whole (`http_client.DeadlineClient`), not only
    each wait for the next bytes. For Azure, `base_url` is the resource endpoint and the
    model name is the deployment.
    """
    # Retries are ours (tenacity), so the SDK's own are off.
    if api_version is None:
        return OpenAI(
            api_key=api_key or "unused",
            base_url=base_url,
            timeout=timeout_s,
            max_retries=0,
            http_client=DeadlineClient(timeout=timeout_s, clock=clock),
        )
    if not base_url:
        raise ConfigError(
            "`api-version` is set (Azure OpenAI) but `base-url` is not.",
            hint="Set `base-url` to the resource endpoint, e.g. "
            "https://my-resource.openai.azure.com, and `model` to the deployment name.",
        )
    if not api_key:
        raise ConfigError(
            "Azure OpenAI needs an API key.",
            hint="Set `api-key` to the key of the Azure OpenAI resource.",
        )
    return openai.AzureOpenAI(
        azure_endpoint=_azure_endpoint(base_url),
        api_version=api_version,
        api_key=api_key,
        timeout=timeout_s,
        max_retries=0,
        http_client=DeadlineClient(timeout=timeout_s, clock=clock),
    )


def _azure_endpoint(base_url: str) -> str:
    # The SDK appends `/openai/deployments/...`; an endpoint copied with `/openai` on the end
    # would otherwise double it.
    endpoint = base_url.rstrip("/")
    path = urlsplit(endpoint).path
    if "/openai/v1" in path:
        raise ConfigError(
            f"`base-url` {base_url} is Azure's v1 API, which takes no `api-version`.",
            hint="Leave `api-version` empty to use it, or set `base-url` to the resource "
            "endpoint (https://my-resource.openai.azure.com) to keep `api-version`.",
        )
    return endpoint.removesuffix("/openai") if path.endswith("/openai") else endpoint


def retry_after_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """How long the server asked us to wait, capped; None if it did not say.

    `retry-after-ms` (OpenAI, Azure) is the most precise and wins; `Retry-After` is
    seconds or an HTTP date.
    """
    milliseconds = _number(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return _capped(milliseconds / 1000)
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return _capped(seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # HTTP dates are GMT
    return _capped((when - (now or datetime.now(UTC))).total_seconds())


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else math.nan
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _capped(seconds: float) -> float:
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def _retry_after(state: RetryCallState) -> float | None:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    response = getattr(error, "response", None)
    return retry_after_seconds(response.headers) if response is not None else None


def wait_retry_after_or(fallback: Callable[[RetryCallState], float]) -> Callable[..., float]:
    def wait(state: RetryCallState) -> float:
        told = _retry_after(state)
        return told if told is not None else fallback(state)

    return wait
