"""Tests of the fake GitHub, driven through the real PyGithub client over loopback HTTP."""

from __future__ import annotations

import json
import time
import urllib.request
from itertools import islice
from typing import Any, cast

import github
import pytest
from fakes.github import FakeGitHub, parse_diff
from fakes.openapi import GHES_SUBSET, OpenAPIValidator
from github import Auth, Github, GithubRetry
from github.PullRequest import ReviewComment

HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
REPO = "Codertocat/Hello-World"
BIG_FILE_LINES = 80

# src/app.py: hunk 0 covers new lines 1-6 (old 1-5), hunk 1 covers new 21-25 (old 20-23).
# "\x20" is the " " of an empty context line (escaped so editors do not strip it).
APP_DIFF = """\
diff --git a/src/app.py b/src/app.py
index 83db48f..bf269f4 100644
--- a/src/app.py
+++ b/src/app.py
@@ -1,5 +1,6 @@
 import os
-import sys
+import sys  # noqa: F401
+import re
\x20
 def main():
     pass
@@ -20,4 +21,5 @@ def helper():
     a = 1
-    b = 2
+    b = 3
+    c = 4
     d = 5
     return a
"""
OTHER_DIFFS = """\
diff --git a/docs/old.md b/docs/new.md
similarity index 80%
rename from docs/old.md
rename to docs/new.md
index 1111111..2222222 100644
--- a/docs/old.md
+++ b/docs/new.md
@@ -1,2 +1,2 @@
 # Title
-old text
\\ No newline at end of file
+new text
\\ No newline at end of file
diff --git a/legacy.py b/legacy.py
deleted file mode 100644
index 3333333..0000000
--- a/legacy.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x = 1
-y = 2
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..4444444
Binary files /dev/null and b/logo.png differ
"""
BIG_DIFF = (
    "diff --git a/big.py b/big.py\nnew file mode 100644\nindex 0000000..5555555\n"
    f"--- /dev/null\n+++ b/big.py\n@@ -0,0 +1,{BIG_FILE_LINES} @@\n"
    + "".join(f"+value_{n} = {n}\n" for n in range(1, BIG_FILE_LINES + 1))
)
DIFF = APP_DIFF + OTHER_DIFFS + BIG_DIFF


def client(fake: FakeGitHub, *, token: str | None = "ghs_test", **kwargs: Any) -> Github:
    """A real PyGithub client pointed at the fake (``base_url`` overridable).

    PyGithub throttles by default (0.25 s between requests, 1 s between writes); the fake
    has no such need, so the throttles are off unless a test asks for them.
    """
    kwargs.setdefault("base_url", fake.base_url)
    kwargs.setdefault("retry", None)
    kwargs.setdefault("seconds_between_requests", None)
    kwargs.setdefault("seconds_between_writes", None)
    auth = Auth.Token(token) if token is not None else None
    return Github(auth=auth, **kwargs)


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add_pull(2, head_sha=HEAD, base_sha=BASE, diff=DIFF)
    return fake_github


def comment(path: str, line: int, **extra: Any) -> ReviewComment:
    """A review comment as PyGithub's ``create_review`` takes it."""
    return cast(
        ReviewComment, {"path": path, "line": line, "body": f"about {path}:{line}", **extra}
    )


# --- reading -----------------------------------------------------------------------------------


def test_repo_and_pull_json(fake: FakeGitHub) -> None:
    repo = client(fake).get_repo(REPO)
    pull = repo.get_pull(2)

    assert (repo.full_name, repo.default_branch, repo.permissions.push) == (REPO, "main", True)
    assert (pull.number, pull.head.sha, pull.base.sha, pull.draft) == (2, HEAD, BASE, False)
    assert (pull.changed_files, pull.additions, pull.deletions) == (5, 4 + 1 + BIG_FILE_LINES, 5)
    assert pull.user.login == "octocat"
    assert [r.path for r in fake.reads()] == [f"/repos/{REPO}", f"/repos/{REPO}/pulls/2"]
    assert fake.requests[0].headers["authorization"] == "token ghs_test"


def test_fork_pull_has_fork_head_repo(fake_github: FakeGitHub) -> None:
    fake_github.add_pull(
        7,
        head_sha=HEAD,
        base_sha=BASE,
        diff=APP_DIFF,
        head_repo_full_name="forker/Hello-World",
        draft=True,
    )
    pull = client(fake_github).get_repo(REPO).get_pull(7)

    assert (pull.head.repo.full_name, pull.head.repo.fork, pull.draft) == (
        "forker/Hello-World",
        True,
        True,
    )
    assert pull.base.repo.full_name == REPO


