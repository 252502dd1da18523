"""The errors a model endpoint's refusal (a 4xx not retried) becomes, each saying what to fix."""

from __future__ import annotations

import openai

from reviewer.errors import ModelAuthError, ModelConfigError, ModelError, ReviewerError
from reviewer.model.answer_modes import error_summary


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
