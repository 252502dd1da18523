"""The machine-readable report of one run (the action's `findings-file`, `--format json`).

A program reading it can tell exactly what was reviewed and what was not: every finding
with where it was delivered, every skipped or unreviewed file with the reason, every
failed part, the usage and the verdict. Strings are the model's and the PR author's own
(JSON escapes them); nothing is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.filters import SkippedFile
from reviewer.core.findings import FileNote
from reviewer.core.plan import PublishPlan
from reviewer.core.policy import Verdict
from reviewer.core.report import ChunkFailure, Usage

FORMAT_VERSION = 1


def report_json(
    *,
    plan: PublishPlan,
    verdict: Verdict,
    reviewed_files: Sequence[str],
    skipped: Sequence[SkippedFile],
    failures: Sequence[ChunkFailure],
    usage: Usage,
    model: str,
    head_sha: str = "",
    comment_urls: dict[str, str] | None = None,
    walkthrough: Sequence[FileNote] = (),
    context_used: Sequence[str] = (),
    verify_usage: Usage | None = None,
) -> dict[str, Any]:
    urls = comment_urls or {}
    findings = [
        *(
            _finding(f, "inline", url=urls.get(group.fingerprint, ""))
            for group in plan.new_inline
            for f in group.findings
        ),
        *(_finding(f, "already-posted", url=url) for f, url in plan.already_posted),
        *(
            _finding(e.finding, "summary", reason=e.reason, kind=e.kind.value)
            for e in plan.summary_only
        ),
        *(_finding(d.finding, "dismissed", reason=d.reason) for d in plan.dismissed),
        *(_finding(r.finding, "rejected", reason=r.reason) for r in plan.rejected),
    ]
    return {
        "version": FORMAT_VERSION,
        "head_sha": head_sha,
        "model": model,
        "verdict": verdict.label,
        "exit_code": verdict.exit_code,
        "counts": {
            "findings": len(findings),
            "counted": len(plan.counted),
            "dismissed": len(plan.dismissed),
            "rejected": len(plan.rejected),
            "failing": len(verdict.failing),
        },
        "findings": findings,
        "reviewed_files": list(reviewed_files),
        "skipped_files": [
            {"path": s.path, "reason": s.reason} for s in skipped if not s.unreviewed
        ],
        "unreviewed_files": [{"path": s.path, "reason": s.reason} for s in skipped if s.unreviewed],
        "failed_chunks": [{"paths": list(f.paths), "reason": f.reason} for f in failures],
        "usage": {
            "requests": usage.requests,
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "cached_tokens": usage.cached_tokens,
            "verification_requests": verify_usage.requests if verify_usage else 0,
            "verification_prompt_tokens": verify_usage.prompt_tokens if verify_usage else 0,
        },
        "walkthrough": [{"path": n.path, "summary": n.summary} for n in walkthrough],
        "context_used": list(context_used),
    }


def _finding(
    f: AnchoredFinding, delivery: str, *, url: str = "", reason: str = "", kind: str = ""
) -> dict[str, Any]:
    finding = f.finding
    return {
        "fingerprint": f.fingerprint,
        "path": f.path,
        "line": f.line,
        "start_line": f.start_line,
        "side": f.side.value,
        "placement": f.placement.value,
        "severity": finding.severity.value,
        "category": finding.category.value,
        "title": finding.title,
        "body": finding.body,
        "quote": finding.quote,
        "suggestion": finding.suggestion,
        "delivery": delivery,
        "url": url,
        "reason": reason,
        "held": kind,
    }