@pytest.mark.parametrize(
    "media_type", ["application/vnd.github.diff", "application/vnd.github.v3.diff"]
)
def test_diff_media_type_returns_raw_diff(fake: FakeGitHub, media_type: str) -> None:
    g = client(fake)
    headers, data = g.requester.requestJsonAndCheck(
        "GET", f"/repos/{REPO}/pulls/2", headers={"Accept": media_type}
    )

    assert data["data"] == DIFF
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert fake.requests[-1].headers["accept"] == media_type


def test_diff_too_large_answers_406(fake: FakeGitHub) -> None:
    fake.diff_too_large = True
    g = client(fake)

    with pytest.raises(github.GithubException) as raised:
        g.requester.requestJsonAndCheck(
            "GET", f"/repos/{REPO}/pulls/2", headers={"Accept": "application/vnd.github.diff"}
        )

    assert raised.value.status == 406
    assert raised.value.data["errors"] == [
        {"resource": "PullRequest", "field": "diff", "code": "too_large"}
    ]
    assert g.get_repo(REPO).get_pull(2).number == 2  # JSON still works


def test_pull_files_are_derived_from_the_diff(fake: FakeGitHub) -> None:
    files = {f.filename: f for f in client(fake).get_repo(REPO).get_pull(2).get_files()}

    assert list(files) == ["src/app.py", "docs/new.md", "legacy.py", "logo.png", "big.py"]
    app = files["src/app.py"]
    assert (app.status, app.additions, app.deletions, app.changes) == ("modified", 4, 2, 6)
    assert app.patch == APP_DIFF.split("\n", 4)[4].rstrip("\n")
    renamed = files["docs/new.md"]
    assert (renamed.status, renamed.previous_filename) == ("renamed", "docs/old.md")
    assert renamed.patch.endswith("+new text\n\\ No newline at end of file")
    assert (files["legacy.py"].status, files["legacy.py"].deletions) == ("removed", 2)
    assert files["logo.png"].status == "added"
    assert files["logo.png"].patch is None
    assert files["big.py"].additions == BIG_FILE_LINES


def test_files_pagination_uses_link_header(fake: FakeGitHub) -> None:
    pages = client(fake, per_page=2).get_repo(REPO).get_pull(2).get_files()
    files = list(islice(pages, 50))  # bounded: a broken Link header must fail, not hang

    assert len(files) == 5
    file_reads = [r for r in fake.reads() if r.path.endswith("/files")]
    assert [r.query for r in file_reads] == [
        {"per_page": "2"},
        {"per_page": "2", "page": "2"},
        {"per_page": "2", "page": "3"},
    ]


def test_parse_diff_line_numbers_and_positions() -> None:
    app, renamed, deleted, binary, big = parse_diff(DIFF)

    added = [(line.new, line.position) for line in app.lines if line.kind == "+"]
    assert added == [(2, 3), (3, 4), (22, 11), (23, 12)]
    assert [(line.old, line.hunk) for line in app.lines if line.kind == "-"] == [(2, 0), (21, 1)]
    assert app.find("LEFT", 3) is app.find("RIGHT", 4)  # a context line has both numbers
    assert (renamed.old_path, renamed.new_path, renamed.status) == (
        "docs/old.md",
        "docs/new.md",
        "renamed",
    )
    assert (deleted.new_path, [line.old for line in deleted.lines]) == (None, [1, 2])
    assert (binary.binary, binary.lines) == (True, [])
    assert big.find("RIGHT", BIG_FILE_LINES) is not None


# --- reviews -----------------------------------------------------------------------------------


def test_review_comment_pagination_reads_all_pages(fake: FakeGitHub) -> None:
    pull = client(fake).get_repo(REPO).get_pull(2)
    pull.create_review(
        body="many", event="COMMENT", comments=[comment("big.py", n) for n in range(1, 76)]
    )

    comments = client(fake, per_page=30).get_repo(REPO).get_pull(2).get_review_comments()
    listed = list(islice(comments, 500))  # bounded: a broken Link header must fail, not hang

    assert [c.line for c in listed] == list(range(1, 76))
    pages = [r.query.get("page") for r in fake.reads() if r.path.endswith("/pulls/2/comments")]
    assert pages == [None, "2", "3"]


