"""The verification request: a verdict read like a review answer, retried within the run's
deadline, and a finding left standing (unverified) whenever no verdict can be had."""

from __future__ import annotations

import json

from fakes.openai_server import FakeModelServer, failing, scripted
from werkzeug import Response

from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.findings import Finding, Side
from reviewer.core.report import Usage
from reviewer.core.verification import Verdict
from reviewer.model.chunk_reviewer import make_client
from reviewer.model.verifier import FindingVerifier


def finding() -> AnchoredFinding:
    raw = Finding(path="app.py", line=2, start_line=None, side=None, severity="warning",
                  category="bug", title="eval of input", body="b", quote="x = eval(input())",
                  suggestion=None)  # fmt: skip
    return AnchoredFinding(raw, Placement.INLINE, "app.py", 2, Side.RIGHT)


def verifier(fake: FakeModelServer, now: list[float]) -> FindingVerifier:
    client = make_client(api_key="sk-test", base_url=fake.base_url, timeout_s=10)
    return FindingVerifier(
        client, model="m", attempts=5, sleep=lambda s: now.__setitem__(0, now[0] + s),
        clock=lambda: now[0],
    )  # fmt: skip


def test_a_rejection_is_read_with_its_reason(fake_model: FakeModelServer) -> None:
    fake_model.queue(scripted(json.dumps({"verdict": "reject", "reason": "input is trusted"})))
    checked = verifier(fake_model, [0.0]).verify(finding(), "2 +x = eval(input())")
    assert checked.answer is not None and checked.answer.verdict is Verdict.REJECT
    assert checked.answer.reason == "input is trusted" and checked.usage.requests == 1


def test_nothing_is_sent_past_the_deadline(fake_model: FakeModelServer) -> None:
    checked = verifier(fake_model, [100.0]).verify(finding(), "code", deadline=100.0)
    assert checked == type(checked)(None, Usage()) and fake_model.requests == []


def test_retries_stop_at_the_deadline_and_the_finding_stands(fake_model: FakeModelServer) -> None:
    fake_model.queue(*[failing(429, "slow down", {"Retry-After": "5"})] * 5)
    checked = verifier(fake_model, [0.0]).verify(finding(), "code", deadline=12.0)
    assert checked.answer is None and len(fake_model.requests) == 3


def test_a_proxy_page_instead_of_a_completion_leaves_the_finding_standing(
    fake_model: FakeModelServer,
) -> None:
    page = Response("<html><title>502 Bad Gateway</title></html>", 200, content_type="text/html")
    fake_model.queue(*[lambda _body: page] * 5)
    checked = verifier(fake_model, [0.0]).verify(finding(), "code")
    assert checked.answer is None and len(fake_model.requests) == 5


def test_verification_passes_the_runs_gate(fake_model: FakeModelServer) -> None:
    from reviewer.model.request_gate import RequestGate

    gate = RequestGate(8)
    client = make_client(api_key="sk-test", base_url=fake_model.base_url, timeout_s=10)
    fake_model.queue(scripted(json.dumps({"verdict": "confirm", "reason": "real"})))
    checked = FindingVerifier(client, model="m", gate=gate).verify(finding(), "code")
    assert checked.answer is not None and gate.reached == 1
