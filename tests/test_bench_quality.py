"""bench/quality in CI: the dataset loads, the runner drives the real engine against the
scripted model, and at the defaults the whole run gives the totals recorded in
bench/quality/results-defaults.json (tokens, reach, scripted recall and precision), which
docs/performance.md states. Two cases, one needing code from another file, show what
`related-context-tokens` and `verify` change. (About 5 s: the other settings' recorded
results are checked by rerunning the benchmark, not here.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.quality.run import load_cases, main  # noqa: E402

CASES = ["rack-static-header-rules", "cjson-array-index"]
DEFAULTS = ROOT / "bench" / "quality" / "results-defaults.json"
PERFORMANCE = ROOT / "docs" / "performance.md"


def test_the_dataset_records_provenance_and_known_issues() -> None:
    cases = load_cases()
    assert len(cases) == 29
    for case in cases:
        assert case["source"]["licence"] and case["source"]["repository"].startswith("https://")
        assert case["issues"] and case["diff"].startswith("diff --git")
    assert sum(1 for c in cases for i in c["issues"] if i["needs"]) == 6  # in 5 cases


def test_the_whole_run_at_the_defaults_gives_the_recorded_totals_the_docs_state() -> None:
    from reviewer.model.tokenizer import make_token_counter

    if not make_token_counter("gpt-4o")[1]:
        # The recorded figures are tiktoken's counts: the estimate (offline, no cache)
        # over-counts, and smaller chunks and budgets change every figure.
        pytest.skip("no tiktoken encoding here (set TIKTOKEN_CACHE_DIR)")
    recorded = json.loads(DEFAULTS.read_text())
    assert recorded["settings"] == {}
    run = main(["--quiet"])
    assert run["totals"] == recorded["totals"]
    assert run["cases"] == recorded["cases"]  # case by case, not only the sums
    totals = recorded["totals"]
    row = next(
        line for line in PERFORMANCE.read_text().splitlines() if line.startswith("| **defaults**")
    )
    cells = [cell.strip().strip("*") for cell in row.strip("|").split("|")]
    assert cells[1:3] == [f"{totals['prompt_tokens']:,}", f"{totals['prompt_tokens_per_pr']:,}"]
    assert cells[4] == f"{totals['reach_lines_pct']}%"
    assert cells[5].startswith(f"{totals['reach_needs_pct']:g}% ")
    assert cells[6:8] == [f"{totals['recall_pct']}%", f"{totals['precision_pct']}%"]


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
