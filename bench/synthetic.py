"""Synthetic but realistic diffs: code-like lines in many files and hunks."""

from __future__ import annotations

import random

WORDS = [
    "user",
    "request",
    "response",
    "value",
    "result",
    "config",
    "handler",
    "client",
    "session",
    "record",
    "items",
    "index",
    "cache",
    "error",
    "status",
    "token",
    "parse",
    "load",
    "save",
    "build",
    "update",
    "delete",
    "create",
    "fetch",
    "retry",
]


def code_line(rng: random.Random) -> str:
    indent = "    " * rng.randint(0, 3)
    kind = rng.random()
    a, b, c = rng.sample(WORDS, 3)
    if kind < 0.3:
        return f"{indent}{a}_{b} = {c}.get('{a}', {rng.randint(0, 999)})"
    if kind < 0.5:
        return f"{indent}if {a} is not None and {b}.{c}({a}):"
    if kind < 0.7:
        return f"{indent}return {a}_{b}({c}, timeout={rng.randint(1, 60)})"
    if kind < 0.85:
        return f"{indent}for {a} in {b}.{c}_items():"
    return f"{indent}# {a} the {b} before {c}"


def synthetic_diff(changed_lines: int, *, files: int | None = None, seed: int = 7) -> str:
    """A unified diff with about `changed_lines` added/deleted lines over `files` files."""
    rng = random.Random(seed)
    files = files or max(1, changed_lines // 200)
    per_file = max(1, changed_lines // files)
    out: list[str] = []
    for f in range(files):
        path = f"src/pkg{f % 17}/module_{f}.py"
        out += [f"diff --git a/{path} b/{path}", "index 1111111..2222222 100644"]
        out += [f"--- a/{path}", f"+++ b/{path}"]
        old = new = 1
        remaining = per_file
        while remaining > 0:
            adds = min(remaining, rng.randint(1, 30))
            dels = min(rng.randint(0, 10), adds)
            ctx_before, ctx_after = 3, 3
            old_len = ctx_before + dels + ctx_after
            new_len = ctx_before + adds + ctx_after
            out.append(f"@@ -{old},{old_len} +{new},{new_len} @@ def f{old}():")
            out += [" " + code_line(rng) for _ in range(ctx_before)]
            out += ["-" + code_line(rng) for _ in range(dels)]
            out += ["+" + code_line(rng) for _ in range(adds)]
            out += [" " + code_line(rng) for _ in range(ctx_after)]
            gap = rng.randint(5, 40)
            old += old_len + gap
            new += new_len + gap
            remaining -= adds + dels
    return "\n".join(out) + "\n"


def synthetic_texts(diff: str, *, seed: int = 3) -> tuple[dict[str, str], dict[str, str]]:
    """Whole files the diff agrees with, new and old: its lines where it has them, invented
    code lines between its hunks and after the last one."""
    from reviewer.core.diff import parse_diff

    rng = random.Random(seed)
    new: dict[str, str] = {}
    old: dict[str, str] = {}
    for file in parse_diff(diff):
        new_lines: dict[int, str] = {}
        old_lines: dict[int, str] = {}
        for hunk in file.hunks:
            for line in hunk.lines:
                if line.new_no is not None:
                    new_lines[line.new_no] = line.text
                if line.old_no is not None:
                    old_lines[line.old_no] = line.text
        new[file.path] = _whole(new_lines, rng)
        old[file.path] = _whole(old_lines, rng)
    return new, old


def _whole(known: dict[int, str], rng: random.Random) -> str:
    last = max(known, default=0) + 20
    return "\n".join(known[n] if n in known else code_line(rng) for n in range(1, last + 1)) + "\n"
