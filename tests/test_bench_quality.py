"""bench/quality in CI: the dataset loads, the runner drives the real engine against the
scripted model, and the reach figures come out as docs/performance.md states them (two
cases, one needing code from another file)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.quality.run import load_cases, main  # noqa: E402

CASES = ["rack-static-header-rules", "cjson-array-index"]


def test_the_dataset_records_provenance_and_known_issues() -> None:
    cases = load_cases()
    assert len(cases) == 29
    for case in cases:
        assert case["source"]["licence"] and case["source"]["repository"].startswith("https://")
        assert case["issues"] and case["diff"].startswith("diff --git")
    assert sum(1 for c in cases for i in c["issues"] if i["needs"]) == 6  # in 5 cases


def test_the_scripted_run_reaches_the_issue_and_the_code_it_needs() -> None:
    args = [arg for case in CASES for arg in ("--only", case)]
    totals = main([*args, "--quiet"])["totals"]
    assert totals["cases"] == 2
    assert totals["reach_lines_pct"] == 100.0
    assert totals["reach_needs_pct"] == 100.0
    assert totals["recall_pct"] == 100.0
    off = main([*args, "--quiet", "--set", "related-context-tokens=0"])["totals"]
    assert off["reach_needs_pct"] == 0.0 and off["recall_pct"] == 50.0
    assert off["prompt_tokens"] < totals["prompt_tokens"]


def test_verification_rejects_the_scripted_false_positives() -> None:
    totals = main(["--only", CASES[0], "--quiet", "--set", "verify=true"])["totals"]
    assert totals["rejected"] >= 1 and totals["precision_pct"] == 100.0
    assert totals["verify_prompt_tokens"] > 0
