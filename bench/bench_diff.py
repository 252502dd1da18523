"""Parse + chunk + render on synthetic diffs: CPU time, peak memory, token ratio.

    python -m bench.bench_diff [--json results.json]

Targets (issue 3): 50k changed lines in under 1 s of CPU; rendered prompt tokens at most
1.3x the raw diff's tokens for large diffs.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc

from bench.synthetic import synthetic_diff
from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
from reviewer.model.tokenizer import make_token_counter

SIZES = (1_000, 10_000, 50_000)


def measure(changed: int, model: str = "gpt-4.1-mini") -> dict[str, float]:
    diff = synthetic_diff(changed)
    options = ReviewOptions(model=model, rules="")
    # Timed without tracemalloc (it slows Python several times), then measured with it;
    # each pass with a fresh counter, so no token count is cached from the other.
    count, exact = make_token_counter(model)
    cpu = time.process_time()
    wall = time.perf_counter()
    planned = plan_chunks(diff, options, count)
    chunks, skipped = planned.chunks, planned.skipped
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    fresh, _ = make_token_counter(model)
    tracemalloc.start()
    plan_chunks(diff, options, fresh)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    raw_tokens = count(diff)
    rendered = sum(chunk.tokens for chunk in chunks)
    return {
        "changed_lines": changed,
        "diff_mb": len(diff) / 1e6,
        "chunks": len(chunks),
        "cpu_s": cpu,
        "wall_s": wall,
        "peak_mb": peak / 1e6,
        "token_ratio": rendered / raw_tokens,
        "exact_tokens": float(exact),
        "skipped": len(skipped),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    rows = [measure(size) for size in SIZES]
    header = f"{'changed lines':>13} {'diff MB':>8} {'chunks':>6} {'CPU s':>7} {'wall s':>7} "
    header += f"{'peak MB':>8} {'tokens/raw':>10}"
    print(header)
    for r in rows:
        print(
            f"{r['changed_lines']:>13,} {r['diff_mb']:>8.2f} {r['chunks']:>6} {r['cpu_s']:>7.2f} "
            f"{r['wall_s']:>7.2f} {r['peak_mb']:>8.1f} {r['token_ratio']:>10.3f}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
