"""Local mode: review a branch of a git repository from the terminal, with no GitHub."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

from reviewer.anchoring import AnchoredFinding
from reviewer.components import chunk_reviewer, merge_rules, review_options
from reviewer.engine import ReviewOutcome, review_diff
from reviewer.errors import ConfigError
from reviewer.policy import Verdict, decide_verdict
from reviewer.settings import Settings
from reviewer.severity import Severity
from reviewer.tokens import make_token_counter

COLORS = {
    Severity.CRITICAL: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.SUGGESTION: "\033[36m",
}
BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"


def git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise ConfigError("git is not installed or not on PATH.") from None
    if done.returncode != 0:
        raise ConfigError(
            f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace').strip()}",
            hint="Check --repo, --base and --head name a git repository and existing refs.",
        )
    # Diffs may hold any bytes; undecodable ones are kept visible, not fatal.
    return done.stdout.decode("utf-8", errors="replace")


def branch_diff(repo: Path, base: str, head: str) -> str:
    """What `head` changes since it forked from `base` (the PR view: base...head)."""
    return git(
        repo, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", f"{base}...{head}"
    )


def file_at(repo: Path, ref: str, path: str) -> str:
    """A file as it is at `ref` (the base), or "" when it is not there."""
    try:
        return git(repo, "show", f"{ref}:{path}")
    except ConfigError:
        return ""


def run_local(settings: Settings, *, repo: Path, base: str, head: str, output: str) -> int:
    diff = branch_diff(repo, base, head)
    rules = merge_rules(settings.rules, file_at(repo, base, settings.rules_file))
    options = review_options(
        settings, rules=rules, gitattributes=file_at(repo, base, ".gitattributes")
    )
    count_tokens, _ = make_token_counter(settings.model)
    outcome = review_diff(
        diff,
        options,
        chunk_reviewer(settings, rules=rules),
        count_tokens,
        time_limit_s=settings.time_limit_s,
    )
    verdict = decide_verdict(outcome.findings, settings.fail_on, incomplete=bool(outcome.failures))
    if output == "json":
        print(json.dumps(findings_json(outcome.findings), indent=2))
    else:
        print(format_text(outcome, verdict, color=output == "color"))
    return verdict.exit_code


def findings_json(findings: Sequence[AnchoredFinding]) -> list[dict[str, object]]:
    return [
        {
            **f.finding.model_dump(mode="json"),
            "path": f.path,
            "line": f.line,
            "start_line": f.start_line,
            "side": f.side.value,
            "placement": f.placement.value,
            "fingerprint": f.fingerprint,
        }
        for f in _ordered(findings)
    ]


def _ordered(findings: Sequence[AnchoredFinding]) -> list[AnchoredFinding]:
    return sorted(findings, key=lambda f: (f.path, f.line or 0, -f.finding.severity.rank))


def format_text(outcome: ReviewOutcome, verdict: Verdict, *, color: bool) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    lines: list[str] = []
    for f in _ordered(outcome.findings):
        where = f"{f.path}:{f.line}" if f.line is not None else f"{f.path} (not in the diff)"
        severity = paint(COLORS[f.finding.severity], f.finding.severity.value)
        lines.append(
            f"{paint(BOLD, where)}: {severity} [{f.finding.category.value}] {f.finding.title}"
        )
        lines.extend(f"    {line}" for line in f.finding.body.strip().splitlines())
        if f.finding.suggestion:
            lines.append(paint(DIM, "    suggested:"))
            lines.extend(paint(DIM, f"      {line}") for line in f.finding.suggestion.splitlines())
        lines.append("")
    for failure in outcome.failures:
        lines.append(f"not reviewed: {', '.join(failure.paths)}: {failure.reason}")
    for skipped in outcome.skipped:
        lines.append(paint(DIM, f"skipped: {skipped.path}: {skipped.reason}"))
    lines.append(
        f"{len(outcome.findings)} finding(s) in {len(outcome.reviewed_files)} file(s); "
        f"{outcome.usage.requests} request(s), {outcome.usage.prompt_tokens} prompt + "
        f"{outcome.usage.completion_tokens} completion tokens. Verdict: {verdict.label}."
    )
    return "\n".join(lines)
