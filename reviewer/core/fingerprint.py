"""Fingerprints and the hidden markers that carry them.

A fingerprint identifies a finding across runs: it is built from the file, the
category and the code the finding is about (whitespace-normalised), never from
the line number or the model's wording, so a rebase or a rephrased answer does
not post the same finding again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reviewer import __version__

TOOL = "reviewer"
_FINDING_MARKER = re.compile(r"<!-- reviewer:finding fp=([0-9a-f]{16}) v=[\w.+-]+ -->\s*\Z")
_SUMMARY_MARKER = re.compile(
    r"<!-- reviewer:summary(?: head=([0-9a-f]{7,40}))? v=[\w.+-]+ -->\s*\Z"
)


def normalise_code(text: str) -> str:
    return " ".join(text.split())


def fingerprint(path: str, category: str, code: str) -> str:
    basis = "\0".join((path, category, normalise_code(code)))
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def finding_marker(fp: str) -> str:
    return f"<!-- {TOOL}:finding fp={fp} v={__version__} -->"


def summary_marker(head_sha: str) -> str:
    return f"<!-- {TOOL}:summary head={head_sha} v={__version__} -->"


def read_finding_marker(body: str) -> str | None:
    """The fingerprint in a comment we posted; the marker must end the body."""
    match = _FINDING_MARKER.search(body)
    return match.group(1) if match else None


def is_summary(body: str) -> bool:
    return _SUMMARY_MARKER.search(body) is not None


@dataclass(frozen=True, slots=True)
class PostedComment:
    """A review comment already on the PR, as the GitHub adapter reports it."""

    id: int
    body: str
    author: str
    author_is_bot: bool
    url: str


def is_trusted(comment: PostedComment, author: str | None) -> bool:
    """Whether a marker in `comment` may be believed.

    Only our own comments count: by `author` (the identity we post as) when it is known,
    else by a bot account (GITHUB_TOKEN's identity cannot be read with `GET /user`)."""
    return comment.author == author if author is not None else comment.author_is_bot


def posted_fingerprints(comments: Iterable[PostedComment], *, author: str | None) -> dict[str, str]:
    """Fingerprint → URL of each finding already posted.

    A marker in anybody else's comment proves nothing and is ignored."""
    found: dict[str, str] = {}
    for comment in comments:
        if not is_trusted(comment, author):
            continue
        fp = read_finding_marker(comment.body)
        if fp is not None:
            found.setdefault(fp, comment.url)
    return found
