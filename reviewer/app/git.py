"""git in a local repository: the branch's diff, and files at a ref (local mode)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reviewer.errors import ConfigError

# git's own message is kept short: a failing `git diff` outside a repository prints the
# whole usage of `git diff --no-index` (about 100 lines) after the one line that matters.
_MAX_GIT_ERROR_LINES = 3


# Whatever the user's git configuration says: paths unquoted (core.quotepath=off; a `"`,
# tab or newline is still C-quoted and parsed as such), and a diff of the whole tree, not
# of the folder git runs in (diff.relative=true once hid every other folder's changes).
GIT_TIMEOUT_S = 120
_CONFIG = ("-c", "core.quotepath=off", "-c", "diff.relative=false")


def git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *_CONFIG, *args],
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT_S,
        )
    except FileNotFoundError:
        raise ConfigError("git is not installed or not on PATH.") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(
            f"git {' '.join(args[:2])} took more than {GIT_TIMEOUT_S} s.",
            hint="Review a smaller range (--base closer to --head), or check that the "
            "repository is not on a stalled network file system.",
        ) from None
    if done.returncode != 0:
        stderr = _short(done.stderr)
        hint = "Check --repo, --base and --head name a git repository and existing refs."
        if "no merge base" in stderr:
            # A shallow clone, or branches with no common history.
            hint = (
                "The history does not reach the commit the branch forked from: fetch more of "
                "it (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout), or "
                "name a --base the branch shares history with."
            )
        raise ConfigError(f"git {' '.join(args)} failed: {stderr}", hint=hint)
    # Diffs may hold any bytes; undecodable ones are kept visible, not fatal.
    return done.stdout.decode("utf-8", errors="replace")


def _short(stderr: bytes) -> str:
    lines = [line for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    kept = lines[:_MAX_GIT_ERROR_LINES]
    if len(lines) > len(kept):
        kept.append(f"({len(lines) - len(kept)} more line(s) of git output)")
    return "\n".join(kept)


def check_refs(repo: Path, base: str, head: str) -> None:
    """A clear message for the first-contact mistakes: not a repository, an unknown ref."""
    where = repo.resolve()
    try:
        git(repo, "rev-parse", "--git-dir")
    except ConfigError:
        raise ConfigError(
            f"{where} is not in a git repository.",
            hint="Run `reviewer review` inside a clone, or pass --repo PATH.",
        ) from None
    for flag, ref in (("--base", base), ("--head", head)):
        try:
            git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        except ConfigError:
            branches = git(repo, "branch", "--format=%(refname:short)").split()
            known = f" Local branches: {', '.join(branches[:5])}." if branches else ""
            raise ConfigError(
                f"{flag} {ref} is not a commit in {where}.",
                hint=f"Name a branch, tag or commit, e.g. --base origin/main.{known}",
            ) from None


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
