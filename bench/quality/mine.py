"""Propose benchmark cases from a repository's history (the SZZ method): a small commit that
fixes a bug, the earlier commit that wrote the lines it fixes (found with `git blame`), and
those lines as the known issue of that earlier commit.

    python -m bench.quality.mine GIT_DIR [--limit 20]

It prints candidates as JSON; a person reads each fix, keeps the real bugs, writes what is
wrong, and names the code from other files the issue needs (bench/quality/cases.json).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

SOURCE = (".py", ".js", ".mjs", ".ts", ".go", ".java", ".rs", ".c", ".h", ".cc", ".cpp",
          ".hpp", ".cs", ".rb", ".php")  # fmt: skip
FIX_WORDS = ("fix", "bug", "crash", "wrong", "incorrect", "regression")


def git(git_dir: Path, *args: str) -> str:
    done = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace")


def numstat(git_dir: Path, commit: str) -> list[tuple[int, int, str]]:
    out = []
    for line in git(git_dir, "show", "--numstat", "--format=", "-M", commit).splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].isdigit():
            out.append((int(parts[0]), int(parts[1]), parts[2]))
    return out


def is_test(path: str) -> bool:
    lowered = path.lower()
    return "test" in lowered or "spec" in lowered or "example" in lowered or "bench" in lowered


def deleted_lines(git_dir: Path, fix: str, path: str) -> list[int]:
    """Old-side numbers of the lines the fix deletes or rewrites in `path`."""
    text = git(git_dir, "show", "-U0", "--format=", fix, "--", path)
    numbers: list[int] = []
    for line in text.splitlines():
        if line.startswith("@@"):
            old = line.split()[1][1:]
            start, _, count = old.partition(",")
            n = int(count) if count else 1
            numbers.extend(range(int(start), int(start) + n))
    return numbers


def blame(git_dir: Path, fix: str, path: str, lines: list[int]) -> dict[str, list[int]]:
    """Introducing commit → the lines' numbers in that commit's version of the file."""
    found: dict[str, list[int]] = {}
    for number in lines:
        out = git(git_dir, "blame", "--porcelain", "-L", f"{number},{number}", f"{fix}^", "--",
                  path)  # fmt: skip
        head = out.splitlines()[0].split() if out else []
        if len(head) >= 2:
            found.setdefault(head[0], []).append(int(head[1]))
    return found


def candidates(git_dir: Path, limit: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    log = git(git_dir, "log", "--no-merges", "--format=%H%x09%s", "-n", "4000", "HEAD")
    for entry in log.splitlines():
        fix, _, subject = entry.partition("\t")
        if not any(word in subject.lower() for word in FIX_WORDS):
            continue
        stats = [s for s in numstat(git_dir, fix) if s[2].endswith(SOURCE) and not is_test(s[2])]
        if len(stats) != 1 or not 0 < stats[0][1] <= 6:
            continue
        path = stats[0][2]
        lines = deleted_lines(git_dir, fix, path)
        for intro, numbers in blame(git_dir, fix, path, lines).items():
            intro_stats = numstat(git_dir, intro)
            changed = sum(a + d for a, d, p in intro_stats)
            src = [p for _, _, p in intro_stats if p.endswith(SOURCE)]
            if not intro_stats or changed > 400 or len(src) > 8 or not src:
                continue
            parents = git(git_dir, "rev-list", "--parents", "-n", "1", intro).split()
            if len(parents) != 2:
                continue  # a root or merge commit
            out.append({"fix": fix, "fix_subject": subject, "intro": intro,
                        "intro_subject": git(git_dir, "log", "-1", "--format=%s", intro).strip(),
                        "path": path, "lines": numbers, "intro_changed": changed,
                        "intro_files": len(intro_stats)})  # fmt: skip
        if len(out) >= limit:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    json.dump(candidates(args.git_dir, args.limit), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
