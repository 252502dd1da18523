"""Findings as a SARIF 2.1.0 log, for GitHub code scanning (`codeql-action/upload-sarif`).

Code scanning shows SARIF results as alerts on the files of the default branch, so each
result points into the *new* version of a file: a finding on a deleted line (LEFT side)
has no line there and is reported on its file only. Output is deterministic (results in
a fixed order, one rule per category whatever was found) so that two runs over the same
findings upload identical logs and alerts keep their rule indexes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.diff import Side
from reviewer.core.findings import Category
from reviewer.core.markdown import one_line
from reviewer.core.render import MAX_FINDING_BODY
from reviewer.core.severity import Severity

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_NAME = "reviewer"
SRCROOT = "%SRCROOT%"
# Versioned: if the fingerprint recipe ever changes, a new key keeps code scanning from
# matching old alerts against incomparable values.
FINGERPRINT_KEY = "reviewerFingerprint/v1"

LEVELS = MappingProxyType(
    {
        Severity.CRITICAL: "error",
        Severity.WARNING: "warning",
        Severity.SUGGESTION: "note",
    }
)

# Every category is a rule, in the enum's order, so a rule's index never depends on what a
# particular run found.
RULE_CATEGORIES: tuple[Category, ...] = tuple(Category)
_RULE_INDEX = MappingProxyType({category: index for index, category in enumerate(RULE_CATEGORIES)})

_DESCRIPTIONS = MappingProxyType(
    {
        Category.BUG: "Incorrect behaviour: the code does not do what it is meant to.",
        Category.SECURITY: "A vulnerability or unsafe handling of data or credentials.",
        Category.PERFORMANCE: "Needless work, memory or latency.",
        Category.RELIABILITY: "Failure handling, races, resource leaks and other fragility.",
        Category.MAINTAINABILITY: "Code harder to read, change or reuse than it needs to be.",
        Category.TESTING: "Missing, wrong or fragile tests.",
        Category.DOCUMENTATION: "Missing, wrong or outdated documentation and comments.",
    }
)


def rule_id(category: Category) -> str:
    return f"{TOOL_NAME}/{category.value}"


def sarif_log(
    findings: Sequence[AnchoredFinding],
    *,
    tool_version: str,
    repo_root_uri: str | None = None,
) -> dict[str, Any]:
    """A SARIF log with one run holding every finding (inline, file-level or outside)."""
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": tool_version,
                "rules": [_rule(category) for category in RULE_CATEGORIES],
            }
        },
    }
    if repo_root_uri:
        # A base URI must end with "/" or the last segment is replaced on resolution.
        root = repo_root_uri if repo_root_uri.endswith("/") else repo_root_uri + "/"
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root}}
    run["results"] = [_result(f) for f in sorted(findings, key=_order)]
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def dumps(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(category: Category) -> dict[str, Any]:
    return {
        "id": rule_id(category),
        "name": category.value.capitalize(),
        "shortDescription": {"text": f"{category.value.capitalize()} finding of the LLM review"},
        "fullDescription": {"text": _DESCRIPTIONS[category]},
        # Results carry their own level; this is only the fallback SARIF readers show.
        "defaultConfiguration": {"level": "warning"},
        # Code scanning files alerts tagged "security" under security alerts.
        "properties": {"tags": [category.value]},
    }


def _order(f: AnchoredFinding) -> tuple[str, int, int, int, str, str]:
    return (
        f.path,
        f.start_line or f.line or 0,
        -f.finding.severity.rank,
        _RULE_INDEX[f.finding.category],
        f.finding.title,
        f.fingerprint,
    )


def _result(f: AnchoredFinding) -> dict[str, Any]:
    finding = f.finding
    return {
        "ruleId": rule_id(finding.category),
        "ruleIndex": _RULE_INDEX[finding.category],
        "level": LEVELS[finding.severity],
        "message": {"text": _message(f)},
        "locations": [_location(f)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {
            "category": finding.category.value,
            "severity": finding.severity.value,
            "placement": f.placement.value,
            "side": f.side.value,
        },
    }


def _has_region(f: AnchoredFinding) -> bool:
    return f.line is not None and f.side is Side.RIGHT


def _message(f: AnchoredFinding) -> str:
    """Plain text: code scanning shows `message.text` verbatim, so no markdown escaping."""
    finding = f.finding
    parts = [one_line(finding.title), _cut(finding.body.strip())]
    if f.line is not None and f.side is Side.LEFT:
        parts.append(f"(On line {f.line} of the base version, deleted by this change.)")
    if finding.suggestion and finding.suggestion.strip():
        parts.append("Suggested change:\n" + _cut(finding.suggestion.strip("\n")))
    return "\n\n".join(part for part in parts if part)


def _cut(text: str) -> str:
    # The model's text is bounded like a comment's: a runaway answer must not bloat the log.
    return text if len(text) <= MAX_FINDING_BODY else text[: MAX_FINDING_BODY - 1] + "…"


def _location(f: AnchoredFinding) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.path), "uriBaseId": SRCROOT}}
    if _has_region(f):
        assert f.line is not None  # checked by _has_region
        start = f.start_line if f.start_line is not None and f.start_line <= f.line else f.line
        physical["region"] = {"startLine": start, "endLine": f.line}
    return {"physicalLocation": physical}


def _uri(path: str) -> str:
    """A repo-relative path as a relative URI reference (spaces, `#`, `%`… escaped).

    Outside-the-diff paths come from the model verbatim; a leading "./" or "/" would make
    them resolve outside %SRCROOT%. ":" is escaped too: in a first segment it would read as
    a scheme ("C:/x")."""
    cleaned = path.strip().replace("\\", "/").removeprefix("./").lstrip("/")
    return quote(cleaned, safe="/-._~!$&'()*+,;=@")
