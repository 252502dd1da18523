"""GitHub Actions' file and log interfaces: outputs, step summary, annotations."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

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
        props.append(f"file={escape_property(file)}")
    if line is not None:
        props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    print(f"{head}::{escape_data(message)}", file=stream or sys.stdout, flush=True)


def write_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    """Append outputs to GITHUB_OUTPUT with a heredoc delimiter (values may span lines)."""
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as handle:
        for name, value in outputs.items():
            delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_step_summary(path: str | None, markdown: str) -> None:
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write(markdown.rstrip("\n") + "\n")
