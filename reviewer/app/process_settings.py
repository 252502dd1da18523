"""The review-process inputs: routing (who to ask), SLA (when to escalate), `review`.

Kept apart from settings.py, which reads them as part of the same Settings."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from reviewer.core.sla import SlaPolicy
from reviewer.errors import ConfigError

PROCESS_INPUT_NAMES = (
    "review",
    "assign-reviewers",
    "familiarity-decay",
    "max-open-reviews",
    "min-familiarity",
    "review-sla",
    "escalation",
    "escalation-sla",
    "sla-label",
)
_LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_REVIEWER = re.compile(rf"@?({_LOGIN}(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?)")
MAX_LABEL = 50  # GitHub's limit on a label's name


@dataclass(frozen=True)
class ProcessSettings:
    review: bool = True  # false: routing (or the SLA scan, or the gate) only, no model
    assign_reviewers: int = 0  # 0: routing off
    familiarity_decay: float = 0.05  # λ per day: a half-life of about 14 days
    max_open_reviews: int = 5
    min_familiarity: float = 0.5
    review_sla_hours: float = 24.0
    escalation: tuple[tuple[str, ...], ...] = ()
    escalation_sla_hours: float = 12.0
    sla_label: str = "review-overdue"

    def sla_policy(self) -> SlaPolicy:
        return SlaPolicy(
            review_sla=timedelta(hours=self.review_sla_hours),
            escalation_sla=timedelta(hours=self.escalation_sla_hours),
            tiers=self.escalation,
        )


def build_process_settings(get: Callable[[str], str]) -> ProcessSettings:
    """From raw input values (`get(name)`, "" when unset); ConfigError names a bad one."""
    label = get("sla-label") or "review-overdue"
    if len(label) > MAX_LABEL:
        raise ConfigError(f"Input sla-label is longer than GitHub's {MAX_LABEL} characters.")
    return ProcessSettings(
        review=_flag(get("review"), "review", default=True),
        assign_reviewers=int(_number(get("assign-reviewers"), "assign-reviewers", 0, 0, 15)),
        familiarity_decay=_number(get("familiarity-decay"), "familiarity-decay", 0.05, 0, 10),
        max_open_reviews=int(_number(get("max-open-reviews"), "max-open-reviews", 5, 1, 1000)),
        min_familiarity=_number(get("min-familiarity"), "min-familiarity", 0.5, 0, 1e9),
        review_sla_hours=_number(get("review-sla"), "review-sla", 24, 0.25, 24 * 365),
        escalation=_tiers(get("escalation")),
        escalation_sla_hours=_number(get("escalation-sla"), "escalation-sla", 12, 0.25, 24 * 365),
        sla_label=label,
    )


def _flag(value: str, name: str, *, default: bool) -> bool:
    lowered = value.lower()
    if not lowered:
        return default
    if lowered in ("true", "yes", "1", "on"):
        return True
    if lowered in ("false", "no", "0", "off"):
        return False
    raise ConfigError(f"Input {name} must be true or false, not {value!r}.")


def _number(value: str, name: str, default: float, minimum: float, maximum: float) -> float:
    if not value:
        return default
    try:
        parsed = float(value)
    except ValueError:
        raise ConfigError(f"Input {name} must be a number, not {value!r}.") from None
    if not minimum <= parsed <= maximum:
        raise ConfigError(f"Input {name} is {value}; it must be from {minimum:g} to {maximum:g}.")
    if name in ("assign-reviewers", "max-open-reviews") and not parsed.is_integer():
        raise ConfigError(f"Input {name} must be a whole number, not {value!r}.")
    return parsed


def _tiers(value: str) -> tuple[tuple[str, ...], ...]:
    """One tier a line; each a comma-separated list of users and `org/team`s."""
    tiers = []
    for number, line in enumerate(value.splitlines(), 1):
        names = [part.strip() for part in line.split(",") if part.strip()]
        if not names:
            continue
        tier = []
        for name in names:
            match = _REVIEWER.fullmatch(name)
            if match is None:
                raise ConfigError(
                    f"Input escalation, line {number}: {name!r} is neither a GitHub user nor "
                    "an `org/team`.",
                    hint="Write one tier a line, e.g. `alice, bob` then `my-org/leads`.",
                )
            tier.append(match.group(1))
        tiers.append(tuple(tier))
    return tuple(tiers)
