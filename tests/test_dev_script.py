"""scripts/dev picks a Python that is new enough, says so clearly when there is none, and
rebuilds a .venv made by an older Python instead of reusing it.

The script runs for real (bash) against stand-in interpreters: small scripts that answer
the version questions it asks, create a venv and record pip's arguments.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from paths import ROOT

FAKE_PYTHON = """\
#!/bin/bash
MINOR={minor}
case "$1" in
  -c)
    if [[ $2 == *sys.exit* ]]; then (( MINOR >= 11 )); exit $?; fi
    echo "3.$MINOR.0" ;;
  -m)
    case "$2" in
      venv) mkdir -p "$3/bin" && cp "$0" "$3/bin/python" ;;
      pip) echo "python 3.$MINOR: $*" >> "$PIP_LOG" ;;
      *) exit 1 ;;
    esac ;;
  *) exit 1 ;;
esac
"""
TOOLS = ("bash", "cat", "sha256sum", "cut", "rm", "dirname", "mkdir", "cp", "chmod")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "dev", root / "scripts" / "dev")
    (root / "requirements-dev.lock").write_text("# lock\n")
    (root / "pyproject.toml").write_text("[project]\n")
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (tools / tool).symlink_to(found)
    return root


def fake_python(path: Path, minor: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FAKE_PYTHON.format(minor=minor))
    path.chmod(0o755)
    return path


def dev(project: Path, *args: str, pythons: dict[str, int], **env: str) -> tuple[int, str]:
    """Run scripts/dev with only `pythons` (name -> minor version) and basic tools on PATH."""
    bin_dir = project.parent / "bin"
    shutil.rmtree(bin_dir, ignore_errors=True)
    for name, minor in pythons.items():
        fake_python(bin_dir / name, minor)
    bin_dir.mkdir(exist_ok=True)
    done = subprocess.run(
        ["bash", "scripts/dev", *args],
        cwd=project,
        env={
            "PATH": f"{bin_dir}:{project.parent / 'tools'}",
            "PIP_LOG": str(project.parent / "pip.log"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.returncode, done.stderr


def venv_version(project: Path) -> str:
    python = project / ".venv" / "bin" / "python"
    return subprocess.run([python, "-c", "print()"], capture_output=True, text=True).stdout.strip()


def test_too_old_a_python_is_refused_with_a_clear_message(project: Path) -> None:
    code, stderr = dev(project, "setup", pythons={"python3": 10})
    assert code == 1
    assert "reviewer needs Python 3.11 or newer, and python3 is 3.10.0." in stderr
    assert "PYTHON=/path/to/python3.12 scripts/dev test" in stderr
    assert not (project / ".venv").exists()
    code, stderr = dev(project, "setup", pythons={}, PYTHON="python3")
    assert code == 1 and "PYTHON=python3 is Python not runnable" in stderr


def test_a_newer_python_beside_an_old_python3_is_used(project: Path) -> None:
    code, stderr = dev(project, "setup", pythons={"python3": 10, "python3.12": 12})
    assert code == 0, stderr
    assert venv_version(project) == "3.12.0"
    log = (project.parent / "pip.log").read_text()
    assert "--require-hashes -r requirements-dev.lock" in log


def test_a_venv_made_by_an_old_python_is_rebuilt(project: Path) -> None:
    old = fake_python(project / ".venv" / "bin" / "python", 10)
    (project / ".venv" / "marker").write_text("made by 3.10")
    code, stderr = dev(project, "setup", pythons={"python3": 12})
    assert code == 0, stderr
    assert ".venv has Python 3.10.0; rebuilding it with Python 3.11+." in stderr
    assert not (project / ".venv" / "marker").exists()
    assert old.exists() and venv_version(project) == "3.12.0"
    assert (
        "python 3.12: -m pip install --quiet --require-hashes"
        in (project.parent / "pip.log").read_text()
    )
    # Up to date now: a second setup neither rebuilds nor reinstalls.
    (project.parent / "pip.log").unlink()
    code, stderr = dev(project, "setup", pythons={"python3": 12})
    assert (code, stderr) == (0, "")
    assert not (project.parent / "pip.log").exists()


def test_an_explicit_python_that_is_new_enough_is_used(project: Path) -> None:
    python = fake_python(project.parent / "elsewhere" / "python", 13)
    code, stderr = dev(project, "setup", pythons={"python3": 10}, PYTHON=str(python))
    assert code == 0, stderr
    assert venv_version(project) == "3.13.0"
