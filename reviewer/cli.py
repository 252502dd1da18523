"""Command line: `python -m reviewer` runs the action; `python -m reviewer review` runs locally.

Every failure the user can fix ends as one clear message and a documented exit code:
0 pass, 1 findings at or above fail-on, 2 configuration error, 3 review incomplete.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

from reviewer import __version__
from reviewer.app.actions_io import annotation
from reviewer.app.local_report import FORMATS
from reviewer.app.runtime import Runtime
from reviewer.app.settings import DEFAULT_CONCURRENCY, DEFAULT_MODEL, build_settings
from reviewer.core.severity import FAIL_ON_CHOICES
from reviewer.errors import EXIT_INCOMPLETE, ReviewerError

log = logging.getLogger("reviewer")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer",
        description="Review a pull request (or a local branch) with an LLM.",
        epilog="With no command, runs as the GitHub Action (reads INPUT_* and GITHUB_* variables). "
        "Exit codes: 0 pass, 1 findings at or above --fail-on, 2 configuration error, "
        "3 review incomplete (the model or GitHub failed).",
    )
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("action", help="run as the GitHub Action (the default)")
    review = commands.add_parser(
        "review",
        help="review the current branch of a local git repository",
        description="Review what HEAD changes since it forked from --base, like a pull request.",
    )
    review.add_argument("--base", default="main", help="base ref (default: main)")
    review.add_argument("--head", default="HEAD", help="head ref (default: HEAD)")
    review.add_argument("--repo", type=Path, default=Path("."), help="repository path")
    review.add_argument("--model", default=None)
    review.add_argument("--api-key", default=None, help="model API key (default: $OPENAI_API_KEY)")
    review.add_argument(
        "--base-url", default=None, help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)"
    )
    review.add_argument("--rules", default="", help="extra review rules (free text)")
    review.add_argument("--rules-file", default="", help="rules file, read at --base")
    review.add_argument("--fail-on", default="critical", choices=FAIL_ON_CHOICES)
    review.add_argument("--max-chunk-tokens", default="")
    review.add_argument("--include", default="", help="globs to review, comma-separated")
    review.add_argument("--exclude", default="", help="globs to skip, comma-separated")
    review.add_argument("--concurrency", default=str(DEFAULT_CONCURRENCY))
    review.add_argument(
        "--profile",
        default="general",
        help="review profiles, comma-separated: general, security, resilience, performance",
    )
    review.add_argument(
        "--config-file", default="", help="config file, read at --base (.github/reviewer.yml)"
    )
    review.add_argument(
        "--context-files", default="", help="globs of files (at --base) given as context"
    )
    review.add_argument(
        "--full-files",
        action="store_true",
        help="show small changed files whole to the model, not only their hunks",
    )
    review.add_argument("--title", default="", help="what the change is for (its PR title)")
    review.add_argument(
        "--description", default="", help="what the change does and why (its PR description)"
    )
    review.add_argument(
        "--context-lines", default="", help="lines of context around each change (default 6)"
    )
    review.add_argument(
        "--enclosing-scope",
        default="true",
        choices=("true", "false"),
        help="show the function or class around each change when it fits (default true)",
    )
    review.add_argument(
        "--related-context-tokens",
        default="",
        help="tokens per request for definitions and call sites of the changed code (default 800)",
    )
    review.add_argument(
        "--context-report", default="", help="a report or SARIF file given to the model as context"
    )
    review.add_argument(
        "--verify",
        action="store_true",
        help="check each finding at warning or above with a second, short request",
    )
    review.add_argument(
        "--min-severity",
        default="suggestion",
        choices=("suggestion", "warning", "critical"),
        help="lowest severity to report (all still count for --fail-on)",
    )
    review.add_argument(
        "--format",
        default="text",
        choices=FORMATS,
        help="report format: text (coloured on a terminal unless NO_COLOR is set), json (the "
        "findings as a list), markdown (a readable report) or sarif (SARIF 2.1.0, for GitHub "
        "code scanning and SARIF viewers); default: text",
    )
    review.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the report to FILE instead of standard output; the exit code still "
        "follows --fail-on",
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    runtime: Runtime | None = None,
) -> int:
    """`env`: the environment to read (default: the process's); `runtime`: the run's waits."""
    env = os.environ if env is None else env
    args = build_parser().parse_args(argv)
    action_mode = args.command in (None, "action")
    _configure_logging()
    try:
        if action_mode:
            from reviewer.app.action import run_action

            return run_action(env, runtime)
        return _run_local(args, env, runtime)
    except ReviewerError as error:
        _report_error(str(error), action_mode)
        return error.exit_code
    except KeyboardInterrupt:
        return EXIT_INCOMPLETE
    except Exception:  # noqa: BLE001 - last resort: a bug must still end as a clear report
        _report_error(
            "Internal error in reviewer; please report it with this log.\n"
            + traceback.format_exc(),
            action_mode,
        )
        return EXIT_INCOMPLETE


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record is emitted (tests redirect it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.setStream(sys.stderr)
        super().emit(record)


def _configure_logging() -> None:
    root = logging.getLogger()
    if not any(isinstance(h, _CurrentStderr) for h in root.handlers):
        handler = _CurrentStderr(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    # PyGithub and the HTTP stack log every retried request at INFO: noise in a job log.
    for noisy in ("github", "urllib3", "httpx", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _report_error(message: str, action_mode: bool) -> None:
    if action_mode:
        annotation("error", message)
    else:
        print(f"reviewer: {message}", file=sys.stderr)


def _run_local(args: argparse.Namespace, env: Mapping[str, str], runtime: Runtime | None) -> int:
    from reviewer.app.local import run_local

    settings = build_settings(
        {
            "api-key": args.api_key or env.get("OPENAI_API_KEY", ""),
            "base-url": args.base_url or env.get("OPENAI_BASE_URL", ""),
            "model": args.model or env.get("REVIEWER_MODEL") or DEFAULT_MODEL,
            "rules": args.rules,
            "rules-file": args.rules_file,
            "fail-on": args.fail_on,
            "max-chunk-tokens": args.max_chunk_tokens,
            "include": args.include,
            "exclude": args.exclude,
            "concurrency": args.concurrency,
            "profile": args.profile,
            "config-file": args.config_file,
            "context-files": args.context_files,
            "min-severity": args.min_severity,
            "full-files": "true" if args.full_files else "false",
            "context-lines": args.context_lines,
            "enclosing-scope": args.enclosing_scope,
            "related-context-tokens": args.related_context_tokens,
            "context-report": args.context_report,
            "verify": "true" if args.verify else "false",
        }
    )
    output = args.format
    # Colour only for a person at a terminal: never in a file, a pipe or with NO_COLOR.
    to_terminal = args.output is None and sys.stdout.isatty()
    if output == "text" and to_terminal and not env.get("NO_COLOR"):
        output = "color"
    return run_local(
        settings,
        repo=args.repo,
        base=args.base,
        head=args.head,
        output=output,
        output_file=args.output,
        runtime=runtime,
        title=args.title,
        description=args.description,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
