"""Report files the run writes for later steps of the job: SARIF for code scanning, and the
JSON report of every finding. A relative path is under the workspace, where both the
container and the job's other steps find it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reviewer import __version__
from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.sarif import dumps, sarif_log
from reviewer.errors import ConfigError


def resolve(path: str, workspace: str | None) -> Path:
    given = Path(path)
    return given if given.is_absolute() or not workspace else Path(workspace) / given


def write_sarif(
    path: str,
    findings: Sequence[AnchoredFinding],
    workspace: str | None = None,
    *,
    repo_root_uri: str | None = None,
) -> None:
    """SARIF 2.1.0 for `github/codeql-action/upload-sarif`."""
    log = sarif_log(findings, tool_version=__version__, repo_root_uri=repo_root_uri)
    _write(resolve(path, workspace), dumps(log), "sarif-file", path)


def write_findings(path: str, report: Mapping[str, Any], workspace: str | None = None) -> None:
    """The run's JSON report (`core.json_report`)."""
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    _write(resolve(path, workspace), text, "findings-file", path)


def _write(target: Path, text: str, name: str, given: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", errors="replace")
    except OSError as error:
        raise ConfigError(
            f"Cannot write {name} {given}: {error.strerror or error}.",
            hint=f"Set `{name}` to a writable path (relative paths are under the workspace).",
        ) from None
