"""The GitHub adapter: the few REST and GraphQL calls a review needs, through PyGithub."""

from __future__ import annotations

from reviewer.github.client import (
    ChangedFile,
    PostedReview,
    ReviewComment,
    make_github,
)
from reviewer.github.pull_process import PullProcessCalls
from reviewer.github.reads import GitHubReads

__all__ = ["ChangedFile", "GitHubAdapter", "PostedReview", "ReviewComment", "make_github"]


class GitHubAdapter(GitHubReads, PullProcessCalls):
    """Reads and writes for one pull request (PullProcessCalls adds the review process's
    to GitHubWrites')."""
