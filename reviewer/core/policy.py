"""The verdict: does this review fail the check?"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from reviewer.core.severity import Severity

if TYPE_CHECKING:  # annotations only: the settings need `OnUnreviewed` at start-up
    from reviewer.core.anchoring import AnchoredFinding
    from reviewer.core.config import RepoConfig
from reviewer.errors import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK


class OnUnreviewed(StrEnum):
    """What the check says when part of the pull request was not reviewed (`on-unreviewed`)."""

    INCOMPLETE = "incomplete"  # exit 3: neither a pass nor a finding
    FAIL = "fail"
    PASS = "pass"  # an explicit opt-in: the summary still lists what was not reviewed


@dataclass(frozen=True, slots=True)
class Verdict:
    threshold: Severity | None
    failing: tuple[AnchoredFinding, ...]
    incomplete: bool  # some of the pull request was not reviewed (files, chunks, time)
    on_unreviewed: OnUnreviewed = OnUnreviewed.INCOMPLETE

    @property
    def failed(self) -> bool:
        return bool(self.failing) or (self.incomplete and self.on_unreviewed is OnUnreviewed.FAIL)

    @property
    def exit_code(self) -> int:
        # Findings at the threshold fail the check first; an incomplete review is never
        # reported as a pass unless the user opted in with `on-unreviewed: pass`.
        if self.failed:
            return EXIT_FINDINGS
        if self.incomplete and self.on_unreviewed is OnUnreviewed.INCOMPLETE:
            return EXIT_INCOMPLETE
        return EXIT_OK

    @property
    def label(self) -> str:
        if self.failed:
            return "fail"
        if self.incomplete and self.on_unreviewed is OnUnreviewed.INCOMPLETE:
            return "incomplete"
        return "pass"


def decide_verdict(
    findings: Sequence[AnchoredFinding],
    threshold: Severity | None,
    *,
    incomplete: bool = False,
    on_unreviewed: OnUnreviewed = OnUnreviewed.INCOMPLETE,
) -> Verdict:
    """Every current finding counts, posted now or before: a re-run stays red until fixed.
    (Dismissed findings are not passed in.)"""
    failing = (
        tuple(f for f in findings if f.finding.severity.at_least(threshold))
        if threshold is not None
        else ()
    )
    return Verdict(threshold, failing, incomplete, on_unreviewed)


def cap_severity(findings: Iterable[AnchoredFinding], config: RepoConfig) -> list[AnchoredFinding]:
    """Apply the config file's `max-severity` per path (e.g. tests never block as critical)."""
    capped = []
    for finding in findings:
        caps = [r.max_severity for r in config.rules_for(finding.path) if r.max_severity]
        if caps:
            ceiling = min(caps, key=lambda s: s.rank)  # the strictest cap wins
            if finding.finding.severity.rank > ceiling.rank:
                lowered = finding.finding.model_copy(update={"severity": ceiling})
                finding = dataclasses.replace(finding, finding=lowered)
        capped.append(finding)
    return capped
