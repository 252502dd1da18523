"""Where each finding goes: inline now, already posted, the summary (and why), dismissed,
rejected; the PR's comment limits; findings carried from an earlier review."""

import dataclasses

from core_helpers import anchored, index

from reviewer.core.anchoring import Placement, anchor_finding
from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import Side, parse_diff
from reviewer.core.findings import Finding
from reviewer.core.plan import (
    MAX_FINDINGS_PER_COMMENT,
    Dismissed,
    Held,
    Limits,
    PublishPlan,
    Rejected,
    SummaryEntry,
    dedupe,
    plan_publication,
    with_carried,
    with_rejected,
)
from reviewer.core.severity import Severity
from reviewer.core.state import OpenFinding

# Distinct code on each new line of core_helpers.DIFF, so each is its own comment.
LINES = {1: "import os", 2: "x = eval(input())", 3: 'password = "hunter2"', 4: "y = 2"}


def on_line(line: int, **overrides: object) -> object:
    return anchored(line=line, quote=LINES[line], **overrides)


def plan(findings: list, **limits: object) -> PublishPlan:  # type: ignore[type-arg]
    return plan_publication(
        findings,
        posted={},
        index=index(),
        limits=Limits(**{"max_comments": 10, **limits}),  # type: ignore[arg-type]
    )


def test_dedupe_treats_titles_differing_only_in_case_as_one_copy() -> None:
    first = anchored(title="SQL injection", body="first copy")
    shouted = anchored(title="sql INJECTION", body="second copy")
    assert dedupe([first, shouted]) == [first]
    # Caseless the Unicode way: "ß" and "SS" are one letter in two cases.
    german = anchored(title="Straße nicht geprüft")
    upper = anchored(title="STRASSE NICHT GEPRÜFT")
    assert dedupe([german, upper]) == [german]


def test_of_equally_severe_copies_the_first_is_kept() -> None:
    first = anchored(body="from the first chunk")
    second = anchored(body="from the overlapping chunk")
    assert dedupe([first, second]) == [first]
    assert dedupe([second, first]) == [second]


def test_each_summary_entry_says_why_it_is_not_inline() -> None:
    outside = anchored(path="other.py")
    not_in_diff = anchored(line=50, quote="nope")
    listed = plan([outside, not_in_diff]).summary_only
    assert SummaryEntry(outside, "outside the diff", Held.OUTSIDE_DIFF) in listed
    assert SummaryEntry(not_in_diff, not_in_diff.note, Held.NOT_IN_DIFF) in listed
    assert not_in_diff.note == "line 50 is not in the diff"


def test_a_finding_placed_on_the_file_is_never_posted_inline() -> None:
    """Placement decides, not a line number the finding may still carry."""
    on_file = dataclasses.replace(anchored(), placement=Placement.FILE)
    assert on_file.line == 2 and on_file.note == ""
    (entry,) = plan([on_file]).summary_only
    assert entry == SummaryEntry(on_file, "line not in the diff", Held.NOT_IN_DIFF)


def test_an_inline_finding_off_the_whole_diff_is_held_back() -> None:
    """One bad line makes GitHub refuse the whole review: each is checked again against the
    whole diff's index (here, one that no longer has line 2)."""
    finding = anchored()
    narrower = CommentableIndex.build(parse_diff(DIFF_WITHOUT_LINE_2))
    result = plan_publication([finding], posted={}, index=narrower, limits=Limits(10))
    assert result.new_inline == ()
    assert result.summary_only == (
        SummaryEntry(finding, "line not commentable in the diff", Held.NOT_COMMENTABLE),
    )


DIFF_WITHOUT_LINE_2 = """\
diff --git a/app.py b/app.py
--- a/app.py
+++ b/app.py
@@ -1,1 +1,1 @@
-import sys
+import os
"""

DELETES_AT_THE_END = """\
diff --git a/tail.py b/tail.py
--- a/tail.py
+++ b/tail.py
@@ -1,3 +1,1 @@
 keep = 1
-gone = 2
-also_gone = 3
"""


def test_a_finding_on_a_deleted_line_is_checked_on_its_side() -> None:
    """Old line 3 exists only on the LEFT: the new file has a single line."""
    tail = CommentableIndex.build(parse_diff(DELETES_AT_THE_END))
    cited = Finding.model_validate(
        {
            **anchored().finding.model_dump(),
            "path": "tail.py",
            "line": 3,
            "side": "LEFT",
            "quote": "also_gone = 3",
        }
    )
    finding = anchor_finding(cited, tail)
    assert (finding.placement, finding.side) == (Placement.INLINE, Side.LEFT)
    result = plan_publication([finding], posted={}, index=tail, limits=Limits(10))
    assert [group.side for group in result.new_inline] == [Side.LEFT]
    assert result.summary_only == ()


def test_min_severity_is_looked_up_for_the_findings_path() -> None:
    def strict_in_app(path: str) -> Severity:
        return Severity.WARNING if path == "app.py" else Severity.SUGGESTION

    low = anchored(severity="suggestion")
    (entry,) = plan([low], min_severity=strict_in_app).summary_only
    assert entry == SummaryEntry(low, "below min-severity (warning)", Held.BELOW_MIN_SEVERITY)


