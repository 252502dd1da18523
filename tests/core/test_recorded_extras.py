"""What the summary shows besides its findings (walkthrough, context used, rejections),
recorded in its state so that a run reusing the review republishes the same summary;
bounded, never at the expense of an open finding, and inert when shown again."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import zlib

from core_helpers import anchored, index

from reviewer.core.anchoring import Placement
from reviewer.core.findings import FileNote
from reviewer.core.fingerprint import summary_marker
from reviewer.core.plan import Limits, Rejected, plan_publication, with_rejected
from reviewer.core.policy import decide_verdict
from reviewer.core.recorded_extras import (
    RecordedExtras,
    read_extras,
    recorded_extras,
    rejected_finding,
)
from reviewer.core.report import RunReport
from reviewer.core.severity import Severity
from reviewer.core.state import MAX_STATE_CHARS, OpenFinding, read_previous, state_block
from reviewer.core.summary import render_summary

HEAD = "a" * 40
NOTES = (FileNote(path="app.py", summary="Evaluates the @octocat input <!-- x -->"),)
CONTEXT = ("Related code: `load` in lib/io.py", "Context report: the report `advice.md`.")


def body(block: str) -> str:
    return f"## summary\n\n{block}\n{summary_marker(HEAD)}"


def rejections() -> list[Rejected]:
    ranged = anchored(
        line=3,
        start_line=2,
        quote='x = eval(input())\npassword = "hunter2"',
        severity="warning",
        title="Secret <b>here</b>",
    )
    outside = anchored(path="docs/x.md", line=9, severity="warning", title="Elsewhere")
    assert ranged.start_line == 2 and outside.placement is Placement.OUTSIDE
    return [Rejected(ranged, "A fixture, not a secret."), Rejected(outside, "Not in this PR.")]


def report(**kwargs: object) -> RunReport:
    plan = plan_publication([anchored()], posted={}, index=index(), limits=Limits(10))
    return RunReport(
        head_sha=HEAD,
        model="gpt-4.1-mini",
        plan=plan,
        verdict=decide_verdict(plan.counted, Severity.CRITICAL),
        reviewed_files=("app.py",),
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_extras_round_trip_and_the_summary_shows_them_the_same() -> None:
    rejected = rejections()
    first = report(walkthrough=NOTES, context_used=CONTEXT)
    first = dataclasses.replace(first, plan=with_rejected(first.plan, rejected))
    shown = render_summary(first)
    previous = read_previous(shown)
    assert previous is not None and previous.complete
    extras = previous.extras
    assert extras.walkthrough == NOTES and extras.context_used == CONTEXT
    again = [Rejected(rejected_finding(r), r.reason) for r in extras.rejected]
    for was, now in zip(rejected, again, strict=True):
        assert now.finding.fingerprint == was.finding.fingerprint
        assert now.finding.placement is was.finding.placement
        assert now.finding.line == was.finding.line
        assert now.finding.start_line == was.finding.start_line
        assert now.finding.finding.severity is Severity.WARNING
    reused = report(walkthrough=extras.walkthrough, context_used=extras.context_used)
    reused = dataclasses.replace(reused, plan=with_rejected(reused.plan, again))
    shown_again = render_summary(reused)
    assert shown_again == shown  # the state included: a chain of reuses stays the same
    # Read back, hostile text is rendered inert again.
    assert "@\u200boctocat" in shown_again and "<!-- x" not in shown_again
    assert "&lt;b&gt;" in shown_again


def test_the_extras_give_way_to_the_open_findings() -> None:
    """A record full of findings keeps them all and says it is complete; the extras are
    halved to fit, then left out."""
    findings = [
        OpenFinding(f"{i:016x}", f"src/m{i}.py", i, "RIGHT", "critical", "bug", f"t{i} " * 8)
        for i in range(900)
    ]
    plain, complete = state_block(findings, reviewed_all=True, config="")
    assert complete and len(plain) < MAX_STATE_CHARS
    # Hashes: text that does not compress away.
    words = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(400)]
    notes = tuple(FileNote(path=f"f{i}.py", summary=f"{w} {w[::-1]}") for i, w in enumerate(words))
    big = RecordedExtras(walkthrough=notes)
    block, complete = state_block(findings, reviewed_all=True, config="", extras=big)
    assert complete and len(block) <= MAX_STATE_CHARS + 50
    previous = read_previous(body(block))
    assert previous is not None and previous.complete
    assert len(previous.open_findings) == len(findings)
    assert 0 < len(previous.extras.walkthrough) < len(notes)  # halved, not all dropped
    assert previous.extras.walkthrough == notes[: len(previous.extras.walkthrough)]
    # A record whose findings do not all fit holds no extras at all.
    many = [dataclasses.replace(f, fingerprint=f"{i:016x}") for i, f in enumerate(findings * 8)]
    block, complete = state_block(many, reviewed_all=True, config="", extras=big)
    previous = read_previous(body(block))
    assert not complete and previous is not None and not previous.extras


def test_records_without_extras_and_with_malformed_ones_keep_their_findings() -> None:
    block, _ = state_block(
        [OpenFinding("f" * 16, "a.py", 1, "RIGHT", "critical", "bug", "t")],
        reviewed_all=True,
        config="c",
    )
    previous = read_previous(body(block))
    assert previous is not None and previous.complete and previous.extras == RecordedExtras()
    data = json.loads(zlib.decompress(base64.b64decode(block.split()[3])))
    for odd in ({"walkthrough": "x"}, {"rejected": [[1, 2]]}, {"context_used": {"a": 1}}):
        encoded = base64.b64encode(zlib.compress(json.dumps({**data, **odd}).encode())).decode()
        garbled = read_previous(body(f"<!-- reviewer:state v2 {encoded} -->"))
        assert garbled is not None and garbled.complete and garbled.readable
        assert len(garbled.open_findings) == 1 and not garbled.extras
    assert read_extras({"rejected": [["f", "a.py", "7", None, *"xyzuvw"]]}) == RecordedExtras()


def test_an_unknown_value_in_a_recorded_rejection_is_read_the_visible_way() -> None:
    (recorded,) = recorded_extras((), (), rejections()[:1]).rejected
    odd = dataclasses.replace(recorded, severity="catastrophic", placement="?", category="?")
    finding = rejected_finding(odd)
    assert finding.finding.severity is Severity.CRITICAL
    assert finding.placement is Placement.FILE and finding.fingerprint == recorded.fingerprint
