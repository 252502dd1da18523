"""The flags of `reviewer review`: one per action input that makes sense locally.

A flag is named like its input (`fail-on` → `--fail-on`) and its value goes through the
same `build_settings` as the input's, so the two cannot mean different things. Adding an
input to action.yml fails tests/app/test_cli_parity.py until it has a line in FLAGS or,
with the reason, in ACTION_ONLY.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from reviewer.app.settings import DEFAULT_MODEL, Naming
from reviewer.core.concurrency import DEFAULT_CAP
from reviewer.core.guidance import DEFAULT_CONFIG_FILE, DEFAULT_RULES_FILE
from reviewer.core.policy import OnUnreviewed
from reviewer.core.prompt import PROFILES
from reviewer.core.severity import FAIL_ON_CHOICES, Severity


@dataclass(frozen=True, slots=True)
class Flag:
    input: str  # the action input it sets; the flag is --<input>
    help: str
    group: str = "review"  # the --help section: model, review or verdict
    default: str = ""  # shown in --help; the value itself comes from build_settings
    env: str = ""  # the variable read when the flag is not given
    choices: tuple[str, ...] = ()
    switch: bool = False  # a true/false input: the bare flag means true
    metavar: str = ""


GROUPS = MappingProxyType(
    {
        "model": "the model",
        "review": "what is reviewed, and how",
        "verdict": "the verdict",
    }
)

# One line per flag; the order is the order in --help.
FLAGS: tuple[Flag, ...] = (
    Flag("api-key", "API key of the model endpoint", "model", env="OPENAI_API_KEY", metavar="KEY"),
    Flag(
        "base-url",
        "an OpenAI-compatible endpoint (Azure OpenAI, vLLM, Ollama…) instead of OpenAI's API",
        "model",
        env="OPENAI_BASE_URL",
        metavar="URL",
    ),
    Flag(
        "model", "model name; for Azure, the deployment", "model", DEFAULT_MODEL, "REVIEWER_MODEL"
    ),
    Flag(
        "api-version",
        "Azure OpenAI API version, e.g. 2024-10-21; with it, --base-url is the resource "
        "endpoint and --model the deployment",
        "model",
        metavar="VERSION",
    ),
    Flag(
        "model-options",
        "JSON object of extra model parameters, e.g. '{\"temperature\": 0.2}'",
        "model",
        metavar="JSON",
    ),
    Flag(
        "request-timeout",
        "seconds to wait for one model answer before retrying it",
        "model",
        "120",
        metavar="SECONDS",
    ),
    Flag(
        "time-limit",
        "minutes the model requests may take in all; what is left is listed as not reviewed",
        "model",
        "20",
        metavar="MINUTES",
    ),
    Flag(
        "concurrency",
        "most model requests in flight at once (1-256); fewer while the provider's rate "
        "limits or its answers say so",
        "model",
        str(DEFAULT_CAP),
        metavar="N",
    ),
    Flag(
        "pricing",
        "USD per million tokens for the cost estimate, e.g. "
        '\'{"input": 0.4, "output": 1.6}\'; without it, the built-in table',
        "model",
        metavar="JSON",
    ),
    Flag("rules", "review rules added to the prompt", metavar="TEXT"),
    Flag("rules-file", "rules file, read at --base", default=DEFAULT_RULES_FILE, metavar="PATH"),
    Flag(
        "config-file",
        "config file (path instructions, severity overrides, excludes), read at --base",
        default=DEFAULT_CONFIG_FILE,
        metavar="PATH",
    ),
    Flag(
        "context-files", "globs of files (at --base) given to the model as context", metavar="GLOBS"
    ),
    Flag(
        "profile",
        f"review profiles, comma-separated: {', '.join(PROFILES)}",
        default="general",
        metavar="NAMES",
    ),
    Flag(
        "include", "globs of the files to review (comma-separated); all without it", metavar="GLOBS"
    ),
    Flag("exclude", "globs of files to skip (comma-separated)", metavar="GLOBS"),
    Flag(
        "max-chunk-tokens",
        "tokens of diff per model request; without it, from the model's context window",
        metavar="N",
    ),
    Flag(
        "max-tokens", "cap on the diff tokens reviewed in the run; no cap without it", metavar="N"
    ),
    Flag("full-files", "show small changed files whole to the model, not only hunks", switch=True),
    Flag(
        "context-lines",
        "lines of context around each change (0 to 2: fewer than git's 3)",
        default="6",
        metavar="N",
    ),
    Flag(
        "enclosing-scope",
        "show the function or class around each change when it fits",
        default="true",
        choices=("true", "false"),
    ),
    Flag(
        "related-context-tokens",
        "tokens per request for definitions and call sites of the changed code (0: none)",
        default="800",
        metavar="N",
    ),
    Flag(
        "context-report",
        "a report or SARIF file (a linter's, a scanner's) given to the model as context",
        metavar="PATH",
    ),
    Flag(
        "verify", "check each finding at warning or above with a second, short request", switch=True
    ),
    Flag(
        "fail-on",
        "lowest severity that fails the run (exit 1)",
        "verdict",
        "critical",
        choices=FAIL_ON_CHOICES,
    ),
    Flag(
        "min-severity",
        "lowest severity shown in the report (all still count for --fail-on)",
        "verdict",
        "suggestion",
        choices=tuple(s.value for s in Severity),
    ),
    Flag(
        "on-unreviewed",
        "the verdict when part of the branch was not reviewed: incomplete (exit 3), fail, pass",
        "verdict",
        "incomplete",
        choices=tuple(p.value for p in OnUnreviewed),
    ),
)

# Output formats of `reviewer review --format`; "color" is text with ANSI colours (a TTY).
FORMATS = ("text", "json", "markdown", "sarif")

# Inputs with no flag, and why: local mode reviews a branch of a local repository,
# reports in the terminal and posts nothing.
ACTION_ONLY: Mapping[str, str] = MappingProxyType(
    {
        "github-token": "local mode makes no GitHub request",
        "pr-number": "local mode reviews --base...--head, not a pull request",
        "review-drafts": "there is no pull request, so no draft",
        "dry-run": "local mode never posts: every local run is a dry run",
        "max-comments": "caps inline comments on a pull request; the report lists everything",
        "max-comments-per-file": "caps inline comments per file; the report lists everything",
        "sarif-file": "--format sarif with --output FILE writes the same SARIF",
        "findings-file": "--format json with --output FILE writes the same report",
        "bot-login": "tells whose comments to trust on a pull request; local mode reads none",
        "review": "local mode is a review; routing, SLAs and the merge queue act on GitHub",
        "assign-reviewers": "requests reviewers on a pull request",
        "familiarity-decay": "a reviewer-routing setting",
        "max-open-reviews": "a reviewer-routing setting",
        "min-familiarity": "a reviewer-routing setting",
        "review-sla": "the SLA scan runs over a repository's open pull requests",
        "escalation": "the SLA scan's escalation tiers",
        "escalation-sla": "the SLA scan's escalation tiers",
        "sla-label": "the SLA scan labels pull requests",
    }
)

LOCAL_NAMING = Naming(
    describe=lambda name: f"--{name}",
    no_api_key_hint="Pass --api-key or set OPENAI_API_KEY. A local OpenAI-compatible server "
    "that needs no key can be used with --base-url (or OPENAI_BASE_URL).",
)

# Files named by these flags must exist at --base when given (a missing default is fine).
FILE_FLAGS = ("rules-file", "config-file")


def add_input_flags(parser: argparse.ArgumentParser) -> None:
    sections = {key: parser.add_argument_group(title) for key, title in GROUPS.items()}
    for flag in FLAGS:
        group = sections[flag.group]
        name = f"--{flag.input}"
        if flag.switch:
            group.add_argument(name, action="store_true", default=None, help=flag.help)
            continue
        shown = [f"${flag.env}"] if flag.env else []
        shown += [flag.default] if flag.default else []
        text = flag.help + (f" (default: {', else '.join(shown)})" if shown else "")
        group.add_argument(
            name,
            default=None,
            choices=flag.choices or None,
            metavar=flag.metavar or None,
            help=text.replace("%", "%%"),
        )


def raw_inputs(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, str]:
    """Input name → value, for `build_settings`: the flag, else its variable, else absent
    (absent means the input's default)."""
    raw: dict[str, str] = {}
    for flag in FLAGS:
        value = getattr(args, _dest(flag.input))
        if value is None and flag.env:
            value = env.get(flag.env) or None
        if value is not None:
            raw[flag.input] = ("true" if value else "false") if flag.switch else str(value)
    return raw


def named_files(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(flag, path) of the file flags given on the command line."""
    return [
        (f"--{name}", value)
        for name in FILE_FLAGS
        if (value := getattr(args, _dest(name))) is not None
    ]


def environment_help() -> str:
    variables = ", ".join(f"{flag.env} (--{flag.input})" for flag in FLAGS if flag.env)
    return f"Environment: {variables}; a flag wins over its variable. NO_COLOR turns colour off."


def local_wording(message: str) -> str:
    """A message for the terminal: the settings it names in backticks as inputs
    (`time-limit`, "the `model` input") become flags (`--time-limit`)."""
    for flag in FLAGS:
        name = re.escape(flag.input)
        message = re.sub(rf"the `{name}` input", f"`--{flag.input}`", message)
        message = re.sub(rf"`{name}`", f"`--{flag.input}`", message)
    return message


def _dest(name: str) -> str:
    return name.replace("-", "_")
