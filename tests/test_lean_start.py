"""What loads before it is needed: `--help` and a configuration error never import the
model's or GitHub's clients, and a small diff never loads the tokenizer's encoding.
(Timings are measured by `python -m bench.bench_startup`, not here.)"""

from __future__ import annotations

import subprocess
import sys

from reviewer.core.chunk_plan import ReviewOptions, plan_chunks
from reviewer.model.tokenizer import lazy_token_counter

HEAVY = ("openai", "github", "tiktoken", "pydantic", "jsonschema", "yaml", "unidiff")


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60
    )
    return set(done.stdout.split())


def test_help_and_a_bad_setting_load_no_client() -> None:
    loaded = loaded_after(
        "import contextlib, io\n"
        "from reviewer.cli import main\n"
        "quiet = io.StringIO()\n"
        "with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    assert main(['review', '--concurrency', 'many'], env={}) == 2\n"
    )
    assert "reviewer.cli" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_a_small_diff_is_planned_without_an_exact_count() -> None:
    def exact(_text: str) -> int:
        raise AssertionError("the exact counter was not needed")

    diff = "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    (chunk,) = plan_chunks(diff, ReviewOptions(model="gpt-4.1-mini", rules=""), exact).chunks
    assert "+x = 2" in chunk.text


def test_the_lazy_counter_loads_its_encoding_on_first_use() -> None:
    loaded = loaded_after(
        "from reviewer.model.tokenizer import lazy_token_counter\n"
        "count = lazy_token_counter('gpt-4.1-mini')\n"
    )
    assert "tiktoken" not in loaded
    count = lazy_token_counter("gpt-4.1-mini")
    assert count("hello world") > 0


def test_planning_a_clean_diff_loads_no_secret_detector_and_no_validator() -> None:
    loaded = loaded_after(
        "from reviewer.core.chunk_plan import ReviewOptions, plan_chunks\n"
        "diff = 'diff --git a/a.py b/a.py\\n--- a/a.py\\n+++ b/a.py\\n@@ -1 +1 @@\\n-x\\n+y\\n'\n"
        "plan_chunks(diff, ReviewOptions(model='m', rules=''), len)\n"
    )
    assert "reviewer.core.chunk_plan" in loaded
    assert not loaded & {"detect_secrets", "jsonschema", "yaml"}, loaded
