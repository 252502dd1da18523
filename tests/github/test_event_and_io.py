import json
from pathlib import Path

import pytest
from paths import EVENTS

from reviewer.app.actions_io import annotation, write_outputs
from reviewer.errors import ConfigError
from reviewer.github.event import PullRequestRef, Skip, load_event, pull_request_from_event


def event(action: str) -> dict:  # type: ignore[type-arg]
    return json.loads((EVENTS / f"pull_request.{action}.json").read_text())


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened", "ready_for_review"])
def test_reviewed_actions_give_the_head_commit(action: str) -> None:
    ref = pull_request_from_event("pull_request", event(action))
    assert isinstance(ref, PullRequestRef)
    payload = event(action)["pull_request"]
    assert ref.head_sha == payload["head"]["sha"]
    assert ref.number == payload["number"]
    assert not ref.is_fork


@pytest.mark.parametrize("action", ["closed", "labeled", "assigned"])
def test_other_actions_are_skipped(action: str) -> None:
    assert isinstance(pull_request_from_event("pull_request", event(action)), Skip)


def test_drafts_and_other_events_are_skipped() -> None:
    draft = event("opened")
    draft["pull_request"]["draft"] = True
    assert "draft" in pull_request_from_event("pull_request", draft).reason  # type: ignore[union-attr]
    assert isinstance(pull_request_from_event("push", {}), Skip)


def test_unreadable_events_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not set"):
        load_event(None)
    with pytest.raises(ConfigError, match="Cannot read"):
        load_event(str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_event(str(bad))
    with pytest.raises(ConfigError, match="lacks a field"):
        pull_request_from_event("pull_request", {"action": "opened", "pull_request": {}})


def test_outputs_use_heredoc_delimiters(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(str(out), {"findings": "2", "review-url": "a\nb"})
    text = out.read_text()
    assert text.startswith("findings<<ghadelimiter_")
    assert "\na\nb\nghadelimiter_" in text


def test_annotations_escape_properties(capsys: pytest.CaptureFixture[str]) -> None:
    annotation("error", "50% bad\nnext", file="a,b.py", line=3, title="x: y")
    assert (
        capsys.readouterr().out == "::error file=a%2Cb.py,line=3,title=x%3A y::50%25 bad%0Anext\n"
    )
