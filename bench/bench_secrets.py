"""Secret masking on a real repository's history: how much ordinary code it masks, and
what it costs.

    python -m bench.bench_secrets --repo PATH [--commits 1000] [--show]

Takes the diffs of the last `--commits` non-merge commits of the clone at PATH (one
`git show` per commit, as a pull request's diff would look), parses them, selects the files
the action would review (its default excludes: no lock files or vendored code) and masks
each as the action does. Every masked line counts against the masker: a repository's
history is assumed to hold no live secrets, so `--show` lists the masked lines for a person
to sort into real secrets or test fixtures (true finds) and ordinary code (false
positives).
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import time

from reviewer.core.diff import FileDiff, parse_diff
from reviewer.core.filters import select_files
from reviewer.core.secrets_mask import mask_file

_LABEL = re.compile(r"\[REDACTED(?::([a-z0-9-]+))?\]")


def commit_diffs(repo: str, commits: int) -> list[tuple[str, str]]:
    shas = subprocess.run(
        ["git", "-C", repo, "rev-list", "--no-merges", f"--max-count={commits}", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    diffs = []
    for sha in shas:
        diff = subprocess.run(
            ["git", "-C", repo, "show", "--format=", "--no-color", "--no-ext-diff", sha],
            check=True,
            capture_output=True,
        ).stdout.decode("utf-8", "replace")
        diffs.append((sha, diff))
    return diffs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repo", required=True, help="a local git clone")
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--show", action="store_true", help="print every masked line")
    args = parser.parse_args()

    diffs = commit_diffs(args.repo, args.commits)
    parse_cpu = mask_cpu = 0.0
    lines = masked_lines = flagged_files = files_total = secrets = 0
    kinds: collections.Counter[str] = collections.Counter()
    shown: list[str] = []
    for sha, diff in diffs:
        start = time.process_time()
        files: list[FileDiff] = parse_diff(diff)
        parse_cpu += time.process_time() - start
        files, _ = select_files(files)  # as the action does: no lock files, no vendored code
        for file in files:
            files_total += 1
            start = time.process_time()
            masked, count = mask_file(file)
            mask_cpu += time.process_time() - start
            secrets += count
            flagged_files += masked is not file
            for (_, before), (_, after) in zip(file.lines(), masked.lines(), strict=True):
                lines += 1
                if before.text != after.text:
                    masked_lines += 1
                    kinds.update(k or "(no kind)" for k in _LABEL.findall(after.text))
                    shown.append(f"{sha[:10]} {file.path}:{before.number}: {before.text.strip()}")

    print(f"{'commits':>8} {'files':>7} {'lines':>9} {'masked lines':>13} {'share':>8} ", end="")
    print(f"{'parse CPU s':>12} {'mask CPU s':>11}")
    print(
        f"{len(diffs):>8} {files_total:>7} {lines:>9,} {masked_lines:>13} "
        f"{masked_lines / max(lines, 1):>8.3%} {parse_cpu:>12.2f} {mask_cpu:>11.2f}"
    )
    print(f"files with something masked: {flagged_files}; secrets counted: {secrets}")
    for kind, n in kinds.most_common():
        print(f"  {kind}: {n}")
    if args.show:
        print("\n".join(shown))


if __name__ == "__main__":
    main()
