"""Report files the run writes for other steps of the job: SARIF for code scanning."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.sarif import dumps, sarif_log


def write_sarif(
    path: str,
    findings: Sequence[AnchoredFinding],
    *,
    tool_version: str,
    repo_root_uri: str | None = None,
) -> None:
    """Write the SARIF log to `path` (UTF-8), creating its directory if needed."""
    log = sarif_log(findings, tool_version=tool_version, repo_root_uri=repo_root_uri)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(log), encoding="utf-8")
