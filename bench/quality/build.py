"""Regenerate bench/quality/data/ from bench/quality/cases.json and local git mirrors.

    python -m bench.quality.build [--mirrors /work/.mirror] [--only ID]

Each case becomes `data/<id>.json.gz`: the pull request (its commit's diff against its
parent, the commit message as title, description and commit list), a snapshot of the
repository at the base commit (the changed files and other source files of the same
languages, nearest directories first, within SNAPSHOT_BYTES, always with the files the
known issues need), the known issues as line ranges of the new files, and where it all
came from (repository, commits, licence). A mirror is a bare clone named `owner+name/repo`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.json"
DATA = HERE / "data"
SNAPSHOT_BYTES = 400_000
MAX_FILE_BYTES = 200_000
LANGUAGE_SUFFIXES = (
    (".py",),
    (".js", ".mjs", ".cjs"),
    (".ts", ".tsx"),
    (".go",),
    (".java",),
    (".rs",),
    (".c", ".h"),
    (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".h"),
    (".cs",),
    (".rb",),
    (".php",),
)
TEST_PARTS = frozenset({"test", "tests", "spec", "specs", "__tests__", "testdata", "benchmark"})
DIFF_OPTIONS = ("--no-color", "--no-ext-diff", "--no-textconv", "-M", "--src-prefix=a/",
                "--dst-prefix=b/")  # fmt: skip


def git(git_dir: Path, *args: str) -> str:
    done = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, check=True)
    return done.stdout.decode("utf-8", "replace")


def suffixes_for(paths: list[str]) -> tuple[str, ...]:
    wanted: set[str] = set()
    for path in paths:
        for group in LANGUAGE_SUFFIXES:
            if path.endswith(group):
                wanted.update(group)
    return tuple(sorted(wanted))


def is_test(path: str) -> bool:
    parts = {part.lower() for part in PurePosixPath(path).parts[:-1]}
    name = PurePosixPath(path).name.lower()
    return bool(parts & TEST_PARTS) or "test" in name.split(".")[0]


def distance(path: str, near: list[str]) -> int:
    """Directory steps from `path` to the nearest of `near`."""
    mine = PurePosixPath(path).parts[:-1]
    best = 99
    for other in near:
        theirs = PurePosixPath(other).parts[:-1]
        common = 0
        for a, b in zip(mine, theirs, strict=False):
            if a != b:
                break
            common += 1
        best = min(best, len(mine) - common + len(theirs) - common)
    return best


def snapshot(git_dir: Path, base: str, changed: list[str], needed: list[str]) -> dict[str, str]:
    listing = git(git_dir, "ls-tree", "-r", "-l", "-z", base).split("\0")
    sizes: dict[str, int] = {}
    for entry in listing:
        if "\t" not in entry:
            continue
        meta, path = entry.split("\t", 1)
        kind, size = meta.split()[1], meta.split()[3]
        if kind == "blob" and size.isdigit():
            sizes[path] = int(size)
    suffixes = suffixes_for(changed)
    must = [p for p in dict.fromkeys([*changed, *needed]) if p in sizes]
    others = sorted(
        (p for p in sizes if p.endswith(suffixes) and not is_test(p) and p not in must),
        key=lambda p: (distance(p, changed), p),
    )
    files: dict[str, str] = {}
    used = 0
    for path in [*must, *others]:
        if sizes[path] > MAX_FILE_BYTES:
            continue
        if path not in must and used + sizes[path] > SNAPSHOT_BYTES:
            continue
        files[path] = git(git_dir, "show", f"{base}:{path}")
        used += sizes[path]
    return files


def ranges(lines: list[int]) -> list[tuple[int, int]]:
    """Numbers grouped into ranges; numbers at most 3 apart share one."""
    out: list[list[int]] = []
    for number in sorted(set(lines)):
        if out and number - out[-1][1] <= 3:
            out[-1][1] = number
        else:
            out.append([number, number])
    return [(a, b) for a, b in out]


def fixed_lines(git_dir: Path, fix: str, path: str, head: str) -> list[int]:
    """Lines the fix rewrote in `path` that the pull request's version holds too, matched by
    their text (when it occurs once there): the known issue, beyond the lines the PR wrote."""
    diff = git(git_dir, "show", "-U0", "--format=", fix, "--", path)
    old = git(git_dir, "show", f"{fix}^:{path}").splitlines()
    new = git(git_dir, "show", f"{head}:{path}").splitlines()
    found: list[int] = []
    for line in diff.splitlines():
        if not line.startswith("@@"):
            continue
        start, _, count = line.split()[1][1:].partition(",")
        for number in range(int(start), int(start) + (int(count) if count else 1)):
            text = old[number - 1].strip() if number <= len(old) else ""
            where = [i for i, other in enumerate(new, 1) if other.strip() == text]
            if len(text) >= 8 and len(where) == 1:
                found.append(where[0])
    return found


def need_range(files: dict[str, str], need: dict[str, Any]) -> dict[str, Any]:
    text = files[need["path"]].splitlines()
    start = next(i for i, line in enumerate(text, 1) if need["find"] in line)
    return {"path": need["path"], "start": start, "end": start + int(need["lines"]) - 1}


def build_case(case: dict[str, Any], mirrors: Path) -> dict[str, Any]:
    git_dir = mirrors / case["repo"].replace("/", "+") / "repo"
    head = git(git_dir, "rev-parse", case["pr_commit"]).strip()
    base = git(git_dir, "rev-parse", f"{head}^").strip()
    fix = git(git_dir, "rev-parse", case["fix_commit"]).strip()
    message = git(git_dir, "log", "-1", "--format=%B", head).strip()
    title, _, description = message.partition("\n")
    diff = git(git_dir, "diff", *DIFF_OPTIONS, base, head)
    changed = [
        p
        for p in git(git_dir, "diff", "--name-only", "--diff-filter=d", base, head).splitlines()
        if p
    ]
    needed = [n["path"] for issue in case["issues"] for n in issue["needs"]]
    files = snapshot(git_dir, base, changed, needed)
    issues = []
    for issue in case["issues"]:
        needs = [need_range(files, need) for need in issue["needs"]]
        lines = [*issue["lines"], *fixed_lines(git_dir, fix, issue["path"], head)]
        for start, end in ranges(lines):
            issues.append(
                {
                    "path": issue["path"],
                    "start": start,
                    "end": end,
                    "what": issue["what"],
                    "needs": needs,
                }
            )
    url = f"https://github.com/{case['repo']}"
    return {
        "id": case["id"],
        "source": {
            "repository": url,
            "licence": case["licence"],
            "pull_request_commit": f"{url}/commit/{head}",
            "base_commit": base,
            "fixed_by": f"{url}/commit/{fix}",
        },
        "title": title.strip(),
        "description": description.strip(),
        "commits": [message],
        "diff": diff,
        "base_files": files,
        "issues": issues,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    for case in json.loads(CASES.read_text())["cases"]:
        if args.only and case["id"] != args.only:
            continue
        data = build_case(case, args.mirrors)
        raw = json.dumps(data, indent=1, ensure_ascii=False).encode()
        (DATA / f"{case['id']}.json.gz").write_bytes(gzip.compress(raw, mtime=0))
        print(f"{case['id']}: {len(data['base_files'])} files, {len(data['issues'])} issue(s)")


if __name__ == "__main__":
    main()
