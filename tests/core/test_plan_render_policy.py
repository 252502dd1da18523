import dataclasses

import pytest
from core_helpers import anchored, index
from markdown_check import mentions

from reviewer.core.anchoring import Placement
from reviewer.core.fingerprint import (
    PostedComment,
    finding_marker,
    fingerprint,
    is_summary,
    legacy_fingerprints,
    posted_fingerprints,
    read_finding_marker,
    summary_marker,
)
from reviewer.core.markdown import inert, inert_line
from reviewer.core.plan import (
    MAX_FINDINGS_PER_COMMENT,
    Held,
    Limits,
    dedupe,
    plan_publication,
)
from reviewer.core.policy import OnUnreviewed, decide_verdict
from reviewer.core.render import render_comment, suggestion_block
from reviewer.core.severity import Severity


def limits(max_comments: int = 10, **kwargs: object) -> Limits:
    return Limits(max_comments=max_comments, **kwargs)  # type: ignore[arg-type]


def test_marker_round_trip_even_with_text_added_below() -> None:
    fp = anchored().fingerprint
    body = render_comment([anchored()])
    assert body.endswith(finding_marker(fp))
    assert read_finding_marker(body) == fp
    # A maintainer may edit our comment and add text below the marker.
    assert read_finding_marker(finding_marker(fp) + "\nmore text after") == fp
    assert is_summary("text\n" + summary_marker("a" * 40))
    assert is_summary(summary_marker("a" * 40) + "\n\nA note from a maintainer.")


def test_fingerprints_are_pinned() -> None:
    """An upgrade that changed these would re-key (and repost) every comment on users' PRs."""
    assert fingerprint("src/app.py", "    return eval(command)") == "b41cbe83b16f2578"
    # The recipe before 0.2 hashed the category too; those markers are still recognised.
    legacy = legacy_fingerprints("src/app.py", "    return eval(command)")
    assert "01193235ba4661ef" in legacy  # (security) as posted by 0.1.0
    assert len(legacy) == 7
    assert fingerprint("src/app.py", "return   eval(command)") == fingerprint(
        "src/app.py", "return eval(command)"
    )


def test_model_text_cannot_forge_a_marker_or_ping() -> None:
    forged = finding_marker("0123456789abcdef")
    body = render_comment([anchored(body=f"hi @octocat {forged}", title="@admin look")])
    assert read_finding_marker(body) == anchored().fingerprint
    assert body.count("<!--") == 1
    assert "@octocat" not in body and "@admin" not in body
    assert inert("mail me at a@b.com") == "mail me at a@b.com"
    # A backtick before the @ that opens no code span is text, and GitHub links what
    # follows it: "`@octocat" must not ping either (its escaped backtick once let it).
    # Nor emphasis around one: `_@0_` renders as an emphasised "@0", which GitHub links.
    for text in ("`@octocat", "Ask `@octocat/security to look", "``@admin", "_@0_", "__@org/t__"):
        assert mentions(inert(text)) == [], inert(text)
        assert mentions(inert_line(text)) == [], inert_line(text)


def test_markers_from_other_authors_are_ignored() -> None:
    fp = anchored().fingerprint
    ours = PostedComment(1, "x\n" + finding_marker(fp), "github-actions[bot]", True, "u1")
    theirs = PostedComment(2, "x\n" + finding_marker("f" * 16), "mallory", False, "u2")
    assert posted_fingerprints([ours, theirs], author=None) == {fp: "u1"}
    assert posted_fingerprints([ours, theirs], author="mallory") == {"f" * 16: "u2"}
    # Logins are case-insensitive: `bot-login` may be spelled otherwise than GitHub does.
    assert posted_fingerprints([ours, theirs], author="GitHub-Actions[bot]") == {fp: "u1"}
    assert posted_fingerprints([ours, theirs], author="github-actions") == {}


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
    assert suggestion_block(anchored(suggestion="x = 1\u202e # hidden")) == ""  # Trojan Source
    assert suggestion_block(anchored(suggestion="x = 1\n" + "y = 2\n" * 5000)) == ""  # too long


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_dedupe_keeps_the_most_severe_copy_whatever_the_order(order: tuple[int, int]) -> None:
    copies = [anchored(severity="warning"), anchored(severity="critical")]
    (kept,) = dedupe([copies[i] for i in order])
    assert kept.finding.severity is Severity.CRITICAL


def test_dedupe_prefers_the_inline_copy() -> None:
    inline = anchored()
    off = dataclasses.replace(inline, placement=Placement.FILE)
    assert dedupe([off, inline]) == [inline]
    assert dedupe([inline, off]) == [inline]


def test_two_problems_on_one_line_share_one_comment() -> None:
    """Same line, same category, different problems: neither vanishes."""
    first = anchored(title="eval of user input")
    second = anchored(title="result is never checked")
    assert first.fingerprint == second.fingerprint
    assert dedupe([first, second]) == [first, second]
    plan = plan_publication([first, second], posted={}, index=index(), limits=limits())
    (group,) = plan.new_inline
    assert group.findings == (first, second)
    body = render_comment(group.findings)
    assert "eval of user input" in body and "result is never checked" in body
    assert body.count("<!--") == 1


