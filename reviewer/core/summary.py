"""The summary: one comment on the PR, kept up to date in place, and the step summary.

Everything the model or the PR's author wrote (titles, explanations, file names, reasons
naming files) goes through `core.markdown`; the rest is ours."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.fingerprint import summary_marker
from reviewer.core.markdown import cell, code_span, inert_line
from reviewer.core.recorded_extras import recorded_extras
from reviewer.core.render import BADGES, finding_body
from reviewer.core.report import RunReport
from reviewer.core.severity import Severity
from reviewer.core.state import state_block
from reviewer.core.verdict_marker import verdict_marker

# GitHub rejects comment bodies over 65,536 characters; keep room for the marker. A job's
# step summary may hold 1 MiB: there, every finding is listed.
MAX_BODY = 65_000
MAX_STEP_SUMMARY = 1_000_000
TITLE = "## 🤖 reviewer"
TRUNCATED = (
    "\n_…truncated to fit GitHub's comment size limit; the job's step summary and the "
    "findings file list everything._"
)


def _status(report: RunReport) -> str:
    verdict = report.verdict
    unreviewed = _unreviewed_count(report)
    parts: list[str] = []
    if unreviewed:
        what = "part" if unreviewed == 1 else "parts"
        parts.append(
            f"⚠️ **Not everything was reviewed**: {unreviewed} {what} of this pull request "
            f"(listed under *Not reviewed*) did not reach the model."
        )
    if verdict.failing:
        threshold = verdict.threshold.value if verdict.threshold else ""
        parts.append(
            f"❌ **Changes requested**: {len(verdict.failing)} finding(s) at or above "
            f"`{threshold}`. Fix them or explain why they don't apply."
        )
    elif verdict.failed:
        parts.append("❌ **Failing**: `on-unreviewed: fail` and part of the PR was not reviewed.")
    elif verdict.incomplete and verdict.label == "incomplete":
        parts.append("⚠️ **Review incomplete**: this check is neither a pass nor a failure.")
    elif verdict.incomplete:
        parts.append("✅ **Passing** with parts unreviewed (`on-unreviewed: pass`).")
    elif report.plan.counted:
        parts.append("✅ **No blocking findings.** Worth a look before merging.")
    else:
        parts.append("✅ **No findings.** Looks good to merge.")
    return "\n\n".join(parts)


def _unreviewed_count(report: RunReport) -> int:
    return len(report.failed_chunks) + sum(1 for s in report.skipped_files if s.unreviewed)


def _scope(report: RunReport) -> str:
    if report.since is None:
        return ""
    return (
        f"\n\nIncremental review of the commits since {report.since[:12]}; open findings "
        "from earlier reviews are carried forward."
    )


def _counts(findings: list[AnchoredFinding]) -> str:
    counts = Counter(f.finding.severity for f in findings)
    header = "| " + " | ".join(BADGES[s] for s in reversed(Severity)) + " |"
    rule = "|" + "---|" * len(Severity)
    row = "| " + " | ".join(str(counts.get(s, 0)) for s in reversed(Severity)) + " |"
    return "\n".join((header, rule, row))


def _where(finding: AnchoredFinding) -> str:
    if finding.placement is Placement.OUTSIDE:
        # Not a file of this review: listed without one, the name the model gave quoted.
        return f"no reviewed file (named {code_span(finding.path)})"
    if finding.line is None:
        return code_span(finding.path)
    start = f"{finding.start_line}-" if finding.start_line else ""
    return f"{code_span(finding.path)} L{start}{finding.line}"


def _findings_table(report: RunReport) -> list[str]:
    rows: list[str] = []
    for group in report.plan.new_inline:
        url = report.comment_urls.get(group.fingerprint) or report.review_url
        rows.extend(_row(f, f"[comment]({url})" if url else "new") for f in group.findings)
    for finding, url in report.plan.already_posted:
        rows.append(_row(finding, f"[comment]({url})"))
    if not rows:
        return []
    return [
        "### Inline findings",
        "| Severity | Where | Finding | |",
        "|---|---|---|---|",
        *rows,
    ]


def _row(finding: AnchoredFinding, link: str) -> str:
    badge = BADGES[finding.finding.severity]
    title = cell(inert_line(finding.finding.title, 120))
    return f"| {badge} | {cell(_where(finding))} | {title} | {link} |"


def _summary_only(report: RunReport) -> list[str]:
    if not report.plan.summary_only:
        return []
    lines = ["### Findings not placed inline"]
    for entry in report.plan.summary_only:
        finding = entry.finding
        lines.append(
            f"- **{BADGES[finding.finding.severity]}** {_where(finding)}: "
            f"**{inert_line(finding.finding.title, 120)}** ({inert_line(entry.reason)}) "
            f"`{finding.fingerprint[:8]}`\n\n" + _indent(finding_body(finding.finding.body))
        )
    return lines


def _walkthrough(report: RunReport) -> str:
    """What the pull request changes, one line per file or group, from the review's answers."""
    notes = {(note.path, note.summary): note for note in report.walkthrough}
    lines = [
        f"- {code_span(note.path, 200)}: {inert_line(note.summary, 300)}"
        for note in list(notes.values())[:MAX_WALKTHROUGH]
    ]
    if len(notes) > MAX_WALKTHROUGH:
        lines.append(f"- …and {len(notes) - MAX_WALKTHROUGH} more")
    return "### Walkthrough\n" + "\n".join(lines) if lines else ""


MAX_WALKTHROUGH = 40


