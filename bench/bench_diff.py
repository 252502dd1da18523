"""Parse + chunk + render on synthetic diffs: CPU time, peak memory, token ratio.

    python -m bench.bench_diff [--json results.json]

Targets (issue 3): 50k changed lines in under 1 s of CPU; rendered prompt tokens at most
1.3x the raw diff's tokens for large diffs. A second table runs the same diffs at the
action's context defaults (`context-lines`, `enclosing-scope`, `related-context-tokens`),
with whole files the diff agrees with: the files are parsed (tree-sitter) and related code
is searched in them, the worst case for it (every file holds every name).
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc

from bench.synthetic import synthetic_diff, synthetic_texts
from reviewer.app.settings import DEFAULT_CONTEXT_LINES, DEFAULT_RELATED_CONTEXT_TOKENS
from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
from reviewer.core.review_context import MemoryRepository, ReviewContext
from reviewer.model.tokenizer import make_token_counter

SIZES = (1_000, 10_000, 50_000)


def measure(
    changed: int, model: str = "gpt-4.1-mini", *, context: bool = False
) -> dict[str, float]:
    diff = synthetic_diff(changed)
    options = ReviewOptions(model=model, rules="")
    new: dict[str, str] = {}
    where = ReviewContext()
    if context:
        new, old = synthetic_texts(diff)
        where = ReviewContext(repository=MemoryRepository(old))
        options = ReviewOptions(
            model=model,
            rules="",
            context_lines=DEFAULT_CONTEXT_LINES,
            enclosing_scope=True,
            related_context_tokens=DEFAULT_RELATED_CONTEXT_TOKENS,
        )
        _warm_parsers(options, where, new)
    # Timed without tracemalloc (it slows Python several times), then measured with it;
    # each pass with a fresh counter, so no token count is cached from the other.
    count, exact = make_token_counter(model)
    cpu = time.process_time()
    wall = time.perf_counter()
    planned = plan_chunks(diff, options, count, new.get, context=where)
    chunks, skipped = planned.chunks, planned.skipped
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    fresh, _ = make_token_counter(model)
    tracemalloc.start()
    plan_chunks(diff, options, fresh, new.get, context=where)
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


def _warm_parsers(options: ReviewOptions, where: ReviewContext, new: dict[str, str]) -> None:
    """Load the grammar once, outside the measurement (a run pays it once, at start)."""
    count, _ = make_token_counter(options.model)
    tiny = "diff --git a/w.py b/w.py\n--- a/w.py\n+++ b/w.py\n@@ -1 +1 @@\n-a\n+b\n"
    plan_chunks(tiny, options, count, {"w.py": "b\n"}.get, context=where)


def _table(rows: list[dict[str, float]]) -> None:
    header = f"{'changed lines':>13} {'diff MB':>8} {'chunks':>6} {'CPU s':>7} {'wall s':>7} "
    header += f"{'peak MB':>8} {'peak/diff':>9} {'tokens/raw':>10}"
    print(header)
    for r in rows:
        print(
            f"{r['changed_lines']:>13,} {r['diff_mb']:>8.2f} {r['chunks']:>6} {r['cpu_s']:>7.2f} "
            f"{r['wall_s']:>7.2f} {r['peak_mb']:>8.1f} {r['peak_mb'] / r['diff_mb']:>9.1f} "
            f"{r['token_ratio']:>10.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    rows = [measure(size) for size in SIZES]
    print("the diff alone (context-lines 3, no files read):")
    _table(rows)
    with_context = [measure(size, context=True) for size in SIZES[1:]]
    print("\nat the action's context defaults, with the files' texts:")
    _table(with_context)
    rows += [{**row, "context": 1.0} for row in with_context]
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
