"""Tokens not spent: nested vendored trees, deletion-only hunks, a re-run on the same head.

    python -m bench.bench_savings

A synthetic PR like a release of a package that vendors its dependencies: source changes,
a nested `src/pkg/_vendor/` tree, and refactors that delete blocks of code. Diff tokens sent
to the model with the earlier defaults (vendored trees excluded only at the top level,
deletions sent whole) and with today's; then whole runs of the action, in process against
the fakes: the first review, and a re-run on the same head (which must send nothing).
"""

from __future__ import annotations

import contextlib
import io
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.bench_runs import event
from bench.fakes import ReadingModel, Trigger, served_github, served_model
from bench.synthetic import code_line
from reviewer.app.action import run_action
from reviewer.core import filters
from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
from reviewer.core.config import RepoConfig
from reviewer.model.tokenizer import make_token_counter

HEAD, BASE = "c" * 40, "b" * 40
# The default excludes before issue 15: `vendor/`-style folders, but not `_vendor/`.
EARLIER_DEFAULTS = (
    *(p for p in filters.DEFAULT_EXCLUDES if not p.startswith("**/")),
    "vendor/",
    "third_party/",
    "node_modules/",
)


@contextlib.contextmanager
def earlier_defaults() -> Iterator[None]:
    """The earlier default excludes, for the "before" figure only."""
    today = filters.DEFAULT_EXCLUDES
    filters.DEFAULT_EXCLUDES = EARLIER_DEFAULTS
    try:
        yield
    finally:
        filters.DEFAULT_EXCLUDES = today


def _file(path: str, hunks: list[tuple[list[str], list[str]]]) -> str:
    out = [f"diff --git a/{path} b/{path}", f"--- a/{path}", f"+++ b/{path}"]
    old = new = 10
    for deleted, added in hunks:
        out.append(f"@@ -{old},{len(deleted) + 2} +{new},{len(added) + 2} @@")
        out += ["     context_before = 1", *("-" + d for d in deleted), *("+" + a for a in added)]
        out.append("     context_after = 2")
        old += len(deleted) + 40
        new += len(added) + 40
    return "\n".join(out) + "\n"


def release_diff(seed: int = 3) -> str:
    rng = random.Random(seed)
    parts = []
    for i in range(40):  # the package's own changes: edits
        hunks = [([code_line(rng)], [code_line(rng) for _ in range(6)]) for _ in range(3)]
        parts.append(_file(f"src/pkg/module_{i}.py", hunks))
    for i in range(30):  # refactors deleting blocks
        hunks = [([code_line(rng) for _ in range(25)], []) for _ in range(2)]
        parts.append(_file(f"src/pkg/legacy_{i}.py", hunks))
    for i in range(120):  # a vendored dependency, updated
        hunks = [([code_line(rng)], [code_line(rng) for _ in range(20)]) for _ in range(2)]
        parts.append(_file(f"src/pkg/_vendor/dep/part_{i}.py", hunks))
    return "".join(parts)


def diff_tokens(diff: str, options: ReviewOptions) -> int:
    count, _ = make_token_counter("gpt-4.1-mini")
    return sum(chunk.tokens for chunk in plan_chunks(diff, options, count).chunks)


def runs(diff: str) -> list[dict[str, Any]]:
    """Prompt tokens of a first review and of a re-run on the same head."""
    results = []
    with served_github() as github, served_model() as model, tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        github.add_pull(2, head_sha=HEAD, base_sha=BASE, diff=diff)
        model.model = ReadingModel([Trigger("eval(", severity="critical")])
        for label in ("first review", "re-run, same head"):
            before = len(model.requests)
            output = tmp / "output"
            output.write_text("")
            env = {
                "GITHUB_EVENT_NAME": "pull_request",
                "GITHUB_EVENT_PATH": str(event(tmp, HEAD, "opened")),
                "GITHUB_REPOSITORY": "Codertocat/Hello-World",
                "GITHUB_API_URL": github.base_url,
                "GITHUB_OUTPUT": str(output),
                "GITHUB_WORKSPACE": str(tmp),
                "INPUT_GITHUB-TOKEN": "ghs_test",
                "INPUT_API-KEY": "sk-bench",
                "INPUT_BASE-URL": model.base_url,
            }
            with contextlib.redirect_stdout(io.StringIO()):
                run_action(env)
            sent = model.requests[before:]
            count, _ = make_token_counter("gpt-4.1-mini")
            prompt = sum(count(m["content"]) for r in sent for m in r["messages"])
            results.append({"run": label, "requests": len(sent), "prompt_tokens": prompt})
    return results


def main() -> None:
    diff = release_diff()
    raw = make_token_counter("gpt-4.1-mini")[0](diff)
    whole = ReviewOptions(model="gpt-4.1-mini", rules="", config=RepoConfig(whole_deletions=True))
    with earlier_defaults():  # they did not know `_vendor/`: the nested tree was sent
        earlier_tokens = diff_tokens(diff, whole)
    no_compression = diff_tokens(diff, whole)
    now = diff_tokens(diff, ReviewOptions(model="gpt-4.1-mini", rules=""))
    print(f"raw diff: {raw:,} tokens")
    print(f"{'defaults':<44} {'diff tokens sent':>17} {'saved':>7}")
    print(f"{'earlier (top-level excludes, deletions whole)':<44} {earlier_tokens:>17,} {'':>7}")
    saved = 1 - no_compression / earlier_tokens
    print(f"{'+ nested vendored trees excluded':<44} {no_compression:>17,} {saved:>7.0%}")
    today = 1 - now / earlier_tokens
    print(f"{'+ deletion-only hunks compressed (today)':<44} {now:>17,} {today:>7.0%}")
    print()
    print(f"{'run':<20} {'model requests':>15} {'prompt tokens':>14}")
    for row in runs(diff):
        print(f"{row['run']:<20} {row['requests']:>15} {row['prompt_tokens']:>14,}")


if __name__ == "__main__":
    main()
