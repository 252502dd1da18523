"""The SLA scan's step summary: every open pull request, where it stands, and the counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reviewer.core.markdown import cell, inert_line
from reviewer.core.pull_activity import OpenPull
from reviewer.core.sla import Action, SlaPolicy, Standing


@dataclass(frozen=True, slots=True)
class ScannedPull:
    pull: OpenPull
    standing: Standing
    tier: int
    action: Action
    note: str = ""  # e.g. skipped because another run got there first
    dry_run: bool = False  # `action` was decided, not done

    @property
    def escalated(self) -> bool:
        """Escalated in this run: written in full; not merely decided (dry run), nor with
        a note (GitHub refused part of it)."""
        return self.action is Action.ESCALATE and not self.dry_run and not self.note

    @property
    def done(self) -> str:
        if self.dry_run and self.action is not Action.NOTHING:
            return f"would {self.action.value} (dry run)"
        return self.action.value + (f" ({self.note})" if self.note else "")


def _age(now: datetime, since: datetime | None) -> str:
    if since is None:
        return "-"
    hours = max((now - since).total_seconds(), 0.0) / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.1f} d"


def _title(pull: OpenPull) -> str:
    return cell(inert_line(pull.title, 60))


def render_scan(
    scanned: list[ScannedPull],
    *,
    now: datetime,
    policy: SlaPolicy,
    drafts: int,
    notes: list[str],
    unscanned: int = 0,
) -> str:
    """`unscanned`: open, non-draft PRs GitHub failed to give (their notes say why)."""
    overdue = sum(1 for s in scanned if s.standing.overdue(now, policy))
    escalated = sum(1 for s in scanned if s.escalated)
    would = sum(1 for s in scanned if s.dry_run and s.action is Action.ESCALATE)
    dry = f" ({would} would be, without `dry-run`)" if would else ""
    lines = [
        "## ⏰ Review SLA",
        "",
        f"{len(scanned)} open pull request(s)"
        + (f" scanned, {unscanned} not scanned" if unscanned else "")
        + f" ({drafts} draft(s) not counted), "
        f"{overdue} overdue, {escalated} escalated in this run{dry}. SLA "
        f"{policy.review_sla.total_seconds() / 3600:.0f} h, "
        f"{len(policy.tiers)} escalation tier(s).",
        "",
        "| PR | state | age | waiting | tier | breach | this run |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for s in sorted(scanned, key=lambda s: s.pull.number):
        pull, standing = s.pull, s.standing
        breach = "**yes**" if standing.overdue(now, policy) else "no"
        done = s.done
        lines.append(
            f"| [#{pull.number}]({pull.url}) {_title(pull)} | {standing.state.value} | "
            f"{_age(now, pull.created_at)} | {_age(now, standing.owed_since)} | {s.tier} | "
            f"{breach} | {done} |"
        )
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines)
