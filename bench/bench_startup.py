"""Start-up: CPU time of `python -m reviewer` before it is useful.

    python -m bench.bench_startup

Targets (issue 15): `--help` and a configuration error in under 0.25 s of CPU; at most
0.6 s of CPU from process start to the first model request. Each figure is the child
process's own CPU time (user + system), the median of a few runs; the last one is read
from /proc when the fake model receives the first request.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_runs import event
from bench.fakes import ReadingModel, served_github, served_model

RUNS = 5
TICKS = os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_cpu(args: list[str], env: dict[str, str]) -> float:
    before = _children_cpu()
    subprocess.run([sys.executable, *args], env=env, capture_output=True, check=False)
    return _children_cpu() - before


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def cpu_to_first_request(env: dict[str, str]) -> float:
    """The child's CPU time when its first model request arrives."""
    with served_github() as github, served_model() as model, tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        github.add_pull(2, head_sha="c" * 40, base_sha="b" * 40, diff=_diff())
        seen: list[float] = []
        child: list[subprocess.Popen[bytes]] = []

        class Timed(ReadingModel):
            def findings(self, prompt: str) -> list[dict[str, object]]:
                if not seen and child:
                    seen.append(_proc_cpu(child[0].pid))
                return []

        model.model = Timed([])
        run_env = {
            **env,
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event(tmp, "c" * 40, "opened")),
            "GITHUB_REPOSITORY": "Codertocat/Hello-World",
            "GITHUB_API_URL": github.base_url,
            "GITHUB_WORKSPACE": str(tmp),
            "INPUT_GITHUB-TOKEN": "ghs_test",
            "INPUT_API-KEY": "sk-bench",
            "INPUT_BASE-URL": model.base_url,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "reviewer"],
            env=run_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        child.append(process)
        process.wait(timeout=120)
        return seen[0] if seen else float("nan")


def _diff() -> str:
    return (
        "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,3 @@\n"
        " import os\n+x = eval(input())\n y = 1\n"
    )


def main() -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": tempfile.gettempdir(),
        **{k: v for k, v in os.environ.items() if k == "TIKTOKEN_CACHE_DIR"},
    }
    rows = {
        "--help": [command_cpu(["-m", "reviewer", "--help"], env) for _ in range(RUNS)],
        "configuration error (no key)": [
            command_cpu(["-m", "reviewer", "review", "--base", "HEAD"], env) for _ in range(RUNS)
        ],
        "start to first model request": [cpu_to_first_request(env) for _ in range(RUNS)],
    }
    print(f"{'':<32} {'CPU s (median)':>15} {'min':>6} {'max':>6}")
    for name, values in rows.items():
        print(
            f"{name:<32} {statistics.median(values):>15.2f} {min(values):>6.2f} {max(values):>6.2f}"
        )
    print(json.dumps({k: statistics.median(v) for k, v in rows.items()}))


if __name__ == "__main__":
    main()
