"""The one sticky SLA comment per pull request, and the hidden marker that is the scan's
memory: the clock it saw, the tier reached and when. Base64 JSON at the very end of the
comment, so nothing written above it can forge one; only our own comment is read."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime

from reviewer.core.sla import Escalation, SlaPolicy

_MARKER = re.compile(r"<!-- reviewer:sla ([A-Za-z0-9+/=]*) -->\s*\Z")
_ANY_MARKER = re.compile(r"<!-- reviewer:sla [A-Za-z0-9+/=]* -->\s*\Z")
TITLE = "### ⏰ Review SLA"


def is_sla_comment(body: str) -> bool:
    return _ANY_MARKER.search(body) is not None


def sla_marker(state: Escalation) -> str:
    data = {
        "since": _iso(state.owed_since),
        "tier": state.tier,
        "at": _iso(state.at),
    }
    encoded = base64.b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()
    return f"<!-- reviewer:sla {encoded} -->"


def read_marker(body: str) -> Escalation | None:
    """The state in our comment; None when there is none or it is unreadable (then the
    scan starts over for this PR, which at worst asks tier 1 again)."""
    found = _MARKER.search(body)
    if found is None:
        return None
    try:
        data = json.loads(base64.b64decode(found.group(1), validate=True))
        tier = int(data["tier"])
        return Escalation(_time(data["since"]), max(tier, 0), _time(data["at"]))
    except (binascii.Error, ValueError, TypeError, KeyError, RecursionError):
        return None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("not a time")
    return datetime.fromisoformat(value)


def _names(names: list[str]) -> str:
    return ", ".join(f"@{n}" for n in names) if names else "nobody"


def _hours(delta_s: float) -> str:
    hours = delta_s / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.1f} days"


def breach_comment(
    state: Escalation,
    *,
    now: datetime,
    waiting: list[str],
    asked: list[str],
    policy: SlaPolicy,
) -> str:
    """The comment while overdue: who has been waited for, for how long, who is asked now.
    Names are GitHub logins and team slugs (checked when the inputs were read)."""
    since = state.owed_since or now
    lines = [
        TITLE,
        f"A review has been owed for **{_hours((now - since).total_seconds())}** "
        f"(since {since:%Y-%m-%d %H:%M} UTC; the SLA is "
        f"{_hours(policy.review_sla.total_seconds())}).",
        f"- Waiting for: {_names(waiting)}",
    ]
    if state.tier and policy.tiers:
        lines.append(f"- Escalated to tier {state.tier} of {len(policy.tiers)}: {_names(asked)}")
        if state.tier < len(policy.tiers):
            lines.append(
                f"- Next tier after {_hours(policy.escalation_sla.total_seconds())} "
                "more without a review."
            )
    return "\n".join([*lines, "", sla_marker(state)])


def cleared_comment(state: Escalation, *, now: datetime, reason: str) -> str:
    lines = [TITLE, f"No longer overdue ({reason}; checked {now:%Y-%m-%d %H:%M} UTC)."]
    return "\n".join([*lines, "", sla_marker(state)])