def test_link_header_has_next_last_prev_first(fake: FakeGitHub) -> None:
    client(fake).get_repo(REPO).get_pull(2).create_review(
        body="many", event="COMMENT", comments=[comment("big.py", n) for n in range(1, 76)]
    )
    g = client(fake)

    headers, data = g.requester.requestJsonAndCheck(
        "GET", f"/repos/{REPO}/pulls/2/comments", parameters={"per_page": 30, "page": 2}
    )

    url = f"{fake.base_url}/repos/{REPO}/pulls/2/comments"
    assert len(data) == 30
    assert headers["link"] == (
        f'<{url}?per_page=30&page=3>; rel="next", <{url}?per_page=30&page=3>; rel="last", '
        f'<{url}?per_page=30&page=1>; rel="prev", <{url}?per_page=30&page=1>; rel="first"'
    )
    for name in (
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-used",
    ):
        assert headers[name].isdigit()


def test_valid_review_with_left_and_multiline_comments(fake: FakeGitHub) -> None:
    pull = client(fake).get_repo(REPO).get_pull(2)

    review = pull.create_review(
        body="Looks mostly fine.",
        event="COMMENT",
        comments=[
            comment("src/app.py", 2, side="LEFT"),
            comment("src/app.py", 4, start_line=2, side="RIGHT", start_side="RIGHT"),
            comment("src/app.py", 22, start_line=21, start_side="LEFT"),
            comment("legacy.py", 2, side="LEFT"),
        ],
    )

    assert (review.state, review.body, review.commit_id) == (
        "COMMENTED",
        "Looks mostly fine.",
        HEAD,
    )
    assert review.html_url == f"https://github.com/{REPO}/pull/2#pullrequestreview-{review.id}"
    assert (review.user.login, review.user.type) == ("github-actions[bot]", "Bot")
    stored = fake.review_comments
    located = [(c["path"], c["side"], c["line"], c["start_side"], c["start_line"]) for c in stored]
    assert located == [
        ("src/app.py", "LEFT", 2, None, None),
        ("src/app.py", "RIGHT", 4, "RIGHT", 2),
        ("src/app.py", "RIGHT", 22, "LEFT", 21),
        ("legacy.py", "LEFT", 2, None, None),
    ]
    first = stored[0]
    assert first["pull_request_review_id"] == review.id
    assert first["html_url"] == f"https://github.com/{REPO}/pull/2#discussion_r{first['id']}"
    assert (first["commit_id"], first["original_commit_id"], first["position"]) == (HEAD, HEAD, 2)
    assert first["diff_hunk"] == "@@ -1,5 +1,6 @@\n import os\n-import sys"
    assert (first["original_line"], first["subject_type"]) == (2, "line")
    via_client = list(pull.get_review_comments())
    assert [(c.line, c.side, c.start_line) for c in via_client][:2] == [
        (2, "LEFT", None),
        (4, "RIGHT", 2),
    ]
    assert [r.id for r in pull.get_reviews()] == [review.id]


NOT_RESOLVED = "Line could not be resolved"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (comment("src/app.py", 10), NOT_RESOLVED),  # between the two hunks
        (comment("src/app.py", 7), NOT_RESOLVED),  # just after hunk 0 on the new side
        (comment("src/app.py", 24, side="LEFT"), NOT_RESOLVED),  # old file ends hunk 1 at 23
        (comment("src/app.py", 3, side="LEFT", start_line=3), NOT_RESOLVED),  # start == end
        (comment("src/app.py", 4, start_line=5), NOT_RESOLVED),  # start after end
        (comment("src/app.py", 22, start_line=6), NOT_RESOLVED),  # range spans two hunks
        (comment("src/app.py", 4, start_line=3, start_side="LEFT"), NOT_RESOLVED),  # old 3 is
        # the context line at position 5, after new line 4 (position 4)
        (comment("legacy.py", 1), NOT_RESOLVED),  # deleted file has no RIGHT side
        (comment("logo.png", 1), NOT_RESOLVED),  # binary file has no lines
        (comment("docs/old.md", 1), "Path could not be resolved"),  # renamed away
        (comment("README.md", 1), "Path could not be resolved"),  # not in the diff
    ],
)
def test_review_with_bad_location_creates_nothing(
    fake: FakeGitHub, bad: ReviewComment, message: str
) -> None:
    pull = client(fake).get_repo(REPO).get_pull(2)
    good = comment("src/app.py", 2)

    with pytest.raises(github.GithubException) as raised:
        pull.create_review(body="review", event="COMMENT", comments=[good, bad])

    assert raised.value.status == 422
    assert raised.value.data["errors"] == [message]
    assert (fake.reviews, fake.review_comments) == ([], [])
    assert pull.get_reviews().totalCount == 0


