"""Fingerprints and the hidden markers that carry them.

A fingerprint identifies the place a finding is about across runs: the file and the code
on the anchored line (whitespace-normalised). Not the line number, so a rebase does not
repost; not the model's wording nor its category, so a rephrased or re-categorised answer
does not repost either. Two different problems on the same code share a fingerprint and
are posted together, in one comment.

Comments posted before 0.2 carry the earlier recipe, which also hashed the category
(`legacy_fingerprints`): they are still recognised, whatever category was used.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reviewer import __version__
from reviewer.core.findings import Category
from reviewer.core.identity import same_login

TOOL = "reviewer"
# Only comments we posted are searched (`is_trusted`), and nothing hostile in them can
# write "<!--" (core.markdown), so a marker anywhere in one is ours: a maintainer may have
# added text below it.
_FINDING_MARKER = re.compile(r"<!-- reviewer:finding fp=([0-9a-f]{16}) v=[\w.+-]+ -->")
_SUMMARY_MARKER = re.compile(r"<!-- reviewer:summary(?: head=([0-9a-f]{7,40}))? v=[\w.+-]+ -->")


def normalise_code(text: str) -> str:
    return " ".join(text.split())


def fingerprint(path: str, code: str) -> str:
    return _digest(path, normalise_code(code))


def legacy_fingerprints(path: str, code: str) -> frozenset[str]:
    """The fingerprints the earlier recipe gave this code, one per possible category."""
    normalised = normalise_code(code)
    return frozenset(_digest(path, category.value, normalised) for category in Category)


def _digest(*parts: str) -> str:
    basis = "\0".join(parts)
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def finding_marker(fp: str) -> str:
    return f"<!-- {TOOL}:finding fp={fp} v={__version__} -->"


def summary_marker(head_sha: str) -> str:
    return f"<!-- {TOOL}:summary head={head_sha} v={__version__} -->"


def read_finding_marker(body: str) -> str | None:
    """The fingerprint in a comment we posted (its last marker)."""
    found = _FINDING_MARKER.findall(body)
    return found[-1] if found else None


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
    path: str = ""  # review comments only: the file it is on


def is_trusted(comment: PostedComment, author: str | None) -> bool:
    """Whether a marker in `comment` may be believed: only in our own comments, by `author`
    (the identity we post as), else by a bot account when it cannot be known."""
    return same_login(comment.author, author) if author is not None else comment.author_is_bot


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
