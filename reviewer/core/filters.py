"""Which changed files are reviewed; every file left out carries the reason."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pathspec

from reviewer.core.diff import FileDiff, FileStatus
from reviewer.core.syntax import GRAMMARS, suffix_of

# Files a reviewer gains nothing from reading: lock files, minified or generated
# assets, vendored code. Users extend this with `exclude` and narrow with `include`.
DEFAULT_EXCLUDES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "Cargo.lock",
    "Gemfile.lock",
    "composer.lock",
    "go.sum",
    "*.min.js",
    "*.min.css",
    "*.map",
    "*.svg",
    # Vendored and third-party trees at any depth (pip's `src/pip/_vendor/` was 73% of one
    # release's diff tokens).
    "**/vendor/**",
    "**/_vendor/**",
    "**/vendored/**",
    "**/third_party/**",
    "**/third-party/**",
    "**/node_modules/**",
)


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A changed file (or part of one) the model did not see, and why.

    `unreviewed`: it should have been reviewed but could not be (no diff from GitHub, over
    a token cap, a line too long): the review is incomplete. Otherwise it was left out on
    purpose (binary, excluded, generated, deleted) and the review is complete without it."""

    path: str
    reason: str
    unreviewed: bool = False


def _spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def select_files(
    files: Sequence[FileDiff],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    generated: Sequence[str] = (),
    vendored: Sequence[str] = (),
) -> tuple[list[FileDiff], list[SkippedFile]]:
    """Split `files` into those to review and those skipped, with a reason for each.

    `generated` and `vendored` hold the `linguist-generated` and `linguist-vendored`
    patterns of `.gitattributes`."""
    specs = _Specs(
        include=_spec(include) if include else None,
        exclude=_spec(exclude),
        default=_spec(DEFAULT_EXCLUDES),
        generated=_spec(generated),
        vendored=_spec(vendored),
    )
    selected: list[FileDiff] = []
    skipped: list[SkippedFile] = []
    for file in files:
        reason = _skip_reason(file, specs)
        if reason == BINARY and _hidden_source(file, specs):
            skipped.append(SkippedFile(file.path, HIDDEN_SOURCE, unreviewed=True))
        elif reason:
            skipped.append(SkippedFile(file.path, reason))
        else:
            selected.append(file)
    return selected, skipped


BINARY = "binary file"
HIDDEN_SOURCE = (
    "source code shown as binary (a `binary` or `-diff` attribute in .gitattributes?): "
    "not reviewed; list it in `exclude` if it is meant to be left out"
)
# Source and configuration a `.gitattributes` line (`*.py -diff`, possibly the pull
# request's own) can show as binary: such a file is unreviewed, never skipped as binary.
SOURCE_SUFFIXES = frozenset(
    {
        *GRAMMARS,
        ".sh", ".bash", ".zsh", ".ps1", ".bat", ".cmd", ".yml", ".yaml", ".toml", ".ini",
        ".cfg", ".sql", ".html", ".htm", ".css", ".scss", ".vue", ".svelte", ".kt", ".kts",
        ".swift", ".scala", ".groovy", ".gradle", ".lua", ".pl", ".pm", ".r", ".dart", ".ex",
        ".exs", ".erl", ".hs", ".tf", ".m", ".mm", ".fs", ".vb", ".jl", ".nim", ".zig",
    }
)  # fmt: skip


def _hidden_source(file: FileDiff, specs: _Specs) -> bool:
    """A binary diff of a source file the user did not leave out: git was told to hide it."""
    if file.status is FileStatus.DELETED or suffix_of(file.path) not in SOURCE_SUFFIXES:
        return False
    left_out = (
        (specs.include is not None and not specs.include.match_file(file.path))
        or specs.exclude.match_file(file.path)
        or specs.default.match_file(file.path)
        or specs.generated.match_file(file.path)
        or specs.vendored.match_file(file.path)
    )
    return not left_out


@dataclass(frozen=True, slots=True)
class _Specs:
    include: pathspec.GitIgnoreSpec | None
    exclude: pathspec.GitIgnoreSpec
    default: pathspec.GitIgnoreSpec
    generated: pathspec.GitIgnoreSpec
    vendored: pathspec.GitIgnoreSpec


def _skip_reason(file: FileDiff, specs: _Specs) -> str:
    if file.is_binary:
        return BINARY
    if file.is_submodule:
        return "submodule pointer change"
    if specs.include is not None and not specs.include.match_file(file.path):
        return "not matched by `include`"
    if specs.exclude.match_file(file.path):
        return "matched by `exclude`"
    if specs.default.match_file(file.path):
        return "lock, generated or vendored file (default exclude)"
    if specs.generated.match_file(file.path):
        return "marked `linguist-generated` in .gitattributes"
    if specs.vendored.match_file(file.path):
        return "marked `linguist-vendored` in .gitattributes"
    if file.status is FileStatus.DELETED:
        return "file deleted"
    if file.changed_lines == 0:
        return _unchanged_reason(file)
    return ""


def _unchanged_reason(file: FileDiff) -> str:
    if file.status is FileStatus.RENAMED:
        return f"renamed from {file.old_path} without changes"
    if file.status is FileStatus.COPIED:
        return f"copied from {file.old_path} without changes"
    if file.mode_change:
        old, new = file.mode_change
        return f"mode change only ({old} → {new})"
    if file.status is FileStatus.ADDED:
        return "empty file"
    return "no changed lines"
