"""reviewer: review pull requests with an LLM and post the findings as inline comments."""

__version__ = "0.1.0"
