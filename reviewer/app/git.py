"""git in a local repository: the branch's diff, and files at a ref (local mode)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reviewer.errors import ConfigError


def git(repo: Path, *args: str) -> str:
    try:
        # Paths unquoted (core.quotepath=off; a `"`, tab or newline is still C-quoted and
        # parsed as such), whatever the user's git configuration says.
        done = subprocess.run(
            ["git", "-C", str(repo), "-c", "core.quotepath=off", *args],
            capture_output=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise ConfigError("git is not installed or not on PATH.") from None
    if done.returncode != 0:
        raise ConfigError(
            f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace').strip()}",
            hint="Check --repo, --base and --head name a git repository and existing refs.",
        )
    # Diffs may hold any bytes; undecodable ones are kept visible, not fatal.
    return done.stdout.decode("utf-8", errors="replace")


def branch_diff(repo: Path, base: str, head: str) -> str:
    """What `head` changes since it forked from `base` (the PR view: base...head)."""
    return git(repo, "diff", *DIFF_OPTIONS, f"{base}...{head}")


# A diff as GitHub's: no colour, no external driver or textconv (nothing of the branch
# runs), renames found, and the a/ b/ prefixes the parser expects whatever diff.noprefix
# or diff.mnemonicPrefix say.
DIFF_OPTIONS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "-M",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)


class GitBaseReader:
    """`core.guidance.BaseReader` over `git show` and `git ls-tree` at one ref."""

    def __init__(self, repo: Path, ref: str) -> None:
        self._repo = repo
        self._ref = ref

    def read(self, path: str) -> str | None:
        try:
            return git(self._repo, "show", f"{self._ref}:{path}")
        except ConfigError:
            return None  # not there at this ref

    def paths(self) -> list[str]:
        # NUL-separated: names are not quoted, whatever characters they hold.
        listing = git(self._repo, "ls-tree", "-r", "-z", "--name-only", self._ref)
        return [path for path in listing.split("\0") if path]
