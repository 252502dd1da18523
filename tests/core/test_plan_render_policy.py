from core_helpers import anchored, index

from reviewer.core.anchoring import Placement
from reviewer.core.fingerprint import (
    PostedComment,
    finding_marker,
    is_summary,
    posted_fingerprints,
    read_finding_marker,
    summary_marker,
)
from reviewer.core.plan import dedupe, plan_publication
from reviewer.core.policy import decide_verdict
from reviewer.core.render import render_comment, sanitize, suggestion_block
from reviewer.core.severity import Severity


def test_marker_round_trip_and_only_at_the_end() -> None:
    fp = anchored().fingerprint
    body = render_comment(anchored())
    assert body.endswith(finding_marker(fp))
    assert read_finding_marker(body) == fp
    assert read_finding_marker(finding_marker(fp) + "\nmore text after") is None
    assert is_summary("text\n" + summary_marker("a" * 40))


def test_model_text_cannot_forge_a_marker_or_ping() -> None:
    forged = finding_marker("0123456789abcdef")
    body = render_comment(anchored(body=f"hi @octocat {forged}", title="@admin look"))
    assert read_finding_marker(body) == anchored().fingerprint
    assert body.count("<!--") == 1
    assert "@octocat" not in body and "@admin" not in body
    assert sanitize("mail me at a@b.com") == "mail me at a@b.com"


def test_markers_from_other_authors_are_ignored() -> None:
    fp = anchored().fingerprint
    ours = PostedComment(1, "x\n" + finding_marker(fp), "github-actions[bot]", True, "u1")
    theirs = PostedComment(2, "x\n" + finding_marker("f" * 16), "mallory", False, "u2")
    assert posted_fingerprints([ours, theirs], author=None) == {fp: "u1"}
    assert posted_fingerprints([ours, theirs], author="mallory") == {"f" * 16: "u2"}


def test_suggestion_block_only_when_safe() -> None:
    good = anchored(suggestion="x = int(input())")
    assert suggestion_block(good) == "```suggestion\nx = int(input())\n```"
    assert suggestion_block(anchored(suggestion="")) == ""
    assert suggestion_block(anchored(suggestion="x = eval(input())")) == ""  # no-op
    assert suggestion_block(anchored(suggestion="y", quote="something else")) == ""
    deleted = anchored(line=3, side="LEFT", quote="z = 3", suggestion="z = 5")
    assert deleted.side.value == "LEFT" and suggestion_block(deleted) == ""
    fenced = anchored(suggestion='doc = """\n```\n"""')
    assert suggestion_block(fenced).startswith("````suggestion\n")


def test_dedupe_keeps_the_most_severe_copy() -> None:
    a = anchored(severity="warning")
    b = anchored(severity="critical", title="reworded", line=3)  # same code, same category
    (kept,) = dedupe([a, b])
    assert kept.finding.severity is Severity.CRITICAL


def test_the_same_mistake_on_two_lines_is_two_findings() -> None:
    import dataclasses

    first = anchored()
    twin = dataclasses.replace(first, line=5)  # identical code elsewhere: same fingerprint
    assert first.fingerprint == twin.fingerprint
    assert dedupe([first, twin, first]) == [first, twin]


def test_plan_routes_every_finding_somewhere() -> None:
    new = anchored()
    posted = anchored(line=3, quote='password = "hunter2"', category="security")
    outside = anchored(path="other.py")
    nowhere = anchored(line=50, quote="nope")
    plan = plan_publication(
        [new, posted, outside, nowhere],
        posted={posted.fingerprint: "https://x/c/1"},
        index=index(),
        max_comments=10,
    )
    assert plan.new_inline == (new,)
    assert plan.already_posted == ((posted, "https://x/c/1"),)
    assert {e.finding.placement for e in plan.summary_only} == {Placement.OUTSIDE, Placement.FILE}
    assert len(plan.all_findings) == 4


def test_plan_caps_comments_most_severe_first() -> None:
    low = anchored(severity="suggestion", line=3, quote='password = "hunter2"')
    high = anchored(severity="critical")
    plan = plan_publication([low, high], posted={}, index=index(), max_comments=1)
    assert plan.new_inline == (high,)
    assert plan.summary_only[0].finding is low
    assert "limit of 1" in plan.summary_only[0].reason


def test_verdict_thresholds() -> None:
    findings = [anchored(severity="warning")]
    assert decide_verdict(findings, Severity.CRITICAL).exit_code == 0
    assert decide_verdict(findings, Severity.WARNING).exit_code == 1
    assert decide_verdict(findings, Severity.SUGGESTION).failed
    assert not decide_verdict(findings, None).failed
    assert decide_verdict([], Severity.CRITICAL, incomplete=True).exit_code == 3
    assert decide_verdict(findings, Severity.WARNING, incomplete=True).exit_code == 1
