import dataclasses

from core_helpers import anchored, index

from reviewer.core.filters import SkippedFile
from reviewer.core.fingerprint import is_summary
from reviewer.core.plan import Limits, plan_publication
from reviewer.core.policy import decide_verdict
from reviewer.core.report import ChunkFailure, RunReport, Usage
from reviewer.core.severity import Severity
from reviewer.core.summary import MAX_BODY, render_summary


def report(findings: list, **kwargs: object) -> RunReport:  # type: ignore[type-arg]
    plan = plan_publication(findings, posted={}, index=index(), limits=Limits(10))
    return RunReport(
        head_sha="ec26c3e57ca3a959ca5aad62de7213c562f8c821",
        model="gpt-4.1-mini",
        plan=plan,
        verdict=decide_verdict(plan.all_findings, Severity.CRITICAL),
        reviewed_files=("app.py",),
        usage=Usage(2, 1000, 200, 0),
        review_url="https://github.com/o/r/pull/2#pullrequestreview-1",
        **kwargs,  # type: ignore[arg-type]
    )


def test_summary_lists_status_counts_findings_and_what_was_not_reviewed() -> None:
    body = render_summary(
        report(
            [anchored(), anchored(path="docs/x.md", title="outside thing")],
            skipped_files=(SkippedFile("logo.png", "binary file"),),
            failed_chunks=(ChunkFailure(("big.py",), "model timed out"),),
        )
    )
    assert "Changes requested" in body
    assert "| 🔴 Critical | 🟠 Warning | 🔵 Suggestion |\n|---|---|---|\n| 2 | 0 | 0 |" in body
    assert "`app.py` L2" in body and "eval of user input" in body
    assert "outside thing" in body and "outside the diff" in body
    # A file the review did not cover is named, never given as the finding's place.
    assert "no reviewed file (named `docs/x.md`)" in body
    assert "`logo.png`: skipped, binary file" in body
    assert "`big.py`: **not reviewed**, model timed out" in body
    assert "gpt-4.1-mini" in body and "1000 prompt + 200 completion" in body
    assert "2 request(s), 1000 prompt" in body  # one request at a time: nothing to say
    assert "ec26c3e57ca3" in body
    assert is_summary(body)


def test_the_footer_says_how_many_requests_ran_at_once() -> None:
    body = render_summary(report([], concurrency=12))
    assert "2 request(s) (up to 12 at once), 1000 prompt + 200 completion tokens" in body


def test_step_summary_variant_has_no_marker() -> None:
    assert not is_summary(render_summary(report([]), with_marker=False))
    assert "No findings" in render_summary(report([]))


def test_summary_stays_under_githubs_limit() -> None:
    many = [
        anchored(path=f"gone/{i}.py", title=f"finding {i}", body="long " * 400) for i in range(400)
    ]
    body = render_summary(report(many))
    assert len(body) <= MAX_BODY
    assert "truncated" in body
    assert is_summary(body)


def test_summary_with_hundreds_of_open_findings_still_fits() -> None:
    many = [anchored(path=f"src/m{i}.py", title=f"finding {i} " + "x" * 150) for i in range(900)]
    from reviewer.core.state import open_finding

    body = render_summary(
        dataclasses.replace(report(many), open_findings=tuple(open_finding(f) for f in many))
    )
    assert len(body) <= 65_536
    assert is_summary(body)
