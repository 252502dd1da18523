"""What the summary remembers between runs: compact, bounded, and never silently partial."""

from __future__ import annotations

import base64
import json

from core_helpers import anchored

from reviewer.core.fingerprint import summary_marker
from reviewer.core.state import (
    MAX_STATE_CHARS,
    OpenFinding,
    as_anchored,
    open_finding,
    read_previous,
    state_block,
)

HEAD = "a" * 40


def body(block: str, *, after: str = "") -> str:
    return f"## summary\n\n{block}\n{summary_marker(HEAD)}{after}"


def test_the_record_round_trips_with_what_the_next_run_needs() -> None:
    findings = [open_finding(anchored(), "https://x/c/1"), open_finding(anchored(line=3))]
    block, complete = state_block(findings, reviewed_all=True, config="cfg1")
    assert complete
    previous = read_previous(body(block))
    assert previous is not None
    assert previous.head_sha == HEAD and previous.config == "cfg1"
    assert previous.complete and previous.reviewed_all
    assert previous.open_findings[0].url == "https://x/c/1"
    # Text a maintainer added below our marker does not hide the record.
    assert read_previous(body(block, after="\n\nEdited by a maintainer.")) == previous


def test_model_written_strings_are_bounded_in_the_record() -> None:
    huge = open_finding(anchored(title="t" * 300, path="p" * 2_000))
    block, complete = state_block([huge], reviewed_all=True, config="")
    assert complete and len(block) < 2_000
    (kept,) = read_previous(body(block)).open_findings  # type: ignore[union-attr]
    assert len(kept.title) <= 120 and len(kept.path) <= 500


def test_a_record_too_large_keeps_the_most_severe_and_says_it_is_partial() -> None:
    many = [
        OpenFinding(f"{i:016x}", f"src/mod_{i}.py", i, "RIGHT", "suggestion", "bug", f"t{i} " * 20)
        for i in range(6_000)
    ]
    blocking = OpenFinding("f" * 16, "src/pay.py", 7, "RIGHT", "critical", "security", "eval")
    block, complete = state_block([*many, blocking], reviewed_all=True, config="")
    assert not complete and len(block) <= MAX_STATE_CHARS + 50
    previous = read_previous(body(block))
    assert previous is not None and not previous.complete
    assert previous.open_findings[0] == blocking


def test_earlier_records_are_still_read() -> None:
    """0.1.0 kept a base64 JSON list; its findings carry on, though it said nothing about
    being complete (so the next push gets a full review)."""
    legacy = [
        {
            "fingerprint": "0123456789abcdef",
            "path": "src/app.py",
            "line": 12,
            "side": "RIGHT",
            "severity": "critical",
            "category": "security",
            "title": "eval",
            "url": "https://x/c/2",
        }
    ]
    encoded = base64.b64encode(json.dumps(legacy).encode()).decode()
    previous = read_previous(body(f"<!-- reviewer:state {encoded} -->"))
    assert previous is not None and not previous.complete
    assert previous.open_findings[0].fingerprint == "0123456789abcdef"


def test_a_garbled_record_is_partial_never_trusted() -> None:
    previous = read_previous(body("<!-- reviewer:state v2 AAAA -->"))
    assert previous is not None and previous.open_findings == () and not previous.complete


def test_an_unknown_severity_is_read_as_critical() -> None:
    odd = OpenFinding("f" * 16, "a.py", 1, "SIDEWAYS", "catastrophic", "vibes", "")
    finding = as_anchored(odd)
    assert finding.finding.severity.value == "critical"
    assert finding.side.value == "RIGHT" and finding.finding.category.value == "bug"
    assert finding.fingerprint == "f" * 16