@pytest.mark.parametrize(
    "ok",
    [
        comment("src/app.py", 2, side="LEFT", start_line=1, start_side="RIGHT"),
        comment("src/app.py", 3, side="LEFT"),  # context line by its old number
        comment("src/app.py", 24, start_line=21),  # range inside hunk 1
        comment("docs/new.md", 2),
        comment("big.py", BIG_FILE_LINES),
    ],
)
def test_review_with_good_location_is_accepted(fake: FakeGitHub, ok: ReviewComment) -> None:
    pull = client(fake).get_repo(REPO).get_pull(2)

    pull.create_review(body="ok", event="COMMENT", comments=[ok])

    assert [(c["path"], c["line"]) for c in fake.review_comments] == [(ok["path"], ok["line"])]


def test_review_commit_must_belong_to_the_pull(fake: FakeGitHub) -> None:
    g = client(fake)
    with pytest.raises(github.GithubException) as raised:
        g.requester.requestJsonAndCheck(
            "POST",
            f"/repos/{REPO}/pulls/2/reviews",
            input={"commit_id": "0" * 40, "event": "COMMENT", "body": "x", "comments": []},
        )

    assert raised.value.status == 422
    assert raised.value.data["errors"] == ["The commitOID is not part of the pull request"]
    assert fake.reviews == []


def test_cannot_approve_own_pull(fake_github: FakeGitHub) -> None:
    fake_github.add_pull(
        3, head_sha=HEAD, base_sha=BASE, diff=APP_DIFF, user_login="github-actions[bot]"
    )
    pull = client(fake_github).get_repo(REPO).get_pull(3)

    with pytest.raises(github.GithubException) as raised:
        pull.create_review(body="LGTM", event="APPROVE")

    assert raised.value.data["errors"] == ["Can not approve your own pull request"]
    assert pull.create_review(body="note", event="COMMENT").state == "COMMENTED"


# --- auth, permissions and faults -------------------------------------------------------------


@pytest.mark.parametrize("token", ["ghs_wrong", None])
def test_bad_or_missing_token_is_401(fake: FakeGitHub, token: str | None) -> None:
    with pytest.raises(github.BadCredentialsException) as raised:
        client(fake, token=token).get_repo(REPO)

    assert raised.value.status == 401
    assert raised.value.data["message"] == "Bad credentials"


