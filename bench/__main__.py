"""Every benchmark table: `python -m bench` (each also runs alone: `python -m bench.NAME`)."""

from __future__ import annotations

import sys

from bench import (
    bench_anchoring,
    bench_concurrency,
    bench_diff,
    bench_findings,
    bench_github,
    bench_rate_limits,
    bench_routing,
    bench_runs,
    bench_savings,
    bench_startup,
)

SECTIONS = [
    ("Diff pipeline: parse + chunk + render (issue 3)", bench_diff.main),
    ("Anchoring against a simulated erring model (issue 4)", bench_anchoring.main),
    ("Parallel model requests, fake model with 1 s latency (issue 4)", bench_concurrency.main),
    ("GitHub API calls per run (issue 5)", bench_github.main),
    (
        "Whole runs, fake model with 0.2 s latency (issue 7; JSON in bench/results/)",
        bench_runs.main,
    ),
    ("5,000 findings: anchoring, planning, rendering (issue 15)", bench_findings.main),
    ("Tokens saved: vendored trees, deletion-only hunks, re-runs (issue 15)", bench_savings.main),
    ("Start-up CPU (issue 15)", bench_startup.main),
    ("Reviewer routing: 50,000 commits, 2,000 changed files (issue 12)", bench_routing.main),
    (
        "Adaptive concurrency: providers' rate limits, no limits, a queueing server (issue 15)",
        bench_rate_limits.main,
    ),
]


def main() -> None:
    for title, run in SECTIONS:
        print(f"\n## {title}\n", flush=True)
        sys.argv = sys.argv[:1]  # each section parses its own (default) arguments
        run()


if __name__ == "__main__":
    main()
