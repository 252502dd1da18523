"""The GitHub adapter: the few REST and GraphQL calls a review needs, through PyGithub."""

from __future__ import annotations

from reviewer.github_base import (
    ChangedFile,
    PostedReview,
    ReviewComment,
    make_github,
)
from reviewer.github_reads import GitHubReads
from reviewer.github_writes import GitHubWrites

__all__ = ["ChangedFile", "GitHubAdapter", "PostedReview", "ReviewComment", "make_github"]


class GitHubAdapter(GitHubReads, GitHubWrites):
    """Reads and writes for one pull request."""
