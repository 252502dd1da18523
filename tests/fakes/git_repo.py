"""Build real git repositories in tests, so diffs come from git itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


class GitRepo:
    def __init__(self, root: Path, *, init: bool = True) -> None:
        self.root = root
        if init:
            root.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main")

    @classmethod
    def existing(cls, root: Path) -> GitRepo:
        return cls(root, init=False)

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "core.autocrlf=false", *args],
            cwd=self.root,
            env=GIT_ENV,
            capture_output=True,
            check=True,
        )
        return done.stdout.decode("utf-8", "replace")

    def write(self, path: str, content: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def diff(self, base: str, head: str = "HEAD") -> str:
        return self.git("diff", "--no-color", "-M", f"{base}...{head}")
