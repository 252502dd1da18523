"""The one error hierarchy the shell translates failures into.

Every error carries a message for the user that says what went wrong and how to
fix it, and the exit code the process ends with.
"""

from __future__ import annotations

# Exit codes are part of the public interface (documented in the README).
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_CONFIG = 2
EXIT_INCOMPLETE = 3


class ReviewerError(Exception):
    """Base class: a failure the user can act on."""

    exit_code = EXIT_INCOMPLETE

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class ConfigError(ReviewerError):
    """Bad inputs, a missing key or token, an unreadable event: fix the workflow."""

    exit_code = EXIT_CONFIG


class ModelError(ReviewerError):
    """The model endpoint failed after retries, or answered unusably."""


class TruncatedAnswer(ModelError):
    """The answer hit the output limit (`finish_reason == "length"`): split, don't retry."""


class ModelAuthError(ConfigError):
    """The model endpoint refused the key or does not know the model."""


class ModelConfigError(ConfigError):
    """The model endpoint rejected a setting from the inputs, e.g. an option in `model-options`."""


class GitHubError(ReviewerError):
    """GitHub refused or failed a request after retries."""


class GitHubAuthError(ConfigError):
    """The GitHub token is missing, invalid or lacks a permission."""
