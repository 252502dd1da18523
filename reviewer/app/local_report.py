"""Local mode's report: text (coloured on a terminal), JSON, markdown or SARIF."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

from reviewer import __version__
from reviewer.app.engine import ReviewOutcome
from reviewer.app.git import git
from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.diff import Side
from reviewer.core.policy import Verdict
from reviewer.core.render import BADGES, finding_body, one_line, sanitize
from reviewer.core.sarif import dumps, sarif_log
from reviewer.core.severity import Severity

# Output formats of `reviewer review --format`; "color" is text with ANSI colours (a TTY).
FORMATS = ("text", "json", "markdown", "sarif")

COLORS = MappingProxyType(
    {
        Severity.CRITICAL: "\033[31m",
        Severity.WARNING: "\033[33m",
        Severity.SUGGESTION: "\033[36m",
    }
)
BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"


def render_report(
    outcome: ReviewOutcome,
    verdict: Verdict,
    output: str,
    *,
    repo: Path,
    cost_usd: float | None = None,
) -> str:
    """`cost_usd`: the estimate for the model requests, None when the price is unknown."""
    if output == "json":
        return json.dumps(findings_json(outcome.findings), indent=2)
    if output == "sarif":
        # Diff paths are relative to the top level, which --repo need not be.
        root = Path(git(repo, "rev-parse", "--show-toplevel").strip()).as_uri()
        log = sarif_log(outcome.findings, tool_version=__version__, repo_root_uri=root)
        return dumps(log).rstrip("\n")
    if output == "markdown":
        return format_markdown(outcome, verdict, cost_usd)
    return format_text(outcome, verdict, color=output == "color", cost_usd=cost_usd)


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


def nothing_reviewed(outcome: ReviewOutcome) -> str | None:
    """Why nothing was sent to the model, or None if something was."""
    if outcome.chunks or outcome.failures:
        return None
    if outcome.skipped:
        return "every changed file was skipped"
    return "the diff is empty"


def _usage(outcome: ReviewOutcome, cost_usd: float | None) -> str:
    usage = outcome.usage
    cost = f", about ${cost_usd:.4f}" if cost_usd is not None and usage.requests else ""
    return (
        f"{usage.requests} request(s), {usage.prompt_tokens} prompt + "
        f"{usage.completion_tokens} completion tokens{cost}"
    )


def format_text(
    outcome: ReviewOutcome, verdict: Verdict, *, color: bool, cost_usd: float | None = None
) -> str:
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
    why_nothing = nothing_reviewed(outcome)
    if why_nothing is not None:
        lines.append(f"Nothing to review: {why_nothing}. Verdict: {verdict.label}.")
    else:
        lines.append(
            f"{len(outcome.findings)} finding(s) in {len(outcome.reviewed_files)} file(s); "
            f"{_usage(outcome, cost_usd)}. Verdict: {verdict.label}."
        )
    return "\n".join(lines)


def format_markdown(outcome: ReviewOutcome, verdict: Verdict, cost_usd: float | None = None) -> str:
    """A readable report (for a file, a PR description or an issue). Model text goes
    through the same escaping as PR comments: pasted on GitHub, it pings nobody."""
    counts = Counter(f.finding.severity for f in outcome.findings)
    lines = [
        "# reviewer report",
        "",
        f"**Verdict: {verdict.label}** · "
        + " · ".join(f"{BADGES[s]}: {counts.get(s, 0)}" for s in reversed(Severity)),
    ]
    if outcome.findings:
        lines += ["", "## Findings"]
    for f in _ordered(outcome.findings):
        finding = f.finding
        lines += [
            "",
            f"### {BADGES[finding.severity]} · {finding.category.value} · {_md_where(f)}",
            "",
            f"**{_md_text(finding.title)}**",
            "",
            finding_body(finding.body),
        ]
        if finding.suggestion and finding.suggestion.strip():
            lines += ["", "Suggested change:", "", _fenced(finding.suggestion.strip("\n"))]
    not_reviewed = [
        f"- {', '.join(_code(p) for p in failure.paths)}: **not reviewed**, "
        f"{_md_text(failure.reason)}"
        for failure in outcome.failures
    ] + [f"- {_code(s.path)}: skipped, {_md_text(s.reason)}" for s in outcome.skipped]
    if not_reviewed:
        lines += ["", "## Not reviewed", "", *not_reviewed]
    why_nothing = nothing_reviewed(outcome)
    if why_nothing is not None:
        lines += ["", f"_Nothing to review: {why_nothing}._"]
    else:
        lines += [
            "",
            f"_{len(outcome.reviewed_files)} file(s) reviewed; {_usage(outcome, cost_usd)}._",
        ]
    return "\n".join(lines)


def _md_text(text: str) -> str:
    return sanitize(one_line(text))


def _md_where(f: AnchoredFinding) -> str:
    if f.line is None:
        outside = f.placement is Placement.OUTSIDE
        note = " (file not in the diff)" if outside else " (line not in the diff)"
        return _code(f.path) + note
    start = f"{f.start_line}-" if f.start_line is not None else ""
    old = " (deleted line)" if f.side is Side.LEFT else ""
    return f"{_code(f.path)} L{start}{f.line}{old}"


def _code(text: str) -> str:
    """An inline code span that a backtick in the text cannot close early."""
    text = sanitize(one_line(text))
    ticks = "`"
    while ticks in text:
        ticks += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fenced(code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}\n{code}\n{fence}"
