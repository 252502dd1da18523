"""Issue 11, cases 1 to 5, end to end: never pass what wasn't reviewed, never lose a finding.

Each test runs the action against the fake GitHub and the fake model through the real
clients, and checks the verdict, what was posted, and that every finding the model gave is
delivered somewhere a person can read it (comment, summary, step summary, findings file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from action_runner import BASE_APP, HEAD_APP, add_event_pull, make_diff, pr_event, run_action
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger, finding, scripted

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of input")
SECRET = Trigger('PASSWORD = "', severity="warning", category="security", title="Secret")


def findings_file(tmp_path: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(
        (tmp_path / "workspace" / "reviewer-findings.json").read_text(encoding="utf-8")
    )
    return report


def files_list_pull(github: FakeGitHub, tmp_path: Path, *, big: str) -> None:
    """A PR GitHub serves only through its files list, one file without a patch (too large:
    GitHub omits it but counts its lines)."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", BASE_APP)
    base = repo.commit("base")
    repo.write("src/app.py", HEAD_APP.replace("eval(command)", "command"))
    repo.write("src/big.py", big)
    repo.commit("head")
    add_event_pull(github, repo.diff(base))
    github.diff_too_large = True
    github.omit_patch("src/big.py")


@pytest.mark.parametrize(
    ("policy", "exit_code", "verdict"),
    [("", 3, "incomplete"), ("fail", 1, "fail"), ("pass", 0, "pass")],
)
def test_a_file_github_gives_no_diff_for_never_passes_unnoticed(
    tmp_path: Path,
    fake_github: FakeGitHub,
    fake_model: FakeModelServer,
    policy: str,
    exit_code: int,
    verdict: str,
) -> None:
    files_list_pull(fake_github, tmp_path, big="x = 1\n" * 50)
    fake_model.model = ReadingModel([EVAL])
    inputs = {"on-unreviewed": policy} if policy else {}
    result = run_action(tmp_path, fake_github, fake_model, inputs=inputs)
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert result.outputs["verdict"] == verdict
    (summary,) = fake_github.issue_comments
    assert summary["body"].index("Not everything was reviewed") < summary["body"].index("###")
    assert "`src/big.py`: **not reviewed**, GitHub's API gives no diff" in summary["body"]
    report = findings_file(tmp_path)
    assert report["unreviewed_files"][0]["path"] == "src/big.py"
    assert "src/app.py" in report["reviewed_files"]


