"""The SARIF 2.1.0 schema fixture, as a validator for the tests of both modes."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from paths import FIXTURES

SCHEMA = FIXTURES / "sarif-2.1.0.schema.json"


@cache
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(log: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(log)]
    assert not errors, errors
