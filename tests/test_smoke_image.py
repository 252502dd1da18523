"""The image smoke test of the CI and release workflows (tests/smoke_image.py), run here on
this checkout in process: Docker is not available everywhere, its logic is."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from action_runner import run_in_process, tiktoken_env
from pytest_httpserver import HTTPServer
from smoke_image import CONTAINER_DIRS, DockerImage, runner_env, smoke, smoke_on


class InProcess:
    """The entrypoint run in this process, seeing the host's directories."""

    def paths(self, host: Mapping[str, Path]) -> dict[str, str]:
        return {name: str(path) for name, path in host.items()}

    def run(self, env: Mapping[str, str], host: Mapping[str, Path]) -> tuple[int, str, str]:
        code, stdout, stderr, _ = run_in_process(
            [], {**env, **tiktoken_env()}, cwd=host["workspace"]
        )
        return code, stdout, stderr


class DoesNothing(InProcess):
    def run(self, env: Mapping[str, str], host: Mapping[str, Path]) -> tuple[int, str, str]:
        return 0, "", ""


def test_the_smoke_test_passes_on_this_checkout(tmp_path: Path) -> None:
    assert smoke(InProcess(), tmp_path) == []  # with its own fake servers, as in CI


def test_the_smoke_test_fails_an_entrypoint_that_does_not_review(
    tmp_path: Path, httpserver: HTTPServer, model_httpserver: HTTPServer
) -> None:
    problems = smoke_on(DoesNothing(), tmp_path, httpserver, model_httpserver)
    assert "exit code: 0, expected 1" in problems
    assert "reviews posted: 0, expected 1" in problems
    assert any(p.startswith("outputs verdict, findings: (None, None)") for p in problems)


def test_the_container_sees_the_runner_layout(tmp_path: Path) -> None:
    host = {name: tmp_path / name for name in CONTAINER_DIRS}
    image = DockerImage("ghcr.io/acme/reviewer@sha256:abc", "linux/arm64")
    env = runner_env(image.paths(host), "http://127.0.0.1:1", "http://127.0.0.1:2/v1")
    argv = image.command(env, host)
    assert argv[:7] == ["docker", "run", "--rm", "--network", "host", "--platform", "linux/arm64"]
    assert argv[-1] == "ghcr.io/acme/reviewer@sha256:abc"  # no arguments: the entrypoint alone
    mounts = [argv[i + 1] for i, part in enumerate(argv) if part == "--volume"]
    assert mounts == [f"{host[name]}:{path}" for name, path in CONTAINER_DIRS.items()]
    assert "GITHUB_EVENT_PATH=/github/workflow/event.json" in argv
    assert "GITHUB_OUTPUT=/github/file_commands/output" in argv
    assert "INPUT_API-KEY=sk-test" in argv  # the runner keeps the dash; so does the program
    assert not any(str(tmp_path) in part for part in argv if part.startswith("GITHUB_"))
