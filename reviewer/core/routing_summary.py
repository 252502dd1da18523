"""The "Suggested reviewers" section: each candidate, their score, why, what was done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reviewer.core.markdown import cell, inert_line
from reviewer.core.ownership import Owner
from reviewer.core.routing import UNLINKED, Outcome, Pick

TITLE = "### Suggested reviewers"


@dataclass(frozen=True, slots=True)
class RoutingReport:
    t: datetime  # the PR's creation time: the scores' "now"
    picks: tuple[Pick, ...]
    source: str  # where the history came from, with its bound when bounded
    fallback: tuple[Owner, ...] = ()  # CODEOWNERS owners requested instead
    fallback_from: str = ""  # the CODEOWNERS file they came from
    fallback_reason: str = ""  # why the history's candidates were not enough
    dry_run: bool = False
    notes: tuple[str, ...] = ()


def _cell(text: str) -> str:
    """Paths come from the repository (a PR may have named them): inert in a table."""
    return cell(inert_line(text, 160))


def _name(who: str) -> str:
    # Logins and team slugs only (GitHub's character set), or an address never linked to
    # an account, shown without its domain so that nobody's email is published.
    if who.startswith(UNLINKED):
        return f"{_cell(who.removeprefix(UNLINKED).split('@', 1)[0])}@… (no GitHub account)"
    return f"@{who}"


def render_routing(report: RoutingReport) -> str:
    lines = [TITLE, ""]
    if report.picks:
        lines += ["| reviewer | score | why | |", "|---|---:|---|---|"]
        for pick in report.picks:
            c = pick.candidate
            outcome = pick.outcome.value + (f" ({pick.detail})" if pick.detail else "")
            if pick.outcome is Outcome.REQUESTED:
                outcome = f"**{outcome}**"
            why = _cell(c.reason(report.t))
            lines.append(f"| {_name(c.who)} | {c.score:.2f} | {why} | {outcome} |")
    else:
        lines.append("Nobody in the history of the changed files could be suggested.")
    if report.fallback:
        verb = "would request" if report.dry_run else "requested"
        owners = ", ".join(f"@{o.name}" for o in report.fallback)
        lines += [
            "",
            f"{report.fallback_reason}: {verb} the code owners from "
            f"`{report.fallback_from}`: {owners}.",
        ]
    lines += ["", f"<sub>History: {report.source}.</sub>"]
    lines += [f"- {_cell(note)}" for note in report.notes]
    return "\n".join(lines)
