"""A simulated model that cites lines the way real ones err, for measuring anchoring.

Used by tests/test_anchoring_accuracy.py (asserts the targets) and bench/bench_anchoring.py
(prints the table)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from reviewer.core.anchoring import Placement, anchor_finding
from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import DiffLine, FileDiff, LineKind, parse_diff
from reviewer.core.findings import Finding
from reviewer.core.plan import Limits, plan_publication

WORDS = (
    *("user", "request", "value", "result", "config", "handler"),
    *("session", "record", "cache", "token", "parse", "retry"),
)
# Lines real code repeats: a quote alone cannot tell these apart.
COMMON = [
    "        return None",
    "    else:",
    "        pass",
    "    return result",
    "        continue",
]


def _code_line(rng: random.Random, i: int) -> str:
    return f"    {rng.choice(WORDS)}_{i} = {rng.choice(WORDS)}.get({rng.randint(0, 9999)})"


def corpus(files: int = 40, seed: int = 11) -> str:
    """A diff of Python-like files with realistic, mostly distinct lines."""
    rng = random.Random(seed)
    out: list[str] = []
    for f in range(files):
        path = f"src/pkg/module_{f}.py"
        out += [f"diff --git a/{path} b/{path}", f"--- a/{path}", f"+++ b/{path}"]
        old = new = 1 + rng.randint(0, 50)
        for _ in range(rng.randint(2, 6)):
            ctx = [
                f"    {rng.choice(WORDS)}_{rng.randint(0, 999)} = {rng.randint(0, 99)}"
                for _ in range(6)
            ]
            dels = [
                f"    {rng.choice(WORDS)}({rng.randint(0, 9999)})" for _ in range(rng.randint(0, 4))
            ]
            adds = [
                rng.choice(COMMON) if rng.random() < 0.2 else _code_line(rng, i)
                for i in range(rng.randint(1, 8))
            ]
            out.append(f"@@ -{old},{6 + len(dels)} +{new},{6 + len(adds)} @@")
            out += [" " + c for c in ctx[:3]] + ["-" + d for d in dels]
            out += ["+" + a for a in adds] + [" " + c for c in ctx[3:]]
            gap = rng.randint(10, 60)
            old += 6 + len(dels) + gap
            new += 6 + len(adds) + gap
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Target:
    file: FileDiff
    line: DiffLine  # an added line: where the finding belongs


def finding(path: str, line: int, quote: str, side: str = "RIGHT") -> Finding:
    return Finding.model_validate(
        {
            "path": path,
            "line": line,
            "start_line": None,
            "side": side,
            "severity": "warning",
            "category": "bug",
            "title": "Problem",
            "body": "Why.",
            "quote": quote,
            "suggestion": None,
        }
    )


def _hunk_offset(target: Target) -> int:
    hunk = next(h for h in target.file.hunks if target.line in h.lines)
    return hunk.new_start - hunk.old_start


Mistake = Callable[[Target, random.Random], Finding]

MISTAKES: dict[str, Mistake] = {
    "exact": lambda t, r: finding(t.file.path, t.line.number, t.line.text.strip()),
    "off by 1-5": lambda t, r: finding(
        t.file.path, t.line.number + r.choice([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]), t.line.text
    ),
    "old-file number": lambda t, r: finding(
        t.file.path, t.line.number - _hunk_offset(t), t.line.text, r.choice(["RIGHT", "LEFT"])
    ),
    "only a quote": lambda t, r: finding(t.file.path, 1, t.line.text),
    "wrong path case": lambda t, r: finding(t.file.path.upper(), t.line.number, t.line.text),
    "outside every hunk": lambda t, r: finding(t.file.path, t.line.number + 5000, t.line.text),
    "whitespace + off by 2": lambda t, r: finding(
        t.file.path, t.line.number + 2, "  ".join(t.line.text.split())
    ),
}


@dataclass
class Accuracy:
    total: Counter[str]
    intended: Counter[str]  # inline on the line the finding is about
    misplaced: Counter[str]  # inline on another line (maybe one with the very same code)
    delivered: Counter[str]  # anywhere: inline or listed in the summary
    wrong_code: Counter[str]  # inline on a line that does not hold the quoted code


def measure(samples_per_mistake: int = 300, seed: int = 5) -> Accuracy:
    files = parse_diff(corpus())
    index = CommentableIndex.build(files)
    targets = [
        Target(f, line) for f in files for _, line in f.lines() if line.kind is LineKind.ADDED
    ]
    rng = random.Random(seed)
    result = Accuracy(Counter(), Counter(), Counter(), Counter(), Counter())
    for name, mistake in MISTAKES.items():
        for target in rng.sample(targets, min(samples_per_mistake, len(targets))):
            anchored = anchor_finding(mistake(target, rng), index)
            plan = plan_publication([anchored], posted={}, index=index, limits=Limits(10))
            result.total[name] += 1
            result.delivered[name] += len(plan.all_findings)
            on_target = (
                anchored.placement is Placement.INLINE
                and anchored.path == target.file.path
                and anchored.line == target.line.number
            )
            result.intended[name] += on_target
            result.misplaced[name] += anchored.placement is Placement.INLINE and not on_target
            result.wrong_code[name] += anchored.placement is Placement.INLINE and _squash(
                anchored.code_lines[-1]
            ) != _squash(target.line.text)
    return result


def _squash(text: str) -> str:
    return "".join(text.split())