def test_a_checkout_with_the_history_reviews_what_github_would_not_serve(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo = GitRepo(tmp_path / "workspace")
    repo.write("src/app.py", BASE_APP)
    base = repo.commit("base")
    repo.write("src/app.py", HEAD_APP)
    head = repo.commit("head")
    fake_github.add_pull(2, head_sha=head, base_sha=base, diff=repo.diff(base, head))
    fake_github.diff_too_large = True
    fake_model.model = ReadingModel([EVAL])
    event = pr_event()
    event["pull_request"]["head"]["sha"], event["pull_request"]["base"]["sha"] = head, base
    result = run_action(tmp_path, fake_github, fake_model, event=event, workspace=repo.root)
    assert result.returncode == 1 and result.outputs["verdict"] == "fail"
    assert findings_file(tmp_path)["unreviewed_files"] == []
    assert not any(r.path.endswith("/files") for r in fake_github.reads())


def many_findings(n: int, *, critical: int = 0) -> list[dict[str, Any]]:
    """`n` findings on lines of HEAD_APP, several per line, distinct titles."""
    lines = [(i, text) for i, text in enumerate(HEAD_APP.splitlines(), 1) if text.strip()]
    out = []
    for k in range(n):
        number, text = lines[k % len(lines)]
        trigger = Trigger(
            "", severity="critical" if k < critical else "suggestion", category="bug", title=""
        )
        out.append(finding("src/app.py", number, text, trigger, title=f"Problem number {k:03d}"))
    return out


def test_500_findings_are_all_delivered_and_the_counts_add_up(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    given = many_findings(500, critical=3)
    fake_model.queue(scripted(json.dumps({"findings": given})))
    result = run_action(tmp_path, fake_github, fake_model)
    assert result.returncode == 1
    report = findings_file(tmp_path)
    assert report["counts"]["findings"] == 500 == len(report["findings"])
    assert result.outputs["findings"] == "500"
    delivered = {f["title"] for f in report["findings"]}
    assert delivered == {f["title"] for f in given}
    # Every one is readable by a person: in a comment or in the job's step summary.
    comments = "\n".join(c["body"] for c in fake_github.review_comments)
    for f in given:
        assert f["title"] in comments or f["title"] in result.step_summary, f["title"]
    inline = [f for f in report["findings"] if f["delivery"] == "inline"]
    assert len(fake_github.review_comments) <= 30 < len(inline) + 1  # grouped per line
    assert all(len(c["body"]) <= 65_536 for c in fake_github.review_comments)


def test_two_problems_on_one_line_both_survive_and_recategorising_never_reposts(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    line = next(i for i, t in enumerate(HEAD_APP.splitlines(), 1) if "eval(" in t)
    quote = "    return eval(command)"
    first = [
        finding("src/app.py", line, quote, EVAL, title="Arbitrary code execution"),
        finding("src/app.py", line, quote, EVAL, title="Result is never validated"),
    ]
    fake_model.queue(scripted(json.dumps({"findings": first})))
    assert run_action(tmp_path, fake_github, fake_model).returncode == 1
    (comment,) = fake_github.review_comments
    assert "Arbitrary code execution" in comment["body"]
    assert "Result is never validated" in comment["body"]
    for category in ("bug", "reliability", "security"):  # re-categorised, reworded
        again = [
            finding("src/app.py", line, quote, EVAL, category=category, title=f"As {category}")
        ]
        fake_model.queue(scripted(json.dumps({"findings": again})))
        forced = run_action(
            tmp_path,
            fake_github,
            fake_model,
            event_name="workflow_dispatch",
            event={"inputs": {"pr-number": "2"}},
        )
        assert forced.returncode == 1
    assert len(fake_github.review_comments) == 1


def test_an_incremental_review_skips_what_a_merged_base_brought_in(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", BASE_APP)
    repo.write("lib/other.py", "def other():\n    return 1\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", BASE_APP + "\n\ndef added():\n    return 2\n")
    first = repo.commit("feature")
    repo.git("checkout", "-q", "main")
    repo.write("lib/other.py", "def other():\n    return eval(input())\n")  # another team's
    new_base = repo.commit("their change")
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    repo.write("src/app.py", BASE_APP + "\n\ndef added():\n    return 3\n")
    second = repo.commit("our change")
    fake_model.model = ReadingModel([EVAL])
    fake_github.add_pull(2, head_sha=first, base_sha=base, diff=repo.diff(base, first))
    event = pr_event()
    event["pull_request"]["head"]["sha"], event["pull_request"]["base"]["sha"] = first, base
    assert run_action(tmp_path, fake_github, fake_model, event=event).returncode == 0
    fake_github.add_pull(
        2, head_sha=second, base_sha=new_base, diff=repo.diff(new_base, second), commits=(first,)
    )
    fake_github.set_compare(first, second, status="ahead", diff=repo.diff(first, second))
    assert "eval(input())" in repo.diff(first, second)  # the compare diff has their code
    sync = pr_event("synchronize")
    sync["pull_request"]["head"]["sha"], sync["pull_request"]["base"]["sha"] = second, new_base
    fake_model.requests.clear()
    result = run_action(tmp_path, fake_github, fake_model, event=sync)
    assert result.returncode == 0, result.stdout + result.stderr
    sent = "\n".join(m["content"] for r in fake_model.requests for m in r["messages"])
    assert "return 3" in sent and "eval(input())" not in sent
    assert fake_github.review_comments == []


def test_max_comments_is_per_pull_request(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    add_event_pull(fake_github, make_diff(tmp_path))
    fake_model.model = ReadingModel([EVAL, SECRET])
    inputs = {"max-comments": "1"}
    assert run_action(tmp_path, fake_github, fake_model, inputs=inputs).returncode == 1
    assert len(fake_github.review_comments) == 1
    again = run_action(
        tmp_path,
        fake_github,
        fake_model,
        inputs=inputs,
        event_name="workflow_dispatch",
        event={"inputs": {"pr-number": "2"}},
    )
    assert again.returncode == 1
    assert len(fake_github.review_comments) == 1  # held back, not posted by the next run
    (summary,) = fake_github.issue_comments
    assert "over the limit of 1 comments on the pull request" in summary["body"]
    assert "Secret" in summary["body"]


def test_blocking_findings_stay_in_the_record_after_a_docs_only_push(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("src/app.py", BASE_APP)
    repo.write("README.md", "# App\n")
    base = repo.commit("base")
    code = BASE_APP + "".join(f"\n\ndef run{i}(c):\n    return eval(c)\n" for i in range(3))
    repo.write("src/app.py", code)
    first = repo.commit("three evals")
    repo.write("README.md", "# App\n\nDocs only.\n")
    second = repo.commit("docs")
    lines = [i for i, t in enumerate(code.splitlines(), 1) if "eval(" in t]
    answer = [
        finding("src/app.py", line, "    return eval(c)", EVAL, title=title)
        for line, title in zip(lines, ["x" * 30_000, "second eval", "third eval"], strict=True)
    ]
    fake_model.queue(scripted(json.dumps({"findings": answer})))
    fake_github.add_pull(2, head_sha=first, base_sha=base, diff=repo.diff(base, first))
    event = pr_event()
    event["pull_request"]["head"]["sha"], event["pull_request"]["base"]["sha"] = first, base
    assert run_action(tmp_path, fake_github, fake_model, event=event).returncode == 1
    fake_github.add_pull(
        2, head_sha=second, base_sha=base, diff=repo.diff(base, second), commits=(first,)
    )
    fake_github.set_compare(first, second, status="ahead", diff=repo.diff(first, second))
    sync = pr_event("synchronize")
    sync["pull_request"]["head"]["sha"], sync["pull_request"]["base"]["sha"] = second, base
    pushed = run_action(tmp_path, fake_github, fake_model, event=sync)
    assert pushed.returncode == 1, pushed.stdout + pushed.stderr
    assert pushed.outputs["critical"] == "3"
    (summary,) = fake_github.issue_comments
    assert "Incremental review" in summary["body"] and "third eval" in summary["body"]
