"""Anchoring accuracy against a simulated model that errs like real ones.

python -m bench.bench_anchoring
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from anchoring_sim import measure


def _row(name: str, total: int, counts: tuple[int, int, int, int]) -> str:
    intended, misplaced, wrong, delivered = (n / total for n in counts)
    return (
        f"{name:<24} {total:>6} {intended:>14.1%} {misplaced:>10.1%} {wrong:>11.1%} "
        f"{delivered:>10.1%}"
    )


def main() -> None:
    result = measure()
    print(
        f"{'mistake':<24} {'cases':>6} {'intended line':>14} {'misplaced':>10} "
        f"{'wrong code':>11} {'delivered':>10}"
    )
    for name, total in result.total.items():
        counts = (
            result.intended[name],
            result.misplaced[name],
            result.wrong_code[name],
            result.delivered[name],
        )
        print(_row(name, total, counts))
    totals = (
        sum(result.intended.values()),
        sum(result.misplaced.values()),
        sum(result.wrong_code.values()),
        sum(result.delivered.values()),
    )
    print(_row("all", sum(result.total.values()), totals))


if __name__ == "__main__":
    main()
