"""Parallel model requests: 40 chunks against a fake model with a fixed latency.

    python -m bench.bench_concurrency [--latency 1.0] [--chunks 40]

Target (issue 4): at concurrency 8, 40 chunks of 1 s each finish in about 5 s, not 40 s.
"""

from __future__ import annotations

import argparse
import time

from bench.fakes import served_model
from bench.synthetic import synthetic_diff
from reviewer.app.engine import review_diff
from reviewer.core.chunk_plan import ReviewOptions
from reviewer.model.chunk_reviewer import ChunkReviewer, make_client
from reviewer.model.tokenizer import make_token_counter


def run(concurrency: int, *, latency_s: float, chunks: int) -> dict[str, float]:
    # One 40-line file per chunk: max-chunk-tokens sized so each file is its own chunk.
    diff = synthetic_diff(chunks * 40, files=chunks)
    count, _ = make_token_counter("gpt-4.1-mini")
    options = ReviewOptions(
        model="gpt-4.1-mini", rules="", max_chunk_tokens=1200, concurrency=concurrency
    )
    with served_model(latency_s) as model:
        client = make_client(api_key="sk-bench", base_url=model.base_url)
        reviewer = ChunkReviewer(client, model="gpt-4.1-mini", rules="")
        started = time.perf_counter()
        outcome = review_diff(diff, options, reviewer, count)
        wall = time.perf_counter() - started
    return {"concurrency": concurrency, "chunks": outcome.chunks, "wall_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--chunks", type=int, default=40)
    args = parser.parse_args()
    rows = [run(c, latency_s=args.latency, chunks=args.chunks) for c in (8, 1)]
    print(f"{'concurrency':>11} {'chunks':>6} {'wall s':>7}")
    for row in rows:
        print(f"{row['concurrency']:>11} {row['chunks']:>6} {row['wall_s']:>7.1f}")
    print(f"speed-up of concurrency 8 over 1: {rows[1]['wall_s'] / rows[0]['wall_s']:.1f}x")


if __name__ == "__main__":
    main()
