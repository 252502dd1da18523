"""The verdict: does this review fail the check?"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.config import RepoConfig
from reviewer.core.severity import Severity
from reviewer.errors import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK


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


def cap_severity(findings: Iterable[AnchoredFinding], config: RepoConfig) -> list[AnchoredFinding]:
    """Apply the config file's `max-severity` per path (e.g. tests never block as critical)."""
    capped = []
    for finding in findings:
        caps = [r.max_severity for r in config.rules_for(finding.path) if r.max_severity]
        if caps:
            ceiling = min(caps, key=lambda s: s.rank)
            if finding.finding.severity.rank > ceiling.rank:
                lowered = finding.finding.model_copy(update={"severity": ceiling})
                finding = dataclasses.replace(finding, finding=lowered)
        capped.append(finding)
    return capped