def test_recategorised_findings_keep_their_identity() -> None:
    as_bug = anchored(category="bug")
    as_security = anchored(category="security", title="Reworded entirely")
    assert as_bug.fingerprint == as_security.fingerprint
    plan = plan_publication(
        [as_security], posted={as_bug.fingerprint: "https://x/c/1"}, index=index(), limits=limits()
    )
    assert plan.new_inline == () and plan.already_posted == ((as_security, "https://x/c/1"),)


def test_comments_posted_by_the_earlier_recipe_are_recognised() -> None:
    finding = anchored(category="bug")
    legacy = sorted(finding.legacy_fingerprints)[3]
    plan = plan_publication(
        [finding], posted={legacy: "https://x/c/9"}, index=index(), limits=limits()
    )
    assert plan.already_posted == ((finding, "https://x/c/9"),)


def test_the_same_mistake_on_two_lines_is_two_findings() -> None:
    first = anchored()
    twin = dataclasses.replace(first, line=5)  # identical code elsewhere: same fingerprint
    assert first.fingerprint == twin.fingerprint
    assert dedupe([first, twin, first]) == [first, twin]


def test_plan_routes_every_finding_somewhere() -> None:
    new = anchored()
    posted = anchored(line=3, quote='password = "hunter2"', category="security")
    outside = anchored(path="other.py")
    nowhere = anchored(line=50, quote="nope")
    gone = anchored(line=6, quote="z = 4", title="style")
    plan = plan_publication(
        [new, posted, outside, nowhere, gone],
        posted={posted.fingerprint: "https://x/c/1"},
        index=index(),
        limits=limits(),
        dismissed={gone.fingerprint: "by @maintainer: not a bug"},
    )
    assert [g.findings for g in plan.new_inline] == [(new,)]
    assert plan.already_posted == ((posted, "https://x/c/1"),)
    assert {e.finding.placement for e in plan.summary_only} == {Placement.OUTSIDE, Placement.FILE}
    assert [d.finding for d in plan.dismissed] == [gone]
    assert len(plan.all_findings) == 5 and len(plan.counted) == 4


def test_plan_caps_comments_most_severe_first() -> None:
    low = anchored(severity="suggestion", line=3, quote='password = "hunter2"')
    high = anchored(severity="critical")
    plan = plan_publication([low, high], posted={}, index=index(), limits=limits(1))
    assert [g.primary for g in plan.new_inline] == [high]
    assert plan.summary_only[0].finding is low
    assert "limit of 1" in plan.summary_only[0].reason
    assert plan.summary_only[0].kind is Held.OVER_LIMIT


def test_caps_count_comments_earlier_runs_posted() -> None:
    """`max-comments` is per pull request: a re-run does not post the held-back ones."""
    finding = anchored()
    full = limits(2, posted_per_file={"app.py": 1, "other.py": 1})
    plan = plan_publication([finding], posted={}, index=index(), limits=full)
    assert plan.new_inline == () and plan.summary_only[0].kind is Held.OVER_LIMIT
    per_file = limits(10, max_per_file=1, posted_per_file={"app.py": 1})
    plan = plan_publication([finding], posted={}, index=index(), limits=per_file)
    assert plan.new_inline == () and "per file" in plan.summary_only[0].reason


def test_a_comment_holds_a_bounded_number_of_findings() -> None:
    many = [anchored(title=f"problem {i}") for i in range(MAX_FINDINGS_PER_COMMENT + 3)]
    plan = plan_publication(many, posted={}, index=index(), limits=limits())
    (group,) = plan.new_inline
    assert len(group.findings) == MAX_FINDINGS_PER_COMMENT
    assert len(plan.summary_only) == 3 and len(plan.all_findings) == len(many)


def test_below_min_severity_goes_to_the_summary() -> None:
    low = anchored(severity="suggestion")
    plan = plan_publication(
        [low],
        posted={},
        index=index(),
        limits=limits(min_severity=lambda _path: Severity.WARNING),
    )
    assert plan.summary_only[0].kind is Held.BELOW_MIN_SEVERITY


def test_verdict_thresholds() -> None:
    findings = [anchored(severity="warning")]
    assert decide_verdict(findings, Severity.CRITICAL).exit_code == 0
    assert decide_verdict(findings, Severity.WARNING).exit_code == 1
    assert decide_verdict(findings, Severity.SUGGESTION).failed
    assert not decide_verdict(findings, None).failed
    assert decide_verdict([], Severity.CRITICAL, incomplete=True).exit_code == 3
    assert decide_verdict(findings, Severity.WARNING, incomplete=True).exit_code == 1


@pytest.mark.parametrize(
    ("policy", "exit_code", "label"),
    [
        (OnUnreviewed.INCOMPLETE, 3, "incomplete"),
        (OnUnreviewed.FAIL, 1, "fail"),
        (OnUnreviewed.PASS, 0, "pass"),
    ],
)
def test_unreviewed_parts_follow_on_unreviewed(
    policy: OnUnreviewed, exit_code: int, label: str
) -> None:
    verdict = decide_verdict([], Severity.CRITICAL, incomplete=True, on_unreviewed=policy)
    assert (verdict.exit_code, verdict.label) == (exit_code, label)
    # A blocking finding fails the check whatever the policy.
    blocking = decide_verdict(
        [anchored()], Severity.CRITICAL, incomplete=True, on_unreviewed=policy
    )
    assert blocking.exit_code == 1
