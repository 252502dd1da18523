"""The summary: one comment on the PR, kept up to date in place, and the step summary."""

from __future__ import annotations

from collections import Counter

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.fingerprint import summary_marker
from reviewer.core.render import BADGES, finding_body, one_line, sanitize
from reviewer.core.report import RunReport
from reviewer.core.severity import Severity
from reviewer.core.state import state_block
from reviewer.core.verdict_marker import verdict_marker

# GitHub rejects comment bodies over 65,536 characters; keep room for the marker.
MAX_BODY = 65_000
TITLE = "## 🤖 reviewer"
TRUNCATED = "\n_…truncated to fit GitHub's comment size limit._"


def _status(report: RunReport) -> str:
    verdict = report.verdict
    if verdict.failed:
        threshold = verdict.threshold.value if verdict.threshold else ""
        return (
            f"❌ **Changes requested**: {len(verdict.failing)} finding(s) at or above "
            f"`{threshold}`. Fix them or explain why they don't apply."
        )
    if verdict.incomplete:
        return "⚠️ **Review incomplete**: part of the diff could not be reviewed (see below)."
    if report.plan.all_findings:
        return "✅ **No blocking findings.** Worth a look before merging."
    return "✅ **No findings.** Looks good to merge."


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


def _cell(text: str) -> str:
    return sanitize(one_line(text, 120)).replace("|", "\\|")


def _where(finding: AnchoredFinding) -> str:
    if finding.line is None:
        return f"`{_cell(finding.path)}`"
    start = f"{finding.start_line}-" if finding.start_line else ""
    return f"`{_cell(finding.path)}` L{start}{finding.line}"


def _findings_table(report: RunReport) -> list[str]:
    rows: list[str] = []
    for finding in report.plan.new_inline:
        url = report.comment_urls.get(finding.fingerprint) or report.review_url
        rows.append(_row(finding, f"[comment]({url})" if url else "new"))
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
    return f"| {badge} | {_where(finding)} | {_cell(finding.finding.title)} | {link} |"


def _summary_only(report: RunReport) -> list[str]:
    if not report.plan.summary_only:
        return []
    lines = ["### Findings not placed inline"]
    for entry in report.plan.summary_only:
        finding = entry.finding
        lines.append(
            f"- **{BADGES[finding.finding.severity]}** {_where(finding)}: "
            f"**{_cell(finding.finding.title)}** ({entry.reason})\n\n"
            + _indent(finding_body(finding.finding.body))
        )
    return lines


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())


def _not_reviewed(report: RunReport) -> list[str]:
    lines: list[str] = []
    for failure in report.failed_chunks:
        paths = ", ".join(f"`{_cell(p)}`" for p in failure.paths)
        lines.append(f"- {paths}: **not reviewed**, {_cell(failure.reason)}")
    lines.extend(f"- `{_cell(s.path)}`: skipped, {s.reason}" for s in report.skipped_files)
    return ["### Not reviewed", *lines] if lines else []


def _reviewed_files(report: RunReport) -> list[str]:
    if not report.reviewed_files:
        return []
    files = "\n".join(f"- `{_cell(path)}`" for path in report.reviewed_files)
    count = len(report.reviewed_files)
    return [f"<details><summary>Files reviewed ({count})</summary>\n\n{files}\n\n</details>"]


def _footer(report: RunReport) -> str:
    usage = report.usage
    files = f"{len(report.reviewed_files)} file(s) reviewed"
    cost = f" (≈ ${report.cost_usd:.4f})" if report.cost_usd is not None else ""
    return (
        f"<sub>{files} · model `{_cell(report.model)}` · {usage.requests} request(s), "
        f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens{cost} · "
        f"{report.duration_s:.1f}s · commit {report.head_sha[:12]}</sub>"
    )


def render_summary(report: RunReport, *, with_marker: bool = True) -> str:
    """The summary markdown, kept under GitHub's size limit by cutting the longest parts."""
    head = [TITLE, _status(report) + _scope(report), _counts(report.plan.all_findings)]
    sections = [
        _findings_table(report),
        _summary_only(report),
        _not_reviewed(report),
        _reviewed_files(report),
        [report.appendix] if report.appendix else [],
    ]
    tail = [_footer(report)]
    if with_marker:
        tail.append(verdict_marker(report.verdict.label))  # for the merge-queue gate
        tail.append(state_block(report.open_findings))
        tail.append(summary_marker(report.head_sha))
    body = _join(head, sections, tail)
    while len(body) > MAX_BODY:
        longest = max(sections, key=lambda s: len("\n".join(s)))
        if len(longest) <= 2:
            # Nothing left to halve: cut the text itself, keeping the footer and marker.
            room = MAX_BODY - len(_join(head, [], tail)) - len(TRUNCATED) - 4
            cut = _join([], sections, [])[: max(room, 0)]
            return _join(head, [[cut, TRUNCATED]], tail)
        del longest[max(1, len(longest) // 2) :]
        longest.append(TRUNCATED)
        body = _join(head, sections, tail)
    return body


def _join(head: list[str], sections: list[list[str]], tail: list[str]) -> str:
    blocks = head + ["\n".join(section) for section in sections if section] + tail
    return "\n\n".join(blocks)
