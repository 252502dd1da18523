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
from collections.abc import Iterable, Sequence
from pathlib import Path

from release_files import (
    DEV_IMAGE,
    ReadFile,
    ReleaseError,
    Version,
    declared_versions,
    image_name,
    image_ref,
    pin_image,
    release_changelog,
    release_notes,
    runs_image,
    set_versions,
)

ROOT = Path(__file__).resolve().parent.parent


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