def _rejected(report: RunReport) -> list[str]:
    if not report.plan.rejected:
        return []
    lines = [
        f"- {BADGES[r.finding.finding.severity]} {_where(r.finding)}: "
        f"{inert_line(r.finding.finding.title, 120)}: {inert_line(r.reason)} "
        f"`{r.finding.fingerprint[:8]}`"
        for r in report.plan.rejected
    ]
    count = len(lines)
    return [
        f"<details><summary>Rejected by verification ({count}, not counted)</summary>\n",
        *lines,
        "\n</details>",
    ]


def _context_used(report: RunReport) -> list[str]:
    if not report.context_used:
        return []
    lines = [f"- {inert_line(item, 300)}" for item in report.context_used]
    return [
        f"<details><summary>Context used ({len(lines)})</summary>\n",
        *lines,
        "\n</details>",
    ]


def _dismissed(report: RunReport) -> list[str]:
    if not report.plan.dismissed:
        return []
    lines = ["### Dismissed by maintainers (not counted)"]
    for entry in report.plan.dismissed:
        finding = entry.finding
        lines.append(
            f"- ~~{BADGES[finding.finding.severity]}~~ {_where(finding)}: "
            f"{inert_line(finding.finding.title, 120)}: dismissed, {inert_line(entry.reason)}"
        )
    return lines


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())


def _not_reviewed(report: RunReport) -> list[str]:
    lines: list[str] = []
    for failure in report.failed_chunks:
        paths = ", ".join(code_span(p) for p in failure.paths)
        lines.append(f"- {paths}: **not reviewed**, {inert_line(failure.reason)}")
    for skipped in report.skipped_files:
        status = "**not reviewed**" if skipped.unreviewed else "skipped"
        lines.append(f"- {code_span(skipped.path)}: {status}, {inert_line(skipped.reason)}")
    return ["### Not reviewed", *lines] if lines else []


def _reviewed_files(report: RunReport) -> list[str]:
    if not report.reviewed_files:
        return []
    files = "\n".join(f"- {code_span(path)}" for path in report.reviewed_files)
    count = len(report.reviewed_files)
    return [f"<details><summary>Files reviewed ({count})</summary>\n\n{files}\n\n</details>"]


def _footer(report: RunReport, record_complete: bool) -> str:
    usage = report.usage
    files = f"{len(report.reviewed_files)} file(s) reviewed"
    cost = f" (≈ ${report.cost_usd:.4f})" if report.cost_usd is not None else ""
    checked = report.verify_usage
    if checked.requests:
        cost += (
            f" · verification: {checked.requests} request(s), {checked.prompt_tokens} prompt tokens"
        )
    partial = (
        ""
        if record_complete
        else "\n\n_Too many open findings to remember them all: the next push gets a full review._"
    )
    parallel = f" (up to {report.concurrency} at once)" if report.concurrency > 1 else ""
    return (
        f"<sub>{files} · model {code_span(report.model, 80)} · {usage.requests} request(s)"
        f"{parallel}, {usage.prompt_tokens} prompt + {usage.completion_tokens} completion "
        f"tokens{cost} · "
        f"{report.duration_s:.1f}s · commit {report.head_sha[:12]}</sub>{partial}"
    )


@dataclass(frozen=True, slots=True)
class SummaryParts:
    """The summary rendered once, to be cut to size for each place it goes (the comment,
    the step summary): rendering thousands of findings is the costly part."""

    head: tuple[str, ...]
    sections: tuple[tuple[str, ...], ...]
    footer: str
    verdict: str  # for the merge-queue gate (`core.verdict_marker`)
    state: str
    marker: str


def summary_parts(report: RunReport) -> SummaryParts:
    walkthrough = _walkthrough(report)
    block, complete = state_block(
        report.open_findings,
        reviewed_all=_unreviewed_count(report) == 0,
        config=report.config,
        base_ref=report.base_ref,
        # For a run that reuses this review: it shows the same.
        extras=recorded_extras(report.walkthrough, report.context_used, report.plan.rejected),
    )
    return SummaryParts(
        head=(
            TITLE,
            *((walkthrough,) if walkthrough else ()),
            _status(report) + _scope(report),
            _counts(report.plan.counted),
        ),
        sections=tuple(
            tuple(section)
            for section in (
                _findings_table(report),
                _summary_only(report),
                _dismissed(report),
                _rejected(report),
                _not_reviewed(report),
                _context_used(report),
                _reviewed_files(report),
                [report.appendix] if report.appendix else [],
            )
        ),
        footer=_footer(report, complete),
        verdict=verdict_marker(report.verdict.label),
        state=block,
        marker=summary_marker(report.head_sha),
    )


def render_summary(
    report: RunReport,
    *,
    with_marker: bool = True,
    max_chars: int = MAX_BODY,
    parts: SummaryParts | None = None,
) -> str:
    """The summary markdown, kept under `max_chars` by cutting the longest parts.
    `parts`: the report already rendered (`summary_parts`)."""
    parts = parts or summary_parts(report)
    head = list(parts.head)
    sections = [list(section) for section in parts.sections]
    tail = [parts.footer]
    if with_marker:
        tail += [parts.verdict, parts.state, parts.marker]
    body = _join(head, sections, tail)
    while len(body) > max_chars:
        longest = max(sections, key=lambda s: len("\n".join(s)))
        if len(longest) <= 2:
            # Nothing left to halve: cut the text itself, keeping the footer and marker.
            room = max_chars - len(_join(head, [], tail)) - len(TRUNCATED) - 4
            cut = _join([], sections, [])[: max(room, 0)]
            return _join(head, [[cut, TRUNCATED]], tail)
        del longest[max(1, len(longest) // 2) :]
        longest.append(TRUNCATED)
        body = _join(head, sections, tail)
    return body


def _join(head: list[str], sections: list[list[str]], tail: list[str]) -> str:
    blocks = head + ["\n".join(section) for section in sections if section] + tail
    return "\n\n".join(blocks)
