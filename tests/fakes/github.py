"""Public entry point of the fake GitHub REST API used by the tests.

Usage (the ``fake_github`` fixture in ``tests/conftest.py`` does the first two lines)::

    fake = FakeGitHub(owner="Codertocat", repo="Hello-World").install(httpserver)
    fake.add_pull(2, head_sha=HEAD, base_sha=BASE, diff=diff_text)
    gh = Github(auth=Auth.Token("ghs_test"), base_url=fake.base_url,
                seconds_between_requests=None, seconds_between_writes=None)
    ...
    assert fake.validation_errors == [] and fake.unhandled == []
    assert [c["line"] for c in fake.review_comments] == [...]

Modules: :mod:`fakes.github_server` (HTTP: auth, faults, routing, endpoints),
:mod:`fakes.github_state` (setup and assertion API), :mod:`fakes.github_payloads`
(response shapes) and :mod:`fakes.github_diff` (the independent diff parser/oracle).
"""

from .github_diff import DiffFile, DiffLine, parse_diff
from .github_server import FakeGitHub
from .github_state import PullRequest, RecordedRequest

__all__ = ["DiffFile", "DiffLine", "FakeGitHub", "PullRequest", "RecordedRequest", "parse_diff"]
