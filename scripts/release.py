"""Release helper: prepare a version, tag a release commit, and check a tag (CI).

The development branch's action.yml builds the image from the Dockerfile (`uses: ./` and
`@main` build from source). A release tag points at a commit of its own whose action.yml
runs the image the release workflow publishes, `docker://ghcr.io/OWNER/NAME:vX.Y.Z`, so
users of `@v1` or `@vX.Y.Z` (or that commit's SHA) pull it instead of building.
docs/releasing.md describes the whole process.

    python scripts/release.py prepare 1.2.0            # versions + CHANGELOG (a PR)
    python scripts/release.py tag 1.2.0                # after that PR is merged, on main
    git push origin v1.2.0                             # .github/workflows/release.yml runs
    python scripts/release.py check v1.2.0 --repository OWNER/NAME      # what CI runs
    python scripts/release.py notes 1.2.0              # the release notes
    python scripts/release.py major-tag 1.2.0 v1.0.0 v1.1.0             # "v1", or nothing
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "ghcr.io"
DEV_IMAGE = "Dockerfile"
_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_RUNS_ENTRY = re.compile(r"(?P<indent> +)(?P<key>[\w-]+):[ \t]*(?P<value>[^#\s]*)")
_SECTION = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\S+))?[ \t]*$", re.MULTILINE)

ReadFile = Callable[[str], str]


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


def check_release(read: ReadFile, tag: str, repository: str) -> tuple[Version, str, str]:
    """Check the files of a release tag: (version, image to publish, release notes)."""
    version = Version.parse(tag)
    if tag != version.tag:
        raise ReleaseError(f"release tags are v{version}, not {tag!r}.")
    for name, declared in declared_versions(read).items():
        if declared != str(version):
            raise ReleaseError(
                f"{name} says {declared}, the tag says {version}: "
                "run scripts/release.py prepare and merge it before tagging."
            )
    notes = release_notes(read("CHANGELOG.md"), version)
    want = image_ref(repository, version)
    image = runs_image(read("action.yml"))
    if image != want:
        raise ReleaseError(
            f"action.yml at {tag} runs {image!r}, not {want!r}: make the tag with "
            "scripts/release.py tag, which pins the image in a release commit."
        )
    return version, image_name(repository), notes


def major_tag(version: Version, tags: Iterable[str]) -> str | None:
    """The major tag (v1) to point at this release: only if no later v1.x.y exists."""
    same_major = []
    for tag in tags:
        try:
            other = Version.parse(tag)
        except ReleaseError:
            continue  # v1, other tags
        if other.major == version.major and tag == other.tag:
            same_major.append(other)
    return f"v{version.major}" if all(other <= version for other in same_major) else None


# --- git ----------------------------------------------------------------------------------


def git(root: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def repository_from_remote(url: str) -> str:
    match = re.search(r"github\.com[:/]([\w.-]+/[\w.-]+?)(?:\.git)?/?$", url)
    if match is None:
        raise ReleaseError(f"cannot tell OWNER/NAME from the remote {url!r}: pass --repository.")
    return match.group(1)


def make_release_commit(root: Path, version: Version, repository: str, *, sign: bool) -> str:
    """Commit action.yml pinned to the release image on top of HEAD, without touching the
    branch or the working tree, and tag that commit. Returns the commit's SHA."""
    if git(root, "status", "--porcelain", "--untracked-files=no").strip():
        raise ReleaseError("the working tree has uncommitted changes: commit or stash them.")
    if git(root, "tag", "--list", version.tag).strip():
        raise ReleaseError(f"the tag {version.tag} exists already.")

    def at_head(path: str) -> str:
        return git(root, "show", f"HEAD:{path}")

    declared = declared_versions(at_head)
    if set(declared.values()) != {str(version)}:
        raise ReleaseError(f"HEAD declares {declared}: run scripts/release.py prepare {version}.")
    release_notes(at_head("CHANGELOG.md"), version)
    if runs_image(at_head("action.yml")) != DEV_IMAGE:
        raise ReleaseError(f"action.yml at HEAD should build from {DEV_IMAGE}: is HEAD main?")
    pinned = pin_image(at_head("action.yml"), image_ref(repository, version))
    blob = git(root, "hash-object", "-w", "--stdin", stdin=pinned).strip()
    with tempfile.TemporaryDirectory() as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(root, "read-tree", "HEAD", env=index)
        git(root, "update-index", "--cacheinfo", f"100644,{blob},action.yml", env=index)
        tree = git(root, "write-tree", env=index).strip()
    message = f"Release {version.tag}: action.yml runs {image_ref(repository, version)}"
    commit = git(root, "commit-tree", tree, "-p", "HEAD", "-m", message).strip()
    git(root, "tag", "-s" if sign else "-a", version.tag, commit, "-m", f"reviewer {version}")
    return commit


# --- command line -------------------------------------------------------------------------


def _read_dir(root: Path) -> ReadFile:
    def read(path: str) -> str:
        try:
            return (root / path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ReleaseError(f"{path} is missing") from None

    return read


def main(argv: Sequence[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(prog="scripts/release.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare", help="set the version and date the CHANGELOG")
    prepare.add_argument("version")
    prepare.add_argument("--date", type=datetime.date.fromisoformat, default=datetime.date.today())
    tag = commands.add_parser("tag", help="make the release commit and its tag")
    tag.add_argument("version")
    tag.add_argument("--repository", help="OWNER/NAME (default: from the origin remote)")
    tag.add_argument("--sign", action="store_true", help="sign the tag (git tag -s)")
    check = commands.add_parser("check", help="check a release tag's files (CI)")
    check.add_argument("tag")
    check.add_argument("--repository", required=True, help="OWNER/NAME")
    notes = commands.add_parser("notes", help="print a version's CHANGELOG section")
    notes.add_argument("version")
    major = commands.add_parser("major-tag", help="print the major tag to move, if any")
    major.add_argument("version")
    major.add_argument("tags", nargs="*", help="the repository's tags")
    args = parser.parse_args(argv)
    read = _read_dir(root)
    try:
        if args.command == "prepare":
            version = Version.parse(args.version)
            current = Version.parse(declared_versions(read)["pyproject.toml"])
            if version <= current:
                raise ReleaseError(f"{version} is not after the current version {current}.")
            changelog = release_changelog(read("CHANGELOG.md"), version, args.date)
            for name, text in {**set_versions(read, version), "CHANGELOG.md": changelog}.items():
                (root / name).write_text(text, encoding="utf-8")
            print(f"Prepared {version}: review the diff, commit it and merge it, then run")
            print(f"  python scripts/release.py tag {version}")
        elif args.command == "tag":
            version = Version.parse(args.version)
            repository = args.repository or repository_from_remote(
                git(root, "remote", "get-url", "origin").strip()
            )
            commit = make_release_commit(root, version, repository, sign=args.sign)
            print(f"Tagged {version.tag} at {commit} (not on any branch). Publish it with")
            print(f"  git push origin {version.tag}")
        elif args.command == "check":
            version, image, _ = check_release(read, args.tag, args.repository)
            print(f"version={version}\nimage={image}\ntag={version.tag}")
        elif args.command == "notes":
            print(release_notes(read("CHANGELOG.md"), Version.parse(args.version)))
        else:
            print(major_tag(Version.parse(args.version), args.tags) or "")
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
