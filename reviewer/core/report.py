"""What one review run produced: the input to the summary, outputs and the verdict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `Usage` is wanted early, without the plan's imports
    from reviewer.core.filters import SkippedFile
    from reviewer.core.findings import FileNote
    from reviewer.core.plan import PublishPlan
    from reviewer.core.policy import Verdict
    from reviewer.core.state import OpenFinding


@dataclass(frozen=True, slots=True)
class Usage:
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.requests + other.requests,
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.cached_tokens + other.cached_tokens,
        )


@dataclass(frozen=True, slots=True)
class ChunkFailure:
    paths: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class RunReport:
    head_sha: str
    model: str
    plan: PublishPlan
    verdict: Verdict
    reviewed_files: tuple[str, ...]
    skipped_files: tuple[SkippedFile, ...] = ()
    failed_chunks: tuple[ChunkFailure, ...] = ()
    usage: Usage = field(default_factory=Usage)
    concurrency: int = 0  # the most model requests in flight at once (adaptive concurrency)
    duration_s: float = 0.0
    review_url: str = ""
    comment_urls: Mapping[str, str] = field(default_factory=dict)  # fingerprint → URL
    dry_run: bool = False
    cost_usd: float | None = None  # None when the model's price is unknown
    since: str | None = None  # incremental review: the head reviewed before
    open_findings: tuple[OpenFinding, ...] = ()  # remembered for the next run
    config: str = ""  # digest of what the review ran with: same head + same config = reuse
    base_ref: str = ""  # the branch reviewed against, recorded for the merge-queue gate
    walkthrough: tuple[FileNote, ...] = ()  # what the change does, per file
    context_used: tuple[str, ...] = ()  # related code and reports the model was given
    verify_usage: Usage = field(default_factory=Usage)  # part of `usage`
    appendix: str = ""  # a section from the review process (suggested reviewers), markdown
