"""Mutation testing of the core's decision-making modules with mutmut.

    python -m bench.mutation            # run mutmut, then print the table
    python -m bench.mutation --report   # print the table of the last run only

mutmut mutates the modules named in pyproject.toml ([tool.mutmut] only_mutate) and runs
the unit tests of the core (tests/core) against each mutant. A mutant is killed when a
test fails. Survivors judged equivalent (no input can tell them from the original) are
listed, each with the reason, in bench/mutation_equivalent.txt and reported apart: the
score is killed / (all - equivalent).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = Path(__file__).with_name("mutation_equivalent.txt")
TARGET = 0.90


def equivalent() -> dict[str, str]:
    """Mutant name → why it is equivalent, from bench/mutation_equivalent.txt."""
    judged: dict[str, str] = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, why = line.partition(" ")
            judged[name] = why.strip()
    return judged


def results() -> list[tuple[str, str, str]]:
    """(module, mutant, status) of every mutant of the last run."""
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stdout.splitlines():
        name, _, status = line.strip().partition(": ")
        if "__mutmut_" in name:
            module = ".".join(part for part in name.split(".")[:3])
            rows.append((module, name, status.strip()))
    return rows


def table(rows: list[tuple[str, str, str]], judged: dict[str, str]) -> tuple[str, float]:
    per_module: dict[str, Counter[str]] = defaultdict(Counter)
    for module, name, status in rows:
        per_module[module][("equivalent" if name in judged else status)] += 1
    lines = [
        "| module | mutants | killed | survived | no tests | timeout | equivalent | score |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total: Counter[str] = Counter()
    for module in sorted(per_module):
        counts = per_module[module]
        total.update(counts)
        lines.append(_row(module.removeprefix("reviewer."), counts))
    lines.append(_row("**all five**", total))
    return "\n".join(lines), _score(total)


def _score(counts: Counter[str]) -> float:
    considered = sum(counts.values()) - counts["equivalent"]
    return counts["killed"] / considered if considered else 1.0


def _row(name: str, counts: Counter[str]) -> str:
    return (
        f"| {name} | {sum(counts.values())} | {counts['killed']} | {counts['survived']} | "
        f"{counts['no tests']} | {counts['timeout']} | {counts['equivalent']} | "
        f"{_score(counts):.1%} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", action="store_true", help="only report the last run")
    args = parser.parse_args()
    if not args.report:
        # mutmut keeps the results of functions whose code did not change, even when the
        # tests did: each run starts afresh, or new tests would not count.
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", "2"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            check=False,
        )
    rows = results()
    judged = equivalent()
    text, score = table(rows, judged)
    print(text)
    survivors = [name for _, name, status in rows if status == "survived" and name not in judged]
    print(f"\nScore {score:.1%} (target {TARGET:.0%}); survivors not judged equivalent:")
    for name in survivors:
        print(f"- {name}")
    if judged:
        print("\nJudged equivalent:")
        for name, why in judged.items():
            print(f"- {name}: {why}")


if __name__ == "__main__":
    main()
