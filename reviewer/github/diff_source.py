"""Where the PR's diff comes from: GitHub's diff media type, or, when GitHub refuses a
diff that is too large, the repository checkout or the paginated files list."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.core.filters import SkippedFile
from reviewer.github.adapter import ChangedFile, GitHubAdapter
from reviewer.github.errors import DiffTooLarge

log = logging.getLogger(__name__)

NO_PATCH = (
    "GitHub's API gives no diff for it (too large); check out the repository "
    "(actions/checkout with fetch-depth: 0) to review it"
)
BINARY = "binary file (GitHub's API gives no diff for it)"


@dataclass(frozen=True, slots=True)
class PullDiff:
    text: str
    unavailable: tuple[SkippedFile, ...] = field(default=())


def fetch_pull_diff(
    github: GitHubAdapter,
    *,
    base_sha: str,
    head_sha: str,
    workspace: str | None,
    changed_files: int | None = None,
) -> PullDiff:
    try:
        return PullDiff(github.fetch_diff())
    except DiffTooLarge as refusal:
        log.warning("%s Falling back.", refusal.message)
    text = checkout_diff(workspace, base_sha, head_sha)
    if text is not None:
        return PullDiff(text)
    diff, unavailable = diff_from_files(github.changed_files(), total=changed_files)
    return PullDiff(diff, tuple(unavailable))


def checkout_diff(workspace: str | None, base_sha: str, head_sha: str) -> str | None:
    """`git diff base...head` in the checkout, when it holds both commits; else None.

    Read-only and with external diff drivers and textconv off: nothing from the PR runs.
    `safe.directory`: the container runs as root in a checkout the runner's user owns."""
    if not workspace or not (Path(workspace) / ".git").exists():
        return None
    git = ["git", "-C", workspace, "-c", "safe.directory=*", "-c", "core.quotepath=off"]
    git += ["-c", "diff.relative=false"]  # the whole tree, whatever the checkout's config
    for sha in (base_sha, head_sha):
        probe = _run([*git, "cat-file", "-e", f"{sha}^{{commit}}"])
        if probe is None or probe.returncode != 0:
            log.info("The checkout lacks commit %s; using GitHub's files list.", sha[:12])
            return None
    done = _run(
        [
            *git,
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "-M",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            f"{base_sha}...{head_sha}",
        ],
    )
    if done is None or done.returncode != 0:
        why = "git did not run" if done is None else done.stderr.decode(errors="replace")
        log.warning("git diff failed in the checkout (%s); using GitHub's files list.", why)
        return None
    return done.stdout.decode("utf-8", errors="replace")


def _run(command: list[str]) -> subprocess.CompletedProcess[bytes] | None:
    """The finished command; None when git is missing or took too long."""
    try:
        return subprocess.run(command, capture_output=True, check=False, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        log.info("git could not run (%s).", error)
        return None


def diff_from_files(
    files: Sequence[ChangedFile], *, total: int | None = None
) -> tuple[str, list[SkippedFile]]:
    """A unified diff rebuilt from the files list; files without a patch are listed, and
    so are the files past the end of the list (GitHub lists at most 3,000)."""
    parts: list[str] = []
    unavailable: list[SkippedFile] = []
    for file in files:
        if file.patch is None:
            if file.status in ("removed", "unchanged"):
                continue
            # Lines changed but no patch: a text file too large for the API, not reviewed.
            # None changed: a binary file (or a rename or mode change without content).
            if file.changes > 0:
                unavailable.append(SkippedFile(file.filename, NO_PATCH, unreviewed=True))
            elif file.status not in ("renamed", "copied"):
                unavailable.append(SkippedFile(file.filename, BINARY))
            continue
        parts.append(_file_header(file) + file.patch.rstrip("\n") + "\n")
    if total is not None and total > len(files):
        unavailable.append(
            SkippedFile(
                f"({total - len(files)} more files)",
                f"GitHub's files list stops at {len(files)} files; check out the repository "
                "(actions/checkout with fetch-depth: 0) to review them all",
                unreviewed=True,
            )
        )
    return "".join(parts), unavailable


def _file_header(file: ChangedFile) -> str:
    old = file.previous_filename or file.filename
    lines = [f"diff --git a/{old} b/{file.filename}"]
    if file.status == "renamed":
        lines += [f"rename from {old}", f"rename to {file.filename}"]
    elif file.status == "copied":
        lines += [f"copy from {old}", f"copy to {file.filename}"]
    elif file.status == "added":
        lines.append("new file mode 100644")
    elif file.status == "removed":
        lines.append("deleted file mode 100644")
    lines.append("--- /dev/null" if file.status == "added" else f"--- a/{old}")
    lines.append("+++ /dev/null" if file.status == "removed" else f"+++ b/{file.filename}")
    return "\n".join(lines) + "\n"
