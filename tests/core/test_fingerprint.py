"""Fingerprints and markers: stable across versions, robust to any text."""

from reviewer.core.fingerprint import (
    PostedComment,
    finding_marker,
    fingerprint,
    posted_fingerprints,
    read_finding_marker,
)


def test_a_lone_surrogate_is_hashed_not_refused() -> None:
    """Text from JSON may hold a lone surrogate (valid JSON, invalid UTF-8). Its fingerprint
    is pinned like any other, and differs from the one of the replacement character."""
    code = 'name = "caf\udce9"'
    assert fingerprint("src/app.py", code) == "cf6aaa244c4f9574"
    assert fingerprint("src/app.py", 'name = "caf\ufffd"') == "c269fa1dc0347d1e"


def test_a_comment_without_a_marker_has_no_fingerprint() -> None:
    assert read_finding_marker("") is None
    assert read_finding_marker("Looks good to me.\n<!-- a note -->") is None
    assert read_finding_marker("<!-- reviewer:finding fp=0123 v=1 -->") is None  # too short


def test_the_last_marker_of_a_comment_is_its_fingerprint() -> None:
    body = f"{finding_marker('a' * 16)}\nquoted by a maintainer:\n{finding_marker('b' * 16)}"
    assert read_finding_marker(body) == "b" * 16


def test_the_first_comment_carrying_a_fingerprint_gives_its_url() -> None:
    marker = finding_marker("c" * 16)
    comments = [
        PostedComment(1, "unrelated", "bot", True, "u0"),
        PostedComment(2, marker, "bot", True, "u1"),
        PostedComment(3, marker, "bot", True, "u2"),
    ]
    assert posted_fingerprints(comments, author="bot") == {"c" * 16: "u1"}
