"""`time-limit` ends the run, as the container runs it (`python -m reviewer`): a model
request that never ends cannot keep the process alive once what was reviewed is published."""

from __future__ import annotations

import time
from pathlib import Path

from action_runner import add_event_pull, run_action, two_files_diff
from fakes.github import FakeGitHub
from fakes.model_faults import trickle
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger

SECRET = Trigger('PASSWORD = "', severity="warning", category="security", title="Hard-coded secret")
TIME_LIMIT_MIN = 0.05  # 3 s for planning and the model requests


def test_a_never_ending_answer_cannot_keep_the_process_alive(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, two_files_diff(tmp_path))
    fake_model.model = ReadingModel([SECRET])
    # src/app.py's answer comes one byte every 0.25 s, forever (the fake gives up after
    # 60 s); src/jobs.py's comes at once.
    fake_model.faulty_files = {"src/app.py": trickle(0.25, safety_stop_s=60.0)}
    started = time.monotonic()
    result = run_action(
        tmp_path,
        fake_github,
        fake_model,
        inputs={
            "time-limit": str(TIME_LIMIT_MIN),
            "request-timeout": "60",  # the request alone would hold on for a minute
            "max-chunk-tokens": "500",
        },
        subprocess_run=True,
    )
    elapsed = time.monotonic() - started

    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    # Start-up (about 2 s here), 3 s of review, publishing; nowhere near the 60 s.
    assert elapsed < 20
    assert result.outputs["verdict"] == "incomplete"
    assert [c["path"] for c in fake_github.review_comments] == ["src/jobs.py"]
    (summary,) = fake_github.issue_comments
    assert "`src/app.py`: **not reviewed**" in summary["body"]
    assert "not reviewed within the time limit (`time-limit`)" in summary["body"]
