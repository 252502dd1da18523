"""The errors a model endpoint's refusal (a 4xx not retried), or its failures once the
retries are spent, become; each says what to fix."""

from __future__ import annotations

import openai

from reviewer.errors import ModelAuthError, ModelConfigError, ModelError, ReviewerError
from reviewer.model.answer_modes import error_summary
from reviewer.model.completion import NotACompletion

NOT_IN_TIME = "not reviewed within the time limit (`time-limit`)"
TIME_LIMIT_HINT = "Raise `time-limit`, or lower `concurrency` if the endpoint rate-limits."


def client_error(error: openai.APIStatusError, model: str) -> ReviewerError:
    if isinstance(error, openai.NotFoundError):
        return ModelAuthError(
            f"The model endpoint does not know the model {model!r} (404).",
            hint="Check the `model` input (the deployment name for Azure), and "
            "`base-url` for OpenAI-compatible servers.",
        )
    return status_error(error)


def option_error(option: str, error: openai.APIStatusError) -> ModelConfigError:
    return ModelConfigError(
        f"The model endpoint rejected the option `{option}` from `model-options` "
        f"({error.status_code}): {error_summary(error)}",
        hint=f"Remove `{option}` from the `model-options` input, or change its value.",
    )


def status_error(error: openai.APIStatusError) -> ReviewerError:
    if isinstance(error, openai.AuthenticationError):
        return ModelAuthError(
            f"The model endpoint rejected the API key ({error.status_code}).",
            hint="Check the `api-key` input (the secret's name and value) and `base-url`.",
        )
    if isinstance(error, openai.PermissionDeniedError):
        return ModelAuthError(
            f"The model endpoint refused access ({error.status_code}): {error_summary(error)}",
            hint="Check that the key's project may use this model.",
        )
    return ModelError(
        f"The model endpoint answered {error.status_code}: {error_summary(error)}",
        hint="Check `model` and `base-url`; the request was not retried.",
    )


def gave_up(
    error: Exception, *, stopped_at_deadline: bool, requests: int, timeout_s: float | None
) -> ModelError:
    """The error for a request whose attempts all failed: what happened, how many requests
    were sent, and why they stopped."""
    sent = f"{requests} request{'s' if requests != 1 else ''}"
    if stopped_at_deadline:
        last = error.message if isinstance(error, NotACompletion) else str(error)
        return ModelError(f"{NOT_IN_TIME}; the last attempt failed: {last}", hint=TIME_LIMIT_HINT)
    if isinstance(error, NotACompletion):
        return ModelError(f"{error.message} ({sent} sent)", hint=error.hint)
    if isinstance(error, openai.APITimeoutError):
        within = f"within {timeout_s:g} s" if timeout_s else "in time"
        return ModelError(
            f"The model endpoint did not answer {within} (`request-timeout`); {sent} sent.",
            hint="The server was busy or the model slow: raise `request-timeout`, or set "
            "`concurrency` to what the server runs at once (llama-server's `-np`).",
        )
    if isinstance(error, openai.RateLimitError):
        return ModelError(
            f"The model endpoint was still rate limiting after {sent}: {error_summary(error)}",
            hint="Retry the job later, lower `concurrency`, or raise the provider's limits.",
        )
    if isinstance(error, openai.APIStatusError):
        return ModelError(
            f"The model endpoint kept failing ({error.status_code}) after {sent}: "
            f"{error_summary(error)}",
            hint="Retry the job later, or check the provider's status.",
        )
    return ModelError(
        f"The model endpoint could not be reached ({sent} tried): {error}",
        hint="Retry the job later, or check `base-url` and the provider's status.",
    )
