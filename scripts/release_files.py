"""The files a release changes, as text: the version declarations, CHANGELOG.md and
action.yml's image. Pure functions, tested by tests/test_release.py; scripts/release.py
runs them. Standard library only: the release workflow runs this with the runner's Python.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

REGISTRY = "ghcr.io"
DEV_IMAGE = "Dockerfile"
_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_RUNS_ENTRY = re.compile(r"(?P<indent> +)(?P<key>[\w-]+):[ \t]*(?P<value>[^#\s]*)")
_SECTION = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\S+))?[ \t]*$", re.MULTILINE)

ReadFile = Callable[[str], str]  # a path in the repository -> its text


class ReleaseError(Exception):
    """Something a maintainer must fix before releasing; the message says what."""


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _VERSION.match(text.removeprefix("v"))
        if match is None:
            raise ReleaseError(
                f"{text!r} is not a release version: use MAJOR.MINOR.PATCH (semantic "
                "versioning), e.g. 1.2.0, and the tag v1.2.0."
            )
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def tag(self) -> str:
        return f"v{self}"


def image_name(repository: str) -> str:
    """The image of `OWNER/NAME` on GHCR (which takes lower-case names only)."""
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        raise ReleaseError(f"{repository!r} is not OWNER/NAME.")
    return f"{REGISTRY}/{repository.lower()}"


def image_ref(repository: str, version: Version) -> str:
    return f"docker://{image_name(repository)}:{version.tag}"


# --- action.yml ---------------------------------------------------------------------------


def _runs_entries(action_yml: str) -> dict[str, re.Match[str]]:
    """The `key: value` lines directly under the top-level `runs:` of action.yml. (Read
    line by line, so this script needs nothing beyond the standard library.)"""
    entries: dict[str, re.Match[str]] = {}
    inside = False
    for line in re.finditer(r"^.*$", action_yml, re.MULTILINE):
        text = line.group(0)
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if not text[0].isspace():
            inside = re.match(r"runs:\s*(#.*)?$", text) is not None
            continue
        entry = _RUNS_ENTRY.match(action_yml, line.start(), line.end()) if inside else None
        if entry is not None and len(entry.group("indent")) == 2:
            entries[entry.group("key")] = entry
    return entries


def _value(entry: re.Match[str] | None) -> str:
    return entry.group("value").strip("\"'") if entry else ""


def runs_image(action_yml: str) -> str:
    entries = _runs_entries(action_yml)
    if _value(entries.get("using")) != "docker" or "image" not in entries:
        raise ReleaseError("action.yml must run a Docker image (runs: using: docker, image: …).")
    return _value(entries["image"])


def pin_image(action_yml: str, image: str) -> str:
    """action.yml with `runs.image` set to `image`; the rest (comments too) unchanged."""
    runs_image(action_yml)
    line = _runs_entries(action_yml)["image"]
    pinned = action_yml[: line.start("value")] + image + action_yml[line.end("value") :]
    if runs_image(pinned) != image:  # the edit must mean what it says
        raise ReleaseError("could not rewrite runs.image in action.yml")
    return pinned


# --- versions and CHANGELOG ---------------------------------------------------------------


def declared_versions(read: ReadFile) -> dict[str, str]:
    """The version each file declares, keyed by file."""
    found = {
        "pyproject.toml": re.search(r'^version = "([^"]+)"$', read("pyproject.toml"), re.M),
        "reviewer/__init__.py": re.search(
            r'^__version__ = "([^"]+)"$', read("reviewer/__init__.py"), re.M
        ),
    }
    missing = [name for name, match in found.items() if match is None]
    if missing:
        raise ReleaseError(f"no version found in {', '.join(missing)}")
    return {name: match.group(1) for name, match in found.items() if match is not None}


def set_versions(read: ReadFile, version: Version) -> dict[str, str]:
    """New texts of the files that declare the version."""
    return {
        "pyproject.toml": re.sub(
            r'^version = "[^"]+"$', f'version = "{version}"', read("pyproject.toml"), flags=re.M
        ),
        "reviewer/__init__.py": re.sub(
            r'^__version__ = "[^"]+"$',
            f'__version__ = "{version}"',
            read("reviewer/__init__.py"),
            flags=re.M,
        ),
    }


def changelog_sections(text: str) -> dict[str, tuple[str | None, str]]:
    """Section name ("Unreleased", "1.2.0") -> (date, body)."""
    heads = list(_SECTION.finditer(text))
    sections: dict[str, tuple[str | None, str]] = {}
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        end = following.start() if following else _link_definitions_start(text, head.end())
        sections[head.group("name")] = (head.group("date"), text[head.end() : end].strip())
    return sections


def _link_definitions_start(text: str, after: int) -> int:
    links = re.search(r"^\[[^\]]+\]: \S+", text[after:], re.MULTILINE)
    return after + links.start() if links else len(text)


def release_notes(changelog: str, version: Version) -> str:
    date, body = changelog_sections(changelog).get(str(version), (None, ""))
    if not body:
        raise ReleaseError(
            f"CHANGELOG.md has no notes for {version}: add a `## [{version}] - YYYY-MM-DD` "
            "section (scripts/release.py prepare does)."
        )
    if date is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ReleaseError(f"CHANGELOG.md's section for {version} needs a date: - YYYY-MM-DD.")
    return body


def release_changelog(changelog: str, version: Version, date: datetime.date) -> str:
    """Turn the Unreleased section into the section of `version`, under a new empty one."""
    sections = changelog_sections(changelog)
    if str(version) in sections:
        raise ReleaseError(f"CHANGELOG.md already has a section for {version}.")
    _, unreleased = sections.get("Unreleased", (None, ""))
    if not unreleased:
        raise ReleaseError("CHANGELOG.md's `## [Unreleased]` section is empty: nothing to release.")
    head = re.search(r"^## \[Unreleased\][ \t]*$", changelog, re.MULTILINE)
    assert head is not None  # changelog_sections found it
    new_head = f"## [Unreleased]\n\n## [{version}] - {date.isoformat()}"
    return changelog[: head.start()] + new_head + changelog[head.end() :]
