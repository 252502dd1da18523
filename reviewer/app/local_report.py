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
from reviewer.app.pipeline import Conclusion
from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.diff import Side
from reviewer.core.git_paths import display_path
from reviewer.core.json_report import report_json
from reviewer.core.markdown import clean, code_span, fenced, inert_line, one_line
from reviewer.core.policy import Verdict
from reviewer.core.render import BADGES, finding_body
from reviewer.core.sarif import dumps, sarif_log
from reviewer.core.severity import Severity

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
    conclusion: Conclusion,
    output: str,
    *,
    repo: Path,
    model: str,
    cost_usd: float | None = None,
) -> str:
    """`outcome.findings`: the findings to show (at or above `min-severity`); the JSON
    report holds every finding of `conclusion.plan`, with where each would be delivered.
    `cost_usd`: the estimate for the model requests, None when the price is unknown."""
    verdict = conclusion.verdict
    if output == "json":
        report = report_json(
            plan=conclusion.plan,
            verdict=verdict,
            reviewed_files=outcome.reviewed_files,
            skipped=outcome.skipped,
            failures=outcome.failures,
            usage=outcome.usage,
            model=model,
            walkthrough=outcome.walkthrough,
            context_used=outcome.context_used,
            verify_usage=outcome.verify_usage,
        )
        return json.dumps(report, indent=2, ensure_ascii=False)
    if output == "sarif":
        # Diff paths are relative to the top level, which --repo need not be.
        root = Path(git(repo, "rev-parse", "--show-toplevel").strip()).as_uri()
        log = sarif_log(outcome.findings, tool_version=__version__, repo_root_uri=root)
        return dumps(log).rstrip("\n")
    if output == "markdown":
        return format_markdown(outcome, verdict, cost_usd)
    return format_text(outcome, verdict, color=output == "color", cost_usd=cost_usd)


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
    # Model text and file names are cleaned of control characters: no escape sequence of
    # theirs reaches the terminal.
    for f in _ordered(outcome.findings):
        path = display_path(f.path)
        where = f"{path}:{f.line}" if f.line is not None else f"{path} (not in the diff)"
        severity = paint(COLORS[f.finding.severity], f.finding.severity.value)
        title = one_line(f.finding.title)
        lines.append(f"{paint(BOLD, where)}: {severity} [{f.finding.category.value}] {title}")
        lines.extend(f"    {line}" for line in clean(f.finding.body).strip().splitlines())
        if f.finding.suggestion:
            lines.append(paint(DIM, "    suggested:"))
            suggestion = clean(f.finding.suggestion).splitlines()
            lines.extend(paint(DIM, f"      {line}") for line in suggestion)
        lines.append("")
    for failure in outcome.failures:
        paths = ", ".join(display_path(p) for p in failure.paths)
        lines.append(f"not reviewed: {paths}: {one_line(failure.reason, 500)}")
    for skipped in outcome.skipped:
        status = "not reviewed" if skipped.unreviewed else "skipped"
        text = f"{status}: {display_path(skipped.path)}: {one_line(skipped.reason, 500)}"
        lines.append(text if skipped.unreviewed else paint(DIM, text))
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
            f"**{inert_line(finding.title)}**",
            "",
            finding_body(finding.body),
        ]
        if finding.suggestion and finding.suggestion.strip():
            lines += ["", "Suggested change:", "", fenced(finding.suggestion.strip("\n"))]
    not_reviewed = [
        f"- {', '.join(code_span(p) for p in failure.paths)}: **not reviewed**, "
        f"{inert_line(failure.reason)}"
        for failure in outcome.failures
    ] + [
        f"- {code_span(s.path)}: {'**not reviewed**' if s.unreviewed else 'skipped'}, "
        f"{inert_line(s.reason)}"
        for s in outcome.skipped
    ]
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


def _md_where(f: AnchoredFinding) -> str:
    if f.line is None:
        outside = f.placement is Placement.OUTSIDE
        note = " (file not in the diff)" if outside else " (line not in the diff)"
        return code_span(f.path) + note
    start = f"{f.start_line}-" if f.start_line is not None else ""
    old = " (deleted line)" if f.side is Side.LEFT else ""
    return f"{code_span(f.path)} L{start}{f.line}{old}"
