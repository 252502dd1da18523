"""The "Suggested reviewers" section: who is mentioned (only people asked), and reading
our own section back from an earlier summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from markdown_check import live_html, mentions

from reviewer.core.ownership import Owner
from reviewer.core.routing import Candidate, Outcome, Pick
from reviewer.core.routing_marker import previous_section
from reviewer.core.routing_summary import RoutingReport, render_routing

T = datetime(2024, 6, 1, 12, tzinfo=UTC)


def pick(who: str, outcome: Outcome, score: float = 2.0) -> Pick:
    return Pick(Candidate(who, score, 4, T - timedelta(days=2), ("src/a.py",)), outcome)


PICKS = (
    pick("amy", Outcome.REQUESTED),
    pick("ben", Outcome.AT_CAPACITY),
    pick("cy", Outcome.NO_ACCESS),
    pick("dee", Outcome.ALREADY),
    pick("eve", Outcome.REMOVED),
    pick("fay", Outcome.REFUSED),
    pick("gus", Outcome.BELOW_MINIMUM, 0.1),
    pick("email:hal@example.com", Outcome.NO_LOGIN),
)


def test_only_the_people_asked_now_are_mentioned() -> None:
    # A mention notifies: nobody held back, turned away or asked before is pinged.
    section = render_routing(RoutingReport(T, PICKS, "the history"))
    assert mentions(section) == ["@amy"]
    for who in ("ben", "cy", "dee", "eve", "fay", "gus"):
        assert f"`{who}`" in section
    assert "hal@… (no GitHub account)" in section and "example.com" not in section
    assert set(live_html(section)) == {"<sub>", "</sub>"}  # ours, around the source


def test_code_owners_are_mentioned_only_when_asked() -> None:
    owners = (Owner("lead", False, 0.7), Owner("acme/web", True, 0.7))
    asked = RoutingReport(T, (), "h", fallback=owners, fallback_from="CODEOWNERS")
    assert mentions(render_routing(asked)) == ["@lead", "@acme/web"]
    refused = RoutingReport(
        T, (), "h", fallback=owners, fallback_from="CODEOWNERS", refused=frozenset({"acme/web"})
    )
    assert mentions(render_routing(refused)) == ["@lead"]
    dry = RoutingReport(
        T, (pick("amy", Outcome.WOULD_REQUEST),), "h", fallback=owners, dry_run=True
    )
    assert mentions(render_routing(dry)) == []


def test_teams_of_another_organisation_are_named_not_mentioned() -> None:
    lead, web = Owner("lead", False, 0.7), Owner("other-org/web", True, 0.7)
    note = (
        "Not requestable, as teams of another organisation (GitHub requests only teams of "
        "the repository's own organisation): `other-org/web`."
    )
    mixed = render_routing(
        RoutingReport(
            T, (), "h", fallback=(lead,), fallback_from="CODEOWNERS",
            fallback_reason="Nobody reached `min-familiarity`", not_requestable=(web,),
        )
    )  # fmt: skip
    assert mentions(mixed) == ["@lead"] and note in mixed
    assert "requested the code owners from `CODEOWNERS`: @lead." in mixed
    alone = render_routing(
        RoutingReport(
            T, (), "h", fallback_from="CODEOWNERS", fallback_reason="Nobody reached it",
            not_requestable=(web,),
        )
    )  # fmt: skip
    assert mentions(alone) == [] and note in alone
    assert "Nobody reached it: no code owner from `CODEOWNERS` can be requested." in alone


def test_the_section_is_read_back_from_our_earlier_summary() -> None:
    section = render_routing(RoutingReport(T, PICKS, "the history"))
    body = (
        f"## 🤖 reviewer\n\nfindings…\n\n{section}\n\n<sub>footer</sub>\n<!-- reviewer:summary -->"
    )
    assert previous_section(body) == section
    assert previous_section("## 🤖 reviewer\n\nno routing here") == ""
    # Cut short (a summary over GitHub's limit is cut): not carried half.
    assert previous_section(body[: body.index(section) + len(section) // 2]) == ""
