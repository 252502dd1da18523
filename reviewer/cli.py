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
from reviewer.app.cli_flags import (
    FORMATS,
    LOCAL_NAMING,
    add_input_flags,
    environment_help,
    local_wording,
    named_files,
    raw_inputs,
)
from reviewer.app.runtime import Runtime
from reviewer.app.settings import build_settings
from reviewer.errors import EXIT_INCOMPLETE, ReviewerError

log = logging.getLogger("reviewer")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer",
        description="Review a pull request (or a local branch) with an LLM.",
        epilog="With no command, runs as the GitHub Action (reads INPUT_* and GITHUB_* variables; "
        "RUNNER_DEBUG=1 logs every HTTP request). Exit codes: 0 pass, 1 findings at or above "
        "--fail-on, 2 configuration error, 3 review incomplete (the model or GitHub failed).",
        add_help=False,
    )
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands")
    commands.add_parser("action", help="run as the GitHub Action (the default)")
    review = commands.add_parser(
        "review",
        help="review the current branch of a local git repository",
        description="Review what --head changes since it forked from --base, like a pull "
        "request, and print the findings. Flags are named like the action's inputs.",
        epilog=environment_help(),
    )
    where = review.add_argument_group("the branch")
    where.add_argument("--base", default="main", metavar="REF", help="base ref (default: main)")
    where.add_argument("--head", default="HEAD", metavar="REF", help="head ref (default: HEAD)")
    where.add_argument(
        "--repo",
        type=Path,
        default=Path("."),
        metavar="PATH",
        help="a path in the repository (default: .)",
    )
    where.add_argument(
        "--title", default="", metavar="TEXT", help="what the change is for (its PR's title)"
    )
    where.add_argument(
        "--description",
        default="",
        metavar="TEXT",
        help="what the change does and why (its PR's description)",
    )
    add_input_flags(review)
    report = review.add_argument_group("the report")
    report.add_argument(
        "--format",
        default="text",
        choices=FORMATS,
        help="report format: text (coloured on a terminal unless NO_COLOR is set), json (the "
        "report the findings-file input writes: findings, skipped and unreviewed files, "
        "failed parts, usage), markdown (a readable report) or sarif (SARIF 2.1.0, for GitHub "
        "code scanning and SARIF viewers); default: text",
    )
    report.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the report to FILE instead of standard output; the exit code still "
        "follows --fail-on",
    )
    report.add_argument(
        "-v", "--verbose", action="store_true", help="log every HTTP request to the model"
    )
    # `reviewer --help` shows the commands and then every flag of `review`.
    parser.add_argument(
        "-h", "--help", action=_HelpWithCommands, commands=(review,), help="show this help"
    )
    return parser


class _HelpWithCommands(argparse.Action):
    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str,
        commands: Sequence[argparse.ArgumentParser],
        help: str,
    ) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)
        self._commands = commands

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        pages = [parser.format_help(), *(command.format_help() for command in self._commands)]
        print("\n".join(pages), end="")
        parser.exit()


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
    verbose = env.get("RUNNER_DEBUG") == "1" if action_mode else args.verbose
    _configure_logging(verbose=verbose)
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


# Libraries that log every request (or retry) at INFO: noise in a job log or a terminal,
# unless asked for. openai logs its requests through httpx2's logger.
NOISY_LOGGERS = ("github", "urllib3", "httpx", "httpx2", "openai")


def _configure_logging(*, verbose: bool) -> None:
    root = logging.getLogger()
    if not any(isinstance(h, _CurrentStderr) for h in root.handlers):
        handler = _CurrentStderr(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)


def _report_error(message: str, action_mode: bool) -> None:
    if action_mode:
        annotation("error", message)
    else:
        print(f"reviewer: {local_wording(message)}", file=sys.stderr)


def _run_local(args: argparse.Namespace, env: Mapping[str, str], runtime: Runtime | None) -> int:
    settings = build_settings(raw_inputs(args, env), LOCAL_NAMING)
    # Imported once the settings are known good: a mistake is reported before any of the
    # model's or git's machinery loads.
    from reviewer.app.local import run_local

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
        named_files=named_files(args),
        title=args.title,
        description=args.description,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
