"""Whole runs of the action, in process, against the fake GitHub and a fake model.

    python -m bench.bench_runs [--latency 0.2] [--json bench/results/runs.json]

For synthetic PRs of 10, 100 and 1,000 files and one 50,000-line diff: wall and CPU time
(of the whole process, so including the fake servers' work), peak memory (Python
allocations, measured in a second pass), model requests, prompt and completion tokens, prompt
tokens over raw diff tokens, GitHub reads and writes. Then the ratios of concurrency 1 to
the default, and of a full review to an incremental one after one small commit.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.fakes import (
    FakeGitHub,
    FakeModelServer,
    ReadingModel,
    Trigger,
    served_github,
    served_model,
)
from bench.synthetic import synthetic_diff
from reviewer.app.action import run_action
from reviewer.model.tokenizer import make_token_counter

BASE, HEAD, NEXT = "b" * 40, "c" * 40, "d" * 40


def event(tmp: Path, head: str, action: str) -> Path:
    repo = {"full_name": "Codertocat/Hello-World"}
    pr = {"number": 2, "draft": False, "head": {"sha": head, "ref": "f", "repo": repo},
          "base": {"sha": BASE, "ref": "main", "repo": repo}}  # fmt: skip
    path = tmp / f"{head[:4]}-{action}.json"
    path.write_text(json.dumps({"action": action, "number": 2, "pull_request": pr}))
    return path


def run(
    tmp: Path, github: FakeGitHub, model: FakeModelServer, head: str, action: str, **inputs: str
) -> dict[str, Any]:
    output = tmp / "output"
    output.write_text("")
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event(tmp, head, action)),
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_API_URL": github.base_url,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_WORKSPACE": str(tmp),  # the findings file goes here, not into the caller's folder
        "INPUT_GITHUB-TOKEN": "ghs_test",
        "INPUT_API-KEY": "sk-bench",
        "INPUT_BASE-URL": model.base_url,
        **{f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()},
    }
    requests_before, calls_before = len(model.requests), len(github.requests)
    writes_before = len(github.writes())
    cpu, wall = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        run_action(env)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sent = model.requests[requests_before:]
    count, _ = make_token_counter("gpt-4.1-mini")
    prompt = sum(count(m["content"]) for r in sent for m in r["messages"])
    writes = len(github.writes()) - writes_before
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "requests": len(sent),
        "prompt_tokens": prompt,
        "completion_tokens": sum(20 for _ in sent),  # the fake's fixed answer size
        "github_reads": len(github.requests) - calls_before - writes,
        "github_writes": writes,
    }


def pr_case(files: int, lines_per_file: int, latency: float, **inputs: str) -> dict[str, Any]:
    diff = synthetic_diff(files * lines_per_file, files=files)
    count, _ = make_token_counter("gpt-4.1-mini")
    with (
        tempfile.TemporaryDirectory() as name,
        served_github() as github,
        served_model(latency) as model,
    ):
        model.model = ReadingModel([Trigger("retry", title="retry without backoff")])
        github.add_pull(2, head_sha=HEAD, base_sha=BASE, diff=diff)
        tracemalloc.start()
        row = run(Path(name), github, model, HEAD, "opened", **inputs)
        row["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    row.update(files=files, changed_lines=files * lines_per_file)
    row["prompt_over_diff"] = row["prompt_tokens"] / count(diff)
    return row


def incremental_case(latency: float) -> tuple[dict[str, Any], dict[str, Any]]:
    diff = synthetic_diff(100 * 40, files=100)
    small = synthetic_diff(10, files=1, seed=99).replace("module_0", "module_new")
    with (
        tempfile.TemporaryDirectory() as name,
        served_github() as github,
        served_model(latency) as model,
    ):
        tmp = Path(name)
        github.add_pull(2, head_sha=HEAD, base_sha=BASE, diff=diff)
        full = run(tmp, github, model, HEAD, "opened")
        github.add_pull(2, head_sha=NEXT, base_sha=BASE, diff=diff + small, commits=(HEAD,))
        github.set_compare(HEAD, NEXT, status="ahead", diff=small)
        incremental = run(tmp, github, model, NEXT, "synchronize")
    return full, incremental


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.2, help="fake model latency, s")
    parser.add_argument("--json", default="bench/results/runs.json")
    args = parser.parse_args()
    # One run first, not measured: the first run in a process imports the clients, the
    # parsers and the tokenizer's encoding, under tracemalloc (which slows imports many
    # times over); the start-up benchmark measures that cost.
    pr_case(2, 10, args.latency)
    rows = [pr_case(n, 40, args.latency) for n in (10, 100, 1000)]
    rows.append(pr_case(250, 200, args.latency))  # the 50,000-line diff
    header = (
        f"{'files':>6} {'lines':>7} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'requests':>8} "
        f"{'prompt tok':>10} {'compl tok':>9} {'prompt/diff':>11} {'GH reads':>8} {'GH writes':>9}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['files']:>6} {r['changed_lines']:>7} {r['wall_s']:>7.1f} {r['cpu_s']:>6.1f} "
            f"{r['peak_mb']:>8.1f} {r['requests']:>8} {r['prompt_tokens']:>10} "
            f"{r['completion_tokens']:>9} {r['prompt_over_diff']:>11.2f} "
            f"{r['github_reads']:>8} {r['github_writes']:>9}"
        )
    serial = pr_case(100, 40, args.latency, concurrency="1")
    default = rows[1]
    full, incremental = incremental_case(args.latency)
    print(f"\nconcurrency 1 vs the default, 100 files: {serial['wall_s']:.1f} s vs "
          f"{default['wall_s']:.1f} s = {serial['wall_s'] / default['wall_s']:.1f}x")  # fmt: skip
    tokens_ratio = full["prompt_tokens"] / incremental["prompt_tokens"]
    print(f"full vs incremental after one small commit: prompt tokens {full['prompt_tokens']} vs "
          f"{incremental['prompt_tokens']} = {tokens_ratio:.1f}x, "
          f"wall {full['wall_s']:.1f} s vs {incremental['wall_s']:.1f} s")  # fmt: skip
    result = {"runs": rows, "serial": serial, "full": full, "incremental": incremental}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
