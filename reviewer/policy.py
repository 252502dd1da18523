"""The verdict: does this review fail the check?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reviewer.anchoring import AnchoredFinding
from reviewer.errors import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK
from reviewer.severity import Severity


@dataclass(frozen=True, slots=True)
class Verdict:
    threshold: Severity | None
    failing: tuple[AnchoredFinding, ...]
    incomplete: bool  # some of the diff could not be reviewed (model failure)

    @property
    def failed(self) -> bool:
        return bool(self.failing)

    @property
    def exit_code(self) -> int:
        # Findings at the threshold fail the check first; an incomplete review is never
        # reported as a pass, so it fails too, with its own code.
        if self.failing:
            return EXIT_FINDINGS
        if self.incomplete:
            return EXIT_INCOMPLETE
        return EXIT_OK

    @property
    def label(self) -> str:
        if self.failing:
            return "fail"
        return "incomplete" if self.incomplete else "pass"


def decide_verdict(
    findings: Sequence[AnchoredFinding], threshold: Severity | None, *, incomplete: bool = False
) -> Verdict:
    """Every current finding counts, posted now or before: a re-run stays red until fixed."""
    failing = (
        tuple(f for f in findings if f.finding.severity.at_least(threshold))
        if threshold is not None
        else ()
    )
    return Verdict(threshold, failing, incomplete)