def test_bearer_scheme_json_and_rate_limit_headers(fake: FakeGitHub) -> None:
    request = urllib.request.Request(
        f"{fake.base_url}/repos/{REPO}", headers={"Authorization": "Bearer ghs_test"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        body, headers = json.load(response), response.headers

    assert body["full_name"] == REPO
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) == ("5000", "4999")


def test_read_only_token_gets_403_on_writes(fake: FakeGitHub) -> None:
    fake.add_token("ghs_fork", can_write=False)
    pull = client(fake, token="ghs_fork").get_repo(REPO).get_pull(2)  # reads are fine

    with pytest.raises(github.GithubException) as raised:
        pull.create_issue_comment("hello")

    assert raised.value.status == 403
    assert raised.value.data["message"] == "Resource not accessible by integration"
    assert fake.issue_comments == []
    assert [(r.method, r.status) for r in fake.writes()] == [("POST", 403)]


def test_secondary_rate_limit_is_retried_after_retry_after(fake: FakeGitHub) -> None:
    fake.fail_next(
        "POST",
        r"/pulls/2/reviews$",
        403,
        headers={"Retry-After": "1"},
        body={
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
            "before you try again.",
            "documentation_url": "https://docs.github.com",
        },
    )
    pull = client(fake, retry=GithubRetry(total=3)).get_repo(REPO).get_pull(2)

    started = time.monotonic()
    review = pull.create_review(body="after retry", event="COMMENT")

    assert time.monotonic() - started >= 0.9  # honoured Retry-After: 1
    assert [(r.method, r.status) for r in fake.writes()] == [("POST", 403), ("POST", 200)]
    assert [r["id"] for r in fake.reviews] == [review.id]


def test_secondary_rate_limit_without_retry_raises(fake: FakeGitHub) -> None:
    fake.fail_next(
        "POST", r"/reviews$", 403, body={"message": "You have exceeded a secondary rate limit."}
    )
    pull = client(fake).get_repo(REPO).get_pull(2)

    with pytest.raises(github.RateLimitExceededException):
        pull.create_review(body="x", event="COMMENT")
    assert fake.reviews == []


def test_server_errors_are_injected_and_retried(fake: FakeGitHub) -> None:
    fake.fail_next("GET", r"/pulls/2$", 502, times=2)
    g = client(fake, retry=GithubRetry(total=3, backoff_factor=0))

    assert g.get_repo(REPO).get_pull(2).number == 2
    assert [r.status for r in fake.reads() if r.path.endswith("/pulls/2")] == [502, 502, 200]


# --- request validation ------------------------------------------------------------------------


def test_openapi_validation_rejects_invalid_review_body(fake: FakeGitHub) -> None:
    g = client(fake)
    bad = {"event": "MAYBE", "comments": [{"path": "src/app.py", "line": "3", "body": "x"}]}

    with pytest.raises(github.GithubException) as raised:
        g.requester.requestJsonAndCheck("POST", f"/repos/{REPO}/pulls/2/reviews", input=bad)

    assert raised.value.status == 422
    assert any("event: 'MAYBE' is not one of" in e for e in fake.validation_errors)
    assert any("comments/0/line: '3' is not of type 'integer'" in e for e in fake.validation_errors)
    assert fake.reviews == []


def test_side_outside_left_right_is_a_validation_error(fake: FakeGitHub) -> None:
    pull = client(fake).get_repo(REPO).get_pull(2)

    with pytest.raises(github.GithubException) as raised:
        pull.create_review(
            body="x", event="COMMENT", comments=[comment("src/app.py", 2, side="MIDDLE")]
        )

    assert raised.value.status == 422
    assert len(fake.validation_errors) == 1
    assert "comments/0/side: 'MIDDLE' is not one of ['LEFT', 'RIGHT']" in fake.validation_errors[0]
    assert fake.review_comments == []


def test_valid_bodies_leave_no_validation_errors(fake: FakeGitHub) -> None:
    pull = client(fake).get_repo(REPO).get_pull(2)
    pull.create_review(body="b", event="COMMENT", comments=[comment("src/app.py", 3)])
    pull.create_issue_comment("c").edit("d")

    assert fake.validation_errors == []
    assert fake.unhandled == []


def test_validator_finds_operations_and_checks_bodies() -> None:
    validator = OpenAPIValidator()
    path = f"/repos/{REPO}/pulls/2/reviews"

    assert validator.validate_request("POST", path, {"body": "x", "event": "COMMENT"}) == []
    assert validator.validate_request("PATCH", f"/repos/{REPO}/issues/comments/9", {}) == [
        f"PATCH /repos/{REPO}/issues/comments/9: <root>: 'body' is a required property"
    ]
    assert validator.validate_request("DELETE", path, None) == [
        f"DELETE {path}: no such operation in github-openapi-subset.json"
    ]
    assert validator.find_operation("GET", f"/repos/{REPO}/contents/a/b/c.py") is not None
    assert OpenAPIValidator(GHES_SUBSET).validate_request("POST", path, {"event": 1}) != []


def test_responses_match_openapi_schemas(fake: FakeGitHub) -> None:
    fake.set_file("main", "src/app.py", "print('hi')\n")
    pull = client(fake).get_repo(REPO).get_pull(2)
    review = pull.create_review(body="r", event="COMMENT", comments=[comment("src/app.py", 2)])
    issue_comment = pull.create_issue_comment("hello")
    requester, validator = client(fake).requester, OpenAPIValidator()
    paths = [
        f"/repos/{REPO}",
        f"/repos/{REPO}/pulls/2",
        f"/repos/{REPO}/pulls/2/files",
        f"/repos/{REPO}/pulls/2/comments",
        f"/repos/{REPO}/pulls/2/reviews",
        f"/repos/{REPO}/issues/2/comments",
        f"/repos/{REPO}/issues/comments/{issue_comment.id}",
        f"/repos/{REPO}/contents/src/app.py",
        f"/repos/{REPO}/collaborators/octocat/permission",
    ]

    errors = []
    for path in paths:
        _, data = requester.requestJsonAndCheck("GET", path)
        errors += validator.validate_response("GET", path, 200, data)
    assert errors == []
    assert review.id in [r["id"] for r in fake.reviews]


# --- issue comments, contents, permissions, unhandled, GHES ------------------------------------


def test_issue_comment_create_get_edit(fake: FakeGitHub) -> None:
    g = client(fake)
    pull = g.get_repo(REPO).get_pull(2)

    created = pull.create_issue_comment("first")
    created.edit("second")
    fetched = pull.get_issue_comment(created.id)

    assert fetched.body == "second"
    assert fake.issue_comments[0]["body"] == "second"
    assert fake.issue_comments[0]["updated_at"] > fake.issue_comments[0]["created_at"]
    assert created.html_url == f"https://github.com/{REPO}/pull/2#issuecomment-{created.id}"
    assert [c.body for c in pull.get_issue_comments()] == ["second"]
    assert [(r.method, r.path) for r in fake.writes()] == [
        ("POST", f"/repos/{REPO}/issues/2/comments"),
        ("PATCH", f"/repos/{REPO}/issues/comments/{created.id}"),
    ]


def test_bodies_over_65536_characters_are_rejected(fake: FakeGitHub) -> None:
    pull = client(fake).get_repo(REPO).get_pull(2)
    pull.create_issue_comment("x" * 65536)

    for action in (
        lambda: pull.create_issue_comment("x" * 65537),
        lambda: pull.create_review(body="x" * 65537, event="COMMENT"),
        lambda: pull.create_review(
            body="ok",
            event="COMMENT",
            comments=[ReviewComment(path="src/app.py", line=2, body="y" * 65537)],
        ),
    ):
        with pytest.raises(github.GithubException) as raised:
            action()
        assert raised.value.status == 422
        assert "body is too long (maximum is 65536 characters)" in str(raised.value.data)
    assert (len(fake.issue_comments), fake.reviews) == (1, [])


def test_contents_and_permissions(fake: FakeGitHub) -> None:
    fake.set_file(HEAD, "src/app.py", "import os\nprint('héllo')\n")
    fake.set_permission("maintainer", "write")
    repo = client(fake).get_repo(REPO)

    content = repo.get_contents("src/app.py", ref=HEAD)

    assert not isinstance(content, list)
    assert content.decoded_content.decode() == "import os\nprint('héllo')\n"
    with pytest.raises(github.UnknownObjectException):
        repo.get_contents("src/app.py", ref="main")
    assert repo.get_collaborator_permission("maintainer") == "write"
    assert repo.get_collaborator_permission("Codertocat") == "admin"
    assert repo.get_collaborator_permission("stranger") == "none"


def test_authenticated_user_is_forbidden_for_installation_tokens(fake: FakeGitHub) -> None:
    fake.add_token("ghp_personal", login="octocat", user_type="User")

    with pytest.raises(github.GithubException) as raised:
        _ = client(fake).get_user().login  # GITHUB_TOKEN is an installation (Bot) token

    assert raised.value.status == 403
    assert client(fake, token="ghp_personal").get_user().login == "octocat"
    _, data = client(fake, token="ghp_personal").requester.requestJsonAndCheck("GET", "/user")
    assert OpenAPIValidator().validate_response("GET", "/user", 200, data) == []
    assert fake.unhandled == []


def test_unknown_endpoints_are_404_and_recorded(fake: FakeGitHub) -> None:
    repo = client(fake).get_repo(REPO)

    with pytest.raises(github.UnknownObjectException):
        list(repo.get_labels())

    assert [r.path for r in fake.unhandled] == [f"/repos/{REPO}/labels"]
    assert fake.requests[-1].status == 404


def test_ghes_api_v3_base_url(fake: FakeGitHub) -> None:
    ghes_url = fake.base_url + "/api/v3"
    g = client(fake, base_url=ghes_url, per_page=1)
    pull = g.get_repo(REPO).get_pull(2)

    pull.create_issue_comment("one")
    pull.create_issue_comment("two").edit("two, edited")
    review = pull.create_review(body="r", event="COMMENT", comments=[comment("src/app.py", 22)])

    assert [c.body for c in islice(pull.get_issue_comments(), 10)] == ["one", "two, edited"]
    assert pull.url == f"{ghes_url}/repos/{REPO}/pulls/2"
    assert review.pull_request_url == f"{ghes_url}/repos/{REPO}/pulls/2"
    assert {r.prefix for r in fake.requests} == {"/api/v3"}
    assert fake.issue_comments[0]["url"].startswith(f"{ghes_url}/repos/{REPO}/issues/comments/")
    assert fake.validation_errors == []
