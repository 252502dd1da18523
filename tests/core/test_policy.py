"""The verdict and the config file's per-path severity caps."""

import dataclasses

import pytest
from core_helpers import anchored

from reviewer.core.config import parse_config
from reviewer.core.policy import cap_severity, decide_verdict
from reviewer.core.severity import Severity

CAPS = """\
paths:
  "tests/**":
    max-severity: warning
  "tests/fixtures/**":
    max-severity: critical
  "docs/**":
    max-severity: suggestion
  "src/**":
    instructions: Check error handling.
"""


def in_file(path: str, severity: str) -> object:
    return dataclasses.replace(anchored(severity=severity), path=path)


@pytest.mark.parametrize(
    ("path", "severity", "capped"),
    [
        # Two caps apply: the stricter (warning) wins, by rank; alphabetically "critical"
        # would come first and cap nothing.
        ("tests/fixtures/data.py", "critical", Severity.WARNING),
        ("tests/test_a.py", "critical", Severity.WARNING),
        ("docs/conf.py", "warning", Severity.SUGGESTION),
        # A cap lowers, never raises.
        ("tests/test_a.py", "suggestion", Severity.SUGGESTION),
        # A finding at the cap stays as it is.
        ("tests/test_a.py", "warning", Severity.WARNING),
        # Rules without a cap, and paths without rules, leave the severity alone.
        ("src/app.py", "critical", Severity.CRITICAL),
        ("lib/app.py", "critical", Severity.CRITICAL),
    ],
)
def test_max_severity_caps_by_rank(path: str, severity: str, capped: Severity) -> None:
    config = parse_config(CAPS, ".github/reviewer.yml")
    finding = in_file(path, severity)
    (result,) = cap_severity([finding], config)
    assert result.finding.severity is capped
    # Only the severity changes: the finding stays where it was, saying the same.
    assert dataclasses.replace(result, finding=finding.finding) == finding
    assert result.finding.model_copy(update={"severity": finding.finding.severity}) == (
        finding.finding
    )


def test_capping_keeps_every_finding_in_order() -> None:
    config = parse_config(CAPS, "c")
    findings = [in_file("docs/a.py", "critical"), in_file("lib/b.py", "critical")]
    capped = cap_severity(findings, config)
    assert [f.path for f in capped] == ["docs/a.py", "lib/b.py"]
    assert [f.finding.severity for f in capped] == [Severity.SUGGESTION, Severity.CRITICAL]


def test_a_capped_finding_no_longer_fails_the_check() -> None:
    config = parse_config(CAPS, "c")
    capped = cap_severity([in_file("tests/test_a.py", "critical")], config)
    assert not decide_verdict(capped, Severity.CRITICAL).failed


def test_the_verdict_reports_its_threshold() -> None:
    verdict = decide_verdict([anchored(severity="warning")], Severity.WARNING)
    assert verdict.threshold is Severity.WARNING
    assert decide_verdict([], None).threshold is None
