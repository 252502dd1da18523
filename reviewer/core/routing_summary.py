"""The "Suggested reviewers" section: each candidate, their score, why, what was done.

A mention notifies, so only the people (and teams) this run asked are mentioned; everyone
else is named in a code span. The section sits between the hidden markers of
`core/routing_marker.py`, so a later review that does no routing keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reviewer.core.markdown import cell, code_span, inert_line
from reviewer.core.ownership import Owner
from reviewer.core.routing import UNLINKED, Outcome, Pick, identity_key
from reviewer.core.routing_marker import SECTION_END, SECTION_START

TITLE = "### Suggested reviewers"


@dataclass(frozen=True, slots=True)
class RoutingReport:
    t: datetime  # the PR's creation time: the scores' "now"
    picks: tuple[Pick, ...]
    source: str  # where the history came from, with its bound when bounded
    fallback: tuple[Owner, ...] = ()  # CODEOWNERS owners requested instead
    fallback_from: str = ""  # the CODEOWNERS file they came from
    fallback_reason: str = ""  # why the history's candidates were not enough
    not_requestable: tuple[Owner, ...] = ()  # code owners that are other organisations' teams
    dry_run: bool = False
    notes: tuple[str, ...] = ()
    refused: frozenset[str] = frozenset()  # fallback owners GitHub would not request


def _cell(text: str) -> str:
    """Paths come from the repository (a PR may have named them): inert in a table."""
    return cell(inert_line(text, 160))


def _name(who: str, *, mention: bool) -> str:
    # Logins and team slugs only (GitHub's character set), or an address never linked to
    # an account, shown without its domain so that nobody's email is published.
    if who.startswith(UNLINKED):
        return f"{_cell(who.removeprefix(UNLINKED).split('@', 1)[0])}@… (no GitHub account)"
    return f"@{who}" if mention else cell(code_span(who, 100))


def render_routing(report: RoutingReport) -> str:
    lines = [SECTION_START, TITLE, ""]
    if report.picks:
        lines += ["| reviewer | score | why | |", "|---|---:|---|---|"]
        for pick in report.picks:
            c = pick.candidate
            asked = pick.outcome is Outcome.REQUESTED
            outcome = pick.outcome.value + (f" ({pick.detail})" if pick.detail else "")
            if asked:
                outcome = f"**{outcome}**"
            why = _cell(c.reason(report.t))
            lines.append(f"| {_name(c.who, mention=asked)} | {c.score:.2f} | {why} | {outcome} |")
    else:
        lines.append("Nobody in the history of the changed files could be suggested.")
    source = code_span(report.fallback_from)
    if report.fallback:
        verb = "would request" if report.dry_run else "requested"
        refused = {identity_key(who) for who in report.refused}
        owners = ", ".join(
            _name(o.name, mention=not report.dry_run and identity_key(o.name) not in refused)
            for o in report.fallback
        )
        lines += ["", f"{report.fallback_reason}: {verb} the code owners from {source}: {owners}."]
    elif report.not_requestable:
        lines += ["", f"{report.fallback_reason}: no code owner from {source} can be requested."]
    if report.not_requestable:
        teams = ", ".join(_name(o.name, mention=False) for o in report.not_requestable)
        lines += [
            "",
            "Not requestable, as teams of another organisation (GitHub requests only teams "
            f"of the repository's own organisation): {teams}.",
        ]
    lines += ["", f"<sub>History: {report.source}.</sub>"]
    lines += [f"- {_cell(note)}" for note in report.notes]
    lines.append(SECTION_END)
    return "\n".join(lines)
