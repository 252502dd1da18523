"""Issue 11, cases 8, 13 and 14, end to end: GitHub failing, broken model strings and
events, quoted file names, and findings placed only on code that supports them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from action_runner import (
    BASE_APP,
    HEAD_APP,
    add_event_pull,
    make_diff,
    pr_event,
    run_action,
    two_files_diff,
)
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.model_faults import raw_200
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger, finding, scripted
from test_local_cli import review as local_review

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")


def test_github_failing_every_read_ends_in_a_message_outputs_and_a_step_summary(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_github.fail_next("GET", r"/issues/\d+/comments$", 500, times=20)
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 3
    assert "Traceback" not in result.stdout + result.stderr
    (error,) = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert "GitHub failed to list the PR's comments" in error and "re-run" in error
    assert result.outputs["verdict"] == "incomplete"
    assert "Review incomplete" in result.step_summary


def test_github_failing_the_summary_edit_keeps_the_verdict_and_outputs(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL])
    assert run_action(tmp_path, fake_github, fake_model).returncode == 1
    fake_github.fail_next("PATCH", r"/issues/comments/\d+$", 502, times=20)
    again = run_action(
        tmp_path,
        fake_github,
        fake_model,
        event_name="workflow_dispatch",
        event={"inputs": {"pr-number": "2"}},
    )
    assert again.returncode == 1
    assert "Traceback" not in again.stdout + again.stderr
    assert "Could not update the summary comment" in again.stdout
    assert again.outputs["verdict"] == "fail" and again.outputs["summary-url"] == ""
    assert "eval() of input" in again.step_summary


def test_a_review_github_fails_to_post_still_delivers_its_findings_then_posts_them_once(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL])
    # A secondary rate limit that outlasts the retries: the review never lands.
    limited = {"message": "You have exceeded a secondary rate limit."}
    fake_github.fail_next(
        "POST", r"/pulls/\d+/reviews$", 403, headers={"Retry-After": "1"}, body=limited, times=50
    )
    result = run_action(tmp_path, fake_github, fake_model)
    assert "Traceback" not in result.stdout + result.stderr
    # The verdict is the findings': they were reviewed, only the comment failed.
    assert result.returncode == 1 and result.outputs["verdict"] == "fail"
    assert fake_github.review_comments == []
    (summary,) = fake_github.issue_comments
    assert "eval() of input" in str(summary["body"]) and "GitHub failed to post the review" in (
        str(summary["body"])
    )
    assert "eval() of input" in result.step_summary
    assert any(line.startswith("::error") and "eval() of input" in line
               for line in result.stdout.splitlines())  # fmt: skip
    assert "Could not post the review" in result.stdout
    report = json.loads((tmp_path / "workspace" / "reviewer-findings.json").read_text())
    assert [f["title"] for f in report["findings"]] == ["eval() of input"]
    fake_github.faults.clear()  # GitHub is back
    # A re-run shows the recorded review again: the finding stays in the summary (the
    # record keeps no comment to post) and the check still fails.
    again = run_action(tmp_path, fake_github, fake_model)
    assert again.returncode == 1 and fake_github.review_comments == []
    assert "eval() of input" in str(fake_github.issue_comments[0]["body"])
    # A fresh review (`/review`, a dispatch) posts it inline, once; the summary is edited.
    dispatch = {"event_name": "workflow_dispatch", "event": {"inputs": {"pr-number": "2"}}}
    fresh = run_action(tmp_path, fake_github, fake_model, **dispatch)
    assert fresh.returncode == 1
    assert len(fake_github.review_comments) == 1 and len(fake_github.issue_comments) == 1
    run_action(tmp_path, fake_github, fake_model, **dispatch)
    assert len(fake_github.review_comments) == 1


def test_a_lone_surrogate_from_the_model_is_written_safely(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    line = next(i for i, t in enumerate(HEAD_APP.splitlines(), 1) if "eval(" in t)
    raw = finding("src/app.py", line, "    return eval(command)", EVAL, title="bad \ud800 text")
    # json.dumps writes the lone surrogate as the escape `\ud800`: valid JSON.
    fake_model.queue(scripted(json.dumps({"findings": [raw]})))
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "bad \ufffd text" in result.step_summary


@pytest.mark.parametrize(
    "mangle",
    [
        lambda e: e.update(pull_request="#2"),
        lambda e: e["pull_request"].update(head="abc"),
        lambda e: e["pull_request"].update(base=None),
        lambda e: e["pull_request"]["head"].update(repo="fork"),
    ],
    ids=["pull_request-string", "head-string", "base-null", "head-repo-string"],
)
def test_a_malformed_event_is_a_clear_configuration_error(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, mangle: object
) -> None:
    event = pr_event()
    mangle(event)  # type: ignore[operator]
    result = run_action(tmp_path, fake_github, fake_model, event=event, inputs={"api-key": ""})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("::error::")
    assert fake_github.requests == []


def quoted_names_pull(tmp_path: Path, github: FakeGitHub) -> tuple[GitRepo, dict[str, str]]:
    """A PR whose files git names C-quoted: non-ASCII, a tab, a quote; and one under a/."""
    repo = GitRepo(tmp_path / "repo")
    names = {
        "accent": "src/café.py",
        "tab": "src/ta\tb.py",
        "quote": 'src/q"uote.py',
        "prefix": "a/b.py",
    }
    for path in names.values():
        repo.write(path, BASE_APP)
    base = repo.commit("base")
    for path in names.values():
        repo.write(path, HEAD_APP)
    repo.commit("head")
    diff = repo.diff(base)
    assert '"b/src/caf\\303\\251.py"' in diff  # git quotes these by default
    add_event_pull(github, diff)
    return repo, names


def test_quoted_and_prefixed_paths_get_their_comments_inline(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    _, names = quoted_names_pull(tmp_path, fake_github)
    fake_model.model = ReadingModel([EVAL])
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1, result.stdout + result.stderr
    assert sorted(c["path"] for c in fake_github.review_comments) == sorted(names.values())
    assert fake_github.validation_errors == []
    prompt = "\n".join(m["content"] for r in fake_model.requests for m in r["messages"])
    assert 'File: "src/ta\\tb.py" (modified)' in prompt  # one line, shown quoted


def test_local_include_globs_match_unquoted_names(
    tmp_path: Path, fake_model: FakeModelServer
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/café.py", BASE_APP)
    repo.write("src/other.py", BASE_APP)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/café.py", HEAD_APP)
    repo.write("src/other.py", HEAD_APP)
    repo.commit("feature")
    fake_model.model = ReadingModel([EVAL])
    done = local_review(repo, fake_model, "--include", "src/caf*.py", "--format", "json")
    report = json.loads(done.stdout)
    assert report["reviewed_files"] == ["src/café.py"]
    assert [f["path"] for f in report["findings"]] == ["src/café.py"]


def test_a_quote_on_other_lines_never_lands_on_the_cited_one(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    head = HEAD_APP + "\n\n\ndef again(command):\n    return eval(command)\n"
    add_event_pull(fake_github, make_diff(tmp_path, head))
    evals = [i for i, t in enumerate(head.splitlines(), 1) if "eval(" in t]
    middle = sum(evals) // 2  # as far from one eval as from the other, and blank
    assert middle - evals[0] == evals[1] - middle and not head.splitlines()[middle - 1]
    wrong = finding("src/app.py", middle, "    return eval(command)", EVAL, title="Which eval?")
    fake_model.queue(scripted(json.dumps({"findings": [wrong]})))
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1
    assert not any("Which eval?" in c["body"] for c in fake_github.review_comments)
    body = fake_github.issue_comments[0]["body"]
    assert "Which eval?" in body and "on several lines" in body


def test_an_emptied_file_is_reviewed_not_called_deleted(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", HEAD_APP)
    base = repo.commit("base")
    repo.write("src/app.py", "")
    repo.commit("empty it")
    add_event_pull(fake_github, repo.diff(base))
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 0
    body = fake_github.issue_comments[0]["body"]
    assert "file deleted" not in body
    assert (
        "src/app.py"
        in json.loads((tmp_path / "workspace" / "reviewer-findings.json").read_text())[
            "reviewed_files"
        ]
    )


def test_json_nested_past_reading_is_a_broken_answer_not_a_crash(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    """Python's JSON reader gives up on deep nesting with RecursionError: it once ended the
    run with a traceback and lost the other chunks' findings."""
    add_event_pull(fake_github, two_files_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL])
    fake_model.faulty_files = {"src/jobs.py": scripted("[" * 100_000)}
    result = run_action(tmp_path, fake_github, fake_model, inputs={"max-chunk-tokens": "500"})
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1  # the other file's critical finding stands
    assert "eval() of input" in result.step_summary
    assert "src/jobs.py" in result.step_summary and "Not reviewed" in result.step_summary
    # A whole HTTP body nested that deep: the endpoint's answer is no completion.
    fake_model.faulty_files = {}
    fake_model.model = None
    fake_model.queue(*(raw_200('{"choices":' + "[" * 200_000, "application/json"),) * 8)
    again = run_action(
        tmp_path,
        fake_github,
        fake_model,
        event_name="workflow_dispatch",
        event={"inputs": {"pr-number": "2"}},
    )
    assert "Traceback" not in again.stdout + again.stderr
    assert again.returncode == 3, again.stdout