def test_findings_without_a_line_are_listed_first_within_a_file() -> None:
    """The summary's order: most severe first, then by path, line (none first) and title."""
    about_file = on_line(1, title="z: about the whole file", severity="suggestion")
    about_file = dataclasses.replace(about_file, placement=Placement.FILE, line=None)
    about_line_1 = on_line(1, title="a: about line 1", severity="suggestion")
    listed = plan([about_line_1, about_file], min_severity=lambda _: Severity.WARNING)
    assert [entry.kind for entry in listed.summary_only] == [
        Held.NOT_IN_DIFF,
        Held.BELOW_MIN_SEVERITY,
    ]
    assert [entry.finding for entry in listed.summary_only] == [about_file, about_line_1]


def test_dismissed_findings_keep_the_reason_they_were_dismissed() -> None:
    finding = anchored()
    result = plan_publication(
        [finding],
        posted={},
        index=index(),
        limits=Limits(10),
        dismissed={finding.fingerprint: "by @maintainer: intended"},
    )
    assert result.dismissed == (Dismissed(finding, "by @maintainer: intended"),)


def test_max_comments_allows_exactly_that_many_new_comments() -> None:
    findings = [on_line(n) for n in (1, 2, 3, 4)]
    result = plan(findings, max_comments=3)
    assert len(result.new_inline) == 3
    assert [entry.kind for entry in result.summary_only] == [Held.OVER_LIMIT]


def test_max_comments_counts_earlier_comments_across_new_ones() -> None:
    findings = [on_line(n) for n in (1, 2, 3)]
    result = plan(findings, max_comments=4, posted_per_file={"app.py": 1, "lib.py": 1})
    assert len(result.new_inline) == 2
    assert len(result.summary_only) == 1


def test_max_comments_per_file_allows_exactly_that_many_in_a_file() -> None:
    findings = [on_line(n) for n in (1, 2, 3)]
    result = plan(findings, max_per_file=2)
    assert len(result.new_inline) == 2
    (held,) = result.summary_only
    assert held.reason == "over the limit of 2 comments per file"


def test_max_comments_per_file_counts_earlier_comments_in_that_file() -> None:
    findings = [on_line(n) for n in (1, 2, 3)]
    result = plan(findings, max_per_file=2, posted_per_file={"app.py": 1})
    assert len(result.new_inline) == 1
    assert len(result.summary_only) == 2


def test_findings_beyond_one_comments_capacity_say_so() -> None:
    many = [anchored(title=f"problem {i}") for i in range(MAX_FINDINGS_PER_COMMENT + 1)]
    (extra,) = plan(many).summary_only
    assert extra.reason == f"more than {MAX_FINDINGS_PER_COMMENT} findings on one line"
    assert extra.kind is Held.OVER_LIMIT


def remembered(fingerprint: str, *, url: str = "", line: int | None = 7) -> OpenFinding:
    return OpenFinding(fingerprint, "lib/old.py", line, "RIGHT", "warning", "bug", "Leak", url)


def test_carried_findings_go_where_they_were_and_nothing_is_lost() -> None:
    current = plan([anchored()])
    posted = remembered("a" * 16, url="https://x/c/5")
    listed = remembered("b" * 16, line=None)
    gone = remembered("c" * 16, url="https://x/c/6")
    result = with_carried(current, [posted, listed, gone], {"c" * 16: "by @lead: fine"})
    assert result.new_inline == current.new_inline
    ((posted_finding, url),) = result.already_posted
    assert (posted_finding.fingerprint, posted_finding.path, url) == (
        "a" * 16,
        "lib/old.py",
        "https://x/c/5",
    )
    (entry,) = result.summary_only
    assert entry.finding.fingerprint == "b" * 16
    assert (entry.reason, entry.kind) == ("still open from an earlier review", Held.CARRIED)
    (dismissed,) = result.dismissed
    assert (dismissed.finding.fingerprint, dismissed.reason) == ("c" * 16, "by @lead: fine")
    assert len(result.all_findings) == 4 and len(result.counted) == 3


def test_carrying_adds_to_what_the_plan_already_has() -> None:
    finding = anchored()
    outside = anchored(path="other.py")
    rejected = Rejected(anchored(line=3, quote=LINES[3]), "not a secret: a test fixture")
    current = with_rejected(
        plan_publication(
            [outside, finding],
            posted={finding.fingerprint: "https://x/c/1"},
            index=index(),
            limits=Limits(10),
            dismissed={outside.fingerprint: "by @a: known"},
        ),
        [rejected],
    )
    result = with_carried(current, [remembered("a" * 16, url="u"), remembered("b" * 16)])
    assert result.already_posted[0] == (finding, "https://x/c/1")
    assert [f.fingerprint for f, _ in result.already_posted] == [finding.fingerprint, "a" * 16]
    assert [e.finding.fingerprint for e in result.summary_only] == ["b" * 16]
    assert [d.finding for d in result.dismissed] == [outside]
    assert result.rejected == (rejected,)
    # Without dismissals, nothing carried is dismissed.
    assert with_carried(current, [remembered("d" * 16)]).dismissed == current.dismissed


def test_rejected_findings_are_listed_but_not_counted() -> None:
    kept = anchored()
    first = Rejected(anchored(line=3, quote=LINES[3]), "the verifier found no flaw")
    second = Rejected(anchored(line=4, quote=LINES[4]), "already handled")
    result = with_rejected(with_rejected(plan([kept]), [first]), [second])
    assert result.rejected == (first, second)
    assert result.counted == [kept]
    assert result.all_findings == [kept, first.finding, second.finding]
