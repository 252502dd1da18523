"""The `context-report` input: a file an earlier step of the job wrote (an advice report, a
chaos-experiment analysis, a linter's SARIF), given to the model as untrusted context.

SARIF keeps only the results on files the pull request changes, one line each; any other
text is used as it is. Either way it is capped.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any
from urllib.parse import unquote

from reviewer.core.review_context import ContextPart, cut_to_tokens
from reviewer.core.tokens import TokenCounter

REPORT_TOKEN_CAP = 2_000


def report_part(
    name: str,
    text: str,
    changed: Collection[str],
    count_tokens: TokenCounter,
    cap: int = REPORT_TOKEN_CAP,
) -> tuple[ContextPart | None, str]:
    """The report as a prompt section, and a note for the summary saying what was used."""
    results = sarif_results(text, changed)
    if results is not None:
        body = "\n".join(results)
        what = f"{len(results)} result(s) on changed files from the SARIF file `{name}`"
    else:
        body = text.strip()
        what = f"the report `{name}`"
    if not body:
        return None, f"Context report: {what} had nothing to add."
    fitted = cut_to_tokens(body, count_tokens, cap)
    cut = " (cut to fit its token cap)" if fitted != body else ""
    note = "A report from an earlier step of the job (untrusted; for reference):"
    return ContextPart("CONTEXT REPORT", note, fitted), f"Context report: {what}{cut}."


def sarif_results(text: str, changed: Collection[str]) -> list[str] | None:
    """One line per SARIF result located in a changed file; None if `text` is not SARIF."""
    try:
        data: Any = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        return None
    wanted = sorted(set(changed), key=lambda p: (-len(p), p))  # the longest match wins
    lines: list[str] = []
    for run in data["runs"]:
        tool = _get(run, "tool", "driver", "name") or "tool"
        for result in _list(run.get("results") if isinstance(run, dict) else None):
            for location in _list(result.get("locations")):
                uri = str(_get(location, "physicalLocation", "artifactLocation", "uri") or "")
                match = _changed_file(uri, wanted)
                if match is None:
                    continue
                line = _get(location, "physicalLocation", "region", "startLine")
                message = str(_get(result, "message", "text") or "").replace("\n", " ")
                rule = result.get("ruleId") or ""
                level = result.get("level") or "warning"
                where = f"{match}:{line}" if isinstance(line, int) else match
                lines.append(f"{where}: {level} [{tool} {rule}] {message}".strip())
    return lines


def _changed_file(uri: str, wanted: list[str]) -> str | None:
    """The changed file a result's URI names: relative (`./` and `%20` allowed, a dot
    folder such as `.github/` kept) or absolute (a checkout's path ending in it)."""
    path = unquote(uri.removeprefix("file://"))
    while path.startswith("./"):
        path = path[2:]
    return next((p for p in wanted if path == p or path.endswith("/" + p)), None)


def _list(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node
