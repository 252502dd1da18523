"""GitHub Actions' file and log interfaces: outputs, step summary, annotations."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reviewer.core.markdown import clean
from reviewer.core.severity import Severity
from reviewer.errors import ConfigError

if TYPE_CHECKING:
    from reviewer.core.anchoring import AnchoredFinding

# What the action publishes as step outputs; keep in step with action.yml.
OUTPUT_NAMES = (
    "findings",
    "critical",
    "review-url",
    "summary-url",
    "verdict",
    "prompt-tokens",
    "completion-tokens",
    "cost",
    "findings-file",
    "overdue",  # the SLA scan's counts, for dashboards
    "escalated",
    "open-prs",
)


@dataclass(frozen=True, slots=True)
class RunnerEnv:
    """The variables the Actions runner sets for every step."""

    event_name: str
    event_path: str | None
    repository: str
    api_url: str
    output_path: str | None
    step_summary_path: str | None
    workspace: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RunnerEnv:
        repository = env.get("GITHUB_REPOSITORY", "")
        if not repository:
            raise ConfigError(
                "GITHUB_REPOSITORY is not set.",
                hint="Run the action from a workflow, or use `python -m reviewer review` locally.",
            )
        return cls(
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event_path=env.get("GITHUB_EVENT_PATH"),
            repository=repository,
            api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
            output_path=env.get("GITHUB_OUTPUT"),
            step_summary_path=env.get("GITHUB_STEP_SUMMARY"),
            workspace=env.get("GITHUB_WORKSPACE"),
        )


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: str,
    message: str,
    *,
    title: str = "",
    file: str = "",
    line: int | None = None,
    stream: TextIO | None = None,
) -> None:
    """Print a workflow command such as `::error file=a.py,line=3,title=...::message`."""
    props = []
    if file:
        props.append(f"file={escape_property(clean(file))}")
    if line is not None:
        props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(clean(title))}")
    message = clean(message)
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    print(f"{head}::{escape_data(message)}", file=stream or sys.stdout, flush=True)


def write_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    """Append outputs to GITHUB_OUTPUT with a heredoc delimiter (values may span lines)."""
    if not path:
        return
    with Path(path).open("a", encoding="utf-8", errors="replace") as handle:
        for name, value in outputs.items():
            delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_step_summary(path: str | None, markdown: str) -> None:
    if not path:
        return
    with Path(path).open("a", encoding="utf-8", errors="replace") as handle:
        handle.write(markdown.rstrip("\n") + "\n")


# GitHub shows at most 10 error and 10 warning annotations per step.
ANNOTATIONS_PER_LEVEL = 10


def annotate(findings: Sequence[AnchoredFinding]) -> None:
    """Findings as `::error`/`::warning` annotations on their lines, most severe first,
    within GitHub's per-step limits (the step summary lists them all)."""
    shown = {"error": 0, "warning": 0}
    for finding in sorted(findings, key=lambda f: -f.finding.severity.rank):
        level = "error" if finding.finding.severity is Severity.CRITICAL else "warning"
        if shown[level] >= ANNOTATIONS_PER_LEVEL:
            continue
        shown[level] += 1
        annotation(
            level,
            finding.finding.body,
            title=finding.finding.title,
            file=finding.path,
            line=finding.line,
        )
