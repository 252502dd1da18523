"""The GitHub adapter: the few REST and GraphQL calls a review needs, through PyGithub."""

from __future__ import annotations

from reviewer.github.client import (
    ChangedFile,
    PostedReview,
    ReviewComment,
    make_github,
)
from reviewer.github.reads import GitHubReads
from reviewer.github.writes import GitHubWrites

__all__ = ["ChangedFile", "GitHubAdapter", "PostedReview", "ReviewComment", "make_github"]


class GitHubAdapter(GitHubReads, GitHubWrites):
    """Reads and writes for one pull request."""
