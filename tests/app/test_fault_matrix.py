"""The action end to end under faults of the model, of GitHub and of its inputs.

Each case runs `python -m reviewer` against its own fake GitHub and fake model and
checks the exit code, what was posted, that nothing was posted twice, and that no
finding the model produced was lost: each one is an inline comment or listed in the
summary comment, and always in the step summary (the only place left when nothing can be
posted).

The action runs in process against the real clients; its waits are recorded instead of
slept (`ActionResult.sleeps`), so a case asserts how long the action would have waited.
The `runs` fixture runs the selected cases once, each against its own servers; the tests
then check one run each.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from action_runner import (
    HEAD_APP,
    ActionResult,
    add_event_pull,
    make_diff,
    pr_event,
    run_action,
    two_files_diff,
)
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.model_faults import (
    ERROR_WITH_200,
    HTML_PAGE,
    json_200,
    stall_after_headers,
    trickle,
)
from fakes.openai_server import (
    FakeModelServer,
    ReadingModel,
    Responder,
    Trigger,
    completion,
    failing,
    scripted,
)
from pytest_httpserver import HTTPServer
from werkzeug import Response

EVAL = Trigger(
    "eval(",
    severity="critical",
    category="security",
    title="eval() of caller input",
    body="Arbitrary code execution.",
)
SECRET = Trigger(
    'PASSWORD = "',
    severity="warning",
    category="security",
    title="Hard-coded secret",
    body="Read it from the environment.",
)
BOTH = {EVAL.title, SECRET.title}
PERSISTENT = 40  # more answers than the action ever asks for on one chunk
_FINDING_MARKER = re.compile(r"<!-- reviewer:finding fp=([0-9a-f]{16}) v=[\w.+-]+ -->\s*\Z")


def line_of(needle: str, text: str = HEAD_APP) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@dataclass
class RecordingModel(ReadingModel):
    """The reading model, remembering each finding it answered with."""

    produced: list[dict[str, Any]] = field(default_factory=list)

    def findings(self, prompt: str) -> list[dict[str, Any]]:
        found = super().findings(prompt)
        self.produced.extend(found)
        return found


@dataclass
class Run:
    """One case's world: its own fake GitHub and model, and the action's result."""

    tmp_path: Path
    github: FakeGitHub
    model: FakeModelServer
    reading: RecordingModel
    result: ActionResult | None = None
    handler_errors: list[Exception] = field(default_factory=list)  # raised inside the fakes

    @property
    def done(self) -> ActionResult:
        assert self.result is not None
        return self.result


def new_run(tmp_path: Path, github_server: HTTPServer, model_server: HTTPServer) -> Run:
    """GitHub's example PR #2: src/app.py gains an eval() and a password; logo.png is binary.

    Fresh fakes on the module's two servers, cleared of the previous case's handlers."""
    for server in (github_server, model_server):
        server.clear()
    github = FakeGitHub(owner="Codertocat", repo="Hello-World").install(github_server)
    reading = RecordingModel([EVAL, SECRET])
    model = FakeModelServer(model=reading)
    model.install(model_server)
    add_event_pull(github, make_diff(tmp_path))
    return Run(tmp_path, github, model, reading)


class Case:
    """A fault scenario: `arrange` sets up the run and returns `run_action` arguments."""

    id: str

    def arrange(self, run: Run) -> dict[str, Any]:
        raise NotImplementedError


@pytest.fixture(scope="module")
def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Run]]:
    """Run every selected case once, each against its own fakes."""
    cases: dict[str, Case] = {}
    for item in request.session.items:
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")
        if isinstance(case, Case) and item.get_closest_marker("skip") is None:
            cases[case.id] = case
    github_server = HTTPServer(host="127.0.0.1", port=0)
    model_server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    github_server.start()
    model_server.start()
    done: dict[str, Run] = {}
    try:
        # In process: one case at a time (they share stdout and stderr).
        for cid, case in cases.items():
            run = new_run(tmp_path_factory.mktemp(cid), github_server, model_server)
            extra = case.arrange(run)
            run.result = run_action(run.tmp_path, run.github, run.model, **extra)
            run.handler_errors = [*github_server.handler_errors, *model_server.handler_errors]
            done[cid] = run
        yield done
    finally:
        github_server.stop()
        model_server.stop()


def finished(runs: dict[str, Run], case: Case) -> Run:
    run = runs[case.id]
    assert run.handler_errors == []
    return run


# -- model faults -----------------------------------------------------------------------------


def dropped_connection(_body: dict[str, Any]) -> Response:
    """A 200 whose body stops half-way: the server hangs up in the middle of the answer."""

    def stream() -> Iterator[bytes]:
        yield b'{"id": "chatcmpl-fake", "choices": ['
        # Not a ConnectionError: werkzeug would then keep the socket open and the client
        # would wait for the rest until its timeout. Any other error closes the connection.
        raise RuntimeError("fake model: connection dropped mid-answer")

    return Response(stream(), status=200, content_type="application/json")


def answer_after(seconds: float) -> Responder:
    """An answer that comes after `seconds`: by then the client has given up on it."""

    def respond(body: dict[str, Any]) -> Response:
        time.sleep(seconds)
        return scripted('{"findings": []}')(body)

    return respond


RATE_LIMITED = "Rate limit reached for gpt-4.1-mini in organization org-fake."
SERVER_ERROR = "The server had an error while processing your request."
NOT_JSON = '{"findings": [{"path": "src/app.py", "line": 10,'
# Valid JSON, but `severity` is not one of the schema's values and most fields are missing.
OFF_SCHEMA = json.dumps({"findings": [{"path": "src/app.py", "line": 10, "severity": "fatal"}]})
TRUNCATED = scripted('{"findings": [{"path": "src/app.py", "li', finish_reason="length")
REFUSED = scripted(None, refusal="I'm sorry, I can't help with reviewing this code.")
EMPTY = scripted("")
NO_CHOICES = {k: v for k, v in completion('{"findings": []}').items() if k != "choices"}


@dataclass(frozen=True)
class ModelFault(Case):
    id: str
    answers: tuple[Responder, ...]  # queued before the reading model takes over
    exit_code: int
    min_requests: int = 2  # retried, re-asked or split
    retry_log: str = ""  # how long the action said it would wait before retrying
    min_wait_s: float = 0.0  # the action waited at least this long before retrying
    reason: str = ""  # why the chunk was not reviewed, in the summary
    inputs: dict[str, str] = field(default_factory=dict)  # action inputs for this case
    # Answered with a fault every time, in a PR that also holds src/jobs.py (a password of
    # its own, reviewed in a chunk of its own): what was reviewed is still published.
    faulty_files: dict[str, Responder] = field(default_factory=dict)

    def arrange(self, run: Run) -> dict[str, Any]:
        run.model.queue(*self.answers)
        if self.faulty_files:
            run.model.faulty_files = dict(self.faulty_files)
            replace_pull(run, two_files_diff(run.tmp_path))
        return {"inputs": self.inputs} if self.inputs else {}


MODEL_FAULTS = [
    # Exponential backoff starts at 1-2 s: waiting exactly 2.0 s is Retry-After's doing.
    ModelFault(
        "429-retry-after-once",
        (failing(429, RATE_LIMITED, {"Retry-After": "2"}),),
        1,
        retry_log="retrying in 2.0s",
        min_wait_s=2.0,
    ),
    ModelFault(
        "429-retry-after-persistent",
        (failing(429, RATE_LIMITED, {"Retry-After": "0"}),) * PERSISTENT,
        3,
        retry_log="retrying in 0.0s",
        reason="was still rate limiting after 4 requests",
    ),
    ModelFault("429-no-retry-after-once", (failing(429, RATE_LIMITED),), 1, min_wait_s=1.0),
    ModelFault("500-once", (failing(500, SERVER_ERROR),), 1, min_wait_s=1.0),
    ModelFault("timeout-once", (answer_after(2.0),), 1, inputs={"request-timeout": "1"}),
    ModelFault("connection-dropped-once", (dropped_connection,), 1, min_wait_s=1.0),
    ModelFault("invalid-json-once", (scripted(NOT_JSON),), 1),
    # A persistent schema violation or empty answer takes this same path (asked again
    # once, then given up), and a persistent 500 is in test_action_e2e.
    ModelFault(
        "invalid-json-persistent",
        (scripted(NOT_JSON),) * PERSISTENT,
        3,
        reason="answered twice with invalid findings",
    ),
    ModelFault("schema-violation-once", (scripted(OFF_SCHEMA),), 1),
    ModelFault("truncated-once", (TRUNCATED,), 1, min_requests=3),  # then two halves
    ModelFault(
        "truncated-persistent",
        (TRUNCATED,) * PERSISTENT,
        3,
        # Halved once; both halves are cut off too: halving does not help, reported once.
        reason="for this part and again for each half of it",
    ),
    # A refusal is final: not retried.
    ModelFault("refusal", (REFUSED,), 3, min_requests=1, reason="refused to review"),
    ModelFault("empty-answer-once", (EMPTY,), 1),
    # An answer trickling one byte every 0.25 s, forever: at `time-limit` (1.2 s, before
    # the request's own 2 s) the run publishes what it reviewed and ends.
    ModelFault(
        "trickle-past-time-limit",
        (),
        3,
        reason="not reviewed within the time limit (`time-limit`)",
        inputs={"time-limit": "0.02", "request-timeout": "2", "max-chunk-tokens": "500"},
        faulty_files={"src/app.py": trickle(0.25, safety_stop_s=10.0)},
    ),
    ModelFault(
        "stall-after-headers-once",
        (stall_after_headers(3.0),),
        1,
        min_wait_s=1.0,
        inputs={"request-timeout": "1"},
    ),
    # A 200 that is no chat completion is a server fault: retried with backoff.
    ModelFault("html-200-once", (HTML_PAGE,), 1, min_wait_s=1.0),
    ModelFault(
        "html-200-persistent",
        (HTML_PAGE,) * PERSISTENT,
        3,
        min_requests=4,
        reason="answered with an HTML page instead of JSON (a proxy's error page?)",
    ),
    ModelFault("json-without-choices-once", (json_200(NO_CHOICES),), 1, min_wait_s=1.0),
    ModelFault("json-error-200-once", (json_200(ERROR_WITH_200),), 1, min_wait_s=1.0),
]


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id) for c in MODEL_FAULTS],
)
def test_model_faults(runs: dict[str, Run], case: ModelFault) -> None:
    run = finished(runs, case)
    result, github = run.done, run.github

    assert result.returncode == case.exit_code, result.stdout + result.stderr
    assert_clean_run(run)
    assert len(run.model.requests) >= case.min_requests
    assert case.retry_log in result.stderr
    assert_nothing_lost_or_duplicated(run)
    (summary,) = github.issue_comments
    if case.exit_code == 1:  # recovered: the whole chunk was reviewed
        assert {f["title"] for f in run.reading.produced} == BOTH
        assert result.outputs["verdict"] == "fail"
        assert len(posted_reviews(github)) == 1 and len(github.review_comments) == 2
        assert "not reviewed" not in summary["body"]
        assert max(result.sleeps, default=0.0) >= case.min_wait_s
    else:  # gave up: reported as incomplete, never as a pass
        assert result.outputs["verdict"] == "incomplete"
        if case.faulty_files:  # what was reviewed is published all the same
            assert [c["path"] for c in github.review_comments] == ["src/jobs.py"]
        for text in (summary["body"], result.step_summary):
            assert "Review incomplete" in text
            assert "`src/app.py`: **not reviewed**" in text
        assert case.reason and case.reason in summary["body"]
        assert "::error::Not reviewed (src/app.py)" in result.stdout


# -- GitHub faults ----------------------------------------------------------------------------

DIFF_OR_PULL = r"^/repos/[^/]+/[^/]+/pulls/\d+$"
ISSUE_COMMENTS = r"/issues/\d+/comments$"
REVIEWS = r"/pulls/\d+/reviews$"
SECONDARY_RATE_LIMIT = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before "
    "you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits",
}


@dataclass(frozen=True)
class GitHubFault(Case):
    id: str
    setup: Callable[[FakeGitHub], dict[str, Any]]  # returns extra `run_action` arguments
    exit_code: int
    posts: str  # "review": a review and the summary; "nothing": no comment at all
    says: str = ""  # in the job log
    # (method, path pattern, the statuses GitHub answered, in order): the retries made
    answered: tuple[tuple[str, str, tuple[int, ...]], ...] = ()

    def arrange(self, run: Run) -> dict[str, Any]:
        return self.setup(run.github)


def reads_fail_with_5xx(github: FakeGitHub) -> dict[str, Any]:
    github.fail_next("GET", DIFF_OR_PULL, 502, times=2)
    github.fail_next("GET", ISSUE_COMMENTS, 500)
    return {}


def review_post_rate_limited(github: FakeGitHub) -> dict[str, Any]:
    github.fail_next("POST", REVIEWS, 403, headers={"Retry-After": "1"}, body=SECONDARY_RATE_LIMIT)
    return {}


def reads_rate_limited(github: FakeGitHub) -> dict[str, Any]:
    headers = {"Retry-After": "1"}
    github.fail_next("GET", DIFF_OR_PULL, 403, headers=headers, body=SECONDARY_RATE_LIMIT, times=40)
    return {}


def one_comment_refused(github: FakeGitHub) -> dict[str, Any]:
    github.refused_lines = {("src/app.py", line_of("eval("))}
    return {}


def bad_token(_github: FakeGitHub) -> dict[str, Any]:
    return {"token": "ghs_revoked"}


def pull_request_gone(github: FakeGitHub) -> dict[str, Any]:
    github.pulls.clear()  # the event names #2; GitHub answers 404 for it
    return {}


def read_only_token(github: FakeGitHub) -> dict[str, Any]:
    github.add_token("ghs_readonly", can_write=False)
    return {"token": "ghs_readonly"}


GITHUB_FAULTS = [
    GitHubFault(
        "500-and-502-on-reads",
        reads_fail_with_5xx,
        1,
        "review",
        # The PR's comments are read again right before the summary is created, in case an
        # overlapping run made one meanwhile, and once after, to keep the oldest if two
        # runs made one each.
        answered=(
            ("GET", DIFF_OR_PULL, (502, 502, 200)),
            ("GET", ISSUE_COMMENTS, (500, 200, 200, 200)),
        ),
    ),
    GitHubFault(
        "403-secondary-rate-limit-on-review",
        review_post_rate_limited,
        1,
        "review",
        answered=(("POST", REVIEWS, (403, 200)),),
    ),
    # Waited out 4 times (recorded, not slept), then the PR cannot be read: exit 3.
    GitHubFault(
        "403-secondary-rate-limit-on-reads",
        reads_rate_limited,
        3,
        "nothing",
        "GitHub rate-limited the request to read the pull request's diff",
        answered=(("GET", DIFF_OR_PULL, (403,) * 5),),
    ),
    GitHubFault("422-on-one-comment", one_comment_refused, 1, "review"),
    GitHubFault("401-bad-token", bad_token, 2, "nothing", "github-token"),
    # The README gives exit 3 when "GitHub still failed": a PR that cannot be read is not
    # reviewed, an unreviewed PR is never a pass, and it is no workflow misconfiguration.
    GitHubFault("404-pull-request-gone", pull_request_gone, 3, "nothing", "may have been deleted"),
    GitHubFault(
        "read-only-token", read_only_token, 1, "nothing", "Findings are reported as annotations"
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in GITHUB_FAULTS])
def test_github_faults(runs: dict[str, Run], case: GitHubFault) -> None:
    run = finished(runs, case)
    result, github = run.done, run.github

    assert result.returncode == case.exit_code, result.stdout + result.stderr
    assert_clean_run(run)
    assert case.says in result.stdout
    assert_nothing_lost_or_duplicated(run)
    for method, path, statuses in case.answered:
        seen = [r.status for r in github.requests if r.method == method and re.search(path, r.path)]
        assert tuple(seen) == statuses, (method, path)
    if case.posts == "review":
        assert len(posted_reviews(github)) == 1 and len(github.issue_comments) == 1
        assert len(github.review_comments) + summary_only_count(github) == 2
        assert result.outputs["verdict"] == "fail"
    elif case.exit_code == 1:  # read-only: everything in annotations and the step summary
        assert github.reviews == [] and github.issue_comments == []
        assert {f["title"] for f in run.reading.produced} == BOTH
        for finding in run.reading.produced:
            where = f"file={finding['path']},line={finding['line']},title={finding['title']}::"
            assert where in result.stdout
        assert result.outputs["verdict"] == "fail"
    else:  # stopped before reviewing: no model request, no write
        assert github.writes() == [] and run.model.requests == []


# -- input faults -----------------------------------------------------------------------------

GITHUB_FILES_LIMIT = 3000


def new_files_diff(count: int, *, with_eval: bool = True) -> str:
    """`count` new one-line Python files; the first one calls eval() if `with_eval`."""
    parts = []
    for i in range(count):
        code = "result = eval(data)" if i == 0 and with_eval else f"VALUE_{i} = {i}"
        name = f"pkg/m{i:05d}.py"
        parts.append(
            f"diff --git a/{name} b/{name}\nnew file mode 100644\nindex 0000000..{i + 1:07x}\n"
            f"--- /dev/null\n+++ b/{name}\n@@ -0,0 +1 @@\n+{code}\n"
        )
    return "".join(parts)


def binary_only_diff(tmp_path: Path) -> str:
    repo = GitRepo(tmp_path / "binary-repo")
    repo.write("README.md", "# Hello\n")
    base = repo.commit("base")
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00binary")
    repo.write("data/model.bin", bytes(range(256)))
    repo.commit("head")
    return repo.diff(base)


def event_file(run: Run, content: str | None) -> dict[str, Any]:
    path = run.tmp_path / "runner" / "event.json"
    path.parent.mkdir()
    if content is not None:
        path.write_text(content)
    return {"extra_env": {"GITHUB_EVENT_PATH": str(path)}}


def ten_thousand_files(run: Run, *, with_eval: bool = True) -> dict[str, Any]:
    # GitHub refuses the diff media type past 300 files and lists at most 3,000 files of a
    # PR. The fake's files list has no such cap, so it serves the PR as GitHub would list
    # it: its first 3,000 files, while the event counts all 10,000.
    event = pr_event()
    event["pull_request"]["changed_files"] = 10_000
    run.github.pulls.clear()
    add_event_pull(run.github, new_files_diff(GITHUB_FILES_LIMIT, with_eval=with_eval))
    run.github.diff_too_large = True
    return {"event": event}


def replace_pull(run: Run, diff: str) -> dict[str, Any]:
    run.github.pulls.clear()
    add_event_pull(run.github, diff)
    return {}


@dataclass(frozen=True)
class InputFault(Case):
    id: str
    setup: Callable[[Run], dict[str, Any]]
    exit_code: int
    says: tuple[str, ...] = ()  # in the job's error annotation or the summaries

    def arrange(self, run: Run) -> dict[str, Any]:
        return self.setup(run)


CONFIG_ERRORS = [
    InputFault(
        "malformed-event-file",
        lambda run: event_file(run, '{"action": "opened", "pull_request": {'),
        2,
        ("event file", "is not valid JSON"),
    ),
    InputFault(
        "missing-event-file",
        lambda run: event_file(run, None),
        2,
        ("Cannot read the event file", "No such file"),
    ),
    InputFault(
        "unknown-fail-on",
        lambda run: {"inputs": {"fail-on": "blocker"}},
        2,
        ("fail-on", "'blocker'", "critical", "warning", "suggestion", "never"),
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CONFIG_ERRORS])
def test_configuration_errors(runs: dict[str, Run], case: InputFault) -> None:
    run = finished(runs, case)
    result = run.done

    assert result.returncode == case.exit_code, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    (error,) = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    for text in case.says:
        assert text in error
    assert run.github.requests == [] and run.model.requests == []


SHAPES = [
    InputFault(
        "10000-file-pr",
        ten_thousand_files,
        1,
        (
            "Not everything was reviewed",
            "`(7000 more files)`: **not reviewed**, GitHub's files list stops at 3000 files",
        ),
    ),
    # Nothing found in the 3,000 files GitHub lists, 7,000 never seen: not a pass.
    InputFault(
        "10000-file-pr-nothing-found",
        lambda run: ten_thousand_files(run, with_eval=False),
        3,
        ("Review incomplete", "`(7000 more files)`: **not reviewed**"),
    ),
    InputFault(
        "binary-files-only",
        lambda run: replace_pull(run, binary_only_diff(run.tmp_path)),
        0,
        ("`logo.png`: skipped, binary file", "`data/model.bin`: skipped, binary file"),
    ),
    InputFault("empty-pr", lambda run: replace_pull(run, ""), 0, ("No findings",)),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in SHAPES])
def test_pull_request_shapes(runs: dict[str, Run], case: InputFault) -> None:
    run = finished(runs, case)
    result, github = run.done, run.github

    assert result.returncode == case.exit_code, result.stdout + result.stderr
    assert_clean_run(run)
    assert_nothing_lost_or_duplicated(run)
    (summary,) = github.issue_comments
    for text in case.says:
        assert text in summary["body"] and text in result.step_summary
    if case.exit_code == 0:  # nothing to send to the model, nothing to comment on
        assert run.model.requests == [] and github.reviews == []
        assert result.outputs["verdict"] == "pass"
    elif case.exit_code == 3:  # reviewed what it could, found nothing, and says so
        assert github.review_comments == [] and run.model.requests
        assert result.outputs["verdict"] == "incomplete"
        assert "::warning::Not reviewed ((7000 more files))" in result.stdout
    else:  # the files list stood in for the diff GitHub refused
        assert [(c["path"], c["line"]) for c in github.review_comments] == [("pkg/m00000.py", 1)]
        pages = [r for r in github.reads() if r.path.endswith("/pulls/2/files")]
        assert len(pages) == GITHUB_FILES_LIMIT // 100


# -- shared checks ----------------------------------------------------------------------------


def posted_reviews(github: FakeGitHub) -> list[dict[str, Any]]:
    return [r for r in github.reviews if r["state"] != "PENDING"]


def summary_only_count(github: FakeGitHub) -> int:
    """Entries of the summary's "Findings not placed inline" list."""
    (summary,) = github.issue_comments
    _, found, rest = summary["body"].partition("### Findings not placed inline")
    section = rest.split("\n### ", 1)[0] if found else ""
    return sum(1 for line in section.splitlines() if line.startswith("- **"))


