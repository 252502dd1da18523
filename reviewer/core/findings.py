"""The finding schema: one pydantic model is the source of truth.

Its JSON schema is sent as a strict `response_format`, and every answer is
validated with jsonschema (what the model was told) and pydantic (what we use).
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from typing import Any

import jsonschema
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reviewer.core.diff import Side
from reviewer.core.severity import Severity


class Category(StrEnum):
    BUG = "bug"
    SECURITY = "security"
    PERFORMANCE = "performance"
    RELIABILITY = "reliability"
    MAINTAINABILITY = "maintainability"
    TESTING = "testing"
    DOCUMENTATION = "documentation"


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


class ReviewAnswer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

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
    schema = answer_json_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)


def parse_answer(content: str) -> list[Finding]:
    """Parse and validate a model answer; raise AnswerInvalid with a message for a re-ask."""
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        raise AnswerInvalid(f"The answer is not valid JSON: {error}.") from None
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        described = "; ".join(
            f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in errors[:5]
        )
        raise AnswerInvalid(f"The answer does not match the schema: {described}.")
    try:
        return ReviewAnswer.model_validate(data).findings
    except ValidationError as error:
        raise AnswerInvalid(f"The answer does not match the schema: {error}.") from None
