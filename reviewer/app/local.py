"""Local mode: review a branch of a git repository from the terminal, with no GitHub."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from reviewer.app.cli_flags import local_wording
from reviewer.app.components import chunk_reviewer, make_verifier, review_options
from reviewer.app.context_sources import GitRepository, changed_paths, load_report
from reviewer.app.engine import review_diff
from reviewer.app.git import GitBaseReader, branch_diff, check_refs, git
from reviewer.app.local_report import render_report
from reviewer.app.pipeline import conclude
from reviewer.app.runtime import Runtime
from reviewer.app.settings import Settings
from reviewer.core.guidance import load_guidance
from reviewer.core.pricing import price_for
from reviewer.core.review_context import ContextPart, Intent, ReviewContext
from reviewer.errors import ConfigError
from reviewer.model.tokenizer import lazy_token_counter


def run_local(
    settings: Settings,
    *,
    repo: Path,
    base: str,
    head: str,
    output: str,
    output_file: Path | None = None,
    runtime: Runtime | None = None,
    named_files: Sequence[tuple[str, str]] = (),
    title: str = "",
    description: str = "",
) -> int:
    """`named_files`: (flag, path) of files given on the command line, which must exist at
    `base` (a default path that is absent is simply not used). `title`, `description`: what
    the change is for (with the range's commit messages, the stated intent the model checks
    the code against)."""
    runtime = runtime or Runtime()
    if output_file is not None:
        # Before the review: a bad path must not cost a model run.
        _write(output_file, None)
    check_refs(repo, base, head)
    # From the base ref: a branch cannot change its own rules or mark its files generated.
    at_base = GitBaseReader(repo, base)
    for flag, path in named_files:
        if at_base.read(path) is None:
            raise ConfigError(
                f"{flag} {path} does not exist at {base}.",
                hint=f"It is read at --base, as the action reads it from the base branch: "
                f"commit it to {base} first, or leave {flag} out.",
            )
    diff = branch_diff(repo, base, head)
    count_tokens = lazy_token_counter(settings.model)
    guidance = load_guidance(settings.guidance_sources(), at_base, count_tokens)
    for note in guidance.notes:
        print(f"reviewer: {local_wording(note)}", file=sys.stderr)
    options = review_options(settings, guidance)
    fork = git(repo, "merge-base", base, head).strip()
    messages = git(repo, "log", "--reverse", "--format=%B%x00", f"{fork}..{head}").split("\0")
    context_report: ContextPart | None = None
    report_note = ""
    if settings.context_report:
        context_report, report_note = load_report(
            settings.context_report, None, changed_paths(diff), count_tokens
        )
        print(f"reviewer: {local_wording(report_note)}", file=sys.stderr)
    context = ReviewContext(
        intent=Intent(title, description, tuple(m.strip() for m in messages if m.strip())),
        repository=GitRepository(repo, fork) if options.reads_files else None,
        report=context_report,
        notes=(report_note,) if report_note else (),
    )
    reviewer = chunk_reviewer(settings, rules=guidance.rules, runtime=runtime)
    outcome = review_diff(
        diff,
        options,
        reviewer,
        count_tokens,
        time_limit_s=settings.time_limit_s,
        read_new_text=GitBaseReader(repo, head).read,
        clock=runtime.clock,
        context=context,
        verifier=make_verifier(settings, reviewer, runtime),
    )
    conclusion = conclude(
        outcome.findings,
        settings=settings,
        config=guidance.config,
        index=outcome.index,
        incomplete=outcome.incomplete,
        capped=False,
        rejected=outcome.rejected,
    )
    # Below `min-severity` (the flag, or the config's per-path one) is left out of the
    # report; it still counts for the verdict. What verification rejected is only in the
    # JSON report (delivery "rejected").
    threshold = guidance.config.min_severity_for
    shown = [
        f
        for f in conclusion.plan.counted
        if f.finding.severity.at_least(threshold(f.path, settings.min_severity))
    ]
    shown_outcome = dataclasses.replace(outcome, findings=shown)
    pricing = price_for(settings.model, settings.pricing)
    report = render_report(
        shown_outcome,
        conclusion,
        output,
        repo=repo,
        model=settings.model,
        cost_usd=pricing.cost(outcome.usage) if pricing is not None else None,
    )
    if output_file is None:
        print(report)
    else:
        _write(output_file, report + "\n")
    return conclusion.verdict.exit_code


def _write(path: Path, text: str | None) -> None:
    """Write the report (`text`), or with None only check that `path` can be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            with path.open("a", encoding="utf-8"):  # a folder fails here; touch() passed it
                pass
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write --output {path}: {error.strerror or error}") from None