def assert_clean_run(run: Run) -> None:
    result = run.done
    assert "Traceback" not in result.stdout + result.stderr
    assert "Internal error" not in result.stdout
    assert run.github.validation_errors == [] and run.github.unhandled == []
    assert run.model.shape_errors == []


def assert_nothing_lost_or_duplicated(run: Run) -> None:
    """Each finding the model produced is inline at most once, listed exactly once in the
    summary comment when there is one, and always in the step summary."""
    result, github = run.done, run.github
    assert [r for r in github.reviews if r["state"] == "PENDING"] == []  # probes deleted
    assert len(posted_reviews(github)) <= 1  # one review per run: one notification
    assert len(github.issue_comments) <= 1  # one summary, edited in place
    markers = [_FINDING_MARKER.search(c["body"]) for c in github.review_comments]
    fingerprints = [m.group(1) for m in markers if m is not None]
    assert len(fingerprints) == len(markers) == len(set(fingerprints))
    summary = github.issue_comments[0]["body"] if github.issue_comments else None
    produced = {(f["path"], f["line"], f["title"]) for f in run.reading.produced}
    for path, line, title in produced:
        inline = [
            c
            for c in github.review_comments
            if (c["path"], c["line"]) == (path, line) and title in c["body"]
        ]
        assert len(inline) <= 1, f"{title!r} posted {len(inline)} times"
        if summary is not None:
            assert summary.count(title) == 1, f"{title!r} listed {summary.count(title)} times"
        assert title in result.step_summary, f"{title!r} lost"
    assert len(github.review_comments) <= len(produced)
