"""The finding schema: one pydantic model is the source of truth.

Its JSON schema is sent as a strict `response_format`, and every answer is
validated with jsonschema (what the model was told) and pydantic (what we use).
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from reviewer.core.diff import Side
from reviewer.core.markdown import bounded, clean
from reviewer.core.severity import Severity

# How much of a validation error is quoted back: enough to show what was wrong.
MAX_ERROR_CHARS = 300

if TYPE_CHECKING:
    import jsonschema


class Category(StrEnum):
    BUG = "bug"
    SECURITY = "security"
    PERFORMANCE = "performance"
    RELIABILITY = "reliability"
    MAINTAINABILITY = "maintainability"
    TESTING = "testing"
    DOCUMENTATION = "documentation"


# Longest accepted text per field: longer is a model rambling, cut with an ellipsis (a cut
# suggestion is never offered as a one-click change: see render.suggestion_block).
MAX_TEXT = MappingProxyType(
    {"title": 300, "body": 8_000, "path": 1_000, "quote": 4_000, "suggestion": 20_000}
)


def writable(text: str) -> str:
    """`text` without NUL and with lone surrogates replaced: safe to encode as UTF-8."""
    return _UNWRITABLE.sub("\ufffd", text).replace("\x00", "")


_UNWRITABLE = re.compile("[\ud800-\udfff]")


class Finding(BaseModel):
    """One problem the model found in the diff."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="Path of the file, exactly as in the `File:` line.")
    # No numeric or length limits here: strict mode rejects some such keywords, and
    # anchoring checks every line against the diff anyway.
    line: int = Field(description="Line number shown before the cited line (last if several).")
    start_line: int | None = Field(
        description="First line of a multi-line range, or null for a single line."
    )
    side: Side | None = Field(description="LEFT for a deleted ('-') line, RIGHT or null otherwise.")
    severity: Severity
    category: Category
    title: str = Field(description="One short sentence naming the problem.")
    body: str = Field(description="Why it is a problem and how to fix it; concise markdown.")
    quote: str = Field(
        description="The exact text of the cited line(s) without the number and +/- marker."
    )
    suggestion: str | None = Field(
        description="Replacement code for the quoted lines, or null when there is no drop-in fix."
    )

    # Model text is bounded and made writable on arrival: a lone surrogate (valid JSON,
    # invalid UTF-8) would crash every file and request it reaches; NUL has no use here.
    @field_validator("title", "body", mode="after")
    @classmethod
    def _prose(cls, value: str, info: ValidationInfo) -> str:
        return bounded(clean(value), MAX_TEXT[info.field_name or ""])

    @field_validator("path", "quote", "suggestion", mode="after")
    @classmethod
    def _code(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return bounded(writable(value), MAX_TEXT[info.field_name or ""])


class FileNote(BaseModel):
    """One line of the walkthrough: what the change does to a file or a group of files."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="The file's path, or several paths separated by commas.")
    summary: str = Field(description="What the change does there, in one short sentence.")

    @field_validator("path", "summary", mode="after")
    @classmethod
    def _bounded(cls, value: str) -> str:
        return bounded(clean(value), 300)


class ReviewAnswer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # First, so the model states what the change does before judging it.
    walkthrough: list[FileNote] = Field(
        default_factory=list, description="One short line per changed file or group of files."
    )
    findings: list[Finding]


class AnswerInvalid(ValueError):
    """The model's answer is not valid JSON for the schema; the message says why."""


@cache
def _answer_schema_text() -> str:
    return json.dumps(strict_schema(ReviewAnswer.model_json_schema()))


def answer_json_schema() -> dict[str, Any]:
    """The strict JSON schema of `ReviewAnswer` for `response_format`: a fresh copy on each
    call, so no request can change what the validator (or another request) uses."""
    loaded: dict[str, Any] = json.loads(_answer_schema_text())
    return loaded


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Make a pydantic JSON schema acceptable to strict structured outputs.

    Strict mode wants every property required (optional ones nullable instead),
    `additionalProperties: false` on each object, and no `default`s.
    """

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: visit(value) for key, value in node.items() if key != "default"}
            if node.get("type") == "object" and "properties" in node:
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            return node
        if isinstance(node, list):
            return [visit(item) for item in node]
        return node

    result: dict[str, Any] = visit(schema)
    return result


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # loaded with the first answer, not before the first request

    # The model is asked for the walkthrough, but an answer without one is not worth a
    # re-ask: the findings are what matters. Everything else is checked as sent.
    schema = answer_json_schema()
    schema["required"] = [name for name in schema["required"] if name != "walkthrough"]
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)


def parse_answer(content: str) -> list[Finding]:
    """Parse and validate a model answer; raise AnswerInvalid with a message for a re-ask."""
    return parse_review(content).findings


def load_answer(content: str) -> Any:
    """A model answer's JSON, or AnswerInvalid saying why it is none (for the re-ask)."""
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        raise AnswerInvalid(f"The answer is not valid JSON: {error}.") from None
    except RecursionError:
        raise AnswerInvalid(
            "The answer nests its JSON deeper than Python can read; it is no answer object."
        ) from None


def parse_review(content: str) -> ReviewAnswer:
    """The whole answer (walkthrough and findings), validated as `parse_answer` says."""
    data = load_answer(content)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        # jsonschema's message quotes the offending value whole: bounded, since the value
        # is the model's and the message goes back to it and into the log.
        described = "; ".join(
            f"{bounded('/'.join(str(p) for p in e.absolute_path), 200) or '(root)'}: "
            f"{bounded(e.message, MAX_ERROR_CHARS)}"
            for e in errors[:5]
        )
        raise AnswerInvalid(f"The answer does not match the schema: {described}.")
    try:
        return ReviewAnswer.model_validate(data)
    except ValidationError as error:
        raise AnswerInvalid(
            f"The answer does not match the schema: {bounded(str(error), 4 * MAX_ERROR_CHARS)}."
        ) from None
