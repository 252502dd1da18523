"""The base commit read from the workspace's checkout, for related code: read-only, and as
the container sees it (root, in a checkout the runner's user owns)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fakes.git_repo import GitRepo

from reviewer.app.context_sources import GitRepository


def base_and_head(root: Path) -> tuple[GitRepo, str]:
    repo = GitRepo(root)
    repo.write("lib/util.py", "def parse(text):\n    return text.split()\n")
    repo.write("app.py", "from lib.util import parse\n")
    base = repo.commit("base")
    repo.write("lib/util.py", "def parse(text):\n    return text\n")
    repo.commit("head")
    return repo, base


def test_files_and_word_matches_come_from_the_base_commit(tmp_path: Path) -> None:
    repo, base = base_and_head(tmp_path / "ws")
    checkout = GitRepository.at(repo.root, base)
    assert checkout is not None
    assert checkout.read("lib/util.py") == "def parse(text):\n    return text.split()\n"
    assert checkout.read("missing.py") is None
    assert sorted(checkout.containing(["parse"], {".py"})) == ["app.py", "lib/util.py"]


def test_no_checkout_or_no_such_commit_is_none(tmp_path: Path) -> None:
    repo, _ = base_and_head(tmp_path / "ws")
    assert GitRepository.at(repo.root, "f" * 40) is None
    assert GitRepository.at(tmp_path / "nowhere", "f" * 40) is None
    assert GitRepository.at(None, "f" * 40) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as the container runs")
def test_a_checkout_another_user_owns_is_read(tmp_path: Path) -> None:
    repo, base = base_and_head(tmp_path / "ws")
    for path in [repo.root, *repo.root.rglob("*")]:
        os.lchown(path, 1001, 1001)
    checkout = GitRepository.at(repo.root, base)
    assert checkout is not None and checkout.read("app.py") == "from lib.util import parse\n"
