"""Full-file context: small changed files shown whole, changed lines exactly as in the diff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from action_runner import add_event_pull, pr_event, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger, diff_lines, finding

from reviewer.core.chunking import render_line
from reviewer.core.diff import LineKind, parse_diff
from reviewer.core.full_files import with_full_context

OLD = "".join(f"line {i}\n" for i in range(1, 31))
NEW = OLD.replace("line 5\n", "line five\n").replace("line 20\nline 21\n", "") + "line 31\n"


def diff_and_text(tmp_path: Path) -> tuple[str, str]:
    repo = GitRepo(tmp_path / "repo")
    repo.write("notes.txt", OLD)
    base = repo.commit("base")
    repo.write("notes.txt", NEW)
    repo.commit("head")
    return repo.diff(base), NEW


class AnyLineModel(ReadingModel):
    """Reports lines equal to a trigger's needle, context lines included."""

    def findings(self, prompt: str) -> list[dict[str, Any]]:
        return [
            finding(path, number, text, trigger)
            for path, number, _marker, text in diff_lines(prompt)
            for trigger in self.triggers
            if trigger.needle == text
        ]


def test_the_whole_file_is_one_hunk_with_both_numbers(tmp_path: Path) -> None:
    diff, text = diff_and_text(tmp_path)
    (file,) = parse_diff(diff)
    (whole,) = with_full_context(file, text).hunks
    lines = whole.lines
    assert [ln.new_no for ln in lines if ln.new_no] == list(range(1, 30))
    changes = (LineKind.ADDED, LineKind.DELETED)
    changed = [render_line(ln) for ln in lines if ln.kind in changes]
    assert changed == [render_line(ln) for _, ln in file.lines() if ln.kind in changes]
    # Every line beyond the diff's own is marked as surrounding: it takes no comment.
    own = {(ln.old_no, ln.new_no) for _, ln in file.lines()}
    assert all(ln.kind is LineKind.SURROUNDING for ln in lines if (ln.old_no, ln.new_no) not in own)
    # After the two deleted lines, old and new numbers differ by two.
    after = next(ln for ln in lines if ln.text == "line 22")
    assert (after.old_no, after.new_no) == (22, 20)


def test_a_text_that_disagrees_with_the_diff_is_not_used(tmp_path: Path) -> None:
    diff, text = diff_and_text(tmp_path)
    (file,) = parse_diff(diff)
    assert with_full_context(file, text.replace("line five", "line 5")) is file
    assert with_full_context(file, "x\n" * 1000) is file


def test_the_model_sees_the_whole_file_and_comments_stay_on_the_diff(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    diff, text = diff_and_text(tmp_path)
    add_event_pull(fake_github, diff)
    fake_github.set_file(pr_event()["pull_request"]["head"]["sha"], "notes.txt", text)
    # One finding on a changed line, one on a line far from any hunk.
    fake_model.model = AnyLineModel([Trigger("line five", title="changed"), Trigger("line 12")])
    result = run_action(tmp_path, fake_github, fake_model, inputs={"full-files": "true"})
    assert result.returncode == 0, result.stdout + result.stderr
    prompt = fake_model.requests[0]["messages"][1]["content"]
    assert "12 |line 12" in prompt  # an unchanged line, shown as surrounding context
    assert [(c["path"], c["line"]) for c in fake_github.review_comments] == [("notes.txt", 5)]
    summary = fake_github.issue_comments[0]["body"]
    assert "line not commentable" in summary or "not in the diff" in summary
