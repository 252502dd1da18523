"""5,000 findings through anchoring, deduplication, the publish plan and rendering.

    python -m bench.bench_findings

Target (issue 15): at most 1 s of CPU. The findings are what a model answers: most cite
their line with its code, some are off by a few lines or quote loosely, some fall outside
the diff; several land on the same line.
"""

from __future__ import annotations

import random
import time

from bench.synthetic import synthetic_diff
from reviewer.core.anchoring import anchor_findings
from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
from reviewer.core.findings import Finding
from reviewer.core.plan import Limits, dedupe, plan_publication
from reviewer.core.policy import decide_verdict
from reviewer.core.render import render_comment
from reviewer.core.report import RunReport
from reviewer.core.severity import Severity
from reviewer.core.summary import MAX_STEP_SUMMARY, render_summary, summary_parts
from reviewer.model.tokenizer import make_token_counter

FINDINGS = 5_000


def _findings(
    chunk_lines: list[tuple[str, int, str]], rng: random.Random, count: int
) -> list[Finding]:
    out = []
    for k in range(count):
        path, line, text = rng.choice(chunk_lines)
        roll = rng.random()
        cited = line + rng.choice([-3, -1, 1, 2]) if roll < 0.2 else line
        out.append(
            Finding.model_validate(
                {
                    "path": path if roll < 0.95 else "elsewhere.py",
                    "line": cited,
                    "start_line": None,
                    "side": "RIGHT",
                    "severity": rng.choice(["critical", "warning", "suggestion"]),
                    "category": rng.choice(["bug", "security", "performance"]),
                    "title": f"Problem {k} with `{text.strip()[:30]}`",
                    "body": "Why it matters, and how to fix it. " * 6,
                    "quote": text.strip() if roll < 0.9 else text.strip()[:-2] + "xx",
                    "suggestion": None,
                }
            )
        )
    return out


def measure() -> dict[str, float]:
    diff = synthetic_diff(50_000)
    count, _ = make_token_counter("gpt-4.1-mini")
    plan = plan_chunks(diff, ReviewOptions(model="gpt-4.1-mini", rules=""), count)
    rng = random.Random(7)
    answers = []
    for chunk in plan.chunks:
        lines = [
            (piece.file.path, line.new_no, line.text)
            for piece in chunk.pieces
            for hunk in piece.hunks
            for line in hunk.lines
            if line.new_no is not None and line.text.strip()
        ]
        answers.append((chunk, _findings(lines, rng, FINDINGS // len(plan.chunks) + 1)))
    total = sum(len(found) for _, found in answers)
    cpu = time.process_time()
    anchored = [f for chunk, found in answers for f in anchor_findings(found, chunk)]
    unique = dedupe(anchored)
    published = plan_publication(unique, posted={}, index=plan.index, limits=Limits(30))
    comments = [render_comment(group.findings) for group in published.new_inline]
    report = RunReport(
        head_sha="a" * 40,
        model="gpt-4.1-mini",
        plan=published,
        verdict=decide_verdict(published.counted, Severity.CRITICAL),
        reviewed_files=tuple(plan.index.paths),
    )
    parts = summary_parts(report)
    render_summary(report, parts=parts)
    render_summary(report, with_marker=False, max_chars=MAX_STEP_SUMMARY, parts=parts)
    cpu = time.process_time() - cpu
    return {"findings": total, "unique": len(unique), "comments": len(comments), "cpu_s": cpu}


def main() -> None:
    result = measure()
    print(f"{'findings':>9} {'after dedupe':>13} {'comments':>9} {'CPU s':>7}")
    print(
        f"{result['findings']:>9,} {result['unique']:>13,} {result['comments']:>9,} "
        f"{result['cpu_s']:>7.2f}"
    )


if __name__ == "__main__":
    main()
