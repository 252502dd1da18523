"""Validate requests (and responses) against a GitHub OpenAPI description.

The fixtures ``tests/fixtures/*-openapi-subset.json`` are produced by
``tests/fixtures/regenerate.py``: they hold only the operations the fake serves plus the
components those reach, with ``$ref``s kept as refs. This module resolves the refs with a
``referencing.Registry`` whose single resource is the whole document.

OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4 (plus ``nullable``); OpenAPI 3.1
schemas are JSON Schema 2020-12. The validator picks the draft from the document's
``openapi`` field and rewrites 3.0's ``nullable: true`` into a JSON Schema equivalent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.protocols import Validator
from referencing import Registry, Resource, Specification
from referencing.jsonschema import DRAFT4, DRAFT202012

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GITHUB_SUBSET = FIXTURES / "github-openapi-subset.json"
GHES_SUBSET = FIXTURES / "ghes-3.17-openapi-subset.json"

#: Base URI under which the whole document is registered.
DOCUMENT_URI = "urn:github-openapi-subset"
_PARAM = re.compile(r"\{([^}/]+)\}")
#: Path parameters that may span several segments (``/contents/{path}``).
_MULTI_SEGMENT_PARAMS = frozenset({"path"})


def _escape_pointer(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _template_regex(template: str) -> re.Pattern[str]:
    pattern, end = "", 0
    for match in _PARAM.finditer(template):
        pattern += re.escape(template[end : match.start()])
        pattern += ".+" if match.group(1) in _MULTI_SEGMENT_PARAMS else "[^/]+"
        end = match.end()
    return re.compile(pattern + re.escape(template[end:]))


def _nullable_to_json_schema(node: Any) -> Any:
    """Rewrite OpenAPI 3.0 ``nullable: true`` into plain JSON Schema, recursively."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False) is not True:
        return converted
    if isinstance(converted.get("type"), str):
        converted["type"] = [converted["type"], "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
        return converted
    return {"anyOf": [{"type": "null"}, converted]}


@dataclass(frozen=True)
class Operation:
    """One operation of the document: its path template, method and JSON pointer."""

    template: str
    method: str
    pointer: str
    regex: re.Pattern[str]

    @property
    def literal_segments(self) -> int:
        return sum(1 for seg in self.template.split("/") if seg and not _PARAM.search(seg))


class OpenAPIValidator:
    """Validate JSON bodies against the operations of an OpenAPI document.

    ``path`` arguments are API paths without any server prefix (no ``/api/v3``); a query
    string, if present, is ignored.
    """

    def __init__(self, subset_path: Path | str = GITHUB_SUBSET) -> None:
        self.path = Path(subset_path)
        raw = json.loads(self.path.read_text(encoding="utf-8"))
        self.openapi_version: str = raw["openapi"]
        self.is_31 = self.openapi_version.startswith("3.1")
        self.document: dict[str, Any] = raw if self.is_31 else _nullable_to_json_schema(raw)
        self._validator_class: type[Validator] = (
            jsonschema.Draft202012Validator if self.is_31 else jsonschema.Draft4Validator
        )
        spec: Specification[Any] = DRAFT202012 if self.is_31 else DRAFT4
        resource = Resource.from_contents(self.document, default_specification=spec)
        self._registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
        self.operations = self._collect_operations()

    def _collect_operations(self) -> list[Operation]:
        ops = [
            Operation(
                template,
                method.upper(),
                f"/paths/{_escape_pointer(template)}/{method}",
                _template_regex(template),
            )
            for template, item in self.document["paths"].items()
            for method in item
            if method in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
        ]
        # Prefer templates with more literal segments: /issues/comments/{id} over /issues/{n}.
        return sorted(ops, key=lambda op: -op.literal_segments)

    def find_operation(self, method: str, path: str) -> Operation | None:
        """The operation whose template matches ``path`` for ``method``, if any."""
        bare = path.split("?", 1)[0]
        for op in self.operations:
            if op.method == method.upper() and op.regex.fullmatch(bare):
                return op
        return None

    def _node(self, pointer: str) -> Any:
        node: Any = self.document
        for part in pointer.lstrip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _deref(self, pointer: str) -> tuple[str, Any]:
        """Follow ``$ref``s (as in ``components/responses``) from ``pointer``."""
        node = self._node(pointer)
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            pointer = node["$ref"].removeprefix("#")
            node = self._node(pointer)
        return pointer, node

    def _schema_errors(self, pointer: str, instance: Any, label: str) -> list[str]:
        validator = self._validator_class(
            {"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=self._registry
        )
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        return [
            f"{label}: {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in errors
        ]

    def validate_request(self, method: str, path: str, body: Any) -> list[str]:
        """Errors of ``body`` (parsed JSON or None) for ``method path``; empty means valid."""
        label = f"{method.upper()} {path}"
        op = self.find_operation(method, path)
        if op is None:
            return [f"{label}: no such operation in {self.path.name}"]
        operation = self._node(op.pointer)
        if "requestBody" not in operation:
            return [] if body is None else [f"{label}: operation takes no request body"]
        body_pointer, request_body = self._deref(f"{op.pointer}/requestBody")
        if body is None:
            return [f"{label}: request body is required"] if request_body.get("required") else []
        if "application/json" not in request_body.get("content", {}):
            return [f"{label}: operation takes no JSON body"]
        schema_pointer = f"{body_pointer}/content/application~1json/schema"
        return self._schema_errors(schema_pointer, body, label)

    def validate_response(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Errors of a JSON response ``body`` against the documented schema for ``status``."""
        label = f"{method.upper()} {path} -> {status}"
        op = self.find_operation(method, path)
        if op is None:
            return [f"{label}: no such operation in {self.path.name}"]
        responses = self._node(f"{op.pointer}/responses")
        key = str(status) if str(status) in responses else "default"
        if key not in responses:
            return [f"{label}: status not documented"]
        response_pointer, response = self._deref(f"{op.pointer}/responses/{key}")
        if "application/json" not in response.get("content", {}):
            return [] if body is None else [f"{label}: no JSON body documented"]
        schema_pointer = f"{response_pointer}/content/application~1json/schema"
        return self._schema_errors(schema_pointer, body, label)
