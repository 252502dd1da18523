"""Severities, their order, and the fail threshold."""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class Severity(StrEnum):
    SUGGESTION = "suggestion"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANK = MappingProxyType({Severity.SUGGESTION: 1, Severity.WARNING: 2, Severity.CRITICAL: 3})

# `fail-on: never` is represented as None: no severity fails the check.
FAIL_ON_CHOICES = ("critical", "warning", "suggestion", "never")


def parse_fail_on(value: str) -> Severity | None:
    """Map a `fail-on` value to a threshold; raise ValueError on anything else."""
    value = value.strip().lower()
    if value == "never":
        return None
    return Severity(value)
