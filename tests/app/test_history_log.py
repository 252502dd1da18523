"""Reading `git log` for routing: records git wrote, whatever the authors called themselves."""

from __future__ import annotations

from datetime import UTC, datetime

from reviewer.app.history import parse_log

A, B, C = "a" * 40, "b" * 40, "c" * 64  # the last one a SHA-256 repository's
WHEN = "2024-05-01T10:00:00+00:00"


def record(sha: str, name: str, email: str, date: str, *paths: str) -> str:
    """One commit as `git log -z --name-only --format=LOG_FORMAT` writes it."""
    files = "\0" + "\n" + "\0".join(paths) + "\0" if paths else "\0"
    return f"\0{sha}\0{name}\0{email}\0{date}" + files


def test_separators_in_a_name_stay_in_the_name() -> None:
    crafted = f"E\x1e{B}\x1fX\x1fm@example.com\x1fbad\x1e{B}\x1fY"
    out = record(A, crafted, "M@Example.com", WHEN, "src/a.py", "src/b.py")
    out += record(B, "", "", WHEN)  # an empty name and email, no files (an empty commit)
    out += record(C, "Bob", "bob@example.com", WHEN, "\nodd name.py")
    commits = parse_log(out)
    assert [(c.sha, c.name, c.paths) for c in commits] == [
        (A, crafted, ("src/a.py", "src/b.py")),
        (B, "", ()),
        (C, "Bob", ("\nodd name.py",)),  # only git's own newline is taken off
    ]
    assert commits[0].date == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_a_record_without_a_commit_id_or_a_date_is_skipped() -> None:
    out = record("not-a-sha", "X", "x@example.com", WHEN, "a.py")
    out += record(A, "Y", "y@example.com", "yesterday", "a.py")
    out += record(B, "Z", "z@example.com", WHEN, "a.py")
    assert [c.sha for c in parse_log(out)] == [B]
    assert parse_log("") == [] and parse_log("garbage") == []
